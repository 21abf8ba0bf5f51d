#!/usr/bin/env bash
# Fetches the real datasets the benchmarks use from Debian packages into .cache/datasets
# (or $TLML_DATASETS). Only package registries are reachable here, so every dataset comes from
# one; nothing is downloaded at run time. Idempotent: files already there are kept.
#   fashion-mnist/  Fashion-MNIST IDX files (MIT)           <- Debian dataset-fashion-mnist
#   optdigits/      UCI optdigits, scikit-learn's 1797 rows  <- Debian python3-sklearn (CC BY 4.0)
#   photos/         12 nature photos (GPL-2+), the backgrounds of the MNIST-M style target <- Debian mate-backgrounds
#   photos-plasma/  11 photographs among KDE's wallpapers (LGPL / CC BY-SA), backgrounds of a second MNIST-M style target <- Debian plasma-workspace-wallpapers
#   photos-ubuntu/  11 photographs among Ubuntu 16.04's wallpapers (CC BY-SA 4.0 / CC BY 4.0), a third <- Debian lomiri-wallpapers-16.04
#   wordnet/        WordNet 3.0 noun index and data (WordNet licence), for hypernym class descriptions <- Debian wordnet-base
#   reuters/        Reuters-21578 corn and grain ARFF files (Weka's examples; the same documents, two label sets) <- Debian weka
#   onnx-node-tests/ ONNX's per-operator test cases (model + inputs + reference outputs; Apache-2.0), the importer's conformance check <- Debian libonnx-testdata
#   hershey/        the 32 Hershey vector fonts (.jhf; Hershey licence: free use with acknowledgement), the few-shot glyphs <- Debian hershey-fonts-data
#   stamp-photos/   168 photographic cut-outs (RGBA PNG, GPL-2) in 5 classes, one folder each, the natural-image backbone set <- Debian tuxpaint-stamps-default
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

# extract_classes PACKAGE TARGET-DIR CLASS=FOLDER...: every PNG under each FOLDER of a Debian package (cartoons and toys
# left out, so that only photographs remain) into TARGET-DIR/CLASS/, as an image folder of folders.
extract_classes() {
  local package=$1 target=$2; shift 2
  [[ -d "$cache/$target" ]] && { echo "$target: present"; return; }
  fetch_deb "$package"
  local unpacked="$work/$package" spec
  mkdir -p "$unpacked"
  dpkg-deb -x "$(deb_of "$package")" "$unpacked"
  for spec in "$@"; do
    mkdir -p "$cache/$target/${spec%%=*}"
    find "$unpacked/${spec#*=}" -name '*.png' -not -path '*cartoon*' -not -path '*toys*' -exec cp {} "$cache/$target/${spec%%=*}/" \;
  done
  echo "$target: fetched from $(basename "$(deb_of "$package")")"
}
# The wallpapers that are photographs (the others are drawn or rendered, and make too easy a background); each KDE
# wallpaper is a folder of sizes of one image, so its 2560x1600 copy is taken under the wallpaper's name.
plasma_photos=(BytheWater ColdRipple ColorfulCups DarkestHour EveningGlow FallenLeaf Grey Kite OneStandsOut Path summer_1am)
if [[ -d "$cache/photos-plasma" ]]; then echo "photos-plasma: present"; else
  fetch_deb plasma-workspace-wallpapers
  mkdir -p "$cache/photos-plasma"
  for name in "${plasma_photos[@]}"; do
    dpkg-deb --fsys-tarfile "$(deb_of plasma-workspace-wallpapers)" | tar -x -O "./usr/share/wallpapers/$name/contents/images/2560x1600.jpg" > "$cache/photos-plasma/$name.jpg"
  done
  echo "photos-plasma: fetched from $(basename "$(deb_of plasma-workspace-wallpapers)")"
fi
extract lomiri-wallpapers-16.04 photos-ubuntu \
  usr/share/backgrounds/Bridge_by_Sander_Klootwijk.jpg usr/share/backgrounds/Dragonfly_by_Bolly.jpg \
  usr/share/backgrounds/Picture_0B_by_freespace.jpg usr/share/backgrounds/Picture_1A_by_freespace.jpg \
  usr/share/backgrounds/Wine_by_Jakkub_Mede.jpg usr/share/backgrounds/aitzgorri_by_Aitzol_Berasategi.jpg \
  usr/share/backgrounds/friends_by_Aitzol_Berasategi.jpg usr/share/backgrounds/life_by_Aitzol_Berasategi.jpg \
  usr/share/backgrounds/picosdeeuropa_by_Aitzol_Berasategi.jpg usr/share/backgrounds/seeding_by_Clements_Engelhardt.jpg \
  usr/share/backgrounds/sunset_by_Aitzol_Berasategi.jpg

extract_classes tuxpaint-stamps-default stamp-photos \
  bird=usr/share/tuxpaint/stamps/animals/birds mammal=usr/share/tuxpaint/stamps/animals/mammals \
  fruit=usr/share/tuxpaint/stamps/food/fruit vegetable=usr/share/tuxpaint/stamps/food/vegetables \
  flower=usr/share/tuxpaint/stamps/plants/flowers

echo "datasets in $cache"
