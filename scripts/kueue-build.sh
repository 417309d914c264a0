#!/usr/bin/env bash
# Builds Kueue's own scheduler scale-test pieces from the Go module proxy into the
# git-ignored .k8s-bin/, for the side-by-side run in docs/benchmarks.md
# ("Queues at Kueue's scale" > "Kueue built and run here"). By hand only: not run by CI
# or by npm test.
#   scripts/kueue-build.sh           build minimalkueue + kueue-runner if missing; print the CRD dir
#   scripts/kueue-build.sh --crds    print the directory of Kueue's CRDs (config/components/crd/bases)
# Both come from sigs.k8s.io/kueue's module zip (test/performance/scheduler/{minimalkueue,runner}
# are in it), built from tools/kueue (tool directives, no replace directives).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${K8S_BIN_DIR:-$ROOT/.k8s-bin}"
KUEUE_VERSION="v0.17.0"
PKG="sigs.k8s.io/kueue/test/performance/scheduler"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="${GOFLAGS:--buildvcs=false}"
# The machine's cores are shared with other work: build at the lowest priority.
NICE="nice -n 19"
mkdir -p "$BIN"

log() { printf '[kueue-build %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
up_to_date() { [[ -x "$BIN/$1" && "$(cat "$BIN/.$1.version" 2>/dev/null)" == "$2" ]]; }
stamp() { echo "$2" > "$BIN/.$1.version"; }
crd_dir() {
  local dir
  dir="$(cd "$ROOT/tools/kueue" && go mod download -json "sigs.k8s.io/kueue@$KUEUE_VERSION" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')"
  echo "$dir/config/components/crd/bases"
}

if [[ "${1:-}" == "--crds" ]]; then crd_dir; exit 0; fi

start=$(date +%s)
if up_to_date minimalkueue "$KUEUE_VERSION" && up_to_date kueue-runner "$KUEUE_VERSION"; then
  log "kueue $KUEUE_VERSION: up to date"
else
  log "building minimalkueue and kueue-runner ($KUEUE_VERSION)"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  # One go build for both commands shares the compilation of their common packages.
  (cd "$ROOT/tools/kueue" && $NICE go build -trimpath -ldflags "-s -w" -o "$tmp/" \
    "$PKG/minimalkueue" "$PKG/runner")
  mv "$tmp/minimalkueue" "$BIN/minimalkueue"
  mv "$tmp/runner" "$BIN/kueue-runner"
  stamp minimalkueue "$KUEUE_VERSION"
  stamp kueue-runner "$KUEUE_VERSION"
fi
log "done in $(( $(date +%s) - start ))s; CRDs: $(crd_dir)"
