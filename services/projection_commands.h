// The offline projection commands behind `koersd --rebuild_projections`
// and `koersd --check_projections`: recompute Koers's stored projections
// from the event log, or rebuild them aside and compare with what is
// stored. Both report progress on long logs and their rate at the end.
#ifndef KOERS_SERVICES_PROJECTION_COMMANDS_H_
#define KOERS_SERVICES_PROJECTION_COMMANDS_H_

#include <ostream>
#include <string>

namespace koers::services {

// Exit codes, as documented in `koersd --help`.
inline constexpr int kProjectionsOk = 0;
inline constexpr int kProjectionsDiffer = 1;
inline constexpr int kProjectionsCannotRun = 2;

// Replaces every stored projection of the log in `data_dir` with one
// recomputed from its events. The server must not be running.
int RunRebuildProjections(const std::string& data_dir, std::ostream& out);

// Rebuilds aside and compares: kProjectionsOk when everything stored
// matches, kProjectionsDiffer (with counts and example keys) otherwise.
int RunCheckProjections(const std::string& data_dir, std::ostream& out);

}  // namespace koers::services

#endif  // KOERS_SERVICES_PROJECTION_COMMANDS_H_
