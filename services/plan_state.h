// PlanState: what the event log says about the plan, kept in memory and fed
// every committed event in log order.
//
// It keeps every version of every definition (plan header, action,
// indicator) with the valid date it took effect and the log position that
// recorded it, every status change, fiche update and measurement, so that
// both "the latest" and "as of a date" can be answered without reading the
// log again.
//
// "Current" below means the latest by log position: what the most recent plan
// load said, whatever its effective date. Validation and plan diffs use it.
//
// Thread-safety: none. The Tracker guards it with a mutex.
#ifndef KOERS_SERVICES_PLAN_STATE_H_
#define KOERS_SERVICES_PLAN_STATE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/timestamp.pb.h"
#include "koers/v1/events.pb.h"
#include "koers/v1/plan.pb.h"
#include "services/state_memory.h"
#include "services/value_timeline.h"
#include "storage/event_id.h"

namespace koers::services {

// One version of a definition. `definition` is empty when the version
// withdraws (an action) or retires (an indicator) it.
template <typename T>
struct DefinitionVersion {
  absl::CivilDay valid_from;
  uint64_t position = 0;
  std::optional<T> definition;
};

struct StatusChange {
  absl::CivilDay effective;
  uint64_t position = 0;
  v1::ActionStatus status = v1::ACTION_STATUS_UNSPECIFIED;
  std::string event_id;
};

struct FicheUpdate {
  int year = 0;
  absl::CivilDay date;
  uint64_t position = 0;
  std::string event_id;
};

struct ActionRecord {
  std::vector<DefinitionVersion<v1::Action>> versions;  // log order
  std::vector<StatusChange> status_changes;             // log order
  std::vector<FicheUpdate> fiche_updates;               // log order
  // Stream revision of the action stream's last event.
  uint64_t revision = 0;
};

// An event id as its 16 raw bytes (see storage/event_id.h). Values are by
// far the most numerous records, and the text form would cost each of them
// an allocation, a formatting when loading and a 36-byte hash; it is
// formatted only for an answer.
class RawEventId {
 public:
  // All zero bytes.
  RawEventId() = default;
  // `raw16` must hold 16 bytes.
  static RawEventId FromBytes(absl::string_view raw16);
  // The canonical text form (either case); nullopt when malformed.
  static std::optional<RawEventId> Parse(absl::string_view text);

  // The canonical (lowercase) text form.
  std::string ToString() const;

  friend bool operator==(const RawEventId& a, const RawEventId& b) {
    return a.bytes_ == b.bytes_;
  }
  friend bool operator!=(const RawEventId& a, const RawEventId& b) {
    return !(a == b);
  }
  template <typename H>
  friend H AbslHashValue(H state, const RawEventId& id) {
    return H::combine_contiguous(std::move(state), id.bytes_.data(),
                                 id.bytes_.size());
  }

