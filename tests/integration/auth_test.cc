// Access control over gRPC against the real koersd started with a principals
// file made by `koersd add-principal` and the sample plan: who is refused
// (UNAUTHENTICATED, PERMISSION_DENIED, with nothing written), who may do what,
// and the principal every event stores.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/koers_client.h"
#include "tests/integration/test_server.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace koers::integration {
namespace {

using ::koers::testing::IsOk;
using ::koers::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// Principals of the suite.
constexpr char kCoordinator[] = "coordinator.jh";
constexpr char kWelzijnReporter[] = "welzijn-opgroeien";
constexpr char kJustitieReporter[] = "justitie";
constexpr char kEvaluator[] = "evaluator@vlaanderen";

// Reporting entities of the sample plan; Welzijn's name holds a comma.
constexpr char kWelzijn[] = "Departement Welzijn, Volksgezondheid en Gezin";
constexpr char kOpgroeien[] = "Agentschap Opgroeien";
constexpr char kJustitie[] = "Agentschap Justitie en Handhaving";

constexpr absl::StatusCode kDenied = absl::StatusCode::kPermissionDenied;

class AuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    tokens_ = new std::map<std::string, std::string>();
    setup_status_ = new absl::Status();
    const std::string auth_file = dir_->Sub("principals.json");
    struct Entry {
      const char* name;
      const char* role;
      std::string entities;
    };
    const Entry entries[] = {
        {kCoordinator, "coordinator", ""},
        {kWelzijnReporter, "reporter", absl::StrCat(kWelzijn, ";", kOpgroeien)},
        {kJustitieReporter, "reporter", kJustitie},
        {kEvaluator, "evaluator", ""},
    };
    for (const Entry& entry : entries) {
      absl::StatusOr<std::string> token =
          AddPrincipal(auth_file, entry.name, entry.role, entry.entities);
      if (!token.ok()) {
        *setup_status_ = token.status();
        return;
      }
      (*tokens_)[entry.name] = *token;
    }
    server_ = new TestServer({"--plan=sample", "--auth_file=" + auth_file});
    *setup_status_ = server_->status();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete tokens_;
    delete dir_;
    delete setup_status_;
    server_ = nullptr;
  }

  void SetUp() override { ASSERT_TRUE(setup_status_->ok()) << *setup_status_; }

  static KoersClient As(const std::string& name) {
    return server_->Client(tokens_->at(name));
  }
  static KoersClient WithAuthorization(const std::string& authorization) {
    return KoersClient::WithAuthorization(server_->process().Channel(),
                                          authorization);
  }
  static const std::string& TokenOf(const std::string& name) {
    return tokens_->at(name);
  }

  // Expects the event `result` names to be stored with `principal`.
  static void ExpectWrittenBy(const v1::WriteResult& result,
                              const std::string& principal) {
    KoersClient reader = As(kEvaluator);
    ASSERT_OK_AND_ASSIGN(const v1::Event event,
                         reader.EventAt(result.position()));
    EXPECT_EQ(event.event_id(), result.event_id());
    EXPECT_EQ(event.principal(), principal);
  }

 private:
  inline static testing::TempDir* dir_ = nullptr;
  inline static TestServer* server_ = nullptr;
  inline static std::map<std::string, std::string>* tokens_ = nullptr;
  inline static absl::Status* setup_status_ = nullptr;
};

// Every write RPC with `client`, each expecting `code` (a stream: its one
// item rejected with `code`).
void ExpectEveryWriteRefused(KoersClient& client, absl::StatusCode code,
                             const std::string& action_id) {
  const std::string indicator_id = action_id + ".I1";
  EXPECT_THAT(client.Submit(Measurement(indicator_id, 20)), StatusIs(code));
  EXPECT_THAT(
      client.Submit(StatusChange(action_id, v1::ACTION_STATUS_IN_PROGRESS)),
      StatusIs(code));
  EXPECT_THAT(client.Submit(FicheUpdate(action_id, 2026)), StatusIs(code));
  EXPECT_THAT(client.SubmitBatch({Measurement(indicator_id, 20)}),
              StatusIs(code));
  absl::StatusOr<v1::StreamSubmitResponse> streamed =
      client.StreamSubmit({Measurement(indicator_id, 20)});
  if (code == absl::StatusCode::kUnauthenticated) {
    EXPECT_THAT(streamed, StatusIs(code));
    return;
  }
  ASSERT_THAT(streamed, IsOk());
  ASSERT_THAT(streamed->items(), SizeIs(1));
  EXPECT_EQ(streamed->items(0).outcome(), v1::ItemResult::OUTCOME_REJECTED);
  EXPECT_EQ(streamed->items(0).code(), static_cast<int>(code));
}

