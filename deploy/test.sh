#!/usr/bin/env bash
# The test command: installs what is missing, builds the debug preset
# (ASan+UBSan) and runs every test. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh
# ccache keys on paths relative to the checkout, so a fresh clone elsewhere
# (as CI makes) reuses what an earlier build compiled.
export CCACHE_BASEDIR="$PWD"
cmake --preset debug
cmake --build --preset debug -j"$(nproc)"
ctest --preset debug -j"$(nproc)"