 private:
  std::array<char, storage::kRawEventIdSize> bytes_{};
};

// Hash and equality of the index of values by event id, which may also be
// searched with the text form of an id (as requests carry them). A
// malformed text id finds nothing.
struct RawEventIdHash {
  using is_transparent = void;
  size_t operator()(const RawEventId& id) const;
  size_t operator()(absl::string_view text) const;
};
struct RawEventIdEq {
  using is_transparent = void;
  bool operator()(const RawEventId& a, const RawEventId& b) const {
    return a == b;
  }
  bool operator()(const RawEventId& a, absl::string_view text) const;
  bool operator()(absl::string_view text, const RawEventId& b) const {
    return (*this)(b, text);
  }
};

// A measurement or a correction: one value of an indicator. There is one
// per value, 128 bytes on a cache line boundary: what an answer reads of a
// number (id, date, position, number, is_number: the first 49 bytes) is
// one line; a scale level is on the second.
struct alignas(64) MeasurementRecord {
  RawEventId event_id;
  absl::CivilDay date;
  uint64_t position = 0;
  double number = 0;
  bool is_number = true;
  // For a correction: the event it replaced.
  std::optional<RawEventId> supersedes;
  // Set when a later correction replaced this value: that correction, and
  // its position.
  std::optional<RawEventId> superseded_by;
  std::string level;
  uint64_t superseded_at = kNeverSuperseded;
};
static_assert(sizeof(MeasurementRecord) == 128,
              "a value record is two cache lines");
static_assert(sizeof(RawEventId) + sizeof(absl::CivilDay) +
                      2 * sizeof(uint64_t) + sizeof(bool) <=
                  64,
              "what an answer reads of a number fits the first line");

struct IndicatorRecord {
  std::vector<DefinitionVersion<v1::Indicator>> versions;  // log order
  // In the order applied (log order, except when loaded from projections).
  std::vector<MeasurementRecord, StateAllocator<MeasurementRecord>> values;
  // Event id -> index into `values`.
  absl::flat_hash_map<RawEventId, size_t, RawEventIdHash, RawEventIdEq,
                      StateAllocator<std::pair<const RawEventId, size_t>>>
      value_index;
  // The values by valid time, for bitemporal reads (handles: indices into
  // `values`).
  ValueTimeline timeline;
  // Corrections applied before the value they replace (possible only when
  // loading): replaced event id -> index of the correction.
  absl::flat_hash_map<RawEventId, size_t> early_corrections;
  uint64_t revision = 0;
};

// An evaluation snapshot's metadata (its content stays in the log).
struct SnapshotRecord {
  std::string name;
  std::string as_of_date;
  uint64_t seen_position = 0;
  std::string head_hash;  // raw bytes
  std::string digest;     // raw bytes
  std::string event_id;
  uint64_t position = 0;
  google::protobuf::Timestamp taken_at;
  std::string taken_by;
};

// The plan as of a day known at a position, as pointers into a PlanState:
// what PlanState::PlanAsOf copies into a document, without the copies.
// Whole-plan reads walk it instead of a copied plan, so that a read costs
// what its answer needs and no lookups by id. Valid until the state it
// points into next changes.
struct PlanView {
  struct IndicatorEntry {
    const v1::Indicator* definition;
    const IndicatorRecord* record;
  };
  struct ActionEntry {
    const v1::Action* definition;
    const ActionRecord* record;
    std::vector<IndicatorEntry> indicators;  // by id
  };
  struct ObjectiveEntry {
    const v1::StrategicObjective* definition;
    std::vector<ActionEntry> actions;  // by id
  };

  // nullptr when no plan header was in force.
  const v1::Plan* header = nullptr;
  // In the header's order.
  std::vector<ObjectiveEntry> objectives;
};

// Known-at positions (record time) below: only what was recorded at or
// before that position counts; kKnownNow sees everything.
class PlanState {
 public:
  // Folds one committed event in. Events of one stream must come in log
  // order (events of different streams may interleave, as when loading
  // projections).
  void Apply(const v1::Event& event);
  // For loading stored projections: the record of indicator `id`, created
  // when new. A loader appends the indicator's values to its `values`
  // (raising its `revision`), then has IndexValues index them. Records are
  // independent: different threads may fill and index different records at
  // once, while one thread creates others, provided nothing else touches
  // the state meanwhile.
  IndicatorRecord* MutableIndicator(const std::string& id);
  // Indexes `indicator->values` from `from` on (by event id and by valid
  // time) and links corrections with the values they replace, whichever
  // comes first. Values in (date, position) order, the stored one, cost
  // O(1) each (amortised); others O(values) moves.
  static void IndexValues(IndicatorRecord* indicator, size_t from);
  // Sets the position the state reflects (after loading projections).
  void set_position(uint64_t position) { position_ = position; }

  // The last applied log position (0 before any).
  uint64_t position() const { return position_; }

  // The plan header as of the latest load (objectives without actions);
  // nullptr before any plan was adopted.
  const v1::Plan* CurrentPlan() const;
  // Latest definition; nullptr when unknown, withdrawn or retired.
  const v1::Action* CurrentAction(absl::string_view id) const;
  const v1::Indicator* CurrentIndicator(absl::string_view id) const;

  // Records, including withdrawn and retired ones; nullptr when never seen.
  const ActionRecord* FindAction(absl::string_view id) const;
  const IndicatorRecord* FindIndicator(absl::string_view id) const;

