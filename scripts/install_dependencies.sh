#!/usr/bin/env bash
# Installs what metahebb needs to build, test and benchmark on Debian bookworm
# (or a derivative). Safe to run again: does nothing when all are installed.
set -euo pipefail

packages=(cmake g++ make libeigen3-dev libxsimd-dev catch2 libbenchmark-dev python3 python3-numpy python3-matplotlib python3-brian)
packages+=(clang libclang-rt-14-dev)  # .ci/run: the clang preset and the libFuzzer targets (tests/fuzz/)
packages+=(libopenmpi-dev openmpi-bin)  # the MPI executor (execution/mpi.hpp) and its tests; ~11 s to install
# Optional, large (libtorch): only benchmarks/fit_rule_torch.py needs it (the PyTorch-autograd
# reference of the rule fits, docs/benchmarks.md), so it is installed on request:
#   scripts/install_dependencies.sh --with-torch
if [[ "${1:-}" == "--with-torch" ]]; then
  packages+=(python3-torch)
elif [[ $# -gt 0 ]]; then
  echo "install_dependencies.sh: unknown argument '$1' (the only one is --with-torch)" >&2
  exit 2
fi

installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install_dependencies.sh: not a Debian system; install by hand: ${packages[*]}" >&2
  exit 1
fi

missing=()
for package in "${packages[@]}"; do
  installed "$package" || missing+=("$package")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install_dependencies.sh: all dependencies are installed"
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install_dependencies.sh: missing ${missing[*]}; run as root (sudo is not available)" >&2
  exit 1
fi

echo "install_dependencies.sh: installing ${missing[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${packages[@]}"
