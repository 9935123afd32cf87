// The oracle test of issue 4's bitemporal core.
//
// A random but legal history is written through a real Tracker: the sample
// plan, then measurements (out of order in valid time, several per date),
// corrections (of measurements and of corrections, some moving the value to
// another date), status changes, fiche updates and plan revisions with
// effective dates (retargets, new deadlines, withdrawals, reinstatements,
// retirements, new indicators and actions). The clock moves between writes
// (sometimes not at all, so that positions share a record time).
//
// Then, for many (as-of date, known-at) pairs, the Tracker's answers
// (GetProgress, GetPlan) are compared with a naive replay written here: a
// walk over the committed events with position <= known-at into plain
// structures, with nothing of PlanState's code. The same pairs are asked
// again after a reopen (the state loaded from stored projections, not the
// log), and after RebuildProjections and another reopen.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "services/sample_plan.h"
#include "services/tracker.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/temp_dir.h"

namespace koers::services {
namespace {

using ::koers::testing::FakeClock;
using ::koers::testing::TempDir;

// Seeds 1 to N, N = 10 by default (a few seconds under ASan), more on
// demand: KOERS_ORACLE_SEEDS=200 bitemporal_oracle_test.
int SeedCount() {
  const char* text = std::getenv("KOERS_ORACLE_SEEDS");
  int count = 0;
  if (text != nullptr && absl::SimpleAtoi(text, &count) && count > 0) {
    return count;
  }
  return 10;
}
// Events written after the initial plan load, per seed (about).
constexpr int kEventsPerSeed = 200;

absl::CivilDay Day(absl::string_view text) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) {
    ADD_FAILURE() << "not a date: " << text;
  }
  return day;
}

std::string Iso(absl::CivilDay day) { return absl::FormatCivilTime(day); }

absl::Time RecordTime(const v1::Event& event) {
  return absl::FromUnixSeconds(event.record_time().seconds()) +
         absl::Nanoseconds(event.record_time().nanos());
}

// ---------------------------------------------------------------------------
// The naive replay.

// What the plan looked like on one day as known at one position.
struct Expected {
  struct Action {
    std::string objective_id;
    std::string title;
    v1::ActionStatus status = v1::ACTION_STATUS_PLANNED;
    std::string status_since;
    std::string deadline;
    bool overdue = false;
    int latest_fiche_year = 0;
    bool fiche_up_to_date = false;
  };
  struct Indicator {
    std::string action_id;
    std::string name;
    bool quantitative = false;
    bool has_value = false;
    double number = 0;
    std::string level;
    std::string value_date;
    std::string value_event_id;
    uint64_t value_position = 0;
    double baseline_value = 0;
    double target_value = 0;
    std::string baseline_date;
    std::string target_date;
    std::string target_level;
  };
  bool has_plan = false;
  std::string plan_title;
  std::vector<std::string> objective_ids;  // in the header's order
  std::map<std::string, Action> actions;
  std::map<std::string, Indicator> indicators;
};

// The definition in force on a day: the latest valid date on or before it;
// of equal dates the later position. Offered in position order, so a later
// offer with an equal date wins. Null when none, or withdrawn or retired.
template <typename T>
struct InForce {
  bool seen = false;
  absl::CivilDay from;
  const T* definition = nullptr;  // into the log

  void Offer(absl::CivilDay valid, absl::CivilDay day, const T* offered) {
    if (valid > day) return;
    if (!seen || valid >= from) {
      seen = true;
      from = valid;
      definition = offered;
    }
  }
};

struct NaiveValue {
  std::string event_id;
  absl::CivilDay date;
  uint64_t position = 0;
  double number = 0;
  std::string level;
};

// The committed log, each event's valid date parsed once.
struct CommittedLog {
  std::vector<v1::Event> events;  // in position order
  std::vector<absl::CivilDay> valid_days;
};

