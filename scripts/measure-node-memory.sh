#!/usr/bin/env bash
# Node memory on a local testnet (docs/performance.md, "Node memory"): six nodes of an installed distribution,
# VmRSS of each 30 s after ready, then node 2 shares a folder of two random files, node 6 downloads it by link
# while every node's VmRSS is sampled twice a second; prints the peaks, checks SHA-256 and tears down.
#
#   scripts/measure-node-memory.sh [--dist DIR] [--base-port P] [--mib N] [--out DIR] [--diag] [--label L]
#
#   --dist       an unpacked distribution (default: distribution/target/veilswarm-*/ of this checkout; build it with
#                mvn -B install -DskipTests -pl distribution -am)
#   --base-port  first of the testnet's ports (default 22100; keep it below 32768, this machine's ephemeral range)
#   --mib        size of the shared folder (default 16)
#   --features   the nodes' features, as `veilswarm testnet --features` takes them (default: the testnet's own)
#   --scheme     the directory scheme, as `veilswarm testnet --scheme` takes it: consensus (default) or merkle
#   --diag       also save, for nodes 2, 4 and 6 at ready, after the share and after the download: smaps, status,
#                NMT summary (when the nodes run with -XX:NativeMemoryTracking=summary), class histogram (it
#                runs a full collection, so the peak of a --diag run is not comparable), class loader stats,
#                loaded classes and threads
#   environment: VEILSWARM_TESTNET_JAVA_OPTS replaces the nodes' JVM flags (as for `veilswarm testnet`)
#
# Run one at a time (the figures are RSS of processes sharing 2 cores); CI does not run it.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIST=""; BASE_PORT=22100; MIB=16; OUT=""; DIAG=0; LABEL=run; FEATURES=""; SCHEME=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dist) DIST=$2; shift 2 ;;
    --base-port) BASE_PORT=$2; shift 2 ;;
    --mib) MIB=$2; shift 2 ;;
    --features) FEATURES=$2; shift 2 ;;
    --scheme) SCHEME=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --diag) DIAG=1; shift ;;
    --label) LABEL=$2; shift 2 ;;
    *) echo "unknown option $1 (see the head of $0)" >&2; exit 2 ;;
  esac
done
if [ -z "$DIST" ]; then
  DIST=$(ls -d "$ROOT"/distribution/target/veilswarm-*/ 2>/dev/null | head -1 || true)
fi
if [ -z "$DIST" ] || [ ! -x "$DIST/bin/veilswarm" ]; then
  echo "no distribution: build one with 'mvn -B install -DskipTests -pl distribution -am' or pass --dist" >&2
  exit 2
fi
OUT=${OUT:-$(mktemp -d /tmp/veilswarm-memory-XXXXXX)}
mkdir -p "$OUT"
W="$OUT/$LABEL"; rm -rf "$W"; mkdir -p "$W"
LOG="$OUT/$LABEL.txt"; : > "$LOG"
log() { echo "$*" | tee -a "$LOG"; }

SHARE="$W/share"; mkdir -p "$SHARE"
head -c $((MIB * 524288)) /dev/urandom > "$SHARE/a.bin"
head -c $((MIB * 524288)) /dev/urandom > "$SHARE/b.bin"

( while :; do cut -d' ' -f1 /proc/loadavg; sleep 5; done ) > "$W/load.txt" & LOADPID=$!
TNPID=""; SAMPID=""
cleanup() {
  [ -n "$SAMPID" ] && kill "$SAMPID" 2>/dev/null || true
  if [ -n "$TNPID" ] && kill -0 "$TNPID" 2>/dev/null; then
    kill "$TNPID"; for _ in $(seq 1 120); do kill -0 "$TNPID" 2>/dev/null || break; sleep 0.5; done
  fi
  kill "$LOADPID" 2>/dev/null || true
}
trap cleanup EXIT

log "$LABEL: $MIB MiB, base port $BASE_PORT, $(date -u +%FT%TZ), flags: ${VEILSWARM_TESTNET_JAVA_OPTS:-the testnet default profile}, features: ${FEATURES:-the testnet default}, scheme: ${SCHEME:-consensus}"
"$DIST/bin/veilswarm" testnet --nodes 6 --dir "$W/T" --base-port "$BASE_PORT" --timeout 600 \
  ${FEATURES:+--features "$FEATURES"} ${SCHEME:+--scheme "$SCHEME"} > "$W/testnet.log" 2>&1 &
TNPID=$!
for _ in $(seq 1 1200); do
  grep -q '^Data:' "$W/testnet.log" && break
  kill -0 "$TNPID" 2>/dev/null || break
  sleep 0.5
