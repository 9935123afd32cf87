// The command line's checks that need no server: usage errors, input
// errors, help, and what reaches the connection. The server address used is
// one nothing listens on.
#include "clients/commands.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "clients/cli_error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace koers::clients {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kNowhere[] = "--server=127.0.0.1:1";

struct Result {
  int exit_code;
  std::string out;
  std::string err;
};

Result RunKoers(const std::vector<std::string>& args,
                const CliEnvironment& env = {}) {
  std::ostringstream out;
  std::ostringstream err;
  const int exit_code = RunCli(args, env, out, err);
  return {exit_code, out.str(), err.str()};
}

// Expects exit code 2 with `message` and the usage on stderr.
void ExpectUsageError(const std::vector<std::string>& args,
                      const std::string& message) {
  const Result result = RunKoers(args);
  EXPECT_EQ(result.exit_code, kExitUsage) << result.err;
  EXPECT_THAT(result.err, StartsWith("error: " + message)) << result.err;
  EXPECT_THAT(result.err, HasSubstr("usage: koers"));
  EXPECT_THAT(result.out, IsEmpty());
}

TEST(RunCliTest, HelpPrintsTheUsageAndSucceeds) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"help"}, {"--help"}, {"-h"}, {"measure", "--help"}}) {
    const Result result = RunKoers(args);
    EXPECT_EQ(result.exit_code, kExitOk);
    EXPECT_THAT(result.out, StartsWith("usage: koers"));
    EXPECT_THAT(result.err, IsEmpty());
  }
}

TEST(RunCliTest, CommandLineMistakesAreUsageErrors) {
  ExpectUsageError({}, "no command given");
  ExpectUsageError({"bogus"}, "unknown command \"bogus\"");
  ExpectUsageError({"plan"}, "\"plan\" needs a subcommand");
  ExpectUsageError({"plan", "drop"}, "unknown command \"plan drop\"");
  ExpectUsageError({"measure", "SD1.A1.I1", "--date=2026-03-31"},
                   "koers measure takes 2 arguments, not 1");
  ExpectUsageError({"progress", "extra"},
                   "koers progress takes 0 arguments, not 1 (extra)");
  ExpectUsageError({"measure", "SD1.A1.I1", "5"}, "koers measure needs --date");
  ExpectUsageError(
      {"measure", "SD1.A1.I1", "5", "--date=2026-03-31", "--year=2026"},
      "flag --year does not apply to koers measure");
  ExpectUsageError(
      {"status", "SD1.A1", "done", "--date=2026-03-31", "--reason=x", kNowhere},
      "unknown action status \"done\"");
  ExpectUsageError({"fiche", "SD1.A1", "--year=twee", "--text=x", kNowhere},
                   "--year must be a whole number");
  ExpectUsageError({"events", "--limit=-1", kNowhere},
                   "--limit must be a whole number (0 or more)");
  ExpectUsageError({"health", "--timeout=0s"},
                   "--timeout \"0s\" must be a positive duration");
  ExpectUsageError({"health", "--format=xml"}, "unknown --format \"xml\"");
  ExpectUsageError({"health", "--csv-sep=;;"}, "--csv-sep \";;\"");
  ExpectUsageError({"health", "--verbose"}, "unknown flag --verbose");
}

