#!/usr/bin/env bash
# The one run that proves the CUDA backend on a lent GPU machine. In order:
#   env        the machine: GPU, driver, compilers, PyTorch (env.log)
#   deps       unpacks .gpu-deps/*.deb into a private prefix; finds cuDNN and cuBLAS
#   build      configures and builds build-gpu/ with -DDAE_REQUIRE_CUDA=ON for sm_90 (build.log)
#   tests      the [cuda] test cases with DAE_REQUIRE_CUDA_TESTS=1: a GPU that does not
#              answer fails them instead of skipping them (tests.log)
#   bench      each model's training step against PyTorch's on the same GPU (bench.log/.json)
#   sanitizer  a short training of each model under compute-sanitizer memcheck (sanitizer.log)
#   ctest      the whole CTest suite, if time is left (tests.log)
# then prints a summary table last (also summary.txt). A stage that fails does not stop the
# later ones; the exit status is 1 if any failed. Logs go to $OUT (the device tool's folder that
# comes back), else build-gpu/logs.
#
# The GPU machine has nvcc, cuDNN and cuBLAS (maybe only inside PyTorch's pip packages) and
# PyTorch, but no network and none of the Debian packages the build needs: run
# scripts/gpu_prepare.sh here first; it puts them and MNIST into .gpu-deps/, which the device
# call carries. It prints the call to make.
#
# Knobs (environment):
#   DAE_GPU_CHECK_BUDGET_S    seconds the whole script may take (default 450)
#   DAE_GPU_CHECK_SKIP        stages to leave out, e.g. "sanitizer ctest"; "build" reuses the
#                             build folder as it is
#   DAE_GPU_CHECK_BENCH_ARGS  bench.py's counts (default "--steps 234 --repeats 5": 234 x 256
#                             images = one epoch per timed repeat)
#   DAE_GPU_CHECK_DEVICE      cpu: the device stages on the CPU, to test this script off-GPU
#   DAE_PYTHON                the Python that has PyTorch (default python3)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deps=${DAE_GPU_DEPS:-$root/.gpu-deps}
build=${DAE_GPU_BUILD_DIR:-$root/build-gpu}
logs=${OUT:-$build/logs}
prefix=${DAE_GPU_PREFIX:-/tmp/dae-deps}
work=/tmp/dae-gpu-check
state=$work/state
device=${DAE_GPU_CHECK_DEVICE:-cuda}
python=${DAE_PYTHON:-python3}
bench_args=${DAE_GPU_CHECK_BENCH_ARGS:---steps 234 --repeats 5}
budget=${DAE_GPU_CHECK_BUDGET_S:-450}
skip=" ${DAE_GPU_CHECK_SKIP:-} "
jobs=$(nproc)
models=(linear mlp conv)
original_ld_path=${LD_LIBRARY_PATH:-}

rm -rf "$work"
mkdir -p "$logs" "$state"
rm -f "$logs"/{env,build,tests,bench,sanitizer}.log "$logs/bench.json" "$logs/summary.txt"
started=$SECONDS

say() { echo "gpu_check: [$(printf '%3d' $((SECONDS - started))) s] $*"; }
seconds_left() { echo $((budget - (SECONDS - started))); }

# Inside a stage: the stage's one-line result for the summary, and `within CMD...`, which runs
# CMD with what is left of the stage's time (exit 124 when that runs out).
detail() { echo "$*" >"$state/$stage.detail"; }
within() {
  local t=$((stage_end - SECONDS))
  ((t > 0)) || return 124
  timeout -k 10 "$t" "$@"
}

