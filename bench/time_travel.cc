// Time travel (issue 4): what bitemporal reads, projection rebuilds and
// start-up cost on a large log, against the targets.
//
// For each log size of --events it builds one log: a synthetic plan of 4
// objectives, 60 actions and 300 quantitative indicators (bench/
// synthetic_plan.h) loaded through Tracker::LoadPlan, then measurements
// pushed through Tracker::SubmitEach in chunks of --chunk (one synced write
// per chunk), dated 2025-01-01 to 2026-11-28 in mostly increasing order
// (about 5% backdated up to 120 days, about 2% corrections of recent values,
// status changes and yearly fiche updates of every action, and one plan
// revision retargeting 30 indicators on 2026-01-15). An injected clock
// moves with the dates, so record times run from 2025-01-01 to 2026-11-28
// and every value is recorded after its date.
//
// On each log it measures, with medians over --repetitions:
//   * whole-plan reads inside the server: Tracker::GetProgress at random
//     (as-of date, known-at) points (any as-of in the plan period; known-at a
//     random position from 1 to the head, or "now" for one in ten, or a
//     random record-time instant), and Tracker::GetState at a quarter of the
//     points; p50 and p99 of the wall time per call, and of the calling
//     thread's CPU time. The sizes take turns within each repetition, so
//     that a busy machine weighs on both alike, each turn with only its own
//     log's tracker open;
//   * start-up: the first Tracker::Open after the log was written (RocksDB
//     first recovers its write-ahead log), then Tracker::Open again (it
//     loads the stored projections, no replay), and the real koersd started
//     on the data directory until it has written its port file (it writes
//     it once serving);
//   * walks over the whole log: a bare scan (a read-only RocksDB iterator
//     over the "events" family parsing every value into koers.v1.Event),
//     EventLog::RebuildProjections and EventLog::CheckProjections, in
//     rotating order, in wall time and in the process's CPU time (RocksDB's
//     background flushes and compactions included);
//   * start-up again after the rebuilds.
// It prints aligned tables, one RESULT line per row and one TARGET line per
// target of the issue.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/bench_util.h"
#include "bench/synthetic_plan.h"
#include "koers/v1/events.pb.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "services/caller.h"
#include "services/state_projection.h"
#include "services/tracker.h"
#include "storage/civil_date.h"
#include "storage/clock.h"
#include "storage/event_log.h"
#include "storage/log_keys.h"
#include "storage/proto_time.h"
#include "storage/rocksdb_util.h"
#include "storage/status_macros.h"

ABSL_FLAG(std::vector<std::string>, events,
          std::vector<std::string>({"10000", "1000000"}),
          "Comma-separated log sizes (events) to build and measure.");
ABSL_FLAG(int32_t, repetitions, 3,
          "Repetitions of every measurement; the tables show medians.");
ABSL_FLAG(int32_t, queries, 2000,
          "Timed queries per repetition and kind of query.");
ABSL_FLAG(int32_t, chunk, 1000,
          "Submissions per Tracker::SubmitEach call while building a log.");
ABSL_FLAG(std::string, koersd, KOERSD_PATH,
          "The koersd binary whose start-up is timed (default: the one of "
          "this build tree); empty skips it.");
ABSL_FLAG(std::string, dir, "",
          "Directory for the logs (one subdirectory per size). Default: a new "
          "directory under /tmp, removed at the end unless --keep. A given "
          "directory is kept.");
ABSL_FLAG(bool, keep, false, "Keep the logs at the end.");
ABSL_FLAG(bool, reuse, false,
          "Reuse a log of the right size found in --dir instead of building "
          "it again (for repeated runs on the same logs).");
ABSL_FLAG(uint64_t, seed, 20250101, "Seed of the data and query generators.");
ABSL_FLAG(std::vector<std::string>, phases,
          std::vector<std::string>({"queries", "startup", "walks"}),
          "Which measurements to run on each log: queries, startup, walks "
          "(for profiling one of them).");

namespace koers::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

// The log's calendar: plan load, first and last recorded value.
const absl::Time kPlanLoadTime = absl::FromCivil(
    absl::CivilSecond(2025, 1, 1, 7, 0, 0), absl::UTCTimeZone());
const absl::Time kFirstRecord = absl::FromCivil(
    absl::CivilSecond(2025, 1, 1, 8, 0, 0), absl::UTCTimeZone());
const absl::Time kLastRecord = absl::FromCivil(
    absl::CivilSecond(2026, 11, 28, 18, 0, 0), absl::UTCTimeZone());
const absl::Time kRevisionTime = absl::FromCivil(
    absl::CivilSecond(2026, 1, 15, 9, 0, 0), absl::UTCTimeZone());
// "Today" while querying: after the last record.
const absl::Time kQueryTime = absl::FromCivil(
    absl::CivilSecond(2026, 11, 29, 12, 0, 0), absl::UTCTimeZone());
constexpr absl::CivilDay kPlanStart(2025, 1, 1);
constexpr absl::CivilDay kPlanEnd(2029, 12, 31);

constexpr double kBackdatedShare = 0.05;
constexpr int kMaxBackdateDays = 120;
constexpr double kCorrectionShare = 0.02;
// A correction replaces one of the indicator's latest few values.
constexpr size_t kCorrectableWindow = 8;
constexpr double kNowShare = 0.10;
constexpr int kWarmupQueries = 200;

constexpr char kComment[] =
    "Cijfer uit het departementale dashboard, nagekeken door de dienst";
constexpr char kCorrectionReason[] =
    "Cijfer herzien na validatie door de dienst";

absl::CivilDay DayOf(absl::Time time) {
  return absl::ToCivilDay(time, absl::UTCTimeZone());
}

double Seconds(SteadyClock::duration elapsed) {
  return std::chrono::duration<double>(elapsed).count();
}

double Micros(SteadyClock::duration elapsed) {
  return std::chrono::duration<double, std::micro>(elapsed).count();
}

// Nearest-rank percentile of ascending `sorted`, `q` in (0, 1].
double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const size_t n = sorted.size();
  const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(n)));
  return sorted[std::clamp<size_t>(rank, 1, n) - 1];
}

// "1,234,567". Built digit by digit: std::string::insert trips GCC 12's
// -Wrestrict false positive.
std::string Thousands(double value) {
  const std::string digits = absl::StrFormat("%.0f", std::fabs(value));
  std::string out = value <= -0.5 ? "-" : "";
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

uint64_t DirectoryBytes(const std::filesystem::path& dir) {
  uint64_t bytes = 0;
  std::error_code error;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(dir, error)) {
    if (entry.is_regular_file(error)) bytes += entry.file_size(error);
  }
  return bytes;
}

absl::StatusOr<std::vector<uint64_t>> ParseSizes(
    const std::vector<std::string>& texts) {
  std::vector<uint64_t> sizes;
  for (const std::string& text : texts) {
    uint64_t size = 0;
    if (!absl::SimpleAtoi(text, &size) || size < 2000 || size > 100'000'000) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--events: \"", text, "\" is not a number from 2000 to 100000000"));
    }
    sizes.push_back(size);
  }
  if (sizes.empty()) {
    return absl::InvalidArgumentError("--events: give at least one size");
  }
  return sizes;
}

// The record-time source of the log while it is built: set by the
// generator, read by the log's writer and the tracker.
class BenchClock final : public storage::Clock {
 public:
  explicit BenchClock(absl::Time start) : nanos_(absl::ToUnixNanos(start)) {}
  absl::Time Now() const override {
    return absl::FromUnixNanos(nanos_.load(std::memory_order_relaxed));
  }
  void Set(absl::Time time) {
    nanos_.store(absl::ToUnixNanos(time), std::memory_order_relaxed);
  }

