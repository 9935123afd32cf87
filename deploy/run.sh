#!/usr/bin/env bash
# The run command: installs what is missing, builds the release preset and
# starts koersd on a local data folder (KOERS_DATA_DIR, default ./koers-data).
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)" --target koersd
data_dir="${KOERS_DATA_DIR:-./koers-data}"
exec build/release/services/koersd --data_dir="$data_dir" "$@"