# run_stage NAME LOG CAP_S MIN_S: runs the function stage_NAME in a subshell with -e, its output
# appended to LOG, for at most CAP_S seconds of what is left (kept back: 15 s for the summary);
# skipped when less than MIN_S would be left. Exit status 77 from a stage means "not
# applicable here", which is no failure.
run_stage() {
  local name=$1 log=$logs/$2 cap=$3 min=$4 left limit rc t0
  if [[ "$skip" == *" $name "* ]]; then
    skipped "$name" "left out with DAE_GPU_CHECK_SKIP"
    return
  fi
  left=$(($(seconds_left) - 15))
  limit=$((cap < left ? cap : left))
  if ((limit < min)); then
    skipped "$name" "no time left (${left} s)"
    say "$name: skipped, ${left} s left"
    return
  fi
  say "$name (up to $limit s)"
  echo "=== $name: $(date -u +%FT%TZ), up to $limit s" >>"$log"
  t0=$SECONDS
  set +e
  (
    set -e
    stage=$name
    stage_end=$((SECONDS + limit))
    "stage_$name"
  ) >>"$log" 2>&1
  rc=$?
  set -e
  case $rc in
    0) echo ok >"$state/$name.status" ;;
    77) echo n/a >"$state/$name.status" ;;
    124 | 137) echo TIMEOUT >"$state/$name.status" ;;
    *) echo "FAIL($rc)" >"$state/$name.status" ;;
  esac
  echo "$((SECONDS - t0))s" >"$state/$name.seconds"
  say "$name: $(cat "$state/$name.status") in $((SECONDS - t0)) s. $(cat "$state/$name.detail" 2>/dev/null || true)"
  if ((rc != 0 && rc != 77)); then
    echo "--- last lines of $log:"
    tail -n 25 "$log" | cut -c1-300
    echo "---"
  fi
}
passed() { [[ -f "$state/$1.status" && "$(cat "$state/$1.status")" == ok ]]; }
skipped() { echo skipped >"$state/$1.status"; echo "$2" >"$state/$1.detail"; }

stage_env() {
  uname -a
  grep -h PRETTY_NAME /etc/os-release || true
  nvidia-smi || echo "nvidia-smi failed"
  nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used,clocks.sm,clocks.max.sm,temperature.gpu,power.draw \
    --format=csv || true
  for tool in nvcc cmake ninja g++ compute-sanitizer dpkg pkg-config; do
    echo "$tool: $(command -v "$tool" || echo "not on PATH")"
  done
  nvcc --version || /usr/local/cuda/bin/nvcc --version || true
  cmake --version | sed -n 1p
  g++ --version | sed -n 1p
  "$python" -c 'import sys, torch
print(sys.executable, "torch", torch.__version__, "CUDA", torch.version.cuda, "cuDNN", torch.backends.cudnn.version())
print("GPU:", torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none")' || true
  local gpu kernel runtime
  gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | sed -n 1p || true)
  kernel=$(uname -r)
  runtime=Firecracker
  [[ "$kernel" == 4.4.0* ]] && runtime="gVisor: no compute-sanitizer"
  detail "${gpu:-no GPU found by nvidia-smi}; kernel $kernel ($runtime); $("$python" -c \
    'import torch; print("torch", torch.__version__)' 2>/dev/null || echo "no torch")"
}

# The first library matching PATTERN in the toolkit's library folders, or nothing.
toolkit_lib() {
  local dir file
  for dir in "$cuda_home/lib64" "$cuda_home/lib" "$cuda_home/targets/x86_64-linux/lib"; do
    for file in "$dir"/$1; do
      if [[ -e "$file" ]]; then echo "$file"; return; fi
    done
  done
}
toolkit_header() {
  local dir
  for dir in "$cuda_home/include" "$cuda_home/targets/x86_64-linux/include"; do
    if [[ -f "$dir/$1" ]]; then echo "$dir/$1"; return; fi
  done
}
# The folders of Python's `nvidia` package (PyTorch's pip CUDA libraries).
python_nvidia_dirs() {
  "$python" -c 'import nvidia; print("\n".join(nvidia.__path__))' 2>/dev/null || true
  compgen -G "/opt/torch/.venv/lib/python3*/site-packages/nvidia" || true
  compgen -G "/usr/local/lib/python3*/dist-packages/nvidia" || true
  compgen -G "/usr/lib/python3/dist-packages/nvidia" || true
}
# Whether the dynamic loader finds NAME on this system without help.
system_has_lib() {
  local path
  for path in $(ldconfig -p 2>/dev/null | awk -v name="$1" '$1 == name {print $NF}'); do
    [[ -e "$path" ]] && return 0
  done
  return 1
}

