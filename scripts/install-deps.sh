#!/usr/bin/env bash
# Installs the Debian packages dcplan builds with, when any is missing. Idempotent and
# non-interactive; uses sudo when not run as root. The CUDA toolkit is optional and never
# installed here: when nvcc is present the CUDA backend is built too.
set -euo pipefail

packages=(cmake make g++ ninja-build python3 libcli11-dev catch2 libbenchmark-dev
          libyaml-cpp-dev nlohmann-json3-dev libfmt-dev libthrust-dev
          clang-format clang-tidy  # scripts/lint.sh (CI)
          coinor-cbc python3-scipy  # MILP cross-checks of the portfolio optimizer (CBC; HiGHS in SciPy)
          coinor-libclp-dev coinor-libcgl-dev  # the LP bound and cuts of the schedule search (docs/schedules.md)
          libopenmpi-dev openmpi-bin)  # MPI ranks (docs/distributed.md) and their tests

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "dcplan: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "dcplan: run as root or install sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