TEST(RunCliTest, KnownAtIsAPositionOrAnRfc3339Timestamp) {
  const std::string allowed =
      "must be a log position (a whole number from 1) or an RFC 3339 "
      "timestamp";
  ExpectUsageError({"progress", "--known-at=bogus", kNowhere},
                   "--known-at \"bogus\" " + allowed);
  ExpectUsageError({"history", "SD1.A1", "--known-at", "0", kNowhere},
                   "--known-at \"0\" " + allowed);
  ExpectUsageError({"plan", "show", "--known-at=2027-07-01", kNowhere},
                   "--known-at \"2027-07-01\" " + allowed);
  ExpectUsageError(
      {"completeness", "--year=2026", "--known-at=2027-07-01T09:00", kNowhere},
      "--known-at \"2027-07-01T09:00\" " + allowed);
  // A valid point gets as far as the (absent) server.
  for (const char* point :
       {"812", "2027-07-01T09:00:00Z", "2027-07-01T11:00:00+02:00"}) {
    const Result result =
        RunKoers({"progress", "--as-of=2027-06-30", "--known-at", point,
                  kNowhere, "--timeout=5s"});
    EXPECT_EQ(result.exit_code, kExitFailed) << point << result.err;
    EXPECT_THAT(result.err, StartsWith("error: UNAVAILABLE: ")) << point;
  }
}

TEST(RunCliTest, ReportTakesExactlyOneSourceAndItsOwnFormat) {
  ExpectUsageError({"report", "--format=html", kNowhere},
                   "koers report needs either --as-of DATE or --snapshot NAME");
  ExpectUsageError({"report", "--as-of=2027-06-30", "--snapshot=interim",
                    "--format=html", kNowhere},
                   "koers report needs either --as-of DATE or --snapshot NAME");
  ExpectUsageError({"report", "--snapshot=interim", "--known-at=5",
                    "--format=html", kNowhere},
                   "--known-at does not apply to a snapshot");
  ExpectUsageError({"report", "--as-of=2027-06-30", kNowhere},
                   "koers report needs --format");
  ExpectUsageError({"report", "--as-of=2027-06-30", "--format=table", kNowhere},
                   "unknown report --format \"table\": use html, md, csv or "
                   "json");
  ExpectUsageError({"report", "--as-of=2027-06-30", "--format=pdf", kNowhere},
                   "unknown report --format \"pdf\"");
  ExpectUsageError(
      {"report", "--as-of=2027-06-30", "--format=html", "--lang=fr", kNowhere},
      "unknown --lang \"fr\": use nl or en");
  ExpectUsageError({"report", "--as-of=2027-06-30", "--format=csv",
                    "--csv-sep=;;", kNowhere},
                   "--csv-sep \";;\"");
  ExpectUsageError({"report", "--as-of=2027-06-30", "--format=md",
                    "--known-at=later", kNowhere},
                   "--known-at \"later\" must be");
  ExpectUsageError({"report", "extra", "--as-of=2027-06-30", "--format=md"},
                   "koers report takes 0 arguments, not 1 (extra)");
  // The report formats belong to report; the other commands keep theirs.
  ExpectUsageError({"progress", "--format=html"}, "unknown --format \"html\"");
  ExpectUsageError({"progress", "--lang=en"},
                   "flag --lang does not apply to koers progress");
  // Every valid combination gets as far as the (absent) server.
  for (const std::vector<std::string>& flags :
       std::vector<std::vector<std::string>>{
           {"--as-of=2027-06-30", "--format=html"},
           {"--as-of=2027-06-30", "--known-at=812", "--format=md", "--lang=en"},
           {"--snapshot=interim-2027", "--format=csv", "--csv-sep=;"},
           {"--snapshot=interim-2027", "--format=json", "--out=/tmp/x"}}) {
    std::vector<std::string> args = {"report", kNowhere, "--timeout=5s"};
    args.insert(args.end(), flags.begin(), flags.end());
    const Result result = RunKoers(args);
    EXPECT_EQ(result.exit_code, kExitFailed) << result.err;
    EXPECT_THAT(result.err, StartsWith("error: UNAVAILABLE: "));
  }
}

