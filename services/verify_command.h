// The offline integrity check behind `koersd --verify`: opens the event log
// in a data directory, walks its hash chain and indexes, and reports.
#ifndef KOERS_SERVICES_VERIFY_COMMAND_H_
#define KOERS_SERVICES_VERIFY_COMMAND_H_

#include <ostream>
#include <string>

namespace koers::services {

// Exit codes of RunVerify, as documented in `koersd --help`.
inline constexpr int kVerifyOk = 0;
inline constexpr int kVerifyBroken = 1;
inline constexpr int kVerifyCannotOpen = 2;

// Verifies the log in `data_dir`, writing progress and the outcome to `out`.
// Returns kVerifyOk when every link holds, kVerifyBroken with the first
// broken position and reason otherwise, kVerifyCannotOpen when the log cannot
// be opened or read. Does not create a log where there is none.
int RunVerify(const std::string& data_dir, std::ostream& out);

}  // namespace koers::services

#endif  // KOERS_SERVICES_VERIFY_COMMAND_H_
