// The report renderers (report.h) on a hand-built state (report_fixture.h):
// what each format shows, in which language, and that text from the data
// cannot break the document.
#include "clients/report.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "clients/cli_error.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/cli/report_fixture.h"
#include "tests/testing/status_matchers.h"

namespace koers::clients {
namespace {

using ::koers::testing::StatusIs;
using ::testing::_;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class ReportTest : public ::testing::Test {
 protected:
  ReportInput Input(Language language = Language::kDutch, bool snapshot = false,
                    char separator = ',') const {
    return ReportInput{.state = &state_,
                       .snapshot = snapshot ? &snapshot_ : nullptr,
                       .language = language,
                       .csv_separator = separator};
  }

  v1::EvaluationState state_ = fixture::SampleState();
  v1::SnapshotInfo snapshot_ = fixture::SampleSnapshot();
};

size_t Count(absl::string_view text, absl::string_view needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != absl::string_view::npos;
       at = text.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

// The text of every element that starts with `open` up to its `close`.
std::vector<std::string> Elements(absl::string_view text,
                                  absl::string_view open,
                                  absl::string_view close) {
  std::vector<std::string> elements;
  for (size_t at = text.find(open); at != absl::string_view::npos;
       at = text.find(open, at + 1)) {
    const size_t end = text.find(close, at);
    elements.emplace_back(text.substr(at, end - at));
  }
  return elements;
}

// RFC 4180 records: fields split on `separator` outside quotes, "" a
// quote, records ended by CRLF.
std::vector<std::vector<std::string>> ParseCsv(absl::string_view csv,
                                               char separator) {
  std::vector<std::vector<std::string>> records(1, {""});
  bool quoted = false;
  for (size_t i = 0; i < csv.size(); ++i) {
    const char c = csv[i];
    std::string& field = records.back().back();
    if (quoted) {
      if (c != '"') {
        field.push_back(c);
      } else if (i + 1 < csv.size() && csv[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == separator) {
      records.back().emplace_back();
    } else if (c == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n') {
      records.push_back({""});
      ++i;
    } else {
      field.push_back(c);
    }
  }
  records.pop_back();  // after the last CRLF
  return records;
}

TEST(ReportFormatTest, ParsesTheFourFormatsAndRefusesOthers) {
  EXPECT_EQ(*ParseReportFormat("html"), ReportFormat::kHtml);
  EXPECT_EQ(*ParseReportFormat("md"), ReportFormat::kMarkdown);
  EXPECT_EQ(*ParseReportFormat("csv"), ReportFormat::kCsv);
  EXPECT_EQ(*ParseReportFormat("json"), ReportFormat::kJson);
  for (const char* name : {"table", "pdf", "HTML", ""}) {
    const absl::StatusOr<ReportFormat> format = ParseReportFormat(name);
    EXPECT_THAT(format, StatusIs(absl::StatusCode::kInvalidArgument,
                                 HasSubstr("use html, md, csv or json")));
    EXPECT_TRUE(IsUsageError(format.status()));
  }
}

TEST(ReportLanguageTest, NlOrEn) {
  EXPECT_EQ(*ParseLanguage("nl"), Language::kDutch);
  EXPECT_EQ(*ParseLanguage("en"), Language::kEnglish);
  for (const char* code : {"fr", "NL", "dutch", ""}) {
    const absl::StatusOr<Language> language = ParseLanguage(code);
    EXPECT_THAT(language, StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasSubstr("use nl or en")));
    EXPECT_TRUE(IsUsageError(language.status()));
  }
}

TEST(ReportLabelsTest, DutchAndEnglishStatusesAndVerdicts) {
  EXPECT_EQ(StatusText(v1::ACTION_STATUS_PLANNED, Language::kDutch), "gepland");
  EXPECT_EQ(StatusText(v1::ACTION_STATUS_IN_PROGRESS, Language::kDutch),
            "lopend");
  EXPECT_EQ(StatusText(v1::ACTION_STATUS_DELAYED, Language::kDutch),
            "vertraagd");
  EXPECT_EQ(StatusText(v1::ACTION_STATUS_COMPLETED, Language::kDutch),
            "gerealiseerd");
  EXPECT_EQ(StatusText(v1::ACTION_STATUS_STOPPED, Language::kDutch),
            "stopgezet");
  EXPECT_EQ(StatusText(v1::ACTION_STATUS_IN_PROGRESS, Language::kEnglish),
            "in progress");
  EXPECT_EQ(VerdictText(v1::VERDICT_ON_TRACK, Language::kDutch), "op koers");
  EXPECT_EQ(VerdictText(v1::VERDICT_AT_RISK, Language::kDutch), "risico");
  EXPECT_EQ(VerdictText(v1::VERDICT_OFF_TRACK, Language::kDutch),
            "niet op koers");
  EXPECT_EQ(VerdictText(v1::VERDICT_NOT_ASSESSED, Language::kDutch),
            "niet beoordeeld");
  EXPECT_EQ(VerdictText(v1::VERDICT_OFF_TRACK, Language::kEnglish),
            "off track");
  EXPECT_EQ(VerdictText(v1::VERDICT_UNSPECIFIED, Language::kDutch), "");
  EXPECT_EQ(FrequencyText(v1::REPORTING_FREQUENCY_QUARTERLY, Language::kDutch),
            "driemaandelijks");
  EXPECT_EQ(NumberText(71.5, Language::kDutch), "71,5");
  EXPECT_EQ(NumberText(71.5, Language::kEnglish), "71.5");
  EXPECT_EQ(PercentText(0.5277, Language::kDutch), "52,8%");
}

TEST_F(ReportTest, HtmlIsOneSelfContainedPageForA4) {
  const std::string html = RenderHtmlReport(Input());
  EXPECT_THAT(html, StartsWith("<!DOCTYPE html>\n<html lang=\"nl\">"));
  EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\">"));
  EXPECT_THAT(html, HasSubstr("<title>Voortgang van het actieplan — stand op "
                              "2026-06-30</title>"));
  EXPECT_THAT(html, HasSubstr("@page { size: A4;"));
  EXPECT_THAT(html, HasSubstr("break-inside: avoid"));
  // Nothing to fetch, nothing to run.
  for (const char* outside :
       {"<script", "http:", "https:", "src=", "<link", "url(", "@import"}) {
    EXPECT_THAT(html, Not(HasSubstr(outside))) << outside;
  }
}

TEST_F(ReportTest, HtmlEscapesEveryTextFromTheData) {
  const std::string html = RenderHtmlReport(Input());
  EXPECT_THAT(html,
              HasSubstr("Detectie &lt;script&gt;alert(&#39;x&#39;)&lt;/"
                        "script&gt; &amp; &quot;aanpak&quot; | opvolging"));
  EXPECT_THAT(html, HasSubstr("Lokale cellen &lt;LIVC&gt; &amp; netwerk"));
  EXPECT_THAT(html, HasSubstr("Wachttijden &quot;begeleiding&quot;"));
  EXPECT_THAT(html, Not(HasSubstr("<LIVC>")));
  EXPECT_THAT(html, Not(HasSubstr("alert('x')")));
}

TEST_F(ReportTest, HtmlHasATrendChartPerQuantitativeIndicator) {
  const std::string html = RenderHtmlReport(Input());
  const std::vector<std::string> charts =
      Elements(html, "<svg class=\"trend-chart\"", "</svg>");
  ASSERT_EQ(charts.size(), fixture::kQuantitativeIndicators);
  for (const std::string& chart : charts) {
    EXPECT_THAT(chart, AllOf(HasSubstr("<line class=\"baseline\""),
                             HasSubstr("<line class=\"target\""),
                             HasSubstr("<line class=\"expected\"")));
  }
  // SD1.A1.I1: three values, its baseline and target labelled, dates from
  // the baseline date to the target date on the axis.
  EXPECT_THAT(charts[0], HasSubstr("<title>SD1.A1.I1 — "));
  EXPECT_EQ(Count(charts[0], "<circle"), 3u);
  EXPECT_THAT(charts[0],
              AllOf(HasSubstr("<polyline class=\"values\""),
                    HasSubstr(">nulmeting 62<"), HasSubstr(">streefwaarde 80<"),
                    HasSubstr(">2025-01-01<"), HasSubstr(">2029-12-31<")));
  // SD1.A3.I1 has no values yet.
  EXPECT_THAT(charts[2], HasSubstr("<title>SD1.A3.I1 — "));
  EXPECT_THAT(charts[2], HasSubstr(">nog geen waarden<"));
  EXPECT_THAT(charts[2], Not(HasSubstr("<polyline")));
}

TEST_F(ReportTest, HtmlShowsObjectivesVerdictsAndCompleteness) {
  const std::string html = RenderHtmlReport(Input());
  EXPECT_EQ(Count(html, "<svg class=\"status-bar\""), 2u);
  EXPECT_THAT(html, HasSubstr("<section id=\"objectives\">"));
  EXPECT_THAT(html, HasSubstr("<section id=\"completeness\">"));
  EXPECT_EQ(Count(html, "<table class=\"completeness\">"), 5u);
  EXPECT_THAT(html, AllOf(HasSubstr("Ontbrekende jaarlijkse fiches"),
                          HasSubstr("Ontbrekende waarden"),
                          HasSubstr("Acties over termijn"),
                          HasSubstr("driemaandelijks"),
                          HasSubstr("2026-01-01 – 2026-03-31")));
  // Dutch labels, with a decimal comma.
  EXPECT_THAT(html, AllOf(HasSubstr(">lopend<"), HasSubstr(">vertraagd<"),
                          HasSubstr(">gerealiseerd<"), HasSubstr(">gepland<"),
                          HasSubstr("op koers</td>"), HasSubstr("risico</td>"),
                          HasSubstr("71,5 %"), HasSubstr("52,8%")));
  EXPECT_THAT(html, HasSubstr("Per trekkende minister"));
  EXPECT_THAT(html, HasSubstr("Per rapporterende entiteit"));
}

TEST_F(ReportTest, HtmlOfASnapshotShowsItsNameDatePositionAndDigest) {
  const std::string html = RenderHtmlReport(Input(Language::kDutch, true));
  EXPECT_THAT(html, HasSubstr("<title>Momentopname interim-2027 — stand op "
                              "2027-06-30</title>"));
  EXPECT_THAT(html, AllOf(HasSubstr("<td>gezien tot logpositie</td><td>812<"),
                          HasSubstr(snapshot_.digest()),
                          HasSubstr(snapshot_.head_hash()),
                          HasSubstr("2027-07-01T09:00:00.000Z"),
                          HasSubstr("coordinator-jh")));
  const std::string point = RenderHtmlReport(Input());
  EXPECT_THAT(point, HasSubstr("<td>gekend tot logpositie</td><td>412<"));
  EXPECT_THAT(point, Not(HasSubstr(snapshot_.digest())));
}

TEST_F(ReportTest, HtmlInEnglish) {
  const std::string html = RenderHtmlReport(Input(Language::kEnglish));
  EXPECT_THAT(html, StartsWith("<!DOCTYPE html>\n<html lang=\"en\">"));
  EXPECT_THAT(html, AllOf(HasSubstr("Progress of the action plan — as of"),
                          HasSubstr(">in progress<"), HasSubstr(">delayed<"),
                          HasSubstr("on track</td>"), HasSubstr("71.5 %"),
                          HasSubstr(">baseline 62<"), HasSubstr(">target 80<"),
                          HasSubstr("Missing yearly fiches")));
  EXPECT_THAT(html, Not(HasSubstr("lopend")));
}

TEST_F(ReportTest, MarkdownHasTheTablesAndEscapesPipes) {
  const std::string md = RenderMarkdownReport(Input());
  EXPECT_THAT(md, StartsWith("# Voortgang van het actieplan — stand op "
                             "2026-06-30\n"));
  EXPECT_THAT(md, HasSubstr("\n## Volledigheid\n"));
  EXPECT_THAT(md, HasSubstr("\\<script\\>alert('x')\\</script\\> \\& "
                            "\"aanpak\" \\| opvolging; ok, ja"));
  // Every row of a table has as many unescaped pipes as its header.
  size_t pipes = 0;
  for (const absl::string_view line : absl::StrSplit(md, '\n')) {
    if (!absl::StartsWith(line, "|")) {
      pipes = 0;
      continue;
    }
    size_t unescaped = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++unescaped;
    }
    if (pipes == 0) pipes = unescaped;
    EXPECT_EQ(unescaped, pipes) << line;
  }
  EXPECT_THAT(md, HasSubstr("| SD1.A1.I1 | Gemeenten met een LIVC | 71,5 % |"));
}

TEST_F(ReportTest, MarkdownSaysNoneForAnEmptyTable) {
  state_.mutable_completeness()->clear_missing_values();
  EXPECT_THAT(RenderMarkdownReport(Input()),
              HasSubstr("### Ontbrekende waarden\n\n*geen*\n"));
  EXPECT_THAT(RenderMarkdownReport(Input(Language::kEnglish)),
              HasSubstr("### Missing values\n\n*none*\n"));
}

TEST_F(ReportTest, CsvHasOneRowPerIndicatorWithCrLf) {
  const std::string csv = RenderCsvReport(Input());
  EXPECT_THAT(csv, StartsWith("indicator,naam,actie,titel van de actie,"));
  EXPECT_EQ(Count(csv, "\r\n"), 5u);  // header + 4 indicators
  EXPECT_EQ(Count(csv, "\n"), 5u);    // never a bare LF
  const std::vector<std::vector<std::string>> records = ParseCsv(csv, ',');
  ASSERT_EQ(records.size(), 5u);
  for (const std::vector<std::string>& record : records) {
    EXPECT_EQ(record.size(), records[0].size());
  }
  EXPECT_THAT(
      records[0],
      ElementsAre("indicator", "naam", "actie", "titel van de actie",
                  "doelstelling", "status van de actie",
                  "rapporterende entiteit", "trekkende ministers", "soort",
                  "waarde", "eenheid", "datum", "nulmeting", "streefwaarde",
                  "streefdatum", "voortgang (%)", "verwacht (%)", "oordeel"));
  // Numbers keep a decimal point whatever the language.
  EXPECT_THAT(records[1],
              ElementsAre("SD1.A1.I1", "Gemeenten met een LIVC", "SD1.A1",
                          "Lokale cellen <LIVC> & netwerk", "SD1", "lopend",
                          "Agentschap Binnenlands Bestuur, team radicalisering",
                          "Minister van Binnenlands Bestuur; Minister van "
                          "Justitie",
                          "kwantitatief", "71.5", "%", "2026-03-31", "62", "80",
                          "2029-12-31", "52.8", "30.0", "op koers"));
  EXPECT_THAT(records[4],
              ElementsAre("SD1.A1.I2",
                          "Kwaliteit van de "
                          "samenwerking",
                          "SD1.A1", _, "SD1", "lopend", _, _, "kwalitatief",
                          "grotendeels", "", "2026-03-31", "", "volledig", "",
                          "", "", ""));
}

TEST_F(ReportTest, CsvQuotesWhatHoldsTheSeparatorOrAQuote) {
  const std::string comma = RenderCsvReport(Input());
  EXPECT_THAT(comma, HasSubstr(",\"Agentschap Binnenlands Bestuur, team "
                               "radicalisering\","));
  EXPECT_THAT(comma, HasSubstr(",\"Wachttijden \"\"begeleiding\"\" "
                               "verkorten\","));
  EXPECT_THAT(comma, HasSubstr(",Minister van Binnenlands Bestuur; "
                               "Minister van Justitie,"));
  EXPECT_THAT(comma, HasSubstr(",Departement Welzijn; Volksgezondheid en "
                               "Gezin,"));

  const std::string semicolon =
      RenderCsvReport(Input(Language::kDutch, false, ';'));
  EXPECT_THAT(semicolon, StartsWith("indicator;naam;actie;"));
  EXPECT_THAT(semicolon, HasSubstr(";Agentschap Binnenlands Bestuur, team "
                                   "radicalisering;"));
  EXPECT_THAT(semicolon, HasSubstr(";\"Departement Welzijn; Volksgezondheid "
                                   "en Gezin\";"));
  EXPECT_THAT(semicolon, HasSubstr(";\"Minister van Binnenlands Bestuur; "
                                   "Minister van Justitie\";"));
  EXPECT_EQ(ParseCsv(semicolon, ';'), ParseCsv(comma, ','));
}

TEST_F(ReportTest, CsvInEnglish) {
  const std::vector<std::vector<std::string>> records =
      ParseCsv(RenderCsvReport(Input(Language::kEnglish)), ',');
  ASSERT_EQ(records.size(), 5u);
  EXPECT_THAT(records[0], AllOf(Contains("action title"),
                                Contains("progress (%)"), Contains("verdict")));
  EXPECT_EQ(records[2].back(), "at risk");
  EXPECT_EQ(records[2][5], "delayed");
}

// The part `key` of a JSON report, parsed as `Message`.
template <typename Message>
Message JsonPart(const std::string& json, const std::string& key) {
  google::protobuf::Struct document;
  EXPECT_TRUE(
      google::protobuf::util::JsonStringToMessage(json, &document).ok());
  std::string part;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(
                  document.fields().at(key), &part)
                  .ok());
  Message message;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(part, &message).ok())
      << part;
  return message;
}

