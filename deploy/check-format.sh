#!/usr/bin/env bash
# Fails when a tracked C++ or proto file is not formatted per .clang-format.
# Fix with: git ls-files '*.cc' '*.h' '*.proto' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files -z '*.cc' '*.h' '*.proto' | xargs -0 -r clang-format --dry-run -Werror
echo "check-format: all files formatted"
