#!/usr/bin/env bash
# The run command: installs what is missing, builds the release preset and
# starts koersd on a local data folder (KOERS_DATA_DIR, default ./koers-data)
# with the bundled sample plan, loaded when the log is still empty.
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh
export CCACHE_BASEDIR="$PWD"
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)" --target koersd koers
data_dir="${KOERS_DATA_DIR:-./koers-data}"
cat <<'TRY'

koersd is starting (Ctrl-C stops it). In another terminal, try:
  build/release/clients/koers progress
  build/release/clients/koers measure SD1.A1.I1 70 --date 2026-03-31 --comment "Q1 count"
  build/release/clients/koers history SD1.A1.I1

TRY
exec build/release/services/koersd --data_dir="$data_dir" --plan=sample "$@"
