#include "clients/cli_args.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "clients/cli_error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace koers::clients {
namespace {

using ::koers::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

const FlagKinds& Kinds() {
  static const auto* const kKinds = new FlagKinds{
      {"date", FlagKind::kValue},
      {"tls-ca", FlagKind::kValue},
      {"dry-run", FlagKind::kBoolean},
      {"help", FlagKind::kBoolean},
  };
  return *kKinds;
}

absl::StatusOr<ParsedArgs> Parse(const std::vector<std::string>& args) {
  return ParseArgs(args, Kinds());
}

TEST(ParseArgsTest, SplitsPositionalArgumentsAndFlagsAnywhere) {
  ASSERT_OK_AND_ASSIGN(
      const ParsedArgs parsed,
      Parse({"--date=2026-03-31", "measure", "SD1.A1.I1", "--dry-run", "5"}));
  EXPECT_THAT(parsed.positional, ElementsAre("measure", "SD1.A1.I1", "5"));
  EXPECT_THAT(parsed.flags, UnorderedElementsAre(Pair("date", "2026-03-31"),
                                                 Pair("dry-run", "")));
}

TEST(ParseArgsTest, TakesTheNextArgumentAsTheValue) {
  ASSERT_OK_AND_ASSIGN(const ParsedArgs parsed,
                       Parse({"measure", "--date", "2026-03-31", "x"}));
  EXPECT_THAT(parsed.positional, ElementsAre("measure", "x"));
  EXPECT_EQ(parsed.Get("date"), "2026-03-31");
  EXPECT_TRUE(parsed.Has("date"));
  EXPECT_FALSE(parsed.Has("dry-run"));
  EXPECT_EQ(parsed.Get("dry-run", "fallback"), "fallback");
}

TEST(ParseArgsTest, KeepsEqualsSignsAndEmptyValuesAfterTheFirst) {
  ASSERT_OK_AND_ASSIGN(const ParsedArgs with_equals, Parse({"--date=a=b"}));
  EXPECT_EQ(with_equals.Get("date"), "a=b");
  ASSERT_OK_AND_ASSIGN(const ParsedArgs empty, Parse({"--date="}));
  EXPECT_TRUE(empty.Has("date"));
  EXPECT_EQ(empty.Get("date", "fallback"), "");
}

TEST(ParseArgsTest, UnderscoresAndHyphensAreTheSame) {
  ASSERT_OK_AND_ASSIGN(const ParsedArgs underscore, Parse({"--tls_ca=ca.pem"}));
  EXPECT_EQ(underscore.Get("tls-ca"), "ca.pem");
  ASSERT_OK_AND_ASSIGN(const ParsedArgs hyphen, Parse({"--dry_run"}));
  EXPECT_TRUE(hyphen.Has("dry-run"));
}

TEST(ParseArgsTest, SingleDashArgumentsArePositional) {
  ASSERT_OK_AND_ASSIGN(const ParsedArgs parsed,
                       Parse({"measure", "-5", "-", "-1e3", "-x"}));
  EXPECT_THAT(parsed.positional,
              ElementsAre("measure", "-5", "-", "-1e3", "-x"));
  EXPECT_THAT(parsed.flags, IsEmpty());
}

TEST(ParseArgsTest, DoubleDashEndsTheFlags) {
  ASSERT_OK_AND_ASSIGN(const ParsedArgs parsed,
                       Parse({"--dry-run", "--", "--date", "x"}));
  EXPECT_THAT(parsed.positional, ElementsAre("--date", "x"));
  EXPECT_THAT(parsed.flags, UnorderedElementsAre(Pair("dry-run", "")));
}

TEST(ParseArgsTest, ShortHIsHelp) {
  ASSERT_OK_AND_ASSIGN(const ParsedArgs parsed, Parse({"-h"}));
  EXPECT_TRUE(parsed.Has("help"));
}

TEST(ParseArgsTest, UnknownFlagIsAUsageError) {
  const absl::StatusOr<ParsedArgs> parsed = Parse({"--colour=red"});
  EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("unknown flag --colour")));
  EXPECT_TRUE(IsUsageError(parsed.status()));
  EXPECT_EQ(ExitCodeFor(parsed.status()), kExitUsage);
  EXPECT_THAT(Parse({"--=5"}), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ParseArgsTest, MissingValueIsAUsageError) {
  EXPECT_THAT(Parse({"measure", "--date"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--date needs a value")));
  // A flag right after a value flag is taken as a forgotten value.
  EXPECT_THAT(Parse({"--date", "--dry-run"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--date needs a value")));
  ASSERT_OK_AND_ASSIGN(const ParsedArgs explicit_value,
                       Parse({"--date=--dry-run"}));
  EXPECT_EQ(explicit_value.Get("date"), "--dry-run");
}

TEST(ParseArgsTest, ValueForABooleanFlagIsAUsageError) {
  EXPECT_THAT(Parse({"--dry-run=yes"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--dry-run takes no value")));
}

TEST(ParseArgsTest, FlagGivenTwiceIsAUsageError) {
  EXPECT_THAT(Parse({"--date=1", "--date", "2"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--date is given twice")));
  EXPECT_THAT(Parse({"--tls_ca=a", "--tls-ca=b"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--tls-ca is given twice")));
}

}  // namespace
}  // namespace koers::clients