Expected NaiveReplay(const CommittedLog& log, absl::CivilDay day,
                     uint64_t known_at) {
  InForce<v1::Plan> header;
  std::map<std::string, InForce<v1::Action>> actions;
  std::map<std::string, InForce<v1::Indicator>> indicators;
  struct Status {
    bool seen = false;
    absl::CivilDay effective;
    v1::ActionStatus status = v1::ACTION_STATUS_PLANNED;
  };
  std::map<std::string, Status> statuses;
  std::map<std::string, int> fiche_years;
  std::map<std::string, std::vector<NaiveValue>> values;
  std::set<std::string> replaced;  // by a correction known at `known_at`

  for (size_t i = 0; i < log.events.size(); ++i) {
    const v1::Event& event = log.events[i];
    if (event.position() > known_at) break;
    const absl::CivilDay valid = log.valid_days[i];
    const std::string& stream = event.stream();
    switch (event.payload_case()) {
      case v1::Event::kPlanAdopted:
        header.Offer(valid, day, &event.plan_adopted().plan());
        break;
      case v1::Event::kPlanRevised:
        header.Offer(valid, day, &event.plan_revised().plan());
        break;
      case v1::Event::kActionDefined:
        actions[stream].Offer(valid, day, &event.action_defined().action());
        break;
      case v1::Event::kActionRevised:
        actions[stream].Offer(valid, day, &event.action_revised().action());
        break;
      case v1::Event::kActionWithdrawn:
        actions[stream].Offer(valid, day, nullptr);
        break;
      case v1::Event::kIndicatorDefined:
        indicators[stream].Offer(valid, day,
                                 &event.indicator_defined().indicator());
        break;
      case v1::Event::kIndicatorRevised:
        indicators[stream].Offer(valid, day,
                                 &event.indicator_revised().indicator());
        break;
      case v1::Event::kIndicatorRetired:
        indicators[stream].Offer(valid, day, nullptr);
        break;
      case v1::Event::kMeasurementRecorded: {
        const auto& m = event.measurement_recorded();
        values[stream].push_back(
            {event.event_id(), valid, event.position(), m.number(), m.level()});
        break;
      }
      case v1::Event::kMeasurementCorrected: {
        const auto& c = event.measurement_corrected();
        values[stream].push_back(
            {event.event_id(), valid, event.position(), c.number(), c.level()});
        replaced.insert(c.supersedes_event_id());
        break;
      }
      case v1::Event::kActionStatusChanged: {
        Status& status = statuses[stream];
        if (valid <= day && (!status.seen || valid >= status.effective)) {
          status = {true, valid, event.action_status_changed().to_status()};
        }
        break;
      }
      case v1::Event::kFicheUpdated:
        if (valid <= day) {
          fiche_years[stream] =
              std::max(fiche_years[stream], event.fiche_updated().year());
        }
        break;
      default:
        break;
    }
  }

  Expected expected;
  if (header.definition == nullptr) return expected;
  expected.has_plan = true;
  expected.plan_title = header.definition->title();
  std::set<std::string> objectives;
  for (const auto& objective : header.definition->objectives()) {
    expected.objective_ids.push_back(objective.id());
    objectives.insert(objective.id());
  }
  for (const auto& [id, versions] : actions) {
    if (versions.definition == nullptr) continue;
    const v1::Action& action = *versions.definition;
    if (!objectives.contains(action.objective_id())) continue;
    Expected::Action& out = expected.actions[id];
    out.objective_id = action.objective_id();
    out.title = action.title();
    const Status& status = statuses[id];
    out.status = status.seen ? status.status : v1::ACTION_STATUS_PLANNED;
    out.status_since =
        status.seen ? Iso(status.effective) : action.start_date();
    out.deadline = action.deadline();
    out.overdue = day > Day(action.deadline()) &&
                  out.status != v1::ACTION_STATUS_COMPLETED &&
                  out.status != v1::ACTION_STATUS_STOPPED;
    out.latest_fiche_year = fiche_years[id];
    out.fiche_up_to_date = out.latest_fiche_year >= day.year();
  }
  for (const auto& [id, versions] : indicators) {
    if (versions.definition == nullptr) continue;
    const v1::Indicator& indicator = *versions.definition;
    if (!expected.actions.contains(indicator.action_id())) continue;
    Expected::Indicator& out = expected.indicators[id];
    out.action_id = indicator.action_id();
    out.name = indicator.name();
    out.quantitative = indicator.has_quantitative();
    if (out.quantitative) {
      out.baseline_value = indicator.quantitative().baseline_value();
      out.target_value = indicator.quantitative().target_value();
      out.baseline_date = indicator.quantitative().baseline_date();
      out.target_date = indicator.quantitative().target_date();
    } else {
      out.baseline_date = indicator.qualitative().baseline_date();
      out.target_date = indicator.qualitative().target_date();
      out.target_level = indicator.qualitative().target_level();
    }
    const NaiveValue* best = nullptr;
    for (const NaiveValue& value : values[id]) {
      if (value.date > day || replaced.contains(value.event_id)) continue;
      if (best == nullptr || value.date > best->date ||
          (value.date == best->date && value.position > best->position)) {
        best = &value;
      }
    }
    if (best != nullptr) {
      out.has_value = true;
      out.value_date = Iso(best->date);
      out.value_event_id = best->event_id;
      out.value_position = best->position;
      if (out.quantitative) {
        out.number = best->number;
      } else {
        out.level = best->level;
      }
    }
  }
  return expected;
}

// The last position recorded at or before `time`; 0 when none.
uint64_t NaivePositionAt(const CommittedLog& log, absl::Time time) {
  uint64_t position = 0;
  for (const v1::Event& event : log.events) {
    if (RecordTime(event) <= time) position = event.position();
  }
  return position;
}

// ---------------------------------------------------------------------------
// Comparison. Each returns "" when the answer matches, else its first
// differences.

class Problems {
 public:
  template <typename A, typename B>
  void Check(absl::string_view id, absl::string_view field, const A& want,
             const B& got) {
    if (want == got) return;
    Add(absl::StrCat(id, field, ": want ", want, ", got ", got));
  }
  void CheckIds(absl::string_view what, const std::vector<std::string>& want,
                const std::vector<std::string>& got) {
    if (want == got) return;
    Add(absl::StrCat(what, ": want ", absl::StrJoin(want, ","), ", got ",
                     absl::StrJoin(got, ",")));
  }
  void Add(std::string problem) {
    if (problems_.size() < 8) problems_.push_back(std::move(problem));
  }
  std::string Text() const { return absl::StrJoin(problems_, "\n"); }

 private:
  std::vector<std::string> problems_;
};

template <typename Map>
std::vector<std::string> Keys(const Map& map) {
  std::vector<std::string> keys;
  for (const auto& entry : map) keys.push_back(entry.first);
  return keys;
}

