#!/usr/bin/env bash
# Checks that every C++ and CUDA source git tracks is formatted as .clang-format says. CTest
# runs it (the "format" test); run it by hand with no arguments, or with --fix to format the
# files in place. The style was set with clang-format 14 (Debian bookworm's `clang-format`);
# other major versions lay out some constructs differently, so with none or another one the
# check reports itself skipped (exit 77) rather than judging the code by another version.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
readonly wanted_major=14

if ! command -v clang-format >/dev/null; then
  echo "check_format: clang-format not found (Debian: clang-format); skipped"
  exit 77
fi
major=$(clang-format --version | sed -n 's/.*clang-format version \([0-9]*\).*/\1/p')
if [[ "$major" != "$wanted_major" ]]; then
  echo "check_format: clang-format $major found, the style is set for $wanted_major; skipped"
  exit 77
fi

if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "check_format: not a git checkout (the files to check are the ones git tracks); skipped"
  exit 77
fi
mapfile -t files < <(git ls-files '*.cpp' '*.h' '*.cu' '*.cuh')
if [[ "${1:-}" == "--fix" ]]; then
  clang-format -i --style=file "${files[@]}"
  echo "check_format: ${#files[@]} files formatted"
  exit 0
fi
unformatted=()
for file in "${files[@]}"; do
  clang-format --style=file "$file" | cmp -s "$file" - || unformatted+=("$file")
done
if ((${#unformatted[@]} > 0)); then
  printf 'check_format: not formatted as .clang-format says: %s\n' "${unformatted[@]}"
  echo "check_format: scripts/check_format.sh --fix formats them"
  exit 1
fi
echo "check_format: all ${#files[@]} files follow .clang-format"
