#include "services/projection_commands.h"

#include <filesystem>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "services/state_projection.h"
#include "storage/event_log.h"

namespace koers::services {
namespace {

absl::StatusOr<std::unique_ptr<storage::EventLog>> OpenWithProjector(
    const std::string& data_dir) {
  if (!std::filesystem::exists(std::filesystem::path(data_dir) / "CURRENT")) {
    return absl::NotFoundError(data_dir + " holds no event log");
  }
  storage::EventLogOptions options;
  options.projector = ProjectEvent;
  return storage::EventLog::Open(data_dir, options);
}

// Prints "<verb>: 300000 of 1000000 events" lines and, at the end, the rate.
class ProgressPrinter {
 public:
  ProgressPrinter(absl::string_view verb, std::ostream& out)
      : verb_(verb), out_(out), start_(absl::Now()) {}

  storage::ProgressCallback Callback() {
    return [this](uint64_t done, uint64_t total) {
      out_ << verb_ << ": " << done << " of " << total << " events\n"
           << std::flush;
    };
  }

  std::string Rate(uint64_t events) const {
    const double seconds = absl::ToDoubleSeconds(absl::Now() - start_);
    return absl::StrFormat("%d events in %.2f s (%.0f events/s)", events,
                           seconds, seconds > 0 ? events / seconds : 0.0);
  }

 private:
  const std::string verb_;
  std::ostream& out_;
  const absl::Time start_;
};

}  // namespace

int RunRebuildProjections(const std::string& data_dir, std::ostream& out) {
  auto log = OpenWithProjector(data_dir);
  if (!log.ok()) {
    out << "rebuild: " << log.status().message() << "\n";
    return kProjectionsCannotRun;
  }
  ProgressPrinter progress("rebuild", out);
  if (const absl::Status rebuilt =
          (*log)->RebuildProjections(progress.Callback());
      !rebuilt.ok()) {
    out << "rebuild: " << rebuilt.message() << "\n";
    return kProjectionsCannotRun;
  }
  out << "rebuild: OK, " << progress.Rate((*log)->Head().position) << "\n";
  return kProjectionsOk;
}

int RunCheckProjections(const std::string& data_dir, std::ostream& out) {
  auto log = OpenWithProjector(data_dir);
  if (!log.ok()) {
    out << "check: " << log.status().message() << "\n";
    return kProjectionsCannotRun;
  }
  ProgressPrinter progress("check", out);
  auto report = (*log)->CheckProjections(progress.Callback());
  if (!report.ok()) {
    out << "check: " << report.status().message() << "\n";
    return kProjectionsCannotRun;
  }
  if (report->ok()) {
    out << "check: OK, " << report->entries_compared << " entries match, "
        << progress.Rate(report->events_projected) << "\n";
    return kProjectionsOk;
  }
  out << "check: DIFFERENT: " << report->missing << " missing, "
      << report->unexpected << " unexpected, " << report->different
      << " different of " << report->entries_compared << " entries\n";
  for (const std::string& key : report->examples) {
    out << "check:   key " << absl::CHexEscape(key) << "\n";
  }
  return kProjectionsDiffer;
}

}  // namespace koers::services
