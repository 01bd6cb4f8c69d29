#!/usr/bin/env bash
# Installs the system libraries slimtrace builds against, with apt-get, only when missing.
#
#   bash scripts/install-deps.sh             # libopenblas-dev (the Tensor runtime's BLAS),
#                                            # zlib1g-dev (inflate for the .keras zip reader), and
#                                            # pkg-config when there is none (SwiftPM reads openblas.pc)
#   bash scripts/install-deps.sh benchmarks  # also libjemalloc-dev (package-benchmark, Benchmarks/)
#
# Nothing is installed (and apt-get is not run) when every package is already present.
# Runs apt-get directly as root, through sudo otherwise.
set -euo pipefail

packages=(libopenblas-dev zlib1g-dev)
for argument in "$@"; do
    case "$argument" in
        benchmarks|--benchmarks) packages+=(libjemalloc-dev) ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install-deps.sh: unknown argument '$argument' (expected: benchmarks)" >&2; exit 2 ;;
    esac
done

missing=()
if ! command -v pkg-config >/dev/null 2>&1; then
    missing+=(pkg-config)
fi
for package in "${packages[@]}"; do
    if ! dpkg -s "$package" 2>/dev/null | grep -q '^Status: install ok installed'; then
        missing+=("$package")
    fi
done
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps.sh: missing ${missing[*]} and apt-get is not available; install them with your package manager" >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "install-deps.sh: missing ${missing[*]}; run as root or install sudo" >&2
    exit 1
fi

echo "install-deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
