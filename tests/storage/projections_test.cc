// Rebuilding and checking projections: the sorted runs a walk collects its
// entries in, and EventLog's rebuild, check and catch-up on logs long
// enough to be walked by two threads.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/event_log.h"
#include "storage/log_keys.h"
#include "storage/projection_runs.h"
#include "tests/testing/events.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace koers::storage {
namespace {

using ::koers::testing::IsOk;
using ::koers::testing::Measurement;
using ::koers::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

using Entries = std::map<std::string, std::string>;

// Every entry of `merged`, checking that keys come in strictly increasing
// order.
Entries Drain(MergedRuns* merged) {
  Entries seen;
  std::string last;
  for (bool first = true; merged->Valid(); merged->Next(), first = false) {
    const std::string key(merged->key());
    EXPECT_TRUE(first || last < key) << last << " then " << key;
    seen[key] = std::string(merged->value());
    last = key;
  }
  EXPECT_THAT(merged->status(), IsOk());
  return seen;
}

class SortedRunsTest : public ::testing::Test {
 protected:
  // Puts `count` random entries, over few enough keys that many repeat,
  // into `builder`; `expected` keeps the last value of each key.
  void PutRandom(int count, SortedRunBuilder* builder, Entries* expected) {
    for (int i = 0; i < count; ++i) {
      const std::string key =
          absl::StrFormat("k%05d", static_cast<int>(random_() % 3000));
      const std::string value = absl::StrCat("v", next_value_++);
      builder->Put(key, value);
      (*expected)[key] = value;
    }
  }

  // The entries of `runs` merged, in key order.
  Entries ReadBack(const std::vector<const SortedRunBuilder*>& runs) {
    absl::StatusOr<std::unique_ptr<MergedRuns>> merged =
        MergedRuns::Open(runs, options_);
    EXPECT_THAT(merged.status(), IsOk());
    return merged.ok() ? Drain(merged->get()) : Entries();
  }

  TempDir dir_;
  rocksdb::Options options_;
  std::mt19937 random_{42};
  int next_value_ = 0;
};

TEST_F(SortedRunsTest, OneRunInMemoryKeepsTheLastEntryOfEachKey) {
  SortedRunBuilder builder(options_, dir_.Sub("run-"), 1 << 20);
  builder.Put("b", "1");
  builder.Put("a", "2");
  builder.Put("b", "3");
  builder.Put("c", "4");
  builder.Put("b", "5");
  ASSERT_THAT(builder.Finish(/*to_file=*/false), IsOk());
  EXPECT_THAT(builder.files(), IsEmpty());
  EXPECT_EQ(ReadBack({&builder}),
            (Entries{{"a", "2"}, {"b", "5"}, {"c", "4"}}));
}

TEST_F(SortedRunsTest, ManySmallRunsMergeWithTheLatestRunWinning) {
  Entries expected;
  // About 40 entries per run: dozens of run files per builder.
  SortedRunBuilder first(options_, dir_.Sub("first-"), 1000);
  SortedRunBuilder second(options_, dir_.Sub("second-"), 1000);
  PutRandom(2000, &first, &expected);
  PutRandom(2000, &second, &expected);
  ASSERT_THAT(first.Finish(/*to_file=*/false), IsOk());
  ASSERT_THAT(second.Finish(/*to_file=*/false), IsOk());
  EXPECT_THAT(first.files().size(), ::testing::Gt(10u));
  EXPECT_EQ(ReadBack({&first, &second}), expected);

  // From the middle of the last run in memory on.
  const std::string middle = first.MiddleKey();
  ASSERT_FALSE(middle.empty());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<MergedRuns> merged,
                       MergedRuns::Open({&first, &second}, options_));
  merged->Seek(middle);
  EXPECT_EQ(Drain(merged.get()),
            Entries(expected.lower_bound(middle), expected.end()));
}

TEST_F(SortedRunsTest, StreamKeysSortWithKeysThatHaveNoStreamPart) {
  // A run sorts per stream part (up to the first 0x00 byte): streams that
  // are prefixes of one another, keys without a 0x00 that are prefixes of a
  // stream part, binary suffixes and repeated keys, in random order.
  const std::vector<std::string> keys = {
      std::string("Va\0\x01", 4),  std::string("Va\0\xff", 4),
      std::string("Vab\0\x00", 5), std::string("Vab\0\x02", 5),
      std::string("Va\0", 3),      std::string("V"),
      std::string("Va"),           std::string("Vb"),
      std::string("E\0\x7f", 3),   std::string("Vab"),
      std::string("\0first", 6),   std::string("Va\0\x01\0", 5)};
  Entries expected;
  SortedRunBuilder builder(options_, dir_.Sub("run-"), 1 << 20);
  for (int i = 0; i < 500; ++i) {
    const std::string& key = keys[random_() % keys.size()];
    const std::string value = absl::StrCat("v", i);
    builder.Put(key, value);
    expected[key] = value;
  }
  ASSERT_THAT(builder.Finish(/*to_file=*/false), IsOk());
  EXPECT_EQ(ReadBack({&builder}), expected);
}

