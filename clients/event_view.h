// How `koers` shows one event of the log (koers events, tail, history): a
// row of columns and a one-line summary of its payload.
#ifndef KOERS_CLIENTS_EVENT_VIEW_H_
#define KOERS_CLIENTS_EVENT_VIEW_H_

#include <cstddef>
#include <string>
#include <vector>

#include "koers/v1/events.pb.h"

namespace koers::clients {

// position, recorded, valid date, stream, type, principal, summary.
std::vector<std::string> EventColumns();

// Widths that fit the usual values of EventColumns(), for a table printed
// before the values are known (koers tail).
std::vector<size_t> EventColumnWidths();

// The cells of `event` under EventColumns().
std::vector<std::string> EventCells(const v1::Event& event);

// What the payload says, in one line: the value and its period, the status
// change, the fiche's year and the start of its text, the reason; free text
// is cut to a readable length. For example
//   "5 (period from 2026-01-01); comment: na de eerste ronde"
//   "corrects 0f2c…: 6; reason: typo"
//   "planned → in progress; reason: gestart"
std::string EventSummary(const v1::Event& event);

}  // namespace koers::clients

#endif  // KOERS_CLIENTS_EVENT_VIEW_H_
