// How `koers` prints an answer, in the format chosen with --format:
//
//   table  aligned columns for a terminal: widths in code points (text.h),
//          two spaces between columns, a dashed line under the header, line
//          breaks inside a cell shown as spaces, a cell longer than 80 code
//          points cut with "…"; a title line above each table and a blank
//          line between tables;
//   json   the response message as one JSON document (protobuf's JSON
//          mapping: lowerCamelCase names, every field printed, enums by
//          name, 64-bit integers as strings); a stream prints one compact
//          JSON object per line;
//   csv    RFC 4180: a header row, then the rows; a field holding the
//          separator, a quote, CR or LF is quoted, quotes doubled; CRLF line
//          ends. An answer with several tables prints each with its own
//          header, separated by an empty line; titles are not printed.
#ifndef KOERS_CLIENTS_OUTPUT_H_
#define KOERS_CLIENTS_OUTPUT_H_

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace koers::clients {

enum class Format { kTable, kJson, kCsv };

// "table", "json" or "csv"; otherwise a usage error.
absl::StatusOr<Format> ParseFormat(absl::string_view name);

// A --csv-sep value: one byte other than '"', CR and LF; "\t" may be written
// as "tab". Otherwise a usage error.
absl::StatusOr<char> ParseCsvSeparator(absl::string_view text);

// Every member has a default so that designated initializers may leave any
// out.
struct Table {
  // Printed above the table in table format; "" for none.
  std::string title = {};
  std::vector<std::string> columns = {};
  // Each row has one cell per column.
  std::vector<std::vector<std::string>> rows = {};
  // Table format, when there are no rows: printed instead of the header;
  // "" prints the header alone.
  std::string empty_text = {};
  // Table format: print the last column's cells whole (still on one line)
  // instead of cutting them to 80 characters, for text that is no use cut,
  // such as why a line was rejected.
  bool whole_last_column = false;
};

// The table format of one table (title included), ending in a newline.
std::string RenderTable(const Table& table);

// One CSV field, quoted when it must be.
std::string CsvField(absl::string_view field, char separator);

// The CSV format of one table: header, rows, CRLF line ends.
std::string RenderCsv(const Table& table, char separator);

// `message` in protobuf's JSON mapping, as described above; `pretty` adds
// line breaks and indentation.
absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message,
                                   bool pretty);

// Prints answers to `out` (and notes of a csv stream to `err`), flushing
// after each. Not thread-safe.
class Output {
 public:
  Output(Format format, char csv_separator, std::ostream& out,
         std::ostream& err);

  Format format() const { return format_; }
  char csv_separator() const { return csv_separator_; }

  // One command's answer: `message` in json format, `tables` otherwise.
  absl::Status Print(const google::protobuf::Message& message,
                     const std::vector<Table>& tables);

  // A finished document (koers report), printed as it is in any format.
  void PrintText(absl::string_view text);

  // A stream of records of unknown length (koers tail). BeginRecords prints
  // the header (table, csv); in table format each column is at least as
  // wide as `min_widths` says (or its header), and wider cells push the
  // rest of their row along.
  void BeginRecords(const std::vector<std::string>& columns,
                    const std::vector<size_t>& min_widths);
  // One record: `message` as one JSON line, or `cells` as one row.
  absl::Status PrintRecord(const google::protobuf::Message& message,
                           const std::vector<std::string>& cells);
  // A remark between records: `message` as one JSON line (json), `note` as
  // a line of `out` (table) or of `err` (csv, which keeps `out` pure CSV).
  absl::Status PrintNote(const google::protobuf::Message& message,
                         absl::string_view note);

 private:
  Format format_;
  char csv_separator_;
  std::ostream& out_;
  std::ostream& err_;
  std::vector<size_t> record_widths_;
};

}  // namespace koers::clients

#endif  // KOERS_CLIENTS_OUTPUT_H_
