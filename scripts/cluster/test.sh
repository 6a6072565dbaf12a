#!/usr/bin/env bash
# Cluster tier entry point (`npm run test:cluster`): builds/reuses kube-apiserver + etcd (scripts/cluster/build.sh),
# starts them on 127.0.0.1, installs the upstream CRDs and applies every lab variant with PodSecurity `restricted`
# and strict field validation. Extra arguments go to jest (e.g. `-t 'variant default'`).
#
# Env: CLUSTER_VARIANTS="a b,c" only these variant specs (space-separated; "b,c" combines variants)
#      K8S_VERSION / ETCD_VERSION / CLUSTER_BIN_DIR / CDK8S_DATASTREAM_CACHE   see build.sh
#      CLUSTER_BUILD_TIMEOUT_MIN  (default 70)
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1

fail() { echo "[cluster-tier] FAILED: $*" >&2; exit 1; }
for tool in node kubectl openssl; do
  command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is not on PATH (the cluster tier needs node, kubectl, openssl and Go)"
done
[[ -f node_modules/jest/bin/jest.js ]] || fail "node_modules is missing: run npm ci first"

CLUSTER_TMPDIR="$(mktemp -d "${TMPDIR:-/tmp}/cdk8s-datastream-cluster-tier.XXXXXX")" || fail "mktemp failed"
export CLUSTER_TMPDIR
export CLUSTER_SUMMARY_FILE="$CLUSTER_TMPDIR/summary.json"
jest_pid=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$jest_pid" ]] && kill -0 "$jest_pid" 2>/dev/null; then
    kill -TERM "$jest_pid" 2>/dev/null
    for _ in $(seq 1 20); do kill -0 "$jest_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$jest_pid" 2>/dev/null
  fi
  # Servers started by this run carry our private temp dir in their arguments; stop any the harness left behind.
  local pids
  pids="$(pgrep -f -- "--data-dir=$CLUSTER_TMPDIR/|--cert-dir=$CLUSTER_TMPDIR/" || true)"
  if [[ -n "$pids" ]]; then
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null; sleep 2
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null
  fi
  if [[ -f "$CLUSTER_SUMMARY_FILE" ]]; then
    node -e '
      const s = require(process.argv[1]);
      const sec = (ms) => (ms === undefined ? "n/a" : (ms / 1000).toFixed(1) + "s");
      console.error("[cluster-tier] summary: binaries (build or cache) " + sec(s.k8sBuildMs) + ", etcd ready " + sec(s.etcdMs) +
        ", kube-apiserver ready " + sec(s.startupMs) + ", CRDs " + sec(s.crdMs) + ", kubectl apply total (all variants, client+server-side) " + sec(s.applyAllMs) +
        ", all variants end to end (synth, apply, checks, cleanup) " + sec(Object.values(s.variants).reduce((a, r) => a + (r.wallMs ?? 0), 0)));
      for (const [v, r] of Object.entries(s.variants)) {
        console.error("  " + v + ": " + (r.objects ?? "?") + " objects, client-side apply " + sec(r.clientSideApplyMs) +
          ", server-side apply " + sec(r.serverSideApplyMs) + ", variant wall " + sec(r.wallMs));
        for (const f of r.findings) console.error("    - " + f);
      }
      for (const n of s.notes ?? []) console.error("  note: " + n);' "$CLUSTER_SUMMARY_FILE" || true
  fi
  rm -rf "$CLUSTER_TMPDIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start=$(date +%s)
node node_modules/jest/bin/jest.js -c test/cluster/jest.config.js --runInBand "$@" &
jest_pid=$!
wait "$jest_pid"
rc=$?
jest_pid=""
echo "[cluster-tier] jest exit $rc after $(( $(date +%s) - start ))s" >&2
exit "$rc"
