#include "clients/output.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "clients/cli_error.h"
#include "clients/text.h"
#include "google/protobuf/util/json_util.h"
#include "storage/status_macros.h"

namespace koers::clients {
namespace {

constexpr absl::string_view kColumnGap = "  ";
constexpr absl::string_view kCrLf = "\r\n";
// Table format: longer cells are cut (csv and json carry the whole text).
constexpr size_t kMaxCellWidth = 80;

// A cell as the table format shows it: on one line, cut to kMaxCellWidth
// unless `whole`.
std::string CellText(absl::string_view cell, bool whole) {
  return whole ? OneLine(cell) : Shorten(OneLine(cell), kMaxCellWidth);
}

// Whether column `i` of `count` is shown whole (Table::whole_last_column).
bool ShownWhole(size_t i, size_t count, bool whole_last_column) {
  return whole_last_column && i + 1 == count;
}

// One table row: every cell but the last padded to its column's width.
std::string RenderRow(const std::vector<std::string>& cells,
                      const std::vector<size_t>& widths,
                      bool whole_last_column) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    const std::string cell =
        CellText(cells[i], ShownWhole(i, cells.size(), whole_last_column));
    absl::StrAppend(&line, cell);
    if (i + 1 < cells.size()) {
      const size_t width = DisplayWidth(cell);
      if (i < widths.size() && width < widths[i]) {
        line.append(widths[i] - width, ' ');
      }
      absl::StrAppend(&line, kColumnGap);
    }
  }
  line.erase(line.find_last_not_of(' ') + 1);
  return absl::StrCat(line, "\n");
}

std::string RenderUnderline(const std::vector<size_t>& widths) {
  std::vector<std::string> dashes;
  dashes.reserve(widths.size());
  for (const size_t width : widths) dashes.emplace_back(width, '-');
  return RenderRow(dashes, widths, /*whole_last_column=*/true);
}

std::string CsvRecord(const std::vector<std::string>& cells, char separator) {
  std::string record;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) record.push_back(separator);
    absl::StrAppend(&record, CsvField(cells[i], separator));
  }
  return absl::StrCat(record, kCrLf);
}

}  // namespace

absl::StatusOr<Format> ParseFormat(absl::string_view name) {
  if (name == "table") return Format::kTable;
  if (name == "json") return Format::kJson;
  if (name == "csv") return Format::kCsv;
  return UsageError(
      absl::StrCat("unknown --format \"", name, "\": use table, json or csv"));
}

absl::StatusOr<char> ParseCsvSeparator(absl::string_view text) {
  if (text == "tab") return '\t';
  if (text.size() != 1 || text == "\"" || text == "\r" || text == "\n") {
    return UsageError(
        absl::StrCat("--csv-sep \"", text,
                     "\" must be one character other than a quote or a line "
                     "break, for example ';' or tab"));
  }
  return text[0];
}

std::string RenderTable(const Table& table) {
  std::string text;
  if (!table.title.empty()) absl::StrAppend(&text, table.title, "\n");
  if (table.rows.empty() && !table.empty_text.empty()) {
    return absl::StrCat(text, table.empty_text, "\n");
  }
  std::vector<size_t> widths;
  widths.reserve(table.columns.size());
  for (const std::string& column : table.columns) {
    widths.push_back(DisplayWidth(column));
  }
  for (const std::vector<std::string>& row : table.rows) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      const bool whole = ShownWhole(i, row.size(), table.whole_last_column);
      widths[i] = std::max(widths[i], DisplayWidth(CellText(row[i], whole)));
    }
  }
  absl::StrAppend(&text,
                  RenderRow(table.columns, widths, table.whole_last_column),
                  RenderUnderline(widths));
  for (const std::vector<std::string>& row : table.rows) {
    absl::StrAppend(&text, RenderRow(row, widths, table.whole_last_column));
  }
  return text;
}

std::string CsvField(absl::string_view field, char separator) {
  if (field.find_first_of(std::string{separator, '"', '\r', '\n'}) ==
      absl::string_view::npos) {
    return std::string(field);
  }
  std::string quoted = "\"";
  for (const char c : field) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

std::string RenderCsv(const Table& table, char separator) {
  std::string text = CsvRecord(table.columns, separator);
  for (const std::vector<std::string>& row : table.rows) {
    absl::StrAppend(&text, CsvRecord(row, separator));
  }
  return text;
}

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message,
                                   bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = false;
  std::string json;
  const auto status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("cannot print ",
                                            message.GetTypeName(),
                                            " as JSON: ", status.ToString()));
  }
  // Pretty output already ends in a newline; a compact one does not.
  if (json.empty() || json.back() != '\n') json.push_back('\n');
  return json;
}

Output::Output(Format format, char csv_separator, std::ostream& out,
               std::ostream& err)
    : format_(format), csv_separator_(csv_separator), out_(out), err_(err) {}

absl::Status Output::Print(const google::protobuf::Message& message,
                           const std::vector<Table>& tables) {
  std::string text;
  switch (format_) {
    case Format::kJson: {
      KOERS_ASSIGN_OR_RETURN(text, ToJson(message, /*pretty=*/true));
      break;
    }
    case Format::kTable:
      for (size_t i = 0; i < tables.size(); ++i) {
        absl::StrAppend(&text, i > 0 ? "\n" : "", RenderTable(tables[i]));
      }
      break;
    case Format::kCsv:
      for (size_t i = 0; i < tables.size(); ++i) {
        absl::StrAppend(&text, i > 0 ? kCrLf : "",
                        RenderCsv(tables[i], csv_separator_));
      }
      break;
  }
  out_ << text << std::flush;
  return absl::OkStatus();
}

void Output::PrintText(absl::string_view text) { out_ << text << std::flush; }

void Output::BeginRecords(const std::vector<std::string>& columns,
                          const std::vector<size_t>& min_widths) {
  record_widths_.clear();
  for (size_t i = 0; i < columns.size(); ++i) {
    record_widths_.push_back(std::max(
        DisplayWidth(columns[i]), i < min_widths.size() ? min_widths[i] : 0));
  }
  switch (format_) {
    case Format::kJson:
      return;
    case Format::kTable:
      out_ << RenderRow(columns, record_widths_, /*whole_last_column=*/false)
           << RenderUnderline(record_widths_) << std::flush;
      return;
    case Format::kCsv:
      out_ << CsvRecord(columns, csv_separator_) << std::flush;
      return;
  }
}

absl::Status Output::PrintRecord(const google::protobuf::Message& message,
                                 const std::vector<std::string>& cells) {
  switch (format_) {
    case Format::kJson: {
      KOERS_ASSIGN_OR_RETURN(const std::string json,
                             ToJson(message, /*pretty=*/false));
      out_ << json;
      break;
    }
    case Format::kTable:
      out_ << RenderRow(cells, record_widths_, /*whole_last_column=*/false);
      break;
    case Format::kCsv:
      out_ << CsvRecord(cells, csv_separator_);
      break;
  }
  out_ << std::flush;
  return absl::OkStatus();
}

absl::Status Output::PrintNote(const google::protobuf::Message& message,
                               absl::string_view note) {
  switch (format_) {
    case Format::kJson:
      return PrintRecord(message, {});
    case Format::kTable:
      out_ << note << "\n" << std::flush;
      break;
    case Format::kCsv:
      err_ << note << "\n" << std::flush;
      break;
  }
  return absl::OkStatus();
}

}  // namespace koers::clients
