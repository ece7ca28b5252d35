#!/usr/bin/env bash
# Sets up everything and runs all tests: installs the Debian packages, fetches MNIST into
# data/mnist (the tests that train on it), builds into build/ and runs the Catch2 suite
# through CTest. On a machine without a GPU the [cuda] tests are reported as "Skipped" (they
# run on a GPU machine; DAE_REQUIRE_CUDA_TESTS=1 makes a missing GPU fail them instead), and
# so are the [dataset] tests when MNIST could not be fetched (DAE_REQUIRE_DATASET_TESTS=1).
#   scripts/test.sh              the suite
#   scripts/test.sh --sanitize   the CPU suite again under AddressSanitizer + UBSan (build-sanitize/)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/install_deps.sh"
"$root/scripts/fetch_mnist.sh" ||
  echo "test.sh: MNIST could not be fetched; the [dataset] tests will be reported as skipped" >&2
if [[ "${1:-}" == "--sanitize" ]]; then
  export DAE_BUILD_DIR=${DAE_BUILD_DIR:-$root/build-sanitize}
  "$root/scripts/build.sh" -DDAE_SANITIZE=ON -DDAE_WITH_CUDA=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
else
  export DAE_BUILD_DIR=${DAE_BUILD_DIR:-$root/build}
  "$root/scripts/build.sh"
fi
ctest --test-dir "$DAE_BUILD_DIR" --no-tests=error --output-on-failure -j"$(nproc)"