done
if ! grep -q '^Data:' "$W/testnet.log"; then
  log "the testnet did not get ready:"; tail -20 "$W/testnet.log" | tee -a "$LOG"; exit 1
fi
log "$(grep 'ready in' "$W/testnet.log")"
PIDS=(); for n in 1 2 3 4 5 6; do PIDS+=("$(cat "$W/T/node-$n/node.pid")"); done
rss() { for p in "${PIDS[@]}"; do awk '/^VmRSS/{printf "%.1f ", $2*1.024/1000}' "/proc/$p/status"; done; }
threads() { for p in "${PIDS[@]}"; do awk '/^Threads/{printf "%s ", $2}' "/proc/$p/status"; done; }
cpu() { for p in "${PIDS[@]}"; do awk '{printf "%.1f ", ($14+$15)/100}' "/proc/$p/stat"; done; }
snapshot() { # $1: moment
  [ "$DIAG" = 1 ] || return 0
  for n in 2 4 6; do
    p=${PIDS[$((n-1))]}; d="$W/diag/node-$n-$1"; mkdir -p "$d"
    cp "/proc/$p/smaps" "$d/smaps"; cp "/proc/$p/status" "$d/status"
    jcmd "$p" VM.native_memory summary > "$d/nmt.txt" 2>&1 || true
    jcmd "$p" GC.class_histogram > "$d/histogram.txt" 2>&1 || true
    jcmd "$p" VM.classloader_stats > "$d/classloaders.txt" 2>&1 || true
    jcmd "$p" VM.classloaders show-classes > "$d/classes.txt" 2>&1 || true
    jcmd "$p" Thread.print > "$d/threads.txt" 2>&1 || true
  done
}
log "CPU to ready per node (s): $(cpu)"
sleep 30
log "ready+30 s, VmRSS (MB) of nodes 1-6: $(rss)"
log "ready+30 s, threads: $(threads)"
snapshot ready

LINK=$("$DIST/bin/veilswarm" share "$SHARE" --data "$W/T/node-2" --yes 2>&1 | tee "$W/share.log" | grep -o 'http://[^ ]*' | head -1 || true)
if [ -z "$LINK" ]; then log "the share failed:"; tail -5 "$W/share.log" | tee -a "$LOG"; exit 1; fi
log "after the share, VmRSS (MB): $(rss)"
snapshot shared

( while :; do echo "$(rss)"; sleep 0.5; done ) > "$W/samples.txt" & SAMPID=$!
C0=$(cpu | awk '{for(i=1;i<=NF;i++) s+=$i; print s}'); T0=$(date +%s.%N)
"$DIST/bin/veilswarm" get "$LINK" --data "$W/T/node-6" --dir "$W/out" > "$W/get.log" 2>&1 || { log "the download failed:"; tail -5 "$W/get.log" | tee -a "$LOG"; exit 1; }
T1=$(date +%s.%N); C1=$(cpu | awk '{for(i=1;i<=NF;i++) s+=$i; print s}')
sleep 0.5; kill "$SAMPID"; wait "$SAMPID" 2>/dev/null || true; SAMPID=""
log "download: $(echo "$T1 - $T0" | bc) s, CPU of the six nodes meanwhile $(echo "$C1 - $C0" | bc) s"
log "peak VmRSS (MB) during the download: $(awk '{for(i=1;i<=NF;i++) if($i>m[i]) m[i]=$i} END{for(i=1;i<=6;i++) printf "%.1f ", m[i]}' "$W/samples.txt")"
log "after the download, VmRSS (MB): $(rss)"
for n in 2 6; do
  # old generation committed (OC) and used (OU), young and full collections so far (SerialGC columns)
  log "node $n after the download, jstat -gc: $(jstat -gc "${PIDS[$((n-1))]}" 2>/dev/null | awk 'NR==2{print "OC", $7, "OU", $8, "YGC", $13, "FGC", $15}')"
  # JIT compilations since start and their total time (s): with the profile's small code cache C1 compiles flushed
  # methods again (docs/performance.md, "Node memory", session 23)
  log "node $n after the download, jstat -compiler: $(jstat -compiler "${PIDS[$((n-1))]}" 2>/dev/null | awk 'NR==2{print "compiled", $1, "time", $4}')"
done
snapshot after
ok=yes
for f in a.bin b.bin; do
  got=$(find "$W/out" -name "$f" | head -1)
  if [ -z "$got" ] || [ "$(sha256sum < "$SHARE/$f")" != "$(sha256sum < "$got")" ]; then ok=no; fi
done
log "SHA-256 of both files match: $ok"
log "load average (1 min), lowest and highest: $(sort -n "$W/load.txt" | sed -n '1p;$p' | tr '\n' ' ')"
[ "$ok" = yes ]
