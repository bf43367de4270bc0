# Shared helpers for the scripts in this folder (sourced, not run).

log() { printf 'hifa-setup: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Run as root directly, through sudo otherwise.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# apt_install PKG...: installs the packages that are not installed yet (apt-get update once first).
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# The Debian packages hifa builds with (toolchain, toolkit, trainer, tests, benchmarks).
install_hifa_packages() {
  apt_install g++ cmake ninja-build ccache pkg-config ca-certificates \
    libeigen3-dev libtrilinos-kokkos-dev libcgal-dev libtinyobjloader-dev \
    libtorch-dev libgloo-dev libopenblas0-openmp libbenchmark-dev catch2 \
    libyaml-cpp-dev libcli11-dev libstb-dev nlohmann-json3-dev libassimp-dev libzip-dev libtinygltf-dev unzip \
    python3-numpy curl chromium
}

# The 3D viewer of hifa report's pages: npm's @google/model-viewer (its UMD build has three.js
# inside and loads from file://), fetched from the npm registry as the pinned tarball and checked
# against the registry's sha512, unpacked into .deps/npm/node_modules/@google/model-viewer (where
# trainer/report/report_page.cpp looks). No npm needed.
model_viewer_version=4.4.0
model_viewer_sha512=f33d52079b0f9732a86a4e66771fc3df56eb05a90f626dd08b7d447c0b9c1c052bb6b1c709b69bca990abd2c11798854a4f6b1c89e3aa13e3bb9613f86bb3567
install_model_viewer() {
  local root=$1 dest="$1/.deps/npm/node_modules/@google/model-viewer"
  [ -f "$dest/dist/model-viewer-umd.min.js" ] && grep -q "\"version\": \"$model_viewer_version\"" "$dest/package.json" && return 0
  log "fetching @google/model-viewer $model_viewer_version from the npm registry"
  local tmp
  tmp=$(mktemp -d)
  curl -fsSL --retry 3 -o "$tmp/viewer.tgz" \
    "https://registry.npmjs.org/@google/model-viewer/-/model-viewer-$model_viewer_version.tgz" || die "cannot download @google/model-viewer"
  echo "$model_viewer_sha512  $tmp/viewer.tgz" | sha512sum -c --quiet - || die "@google/model-viewer: checksum mismatch"
  tar -xzf "$tmp/viewer.tgz" -C "$tmp"
  rm -rf "$dest"
  mkdir -p "$(dirname "$dest")"
  mv "$tmp/package" "$dest"
  rm -rf "$tmp"
}
