#!/usr/bin/env bash
# Configures and builds mnist-dae into build/ (or $DAE_BUILD_DIR), Release by default.
# Extra arguments go to CMake's configure step, e.g.
#   scripts/build.sh -DCMAKE_CUDA_ARCHITECTURES="75;80;86;89;90"   # the common GPU set
#   scripts/build.sh -DDAE_WITH_CUDA=OFF                            # CPU only
# The CUDA backend is built whenever nvcc and cuDNN are found (see the CMake output).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${DAE_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$build" -j"$(nproc)"
