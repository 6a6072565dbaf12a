#!/usr/bin/env bash
# Live tier entry point (`npm run test:live`): `npm run verify` against real software it starts itself —
#   * an Apache Kafka 4.x broker in KRaft mode on 127.0.0.1 (jars resolved from Maven Central with Maven, cached
#     under ${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-datastream/kafka/<version>/), with PLAINTEXT, SASL/SCRAM and TLS
#     listeners;
#   * the cluster tier's kube-apiserver + etcd (scripts/cluster/build.sh, cached) for the Kubernetes checks;
#   * stand-ins, clearly named, where no real server can run here: Qdrant's REST API, Ollama's embeddings API,
#     and the kubelet's port-forward streaming.
# Needs Java 17+, Maven (Maven Central reachable the first time), Go (only if the kube-apiserver is not cached).
# If any of that is missing or the broker cannot start, the tier FAILS with the reason; nothing is skipped.
#
# Extra arguments go to jest (e.g. `-t durability`). Env: KAFKA_VERSION (default pinned in scripts/live/kafka.js,
# "latest" = newest 4.x), DATASTREAM_JEST_JSON=<file> (jest --json report), LIVE_TIMEOUT_MIN (default 60).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1

fail() { echo "[live-tier] FAILED: $*" >&2; exit 1; }
log() { echo "[live-tier] $*" >&2; }

for tool in node java mvn keytool; do
  command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is not on PATH: the live tier runs a real Kafka broker (needs Java 17+ and Maven; Debian: apt-get install openjdk-17-jre-headless maven)"
done
java_major="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
[[ -n "$java_major" && "$java_major" -ge 17 ]] || fail "Kafka 4.x needs Java 17 or newer (java -version: $(java -version 2>&1 | head -1))"
[[ -f node_modules/jest/bin/jest.js ]] || fail "node_modules is missing: run npm ci first"

LIVE_TMPDIR="$(mktemp -d "${TMPDIR:-/tmp}/cdk8s-datastream-live-tier.XXXXXX")" || fail "mktemp failed"
jest_pid=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$jest_pid" ]] && kill -0 "$jest_pid" 2>/dev/null; then
    kill -TERM "$jest_pid" 2>/dev/null
    for _ in $(seq 1 20); do kill -0 "$jest_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$jest_pid" 2>/dev/null
  fi
  # Brokers started by this run live under our private temp dir and record their pid there.
  local f pid
  for f in "$LIVE_TMPDIR"/cdk8s-datastream-kafka-*/broker.pid "$LIVE_TMPDIR"/cdk8s-datastream-kafka-*/node-*/broker.pid; do
    [[ -f "$f" ]] || continue
    pid="$(cat "$f")"
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      log "stopping leftover broker pid $pid"
      kill -TERM "$pid" 2>/dev/null; sleep 3; kill -KILL "$pid" 2>/dev/null
    fi
  done
  # The cluster tier's etcd and kube-apiserver, started by the Kubernetes tests, keep their data under our temp dir.
  local pids
  pids="$(pgrep -f -- "--data-dir=$LIVE_TMPDIR/|--cert-dir=$LIVE_TMPDIR/" || true)"
  if [[ -n "$pids" ]]; then
    log "stopping leftover API server/etcd pids $(echo $pids)"
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null; sleep 2
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null
  fi
  rm -rf "$LIVE_TMPDIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start=$(date +%s)
# 1. Resolve the broker's jars before jest starts, so a slow first download is not inside a test timeout.
t0=$(date +%s)
kafka_line="$(timeout 1500 node scripts/live/kafka.js fetch)" || fail "could not resolve the Kafka broker jars with Maven (see above)"
log "Kafka jars: ${kafka_line} ($(( $(date +%s) - t0 ))s)"
# 2. Bundle verify once (what `npm run verify` runs), outside the timed tests.
node -e "require('./scripts/ts-run').bundle('verify/main.ts')" || fail "bundling verify/main.ts failed"

jest_args=(-c test/live/jest.config.js --runInBand)
if [[ -n "${DATASTREAM_JEST_JSON:-}" ]]; then
  mkdir -p "$(dirname "$DATASTREAM_JEST_JSON")"
  jest_args+=(--json "--outputFile=$DATASTREAM_JEST_JSON")
fi
[[ -n "${CI:-}" ]] && jest_args+=(--ci)

# The broker and the cluster tier's servers put their temp dirs under $TMPDIR: ours, removed on exit.
TMPDIR="$LIVE_TMPDIR" CLUSTER_TMPDIR="$LIVE_TMPDIR" timeout $(( ${LIVE_TIMEOUT_MIN:-60} * 60 )) \
  node node_modules/jest/bin/jest.js "${jest_args[@]}" "$@" &
jest_pid=$!
wait "$jest_pid"
rc=$?
jest_pid=""
[[ $rc -eq 124 ]] && log "jest did not finish within ${LIVE_TIMEOUT_MIN:-60} min"
log "jest exit $rc after $(( $(date +%s) - start ))s"
exit "$rc"