TEST_F(ReportTest, JsonIsTheStateAndTheSnapshotInProtobufsMapping) {
  ASSERT_OK_AND_ASSIGN(const std::string point, RenderJsonReport(Input()));
  // Protobuf's printer indents by one space; the whole document does.
  EXPECT_THAT(point, StartsWith("{\n \"state\": {\n  \"progress\": {\n   "
                                "\"asOfDate\": \"2026-06-30\","));
  EXPECT_THAT(point, Not(HasSubstr("\"snapshot\"")));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      JsonPart<v1::EvaluationState>(point, "state"), state_));

  ASSERT_OK_AND_ASSIGN(const std::string frozen,
                       RenderJsonReport(Input(Language::kDutch, true)));
  EXPECT_THAT(frozen, StartsWith("{\n \"snapshot\": {\n  \"name\": "
                                 "\"interim-2027\","));
  EXPECT_THAT(frozen, HasSubstr("\"verdict\": \"VERDICT_ON_TRACK\""));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      JsonPart<v1::SnapshotInfo>(frozen, "snapshot"), snapshot_));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      JsonPart<v1::EvaluationState>(frozen, "state"), state_));
  // Labels are for people: the language does not change the JSON.
  ASSERT_OK_AND_ASSIGN(const std::string english,
                       RenderJsonReport(Input(Language::kEnglish, true)));
  EXPECT_EQ(english, frozen);
}

TEST_F(ReportTest, RenderReportDispatchesOnTheFormat) {
  ASSERT_OK_AND_ASSIGN(const std::string html,
                       RenderReport(ReportFormat::kHtml, Input()));
  EXPECT_EQ(html, RenderHtmlReport(Input()));
  ASSERT_OK_AND_ASSIGN(const std::string md,
                       RenderReport(ReportFormat::kMarkdown, Input()));
  EXPECT_EQ(md, RenderMarkdownReport(Input()));
  ASSERT_OK_AND_ASSIGN(const std::string csv,
                       RenderReport(ReportFormat::kCsv, Input()));
  EXPECT_EQ(csv, RenderCsvReport(Input()));
}

}  // namespace
}  // namespace koers::clients
