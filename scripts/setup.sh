#!/usr/bin/env bash
# Installs, with apt-get, the Debian 12 packages the project needs and that are
# missing. Idempotent and quiet when everything is there. Run as root (or with sudo).
set -euo pipefail

packages=(
  build-essential cmake pkg-config git python3
  libxapian-dev xapian-tools libicu-dev nlohmann-json3-dev libcpp-httplib-dev
  zlib1g-dev libjemalloc-dev libgtest-dev libgmock-dev libbenchmark-dev
)
# Extra groups, asked for by name: `setup.sh browser` adds what the page tests need,
# `fuzz` clang and libFuzzer (tests/fuzz/run.sh), `load` wrk and curl (bench/load.sh).
for group in "$@"; do
  case "$group" in
    # npm only when missing: a nodejs from another source (NodeSource) bundles it
    # and conflicts with Debian's npm package.
    browser) packages+=(chromium nodejs); command -v npm >/dev/null || packages+=(npm) ;;
    # libFuzzer is only a recommendation of clang: --no-install-recommends skips it.
    fuzz) packages+=(clang libclang-rt-14-dev) ;;
    load) packages+=(wrk curl) ;;
    *) echo "setup.sh: unknown group '$group'" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
