#!/usr/bin/env bash
# Times `npm run verify` against a real local Kafka broker and the same round trip with kcat (drill 3 of the
# seed: `kcat -L`, produce 'hello from the dojo', consume from the beginning with -e).
#
#   bash bench/verify-vs-kcat.sh [runs]      (default 5 runs each; prints min / median in ms)
#
# Needs Java 17 + Maven (the broker of scripts/live/kafka.js; jars cached after the first run) and kcat
# (Debian: apt-get install kcat). Starts its own broker on 127.0.0.1 and stops it on exit.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
RUNS="${1:-5}"

command -v kcat >/dev/null 2>&1 || { echo "kcat is not installed (Debian: apt-get install kcat)" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/cdk8s-datastream-bench.XXXXXX")"
broker_pid=""
cleanup() {
  if [[ -n "$broker_pid" ]] && kill -0 "$broker_pid" 2>/dev/null; then
    kill -TERM "$broker_pid" 2>/dev/null
    for _ in $(seq 1 40); do kill -0 "$broker_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$broker_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

KAFKA_HARNESS_QUIET=1 node scripts/live/kafka.js run > "$work/state.json" 2> "$work/broker.err" &
broker_pid=$!
for _ in $(seq 1 240); do [[ -s "$work/state.json" ]] && break; kill -0 "$broker_pid" 2>/dev/null || break; sleep 0.5; done
[[ -s "$work/state.json" ]] || { echo "the Kafka broker did not start:" >&2; cat "$work/broker.err" >&2; exit 1; }
B="$(node -e "console.log(require('$work/state.json').bootstrap)")"
V="$(node -e "console.log(require('$work/state.json').version)")"
node -e "require('./scripts/ts-run').bundle('verify/main.ts')" # warm the bundle cache, as after a first `npm run verify`

ms() { echo $(( $(date +%s%N) / 1000000 )); }
stats() { sort -n | awk '{a[NR]=$1} END {printf "min %5d ms   median %5d ms   (n=%d)\n", a[1], (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)), NR}'; }

time_verify() { # args...
  local t0 t1
  t0=$(ms); node scripts/verify.js --no-kube --kafka-bootstrap "$B" "$@" > "$work/v.out" 2>&1 || { cat "$work/v.out" >&2; echo "verify failed" >&2; exit 1; }
  t1=$(ms); echo $(( t1 - t0 ))
}

time_kcat() { # [topic]  (default: a new topic, auto-created by the first produce, as in the seed's first run)
  local t0 t1 topic="${1:-kcat-bench-$RANDOM$RANDOM}"
  t0=$(ms)
  kcat -b "$B" -L > /dev/null || exit 1
  kcat -b "$B" -t "$topic" -P <<<'hello from the dojo' || exit 1
  kcat -b "$B" -t "$topic" -C -o beginning -e -q > "$work/k.out" || exit 1
  t1=$(ms)
  grep -qx 'hello from the dojo' "$work/k.out" || { echo "kcat did not read the message back" >&2; exit 1; }
  echo $(( t1 - t0 ))
}

echo "Kafka ${V} on ${B} (1 broker, KRaft); $(nproc) CPUs; node $(node -v); kcat $(kcat -V 2>&1 | sed -n 's/^Version \([^ ]*\).*librdkafka \([^ ]*\).*/\1 (librdkafka \2)/p')"
time_verify --only kafka > /dev/null   # first run creates __consumer_offsets; not counted
time_kcat kcat-bench-existing > /dev/null

printf '%-74s' "kcat: -L + produce + consume -o beginning -e (new topic, auto-created)"
for _ in $(seq 1 "$RUNS"); do time_kcat; done | stats
printf '%-74s' "kcat: the same on an existing topic"
for _ in $(seq 1 "$RUNS"); do time_kcat kcat-bench-existing; done | stats
printf '%-74s' "verify --only kafka (metadata + produce/consume, own topic, cleanup)"
for _ in $(seq 1 "$RUNS"); do time_verify --only kafka; done | stats
printf '%-74s' "verify --only kafka --topic dojo-test (the seed's exact drill)"
for _ in $(seq 1 "$RUNS"); do time_verify --only kafka --topic dojo-test; done | stats
printf '%-74s' "verify, all Kafka checks (+ durability, 1000 msgs acks=all)"
for _ in $(seq 1 "$RUNS"); do time_verify --skip qdrant; done | stats
printf '%-74s' "verify, all Kafka checks (+ durability, 10000 msgs acks=all)"
for _ in $(seq 1 "$RUNS"); do time_verify --skip qdrant --durability-messages 10000; done | stats
node scripts/verify.js --no-kube --kafka-bootstrap "$B" --skip qdrant --durability-messages 10000 --json 2>/dev/null |
  node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8"));const d=r.checks.find(c=>c.id==="kafka.durability").data;
  console.log(`durability figures (10000 msgs): produce ${d.produceMs} ms (${d.producePerSec} msg/s), read back ${d.consumeMs} ms, lost ${d.lost}, duplicated ${d.duplicated}, out of order ${d.outOfOrder}`)'
echo "(wall-clock per process, including Node start-up and the bundle load; the broker and cache are warm)"
