#!/bin/bash
# Issue #5 benchmark, docs/performance.md "Onion services": the native onion services (OnionServiceBenchTest:
# 8 relays in one JVM, listen -> reachable, connect latency, echo throughput against direct TCP, K=2) and then,
# in the same run of this script on the same machine, C tor onion services in a private tor network
# (transports/tor TorTransportPrivateNetworkIT, needs the Debian package tor). Offline Maven; run from anywhere.
# MIB=64 (default) sets the size echoed through the native services and sent one way in each direction
# (client -> service, service -> client: like for like with the C tor IT, which times one direction at a time);
# ROUNDS=2 (default) sets the echo rounds.
set -euo pipefail
cd "$(dirname "$0")/../../.."
MIB=${MIB:-64}
ROUNDS=${ROUNDS:-2}
mvn -B -o -q -pl transports/onion,transports/tor -am install -DskipTests
echo "== native onion services ($(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg))"
mvn -B -o -pl transports/onion -Pbench surefire:test -Dtest=OnionServiceBenchTest -Donion.service.benchMiB="$MIB" \
    -Donion.service.benchRounds="$ROUNDS" \
    | grep -E '^BENCH|Tests run:|FAIL'
echo "== C tor onion services ($(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg))"
mvn -B -o -pl transports/tor -Ptor-network verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=TorTransportPrivateNetworkIT | grep -E '^TOR-TRANSPORT network|Tests run:|FAIL'