// Every read RPC with `client`, each expecting `code` (or OK).
void ExpectEveryRead(KoersClient& client, absl::StatusCode code) {
  EXPECT_THAT(client.GetPlan(""), StatusIs(code));
  EXPECT_THAT(client.GetProgress(), StatusIs(code));
  EXPECT_THAT(client.GetHistory("SD2.A2"), StatusIs(code));
  EXPECT_THAT(client.ReadEvents(1), StatusIs(code));
  EXPECT_THAT(client.Verify(), StatusIs(code));
  std::unique_ptr<Subscription> subscription = client.Subscribe(1);
  v1::SubscribeResponse message;
  if (code == absl::StatusCode::kOk) {
    ASSERT_TRUE(subscription->Read(&message));
    EXPECT_EQ(message.event().position(), 1u);
  } else {
    EXPECT_FALSE(subscription->Read(&message));
    EXPECT_THAT(subscription->Finish(), StatusIs(code));
  }
}

TEST_F(AuthTest, MissingOrWrongCredentialsAreUnauthenticated) {
  KoersClient evaluator = As(kEvaluator);
  const uint64_t head = HeadOf(evaluator);
  const std::string valid = TokenOf(kEvaluator);
  for (const std::string& authorization :
       {std::string(), std::string("Bearer 0123456789abcdef"),
        std::string("Bearer "), absl::StrCat("Basic ", valid), valid,
        absl::StrCat("Bearer ", valid, "0")}) {
    SCOPED_TRACE(absl::StrCat("authorization: \"", authorization, "\""));
    KoersClient client = WithAuthorization(authorization);
    ExpectEveryRead(client, absl::StatusCode::kUnauthenticated);
    ExpectEveryWriteRefused(client, absl::StatusCode::kUnauthenticated,
                            "SD2.A2");
    EXPECT_THAT(client.LoadPlan(v1::LoadPlanRequest()),
                StatusIs(absl::StatusCode::kUnauthenticated));
  }
  ExpectHeadIs(evaluator, head);
}

TEST_F(AuthTest, EvaluatorReadsButMayNotWrite) {
  KoersClient evaluator = As(kEvaluator);
  const uint64_t head = HeadOf(evaluator);
  ExpectEveryRead(evaluator, absl::StatusCode::kOk);
  ExpectEveryWriteRefused(evaluator, kDenied, "SD2.A2");
  ASSERT_OK_AND_ASSIGN(const v1::Plan plan, evaluator.GetPlan("2029-12-31"));
  v1::LoadPlanRequest load;
  *load.mutable_plan() = plan;
  load.set_reason("evaluators may not");
  load.set_dry_run(true);
  EXPECT_THAT(evaluator.LoadPlan(load),
              StatusIs(kDenied, HasSubstr("coordinators")));
  ExpectHeadIs(evaluator, head);
}

TEST_F(AuthTest, ReporterWritesForItsOwnEntitiesOnly) {
  KoersClient reporter = As(kWelzijnReporter);
  // SD2.A2 reports through Welzijn, SD2.A4 through Opgroeien.
  for (const v1::Submission& own :
       {Measurement("SD2.A2.I2", 45), Measurement("SD2.A4.I1", 12),
        StatusChange("SD2.A2", v1::ACTION_STATUS_IN_PROGRESS),
        FicheUpdate("SD2.A4", 2026)}) {
    SCOPED_TRACE(own.ShortDebugString());
    ASSERT_OK_AND_ASSIGN(const v1::WriteResult written, reporter.Submit(own));
    ExpectWrittenBy(written, kWelzijnReporter);
  }

  const uint64_t head = HeadOf(reporter);
  // SD1.A1 reports through Binnenlands Bestuur, SD2.A1 through Justitie.
  EXPECT_THAT(reporter.Submit(Measurement("SD1.A1.I1", 70)),
              StatusIs(kDenied, HasSubstr("SD1.A1")));
  ExpectEveryWriteRefused(reporter, kDenied, "SD2.A1");
  EXPECT_THAT(reporter.SubmitBatch({Measurement("SD2.A2.I2", 44, "2026-04-30"),
                                    Measurement("SD2.A1.I1", 3)}),
              StatusIs(kDenied, HasSubstr("SD2.A1")));
  ExpectHeadIs(reporter, head);

  ASSERT_OK_AND_ASSIGN(
      const v1::StreamSubmitResponse mixed,
      reporter.StreamSubmit({Measurement("SD2.A2.I2", 43, "2026-05-31"),
                             Measurement("SD3.A1.I1", 3)}));
  ASSERT_THAT(mixed.items(), SizeIs(2));
  EXPECT_EQ(mixed.items(0).outcome(), v1::ItemResult::OUTCOME_ACCEPTED);
  EXPECT_EQ(mixed.items(1).code(), static_cast<int>(kDenied));
  ExpectWrittenBy(mixed.items(0).result(), kWelzijnReporter);
  ExpectHeadIs(reporter, head + 1);
}

