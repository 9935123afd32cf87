// A hand-built evaluation state for the report tests: two objectives, four
// actions and four indicators (three quantitative, one of them without
// values; one qualitative), roll-ups and completeness, with names that hold
// what documents must escape (< & " ' | , ;) and Dutch accents.
#ifndef KOERS_TESTS_CLI_REPORT_FIXTURE_H_
#define KOERS_TESTS_CLI_REPORT_FIXTURE_H_

#include "koers/v1/evaluation_service.pb.h"

namespace koers::clients::fixture {

// The title of SD1, with markup in it.
inline constexpr char kTrickyTitle[] =
    "Detectie <script>alert('x')</script> & \"aanpak\" | opvolging; ok, ja";
inline constexpr int kQuantitativeIndicators = 3;

v1::EvaluationState SampleState();

// The snapshot "interim-2027" of SampleState(), as of 2027-06-30, seen
// position 812, digest "cd" x 32, head hash "ab" x 32.
v1::SnapshotInfo SampleSnapshot();

}  // namespace koers::clients::fixture

#endif  // KOERS_TESTS_CLI_REPORT_FIXTURE_H_
