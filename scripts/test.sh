#!/usr/bin/env bash
# Installs what the test suite needs (when missing) and runs the whole suite: `mvn -B verify`.
#
# Needs: a JDK 17+, Maven 3.8+, and root (or sudo) for the Debian packages below on a fresh machine.
# Reference peers and tools the tests drive for real:
#   chromium, chromium-driver  the console's browser tests (Selenium drives /usr/bin/chromium)
#   python3-libtorrent         metainfo, peerwire and tracker interop tests (libtorrent 2.0, run with /usr/bin/python3)
#   opentracker                tracker interop tests (our TrackerClient against a real opentracker)
#   tor                        tor transport tests (control-port client and TorProcess against a real C tor, DisableNetwork 1)
#   postgresql                 JDBC tracker store tests (initdb + postgres on 127.0.0.1 in a temp dir, as user postgres)
# A test whose reference peer is missing fails and says how to install it; it never skips silently.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(chromium chromium-driver python3-libtorrent opentracker tor postgresql)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "test.sh: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  # Packages such as tor and opentracker would start system daemons on install (tor would then reach the
  # real Tor network). The tests start their own processes on loopback, so no package may start anything:
  # a policy-rc.d that refuses every start (Debian's invoke-rc.d convention), unless one is already there.
  policy=/usr/sbin/policy-rc.d
  created_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
    created_policy=yes
    trap '$SUDO rm -f "$policy"' EXIT   # also when the install fails
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  if [ -n "$created_policy" ]; then
    $SUDO rm -f "$policy"
    trap - EXIT
  fi
fi

exec mvn -B verify "$@"
