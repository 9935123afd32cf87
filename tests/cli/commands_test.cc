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