TEST_F(AuthTest, ReporterMayNotCorrectAnotherEntitysEvent) {
  KoersClient justitie = As(kJustitieReporter);
  KoersClient welzijn = As(kWelzijnReporter);
  ASSERT_OK_AND_ASSIGN(const v1::WriteResult measured,
                       justitie.Submit(Measurement("SD2.A1.I1", 9)));
  ExpectWrittenBy(measured, kJustitieReporter);
  const uint64_t head = HeadOf(justitie);
  EXPECT_THAT(welzijn.Submit(Correction(measured.event_id(), 10)),
              StatusIs(kDenied, HasSubstr("SD2.A1")));
  ExpectHeadIs(justitie, head);

  ASSERT_OK_AND_ASSIGN(const v1::WriteResult corrected,
                       justitie.Submit(Correction(measured.event_id(), 10)));
  ExpectWrittenBy(corrected, kJustitieReporter);
  KoersClient coordinator = As(kCoordinator);
  ASSERT_OK_AND_ASSIGN(
      const v1::WriteResult recorrected,
      coordinator.Submit(Correction(corrected.event_id(), 11)));
  ExpectWrittenBy(recorrected, kCoordinator);
}

TEST_F(AuthTest, OnlyCoordinatorsLoadThePlan) {
  KoersClient coordinator = As(kCoordinator);
  ASSERT_OK_AND_ASSIGN(v1::Plan plan, coordinator.GetPlan("2029-12-31"));
  for (v1::StrategicObjective& objective : *plan.mutable_objectives()) {
    for (v1::Action& action : *objective.mutable_actions()) {
      if (action.id() == "SD4.A3") action.add_partners("lokale besturen");
    }
  }
  v1::LoadPlanRequest load;
  *load.mutable_plan() = plan;
  load.set_reason("partners added");
  load.set_effective_date("2026-09-01");
  const uint64_t head = HeadOf(coordinator);
  for (const char* name : {kWelzijnReporter, kJustitieReporter}) {
    SCOPED_TRACE(name);
    KoersClient reporter = As(name);
    for (const bool dry_run : {true, false}) {
      load.set_dry_run(dry_run);
      EXPECT_THAT(reporter.LoadPlan(load), StatusIs(kDenied));
    }
  }
  ExpectHeadIs(coordinator, head);

  load.set_dry_run(false);
  ASSERT_OK_AND_ASSIGN(const v1::LoadPlanResponse loaded,
                       coordinator.LoadPlan(load));
  ASSERT_THAT(loaded.results(), SizeIs(1));
  EXPECT_EQ(loaded.changes(0).kind(), v1::PlanChange::KIND_ACTION_REVISED);
  EXPECT_EQ(loaded.changes(0).changed_fields(), "partners");
  ExpectWrittenBy(loaded.results(0), kCoordinator);

  // A coordinator writes for any action.
  ASSERT_OK_AND_ASSIGN(const v1::WriteResult measured,
                       coordinator.Submit(Measurement("SD1.A1.I2", 120)));
  ExpectWrittenBy(measured, kCoordinator);
}

TEST_F(AuthTest, ThePlanLoadedAtStartIsWrittenByKoersd) {
  KoersClient evaluator = As(kEvaluator);
  ASSERT_OK_AND_ASSIGN(const v1::ReadEventsResponse first,
                       evaluator.ReadEvents(1, 10));
  ASSERT_THAT(first.events(), SizeIs(10));
  for (const v1::Event& event : first.events()) {
    EXPECT_EQ(event.principal(), "koersd");
  }
}

}  // namespace
}  // namespace koers::integration
