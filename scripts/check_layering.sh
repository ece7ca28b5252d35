#!/usr/bin/env bash
# Holds the include graph to the layering of docs/walkthrough.md: every folder includes only
# itself and the folders it is allowed to build on, so no arrow runs back up and no folder
# reaches past its neighbours into a sibling. CTest runs it (the "layering" test); run it by
# hand with no arguments. Prints every include that breaks the rule and exits 1 if any does.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# folder: the folders its files may include (besides its own).
declare -A allowed=(
  [kernels]=""
  [core]="kernels"
  [layers]="core kernels"
  [models]="layers core kernels"
  [apps/drawing]="core"
  [apps/data]="core kernels"
  [apps/evaluation]="apps/data models layers core kernels"
  [apps/training]="apps/evaluation apps/data models layers core kernels"
  [apps/report]="apps/training apps/evaluation apps/data apps/drawing models layers core kernels"
  [apps]="apps/report apps/training apps/evaluation apps/data apps/drawing models layers core kernels"
)
# The one exception: the error macros are below everything, kernels included.
exception="core/error.h"

folder_of() {  # the folder of a project path: apps/<sub> inside apps/, else the top folder
  case "$1" in
    apps/*/*) echo "${1%/*}" ;;
    */*) echo "${1%%/*}" ;;
  esac
}

violations=0
for folder in "${!allowed[@]}"; do
  for file in "$folder"/*.h "$folder"/*.cpp "$folder"/*.cu "$folder"/*.cuh; do
    [[ -f "$file" ]] || continue
    while IFS= read -r included; do
      target=$(folder_of "$included")
      [[ -z "$target" || "$target" == "$folder" || "$included" == "$exception" ]] && continue
      if [[ " ${allowed[$folder]} " != *" $target "* ]]; then
        echo "$file includes $included: $folder may include only ${allowed[$folder]:-itself}"
        violations=$((violations + 1))
      fi
    done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file")
  done
done
if ((violations > 0)); then
  echo "check_layering: $violations include(s) against the layering"
  exit 1
fi
echo "check_layering: every include follows the layering"