std::string CompareProgress(const Expected& want,
                            const v1::GetProgressResponse& got) {
  Problems problems;
  std::vector<std::string> objectives;
  for (const auto& objective : got.objectives()) {
    objectives.push_back(objective.objective_id());
  }
  problems.CheckIds("objectives", want.objective_ids, objectives);

  std::map<std::string, const v1::ActionProgress*> actions;
  for (const auto& action : got.actions()) {
    if (!actions.emplace(action.action_id(), &action).second) {
      problems.Add(
          absl::StrCat("action ", action.action_id(), " listed twice"));
    }
  }
  problems.CheckIds("action ids", Keys(want.actions), Keys(actions));
  for (const auto& [id, w] : want.actions) {
    auto it = actions.find(id);
    if (it == actions.end()) continue;
    const v1::ActionProgress& g = *it->second;
    problems.Check(id, ".objective_id", w.objective_id, g.objective_id());
    problems.Check(id, ".title", w.title, g.title());
    if (w.status != g.status()) {
      problems.Add(absl::StrCat(id, ".status: want ",
                                v1::ActionStatus_Name(w.status), ", got ",
                                v1::ActionStatus_Name(g.status())));
    }
    problems.Check(id, ".status_since", w.status_since, g.status_since());
    problems.Check(id, ".deadline", w.deadline, g.deadline());
    problems.Check(id, ".overdue", w.overdue, g.overdue());
    problems.Check(id, ".latest_fiche_year", w.latest_fiche_year,
                   g.latest_fiche_year());
    problems.Check(id, ".fiche_up_to_date", w.fiche_up_to_date,
                   g.fiche_up_to_date());
  }

  std::map<std::string, const v1::IndicatorProgress*> indicators;
  for (const auto& indicator : got.indicators()) {
    if (!indicators.emplace(indicator.indicator_id(), &indicator).second) {
      problems.Add(absl::StrCat("indicator ", indicator.indicator_id(),
                                " listed twice"));
    }
  }
  problems.CheckIds("indicator ids", Keys(want.indicators), Keys(indicators));
  for (const auto& [id, w] : want.indicators) {
    auto it = indicators.find(id);
    if (it == indicators.end()) continue;
    const v1::IndicatorProgress& g = *it->second;
    problems.Check(id, ".action_id", w.action_id, g.action_id());
    problems.Check(id, ".name", w.name, g.name());
    problems.Check(id, ".quantitative", w.quantitative, g.quantitative());
    problems.Check(id, ".has_value", w.has_value, g.has_value());
    problems.Check(id, ".number", w.number, g.number());
    problems.Check(id, ".level", w.level, g.level());
    problems.Check(id, ".value_date", w.value_date, g.value_date());
    problems.Check(id, ".value_event_id", w.value_event_id, g.value_event_id());
    problems.Check(id, ".value_position", w.value_position, g.value_position());
    problems.Check(id, ".baseline_value", w.baseline_value, g.baseline_value());
    problems.Check(id, ".target_value", w.target_value, g.target_value());
    problems.Check(id, ".baseline_date", w.baseline_date, g.baseline_date());
    problems.Check(id, ".target_date", w.target_date, g.target_date());
    problems.Check(id, ".target_level", w.target_level, g.target_level());
  }
  return problems.Text();
}

std::string ComparePlan(const Expected& want, const v1::Plan& got) {
  Problems problems;
  problems.Check("plan", " exists", want.has_plan, !got.id().empty());
  problems.Check("plan", ".title", want.plan_title, got.title());
  std::vector<std::string> objectives;
  std::map<std::string, const v1::Action*> actions;
  // id -> (the action it is nested in, definition)
  std::map<std::string, std::pair<std::string, const v1::Indicator*>>
      indicators;
  for (const auto& objective : got.objectives()) {
    objectives.push_back(objective.id());
    for (const auto& action : objective.actions()) {
      problems.Check(action.id(), " nested in", action.objective_id(),
                     objective.id());
      actions[action.id()] = &action;
      for (const auto& indicator : action.indicators()) {
        indicators[indicator.id()] = {action.id(), &indicator};
      }
    }
  }
  problems.CheckIds("plan objectives", want.objective_ids, objectives);
  problems.CheckIds("plan action ids", Keys(want.actions), Keys(actions));
  for (const auto& [id, w] : want.actions) {
    auto it = actions.find(id);
    if (it == actions.end()) continue;
    problems.Check(id, ".deadline", w.deadline, it->second->deadline());
    problems.Check(id, ".title", w.title, it->second->title());
  }
  problems.CheckIds("plan indicator ids", Keys(want.indicators),
                    Keys(indicators));
  for (const auto& [id, w] : want.indicators) {
    auto it = indicators.find(id);
    if (it == indicators.end()) continue;
    const v1::Indicator& g = *it->second.second;
    problems.Check(id, " nested in", w.action_id, it->second.first);
    if (w.quantitative) {
      problems.Check(id, ".target_value", w.target_value,
                     g.quantitative().target_value());
      problems.Check(id, ".target_date", w.target_date,
                     g.quantitative().target_date());
    } else {
      problems.Check(id, ".target_level", w.target_level,
                     g.qualitative().target_level());
    }
  }
  return problems.Text();
}

// ---------------------------------------------------------------------------
// The history's generator: only legal writes, all of which must succeed.

// A value that no correction replaced yet: the only kind a correction may
// target.
struct OpenValue {
  std::string event_id;
  std::string indicator_id;
  std::string date;
};

struct ActionModel {
  v1::ActionStatus status = v1::ACTION_STATUS_PLANNED;
  std::optional<absl::CivilDay> effective;
};

class HistoryWriter {
 public:
  HistoryWriter(uint32_t seed, Tracker* tracker, FakeClock* clock)
      : rng_(seed), tracker_(tracker), clock_(clock) {}

  // Loads the sample plan effective 2025-01-01, then writes about `events`
  // more events. Fails the test on any refused write.
  void Write(int events) {
    auto plan = ParsePlanJson(SamplePlanJson(), "sample");
    ASSERT_TRUE(plan.ok()) << plan.status();
    doc_ = *plan;
    ASSERT_NO_FATAL_FAILURE(Load("2025-01-01", "initial plan"));
    const uint64_t start = tracker_->HeadPosition();
    while (tracker_->HeadPosition() < start + static_cast<uint64_t>(events)) {
      AdvanceClock();
      if (Chance(0.15)) {
        ASSERT_NO_FATAL_FAILURE(Revise());
      } else {
        ASSERT_NO_FATAL_FAILURE(WriteGroup());
      }
    }
  }

  // Effective dates of the plan loads, and value dates written.
  const std::vector<std::string>& effective_dates() const {
    return effective_dates_;
  }
  const std::vector<std::string>& value_dates() const { return value_dates_; }