TEST_F(SortedRunsTest, MostlyOrderedStreamsKeepTheLastEntryOfEachKey) {
  // What a walk gives: streams interleaved, each one's keys mostly
  // ascending, with repeats, and some falling behind, onto keys already
  // given and before the stream's first.
  Entries expected;
  SortedRunBuilder builder(options_, dir_.Sub("run-"), 1 << 20);
  std::vector<int> next(7, 100);
  for (int i = 0; i < 5000; ++i) {
    const int stream = static_cast<int>(random_() % next.size());
    const int chance = static_cast<int>(random_() % 100);
    int number = next[stream];
    if (chance < 10) {
      number = static_cast<int>(random_() % (next[stream] + 20));
    } else if (chance < 40) {
      ++next[stream];
    }
    const std::string key = absl::StrFormat("s%d%c%08d", stream, '\0', number);
    const std::string value = absl::StrCat("v", i);
    builder.Put(key, value);
    expected[key] = value;
  }
  ASSERT_THAT(builder.Finish(/*to_file=*/false), IsOk());
  EXPECT_EQ(ReadBack({&builder}), expected);
}

TEST_F(SortedRunsTest, RunsAllInFilesReadBackInOrder) {
  Entries expected;
  SortedRunBuilder builder(options_, dir_.Sub("run-"), 1000);
  PutRandom(3000, &builder, &expected);
  ASSERT_THAT(builder.Finish(/*to_file=*/true), IsOk());
  const size_t files = builder.files().size();
  EXPECT_GT(files, 10u);
  EXPECT_EQ(builder.files().back(),
            dir_.Sub(absl::StrCat("run-", files - 1, ".sst")));
  EXPECT_EQ(ReadBack({&builder}), expected);
}

TEST_F(SortedRunsTest, NoEntriesMakeNoRunsAndAnEmptyMerge) {
  SortedRunBuilder in_memory(options_, dir_.Sub("a-"), 1000);
  SortedRunBuilder to_file(options_, dir_.Sub("b-"), 1000);
  ASSERT_THAT(in_memory.Finish(/*to_file=*/false), IsOk());
  ASSERT_THAT(to_file.Finish(/*to_file=*/true), IsOk());
  EXPECT_THAT(to_file.files(), IsEmpty());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<MergedRuns> merged,
                       MergedRuns::Open({&in_memory, &to_file}, options_));
  EXPECT_FALSE(merged->Valid());
  EXPECT_THAT(merged->status(), IsOk());
}

TEST_F(SortedRunsTest, AFailedRunWriteIsReported) {
  SortedRunBuilder builder(options_, dir_.Sub("missing/run-"), 10);
  builder.Put("a", "1");
  EXPECT_FALSE(builder.status().ok());
  EXPECT_FALSE(builder.Finish(/*to_file=*/true).ok());
}

// Two entries per event: one of its own, and the stream's latest position,
// which every later event of the stream replaces (so that the order of the
// runs matters).
void Project(const v1::Event& event, ProjectionSink* sink) {
  sink->Put(
      absl::StrFormat("e/%s/%08d", event.stream(), event.stream_revision()),
      absl::StrCat(event.position()));
  sink->Put(absl::StrCat("last/", event.stream()),
            absl::StrCat(event.position()));
}

constexpr int kStreams = 30;
// Long enough for two walking threads.
constexpr int kEvents = 20000;

class ProjectionWalkTest : public ::testing::Test {
 protected:
  void Open(bool with_projector) {
    log_.reset();
    EventLogOptions options;
    if (with_projector) options.projector = Project;
    ASSERT_OK_AND_ASSIGN(log_, EventLog::Open(dir_.path(), options));
  }

  // Appends `count` events round-robin over the streams, in requests of
  // 100.
  void AppendEvents(int count) {
    std::vector<AppendRequest> requests;
    for (int i = 0; i < count; ++i) {
      if (i % 100 == 0) requests.emplace_back();
      requests.back().events.push_back(Measurement(
          absl::StrCat("SD1.A1.I", appended_ % kStreams), appended_));
      ++appended_;
    }
    for (const auto& result : log_->AppendEach(std::move(requests))) {
      ASSERT_THAT(result, IsOk());
    }
  }

