#!/usr/bin/env bash
# Gathers, on this machine, what scripts/gpu_check.sh needs on a lent GPU machine that has
# CUDA, cuDNN (maybe only in PyTorch's pip packages) and PyTorch, but no network and none of
# the Debian packages mnist-dae builds with. Everything lands in .gpu-deps/ (ignored by git),
# which the device call carries:
#   .gpu-deps/*.deb     the build's Debian packages, fetched with `apt-get download` (not
#                       installed here); gpu_check.sh unpacks them into a private prefix
#   .gpu-deps/mnist/    the four MNIST files as .gz (11 MB; the reader takes .gz as is), from
#                       $DAE_MNIST_SOURCE, else ../shared/datasets/mnist, else data/mnist
# Idempotent: what is already there is kept. Prints the total size (the device call carries at
# most 64 MiB with the working tree) and the device call to make.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deps="$root/.gpu-deps"

# The pthread OpenBLAS with its runtime needs (libgfortran5 needs libquadmath0), the
# header-only libraries, and zlib's headers with the library their libz.so link points to.
# libopenblas-dev itself is only a meta package (update-alternatives links), so it is left out.
# cairo (the pictures) with the shared libraries it loads, and the DejaVu fonts it draws
# text in; the C library and the compiler's runtime are the GPU machine's own.
packages=(libopenblas-pthread-dev libopenblas0-pthread libgfortran5 libquadmath0
          catch2 nlohmann-json3-dev libstb-dev zlib1g-dev zlib1g
          libcairo2-dev libcairo2 libpixman-1-0 libfontconfig1 fontconfig-config libfreetype6 libpng16-16
          libbrotli1 libexpat1 libx11-6 libx11-data libxau6 libxdmcp6 libbsd0 libmd0 libxcb1 libxcb-render0
          libxcb-shm0 libxext6 libxrender1 fonts-dejavu-core)
mnist_files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

say() { echo "gpu_prepare: $*"; }
die() { echo "gpu_prepare: $*" >&2; exit 1; }

[[ "$(dpkg --print-architecture 2>/dev/null)" == amd64 ]] ||
  die "this machine is not amd64 (Debian); the GPU machine is x86-64: fetch the packages on an amd64 Debian machine"
command -v apt-get >/dev/null || die "apt-get not found"

mkdir -p "$deps/mnist"
grep -qxF '/.gpu-deps/' "$root/.gitignore" || die "add '/.gpu-deps/' to .gitignore first (the folder must not travel as untracked files)"

missing=()
for p in "${packages[@]}"; do
  compgen -G "$deps/${p}_*.deb" >/dev/null || missing+=("$p")
done
if ((${#missing[@]})); then
  say "downloading ${missing[*]}"
  # As root, apt's download sandbox user (_apt) may not write here; download as root then.
  sandbox=()
  [[ $(id -u) -ne 0 ]] || sandbox=(-o APT::Sandbox::User=root)
  (cd "$deps" && apt-get "${sandbox[@]}" download "${missing[@]}") ||
    die "apt-get download failed (run 'apt-get update' first?)"
else
  say "all ${#packages[@]} packages already in $deps"
fi

source_dir="${DAE_MNIST_SOURCE:-$root/../shared/datasets/mnist}"
[[ -d "$source_dir" ]] || source_dir="$root/data/mnist"
for name in "${mnist_files[@]}"; do
  target="$deps/mnist/$name.gz"
  if [[ -f "$target" ]] && gzip -t "$target" 2>/dev/null; then continue; fi
  if [[ -f "$source_dir/$name.gz" ]]; then
    cat "$source_dir/$name.gz" >"$target.partial"
  elif [[ -f "$source_dir/$name" ]]; then
    gzip -9 -c "$source_dir/$name" >"$target.partial"
  else
    die "MNIST file $name(.gz) not in $source_dir: run scripts/fetch_mnist.sh or set DAE_MNIST_SOURCE=DIR"
  fi
  gzip -t "$target.partial" || die "$source_dir/$name.gz is not a valid gzip file"
  mv -f "$target.partial" "$target"
  say "mnist/$name.gz <- $source_dir"
done

total=$(du -sb "$deps" | cut -f1)
tree=$(cd "$root" && { git ls-files -z; git ls-files -z --others --exclude-standard; } |
       xargs -0 du -cb 2>/dev/null | awk '$2 == "total" {s += $1} END {print s + 0}')
say "$deps: $((total / 1024)) KiB; with the working tree $(((total + tree) / 1048576)) MiB of the device call's 64 MiB"
((total + tree < 60 * 1048576)) || die "too large for one device call"
cat <<EOF

The device call (one H200; the script prints its time plan first and stops itself within
about 8.5 minutes, DAE_GPU_CHECK_BUDGET_S=500):
  run  command:   bash scripts/gpu_check.sh
       carry:     [".gpu-deps"]
       timeout_s: 560
EOF