 private:
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  int Uniform(int low, int high) {  // inclusive
    return std::uniform_int_distribution<int>(low, high)(rng_);
  }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(
        Uniform(0, static_cast<int>(items.size()) - 1))];
  }

  absl::CivilDay Today() const {
    return absl::ToCivilDay(clock_->Now(), absl::UTCTimeZone());
  }

  // A random day in [first, last].
  absl::CivilDay DayBetween(absl::CivilDay first, absl::CivilDay last) {
    if (last <= first) return first;
    return first + Uniform(0, static_cast<int>(last - first));
  }

  // Quarter ends and a few fixed days (so that dates repeat), or any day
  // of the plan up to today.
  absl::CivilDay ValueDay() {
    static const char* const kCommon[] = {
        "2025-01-01", "2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31",
        "2026-03-31", "2026-06-30", "2026-09-30", "2026-11-01"};
    if (Chance(0.5)) {
      return Day(kCommon[Uniform(0, static_cast<int>(std::size(kCommon)) - 1)]);
    }
    return DayBetween(absl::CivilDay(2025, 1, 1), Today());
  }

  void AdvanceClock() {
    if (Chance(0.2)) return;  // the same record time as the last write
    clock_->Advance(absl::Seconds(Uniform(1, 3 * 3600)));
  }

  // The current document's actions and indicators.
  std::vector<v1::Action*> Actions() {
    std::vector<v1::Action*> actions;
    for (auto& objective : *doc_.mutable_objectives()) {
      for (auto& action : *objective.mutable_actions()) {
        actions.push_back(&action);
      }
    }
    return actions;
  }
  std::vector<const v1::Indicator*> Indicators() {
    std::vector<const v1::Indicator*> indicators;
    for (v1::Action* action : Actions()) {
      for (const auto& indicator : action->indicators()) {
        indicators.push_back(&indicator);
      }
    }
    return indicators;
  }
  // A value fit for the indicator: numbers in halves (exact in binary).
  void SetValue(const v1::Indicator& indicator, v1::Submission* submission,
                bool correction) {
    auto set = [&](auto* request) {
      if (indicator.has_quantitative()) {
        const auto& spec = indicator.quantitative();
        const double high =
            spec.has_max_allowed()
                ? spec.max_allowed()
                : std::max(spec.baseline_value(), spec.target_value()) * 1.5 +
                      10;
        request->set_number(Uniform(0, static_cast<int>(high * 2)) / 2.0);
      } else {
        request->set_level(Pick(
            std::vector<std::string>(indicator.qualitative().scale().begin(),
                                     indicator.qualitative().scale().end())));
      }
    };
    if (correction) {
      set(submission->mutable_correction());
    } else {
      set(submission->mutable_measurement());
    }
  }

  // One group of independent submissions, written with SubmitEach so that
  // they share synced writes: per indicator at most one measurement or one
  // correction kind, per action at most one status change or fiche update
  // (so that no write's guard is moved by another of the group).
  void WriteGroup() {
    const int size = Uniform(1, 6);
    std::vector<v1::Submission> group;
    std::set<std::string> measured, corrected, actions_used;
    const std::vector<const v1::Indicator*> indicators = Indicators();
    std::map<std::string, const v1::Indicator*> by_id;
    for (const v1::Indicator* indicator : indicators) {
      by_id[indicator->id()] = indicator;
    }
    std::vector<std::string> action_ids;
    for (v1::Action* action : Actions()) action_ids.push_back(action->id());
    for (int attempt = 0;
         attempt < size * 3 && group.size() < static_cast<size_t>(size);
         ++attempt) {
      const int kind = Uniform(0, 99);
      v1::Submission submission;
      if (kind < 50) {
        const v1::Indicator& indicator = *Pick(indicators);
        if (corrected.contains(indicator.id())) continue;
        measured.insert(indicator.id());
        auto* m = submission.mutable_measurement();
        m->set_indicator_id(indicator.id());
        m->set_date(Iso(ValueDay()));
        SetValue(indicator, &submission, false);
      } else if (kind < 72) {
        std::vector<const OpenValue*> candidates;
        for (const OpenValue& value : open_values_) {
          if (by_id.contains(value.indicator_id) &&
              !measured.contains(value.indicator_id) &&
              !corrected.contains(value.indicator_id)) {
            candidates.push_back(&value);
          }
        }
        if (candidates.empty()) continue;
        const OpenValue& target = *Pick(candidates);
        corrected.insert(target.indicator_id);
        auto* c = submission.mutable_correction();
        c->set_supersedes_event_id(target.event_id);
        c->set_reason(absl::StrCat("correction ", ++corrections_));
        if (Chance(0.3)) c->set_date(Iso(ValueDay()));
        // At least one correction moves its value to an earlier date: stored
        // projections then hold it before the value it replaces.
        if (!moved_earlier_ && target.date > "2025-01-01") {
          c->set_date("2025-01-01");
          moved_earlier_ = true;
        }
        SetValue(*by_id.at(target.indicator_id), &submission, true);
      } else if (kind < 87) {
        const std::string& id = Pick(action_ids);
        if (actions_used.contains(id)) continue;
        const ActionModel& model = actions_[id];
        std::vector<v1::ActionStatus> next;
        switch (model.status) {
          case v1::ACTION_STATUS_PLANNED:
            next = {v1::ACTION_STATUS_IN_PROGRESS, v1::ACTION_STATUS_DELAYED,
                    v1::ACTION_STATUS_STOPPED};
            break;
          case v1::ACTION_STATUS_IN_PROGRESS:
            next = {v1::ACTION_STATUS_DELAYED, v1::ACTION_STATUS_COMPLETED,
                    v1::ACTION_STATUS_STOPPED};
            break;
          case v1::ACTION_STATUS_DELAYED:
            next = {v1::ACTION_STATUS_IN_PROGRESS, v1::ACTION_STATUS_COMPLETED,
                    v1::ACTION_STATUS_STOPPED};
            break;
          default:
            continue;  // completed and stopped are final
        }
        // Rarely final, so that most actions keep changing.
        v1::ActionStatus to = Pick(next);
        if ((to == v1::ACTION_STATUS_COMPLETED ||
             to == v1::ACTION_STATUS_STOPPED) &&
            !Chance(0.25)) {
          to = next.front();
        }
        const absl::CivilDay first =
            model.effective.value_or(absl::CivilDay(2025, 1, 1));
        const absl::CivilDay effective =
            std::min(Today(), first + (Chance(0.3) ? 0 : Uniform(1, 150)));
        actions_used.insert(id);
        auto* s = submission.mutable_status_change();
        s->set_action_id(id);
        s->set_status(to);
        s->set_effective_date(Iso(effective));
        s->set_reason("review");
      } else {
        const std::string& id = Pick(action_ids);
        if (actions_used.contains(id)) continue;
        actions_used.insert(id);
        auto* f = submission.mutable_fiche_update();
        f->set_action_id(id);
        f->set_year(Uniform(2025, 2027));
        f->set_text("fiche");
        if (Chance(0.5)) {
          f->set_date(Iso(DayBetween(absl::CivilDay(2025, 1, 1), Today())));
        }
      }
      group.push_back(std::move(submission));
    }
    if (group.empty()) return;
    const std::vector<absl::StatusOr<v1::WriteResult>> results =
        tracker_->SubmitEach(caller_, group, false);
    ASSERT_EQ(results.size(), group.size());
    for (size_t i = 0; i < group.size(); ++i) {
      ASSERT_TRUE(results[i].ok())
          << results[i].status() << " for " << group[i].ShortDebugString();
      Remember(group[i], *results[i]);
    }
  }

  // Updates the model with a committed write.
  void Remember(const v1::Submission& submission,
                const v1::WriteResult& result) {
    switch (submission.kind_case()) {
      case v1::Submission::kMeasurement:
        open_values_.push_back({result.event_id(), result.stream(),
                                submission.measurement().date()});
        value_dates_.push_back(submission.measurement().date());
        break;
      case v1::Submission::kCorrection: {
        const std::string& replaced =
            submission.correction().supersedes_event_id();
        std::string date = submission.correction().date();
        for (const OpenValue& value : open_values_) {
          if (value.event_id == replaced && date.empty()) date = value.date;
        }
        open_values_.erase(
            std::remove_if(open_values_.begin(), open_values_.end(),
                           [&](const OpenValue& value) {
                             return value.event_id == replaced;
                           }),
            open_values_.end());
        open_values_.push_back({result.event_id(), result.stream(), date});
        if (!submission.correction().date().empty()) {
          value_dates_.push_back(submission.correction().date());
        }
        break;
      }
      case v1::Submission::kStatusChange: {
        ActionModel& model = actions_[submission.status_change().action_id()];
        model.status = submission.status_change().status();
        model.effective = Day(submission.status_change().effective_date());
        break;
      }
      default:
        break;
    }
  }

  // A plan revision: one or two changes to the document, loaded with an
  // effective date that may lie before or after earlier revisions'.
  void Revise() {
    if (revisions_ == 0) {
      // The first revision surely withdraws, retires and adds.
      ReviseOnce(kWithdraw);
      ReviseOnce(kRetire);
      ReviseOnce(kAddIndicator);
    } else {
      const int changes = Uniform(1, 2);
      for (int i = 0; i < changes; ++i) ReviseOnce(Uniform(0, 11));
    }
    const absl::CivilDay effective =
        Chance(0.6) ? DayBetween(absl::CivilDay(2025, 1, 1), Today())
                    : DayBetween(absl::CivilDay(2025, 1, 1),
                                 absl::CivilDay(2028, 12, 31));
    ASSERT_NO_FATAL_FAILURE(
        Load(Iso(effective), absl::StrCat("revision ", ++revisions_)));
  }

  static constexpr int kWithdraw = 3;
  static constexpr int kRetire = 7;
  static constexpr int kAddIndicator = 9;

  // One change of the document, by kind (0 to 11).
  void ReviseOnce(int kind) {
    std::vector<v1::Action*> actions = Actions();
    switch (kind) {
      case 0:
      case 1: {  // retarget a quantitative indicator
        v1::Action* action = Pick(actions);
        if (action->indicators().empty()) return;
        v1::Indicator* indicator = action->mutable_indicators(
            Uniform(0, action->indicators_size() - 1));
        if (!indicator->has_quantitative()) {
          indicator->mutable_qualitative()->set_target_date(
              Iso(DayBetween(Day(indicator->qualitative().baseline_date()),
                             absl::CivilDay(2029, 12, 31))));
          return;
        }
        v1::QuantitativeSpec* spec = indicator->mutable_quantitative();
        const double baseline = spec->baseline_value();
        if (spec->direction() == v1::DIRECTION_INCREASE) {
          const double high =
              spec->has_max_allowed() ? spec->max_allowed() : baseline + 1000;
          spec->set_target_value(baseline +
                                 Uniform(1, static_cast<int>(high - baseline)));
        } else if (spec->direction() == v1::DIRECTION_DECREASE) {
          spec->set_target_value(Uniform(0, static_cast<int>(baseline) - 1));
        } else {
          spec->set_target_value(Uniform(static_cast<int>(spec->band_low()),
                                         static_cast<int>(spec->band_high())));
        }
        if (Chance(0.3)) {
          spec->set_target_date(Iso(DayBetween(Day(spec->baseline_date()),
                                               absl::CivilDay(2029, 12, 31))));
        }
        return;
      }
      case 2: {  // a new deadline
        v1::Action* action = Pick(actions);
        action->set_deadline(Iso(DayBetween(Day(action->start_date()),
                                            absl::CivilDay(2029, 12, 31))));
        return;
      }
      case kWithdraw:
      case 4: {  // withdraw an action, keeping it for a reinstatement
        std::vector<v1::StrategicObjective*> objectives;
        for (auto& objective : *doc_.mutable_objectives()) {
          if (objective.actions_size() >= 2) objectives.push_back(&objective);
        }
        if (objectives.empty()) return;
        v1::StrategicObjective& objective = *Pick(objectives);
        const int index = Uniform(0, objective.actions_size() - 1);
        withdrawn_.push_back({objective.id(), objective.actions(index)});
        objective.mutable_actions()->DeleteSubrange(index, 1);
        return;
      }
      case 5:
      case 6: {  // reinstate a withdrawn action
        if (withdrawn_.empty()) return;
        const size_t index = static_cast<size_t>(
            Uniform(0, static_cast<int>(withdrawn_.size()) - 1));
        for (auto& objective : *doc_.mutable_objectives()) {
          if (objective.id() == withdrawn_[index].first) {
            *objective.add_actions() = withdrawn_[index].second;
          }
        }
        withdrawn_.erase(withdrawn_.begin() + static_cast<ptrdiff_t>(index));
        return;
      }
      case kRetire: {  // retire an indicator, keeping it for a reinstatement
        v1::Action* action = Pick(actions);
        if (action->indicators().empty()) return;
        const int index = Uniform(0, action->indicators_size() - 1);
        retired_.push_back({action->id(), action->indicators(index)});
        action->mutable_indicators()->DeleteSubrange(index, 1);
        return;
      }
      case 8: {  // reinstate a retired indicator, if its action is there
        for (size_t i = 0; i < retired_.size(); ++i) {
          for (v1::Action* action : actions) {
            if (action->id() != retired_[i].first) continue;
            *action->add_indicators() = retired_[i].second;
            retired_.erase(retired_.begin() + static_cast<ptrdiff_t>(i));
            return;
          }
        }
        return;
      }
      case kAddIndicator: {  // a new indicator
        v1::Action* action = Pick(actions);
        AddIndicator(action);
        return;
      }
      case 10: {  // a new action with an indicator
        v1::StrategicObjective* objective =
            doc_.mutable_objectives(Uniform(0, doc_.objectives_size() - 1));
        v1::Action* action = objective->add_actions();
        action->set_id(absl::StrCat(objective->id(), ".A", ++next_number_));
        action->set_title(absl::StrCat("Nieuwe actie ", next_number_));
        action->add_lead_ministers("Minister van Justitie en Handhaving");
        action->set_reporting_entity("Agentschap Justitie en Handhaving");
        const absl::CivilDay start = DayBetween(absl::CivilDay(2025, 1, 1),
                                                absl::CivilDay(2027, 12, 31));
        action->set_start_date(Iso(start));
        action->set_deadline(
            Iso(DayBetween(start, absl::CivilDay(2029, 12, 31))));
        AddIndicator(action);
        return;
      }
      default:  // the plan header
        doc_.set_title(absl::StrCat("Actieplan, versie ", ++titles_));
        return;
    }
  }

  void AddIndicator(v1::Action* action) {
    v1::Indicator* indicator = action->add_indicators();
    indicator->set_id(absl::StrCat(action->id(), ".I", ++next_number_));
    indicator->set_name(absl::StrCat("Nieuwe indicator ", next_number_));
    indicator->set_frequency(v1::REPORTING_FREQUENCY_QUARTERLY);
    if (Chance(0.7)) {
      auto* spec = indicator->mutable_quantitative();
      spec->set_unit("aantal");
      spec->set_baseline_value(Uniform(0, 20));
      spec->set_baseline_date(action->start_date());
      spec->set_target_value(spec->baseline_value() + Uniform(5, 200));
      spec->set_target_date(action->deadline());
      spec->set_direction(v1::DIRECTION_INCREASE);
      spec->set_nature(v1::VALUE_NATURE_CUMULATIVE);
      spec->set_min_allowed(0);
      spec->set_max_allowed(400);
    } else {
      auto* spec = indicator->mutable_qualitative();
      spec->add_scale("niet gestart");
      spec->add_scale("lopend");
      spec->add_scale("klaar");
      spec->set_baseline_level("niet gestart");
      spec->set_baseline_date(action->start_date());
      spec->set_target_level("klaar");
      spec->set_target_date(action->deadline());
    }
  }

  void Load(const std::string& effective, const std::string& reason) {
    v1::LoadPlanRequest load;
    *load.mutable_plan() = doc_;
    load.set_reason(reason);
    load.set_effective_date(effective);
    auto loaded = tracker_->LoadPlan(caller_, load);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    effective_dates_.push_back(effective);
  }

  std::mt19937 rng_;
  Tracker* tracker_;
  FakeClock* clock_;
  const Caller caller_{"coord", v1::ROLE_COORDINATOR, {}};
  v1::Plan doc_;
  std::vector<std::pair<std::string, v1::Action>> withdrawn_;   // objective
  std::vector<std::pair<std::string, v1::Indicator>> retired_;  // action
  std::map<std::string, ActionModel> actions_;
  std::vector<OpenValue> open_values_;
  std::vector<std::string> effective_dates_;
  std::vector<std::string> value_dates_;
  bool moved_earlier_ = false;
  int next_number_ = 10;
  int corrections_ = 0;
  int revisions_ = 0;
  int titles_ = 0;
};