  Entries Stored() {
    Entries stored;
    EXPECT_THAT(log_->ScanProjections(
                    "",
                    [&](absl::string_view key, absl::string_view value) {
                      stored.emplace(key, value);
                      return true;
                    }),
                IsOk());
    return stored;
  }

  // What the projector derives from the whole log.
  Entries Expected() {
    Entries expected;
    auto events = log_->ReadAll(0, appended_);
    EXPECT_THAT(events, IsOk());
    if (!events.ok()) return expected;
    struct Sink : ProjectionSink {
      void Put(absl::string_view key, absl::string_view value) override {
        (*entries)[std::string(key)] = std::string(value);
      }
      Entries* entries;
    } sink;
    sink.entries = &expected;
    for (const v1::Event& event : *events) Project(event, &sink);
    return expected;
  }

  void ExpectCheckOk() {
    ASSERT_OK_AND_ASSIGN(const ProjectionCheckReport report,
                         log_->CheckProjections());
    EXPECT_TRUE(report.ok())
        << report.missing << " missing, " << report.unexpected
        << " unexpected, " << report.different << " different";
    EXPECT_EQ(report.events_projected, static_cast<uint64_t>(appended_));
    EXPECT_EQ(report.entries_compared, static_cast<uint64_t>(appended_) +
                                           static_cast<uint64_t>(kStreams));
  }

  // Runs `change` on the closed log's RocksDB, opened directly.
  void WithRawDb(
      const std::function<void(rocksdb::DB*, rocksdb::ColumnFamilyHandle*)>&
          change) {
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(),
                                                dir_.path(), &names)
                    .ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    size_t projections = names.size();
    for (size_t i = 0; i < names.size(); ++i) {
      families.emplace_back(names[i], rocksdb::ColumnFamilyOptions());
      if (names[i] == log_keys::kProjectionsFamily) projections = i;
    }
    ASSERT_LT(projections, names.size());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir_.path(), families,
                                  &handles, &raw)
                    .ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    change(db.get(), handles[projections]);
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      EXPECT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    }
  }

  TempDir dir_;
  std::unique_ptr<EventLog> log_;
  int appended_ = 0;
};

TEST_F(ProjectionWalkTest, RebuildReproducesWhatAppendsStored) {
  ASSERT_NO_FATAL_FAILURE(Open(/*with_projector=*/true));
  ASSERT_NO_FATAL_FAILURE(AppendEvents(kEvents));
  const Entries appended = Stored();
  EXPECT_EQ(appended, Expected());
  ASSERT_NO_FATAL_FAILURE(ExpectCheckOk());

  std::vector<std::pair<uint64_t, uint64_t>> calls;
  ASSERT_THAT(log_->RebuildProjections([&](uint64_t done, uint64_t total) {
    calls.emplace_back(done, total);
  }),
              IsOk());
  EXPECT_THAT(
      calls, ElementsAre(std::make_pair(uint64_t{kEvents}, uint64_t{kEvents})));
  EXPECT_EQ(Stored(), appended);
  ASSERT_OK_AND_ASSIGN(const uint64_t position, log_->ProjectionPosition());
  EXPECT_EQ(position, uint64_t{kEvents});
  ASSERT_NO_FATAL_FAILURE(ExpectCheckOk());

  // Appends after a rebuild land on top of the ingested entries, and a
  // second rebuild replaces both.
  ASSERT_NO_FATAL_FAILURE(AppendEvents(1000));
  EXPECT_EQ(Stored(), Expected());
  ASSERT_THAT(log_->RebuildProjections(), IsOk());
  EXPECT_EQ(Stored(), Expected());
  ASSERT_NO_FATAL_FAILURE(Open(/*with_projector=*/true));
  EXPECT_EQ(Stored(), Expected());
  ASSERT_NO_FATAL_FAILURE(ExpectCheckOk());
}

TEST_F(ProjectionWalkTest, RebuiltFilesStayOffLevelZero) {
  // A rebuild drops the family's files below level 0 whole; files on level
  // 0 it would have to compact away, reading every entry. So what it
  // ingests must land below level 0, rebuild after rebuild.
  ASSERT_NO_FATAL_FAILURE(Open(/*with_projector=*/true));
  ASSERT_NO_FATAL_FAILURE(AppendEvents(kEvents));
  for (int rebuild = 1; rebuild <= 3; ++rebuild) {
    SCOPED_TRACE(absl::StrCat("rebuild ", rebuild));
    ASSERT_THAT(log_->RebuildProjections(), IsOk());
    log_.reset();
    ASSERT_NO_FATAL_FAILURE(
        WithRawDb([](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family) {
          std::string files;
          ASSERT_TRUE(
              db->GetProperty(family, "rocksdb.num-files-at-level0", &files));
          EXPECT_EQ(files, "0");
        }));
    ASSERT_NO_FATAL_FAILURE(Open(/*with_projector=*/true));
    EXPECT_EQ(Stored(), Expected());
  }
}

