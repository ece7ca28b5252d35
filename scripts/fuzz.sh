#!/usr/bin/env bash
# Fuzzes the readers of untrusted input with libFuzzer under AddressSanitizer + UBSan: the
# safetensors reader, the checkpoint loader, the MNIST (IDX/gzip) reader and the command line.
# Builds build-fuzz/ with clang (-DDAE_FUZZ=ON, CPU only), writes the seed corpora, then runs
# each target in turn for SECONDS (default 30). Fails if any target finds a crash, a leak,
# undefined behaviour or a broken property; the input that did it is saved in
# build-fuzz/crashes/ and the command that replays it is printed.
#   scripts/fuzz.sh            30 s per target
#   scripts/fuzz.sh 600        10 minutes per target
#   scripts/fuzz.sh 60 mnist   one target (safetensors, checkpoint, mnist or options)
# The corpus each target grows is kept in build-fuzz/corpus/<target>/, so later runs start
# where earlier ones stopped.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-30}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(safetensors checkpoint mnist options)
build=${DAE_FUZZ_BUILD_DIR:-$root/build-fuzz}

"$root/scripts/install_deps.sh" --fuzz
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DDAE_FUZZ=ON -DDAE_WITH_CUDA=OFF \
  -DDAE_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target make_fuzz_corpus "${targets[@]/#/fuzz_}"

rm -rf "$build/seeds"
"$build/tests/fuzz/make_fuzz_corpus" "$build/seeds"
mkdir -p "$build/crashes"
# One thread (the targets set the pool to one): libFuzzer runs one input at a time.
export OPENBLAS_NUM_THREADS=1
export UBSAN_OPTIONS=print_stacktrace=1

failed=()
for target in "${targets[@]}"; do
  mkdir -p "$build/corpus/$target"
  log="$build/fuzz_$target.log"
  echo "fuzz: $target for ${seconds}s (log: $log)"
  dictionary=()
  [[ -f "$root/tests/fuzz/$target.dict" ]] && dictionary=(-dict="$root/tests/fuzz/$target.dict")
  if "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$build/crashes/$target-" "${dictionary[@]}" \
       "$build/corpus/$target" "$build/seeds/$target" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
    echo "fuzz: $target passed: ${runs:-?} inputs, ${coverage:-cov: ?} edges, corpus $(ls "$build/corpus/$target" | wc -l) files"
  else
    failed+=("$target")
    tail -n 40 "$log"
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    echo "fuzz: $target FAILED; replay with: $build/tests/fuzz/fuzz_$target ${artifact:-<input>}" >&2
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds}s without a finding"