 private:
  std::atomic<int64_t> nanos_;
};

// ----------------------------------------------------------------------------
// Building a log.

struct IndicatorModel {
  std::string id;
  double baseline = 0;
  double target = 0;
  std::optional<double> max_allowed;
  bool cumulative = false;
  // Event ids of its latest values not yet corrected (correctable).
  std::deque<std::string> correctable;
};

// A write that is not a measurement: a status change or a fiche update, due
// at `at`.
struct Special {
  absl::Time at;
  std::string stream;
  v1::Submission submission;
};

std::vector<IndicatorModel> IndicatorModels(const v1::Plan& plan) {
  std::vector<IndicatorModel> models;
  for (const auto& objective : plan.objectives()) {
    for (const auto& action : objective.actions()) {
      for (const auto& indicator : action.indicators()) {
        const v1::QuantitativeSpec& spec = indicator.quantitative();
        IndicatorModel model;
        model.id = indicator.id();
        model.baseline = spec.baseline_value();
        model.target = spec.target_value();
        if (spec.has_max_allowed()) model.max_allowed = spec.max_allowed();
        model.cumulative = spec.nature() == v1::VALUE_NATURE_CUMULATIVE;
        models.push_back(std::move(model));
      }
    }
  }
  return models;
}

absl::Time At(absl::CivilDay day, int hour) {
  return absl::FromCivil(
      absl::CivilSecond(day.year(), day.month(), day.day(), hour, 0, 0),
      absl::UTCTimeZone());
}

v1::Submission StatusChange(const std::string& action, v1::ActionStatus status,
                            absl::CivilDay effective, absl::string_view why) {
  v1::Submission submission;
  v1::ChangeActionStatusRequest* change = submission.mutable_status_change();
  change->set_action_id(action);
  change->set_status(status);
  change->set_effective_date(storage::FormatIsoDate(effective));
  change->set_reason(std::string(why));
  return submission;
}

v1::Submission FicheUpdate(const std::string& action, int year,
                           absl::CivilDay date) {
  v1::Submission submission;
  v1::RecordFicheUpdateRequest* fiche = submission.mutable_fiche_update();
  fiche->set_action_id(action);
  fiche->set_year(year);
  fiche->set_date(storage::FormatIsoDate(date));
  std::string text =
      absl::StrCat("Jaarlijkse actiefiche ", year, " van ", action, ". ");
  while (text.size() < 400) {
    text.append(
        "Stand van zaken: de vormingen lopen volgens planning, de "
        "samenwerking met de lokale besturen is versterkt. ");
  }
  fiche->set_text(text);
  return submission;
}

// Every action starts, some are delayed, resume or complete; each gets a
// fiche update for 2025 and 2026. Sorted by due time.
std::vector<Special> SpecialWrites(const v1::Plan& plan) {
  std::vector<Special> specials;
  int serial = 0;
  for (const auto& objective : plan.objectives()) {
    for (const auto& action : objective.actions()) {
      const std::string& id = action.id();
      const absl::CivilDay start =
          *storage::ParseIsoDate(action.start_date(), "start_date");
      const auto add = [&](absl::CivilDay day, v1::Submission submission) {
        specials.push_back(Special{At(day, 10), id, std::move(submission)});
      };
      add(start + (serial * 7) % 60,
          StatusChange(id, v1::ACTION_STATUS_IN_PROGRESS,
                       start + (serial * 7) % 60, "Actie opgestart"));
      if (serial % 4 == 1) {
        const absl::CivilDay day = absl::CivilDay(2025, 9, 1) + serial;
        add(day, StatusChange(id, v1::ACTION_STATUS_DELAYED, day,
                              "Vertraging door personeelstekort"));
        if (serial % 8 == 1) {
          const absl::CivilDay resumed = absl::CivilDay(2026, 3, 1) + serial;
          add(resumed, StatusChange(id, v1::ACTION_STATUS_IN_PROGRESS, resumed,
                                    "Actie hervat"));
        }
      }
      if (serial % 10 == 3) {
        const absl::CivilDay day = absl::CivilDay(2026, 6, 1) + serial;
        add(day, StatusChange(id, v1::ACTION_STATUS_COMPLETED, day,
                              "Actie gerealiseerd"));
      }
      const absl::CivilDay fiche_2025 =
          absl::CivilDay(2025, 12, 1) + serial % 28;
      add(fiche_2025, FicheUpdate(id, 2025, fiche_2025));
      const absl::CivilDay fiche_2026 =
          absl::CivilDay(2026, 11, 1) + serial % 25;
      add(fiche_2026, FicheUpdate(id, 2026, fiche_2026));
      ++serial;
    }
  }
  std::stable_sort(
      specials.begin(), specials.end(),
      [](const Special& a, const Special& b) { return a.at < b.at; });
  return specials;
}

// The plan revised on 2026-01-15: every tenth indicator retargeted.
v1::Plan RevisedPlan(v1::Plan plan) {
  int serial = 0;
  for (auto& objective : *plan.mutable_objectives()) {
    for (auto& action : *objective.mutable_actions()) {
      for (auto& indicator : *action.mutable_indicators()) {
        if (serial++ % 10 != 0) continue;
        v1::QuantitativeSpec* spec = indicator.mutable_quantitative();
        double target = spec->direction() == v1::DIRECTION_DECREASE
                            ? spec->target_value() * 0.9
                            : spec->target_value() * 1.1;
        if (spec->has_max_allowed()) {
          target = std::min(target, spec->max_allowed());
        }
        spec->set_target_value(std::round(target));
      }
    }
  }
  return plan;
}

// What building one log did.
struct BuildStats {
  uint64_t events = 0;
  double seconds = 0;
  uint64_t measurements = 0;
  uint64_t backdated = 0;
  uint64_t corrections = 0;
  uint64_t specials = 0;
  uint64_t plan_events = 0;
  uint64_t synced_writes = 0;
  uint64_t bytes = 0;
  bool reused = false;
};

class LogBuilder {
 public:
  LogBuilder(uint64_t events, int chunk, uint64_t seed)
      : target_events_(events),
        chunk_(static_cast<size_t>(chunk)),
        random_(seed),
        plan_(SyntheticPlan()),
        indicators_(IndicatorModels(plan_)),
        specials_(SpecialWrites(plan_)) {}