stage_deps() {
  local debs=("$deps"/*.deb) deb lib dir nvidia_dir
  [[ -f "${debs[0]}" ]] || { echo "no .deb files in $deps: run scripts/gpu_prepare.sh before the device call"; exit 1; }
  rm -rf "$prefix"
  mkdir -p "$prefix/compat"
  for deb in "${debs[@]}"; do
    if command -v dpkg-deb >/dev/null; then
      dpkg-deb -x "$deb" "$prefix"
    else
      rm -rf "$work/ar" && mkdir -p "$work/ar"
      (cd "$work/ar" && ar x "$deb" && tar -xf data.tar.* -C "$prefix")
    fi
    echo "unpacked $(basename "$deb")"
  done
  # Absolute links (zlib1g-dev's libz.so -> /lib/x86_64-linux-gnu/libz.so.1.2.13) must point
  # into the prefix: the system's zlib may be another version.
  local link target
  while IFS= read -r link; do
    target=$(readlink "$link")
    if [[ "$target" == /* && -e "$prefix$target" ]]; then
      ln -sfn "$prefix$target" "$link"
      echo "relinked $link -> $prefix$target"
    fi
  done < <(find "$prefix" -type l)
  # libopenblas needs libgfortran.so.5 (which needs libquadmath.so.0); the linker and the
  # loader look for those in LD_LIBRARY_PATH. Only the ones the system lacks go there.
  for lib in libgfortran.so.5 libquadmath.so.0; do
    if system_has_lib "$lib"; then
      echo "$lib: the system's"
    else
      ln -sfn "$prefix/usr/lib/x86_64-linux-gnu/$lib" "$prefix/compat/$lib"
      echo "$lib: from $prefix (the system has none)"
    fi
  done
  local ld_path="$prefix/compat:$prefix/usr/lib/x86_64-linux-gnu/openblas-pthread"

  local nvcc cudnn_root="" cublas_root="" cudnn_from cublas_from
  nvcc=$(command -v nvcc || true)
  [[ -n "$nvcc" ]] || nvcc=/usr/local/cuda/bin/nvcc
  [[ -x "$nvcc" ]] || { echo "nvcc not found (PATH, /usr/local/cuda/bin)"; exit 1; }
  cuda_home=$(dirname "$(dirname "$(readlink -f "$nvcc")")")
  echo "nvcc: $nvcc (toolkit $cuda_home)"

  # cuDNN and cuBLAS: the toolkit's when it has them, else PyTorch's pip packages
  # (nvidia/cudnn; nvidia/cu13 since CUDA 13, nvidia/cublas before), named by versioned files.
  if [[ -n "$(toolkit_header cudnn_version.h)" && -n "$(toolkit_lib 'libcudnn.so*')" ]]; then
    cudnn_from="toolkit"
    ld_path+=":$(dirname "$(toolkit_lib 'libcudnn.so*')")"
  fi
  if [[ -n "$(toolkit_header cublas_v2.h)" && -n "$(toolkit_lib libcublas.so)" ]]; then
    cublas_from="toolkit"
    ld_path+=":$(dirname "$(toolkit_lib libcublas.so)")"
  fi
  for nvidia_dir in $(python_nvidia_dirs); do
    if [[ -z "${cudnn_from:-}" && -f "$nvidia_dir/cudnn/include/cudnn_version.h" ]] &&
       compgen -G "$nvidia_dir/cudnn/lib/libcudnn.so*" >/dev/null; then
      cudnn_root=$nvidia_dir/cudnn
      cudnn_from="pip ($cudnn_root)"
      ld_path+=":$cudnn_root/lib"
      # cuDNN loads NVRTC and cuBLAS at run time; in the wheels they sit in nvidia/cu13/lib.
      if [[ -d "$nvidia_dir/cu13/lib" ]]; then ld_path+=":$nvidia_dir/cu13/lib"; fi
    fi
    for dir in "$nvidia_dir/cu13" "$nvidia_dir/cublas"; do
      if [[ -z "${cublas_from:-}" && -f "$dir/include/cublas_v2.h" ]] &&
         compgen -G "$dir/lib/libcublas.so*" >/dev/null; then
        cublas_root=$dir
        cublas_from="pip ($cublas_root)"
        ld_path+=":$cublas_root/lib"
      fi
    done
  done
  # A toolkit with cuBLAS's header and only its versioned library: CMake takes that too.
  if [[ -z "${cublas_from:-}" && -n "$(toolkit_header cublas_v2.h)" && -n "$(toolkit_lib 'libcublas.so.*')" ]]; then
    cublas_root=$cuda_home
    cublas_from="toolkit, versioned name only"
    ld_path+=":$(dirname "$(toolkit_lib 'libcublas.so.*')")"
  fi
  echo "cuDNN: ${cudnn_from:-not found in the toolkit or the pip packages; CMake searches the system}"
  echo "cuBLAS: ${cublas_from:-not found in the toolkit or the pip packages; CMake searches the system}"

  local mnist=$deps/mnist tests_mnist=$root/../shared/datasets/mnist
  [[ -f "$mnist/t10k-labels-idx1-ubyte.gz" ]] || mnist=$root/data/mnist
  # The MNIST tests read ../shared/datasets/mnist beside the checkout, as on CI.
  if [[ ! -e "$tests_mnist" && -d "$deps/mnist" ]]; then
    mkdir -p "$(dirname "$tests_mnist")" && ln -sfn "$deps/mnist" "$tests_mnist" &&
      echo "linked $tests_mnist -> $deps/mnist" || echo "could not link $tests_mnist (MNIST tests will skip)"
  fi

  {
    printf 'nvcc=%q\ncuda_home=%q\ncudnn_root=%q\ncublas_root=%q\nmnist=%q\n' \
      "$nvcc" "$cuda_home" "$cudnn_root" "$cublas_root" "$mnist"
    printf 'export LD_LIBRARY_PATH=%q\n' "$ld_path${original_ld_path:+:$original_ld_path}"
  } >"$state/paths.sh"
  cat "$state/paths.sh"
  detail "${#debs[@]} packages into $prefix; cuDNN ${cudnn_from:-?}; cuBLAS ${cublas_from:-?}; MNIST $mnist"
}

stage_build() {
  local args=(-S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DDAE_REQUIRE_CUDA=ON
              -DCMAKE_CUDA_ARCHITECTURES=90 -DCMAKE_CUDA_COMPILER="$nvcc"
              -DCMAKE_PREFIX_PATH="$prefix/usr")
  if [[ -n "$cudnn_root" ]]; then args+=(-DCUDNN_ROOT="$cudnn_root"); fi
  if [[ -n "$cublas_root" ]]; then args+=(-DCUBLAS_ROOT="$cublas_root"); fi
  if command -v ninja >/dev/null; then
    # A build folder configured with another generator cannot switch.
    grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$build/CMakeCache.txt" 2>/dev/null || rm -rf "$build/CMakeCache.txt" "$build/CMakeFiles"
    args+=(-G Ninja)
  fi
  within cmake "${args[@]}" | tee "$work/configure.out"
  detail "$(grep -o 'CUDA backend .*' "$work/configure.out" | head -1)"
  within cmake --build "$build" -j "$jobs"
  echo "--- libraries the program loads:"
  ldd "$build/mnist_dae" | grep -E 'cudnn|cublas|openblas|gfortran|quadmath|libz|not found' || true
}

# 0 when every test passed; the summary line in any case.
stage_tests() {
  local rc=0
  if [[ "$device" == cuda ]]; then export DAE_REQUIRE_CUDA_TESTS=1; fi
  within "$build/tests/dae_tests" "[cuda]" --durations yes | tee "$work/tests.out" || rc=$?
  detail "$(grep -E '^(All tests passed|test cases:|SKIPPED)' "$work/tests.out" | tail -1)"
  # 77 (every test skipped: no GPU) is a failure where a GPU is required.
  if ((rc == 77)) && [[ "$device" == cuda ]]; then return 1; fi
  return "$rc"
}

stage_bench() {
  # bench.py runs under the environment PyTorch expects; mnist_dae gets ours via a wrapper.
  local wrapper=$work/mnist_dae
  printf '#!/bin/sh\nexport LD_LIBRARY_PATH=%s\nexec %s "$@"\n' "'$LD_LIBRARY_PATH'" "'$build/mnist_dae'" >"$wrapper"
  chmod +x "$wrapper"
  local rc=0 python_env=(env -u LD_LIBRARY_PATH PYTHONUNBUFFERED=1)
  if [[ -n "$original_ld_path" ]]; then python_env=(env LD_LIBRARY_PATH="$original_ld_path" PYTHONUNBUFFERED=1); fi
  # shellcheck disable=SC2086  # bench_args is a list of words
  within "${python_env[@]}" "$python" "$root/scripts/bench.py" --device "$device" --binary "$wrapper" \
    $bench_args --verbose --json "$logs/bench.json" | tee "$work/bench.out" || rc=$?
  detail "$(grep -cE '^\| (linear|mlp|conv) \|.*[0-9]x \|' "$work/bench.out" || true) of ${#models[@]} models timed on both sides"
  return "$rc"
}

# One short training per model under memcheck; a plain run where memcheck cannot run here.
stage_sanitizer() {
  local sanitizer model rc failed=0 verdicts=() errors t out left note=""
  sanitizer=$(command -v compute-sanitizer || true)
  if [[ -z "$sanitizer" && -x "$cuda_home/bin/compute-sanitizer" ]]; then sanitizer=$cuda_home/bin/compute-sanitizer; fi
  if [[ "$device" != cuda ]]; then
    sanitizer=""
  elif [[ -z "$sanitizer" ]]; then
    note="compute-sanitizer not found: plain runs; "
  fi
  local index=0
  for model in "${models[@]}"; do
    left=$((stage_end - SECONDS))
    t=$((left / (${#models[@]} - index)))
    index=$((index + 1))
    out=$work/sanitizer-$model.out
    local run=("$build/mnist_dae" "$model" --device "$device" --epochs 1 --train-limit 512 --test-limit 256
               --batch-size 64 --data "$mnist" --out "$work/runs/$model")
    echo "--- $model (up to $t s)"
    rc=0
    if ((t < 5)); then
      verdicts+=("$model: no time left")
      failed=1
      continue
    fi
    if [[ -n "$sanitizer" ]]; then
      timeout -k 10 "$t" "$sanitizer" --tool memcheck --error-exitcode 99 --print-limit 50 "${run[@]}" 2>&1 |
        tee "$out" || rc=$?
      if grep -q "Device not supported" "$out"; then
        echo "--- memcheck cannot run on this machine (gVisor?); $model again without it"
        note="memcheck: Device not supported (gVisor?): plain runs; "
        sanitizer=""
        rc=0
      fi
    fi
    if [[ -z "$sanitizer" ]]; then
      timeout -k 10 "$t" "${run[@]}" 2>&1 | tee "$out" || rc=$?
    fi
    local loss verdict
    loss=$(grep -oE 'test [0-9.]+' "$out" | tail -1 | cut -d' ' -f2 || true)
    errors=$(grep -oE 'ERROR SUMMARY: [0-9]+' "$out" | tail -1 | grep -oE '[0-9]+$' || true)
    if ((rc == 124 || rc == 137)); then verdict="TIMEOUT"
    elif [[ -n "$errors" && "$errors" != 0 ]]; then verdict="$errors ERRORS"
    elif ((rc != 0)); then verdict="FAIL($rc)"
    elif [[ -n "$errors" ]]; then verdict="clean"
    else verdict="ran (no memcheck)"
    fi
    [[ "$verdict" == clean || "$verdict" == "ran (no memcheck)" ]] || failed=1
    verdicts+=("$model ${verdict}${loss:+, test $loss}")
    echo "--- $model: $verdict"
  done
  local joined
  joined=$(printf '%s; ' "${verdicts[@]}")
  detail "$note${joined%; }"
  ((failed == 0)) || return 1
  [[ -n "$sanitizer" || "$device" != cuda ]] || return 77
}

# The whole suite; half as many tests at a time as cores, each with 2 CPU threads. Running
# out of the stage's time is no failure (it is the optional stage), a failed test is.
stage_ctest() {
  if [[ "$device" == cuda ]]; then export DAE_REQUIRE_CUDA_TESTS=1; fi
  export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2
  local rc=0 ran failed
  within ctest --test-dir "$build" -j "$(((jobs + 1) / 2))" --no-tests=error --output-on-failure --timeout 300 |
    tee "$work/ctest.out" || rc=$?
  if ((rc == 124 || rc == 137)); then
    ran=$(grep -cE '^ *[0-9]+/[0-9]+ Test +#' "$work/ctest.out" || true)
    failed=$(grep -cE '^ *[0-9]+/[0-9]+ Test +#.*\*\*\*(Failed|Timeout|Exception)' "$work/ctest.out" || true)
    detail "out of time after $ran tests, $failed of them failed"
    ((failed == 0)) && return 77
    return 1
  fi
  detail "$(grep -E 'tests passed|tests failed' "$work/ctest.out" | tail -1)"
  return "$rc"
}

# Logs come back only up to 16 MiB a file.
trim_logs() {
  local f
  for f in "$logs"/*; do
    if [[ -f "$f" ]] && (($(stat -c %s "$f") > 15000000)); then
      tail -c 15000000 "$f" >"$f.tmp" && mv -f "$f.tmp" "$f"
    fi
  done
}

summary() {
  local name status overall=PASS failures=()
  echo
  echo "==================== gpu_check summary ===================="
  echo "machine: $(cat "$state/env.detail" 2>/dev/null || echo unknown)"
  printf '%-10s %-9s %5s  %s\n' stage result time detail
  for name in deps build tests bench sanitizer ctest; do
    status=$(cat "$state/$name.status" 2>/dev/null || echo "not run")
    printf '%-10s %-9s %5s  %s\n' "$name" "$status" "$(cat "$state/$name.seconds" 2>/dev/null || echo -)" \
      "$(cat "$state/$name.detail" 2>/dev/null)"
    if [[ "$status" != ok && "$status" != n/a && "$(cat "$state/$name.detail" 2>/dev/null)" != *DAE_GPU_CHECK_SKIP ]]; then
      failures+=("$name")
    fi
  done
  if [[ -f "$work/bench.out" ]]; then
    echo
    grep -E '^(\||Training step)' "$work/bench.out" || echo "(no benchmark table)"
  fi
  echo
  echo "logs: $(cd "$logs" && ls | tr '\n' ' ')(in $logs)"
  ((${#failures[@]} == 0)) || overall="FAIL: ${failures[*]}"
  echo "gpu_check: $overall ($((SECONDS - started)) s)"
}

# Stage limits are for the default budget, and scale with it.
scaled() { echo $(($1 * budget / 450)); }
run_stage env env.log "$(scaled 30)" 5
run_stage deps env.log "$(scaled 60)" 10
if [[ -f "$state/paths.sh" ]]; then
  # shellcheck source=/dev/null
  source "$state/paths.sh"
fi
if passed deps; then run_stage build build.log "$(scaled 330)" 60; else skipped build "deps failed"; fi
if passed build || [[ "$skip" == *" build "* && -x "$build/mnist_dae" ]]; then
  run_stage tests tests.log "$(scaled 120)" 20
  run_stage bench bench.log "$(scaled 150)" 30
  run_stage sanitizer sanitizer.log "$(scaled 240)" 30
  run_stage ctest tests.log "$(scaled 180)" 45
else
  for name in tests bench sanitizer ctest; do skipped "$name" "no build"; done
fi
summary | tee "$logs/summary.txt"
trim_logs
grep -q '^gpu_check: PASS' "$logs/summary.txt"