// What a history holds, to check that the generator writes every kind of
// fact the oracle is meant to cover.
struct Coverage {
  int measurements = 0;
  int corrections = 0;
  int corrections_of_corrections = 0;
  int corrections_to_an_earlier_date = 0;  // loaded before what they replace
  int status_changes = 0;
  int fiche_updates = 0;
  int revisions = 0;  // plan loads after the first
  int withdrawals = 0;
  int retirements = 0;
  int definitions = 0;  // actions and indicators defined after the first load

  explicit Coverage(const CommittedLog& log) {
    std::map<std::string, const v1::Event*> values;
    std::set<int64_t> loads;
    for (const v1::Event& event : log.events) {
      switch (event.payload_case()) {
        case v1::Event::kMeasurementRecorded:
          ++measurements;
          values[event.event_id()] = &event;
          break;
        case v1::Event::kMeasurementCorrected: {
          ++corrections;
          const v1::Event& replaced =
              *values.at(event.measurement_corrected().supersedes_event_id());
          if (replaced.has_measurement_corrected()) {
            ++corrections_of_corrections;
          }
          if (event.valid_date() < replaced.valid_date()) {
            ++corrections_to_an_earlier_date;
          }
          values[event.event_id()] = &event;
          break;
        }
        case v1::Event::kActionStatusChanged:
          ++status_changes;
          break;
        case v1::Event::kFicheUpdated:
          ++fiche_updates;
          break;
        case v1::Event::kActionWithdrawn:
          ++withdrawals;
          break;
        case v1::Event::kIndicatorRetired:
          ++retirements;
          break;
        default:
          break;
      }
      // A plan load's events share one append, hence one record time.
      const bool plan_event =
          event.has_plan_adopted() || event.has_plan_revised() ||
          event.has_action_defined() || event.has_action_revised() ||
          event.has_action_withdrawn() || event.has_indicator_defined() ||
          event.has_indicator_revised() || event.has_indicator_retired();
      if (plan_event) {
        loads.insert(event.record_time().seconds());
        if (loads.size() > 1 &&
            (event.has_action_defined() || event.has_indicator_defined())) {
          ++definitions;
        }
      }
    }
    revisions = static_cast<int>(loads.size()) - 1;
  }
};

