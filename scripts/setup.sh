#!/usr/bin/env bash
# Installs what building and testing autows needs on Debian or Ubuntu: LLVM/MLIR 22, LLVM's test tools
# (FileCheck, not), Verilator, Icarus Verilog, Yosys, and a Python venv for test cross-checks.
# Quick and silent when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools libclang-22-dev clang-22 libpolly-22-dev
  libzstd-dev libz3-dev libxml2-dev zlib1g-dev
  verilator iverilog yosys
  python3 python3-venv
  build-essential pkg-config
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: error: cargo is not installed; install a stable Rust toolchain (https://rustup.rs) and run again" >&2
  exit 1
fi

# The venv is rebuilt only when python/requirements.txt changes.
venv=.venv
stamp="$venv/.requirements.sha256"
wanted=$(sha256sum python/requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  echo "setup: creating the Python venv in $venv"
  rm -rf "$venv"
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r python/requirements.txt
  echo "$wanted" > "$stamp"
fi