  absl::StatusOr<BuildStats> Build(const std::string& dir) {
    BenchClock clock(kPlanLoadTime);
    services::TrackerOptions options;
    options.clock = &clock;
    KOERS_ASSIGN_OR_RETURN(std::unique_ptr<services::Tracker> tracker,
                           services::Tracker::Open(dir, options));
    if (tracker->HeadPosition() != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(dir, " already holds a log"));
    }
    const SteadyClock::time_point begin = SteadyClock::now();
    KOERS_RETURN_IF_ERROR(
        LoadPlan(*tracker, plan_, "2025-01-01", "Aanvaarding van het plan"));
    const uint64_t first_value_position = tracker->HeadPosition();
    // Submissions to spread over the record-time span (the revision's
    // events are few; the last chunk absorbs the difference).
    const uint64_t planned = target_events_ - first_value_position;
    uint64_t done = 0;
    absl::Time last_clock = kPlanLoadTime;
    bool revised = false;
    uint64_t next_report = 100000;
    while (tracker->HeadPosition() < target_events_) {
      const uint64_t head = tracker->HeadPosition();
      const size_t size = static_cast<size_t>(
          std::min<uint64_t>(chunk_, target_events_ - head));
      const absl::Time chunk_time =
          TimeOf(std::min(done + size, planned), planned);
      if (!revised && chunk_time >= kRevisionTime) {
        clock.Set(std::max(kRevisionTime, last_clock + absl::Seconds(1)));
        last_clock = clock.Now();
        KOERS_RETURN_IF_ERROR(LoadPlan(*tracker, RevisedPlan(plan_),
                                       "2026-01-15",
                                       "Tussentijdse bijsturing van "
                                       "doelwaarden"));
        revised = true;
        continue;  // the revision's events count towards the size
      }
      clock.Set(std::max(chunk_time, last_clock + absl::Seconds(1)));
      last_clock = clock.Now();
      KOERS_RETURN_IF_ERROR(SubmitChunk(*tracker, done, size, planned));
      done += size;
      if (tracker->HeadPosition() >= next_report) {
        const double seconds = Seconds(SteadyClock::now() - begin);
        absl::FPrintF(stderr,
                      "  built %s of %s events in %.1f s (%.0f events/s), "
                      "load %s\n",
                      Thousands(tracker->HeadPosition()),
                      Thousands(target_events_), seconds,
                      tracker->HeadPosition() / seconds, LoadAverage());
        next_report += 100000;
      }
    }
    stats_.seconds = Seconds(SteadyClock::now() - begin);
    stats_.events = tracker->HeadPosition();
    stats_.synced_writes = tracker->log().Stats().synced_writes;
    tracker.reset();
    stats_.bytes = DirectoryBytes(dir);
    return stats_;
  }

 private:
  absl::Status LoadPlan(services::Tracker& tracker, const v1::Plan& plan,
                        absl::string_view effective, absl::string_view why) {
    v1::LoadPlanRequest request;
    *request.mutable_plan() = plan;
    request.set_effective_date(std::string(effective));
    request.set_reason(std::string(why));
    const uint64_t before = tracker.HeadPosition();
    KOERS_RETURN_IF_ERROR(
        tracker.LoadPlan(services::LocalCaller(), request).status());
    stats_.plan_events += tracker.HeadPosition() - before;
    return absl::OkStatus();
  }

  // The record time of the `k`-th of `planned` submissions: evenly spread
  // from kFirstRecord to kLastRecord.
  static absl::Time TimeOf(uint64_t k, uint64_t planned) {
    const double share =
        planned == 0 ? 1.0
                     : static_cast<double>(k) / static_cast<double>(planned);
    return kFirstRecord + (kLastRecord - kFirstRecord) * std::min(share, 1.0);
  }

  double Uniform(double low, double high) {
    return std::uniform_real_distribution<double>(low, high)(random_);
  }

  // A plausible value of `model` on `day`: progress roughly in step with
  // the time elapsed since the start of the plan.
  double ValueOn(const IndicatorModel& model, absl::CivilDay day) {
    const double elapsed = static_cast<double>(day - kPlanStart) / 1826.0;
    double value = model.baseline + (model.target - model.baseline) * elapsed *
                                        Uniform(0.6, 1.3);
    value = std::max(value, 0.0);
    if (model.max_allowed.has_value()) {
      value = std::min(value, *model.max_allowed);
    }
    return model.cumulative ? std::round(value) : std::round(value * 10) / 10;
  }

  v1::Submission Measurement(const IndicatorModel& model, absl::CivilDay day) {
    v1::Submission submission;
    v1::RecordMeasurementRequest* m = submission.mutable_measurement();
    m->set_indicator_id(model.id);
    m->set_number(ValueOn(model, day));
    m->set_date(storage::FormatIsoDate(day));
    m->set_period_start(
        storage::FormatIsoDate(absl::CivilDay(absl::CivilMonth(day))));
    m->set_comment(kComment);
    return submission;
  }

  v1::Submission Correction(IndicatorModel& model, absl::CivilDay today) {
    const size_t window =
        std::min(model.correctable.size(), kCorrectableWindow);
    const size_t pick =
        model.correctable.size() - 1 -
        std::uniform_int_distribution<size_t>(0, window - 1)(random_);
    v1::Submission submission;
    v1::CorrectMeasurementRequest* c = submission.mutable_correction();
    c->set_supersedes_event_id(model.correctable[pick]);
    model.correctable.erase(model.correctable.begin() +
                            static_cast<ptrdiff_t>(pick));
    c->set_number(ValueOn(model, today));
    c->set_comment(kComment);
    c->set_reason(kCorrectionReason);
    return submission;
  }

  // One SubmitEach call of `size` submissions, the `done`-th on: due status
  // changes and fiche updates first (one per action), then corrections (one
  // per indicator), then measurements, so that no write's guard revision
  // is moved by an earlier write of the same chunk.
  absl::Status SubmitChunk(services::Tracker& tracker, uint64_t done,
                           size_t size, uint64_t planned) {
    std::vector<v1::Submission> submissions;
    std::vector<int> indicator_of;  // -1: not a value
    submissions.reserve(size);
    indicator_of.reserve(size);
    const absl::CivilDay today = DayOf(TimeOf(done + size, planned));

    absl::flat_hash_set<std::string> streams;
    for (auto it = specials_.begin(); it != specials_.end() &&
                                      submissions.size() < size &&
                                      it->at <= TimeOf(done + size, planned);) {
      if (!streams.insert(it->stream).second) {
        ++it;  // one write per action per chunk: the next chunk takes it
        continue;
      }
      submissions.push_back(std::move(it->submission));
      indicator_of.push_back(-1);
      it = specials_.erase(it);
      ++stats_.specials;
    }
    std::vector<v1::Submission> measurements;
    std::vector<int> measured;
    std::uniform_int_distribution<int> pick_indicator(
        0, static_cast<int>(indicators_.size()) - 1);
    for (uint64_t k = done + submissions.size(); k < done + size; ++k) {
      const int index = pick_indicator(random_);
      IndicatorModel& model = indicators_[static_cast<size_t>(index)];
      const absl::CivilDay day = DayOf(TimeOf(k + 1, planned));
      if (Uniform(0, 1) < kCorrectionShare && !model.correctable.empty() &&
          streams.insert(model.id).second) {
        submissions.push_back(Correction(model, today));
        indicator_of.push_back(index);
        ++stats_.corrections;
        continue;
      }
      absl::CivilDay date = day;
      if (Uniform(0, 1) < kBackdatedShare) {
        date = std::max(kPlanStart, day - std::uniform_int_distribution<int>(
                                              1, kMaxBackdateDays)(random_));
        ++stats_.backdated;
      }
      measurements.push_back(Measurement(model, date));
      measured.push_back(index);
      ++stats_.measurements;
    }
    for (size_t i = 0; i < measurements.size(); ++i) {
      submissions.push_back(std::move(measurements[i]));
      indicator_of.push_back(measured[i]);
    }
    const std::vector<absl::StatusOr<v1::WriteResult>> results =
        tracker.SubmitEach(services::LocalCaller(), submissions, false);
    for (size_t i = 0; i < results.size(); ++i) {
      if (!results[i].ok()) {
        return absl::Status(
            results[i].status().code(),
            absl::StrCat("submission ", done + i, " (",
                         submissions[i].ShortDebugString().substr(0, 200),
                         "): ", results[i].status().message()));
      }
      if (indicator_of[i] < 0) continue;
      IndicatorModel& model = indicators_[static_cast<size_t>(indicator_of[i])];
      model.correctable.push_back(results[i]->event_id());
      if (model.correctable.size() > 4 * kCorrectableWindow) {
        model.correctable.pop_front();
      }
    }
    return absl::OkStatus();
  }

  const uint64_t target_events_;
  const size_t chunk_;
  std::mt19937_64 random_;
  const v1::Plan plan_;
  std::vector<IndicatorModel> indicators_;
  std::vector<Special> specials_;
  BuildStats stats_;
};

// ----------------------------------------------------------------------------
// Queries.

