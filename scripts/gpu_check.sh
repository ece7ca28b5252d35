#!/usr/bin/env bash
# The one run that proves the CUDA backend on a lent GPU machine, planned to fit one device
# call (timeout_s 560) with room to spare: it prints its time plan first, gives every stage a
# cap, and keeps what a stage measured when the cap cuts it. In order:
#   env        the machine: CPU (lscpu), GPU and its clocks, driver, tools, PyTorch (env.log)
#   deps       unpacks .gpu-deps/*.deb into a private prefix; finds cuDNN and cuBLAS
#   build      configures and builds build-gpu/ with -DDAE_REQUIRE_CUDA=ON for sm_90 (build.log)
#   libraries  what the built program loads: the OpenBLAS kernel (OPENBLAS_VERBOSE=2), the
#              driver's CUDA version, cuDNN and cuBLAS as loaded, the GPU's clocks (env.log)
#   tests      the [cuda] test cases with DAE_REQUIRE_CUDA_TESTS=1: a GPU that does not
#              answer fails them instead of skipping them (tests.log)
#   bench      per model, as it goes: our training step eager and as a CUDA graph, against
#              PyTorch's on the same GPU (bench.log; bench.json rewritten after each model)
#   sanitizer  a short training of each model under compute-sanitizer memcheck, device-memory
#              errors told apart from CUDA API errors raised inside cuBLAS/cuDNN (sanitizer.log)
#   ctest      the whole CTest suite, with what time is left (tests.log)
# then prints a summary last (also summary.txt). A stage that fails does not stop the later
# ones. Results: ok; n/a (not applicable here); skipped (no time left, left out, or an earlier
# stage failed: never a failure itself); partial (the cap cut it, no failure seen, what it
# measured kept); TIMEOUT or FAIL (failures). Exit status 1 if any stage failed. Logs go to
# $OUT (the device tool's folder that comes back, at most 8 files), else build-gpu/logs.
#
# The GPU machine has nvcc, cuDNN and cuBLAS (maybe only inside PyTorch's pip packages) and
# PyTorch, but no network and none of the Debian packages the build needs: run
# scripts/gpu_prepare.sh here first; it puts them and MNIST into .gpu-deps/, which the device
# call carries. It prints the call to make.
#
# Knobs (environment):
#   DAE_GPU_CHECK_BUDGET_S    seconds the whole script may take (default 500); stage caps scale
#   DAE_GPU_CHECK_SKIP        stages to leave out, e.g. "sanitizer ctest"; "build" reuses the
#                             build folder as it is
#   DAE_GPU_CHECK_BENCH_ARGS  the step counts of both benchmarks (default "--steps 234
#                             --repeats 3": 234 x 256 images = one epoch per timed repeat)
#   DAE_GPU_CHECK_DEVICE      cpu: the device stages on the CPU, to test this script off-GPU
#   DAE_GPU_BUILD_DIR         the build folder (default build-gpu/)
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
bench_args=${DAE_GPU_CHECK_BENCH_ARGS:---steps 234 --repeats 3}
budget=${DAE_GPU_CHECK_BUDGET_S:-500}
device_call_s=560  # the timeout_s of the device call this plan is made for
skip=" ${DAE_GPU_CHECK_SKIP:-} "
jobs=$(nproc)
models=(linear mlp conv)
original_ld_path=${LD_LIBRARY_PATH:-}
cuda_home=""  # set by the deps stage (its paths.sh), with the toolkit it found

rm -rf "$work"
mkdir -p "$logs" "$state"
rm -f "$logs"/{env,build,tests,bench,sanitizer}.log "$logs/bench.json" "$logs/summary.txt"
summary_reserve_s=15
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
# appended to LOG, for at most CAP_S seconds of what is left (summary_reserve_s is kept back for
# the summary); skipped when less than MIN_S would be left. A stage's exit status: 0 ok, 77 not
# applicable here, 78 partial (cut by its cap, no failure seen), 124/137 its time ran out.
run_stage() {
  local name=$1 log=$logs/$2 cap=$3 min=$4 left limit rc t0
  if [[ "$skip" == *" $name "* ]]; then
    skipped "$name" "left out with DAE_GPU_CHECK_SKIP"
    return
  fi
  left=$(($(seconds_left) - summary_reserve_s))
  limit=$((cap < left ? cap : left))
  min=$((min < cap ? min : cap))  # a small budget scales the cap below the usual minimum
  if ((limit < min)); then
    skipped "$name" "no time left (${left} s, needs ${min} s)"
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
    78) echo partial >"$state/$name.status" ;;
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
stage_failed() { [[ "$(cat "$state/$1.status" 2>/dev/null)" == FAIL* || "$(cat "$state/$1.status" 2>/dev/null)" == TIMEOUT ]]; }

