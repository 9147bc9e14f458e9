#!/usr/bin/env bash
# Browser tests need Chromium and a matching ChromeDriver on PATH.
# Installs Debian's packages when they are missing and we may (root with apt-get);
# otherwise stops and says exactly what to install.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }

if have chromedriver && { have chromium || have chromium-browser || have google-chrome; }; then
    exit 0
fi

if [ "$(id -u)" = "0" ] && have apt-get; then
    echo "Chromium or ChromeDriver is missing: installing Debian's chromium and chromium-driver..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    have chromedriver && have chromium && exit 0
    echo "Installing chromium and chromium-driver did not put both on PATH." >&2
    exit 1
fi

cat >&2 <<'MSG'
The browser tests need Chromium and ChromeDriver, and this script may not install them
(it installs only as root on a Debian-like system with apt-get).
Install them, then run `make test` again:
    Debian/Ubuntu:  sudo apt-get install chromium chromium-driver
    elsewhere:      a Chromium or Chrome and the ChromeDriver of the same version, both on PATH
MSG
exit 1