// One bitemporal point, independent of the log's size: the known-at
// position is a share of the head.
struct QueryPoint {
  std::string as_of;
  bool now = false;
  double known_share = 1;  // (0, 1]
  absl::Time known_time;
};

std::vector<QueryPoint> QueryPoints(size_t count, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> day(0, kPlanEnd - kPlanStart);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<QueryPoint> points(count);
  for (QueryPoint& point : points) {
    point.as_of = storage::FormatIsoDate(kPlanStart + day(random));
    point.now = unit(random) < kNowShare;
    point.known_share = 1 - unit(random);  // (0, 1]
    point.known_time =
        kPlanLoadTime + (kLastRecord - kPlanLoadTime) * unit(random);
  }
  return points;
}

enum class QueryKind { kProgress, kProgressAtTime, kState };

constexpr QueryKind kQueryKinds[] = {
    QueryKind::kProgress, QueryKind::kProgressAtTime, QueryKind::kState};

absl::string_view KindName(QueryKind kind) {
  switch (kind) {
    case QueryKind::kProgress:
      return "GetProgress";
    case QueryKind::kProgressAtTime:
      return "GetProgress@time";
    case QueryKind::kState:
      return "GetState";
  }
  return "";
}

absl::string_view KindKey(QueryKind kind) {
  switch (kind) {
    case QueryKind::kProgress:
      return "progress";
    case QueryKind::kProgressAtTime:
      return "progress_at_time";
    case QueryKind::kState:
      return "state";
  }
  return "";
}

v1::TimePoint ToTimePoint(const QueryPoint& point, QueryKind kind,
                          uint64_t head) {
  v1::TimePoint at;
  at.set_as_of_date(point.as_of);
  if (kind == QueryKind::kProgressAtTime) {
    *at.mutable_known_at()->mutable_time() =
        storage::ToProtoTimestamp(point.known_time);
  } else if (!point.now) {
    const auto position = static_cast<uint64_t>(
        std::ceil(point.known_share * static_cast<double>(head)));
    at.mutable_known_at()->set_position(
        std::clamp<uint64_t>(position, 1, head));
  }
  return at;
}

// CPU time of the calling thread, and of the whole process (every
// thread, RocksDB's background work included).
double ThreadCpuMicros() {
  timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e6 +
         static_cast<double>(now.tv_nsec) / 1e3;
}

double ProcessCpuSeconds() {
  timespec now;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) +
         static_cast<double>(now.tv_nsec) / 1e9;
}

// One repetition of one kind: per-call wall and CPU times, each ascending,
// in µs.
struct QuerySample {
  std::vector<double> micros;
  std::vector<double> cpu_micros;
  double seconds = 0;
  // Indicators in the answers, summed (a sanity check that the answers
  // are whole-plan answers).
  uint64_t indicators = 0;
  size_t bytes = 0;  // of the answers, summed
};

// Times one call: wall and thread CPU time around `call`.
template <typename Call>
auto TimeCall(QuerySample* sample, Call call) {
  const double cpu = ThreadCpuMicros();
  const SteadyClock::time_point start = SteadyClock::now();
  auto answer = call();
  sample->micros.push_back(Micros(SteadyClock::now() - start));
  sample->cpu_micros.push_back(ThreadCpuMicros() - cpu);
  return answer;
}

absl::StatusOr<QuerySample> RunQueries(const services::Tracker& tracker,
                                       QueryKind kind,
                                       const std::vector<QueryPoint>& points) {
  const uint64_t head = tracker.HeadPosition();
  QuerySample sample;
  sample.micros.reserve(points.size());
  sample.cpu_micros.reserve(points.size());
  const SteadyClock::time_point begin = SteadyClock::now();
  for (const QueryPoint& point : points) {
    const v1::TimePoint at = ToTimePoint(point, kind, head);
    if (kind == QueryKind::kState) {
      v1::GetStateRequest request;
      *request.mutable_at() = at;
      const absl::StatusOr<v1::EvaluationState> state =
          TimeCall(&sample, [&] { return tracker.GetState(request); });
      KOERS_RETURN_IF_ERROR(state.status());
      sample.indicators += state->progress().indicators_size();
      sample.bytes += state->ByteSizeLong();
    } else {
      v1::GetProgressRequest request;
      *request.mutable_at() = at;
      const absl::StatusOr<v1::GetProgressResponse> progress =
          TimeCall(&sample, [&] { return tracker.GetProgress(request); });
      KOERS_RETURN_IF_ERROR(progress.status());
      sample.indicators += progress->indicators_size();
      sample.bytes += progress->ByteSizeLong();
    }
  }
  sample.seconds = Seconds(SteadyClock::now() - begin);
  std::sort(sample.micros.begin(), sample.micros.end());
  std::sort(sample.cpu_micros.begin(), sample.cpu_micros.end());
  return sample;
}

// ----------------------------------------------------------------------------
// Walks over the whole log.

// A read-only RocksDB iterator over the "events" family parsing every value
// (after its 32-byte hash) into one reused koers.v1.Event, as the rebuild
// does, with the read options RebuildProjections uses. Returns the events
// read.
absl::StatusOr<uint64_t> BareScan(const std::string& dir) {
  namespace keys = storage::log_keys;
  std::vector<std::string> names;
  KOERS_RETURN_IF_ERROR(storage::FromRocksDb(
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names),
      "listing the column families"));
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  size_t events_index = names.size();
  for (size_t i = 0; i < names.size(); ++i) {
    families.emplace_back(names[i], rocksdb::ColumnFamilyOptions());
    if (names[i] == keys::kEventsFamily) events_index = i;
  }
  if (events_index == names.size()) {
    return absl::FailedPreconditionError(dir + " has no events family");
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* opened = nullptr;
  KOERS_RETURN_IF_ERROR(storage::FromRocksDb(
      rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir, families,
                                   &handles, &opened),
      "opening the log read-only"));
  std::unique_ptr<rocksdb::DB> db(opened);
  rocksdb::ReadOptions read;
  read.fill_cache = false;
  read.readahead_size = 4 << 20;
  uint64_t count = 0;
  uint64_t checksum = 0;
  absl::Status parsed;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(read, handles[events_index]));
    v1::Event event;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const rocksdb::Slice value = it->value();
      if (value.size() < keys::kHashSize ||
          !event.ParseFromArray(
              value.data() + keys::kHashSize,
              static_cast<int>(value.size() - keys::kHashSize))) {
        parsed = absl::DataLossError(
            absl::StrCat("event ", count + 1, " cannot be parsed"));
        break;
      }
      checksum += event.position();
      ++count;
    }
    if (parsed.ok()) {
      parsed = storage::FromRocksDb(it->status(), "scanning the log");
    }
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  KOERS_RETURN_IF_ERROR(parsed);
  if (checksum != count * (count + 1) / 2) {
    return absl::DataLossError("the scan did not see positions 1..n");
  }
  return count;
}

absl::StatusOr<std::unique_ptr<storage::EventLog>> OpenWithProjector(
    const std::string& dir) {
  storage::EventLogOptions options;
  options.projector = services::ProjectEvent;
  return storage::EventLog::Open(dir, options);
}

storage::ProgressCallback WalkProgress(absl::string_view verb) {
  return [verb](uint64_t done, uint64_t total) {
    if (done % 500000 == 0 && done > 0 && done < total) {
      absl::FPrintF(stderr, "    %s: %s of %s events\n", verb, Thousands(done),
                    Thousands(total));
    }
  };
}

// The wall and process CPU time of one walk (opening the log not
// included).
struct WalkTime {
  double seconds = 0;
  double cpu_seconds = 0;
};

