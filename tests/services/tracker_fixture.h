// The fixture of the in-process Tracker tests: a Tracker on a fresh
// directory, a fake clock at 2026-11-29 (UTC), and the sample plan loaded
// with effective date 2025-01-01; builders of the usual submissions.
#ifndef KOERS_TESTS_SERVICES_TRACKER_FIXTURE_H_
#define KOERS_TESTS_SERVICES_TRACKER_FIXTURE_H_

#include <memory>
#include <string>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/sample_plan.h"
#include "services/tracker.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace koers::services {

class TrackerFixture : public ::testing::Test {
 protected:
  TrackerFixture()
      : clock_(absl::FromCivil(absl::CivilDay(2026, 11, 29),
                               absl::UTCTimeZone())) {
    Reopen();
    auto plan = ParsePlanJson(SamplePlanJson(), "sample");
    EXPECT_THAT(plan, ::koers::testing::IsOk());
    v1::LoadPlanRequest load;
    *load.mutable_plan() = *plan;
    load.set_reason("initial plan");
    load.set_effective_date("2025-01-01");
    EXPECT_THAT(tracker_->LoadPlan(coordinator_, load),
                ::koers::testing::IsOk());
  }

  void Reopen() {
    tracker_.reset();
    TrackerOptions options;
    options.clock = &clock_;
    auto tracker = Tracker::Open(dir_.path(), options);
    ASSERT_THAT(tracker, ::koers::testing::IsOk());
    tracker_ = *std::move(tracker);
  }

  static v1::Submission Measure(const std::string& indicator, double value,
                                const std::string& date,
                                const std::string& id = "") {
    v1::Submission submission;
    auto* m = submission.mutable_measurement();
    m->set_indicator_id(indicator);
    m->set_number(value);
    m->set_date(date);
    m->mutable_options()->set_event_id(id);
    return submission;
  }

  static v1::Submission Level(const std::string& indicator,
                              const std::string& level,
                              const std::string& date) {
    v1::Submission submission;
    auto* m = submission.mutable_measurement();
    m->set_indicator_id(indicator);
    m->set_level(level);
    m->set_date(date);
    return submission;
  }

  static v1::Submission Status(const std::string& action,
                               v1::ActionStatus status,
                               const std::string& date) {
    v1::Submission submission;
    auto* s = submission.mutable_status_change();
    s->set_action_id(action);
    s->set_status(status);
    s->set_effective_date(date);
    s->set_reason("fiche review");
    return submission;
  }

  static v1::Submission Correct(const std::string& event_id, double value,
                                const std::string& reason) {
    v1::Submission submission;
    auto* c = submission.mutable_correction();
    c->set_supersedes_event_id(event_id);
    c->set_number(value);
    c->set_reason(reason);
    return submission;
  }

  static v1::Submission Fiche(const std::string& action, int year) {
    v1::Submission submission;
    auto* f = submission.mutable_fiche_update();
    f->set_action_id(action);
    f->set_year(year);
    f->set_text("Planning en opvolging");
    return submission;
  }

  const v1::IndicatorProgress& IndicatorIn(
      const v1::GetProgressResponse& progress, const std::string& id) {
    for (const auto& indicator : progress.indicators()) {
      if (indicator.indicator_id() == id) return indicator;
    }
    ADD_FAILURE() << id << " not in progress";
    return v1::IndicatorProgress::default_instance();
  }

  const v1::ActionProgress& ActionIn(const v1::GetProgressResponse& progress,
                                     const std::string& id) {
    for (const auto& action : progress.actions()) {
      if (action.action_id() == id) return action;
    }
    ADD_FAILURE() << id << " not in progress";
    return v1::ActionProgress::default_instance();
  }

  ::koers::testing::TempDir dir_;
  ::koers::testing::FakeClock clock_;
  const Caller coordinator_{"coord", v1::ROLE_COORDINATOR, {}};
  std::unique_ptr<Tracker> tracker_;
};

}  // namespace koers::services

#endif  // KOERS_TESTS_SERVICES_TRACKER_FIXTURE_H_