// ---------------------------------------------------------------------------
// The test.

// One bitemporal point to ask about, and what the naive replay says of it.
struct Query {
  absl::CivilDay day;
  uint64_t known_at = 0;
  Expected expected;
};

class BitemporalOracleTest : public ::testing::TestWithParam<int> {
 protected:
  BitemporalOracleTest()
      : clock_(absl::FromCivil(absl::CivilSecond(2026, 11, 29, 8, 0, 0),
                               absl::UTCTimeZone())) {}

  void Open() {
    tracker_.reset();
    TrackerOptions options;
    options.clock = &clock_;
    auto tracker = Tracker::Open(dir_.path(), options);
    ASSERT_TRUE(tracker.ok()) << tracker.status();
    tracker_ = *std::move(tracker);
  }

  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[std::uniform_int_distribution<size_t>(0,
                                                       items.size() - 1)(rng_)];
  }

  // Pairs of as-of dates and known-at positions worth asking about, with
  // their expected answers.
  std::vector<Query> Queries(const HistoryWriter& writer) {
    const uint64_t head = log_.events.back().position();
    std::set<uint64_t> positions = {0, 1, head};
    std::vector<uint64_t> corrections, plan_events;
    for (const v1::Event& event : log_.events) {
      if (event.has_measurement_corrected()) {
        corrections.push_back(event.position());
      }
      if (event.has_plan_revised() || event.has_action_defined() ||
          event.has_action_withdrawn() || event.has_indicator_retired()) {
        plan_events.push_back(event.position());
      }
    }
    auto around = [&](const std::vector<uint64_t>& from, int count) {
      for (int i = 0; i < count && !from.empty(); ++i) {
        const uint64_t position = Pick(from);
        positions.insert(position);      // exactly at it
        positions.insert(position - 1);  // just before it
      }
    };
    around(corrections, 4);
    around(plan_events, 2);
    for (int i = 0; i < 3; ++i) {
      positions.insert(std::uniform_int_distribution<uint64_t>(1, head)(rng_));
    }

    const absl::CivilDay today = Today();
    std::vector<absl::CivilDay> days = {
        absl::CivilDay(2024, 6, 30),  // before the plan
        absl::CivilDay(2025, 1, 1),   // its first day
        today + 1,                    // after today
        absl::CivilDay(2030, 6, 30),  // after the plan's period
    };
    for (int i = 0; i < 6; ++i) {
      const absl::CivilDay day = Day(Pick(writer.value_dates()));
      days.push_back(day);
      days.push_back(day - 1);
    }
    for (int i = 0; i < 3; ++i) {
      const absl::CivilDay day = Day(Pick(writer.effective_dates()));
      days.push_back(day);
      days.push_back(day - 1);
    }
    // Valid dates of any kind of event (status changes, fiches), and
    // deadlines and the day after them.
    std::vector<absl::CivilDay> deadlines;
    for (const v1::Event& event : log_.events) {
      if (event.has_action_defined()) {
        deadlines.push_back(Day(event.action_defined().action().deadline()));
      } else if (event.has_action_revised()) {
        deadlines.push_back(Day(event.action_revised().action().deadline()));
      }
    }
    for (int i = 0; i < 3; ++i) {
      days.push_back(Pick(log_.valid_days));
      const absl::CivilDay deadline = Pick(deadlines);
      days.push_back(deadline);
      days.push_back(deadline + 1);
    }
    for (int i = 0; i < 3; ++i) {
      days.push_back(absl::CivilDay(2025, 1, 1) +
                     std::uniform_int_distribution<int>(0, 1825)(rng_));
    }

    // Every position as of today and of two other dates.
    std::vector<Query> queries;
    for (uint64_t position : positions) {
      for (const absl::CivilDay day : {today, Pick(days), Pick(days)}) {
        queries.push_back({day, position, NaiveReplay(log_, day, position)});
      }
    }
    return queries;
  }

  absl::CivilDay Today() const {
    return absl::ToCivilDay(clock_.Now(), absl::UTCTimeZone());
  }

  // Asks every `stride`th query. The first pass compares with the naive
  // replay and keeps the answers; later ones must give the same answers, to
  // the byte.
  void Check(const std::vector<Query>& queries, absl::string_view pass,
             std::vector<std::string>* answers, size_t stride = 1) {
    const bool first = answers->empty();
    for (size_t i = 0; i < queries.size(); i += stride) {
      const Query& query = queries[i];
      SCOPED_TRACE(absl::StrCat("seed ", GetParam(), ", ", pass, ", as of ",
                                Iso(query.day), " known at ", query.known_at));
      v1::GetProgressRequest request;
      request.mutable_at()->set_as_of_date(Iso(query.day));
      request.mutable_at()->mutable_known_at()->set_position(query.known_at);
      auto got = tracker_->GetProgress(request);
      ASSERT_TRUE(got.ok()) << got.status();
      const std::string bytes = got->SerializeAsString();
      if (first) {
        EXPECT_EQ(got->position(), query.known_at);
        EXPECT_EQ(got->as_of_date(), Iso(query.day));
        ASSERT_EQ(CompareProgress(query.expected, *got), "");
        answers->push_back(bytes);
      } else if (bytes != (*answers)[i]) {
        ASSERT_EQ(CompareProgress(query.expected, *got), "");
        v1::GetProgressResponse live;
        ASSERT_TRUE(live.ParseFromString((*answers)[i]));
        FAIL() << "differs from the live tracker's answer:\n"
               << live.ShortDebugString() << "\n"
               << got->ShortDebugString();
      }
      if (i % 3 == 1) {
        v1::GetPlanRequest plan_request;
        plan_request.set_as_of_date(Iso(query.day));
        plan_request.mutable_known_at()->set_position(query.known_at);
        auto plan = tracker_->GetPlan(plan_request);
        ASSERT_TRUE(plan.ok()) << plan.status();
        EXPECT_EQ(plan->position(), query.known_at);
        ASSERT_EQ(ComparePlan(query.expected, plan->plan()), "");
      }
    }
  }

  // Known-at as an RFC 3339 timestamp: resolves to the last position
  // recorded at or before it.
  void CheckTimestamps(absl::string_view pass, int count) {
    std::vector<absl::Time> times = {
        RecordTime(log_.events.front()) - absl::Seconds(1),
        RecordTime(log_.events.back()) + absl::Hours(24),
    };
    for (int i = 0; i < count; ++i) {
      const absl::Time time = RecordTime(Pick(log_.events));
      times.push_back(time);                            // a record time
      times.push_back(time - absl::Nanoseconds(1));     // just before it
      times.push_back(time + absl::Milliseconds(500));  // between writes
    }
    const absl::CivilDay today = Today();
    for (const absl::Time time : times) {
      const std::string text =
          absl::FormatTime(absl::RFC3339_full, time, absl::UTCTimeZone());
      SCOPED_TRACE(
          absl::StrCat("seed ", GetParam(), ", ", pass, ", known at ", text));
      const uint64_t want_position = NaivePositionAt(log_, time);
      v1::GetProgressRequest request;
      request.mutable_at()->set_as_of_date(Iso(today));
      ASSERT_TRUE(google::protobuf::util::TimeUtil::FromString(
          text, request.mutable_at()->mutable_known_at()->mutable_time()));
      auto got = tracker_->GetProgress(request);
      ASSERT_TRUE(got.ok()) << got.status();
      ASSERT_EQ(got->position(), want_position);
      ASSERT_EQ(CompareProgress(NaiveReplay(log_, today, want_position), *got),
                "");
      v1::GetPlanRequest plan_request;
      *plan_request.mutable_known_at() = request.at().known_at();
      plan_request.set_as_of_date(Iso(today));
      auto plan = tracker_->GetPlan(plan_request);
      ASSERT_TRUE(plan.ok()) << plan.status();
      ASSERT_EQ(plan->position(), want_position);
    }
  }

  TempDir dir_;
  FakeClock clock_;
  std::mt19937 rng_{static_cast<uint32_t>(GetParam()) * 7919u};
  std::unique_ptr<Tracker> tracker_;
  CommittedLog log_;
};

