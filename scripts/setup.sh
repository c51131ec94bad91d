#!/usr/bin/env bash
# setup.sh — install what the build and the tests need, and nothing twice.
#
# 1. Debian packages: checked with dpkg first, so a second run costs nothing;
#    missing ones are installed with apt-get (root is expected, or sudo).
# 2. .venv/: a project-local virtualenv with the pinned tools from
#    tests/requirements.txt; reinstalled only when that file changes.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES=(
    build-essential pkg-config clang llvm libclang-rt-dev
    libzstd-dev libsnappy-dev liblz4-dev zlib1g-dev libbrotli-dev
    libjansson-dev libmicrohttpd-dev libsqlite3-dev libsodium-dev libcurl4-openssl-dev
    libpcre2-dev libutf8proc-dev
    python3 python3-venv tzdata
)

missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
if ((${#missing[@]})); then
    echo "setup: installing Debian packages: ${missing[*]}"
    SUDO=""
    [[ $(id -u) -eq 0 ]] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
stamp=.venv/.requirements.sha
want=$(sha256sum tests/requirements.txt | cut -d' ' -f1)
if [[ ! -x .venv/bin/python || ! -f $stamp || "$(cat $stamp)" != "$want" ]]; then
    echo "setup: preparing .venv (tests/requirements.txt)"
    [[ -x .venv/bin/python ]] || "$PY" -m venv .venv
    .venv/bin/python -m pip install -q --disable-pip-version-check -r tests/requirements.txt
    echo "$want" > "$stamp"
fi
