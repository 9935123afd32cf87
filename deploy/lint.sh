#!/usr/bin/env bash
# clang-tidy over the project's own sources, with the debug build's compile
# commands (run deploy/test.sh or `cmake --preset debug` first). Slow: every
# file that includes gRPC headers takes a while. Not part of the test run.
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files -z 'storage/*.cc' 'services/*.cc' 'clients/*.cc' |
  xargs -0 -r -n 4 -P "$(nproc)" clang-tidy -p build/debug --quiet
echo "lint: clang-tidy clean"
