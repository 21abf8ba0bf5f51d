#!/usr/bin/env bash
# Fetches the real datasets the benchmarks use from Debian packages into .cache/datasets
# (or $TLML_DATASETS). Only package registries are reachable here, so every dataset comes from
# one; nothing is downloaded at run time. Idempotent: files already there are kept.
#   fashion-mnist/  Fashion-MNIST IDX files (MIT)           <- Debian dataset-fashion-mnist
#   optdigits/      UCI optdigits, scikit-learn's 1797 rows  <- Debian python3-sklearn (CC BY 4.0)
#   photos/         12 nature photos (GPL-2+), the backgrounds of the MNIST-M style target <- Debian mate-backgrounds
#   wordnet/        WordNet 3.0 noun index and data (WordNet licence), for hypernym class descriptions <- Debian wordnet-base
#   reuters/        Reuters-21578 corn and grain ARFF files (Weka's examples; the same documents, two label sets) <- Debian weka
#   onnx-node-tests/ ONNX's per-operator test cases (model + inputs + reference outputs; Apache-2.0), the importer's conformance check <- Debian libonnx-testdata
#   hershey/        the 32 Hershey vector fonts (.jhf; Hershey licence: free use with acknowledgement), the few-shot glyphs <- Debian hershey-fonts-data
set -euo pipefail
cd "$(dirname "$0")/.."
cache="${TLML_DATASETS:-.cache/datasets}"
mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

deb_of() { ls "$work"/"$1"_*.deb 2>/dev/null | head -n 1; }

# fetch_deb PACKAGE: the package file in $work (once).
fetch_deb() {
  [[ -n "$(deb_of "$1")" ]] && return
  if ! (cd "$work" && apt-get download "$1" >/dev/null 2>&1); then
    apt-get update >/dev/null 2>&1 || true
    (cd "$work" && apt-get download "$1")
  fi
}

# extract PACKAGE TARGET-DIR PATH... (or one PATTERN): the named files of a Debian package, flattened into TARGET-DIR.
extract() {
  local package=$1 target=$2; shift 2
  local missing=()
  if [[ "$1" == *'*'* ]]; then  # a pattern: expand it against the package's file list
    fetch_deb "$package"
    mapfile -t expanded < <(dpkg-deb --fsys-tarfile "$(deb_of "$package")" | tar -t --wildcards "./$1" | sed 's|^\./||')
    set -- "${expanded[@]}"
  fi
  for path in "$@"; do [[ -f "$cache/$target/$(basename "$path")" ]] || missing+=("$path"); done
  (( ${#missing[@]} == 0 )) && { echo "$target: present"; return; }
  fetch_deb "$package"
  local deb
  deb=$(deb_of "$package")
  mkdir -p "$cache/$target"
  for path in "${missing[@]}"; do
    dpkg-deb --fsys-tarfile "$deb" | tar -x -O "./$path" > "$cache/$target/$(basename "$path")"
  done
  echo "$target: fetched from $(basename "$deb")"
}

# extract_tree PACKAGE TARGET-DIR PATH: a folder of a Debian package with its structure kept, into TARGET-DIR.
extract_tree() {
  local package=$1 target=$2 path=$3
  [[ -d "$cache/$target" ]] && { echo "$target: present"; return; }
  fetch_deb "$package"
  mkdir -p "$cache/$target"
  local strip=$(( $(tr -cd / <<<"$path" | wc -c) + 2 ))
  dpkg-deb --fsys-tarfile "$(deb_of "$package")" | tar -x -C "$cache/$target" --strip-components="$strip" "./$path"
  echo "$target: fetched from $(basename "$(deb_of "$package")")"
}

extract dataset-fashion-mnist fashion-mnist \
  usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz \
  usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz \
  usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz \
  usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz
extract python3-sklearn optdigits usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz
extract mate-backgrounds photos 'usr/share/backgrounds/mate/nature/*.jpg'
extract wordnet-base wordnet usr/share/wordnet/index.noun usr/share/wordnet/data.noun
extract weka reuters \
  usr/share/doc/weka/examples/ReutersCorn-train.arff usr/share/doc/weka/examples/ReutersCorn-test.arff \
  usr/share/doc/weka/examples/ReutersGrain-train.arff usr/share/doc/weka/examples/ReutersGrain-test.arff

extract hershey-fonts-data hershey 'usr/share/hershey-fonts/*.jhf'
extract_tree libonnx-testdata onnx-node-tests usr/share/libonnx-testdata/data/node

echo "datasets in $cache"