TEST(RunCliTest, SnapshotAndCompletenessUsage) {
  ExpectUsageError({"snapshot"},
                   "\"snapshot\" needs a subcommand: take, list, show or diff");
  ExpectUsageError({"snapshot", "drop", "x"},
                   "unknown command \"snapshot drop\": use snapshot take, "
                   "snapshot list, snapshot show or snapshot diff");
  ExpectUsageError({"snapshot", "take", "interim-2027"},
                   "koers snapshot take needs --as-of");
  ExpectUsageError({"snapshot", "diff", "interim-2027"},
                   "koers snapshot diff takes 2 arguments, not 1");
  ExpectUsageError({"snapshot", "show"},
                   "koers snapshot show takes 1 argument, not 0");
  const std::string either =
      "koers completeness needs either --year YYYY or both --from DATE and "
      "--to DATE";
  ExpectUsageError({"completeness"}, either);
  ExpectUsageError({"completeness", "--year=2026", "--from=2026-01-01"},
                   either);
  ExpectUsageError({"completeness", "--from=2026-01-01"}, either);
  ExpectUsageError({"completeness", "--year=twee", kNowhere},
                   "--year must be a whole number");
}

TEST(RunCliTest, UnreadableOrInvalidFilesAreInputErrors) {
  const koers::testing::TempDir dir;
  const Result missing = RunKoers({"plan", "load", dir.Sub("missing.json")});
  EXPECT_EQ(missing.exit_code, kExitUsage);
  EXPECT_THAT(missing.err, HasSubstr("cannot open " + dir.Sub("missing.json")));
  EXPECT_THAT(missing.err, Not(HasSubstr("usage:")));

  const std::string plan = dir.Sub("plan.json");
  std::ofstream(plan) << R"({"id": "P", "colour": "red"})";
  const Result unknown_field = RunKoers({"plan", "load", plan, kNowhere});
  EXPECT_EQ(unknown_field.exit_code, kExitUsage);
  EXPECT_THAT(unknown_field.err,
              HasSubstr("error: " + plan + " is not a valid plan document"));
  EXPECT_THAT(unknown_field.err, HasSubstr("colour"));

  const Result missing_import = RunKoers({"import", dir.Sub("none.jsonl")});
  EXPECT_EQ(missing_import.exit_code, kExitUsage);

  const Result missing_ca =
      RunKoers({"health", "--tls_ca", dir.Sub("ca.pem"), kNowhere});
  EXPECT_EQ(missing_ca.exit_code, kExitUsage);
  EXPECT_THAT(missing_ca.err, HasSubstr(dir.Sub("ca.pem")));

  const Result not_pem = RunKoers({"health", "--tls_ca", plan, kNowhere});
  EXPECT_EQ(not_pem.exit_code, kExitUsage);
  EXPECT_THAT(not_pem.err, HasSubstr(plan + " is not a PEM file"));

  const Result cert_without_key =
      RunKoers({"health", "--tls_ca", plan, "--tls_cert", plan, kNowhere});
  EXPECT_EQ(cert_without_key.exit_code, kExitUsage);
  EXPECT_THAT(cert_without_key.err, HasSubstr("give both or neither"));
}

TEST(RunCliTest, AnUnreachableServerIsAFailureWithItsCode) {
  const Result result = RunKoers({"health", kNowhere, "--timeout=5s"});
  EXPECT_EQ(result.exit_code, kExitFailed);
  EXPECT_THAT(result.err, StartsWith("error: UNAVAILABLE: "));
  EXPECT_THAT(result.out, IsEmpty());
}

TEST(RunCliTest, ServerComesFromTheFlagThenTheEnvironment) {
  const Result from_env =
      RunKoers({"health", "--timeout=5s"}, {.server = "127.0.0.1:2"});
  EXPECT_EQ(from_env.exit_code, kExitFailed);
  EXPECT_THAT(from_env.err, HasSubstr("127.0.0.1:2"));

  const Result from_flag =
      RunKoers({"health", "--timeout=5s", kNowhere}, {.server = "127.0.0.1:2"});
  EXPECT_EQ(from_flag.exit_code, kExitFailed);
  EXPECT_THAT(from_flag.err, HasSubstr("127.0.0.1:1"));
  EXPECT_THAT(from_flag.err, Not(HasSubstr("127.0.0.1:2")));
}

}  // namespace
}  // namespace koers::clients
