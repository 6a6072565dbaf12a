#!/usr/bin/env bash
# Build (or reuse) kube-apiserver and etcd for the cluster test tier.
#
# Both come from the Go module proxy, built in throwaway modules under the
# cache dir (never inside the repo), and are cached per version:
#   ${CDK8S_DATASTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-datastream}/k8s-bin/<k8s-version>/kube-apiserver
#   ${CDK8S_DATASTREAM_CACHE:-...}/k8s-bin/etcd-<etcd-version>/etcd
#
# Usage: scripts/cluster/build.sh [kube-apiserver|etcd|all]   (default: all)
# Env:   K8S_VERSION (default v1.37.2), ETCD_VERSION (default v3.6.17),
#        CLUSTER_BIN_DIR (print-only override: use binaries from there, build nothing)
# On success prints `KUBE_APISERVER=<path>` and `ETCD=<path>` lines on stdout
# (human-readable progress goes to stderr).
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-v1.37.2}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.17}"
CACHE_ROOT="${CDK8S_DATASTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-datastream}"
WHAT="${1:-all}"

log() { echo "[cluster-build] $*" >&2; }
die() { echo "[cluster-build] ERROR: $*" >&2; exit 1; }

if [[ -n "${CLUSTER_BIN_DIR:-}" ]]; then
  [[ -x "$CLUSTER_BIN_DIR/kube-apiserver" && -x "$CLUSTER_BIN_DIR/etcd" ]] \
    || die "CLUSTER_BIN_DIR=$CLUSTER_BIN_DIR must contain executable kube-apiserver and etcd"
  echo "KUBE_APISERVER=$CLUSTER_BIN_DIR/kube-apiserver"
  echo "ETCD=$CLUSTER_BIN_DIR/etcd"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "Go toolchain not found on PATH: the cluster tier builds kube-apiserver and etcd from the Go module proxy (install Go >= 1.26)"

[[ "$K8S_VERSION" =~ ^v1\.([0-9]+)\.([0-9]+)$ ]] || die "K8S_VERSION must look like v1.37.2 (got $K8S_VERSION)"
K8S_MINOR="${BASH_REMATCH[1]}"
K8S_PATCH="${BASH_REMATCH[2]}"
STAGING_VERSION="v0.${K8S_MINOR}.${K8S_PATCH}"

# Go settings: module mode, default proxy unless the user set one, cgo off
# (static binaries, no C toolchain needed). GOMAXPROCS stays default.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"
export CGO_ENABLED=0
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export GOWORK=off

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

build_kube_apiserver() {
  local out_dir="$CACHE_ROOT/k8s-bin/$K8S_VERSION"
  local bin="$out_dir/kube-apiserver"
  if [[ -x "$bin" ]] && "$bin" --version 2>/dev/null | grep -q "$K8S_VERSION"; then
    log "kube-apiserver $K8S_VERSION: cached at $bin"
    echo "KUBE_APISERVER=$bin"
    return 0
  fi
  local start; start="$(now)"
  local work="$CACHE_ROOT/build/kubernetes-$K8S_VERSION"
  mkdir -p "$work" "$out_dir"
  log "kube-apiserver $K8S_VERSION: preparing build module in $work"

  # Read the staging modules from k8s.io/kubernetes' own go.mod replace block
  # (./staging/src/k8s.io/X) and pin each to its published v0.MINOR.PATCH tag.
  local gomod
  gomod="$(cd "$work" && GOFLAGS= go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -f "$gomod" ]] || die "could not download k8s.io/kubernetes@$K8S_VERSION go.mod from the module proxy ($(go env GOPROXY))"
  local staging
  staging="$(sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9.-]*\) => \./staging/src/.*#\1#p' "$gomod" | sort -u)"
  [[ -n "$staging" ]] || die "no staging replace lines found in $gomod"

  {
    echo "module cdk8s-datastream.local/kube-apiserver-build"
    echo
    echo "go $(sed -n 's/^go \([0-9.]*\)$/\1/p' "$gomod" | head -1)"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    local m
    for m in $staging; do echo "	$m => $m $STAGING_VERSION"; done
    echo ")"
  } > "$work/go.mod"
  # godebug defaults must match upstream's build, or behaviour differs subtly.
  if grep -q '^godebug ' "$gomod"; then grep '^godebug ' "$gomod" >> "$work/go.mod"; fi
  rm -f "$work/go.sum"

  local pkg="k8s.io/kubernetes/cmd/kube-apiserver"
  local ldflags="-s -w"
  local vpkg
  for vpkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $vpkg.gitVersion=$K8S_VERSION -X $vpkg.gitMajor=1 -X $vpkg.gitMinor=$K8S_MINOR"
    ldflags+=" -X $vpkg.gitTreeState=clean -X $vpkg.buildDate=1970-01-01T00:00:00Z"
  done
  log "kube-apiserver $K8S_VERSION: resolving modules (staging pinned to $STAGING_VERSION)"
  (cd "$work" && go get "$pkg@$K8S_VERSION" >&2) || die "go get $pkg@$K8S_VERSION failed"
  log "kube-apiserver $K8S_VERSION: compiling (the first time this takes a long while on small machines)"
  (cd "$work" && go build -trimpath -ldflags "$ldflags" -o "$bin.tmp" "$pkg" >&2) || die "go build $pkg failed"
  mv -f "$bin.tmp" "$bin"
  "$bin" --version >&2 || die "built kube-apiserver does not run"
  log "kube-apiserver $K8S_VERSION: built in $(elapsed "$start")s -> $bin"
  echo "KUBE_APISERVER=$bin"
}

