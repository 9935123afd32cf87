// How `koers` shows progress (koers progress, koers snapshot show): tables
// of the objectives, actions and indicators, and the roll-ups per lead
// minister and per reporting entity, each with a column per status and per
// verdict. English, like every table of the CLI. Pure; thread-safe.
#ifndef KOERS_CLIENTS_PROGRESS_VIEW_H_
#define KOERS_CLIENTS_PROGRESS_VIEW_H_

#include <vector>

#include "clients/output.h"
#include "koers/v1/query_service.pb.h"

namespace koers::clients {

std::vector<Table> ProgressTables(const v1::GetProgressResponse& response);

}  // namespace koers::clients

#endif  // KOERS_CLIENTS_PROGRESS_VIEW_H_
