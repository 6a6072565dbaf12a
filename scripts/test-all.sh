#!/usr/bin/env bash
# The README's test command (`npm run test:all`): every tier, on a fresh machine, starting what it needs.
#   1. build    - type-check and compile (tsc)
#   2. fast     - jest: synth, snapshots, assertions, schema validation, bad-input errors
#   3. cluster  - a real kube-apiserver + etcd (built from the Go module proxy, cached), every variant applied
#   4. live     - `npm run verify` against a real Kafka broker (jars from Maven Central, cached)
# A tier that cannot run fails the run with its reason; nothing is skipped quietly.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache/results
rm -f .cache/results/*.json

status=0
declare -a summary=()
run_tier() {
  local name="$1"; shift
  local t0=$SECONDS
  echo
  echo "=== tier: ${name} ==="
  if "$@"; then summary+=("${name}: ok ($((SECONDS - t0)) s)"); else summary+=("${name}: FAILED ($((SECONDS - t0)) s)"); status=1; fi
}

export DATASTREAM_QUIET_WARNINGS=1
run_tier build npm run --silent build
run_tier fast npx jest --ci --json --outputFile=.cache/results/fast.json
run_tier cluster bash scripts/cluster/test.sh --ci --json --outputFile=.cache/results/cluster.json
run_tier live env DATASTREAM_JEST_JSON=.cache/results/live.json bash scripts/live/test.sh

echo
echo "=== summary ==="
for s in "${summary[@]}"; do echo "  ${s}"; done
node -e '
const fs = require("fs");
let p = 0, f = 0, s = 0, missing = [];
for (const t of ["fast", "cluster", "live"]) {
  const file = `.cache/results/${t}.json`;
  if (!fs.existsSync(file)) { missing.push(t); continue; }
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  p += r.numPassedTests; f += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0); s += r.numPendingTests + (r.numTodoTests || 0);
}
if (missing.length) { console.log(`  no test results from: ${missing.join(", ")} (counted as a failure)`); f += missing.length; }
console.log(`tests: ${p} passed, ${f} failed, ${s} skipped`);
process.exit(f > 0 ? 1 : 0);
' || status=1
exit "${status}"