// Times `walk` between two points.
class WalkTimer {
 public:
  WalkTimer() : wall_(SteadyClock::now()), cpu_(ProcessCpuSeconds()) {}
  WalkTime Stop() const {
    return WalkTime{Seconds(SteadyClock::now() - wall_),
                    ProcessCpuSeconds() - cpu_};
  }

 private:
  SteadyClock::time_point wall_;
  double cpu_;
};

using Walk = std::function<absl::StatusOr<WalkTime>(const std::string& dir)>;

absl::StatusOr<WalkTime> TimeBareScan(const std::string& dir, uint64_t head) {
  const WalkTimer timer;
  KOERS_ASSIGN_OR_RETURN(const uint64_t count, BareScan(dir));
  const WalkTime time = timer.Stop();
  if (count != head) {
    return absl::DataLossError(
        absl::StrCat("the bare scan read ", count, " events of ", head));
  }
  return time;
}

absl::StatusOr<WalkTime> TimeRebuild(const std::string& dir) {
  KOERS_ASSIGN_OR_RETURN(std::unique_ptr<storage::EventLog> log,
                         OpenWithProjector(dir));
  const WalkTimer timer;
  KOERS_RETURN_IF_ERROR(log->RebuildProjections(WalkProgress("rebuild")));
  return timer.Stop();
}

absl::StatusOr<WalkTime> TimeCheck(const std::string& dir) {
  KOERS_ASSIGN_OR_RETURN(std::unique_ptr<storage::EventLog> log,
                         OpenWithProjector(dir));
  const WalkTimer timer;
  KOERS_ASSIGN_OR_RETURN(const storage::ProjectionCheckReport report,
                         log->CheckProjections(WalkProgress("check")));
  const WalkTime time = timer.Stop();
  if (!report.ok()) {
    return absl::DataLossError(
        absl::StrCat("CheckProjections found ", report.missing, " missing, ",
                     report.unexpected, " unexpected and ", report.different,
                     " different entries"));
  }
  return time;
}

// ----------------------------------------------------------------------------
// Start-up.

struct OpenSample {
  double open_ms = 0;         // Tracker::Open, wall
  double open_cpu_ms = 0;     // and the process's CPU time meanwhile
  double first_query_ms = 0;  // the first GetProgress after it
};

// Opens a tracker on `dir` (system clock, or `clock` when given), timing
// the open and a first whole-plan read.
absl::StatusOr<std::unique_ptr<services::Tracker>> OpenTimed(
    const std::string& dir, uint64_t head, const storage::Clock* clock,
    OpenSample* sample) {
  services::TrackerOptions options;
  if (clock != nullptr) options.clock = clock;
  const WalkTimer timer;
  KOERS_ASSIGN_OR_RETURN(std::unique_ptr<services::Tracker> tracker,
                         services::Tracker::Open(dir, options));
  const WalkTime opened = timer.Stop();
  const SteadyClock::time_point begin = SteadyClock::now();
  v1::GetProgressRequest request;
  request.mutable_at()->set_as_of_date("2026-06-30");
  KOERS_ASSIGN_OR_RETURN(const v1::GetProgressResponse progress,
                         tracker->GetProgress(request));
  sample->first_query_ms = Micros(SteadyClock::now() - begin) / 1000;
  sample->open_ms = opened.seconds * 1000;
  sample->open_cpu_ms = opened.cpu_seconds * 1000;
  if (tracker->HeadPosition() != head || progress.indicators_size() == 0) {
    return absl::DataLossError(absl::StrCat(
        "the reopened tracker is at ", tracker->HeadPosition(), " of ", head,
        " and shows ", progress.indicators_size(), " indicators"));
  }
  return tracker;
}

// Starts koersd on `dir` and returns the milliseconds until its port file
// holds a port (it writes the file once serving); then stops it with
// SIGTERM and requires exit code 0.
absl::StatusOr<double> TimeKoersdStart(const std::string& binary,
                                       const std::string& dir) {
  const std::string port_file = dir + ".port";
  const std::string log_file = dir + ".koersd.log";
  std::error_code ignored;
  std::filesystem::remove(port_file, ignored);
  std::vector<std::string> args = {binary, "--data_dir=" + dir,
                                   "--listen=127.0.0.1:0",
                                   "--port_file=" + port_file};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  const SteadyClock::time_point begin = SteadyClock::now();
  const int error =
      posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    return absl::UnavailableError(
        absl::StrCat("starting ", binary, ": ", std::strerror(error)));
  }
  std::optional<double> serving_ms;
  std::string failure;
  while (!serving_ms.has_value() && failure.empty()) {
    std::ifstream in(port_file);
    if (int port = 0; in >> port && port > 0) {
      serving_ms = Micros(SteadyClock::now() - begin) / 1000;
      break;
    }
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      pid = -1;
      failure = "koersd exited before serving";
    } else if (SteadyClock::now() - begin > std::chrono::seconds(60)) {
      failure = "koersd did not serve within 60 s";
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
  }
  int status = 0;
  if (pid > 0) {
    kill(pid, failure.empty() ? SIGTERM : SIGKILL);
    waitpid(pid, &status, 0);
  }
  if (!failure.empty()) {
    return absl::UnavailableError(
        absl::StrCat(failure, "; see its output in ", log_file));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat(
        "koersd did not exit 0 on SIGTERM; see its output in ", log_file));
  }
  std::filesystem::remove(port_file, ignored);
  return *serving_ms;
}

// ----------------------------------------------------------------------------
// The measurements.

// Everything measured on one log.
struct SizeResult {
  uint64_t events = 0;
  std::string dir;
  BuildStats build;
  // The first Tracker::Open after the log was built: RocksDB recovers its
  // write-ahead log (the memtables the writer had not flushed) first.
  OpenSample first_open;
  std::map<QueryKind, std::vector<QuerySample>> queries;
  std::vector<WalkTime> bare;
  std::vector<WalkTime> rebuild;
  std::vector<WalkTime> check;
  std::vector<OpenSample> opens;
  std::vector<OpenSample> opens_after_rebuild;
  std::vector<double> koersd_ms;
};

double P50(const QuerySample& s) { return Percentile(s.micros, 0.50); }
double P99(const QuerySample& s) { return Percentile(s.micros, 0.99); }
double CpuP50(const QuerySample& s) { return Percentile(s.cpu_micros, 0.50); }
double CpuP99(const QuerySample& s) { return Percentile(s.cpu_micros, 0.99); }
double MeanMicros(const QuerySample& s) {
  return s.micros.empty() ? 0 : s.seconds * 1e6 / s.micros.size();
}

// Events per second of wall time and per second of CPU time (medians).
double RateOf(const std::vector<WalkTime>& times, uint64_t events) {
  return Ratio(static_cast<double>(events),
               MedianOf(times, [](const WalkTime& t) { return t.seconds; }));
}
double CpuRateOf(const std::vector<WalkTime>& times, uint64_t events) {
  return Ratio(
      static_cast<double>(events),
      MedianOf(times, [](const WalkTime& t) { return t.cpu_seconds; }));
}

double OpenMs(const OpenSample& s) { return s.open_ms; }
double OpenCpuMs(const OpenSample& s) { return s.open_cpu_ms; }
double FirstQueryMs(const OpenSample& s) { return s.first_query_ms; }

