#!/usr/bin/env bash
# Installs whichever of pm's Debian build dependencies are missing. Idempotent, and silent
# when everything is present. Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake
  libboost-dev libboost-math-dev   # Spirit X3 (header-only), Boost.Math special functions
  libeigen3-dev                    # tensors, GEMM
  libcli11-dev                     # the command line
  doctest-dev                      # unit tests
  nlohmann-json3-dev               # data and --json output
  libfmt-dev                       # formatting
  libstb-dev                       # PNG output (stb_image_write)
  graphviz                         # rendering `pm graph` output in docs and tests
  clang libclang-rt-14-dev         # libFuzzer and sanitizer runtimes for the fuzz smoke test
  python3                          # end-to-end CLI tests read --json output with it
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