build_etcd() {
  local out_dir="$CACHE_ROOT/k8s-bin/etcd-$ETCD_VERSION"
  local bin="$out_dir/etcd"
  if [[ -x "$bin" ]] && "$bin" --version 2>/dev/null | grep -q "${ETCD_VERSION#v}"; then
    log "etcd $ETCD_VERSION: cached at $bin"
    echo "ETCD=$bin"
    return 0
  fi
  local start; start="$(now)"
  local work="$CACHE_ROOT/build/etcd-$ETCD_VERSION"
  mkdir -p "$work" "$out_dir"
  log "etcd $ETCD_VERSION: preparing build module in $work"
  # etcd's own modules carry local replace directives, so `go install pkg@v`
  # refuses them; a tiny main module calling etcdmain.Main sidesteps that.
  cat > "$work/go.mod" <<EOF
module cdk8s-datastream.local/etcd-build

go 1.23

require go.etcd.io/etcd/server/v3 $ETCD_VERSION

replace (
	go.etcd.io/etcd/api/v3 => go.etcd.io/etcd/api/v3 $ETCD_VERSION
	go.etcd.io/etcd/client/pkg/v3 => go.etcd.io/etcd/client/pkg/v3 $ETCD_VERSION
	go.etcd.io/etcd/client/v3 => go.etcd.io/etcd/client/v3 $ETCD_VERSION
	go.etcd.io/etcd/pkg/v3 => go.etcd.io/etcd/pkg/v3 $ETCD_VERSION
)
EOF
  cat > "$work/main.go" <<'EOF'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
  rm -f "$work/go.sum"
  (cd "$work" && go mod tidy >&2) || die "go mod tidy for etcd $ETCD_VERSION failed"
  (cd "$work" && go build -trimpath -ldflags "-s -w" -o "$bin.tmp" . >&2) || die "go build etcd $ETCD_VERSION failed"
  mv -f "$bin.tmp" "$bin"
  "$bin" --version >&2 || die "built etcd does not run"
  log "etcd $ETCD_VERSION: built in $(elapsed "$start")s -> $bin"
  echo "ETCD=$bin"
}

# One build at a time per cache (concurrent test runs share it); the loser of the race then finds the binary cached.
mkdir -p "$CACHE_ROOT"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_ROOT/build.lock"
  flock -w 5400 9 || die "timed out waiting for another build holding $CACHE_ROOT/build.lock"
fi

case "$WHAT" in
  kube-apiserver) build_kube_apiserver ;;
  etcd) build_etcd ;;
  all) build_etcd; build_kube_apiserver ;;
  *) die "unknown target $WHAT (kube-apiserver|etcd|all)" ;;
esac
