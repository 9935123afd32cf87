#include "clients/output.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "clients/cli_error.h"
#include "clients/text.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "koers/v1/ingest_service.pb.h"
#include "tests/testing/status_matchers.h"

namespace koers::clients {
namespace {

using ::koers::testing::StatusIs;
using ::testing::HasSubstr;

TEST(TextTest, DisplayWidthCountsCodePointsNotBytes) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("SD4"), 3u);
  EXPECT_EQ(DisplayWidth("Coördinatie"), 11u);  // ö is two bytes
  EXPECT_EQ(std::string("Coördinatie").size(), 12u);
  EXPECT_EQ(DisplayWidth("→"), 1u);  // three bytes
  EXPECT_EQ(DisplayWidth("😀"), 1u);  // four bytes
}

TEST(TextTest, ShortenCutsWholeCodePointsAndAddsAnEllipsis) {
  EXPECT_EQ(Shorten("Coördinatie", 11), "Coördinatie");
  EXPECT_EQ(Shorten("Coördinatie", 4), "Coö…");
  EXPECT_EQ(Shorten("Coördinatie", 3), "Co…");
  EXPECT_EQ(Shorten("abc", 0), "");
}

TEST(TextTest, OneLineReplacesLineBreaksAndTabs) {
  EXPECT_EQ(OneLine("a\r\nb\tc"), "a  b c");
}

TEST(RenderTableTest, AlignsColumnsByCodePoints) {
  const Table table{
      .title = "Objectives",
      .columns = {"id", "title", "actions"},
      .rows = {{"SD3", "Coördinatie", "4"}, {"SD10", "Opvolging", "12"}},
  };
  EXPECT_EQ(RenderTable(table),
            "Objectives\n"
            "id    title        actions\n"
            "----  -----------  -------\n"
            "SD3   Coördinatie  4\n"
            "SD10  Opvolging    12\n");
}

TEST(RenderTableTest, EveryValueStartsInItsHeadersColumn) {
  const Table table{
      .columns = {"naam", "status"},
      .rows = {{"Één ërg lange naam", "lopend"}, {"x", "gerealiseerd"}},
  };
  const std::vector<std::string> lines =
      absl::StrSplit(RenderTable(table), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u);
  const size_t column = DisplayWidth("Één ërg lange naam  ");
  for (const std::string& line : lines) {
    // The second column starts at the same code point on every line.
    size_t width = 0;
    size_t byte = 0;
    while (width < column) {
      if ((static_cast<unsigned char>(line[byte]) & 0xC0) != 0x80) ++width;
      ++byte;
    }
    while ((static_cast<unsigned char>(line[byte]) & 0xC0) == 0x80) ++byte;
    EXPECT_NE(line[byte], ' ') << line;
    EXPECT_EQ(line[byte - 1], ' ') << line;
  }
}

TEST(RenderTableTest, NoTrailingSpacesAndLineBreaksInCellsFlattened) {
  const Table table{
      .columns = {"a", "b"},
      .rows = {{"long value", ""}, {"x\ny", "z"}},
  };
  EXPECT_EQ(RenderTable(table),
            "a           b\n"
            "----------  -\n"
            "long value\n"
            "x y         z\n");
}

TEST(RenderTableTest, CutsCellsLongerThanEightyCodePoints) {
  std::string long_text;
  for (int i = 0; i < 100; ++i) long_text += "é";
  const Table table{.columns = {"title", "id"}, .rows = {{long_text, "x"}}};
  std::string cut;
  for (int i = 0; i < 79; ++i) cut += "é";
  cut += "…";
  EXPECT_EQ(RenderTable(table), "title" + std::string(75, ' ') + "  id\n" +
                                    std::string(80, '-') + "  --\n" + cut +
                                    "  x\n");
  // CSV carries the whole text.
  EXPECT_EQ(RenderCsv(table, ','), "title,id\r\n" + long_text + ",x\r\n");
}

TEST(RenderTableTest, EmptyTextReplacesAnEmptyTable) {
  EXPECT_EQ(RenderTable(Table{.title = "Changes",
                              .columns = {"change", "id"},
                              .empty_text = "no changes"}),
            "Changes\nno changes\n");
  EXPECT_EQ(RenderTable(Table{.columns = {"change", "id"}}),
            "change  id\n------  --\n");
}

TEST(CsvTest, QuotesOnlyWhatMustBeQuoted) {
  EXPECT_EQ(CsvField("plain text", ','), "plain text");
  EXPECT_EQ(CsvField("", ','), "");
  EXPECT_EQ(CsvField("a,b", ','), "\"a,b\"");
  EXPECT_EQ(CsvField("a,b", ';'), "a,b");
  EXPECT_EQ(CsvField("a;b", ';'), "\"a;b\"");
  EXPECT_EQ(CsvField("zei \"ok\"", ','), "\"zei \"\"ok\"\"\"");
  EXPECT_EQ(CsvField("line\nbreak", ','), "\"line\nbreak\"");
  EXPECT_EQ(CsvField("cr\r", ','), "\"cr\r\"");
  EXPECT_EQ(CsvField("a\tb", '\t'), "\"a\tb\"");
  EXPECT_EQ(CsvField("Coördinatie", ','), "Coördinatie");
}

