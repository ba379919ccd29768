#!/usr/bin/env bash
# Installs everything datamesh needs to build and test on a bare Debian 12 (bookworm),
# from Debian's own packages only. Idempotent: no apt call when everything is present.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

packages=(
  # toolchain (clang and its runtimes: the sanitizer and libFuzzer builds of scripts/sanitize.sh
  # and scripts/fuzz.sh)
  g++ cmake make pkg-config ccache git ca-certificates clang libclang-rt-14-dev
  # libraries
  libabsl-dev libsqlite3-dev libpq-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libpcre2-dev libssl-dev libmicrohttpd-dev libgnutls28-dev libcpp-httplib-dev
  libcurl4-openssl-dev libpugixml-dev libsimdjson-dev zlib1g-dev
  # tcmalloc, the datamesh command's allocator (src/CMakeLists.txt)
  libgoogle-perftools-dev
  # the Python package data_mesh_util (python/, docs/PYTHON.md)
  pybind11-dev python3-dev
  # tests and benchmarks (postgresql: the throwaway server of the PostgreSQL tests; openssl:
  # the certificate of tests/support/server_endpoint.sh's HTTPS server)
  libgtest-dev libgmock-dev libbenchmark-dev sqlite3 postgresql python3 wrk openssl
  # the pytest suites against moto (moto and boto3 themselves are not Debian packages)
  python3-pytest
  # the web console's browser suite (tests/console) drives Debian's chromium with
  # playwright-core
  chromium
)

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# The web console (console/, docs/CONSOLE.md) is built with npm from its lock file at build
# time. Debian's nodejs and npm when no node and npm are on PATH: a Node.js installed otherwise
# (NodeSource's nodejs package carries npm and conflicts with Debian's) is used as it is.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends --no-upgrade "${missing[@]}"
fi