TEST_F(ProjectionWalkTest, CheckReportsTamperedEntriesAndRebuildRepairsThem) {
  ASSERT_NO_FATAL_FAILURE(Open(/*with_projector=*/true));
  ASSERT_NO_FATAL_FAILURE(AppendEvents(kEvents));
  log_.reset();
  ASSERT_NO_FATAL_FAILURE(WithRawDb([](rocksdb::DB* db,
                                       rocksdb::ColumnFamilyHandle* family) {
    const rocksdb::WriteOptions write;
    EXPECT_TRUE(db->Delete(write, family, "e/SD1.A1.I3/00000007").ok());
    EXPECT_TRUE(
        db->Put(write, family, "e/SD1.A1.I4/00000009", "tampered").ok());
    EXPECT_TRUE(db->Put(write, family, "e/SD1.A1.I5/99999999", "extra").ok());
  }));
  ASSERT_NO_FATAL_FAILURE(Open(/*with_projector=*/true));

  ASSERT_OK_AND_ASSIGN(const ProjectionCheckReport report,
                       log_->CheckProjections());
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.events_projected, static_cast<uint64_t>(kEvents));
  EXPECT_EQ(report.missing, 1u);
  EXPECT_EQ(report.unexpected, 1u);
  EXPECT_EQ(report.different, 1u);
  EXPECT_EQ(report.entries_compared, uint64_t{kEvents} + kStreams + 1);
  EXPECT_THAT(report.examples,
              ElementsAre("e/SD1.A1.I3/00000007", "e/SD1.A1.I4/00000009",
                          "e/SD1.A1.I5/99999999"));

  ASSERT_THAT(log_->RebuildProjections(), IsOk());
  EXPECT_EQ(Stored(), Expected());
  ASSERT_NO_FATAL_FAILURE(ExpectCheckOk());
}

TEST_F(ProjectionWalkTest, OpenProjectsALogWrittenWithoutAProjector) {
  ASSERT_NO_FATAL_FAILURE(Open(/*with_projector=*/false));
  ASSERT_NO_FATAL_FAILURE(AppendEvents(kEvents));
  ASSERT_NO_FATAL_FAILURE(Open(/*with_projector=*/true));
  ASSERT_OK_AND_ASSIGN(const uint64_t position, log_->ProjectionPosition());
  EXPECT_EQ(position, uint64_t{kEvents});
  EXPECT_EQ(Stored(), Expected());
  EXPECT_THAT(Stored(), SizeIs(kEvents + kStreams));
  ASSERT_NO_FATAL_FAILURE(ExpectCheckOk());
}

TEST_F(ProjectionWalkTest, OpenAfterAnInterruptedRebuildStartsFromEmpty) {
  ASSERT_NO_FATAL_FAILURE(Open(/*with_projector=*/true));
  ASSERT_NO_FATAL_FAILURE(AppendEvents(kEvents));
  log_.reset();
  // What a rebuild that stopped after vouching for nothing may leave: an
  // entry the log does not derive.
  ASSERT_NO_FATAL_FAILURE(WithRawDb([](rocksdb::DB* db,
                                       rocksdb::ColumnFamilyHandle* family) {
    const rocksdb::WriteOptions write;
    EXPECT_TRUE(db->Put(write, std::string(log_keys::kProjectionPositionKey),
                        std::string(8, '\0'))
                    .ok());
    EXPECT_TRUE(db->Put(write, family, "e/SD1.A1.I5/99999999", "stale").ok());
  }));
  ASSERT_NO_FATAL_FAILURE(Open(/*with_projector=*/true));
  EXPECT_EQ(Stored(), Expected());
  ASSERT_NO_FATAL_FAILURE(ExpectCheckOk());
}

TEST_F(ProjectionWalkTest, WalksLeaveNoRunFilesBehind) {
  ASSERT_NO_FATAL_FAILURE(Open(/*with_projector=*/true));
  ASSERT_NO_FATAL_FAILURE(AppendEvents(kEvents));
  ASSERT_THAT(log_->RebuildProjections(), IsOk());
  ASSERT_THAT(log_->CheckProjections(), IsOk());
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    EXPECT_FALSE(entry.is_directory()) << entry.path();
  }
}

}  // namespace
}  // namespace koers::storage
