#!/usr/bin/env bash
# Installs the Debian 12 packages pfsim needs to build, test and plot.
# Idempotent: apt-get runs only when a package is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build git pkg-config
  libtbb-dev libeigen3-dev libboost-dev libhdf5-dev zlib1g-dev libtomlplusplus-dev
  libcli11-dev libfmt-dev catch2 librandom123-dev libbenchmark-dev nlohmann-json3-dev libnlopt-dev
  python3-numpy python3-h5py python3-matplotlib python3-pandas python3-xarray python3-h5netcdf python3-jsonschema
  chromium fonts-dejavu-core
  openmpi-bin libopenmpi-dev
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
