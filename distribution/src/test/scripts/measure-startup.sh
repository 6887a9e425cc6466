#!/bin/sh
# Measures how fast `bin/veilswarm run` comes up and how much memory the node uses.
#
# Usage: measure-startup.sh [DIST_DIR] [RUNS]
#   DIST_DIR  an unpacked distribution (default: distribution/target/veilswarm-*/ next to this script)
#   RUNS      how many cold/warm pairs to run (default 3)
# Environment: JAVA_OPTS replaces the script's JVM flags (e.g. JAVA_OPTS="-XX:+UseG1GC" for JVM defaults),
#              VEILSWARM_JAVA_OPTS adds to them, exactly as for bin/veilswarm.
#
# For each run, on a fresh data directory (cold: the framework cache is empty, every bundle is installed)
# and then again on the same one (warm: cache kept), it reports
#   url_ms    process start -> <data>/console.url written (the console verified its port listens)
#   http_ms   process start -> first HTTP 200 for the management link (303 to /console/, followed)
#   rss_mb    resident set size of the JVM 5 s after the console answered
#   stop_ms   SIGTERM -> process gone
# As a reference measured in the same run (machines are noisy), it also times `java -version`: the bare
# cost of starting a JVM, against which the node's start-up is given as a ratio.
# Needs: sh, curl, python3 (to find a free port). Prints a table; times are wall clock on this machine.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dist=${1:-$(ls -d "$here"/../../../target/veilswarm-*/ 2>/dev/null | head -n 1)}
runs=${2:-3}
if [ -z "$dist" ] || [ ! -x "$dist/bin/veilswarm" ]; then
  echo "measure-startup: no distribution at '${dist:-}': build it first (mvn -pl distribution -am package)" >&2
  exit 1
fi
dist=$(cd "$dist" && pwd)

now_ms() { date +%s%3N; }
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# One start: prints "url_ms http_ms rss_mb stop_ms".
measure() {
  data=$1
  port=$(free_port)
  rm -f "$data/console.url"
  start=$(now_ms)
  "$dist/bin/veilswarm" run --data "$data" --port "$port" >"$data.out" 2>"$data.err" &
  pid=$!
  while [ ! -s "$data/console.url" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "measure-startup: the node exited; see $data.err" >&2
      exit 1
    fi
    sleep 0.02
  done
  url_at=$(now_ms)
  url=$(cat "$data/console.url")
  jar="$data.cookies"
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -L -c "$jar" -b "$jar" "$url" || true)" = 200 ]; do
    sleep 0.02
  done
  http_at=$(now_ms)
  sleep 5
  rss_kb=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status")
  stop_from=$(now_ms)
  kill -TERM "$pid"
  wait "$pid" || true
  stopped=$(now_ms)
  echo "$((url_at - start)) $((http_at - start)) $((rss_kb / 1024)) $((stopped - stop_from))"
}

if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then java=$JAVA_HOME/bin/java; else java=$(command -v java); fi
jvm_ms() {
  best=999999
  for _ in 1 2 3; do
    t0=$(now_ms); "$java" -version >/dev/null 2>&1; t=$(($(now_ms) - t0))
    [ "$t" -lt "$best" ] && best=$t
  done
  echo "$best"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "distribution: $dist"
echo "jvm flags:    ${JAVA_OPTS:-script defaults (bin/veilswarm)} ${VEILSWARM_JAVA_OPTS:-}"
echo "machine:      $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
reference=$(jvm_ms)
echo "reference:    java -version takes $reference ms (best of 3)"
printf '%-6s %-5s %8s %8s %7s %8s %9s\n' run start url_ms http_ms rss_mb stop_ms http/jvm
i=1
while [ "$i" -le "$runs" ]; do
  data="$work/data$i"
  mkdir -p "$data"
  for kind in cold warm; do
    set -- $(measure "$data")
    printf '%-6s %-5s %8s %8s %7s %8s %8s×\n' "$i" "$kind" "$1" "$2" "$3" "$4" \
      "$(awk -v a="$2" -v b="$reference" 'BEGIN { printf "%.1f", a / b }')"
  done
  i=$((i + 1))
done