TEST_P(BitemporalOracleTest, IndexedAnswersEqualANaiveReplay) {
  ASSERT_NO_FATAL_FAILURE(Open());
  HistoryWriter writer(static_cast<uint32_t>(GetParam()), tracker_.get(),
                       &clock_);
  ASSERT_NO_FATAL_FAILURE(writer.Write(kEventsPerSeed));
  auto events = tracker_->log().ReadAll(0, 1000000);
  ASSERT_TRUE(events.ok()) << events.status();
  log_.events = *std::move(events);
  ASSERT_EQ(log_.events.size(), tracker_->HeadPosition());
  for (size_t i = 0; i < log_.events.size(); ++i) {
    ASSERT_EQ(log_.events[i].position(), i + 1);
    log_.valid_days.push_back(Day(log_.events[i].valid_date()));
  }

  // The history holds every kind of fact the oracle is about.
  const Coverage coverage(log_);
  EXPECT_GT(coverage.measurements, 0);
  EXPECT_GT(coverage.corrections, 0);
  EXPECT_GT(coverage.corrections_of_corrections, 0);
  EXPECT_GT(coverage.corrections_to_an_earlier_date, 0);
  EXPECT_GT(coverage.status_changes, 0);
  EXPECT_GT(coverage.fiche_updates, 0);
  EXPECT_GT(coverage.revisions, 0);
  EXPECT_GT(coverage.withdrawals, 0);
  EXPECT_GT(coverage.retirements, 0);
  EXPECT_GT(coverage.definitions, 0);

  const std::vector<Query> queries = Queries(writer);
  std::vector<std::string> answers;
  ASSERT_NO_FATAL_FAILURE(Check(queries, "live", &answers));
  ASSERT_NO_FATAL_FAILURE(CheckTimestamps("live", 4));

  // The state loaded from the stored projections answers the same.
  ASSERT_NO_FATAL_FAILURE(Open());
  ASSERT_NO_FATAL_FAILURE(Check(queries, "reopened", &answers));
  ASSERT_NO_FATAL_FAILURE(CheckTimestamps("reopened", 1));
  auto report = tracker_->log().CheckProjections();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok())
      << report->missing << " missing, " << report->unexpected
      << " unexpected, " << report->different
      << " different: " << absl::StrJoin(report->examples, ", ");
  EXPECT_EQ(report->events_projected, log_.events.size());

  // And so does one loaded from rebuilt projections (which the check just
  // compared with the stored ones entry by entry: a third of the queries).
  ASSERT_TRUE(tracker_->log().RebuildProjections().ok());
  ASSERT_NO_FATAL_FAILURE(Open());
  ASSERT_NO_FATAL_FAILURE(Check(queries, "rebuilt", &answers, 3));
}

INSTANTIATE_TEST_SUITE_P(Seeds, BitemporalOracleTest,
                         ::testing::Range(1, SeedCount() + 1));

}  // namespace
}  // namespace koers::services
