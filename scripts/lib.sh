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
    python3-numpy
}
