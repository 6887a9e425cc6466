#!/bin/bash
# Issue #5 benchmark, docs/performance.md "Onion services": the native onion services (OnionServiceBenchTest:
# 8 relays in one JVM, listen -> reachable, connect latency, echo throughput against direct TCP, K=2) and then,
# in the same run of this script on the same machine, C tor onion services in a private tor network
# (transports/tor TorTransportPrivateNetworkIT, needs the Debian package tor). Offline Maven; run from anywhere.
# MIB=64 (default) sets the size echoed through the native services and sent one way in each direction
# (client -> service, service -> client: like for like with the C tor IT, which times one direction at a time);
# ROUNDS=2 (default) sets the echo rounds. The C tor IT moves the same MIB each way (-Dtor.network.fileMiB).
# ONEWAY=2 (default) sets the one-direction rounds of the native part (round 0 is the JIT warm-up); the JVM's C2
# compiler is still busy with the data path through round 1 (docs/performance.md, "Onion services", session 8), ONEWAY=4 also shows
# the steady state of a warm JVM (rounds 2-3).
# LOOPS=node (default: one event loop thread per relay and per node, as C tor has one process each) or
# LOOPS=shared (the whole native network on 2 threads, the layout before session 5).
# FLOW=cc (default: proposal 324 congestion control on the rendezvous circuits, session 10 on) or FLOW=fixed
# (tor-spec §7's fixed windows, as every run before session 10).
# JVM_ARGS adds options to the native bench's JVM, e.g. JVM_ARGS=-XX:StartFlightRecording=settings=profile,filename=/tmp/b.jfr
set -euo pipefail
cd "$(dirname "$0")/../../.."
MIB=${MIB:-64}
ROUNDS=${ROUNDS:-2}
ONEWAY=${ONEWAY:-2}
LOOPS=${LOOPS:-node}
JVM_ARGS=${JVM_ARGS:-}
FLOW=${FLOW:-cc}
mvn -B -o -q -pl transports/onion,transports/tor -am install -DskipTests
echo "== native onion services, flow control $FLOW ($(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg))"
mvn -B -o -pl transports/onion -Pbench surefire:test -Dtest=OnionServiceBenchTest -Donion.service.benchMiB="$MIB" \
    -Donion.service.benchRounds="$ROUNDS" -Donion.service.benchOneWayRounds="$ONEWAY" -Donion.service.benchLoops="$LOOPS" -Donion.service.benchFlowControl="$FLOW" -Donion.bench.jvmArgs="$JVM_ARGS" \
    | grep -E '^BENCH|Tests run:|FAIL'
echo "== C tor onion services ($(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg))"
mvn -B -o -pl transports/tor -Ptor-network verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=TorTransportPrivateNetworkIT -Dtor.network.fileMiB="$MIB" | grep -E '^TOR-TRANSPORT network|Tests run:|FAIL'
