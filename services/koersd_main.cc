// koersd: the Koers server.
//
// This build provides the durable event log and its offline integrity check;
// the gRPC API is added on top of it (see README.md).
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "services/verify_command.h"
#include "storage/event_hash.h"
#include "storage/event_log.h"

ABSL_FLAG(std::string, data_dir, "./koers-data",
          "Directory of the event log (created when missing).");
ABSL_FLAG(bool, verify, false,
          "Verify the event log's hash chain and indexes offline, then exit: "
          "0 sound, 1 broken (first broken position printed), 2 cannot open.");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "koersd --data_dir=DIR [--verify]\n"
      "Opens (or creates) the Koers event log in DIR and reports its head; "
      "with --verify, checks it and exits.");
  absl::ParseCommandLine(argc, argv);
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (absl::GetFlag(FLAGS_verify)) {
    return koers::services::RunVerify(data_dir, std::cout);
  }
  auto log = koers::storage::EventLog::Open(data_dir);
  if (!log.ok()) {
    std::cerr << "koersd: " << log.status().message() << "\n";
    return 2;
  }
  const koers::storage::LogHead head = (*log)->Head();
  std::cout << "koersd: event log open in " << data_dir << ", head position "
            << head.position << ", head hash "
            << koers::storage::HexEncode(head.hash) << "\n";
  return 0;
}