  // The action's status on `day` (by effective date; ties by position) as
  // known at `known_at`: planned before any change. Also the effective date
  // of that change, when there is one.
  static v1::ActionStatus StatusOn(const ActionRecord& action,
                                   absl::CivilDay day, uint64_t known_at,
                                   std::optional<absl::CivilDay>* since);
  // The latest fiche year among updates dated on or before `day` and known
  // at `known_at`; 0 when none.
  static int LatestFicheYear(const ActionRecord& action, absl::CivilDay day,
                             uint64_t known_at);
  // True when a fiche update for `year` is known at `known_at`.
  static bool HasFiche(const ActionRecord& action, int year, uint64_t known_at);
  // The latest status change by log order, if any.
  static const StatusChange* LastStatusChange(const ActionRecord& action);

  // The value in force for each of `indicators` (none null) on `day` as
  // known at `known_at`: among the values recorded by then and not replaced
  // by a correction recorded by then, the one with the latest reference
  // date <= day (ties: the later position). Element i answers
  // indicators[i]: nullptr when it has none. Looked up together (see
  // ValueTimeline::ValuesOn), with the records prefetched.
  static std::vector<const MeasurementRecord*> ValuesOn(
      const std::vector<const IndicatorRecord*>& indicators, absl::CivilDay day,
      uint64_t known_at = kKnownNow);
  // The values in force dated in [first, last] as known at `known_at`,
  // oldest first, at most the latest `limit`.
  static std::vector<const MeasurementRecord*> ValuesBetween(
      const IndicatorRecord& indicator, absl::CivilDay first,
      absl::CivilDay last, uint64_t known_at, size_t limit);

  // The plan as a nested document as of `day` known at `known_at`: the
  // header version in force then, the actions defined by then and not
  // withdrawn, the indicators defined by then and not retired, each as its
  // version in force then. Empty (no id) when no header was in force.
  v1::Plan PlanAsOf(absl::CivilDay day, uint64_t known_at = kKnownNow) const;
  // The same plan, as pointers into this state.
  PlanView ViewAsOf(absl::CivilDay day, uint64_t known_at = kKnownNow) const;

  // Snapshots by name.
  const SnapshotRecord* FindSnapshot(absl::string_view name) const;
  // In log order.
  std::vector<const SnapshotRecord*> Snapshots() const;

  // Ids in ascending order, including withdrawn and retired ones.
  const std::map<std::string, ActionRecord, std::less<>>& actions() const {
    return actions_;
  }
  const std::map<std::string, IndicatorRecord, std::less<>>& indicators()
      const {
    return indicators_;
  }
  const std::vector<DefinitionVersion<v1::Plan>>& plan_versions() const {
    return plan_versions_;
  }

 private:
  void ApplyPlanHeader(const v1::Event& event, const v1::Plan& plan);
  void ApplyAction(const v1::Event& event,
                   std::optional<v1::Action> definition);
  void ApplyIndicator(const v1::Event& event,
                      std::optional<v1::Indicator> definition);
  void ApplySnapshot(const v1::Event& event);
  static void AddValue(IndicatorRecord* indicator, uint64_t revision,
                       MeasurementRecord value);
  static void Supersede(IndicatorRecord* indicator, size_t original,
                        size_t correction);

  uint64_t position_ = 0;
  std::map<std::string, SnapshotRecord, std::less<>> snapshots_;
  std::vector<DefinitionVersion<v1::Plan>> plan_versions_;
  // Transparent comparison: lookups by string_view allocate nothing.
  std::map<std::string, ActionRecord, std::less<>> actions_;
  std::map<std::string, IndicatorRecord, std::less<>> indicators_;
};

// The version in force on `day` as known at `known_at`: the latest
// valid_from <= day among versions recorded by then, ties broken by the
// later position. nullptr when none (or it withdrew the definition).
template <typename T>
const T* VersionOn(const std::vector<DefinitionVersion<T>>& versions,
                   absl::CivilDay day, uint64_t known_at = kKnownNow) {
  const DefinitionVersion<T>* best = nullptr;
  for (const DefinitionVersion<T>& version : versions) {
    if (version.valid_from > day || version.position > known_at) continue;
    if (best == nullptr || version.valid_from > best->valid_from ||
        (version.valid_from == best->valid_from &&
         version.position > best->position)) {
      best = &version;
    }
  }
  return best != nullptr && best->definition.has_value() ? &*best->definition
                                                         : nullptr;
}

}  // namespace koers::services

#endif  // KOERS_SERVICES_PLAN_STATE_H_