# A command of a stage, bounded by the stage's end and by its own cap (default 10 s), so that
# one hanging tool cannot take the stage's whole time.
probe() {
  local cap=10
  if [[ "$1" =~ ^[0-9]+$ ]]; then cap=$1; shift; fi
  local t=$((stage_end - SECONDS))
  ((t > 0)) || return 124
  ((t < cap)) || t=$cap
  timeout -k 2 "$t" "$@"
}

gpu_clocks() {
  probe nvidia-smi --query-gpu=clocks.sm,clocks.max.sm,clocks.mem,clocks.max.mem,pstate,temperature.gpu,power.draw,clocks_throttle_reasons.active \
    --format=csv,noheader 2>/dev/null | sed -n 1p || true
}

stage_env() {
  probe uname -a || true
  grep -h PRETTY_NAME /etc/os-release || true
  echo "--- lscpu"
  probe lscpu || echo "lscpu failed"
  probe free -g || true
  echo "--- nvidia-smi"
  probe nvidia-smi || echo "nvidia-smi failed"
  probe nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used,clocks.sm,clocks.max.sm,clocks.mem,clocks.max.mem,pstate,temperature.gpu,power.draw \
    --format=csv || true
  for tool in nvcc cmake ninja g++ compute-sanitizer dpkg pkg-config; do
    echo "$tool: $(command -v "$tool" || echo "not on PATH")"
  done
  probe nvcc --version || probe /usr/local/cuda/bin/nvcc --version || true
  probe cmake --version | sed -n 1p || true
  probe g++ --version | sed -n 1p || true
  local torch
  echo "python: $(command -v "$python" || echo "$python not found")"
  torch=$(probe 20 "$python" -c 'import torch
print("torch", torch.__version__, "CUDA", torch.version.cuda, "cuDNN", torch.backends.cudnn.version())') || torch="no torch"
  echo "$torch"
  local gpu kernel runtime cpu
  gpu=$(probe nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | sed -n 1p || true)
  cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
  kernel=$(uname -r)
  runtime=Firecracker
  [[ "$kernel" == 4.4.0* ]] && runtime="gVisor: no compute-sanitizer"
  detail "${gpu:-no GPU found by nvidia-smi}; ${cpu:-CPU unknown}, $(nproc) cores; kernel $kernel ($runtime); $torch"
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
  # The libraries the build's libraries load (libopenblas: libgfortran.so.5, libquadmath.so.0;
  # cairo: pixman, fontconfig, freetype, png, X11 and xcb); the linker and the loader look for
  # them in LD_LIBRARY_PATH. Only the ones the system lacks go there.
  local soname
  for lib in "$prefix"/usr/lib/x86_64-linux-gnu/lib*.so.[0-9]*; do
    soname=$(basename "$lib")
    [[ "$soname" =~ ^lib[^.]+(\.[^.0-9][^.]*)*\.so\.[0-9]+$ ]] || continue  # the soname link, not its versioned file
    if system_has_lib "$soname"; then
      echo "$soname: the system's"
    else
      ln -sfn "$lib" "$prefix/compat/$soname"
      echo "$soname: from $prefix (the system has none)"
    fi
  done
  # cairo finds DejaVu Sans through fontconfig: the prefix's fonts, then the system's.
  cat >"$prefix/fonts.conf" <<FONTS
<?xml version="1.0"?>
<fontconfig><dir>$prefix/usr/share/fonts</dir><include ignore_missing="yes">/etc/fonts/fonts.conf</include><cachedir>$prefix/fontcache</cachedir></fontconfig>
FONTS
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

  local mnist=$deps/mnist tests_mnist=$root/data/mnist
  [[ -f "$mnist/t10k-labels-idx1-ubyte.gz" ]] || mnist=$root/data/mnist
  # The [dataset] tests read data/mnist, as scripts/fetch_mnist.sh fills it (the reader takes .gz).
  if [[ ! -e "$tests_mnist" && -d "$deps/mnist" ]]; then
    mkdir -p "$(dirname "$tests_mnist")" && ln -sfn "$deps/mnist" "$tests_mnist" &&
      echo "linked $tests_mnist -> $deps/mnist" || echo "could not link $tests_mnist ([dataset] tests will skip)"
  fi

  {
    printf 'nvcc=%q\ncuda_home=%q\ncudnn_root=%q\ncublas_root=%q\nmnist=%q\n' \
      "$nvcc" "$cuda_home" "$cudnn_root" "$cublas_root" "$mnist"
    printf 'export LD_LIBRARY_PATH=%q\n' "$ld_path${original_ld_path:+:$original_ld_path}"
    printf 'export FONTCONFIG_FILE=%q\n' "$prefix/fonts.conf"
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
}

# What the built program loads, from a one-step benchmark run: the OpenBLAS kernel
# (OPENBLAS_VERBOSE=2 makes OpenBLAS name it at load) and the 'loaded' line of a GPU run
# (driver, runtime, cuDNN, cuBLAS), with the libraries' paths and the GPU's clocks.
stage_libraries() {
  local out=$work/libraries.out core loaded
  OPENBLAS_VERBOSE=2 probe 30 "$build/mnist_dae" bench linear --device "$device" --steps 1 --warmup 0 --repeats 1 \
    --batch-size 64 2>&1 | tee "$out" || true
  echo "--- libraries the program loads:"
  ldd "$build/mnist_dae" | grep -E 'cudnn|cublas|openblas|gfortran|quadmath|libz|not found' || true
  echo "--- GPU clocks (SM, max SM, memory, max memory, pstate, temperature, power, throttle reasons):"
  gpu_clocks
  core=$(grep -m1 -oE 'Core: *[A-Za-z0-9_]+' "$out" | sed 's/Core: *//' || true)
  loaded=$(sed -n 's/^ *loaded *//p' "$out" | head -1)
  local clocks
  clocks=$(gpu_clocks | cut -d, -f1-4)
  detail "OpenBLAS ${core:-kernel not reported}; ${loaded:-no GPU libraries loaded (CPU run)}; GPU clocks ${clocks:-not read (no nvidia-smi answer)}"
  [[ -n "$core" ]]
}

# 0 when every test passed; the summary line and the GPU's findings (WARN lines) in any case.
stage_tests() {
  local rc=0
  if [[ "$device" == cuda ]]; then export DAE_REQUIRE_CUDA_TESTS=1; fi
  within "$build/tests/dae_tests" "[cuda]" --durations yes | tee "$work/tests.out" || rc=$?
  grep -E '^ +(cuDNN max-pool ties|TF32):' "$work/tests.out" | sed 's/^ *//' >"$state/findings" || true
  detail "$(grep -E '^(All tests passed|test cases:|SKIPPED)' "$work/tests.out" | tail -1)"
  # 77 (every test skipped: no GPU) is a failure where a GPU is required.
  if ((rc == 77)) && [[ "$device" == cuda ]]; then return 1; fi
  return "$rc"
}

# One model at a time, so that a stage cut by its cap keeps the models it finished: bench.py
# (our eager step against PyTorch's), then our step as a CUDA graph (mnist_dae bench
# --cuda-graph; GPU only), then the model's row is added to the table and bench.json rewritten.
stage_bench() {
  # bench.py runs under the environment PyTorch expects; mnist_dae gets ours via a wrapper.
  local wrapper=$work/mnist_dae
  printf '#!/bin/sh\nexport LD_LIBRARY_PATH=%s\nexec %s "$@"\n' "'${LD_LIBRARY_PATH:-}'" "'$build/mnist_dae'" >"$wrapper"
  chmod +x "$wrapper"
  local python_env=(env -u LD_LIBRARY_PATH PYTHONUNBUFFERED=1) model done_models=0 cut="" failures=()
  if [[ -n "$original_ld_path" ]]; then python_env=(env LD_LIBRARY_PATH="$original_ld_path" PYTHONUNBUFFERED=1); fi
  echo "GPU clocks before: $(gpu_clocks)"
  : >"$work/bench-table.md"
  for model in "${models[@]}"; do
    local eager=$work/bench-$model.json graph=$work/graph-$model.json rc=0 graph_rc=0
    rm -f "$eager" "$graph"
    echo "--- $model: mnist-dae eager and PyTorch"
    # shellcheck disable=SC2086  # bench_args is a list of words
    within "${python_env[@]}" "$python" "$root/scripts/bench.py" --device "$device" --binary "$wrapper" \
      --models "$model" $bench_args --verbose --json "$eager" || rc=$?
    if [[ "$device" == cuda ]] && ((rc != 124 && rc != 137)); then
      echo "--- $model: mnist-dae with --cuda-graph"
      # shellcheck disable=SC2086
      within "$wrapper" bench "$model" --device cuda --cuda-graph $bench_args --json "$graph" || graph_rc=$?
    fi
    bench_row "$model" "$eager" "$graph" | tee -a "$work/bench-table.md"
    if ((rc == 124 || rc == 137 || graph_rc == 124 || graph_rc == 137)); then
      cut="$model cut by the stage's cap"
      break
    fi
    ((rc == 0 && graph_rc == 0)) || failures+=("$model")
    done_models=$((done_models + 1))
  done
  echo "GPU clocks after: $(gpu_clocks)"
  bench_table_header
  cat "$work/bench-table.md"
  detail "$done_models of ${#models[@]} models timed${cut:+; $cut}${failures[*]:+; failed: ${failures[*]}}"
  ((${#failures[@]} == 0)) || return 1
  [[ -z "$cut" ]] || return 78
}

# Prints one table row for MODEL from bench.py's JSON ({"runs": {side: [run, ...]}}: the side
# "mnist-dae" and one per PyTorch configuration, of which the fastest median is taken) and the
# --cuda-graph JSON of mnist_dae bench (either file may be missing), and merges the row into
# $logs/bench.json (written to a temporary file, then moved).
bench_row() {
  "$python" - "$1" "$2" "$3" "$logs/bench.json" <<'PY'
import json, os, statistics, sys
model, eager_path, graph_path, out_path = sys.argv[1:]
def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None
def side(runs):  # the median of one side's runs
    if not runs:
        return None
    return {"images_per_s": statistics.median(r["images_per_s"] for r in runs),
            "ms_per_step": statistics.median(r["ms_per_step"] for r in runs),
            "peak_device_bytes": max(r.get("peak_device_bytes") or 0 for r in runs), "runs": len(runs)}
eager = (load(eager_path) or [{}])[0]
runs = eager.get("runs") or {}
ours = side(runs.get("mnist-dae"))
torch_sides = {name: side(r) for name, r in runs.items() if name != "mnist-dae" and r}
torch_name = max(torch_sides, key=lambda n: torch_sides[n]["images_per_s"]) if torch_sides else None
torch = dict(torch_sides[torch_name], configuration=torch_name) if torch_name else None
g = (load(graph_path) or [None])[0]
graph = {"images_per_s": g["images_per_s"], "ms_per_step": g["ms_per_step_median"],
         "peak_device_bytes": g.get("peak_device_bytes") or 0} if g else None
row = {"model": model, "steps": eager.get("steps"), "mnist_dae": ours, "mnist_dae_cuda_graph": graph, "pytorch": torch}
results = [r for r in (load(out_path) or []) if r.get("model") != model] + [row]
with open(out_path + ".tmp", "w") as f:
    json.dump(results, f, indent=2)
os.replace(out_path + ".tmp", out_path)
def ips(r): return f"{r['images_per_s']:.0f}" if r else "-"
def ms(r): return f"{r['ms_per_step']:.3f}" if r else "-"
def mib(r): return f"{r['peak_device_bytes'] / 2**20:.0f}" if r and r.get("peak_device_bytes") else "-"
def ratio(a, b): return f"{a['images_per_s'] / b['images_per_s']:.2f}x" if a and b else "-"
print(f"| {model} | {ips(ours)} | {ips(graph)} | {ips(torch)} | {ratio(ours, torch)} | {ratio(graph, torch)} "
      f"| {ms(ours)} | {ms(graph)} | {ms(torch)} | {mib(ours)} | {mib(graph)} | {mib(torch)} |")
PY
}
bench_table_header() {
  echo "| model | eager img/s | graph img/s | PyTorch img/s | eager/PyTorch | graph/PyTorch | eager ms/step | graph ms/step | PyTorch ms/step | eager peak MiB | graph peak MiB | PyTorch peak MiB |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
}

# compute-sanitizer's report of one run, classified: device-memory errors (the kernels' own,
# always a failure), CUDA API errors whose host backtrace passes through cuBLAS or cuDNN (their
# version and feature probes return errors by design), and CUDA API errors of our own code.
# Prints "device library ours".
classify_sanitizer_report() {
  awk '
    function close_api() { if (in_api) { if (in_library) library++; else ours++ } in_api = 0 }
    /^========= Program hit .* on CUDA API call to/ { close_api(); in_api = 1; in_library = 0; api++; next }
    /^=========  +Host Frame:/ { if (in_api && $0 ~ /lib(cublas|cublasLt|cudnn[A-Za-z_]*|nvrtc|nvJitLink)[.]so/) in_library = 1; next }
    /^========= ERROR SUMMARY: [0-9]+/ { close_api(); total = $4; next }
    /^========= [^ ]/ { close_api() }
    END { close_api(); printf "%d %d %d\n", (total > api ? total - api : 0), library, ours }
  ' "$1"
}

# One short training per model under memcheck (the conv model on fewer images: it is the
# slowest under instrumentation), with a share of the stage's time that follows its cost; a
# plain run where memcheck cannot run here.
stage_sanitizer() {
  local sanitizer model rc failed=0 out_of_time=0 verdicts=() t out left note="" shares=(1 1 2) share_left=4
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
    t=$((left * shares[index] / share_left))
    share_left=$((share_left - shares[index]))
    index=$((index + 1))
    out=$work/sanitizer-$model.out
    local size=(--train-limit 512 --test-limit 256 --batch-size 64)
    [[ "$model" != conv ]] || size=(--train-limit 128 --test-limit 64 --batch-size 32)
    local run=("$build/mnist_dae" "$model" --device "$device" --epochs 1 "${size[@]}" --data "$mnist"
               --out "$work/runs/$model")
    echo "--- $model (up to $t s)"
    rc=0
    if ((t < 5)); then
      verdicts+=("$model: no time left")
      out_of_time=1
      continue
    fi
    if [[ -n "$sanitizer" ]]; then
      timeout -k 10 "$t" "$sanitizer" --tool memcheck --report-api-errors explicit --error-exitcode 99 \
        --print-limit 100 "${run[@]}" 2>&1 | tee "$out" || rc=$?
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
    local loss verdict device_errors=0 library_errors=0 our_errors=0 memchecked=0
    loss=$(grep -oE 'test [0-9.]+' "$out" | tail -1 | cut -d' ' -f2 || true)
    if grep -q '^========= ERROR SUMMARY' "$out"; then
      memchecked=1
      read -r device_errors library_errors our_errors < <(classify_sanitizer_report "$out")
    fi
    if ((rc == 124 || rc == 137)); then verdict="out of time after $t s"; out_of_time=1
    elif ((device_errors > 0)); then verdict="$device_errors device-memory ERRORS"; failed=1
    elif ((our_errors > 0)); then verdict="$our_errors CUDA API ERRORS in our code"; failed=1
    elif ((rc != 0 && rc != 99)) || ((rc == 99 && memchecked == 0)); then verdict="FAIL($rc)"; failed=1
    elif ((memchecked)); then
      verdict="clean"
      ((library_errors == 0)) || verdict+=" ($library_errors CUDA API errors inside cuBLAS/cuDNN, not ours)"
    else verdict="ran (no memcheck)"
    fi
    verdicts+=("$model ${verdict}${loss:+, test $loss}")
    echo "--- $model: $verdict"
  done
  local joined
  joined=$(printf '%s; ' "${verdicts[@]}")
  detail "$note${joined%; }"
  ((failed == 0)) || return 1
  ((out_of_time == 0)) || return 78
  [[ -n "$sanitizer" || "$device" != cuda ]] || return 77
}

# The whole suite; half as many tests at a time as cores, each with 2 CPU threads. Running
# out of the stage's time is no failure (partial: it is the optional stage), a failed test is.
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
    ((failed == 0)) && return 78
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

# The stages in order: name, log, cap at the default budget (scaled with it), least useful time.
stage_plan=(
  "env env.log 15 5 the machine: CPU, GPU and clocks, driver, tools, PyTorch"
  "deps env.log 30 10 the build's Debian packages, cuDNN and cuBLAS"
  "build build.log 180 60 the CUDA build for sm_90"
  "libraries env.log 15 5 OpenBLAS kernel, driver/cuDNN/cuBLAS as loaded, GPU clocks"
  "tests tests.log 75 20 the [cuda] test cases"
  "bench bench.log 80 20 eager, CUDA graph and PyTorch, per model"
  "sanitizer sanitizer.log 105 30 each model under compute-sanitizer memcheck"
  "ctest tests.log 0 45 the whole suite, with what is left"
)
scaled() { echo $(($1 * budget / 500)); }

print_plan() {
  local entry name log cap min what total=0
  echo "gpu_check: time plan (the machine's start excluded), budget $budget s:"
  for entry in "${stage_plan[@]}"; do
    read -r name log cap min what <<<"$entry"
    if ((cap > 0)); then
      printf '  %-10s up to %4d s  %s\n' "$name" "$(scaled "$cap")" "$what"
      total=$((total + $(scaled "$cap")))
    else
      printf '  %-10s what is left (skipped under %d s)  %s\n' "$name" "$min" "$what"
    fi
  done
  printf '  %-10s %4d s kept back\n' summary "$summary_reserve_s"
  total=$((total + summary_reserve_s))
  local whole=$((budget > total ? budget : total))
  echo "  total      at most $whole s; a device call of timeout_s $device_call_s leaves $((device_call_s - whole)) s to spare"
  ((whole < device_call_s)) || echo "gpu_check: WARNING: this plan does not fit a device call of $device_call_s s"
}

summary() {
  local name status overall=PASS failures=() incomplete=() entry
  echo
  echo "==================== gpu_check summary ===================="
  echo "machine: $(cat "$state/env.detail" 2>/dev/null || echo unknown)"
  printf '%-10s %-9s %5s  %s\n' stage result time detail
  for entry in "${stage_plan[@]}"; do
    name=${entry%% *}
    status=$(cat "$state/$name.status" 2>/dev/null || echo "not run")
    printf '%-10s %-9s %5s  %s\n' "$name" "$status" "$(cat "$state/$name.seconds" 2>/dev/null || echo -)" \
      "$(cat "$state/$name.detail" 2>/dev/null)"
    if stage_failed "$name"; then
      failures+=("$name")
    elif [[ "$status" == partial || ( "$status" == skipped && "$(cat "$state/$name.detail" 2>/dev/null)" == "no time left"* ) ]]; then
      incomplete+=("$name $status")
    fi
  done
  if [[ -s "$state/findings" ]]; then
    echo
    echo "findings of the [cuda] tests:"
    sed 's/^/  /' "$state/findings"
  fi
  if [[ -s "$work/bench-table.md" ]]; then
    echo
    echo "Training step, batch 256, $device; $bench_args (median); PyTorch eager, TF32 off on both sides:"
    bench_table_header
    cat "$work/bench-table.md"
  fi
  echo
  echo "logs: $(cd "$logs" && ls | tr '\n' ' ')(in $logs)"
  if ((${#failures[@]})); then overall="FAIL: ${failures[*]}"; fi
  local note=""
  if ((${#incomplete[@]})); then note=" (not complete, no failure: $(IFS=,; echo "${incomplete[*]}" | sed 's/,/, /g'))"; fi
  echo "gpu_check: $overall$note ($((SECONDS - started)) s)"
}

print_plan
for entry in "${stage_plan[@]}"; do
  read -r name log cap min _ <<<"$entry"
  cap=$(scaled "$cap")
  ((cap > 0)) || cap=$budget  # ctest: whatever is left
  case $name in
    build)
      if ! passed deps && [[ "$skip" != *" deps "* ]]; then skipped build "deps failed"; continue; fi ;;
    libraries | tests | bench | sanitizer | ctest)
      # Without the deps stage's paths the binary finds neither cuDNN nor cuBLAS.
      if ! passed deps && [[ "$skip" != *" deps "* ]]; then
        skipped "$name" "deps failed"
        continue
      fi
      if ! passed build && ! [[ "$skip" == *" build "* && -x "$build/mnist_dae" ]]; then
        skipped "$name" "no build"
        continue
      fi ;;
  esac
  run_stage "$name" "$log" "$cap" "$min"
  if [[ "$name" == deps && -f "$state/paths.sh" ]]; then
    # shellcheck source=/dev/null
    source "$state/paths.sh"
  fi
done
summary | tee "$logs/summary.txt"
trim_logs
! grep -q '^gpu_check: FAIL' "$logs/summary.txt"