TEST(CsvTest, HeaderThenRowsWithCrLf) {
  const Table table{
      .title = "not printed",
      .columns = {"id", "title"},
      .rows = {{"SD1", "Vroegtijdige detectie; aanpak"}, {"SD2", "\"x\""}},
  };
  EXPECT_EQ(RenderCsv(table, ';'),
            "id;title\r\n"
            "SD1;\"Vroegtijdige detectie; aanpak\"\r\n"
            "SD2;\"\"\"x\"\"\"\r\n");
  EXPECT_EQ(RenderCsv(table, ','),
            "id,title\r\n"
            "SD1,Vroegtijdige detectie; aanpak\r\n"
            "SD2,\"\"\"x\"\"\"\r\n");
}

TEST(ParseFormatTest, KnowsTheThreeFormats) {
  EXPECT_THAT(ParseFormat("table"), StatusIs(absl::StatusCode::kOk));
  EXPECT_EQ(*ParseFormat("json"), Format::kJson);
  EXPECT_EQ(*ParseFormat("csv"), Format::kCsv);
  const absl::StatusOr<Format> xml = ParseFormat("xml");
  EXPECT_THAT(xml, StatusIs(absl::StatusCode::kInvalidArgument,
                            HasSubstr("table, json or csv")));
  EXPECT_TRUE(IsUsageError(xml.status()));
}

TEST(ParseCsvSeparatorTest, OneCharacterButNotAQuoteOrLineBreak) {
  EXPECT_EQ(*ParseCsvSeparator(","), ',');
  EXPECT_EQ(*ParseCsvSeparator(";"), ';');
  EXPECT_EQ(*ParseCsvSeparator("tab"), '\t');
  EXPECT_EQ(*ParseCsvSeparator("\t"), '\t');
  for (const char* bad : {"", ";;", "\"", "\n", "\r"}) {
    const absl::StatusOr<char> separator = ParseCsvSeparator(bad);
    EXPECT_TRUE(IsUsageError(separator.status())) << bad;
  }
}

TEST(OutputTest, JsonPrintsTheMessageWithEveryFieldInCamelCase) {
  std::ostringstream out;
  std::ostringstream err;
  Output output(Format::kJson, ',', out, err);
  v1::WriteResult result;
  result.set_event_id("e1");
  result.set_position(7);
  ASSERT_OK(output.Print(result, {Table{.columns = {"ignored"}}}));
  EXPECT_THAT(out.str(), HasSubstr("\"eventId\": \"e1\""));
  EXPECT_THAT(out.str(), HasSubstr("\"position\": \"7\""));
  EXPECT_THAT(out.str(), HasSubstr("\"duplicate\": false"));
  EXPECT_THAT(out.str(), HasSubstr("\"streamRevision\": \"0\""));
}

TEST(OutputTest, SeveralTablesAreSeparatedByAnEmptyLine) {
  const v1::WriteResult unused;
  const std::vector<Table> tables = {
      Table{.title = "A", .columns = {"x"}, .rows = {{"1"}}},
      Table{.title = "B", .columns = {"y"}, .rows = {{"2"}}},
  };
  std::ostringstream table_out;
  std::ostringstream err;
  ASSERT_OK(Output(Format::kTable, ',', table_out, err).Print(unused, tables));
  EXPECT_EQ(table_out.str(), "A\nx\n-\n1\n\nB\ny\n-\n2\n");
  std::ostringstream csv_out;
  ASSERT_OK(Output(Format::kCsv, ',', csv_out, err).Print(unused, tables));
  EXPECT_EQ(csv_out.str(), "x\r\n1\r\n\r\ny\r\n2\r\n");
}

TEST(OutputTest, RecordsStreamOneLineEach) {
  v1::WriteResult record;
  record.set_position(3);
  std::ostringstream json_out;
  std::ostringstream err;
  Output json(Format::kJson, ',', json_out, err);
  json.BeginRecords({"position"}, {});
  ASSERT_OK(json.PrintRecord(record, {"3"}));
  ASSERT_OK(json.PrintNote(record, "note"));
  const std::vector<std::string> lines =
      absl::StrSplit(json_out.str(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr("\"position\":\"3\""));

  std::ostringstream table_out;
  Output table(Format::kTable, ',', table_out, err);
  table.BeginRecords({"position", "stream"}, {10, 0});
  ASSERT_OK(table.PrintRecord(record, {"3", "SD1.A1"}));
  ASSERT_OK(table.PrintNote(record, "-- caught up --"));
  EXPECT_EQ(table_out.str(),
            "position    stream\n"
            "----------  ------\n"
            "3           SD1.A1\n"
            "-- caught up --\n");

  std::ostringstream csv_out;
  std::ostringstream csv_err;
  Output csv(Format::kCsv, ';', csv_out, csv_err);
  csv.BeginRecords({"position", "stream"}, {});
  ASSERT_OK(csv.PrintRecord(record, {"3", "a;b"}));
  ASSERT_OK(csv.PrintNote(record, "-- caught up --"));
  EXPECT_EQ(csv_out.str(), "position;stream\r\n3;\"a;b\"\r\n");
  EXPECT_EQ(csv_err.str(), "-- caught up --\n");
}

}  // namespace
}  // namespace koers::clients
