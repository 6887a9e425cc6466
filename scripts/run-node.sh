#!/usr/bin/env bash
# Builds Veilswarm (tests skipped) and runs one node on embedded defaults: data in ~/.veilswarm,
# console on http://127.0.0.1:8427. The console URL with its management token is printed on start.
# Extra arguments go to `veilswarm run` (for example --data /tmp/node1 --port 8500). Ctrl-C stops the node.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -DskipTests
dist=$(ls -d distribution/target/veilswarm-*/ | grep -v '\.tar' | head -n 1)
exec "${dist}bin/veilswarm" run "$@"
