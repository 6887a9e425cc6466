#!/usr/bin/env bash
# The main job: builds Veilswarm (tests skipped) and runs a local test network on 127.0.0.1 (docs/testnet.md):
# 8 node processes, 3 of them directory authorities, every one a relay. Waits until the directory is ready,
# prints every node's console URL, runs until Ctrl-C (which stops every node). Extra arguments go to
# `veilswarm testnet` (for example --nodes 6 --dir /tmp/testnet --base-port 20000).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -DskipTests
dist=$(ls -d distribution/target/veilswarm-*/ | grep -v '\.tar' | head -n 1)
exec "${dist}bin/veilswarm" testnet "$@"
