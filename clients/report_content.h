// What the reports show, as tables in the report's language (report.h):
// built from the state, laid out by each format (html, md). The CLI shows
// some of the same tables in English (completeness, a snapshot's facts), so
// that a CLI table and a report never disagree. Pure functions; thread-safe.
#ifndef KOERS_CLIENTS_REPORT_CONTENT_H_
#define KOERS_CLIENTS_REPORT_CONTENT_H_

#include <string>
#include <vector>

#include "clients/output.h"
#include "clients/report.h"
#include "clients/report_labels.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "koers/v1/evaluation_service.pb.h"
#include "koers/v1/query_service.pb.h"

namespace koers::clients {

// Every table of a report, in the order the formats show them. Each table's
// title is its heading.
struct ReportContent {
  // "Voortgang van het actieplan — stand op 2027-06-30", or for a snapshot
  // "Momentopname interim-2027 — stand op 2027-06-30".
  std::string title;
  // field / value: the point (as of, known at position) or the snapshot's
  // facts, and the completeness period.
  Table facts;
  // id, title, actions, by status, overdue, indicators by verdict.
  Table objectives;
  // id, name, value, date, baseline → target, progress, expected, verdict.
  Table indicators;
  // id, title, status, since, deadline, overdue, fiche up to date,
  // reporting entity, lead ministers.
  Table actions;
  // The roll-ups: key, actions, by status, overdue, by verdict, fiches
  // missing.
  Table by_minister;
  Table by_entity;
  // CompletenessTables below.
  std::vector<Table> completeness;
};

ReportContent BuildReportContent(const ReportInput& input);

// field / value rows of a snapshot: name, as of, seen position, digest, head
// hash, taken at, taken by, position of its event.
Table SnapshotFactsTable(const v1::SnapshotInfo& info, Language language);

// What is missing: counts per reporting entity and per lead minister, then
// the missing fiches, the missing values and the overdue actions.
std::vector<Table> CompletenessTables(const v1::Completeness& completeness,
                                      Language language);

// The non-zero counts in listing order (labels.h), "2 gepland · 3 lopend";
// "" when there are none.
std::string StatusCountsText(
    const google::protobuf::RepeatedPtrField<v1::StatusCount>& counts,
    Language language);
std::string VerdictCountsText(
    const google::protobuf::RepeatedPtrField<v1::VerdictCount>& counts,
    Language language);

}  // namespace koers::clients

#endif  // KOERS_CLIENTS_REPORT_CONTENT_H_