// Builds the log of `result->events` events under `base` (or reuses it),
// then opens it once, timed, and closes it again.
absl::Status PrepareLog(const std::filesystem::path& base, bool reuse,
                        SizeResult* result) {
  const uint64_t events = result->events;
  result->dir = (base / absl::StrCat("events-", events)).string();
  const std::string& dir = result->dir;
  if (reuse &&
      std::filesystem::exists(std::filesystem::path(dir) / "CURRENT")) {
    absl::FPrintF(stderr, "reusing the log in %s\n", dir);
    result->build.reused = true;
  } else {
    std::error_code error;
    std::filesystem::remove_all(dir, error);
    absl::FPrintF(stderr, "building a %s-event log in %s (load %s)\n",
                  Thousands(events), dir, LoadAverage());
    LogBuilder builder(events, absl::GetFlag(FLAGS_chunk),
                       absl::GetFlag(FLAGS_seed));
    KOERS_ASSIGN_OR_RETURN(result->build, builder.Build(dir));
    absl::FPrintF(stderr,
                  "  built in %.1f s (%.0f events/s, %s synced writes), %.0f "
                  "MB on disk, load %s\n",
                  result->build.seconds,
                  Ratio(result->build.events, result->build.seconds),
                  Thousands(result->build.synced_writes),
                  result->build.bytes / 1e6, LoadAverage());
  }
  KOERS_RETURN_IF_ERROR(
      OpenTimed(dir, events, nullptr, &result->first_open).status());
  result->build.bytes = DirectoryBytes(dir);
  absl::FPrintF(stderr,
                "  first Tracker::Open %.0f ms (CPU %.0f ms), then %.0f MB on "
                "disk\n",
                result->first_open.open_ms, result->first_open.open_cpu_ms,
                result->build.bytes / 1e6);
  return absl::OkStatus();
}

void ReportQueries(int rep, uint64_t events, QueryKind kind,
                   const QuerySample& sample) {
  absl::FPrintF(stderr,
                "  rep %d %9s %-17s p50 %6.0f us (CPU %6.0f)  p99 %6.0f us  "
                "%.1f indicators/answer  load %s\n",
                rep, Thousands(events), KindName(kind), P50(sample),
                CpuP50(sample), P99(sample),
                Ratio(sample.indicators, sample.micros.size()), LoadAverage());
}

