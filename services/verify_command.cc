#include "services/verify_command.h"

#include <filesystem>

#include "storage/event_hash.h"
#include "storage/event_log.h"

namespace koers::services {

int RunVerify(const std::string& data_dir, std::ostream& out) {
  if (!std::filesystem::exists(std::filesystem::path(data_dir) / "CURRENT")) {
    out << "verify: " << data_dir << " holds no event log\n";
    return kVerifyCannotOpen;
  }
  auto log = storage::EventLog::Open(data_dir);
  if (!log.ok()) {
    out << "verify: " << log.status().message() << "\n";
    return kVerifyCannotOpen;
  }
  auto report = (*log)->Verify([&out](uint64_t checked) {
    out << "verify: " << checked << " events checked\n" << std::flush;
  });
  if (!report.ok()) {
    out << "verify: " << report.status().message() << "\n";
    return kVerifyCannotOpen;
  }
  if (!report->ok) {
    out << "verify: BROKEN at position " << report->broken_position << ": "
        << report->reason << " (" << report->events_checked
        << " events before it are sound)\n";
    return kVerifyBroken;
  }
  const storage::LogHead head = (*log)->Head();
  out << "verify: OK, " << report->events_checked << " events, head position "
      << head.position << ", head hash " << storage::HexEncode(head.hash)
      << "\n";
  return kVerifyOk;
}

}  // namespace koers::services
