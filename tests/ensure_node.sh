#!/usr/bin/env bash
# The parity test runs the page's own pass (assets/instant.js) under Node, with no browser.
# Installs Debian's nodejs when it is missing and we may (root with apt-get); otherwise stops
# and says exactly what to install.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }

if have node || have nodejs; then
    exit 0
fi

if [ "$(id -u)" = "0" ] && have apt-get; then
    echo "Node is missing: installing Debian's nodejs..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >/dev/null
    { have node || have nodejs; } && exit 0
    echo "Installing nodejs did not put node on PATH." >&2
    exit 1
fi

cat >&2 <<'MSG'
tests/components/test_instant_parity.py needs Node (any version from 12 on), and this script may
not install it (it installs only as root on a Debian-like system with apt-get).
Install it, then run `make test` again:
    Debian/Ubuntu:  sudo apt-get install nodejs
    elsewhere:      https://nodejs.org, or your system's package manager
MSG
exit 1