// The queries, the logs taking turns within each repetition (forward,
// then backward) so that the sizes share the machine's moods alike. Each
// turn opens its log's tracker afresh and closes it after, so that only
// one log's state is in memory at a time: a large state left in the heap
// slows the small log's reads (by some 40% in a trial), which would flatter
// the ratio between the sizes. GetState, some ten times dearer, runs on a
// quarter of the points.
absl::Status MeasureQueries(const std::vector<QueryPoint>& points,
                            int repetitions, std::vector<SizeResult>& results) {
  const std::vector<QueryPoint> warmup(
      points.begin(),
      points.begin() + std::min<size_t>(kWarmupQueries, points.size()));
  const std::vector<QueryPoint> state_points(
      points.begin(), points.begin() + std::max<size_t>(1, points.size() / 4));
  for (int rep = 1; rep <= repetitions; ++rep) {
    for (size_t n = 0; n < results.size(); ++n) {
      SizeResult& result = results[rep % 2 == 1 ? n : results.size() - 1 - n];
      BenchClock clock(kQueryTime);
      services::TrackerOptions options;
      options.clock = &clock;
      KOERS_ASSIGN_OR_RETURN(std::unique_ptr<services::Tracker> tracker,
                             services::Tracker::Open(result.dir, options));
      for (QueryKind kind : kQueryKinds) {
        KOERS_RETURN_IF_ERROR(RunQueries(*tracker, kind, warmup).status());
      }
      for (QueryKind kind : kQueryKinds) {
        KOERS_ASSIGN_OR_RETURN(
            QuerySample sample,
            RunQueries(*tracker, kind,
                       kind == QueryKind::kState ? state_points : points));
        ReportQueries(rep, result.events, kind, sample);
        result.queries[kind].push_back(std::move(sample));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status MeasureStartup(const std::string& dir, uint64_t head,
                            int repetitions, const std::string& koersd,
                            std::vector<OpenSample>* opens,
                            std::vector<double>* koersd_ms) {
  for (int rep = 1; rep <= repetitions; ++rep) {
    OpenSample open;
    KOERS_RETURN_IF_ERROR(OpenTimed(dir, head, nullptr, &open).status());
    absl::FPrintF(stderr,
                  "  rep %d Tracker::Open %.0f ms (CPU %.0f ms), first "
                  "GetProgress %.1f ms, load %s\n",
                  rep, open.open_ms, open.open_cpu_ms, open.first_query_ms,
                  LoadAverage());
    opens->push_back(open);
    if (koersd_ms != nullptr && !koersd.empty()) {
      KOERS_ASSIGN_OR_RETURN(const double ms, TimeKoersdStart(koersd, dir));
      absl::FPrintF(stderr, "  rep %d koersd serving after %.0f ms\n", rep, ms);
      koersd_ms->push_back(ms);
    }
  }
  return absl::OkStatus();
}

absl::Status MeasureWalks(int repetitions, SizeResult* result) {
  const uint64_t head = result->events;
  struct Named {
    absl::string_view name;
    Walk walk;
    std::vector<WalkTime>* times;
  };
  const std::vector<Named> walks = {
      {"bare scan",
       [head](const std::string& d) { return TimeBareScan(d, head); },
       &result->bare},
      {"rebuild", TimeRebuild, &result->rebuild},
      {"check", TimeCheck, &result->check},
  };
  for (int rep = 1; rep <= repetitions; ++rep) {
    // Rotate the order so that no walk always runs first or after another.
    for (size_t i = 0; i < walks.size(); ++i) {
      const Named& named =
          walks[(i + static_cast<size_t>(rep - 1)) % walks.size()];
      KOERS_ASSIGN_OR_RETURN(const WalkTime time, named.walk(result->dir));
      absl::FPrintF(stderr,
                    "  rep %d %-9s %6.2f s (CPU %6.2f s)  %9.0f events/s  "
                    "load %s\n",
                    rep, named.name, time.seconds, time.cpu_seconds,
                    Ratio(head, time.seconds), LoadAverage());
      named.times->push_back(time);
    }
  }
  return absl::OkStatus();
}

// ----------------------------------------------------------------------------
// Output.

void PrintHeader(const std::filesystem::path& base, int repetitions,
                 size_t queries, int chunk) {
  absl::PrintF(
      "Time travel (issue 4): bitemporal reads, projection walks and "
      "start-up on logs of 300 indicators\n");
  absl::PrintF("machine: %u cores, kernel %s; logs in %s\n",
               std::thread::hardware_concurrency(), KernelRelease(),
               base.string());
  absl::PrintF(
      "logs: synthetic plan (4 objectives, 60 actions, 300 quantitative "
      "indicators) via Tracker::LoadPlan, then Tracker::SubmitEach in chunks "
      "of %d; values dated 2025-01-01..2026-11-28, ~5%% backdated, ~2%% "
      "corrections, status changes, fiches, one plan revision\n",
      chunk);
  absl::PrintF(
      "queries: %d per repetition (GetState: %d), random as-of in "
      "2025-01-01..2029-12-31, known-at a random position 1..head (10%% "
      "\"now\") or a random instant; sizes alternate; medians of %d "
      "repetitions\n",
      queries, std::max<size_t>(1, queries / 4), repetitions);
  absl::PrintF("load average at start %s\n", LoadAverage());
}

void PrintBuilds(const std::vector<SizeResult>& results) {
  absl::PrintF("\nLogs built\n");
  absl::PrintF("%10s | %9s | %10s | %8s | %8s | %8s | %8s | %9s | %8s\n",
               "events", "seconds", "events/s", "synced", "backdat.",
               "correct.", "status/", "plan", "MB on");
  absl::PrintF("%10s | %9s | %10s | %8s | %8s | %8s | %8s | %9s | %8s\n", "",
               "", "", "writes", "", "", "fiche", "events", "disk");
  absl::PrintF("%s\n", std::string(100, '-'));
  for (const SizeResult& r : results) {
    if (r.build.reused) {
      absl::PrintF("%10s | %9s | %10s | %8s | %8s | %8s | %8s | %9s | %8.0f\n",
                   Thousands(r.events), "reused", "", "", "", "", "", "",
                   r.build.bytes / 1e6);
      continue;
    }
    absl::PrintF("%10s | %9.1f | %10s | %8s | %8s | %8s | %8s | %9s | %8.0f\n",
                 Thousands(r.events), r.build.seconds,
                 Thousands(Ratio(r.build.events, r.build.seconds)),
                 Thousands(r.build.synced_writes), Thousands(r.build.backdated),
                 Thousands(r.build.corrections), Thousands(r.build.specials),
                 Thousands(r.build.plan_events), r.build.bytes / 1e6);
  }
}

void PrintQueries(const std::vector<SizeResult>& results) {
  if (results.front().queries.empty()) return;
  absl::PrintF("\nWhole-plan reads inside the server (µs per call)\n");
  absl::PrintF("%10s | %-17s | %7s | %7s | %7s | %7s | %7s | %6s | %7s\n",
               "events", "call", "p50", "p99", "mean", "CPU p50", "CPU p99",
               "indic.", "KB/ans.");
  absl::PrintF("%s\n", std::string(98, '-'));
  for (const SizeResult& r : results) {
    for (QueryKind kind : kQueryKinds) {
      const std::vector<QuerySample>& samples = r.queries.at(kind);
      absl::PrintF(
          "%10s | %-17s | %7.0f | %7.0f | %7.0f | %7.0f | %7.0f | %6.1f | "
          "%7.1f\n",
          Thousands(r.events), KindName(kind), MedianOf(samples, P50),
          MedianOf(samples, P99), MedianOf(samples, MeanMicros),
          MedianOf(samples, CpuP50), MedianOf(samples, CpuP99),
          MedianOf(samples,
                   [](const QuerySample& s) {
                     return Ratio(s.indicators, s.micros.size());
                   }),
          MedianOf(samples, [](const QuerySample& s) {
            return Ratio(s.bytes, s.micros.size()) / 1000;
          }));
    }
  }
}

void PrintWalks(const std::vector<SizeResult>& results) {
  if (results.front().bare.empty()) return;
  absl::PrintF(
      "\nWalks over the whole log (events per second of wall time; per "
      "second of process CPU time)\n");
  absl::PrintF("%10s | %10s | %10s | %10s | %8s | %10s | %10s | %8s\n",
               "events", "bare scan", "rebuild", "check", "rebuild/",
               "bare CPU", "rebuild", "rebuild/");
  absl::PrintF("%10s | %10s | %10s | %10s | %8s | %10s | %10s | %8s\n", "", "",
               "", "", "bare", "", "CPU", "bare CPU");
  absl::PrintF("%s\n", std::string(94, '-'));
  for (const SizeResult& r : results) {
    const double bare = RateOf(r.bare, r.events);
    const double rebuild = RateOf(r.rebuild, r.events);
    const double bare_cpu = CpuRateOf(r.bare, r.events);
    const double rebuild_cpu = CpuRateOf(r.rebuild, r.events);
    absl::PrintF("%10s | %10s | %10s | %10s | %7.2fx | %10s | %10s | %7.2fx\n",
                 Thousands(r.events), Thousands(bare), Thousands(rebuild),
                 Thousands(RateOf(r.check, r.events)), Ratio(rebuild, bare),
                 Thousands(bare_cpu), Thousands(rebuild_cpu),
                 Ratio(rebuild_cpu, bare_cpu));
  }
}

void PrintStartup(const std::vector<SizeResult>& results) {
  absl::PrintF("\nStart-up (ms, wall / process CPU; warm page cache)\n");
  absl::PrintF("%10s | %15s | %15s | %8s | %9s | %15s\n", "events",
               "1st Open after", "Tracker::Open", "koersd", "1st read",
               "Open after");
  absl::PrintF("%10s | %15s | %15s | %8s | %9s | %15s\n", "", "writing (WAL)",
               "", "serving", "after", "rebuilds");
  absl::PrintF("%s\n", std::string(86, '-'));
  for (const SizeResult& r : results) {
    const auto pair = [](const std::vector<OpenSample>& opens) {
      return opens.empty()
                 ? std::string("-")
                 : absl::StrFormat("%.0f / %.0f", MedianOf(opens, OpenMs),
                                   MedianOf(opens, OpenCpuMs));
    };
    absl::PrintF("%10s | %15s | %15s | %8s | %9s | %15s\n", Thousands(r.events),
                 absl::StrFormat("%.0f / %.0f", r.first_open.open_ms,
                                 r.first_open.open_cpu_ms),
                 pair(r.opens),
                 r.koersd_ms.empty()
                     ? std::string("-")
                     : absl::StrFormat("%.0f", Median(r.koersd_ms)),
                 r.opens.empty()
                     ? std::string("-")
                     : absl::StrFormat("%.1f", MedianOf(r.opens, FirstQueryMs)),
                 pair(r.opens_after_rebuild));
  }
}

void PrintMachineReadable(const std::vector<SizeResult>& results) {
  absl::PrintF("\n");
  for (const SizeResult& r : results) {
    if (!r.build.reused) {
      absl::PrintF(
          "RESULT kind=build events=%d seconds=%.1f events_per_s=%.0f "
          "synced_writes=%d backdated=%d corrections=%d bytes=%d\n",
          r.events, r.build.seconds, Ratio(r.build.events, r.build.seconds),
          r.build.synced_writes, r.build.backdated, r.build.corrections,
          r.build.bytes);
    }
    for (QueryKind kind : kQueryKinds) {
      if (r.queries.empty()) break;
      const std::vector<QuerySample>& samples = r.queries.at(kind);
      absl::PrintF(
          "RESULT kind=query events=%d call=%s p50_us=%.0f p99_us=%.0f "
          "mean_us=%.0f cpu_p50_us=%.0f cpu_p99_us=%.0f\n",
          r.events, KindKey(kind), MedianOf(samples, P50),
          MedianOf(samples, P99), MedianOf(samples, MeanMicros),
          MedianOf(samples, CpuP50), MedianOf(samples, CpuP99));
    }
    if (!r.bare.empty()) {
      absl::PrintF(
          "RESULT kind=walk events=%d bare_events_per_s=%.0f "
          "rebuild_events_per_s=%.0f check_events_per_s=%.0f "
          "rebuild_over_bare=%.3f bare_events_per_cpu_s=%.0f "
          "rebuild_events_per_cpu_s=%.0f check_events_per_cpu_s=%.0f "
          "rebuild_over_bare_cpu=%.3f\n",
          r.events, RateOf(r.bare, r.events), RateOf(r.rebuild, r.events),
          RateOf(r.check, r.events),
          Ratio(RateOf(r.rebuild, r.events), RateOf(r.bare, r.events)),
          CpuRateOf(r.bare, r.events), CpuRateOf(r.rebuild, r.events),
          CpuRateOf(r.check, r.events),
          Ratio(CpuRateOf(r.rebuild, r.events), CpuRateOf(r.bare, r.events)));
    }
    absl::PrintF(
        "RESULT kind=startup events=%d first_open_ms=%.0f "
        "first_open_cpu_ms=%.0f tracker_open_ms=%.0f tracker_open_cpu_ms=%.0f "
        "first_progress_ms=%.1f koersd_serving_ms=%.0f "
        "tracker_open_after_rebuild_ms=%.0f\n",
        r.events, r.first_open.open_ms, r.first_open.open_cpu_ms,
        MedianOf(r.opens, OpenMs), MedianOf(r.opens, OpenCpuMs),
        MedianOf(r.opens, FirstQueryMs),
        r.koersd_ms.empty() ? -1.0 : Median(r.koersd_ms),
        MedianOf(r.opens_after_rebuild, OpenMs));
  }
}

void PrintTarget(absl::string_view name, bool met, absl::string_view detail) {
  absl::PrintF("TARGET %s %s (%s)\n", name, met ? "met" : "NOT_MET", detail);
}

// The targets, judged on the smallest and largest logs.
void PrintTargets(const std::vector<SizeResult>& results) {
  const SizeResult& small = results.front();
  const SizeResult& large = results.back();
  absl::PrintF("\n");
  if (!large.queries.empty()) {
    const std::vector<QuerySample>& progress =
        large.queries.at(QueryKind::kProgress);
    const double p50 = MedianOf(progress, P50);
    PrintTarget("progress_p50", p50 <= 2000,
                absl::StrFormat("GetProgress p50 %.0f us (CPU %.0f us) at %d "
                                "events; target <= 2000 us",
                                p50, MedianOf(progress, CpuP50), large.events));
    if (&small != &large) {
      const std::vector<QuerySample>& base =
          small.queries.at(QueryKind::kProgress);
      const double ratio = Ratio(p50, MedianOf(base, P50));
      PrintTarget(
          "progress_ratio", ratio <= 1.5,
          absl::StrFormat(
              "GetProgress p50 at %d / at %d events = %.2fx (CPU "
              "p50 %.2fx); target <= 1.5x",
              large.events, small.events, ratio,
              Ratio(MedianOf(progress, CpuP50), MedianOf(base, CpuP50))));
      const auto ratio_of = [&](QueryKind kind, auto metric) {
        return Ratio(MedianOf(large.queries.at(kind), metric),
                     MedianOf(small.queries.at(kind), metric));
      };
      absl::PrintF(
          "RATIO large=%d small=%d progress_p50=%.3f progress_p99=%.3f "
          "progress_cpu_p50=%.3f progress_at_time_p50=%.3f state_p50=%.3f\n",
          large.events, small.events, ratio,
          ratio_of(QueryKind::kProgress, P99),
          ratio_of(QueryKind::kProgress, CpuP50),
          ratio_of(QueryKind::kProgressAtTime, P50),
          ratio_of(QueryKind::kState, P50));
    }
  }
  if (!large.rebuild.empty()) {
    const double rebuild = RateOf(large.rebuild, large.events);
    PrintTarget(
        "rebuild_rate", rebuild >= 600000,
        absl::StrFormat("rebuild %.0f events/s at %d events, %.2fx the bare "
                        "scan's %.0f/s (CPU: %.0f vs %.0f events per "
                        "CPU-second, %.2fx); target >= 600000/s, half the "
                        "bare scan",
                        rebuild, large.events,
                        Ratio(rebuild, RateOf(large.bare, large.events)),
                        RateOf(large.bare, large.events),
                        CpuRateOf(large.rebuild, large.events),
                        CpuRateOf(large.bare, large.events),
                        Ratio(CpuRateOf(large.rebuild, large.events),
                              CpuRateOf(large.bare, large.events))));
  }
  if (large.opens.empty()) return;
  const double open_ms = MedianOf(large.opens, OpenMs);
  const double serving_ms =
      large.koersd_ms.empty() ? open_ms : Median(large.koersd_ms);
  PrintTarget(
      "startup", std::max(open_ms, serving_ms) <= 1000,
      absl::StrFormat("Tracker::Open %.0f ms (CPU %.0f ms), koersd serving "
                      "after %s, first open after writing %.0f ms, at %d "
                      "events; target <= 1000 ms",
                      open_ms, MedianOf(large.opens, OpenCpuMs),
                      large.koersd_ms.empty()
                          ? std::string("(not measured)")
                          : absl::StrFormat("%.0f ms", serving_ms),
                      large.first_open.open_ms, large.events));
}

absl::Status Run() {
  KOERS_ASSIGN_OR_RETURN(std::vector<uint64_t> sizes,
                         ParseSizes(absl::GetFlag(FLAGS_events)));
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  const int repetitions = absl::GetFlag(FLAGS_repetitions);
  const int queries = absl::GetFlag(FLAGS_queries);
  const int chunk = absl::GetFlag(FLAGS_chunk);
  if (repetitions < 1 || queries < 1 || chunk < 1) {
    return absl::InvalidArgumentError(
        "--repetitions, --queries and --chunk must be at least 1");
  }
  const std::vector<std::string> phases = absl::GetFlag(FLAGS_phases);
  const auto wanted = [&phases](absl::string_view phase) {
    return std::find(phases.begin(), phases.end(), phase) != phases.end();
  };
  std::filesystem::path base = absl::GetFlag(FLAGS_dir);
  bool owned = false;
  if (base.empty()) {
    std::string pattern = "/tmp/koers-time-travel-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      return absl::UnavailableError("mkdtemp under /tmp failed");
    }
    base = pattern;
    owned = !absl::GetFlag(FLAGS_keep);
  } else {
    std::error_code error;
    std::filesystem::create_directories(base, error);
    if (error) {
      return absl::UnavailableError(
          absl::StrCat("creating ", base.string(), ": ", error.message()));
    }
  }
  PrintHeader(base, repetitions, static_cast<size_t>(queries), chunk);
  const std::vector<QueryPoint> points =
      QueryPoints(static_cast<size_t>(queries), absl::GetFlag(FLAGS_seed) + 1);
  std::vector<SizeResult> results(sizes.size());
  const auto measure = [&]() -> absl::Status {
    for (size_t i = 0; i < sizes.size(); ++i) {
      results[i].events = sizes[i];
      KOERS_RETURN_IF_ERROR(
          PrepareLog(base, absl::GetFlag(FLAGS_reuse), &results[i]));
    }
    if (wanted("queries")) {
      absl::FPrintF(stderr, "queries\n");
      KOERS_RETURN_IF_ERROR(MeasureQueries(points, repetitions, results));
    }
    for (SizeResult& result : results) {
      if (wanted("startup")) {
        absl::FPrintF(stderr, "start-up on the %s-event log\n",
                      Thousands(result.events));
        KOERS_RETURN_IF_ERROR(MeasureStartup(
            result.dir, result.events, repetitions, absl::GetFlag(FLAGS_koersd),
            &result.opens, &result.koersd_ms));
      }
      if (wanted("walks")) {
        absl::FPrintF(stderr, "walks over the %s-event log\n",
                      Thousands(result.events));
        KOERS_RETURN_IF_ERROR(MeasureWalks(repetitions, &result));
        if (wanted("startup")) {
          absl::FPrintF(stderr, "start-up after the rebuilds\n");
          KOERS_RETURN_IF_ERROR(
              MeasureStartup(result.dir, result.events, repetitions, "",
                             &result.opens_after_rebuild, nullptr));
        }
      }
    }
    return absl::OkStatus();
  };
  const absl::Status status = measure();
  if (owned) {
    std::error_code ignored;
    std::filesystem::remove_all(base, ignored);
  } else {
    absl::FPrintF(stderr, "logs kept in %s\n", base.string());
  }
  KOERS_RETURN_IF_ERROR(status);
  PrintBuilds(results);
  PrintQueries(results);
  PrintWalks(results);
  PrintStartup(results);
  PrintMachineReadable(results);
  PrintTargets(results);
  absl::PrintF("load average at end %s\n", LoadAverage());
  return absl::OkStatus();
}

}  // namespace
}  // namespace koers::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (const absl::Status status = koers::bench::Run(); !status.ok()) {
    absl::FPrintF(stderr, "time_travel: %s\n", status.ToString());
    return 1;
  }
  return 0;
}
