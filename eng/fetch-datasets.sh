#!/usr/bin/env bash
# Fetches the real datasets the benchmarks use from Debian packages into .cache/datasets
# (or $TLML_DATASETS). Only package registries are reachable here, so every dataset comes from
# one; nothing is downloaded at run time. Idempotent: files already there are kept.
#   fashion-mnist/  Fashion-MNIST IDX files (MIT)           <- Debian dataset-fashion-mnist
#   optdigits/      UCI optdigits, scikit-learn's 1797 rows  <- Debian python3-sklearn (CC BY 4.0)
set -euo pipefail
cd "$(dirname "$0")/.."
cache="${TLML_DATASETS:-.cache/datasets}"
mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# extract PACKAGE TARGET-DIR PATH...: the named files of a Debian package, flattened into TARGET-DIR.
extract() {
  local package=$1 target=$2; shift 2
  local missing=()
  for path in "$@"; do [[ -f "$cache/$target/$(basename "$path")" ]] || missing+=("$path"); done
  (( ${#missing[@]} == 0 )) && { echo "$target: present"; return; }
  if ! (cd "$work" && apt-get download "$package" >/dev/null 2>&1); then
    apt-get update >/dev/null 2>&1 || true
    (cd "$work" && apt-get download "$package")
  fi
  local deb
  deb=$(ls "$work"/"${package}"_*.deb | head -n 1)
  mkdir -p "$cache/$target"
  for path in "${missing[@]}"; do
    dpkg-deb --fsys-tarfile "$deb" | tar -x -O "./$path" > "$cache/$target/$(basename "$path")"
  done
  echo "$target: fetched from $(basename "$deb")"
}

extract dataset-fashion-mnist fashion-mnist \
  usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz \
  usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz \
  usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz \
  usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz
extract python3-sklearn optdigits usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz
echo "datasets in $cache"
