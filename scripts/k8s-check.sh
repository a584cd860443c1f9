#!/usr/bin/env bash
# Offline checks for k8s/ and the Dockerfile:
#   1. render both kustomize overlays (kustomize pinned, built from the Go module proxy)
#   2. validate every rendered object against the Kubernetes API types (test/k8s/validate)
#   3. policy and Dockerfile tests over the rendered objects (jest, test/k8s)
# Tools and downloads live in .cache/. Usage: scripts/k8s-check.sh [render]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/.cache/bin
OUT=$ROOT/.cache/k8s/rendered
KUSTOMIZE_VERSION=v5.8.1 # v5.8.3 needs Go 1.27
export GOMODCACHE=$ROOT/.cache/go/mod GOCACHE=$ROOT/.cache/go/build GOTOOLCHAIN=local
export GOFLAGS="${GOFLAGS:-} -modcacherw"
mkdir -p "$BIN" "$OUT"

step() { printf '\n== %s\n' "$*"; }

install_kustomize() {
  if [[ "$("$BIN/kustomize" version 2>/dev/null)" != "$KUSTOMIZE_VERSION" ]]; then
    echo "installing kustomize $KUSTOMIZE_VERSION into .cache/bin"
    GOBIN=$BIN go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
  fi
}

render() {
  step "render overlays (kustomize $KUSTOMIZE_VERSION)"
  install_kustomize
  for overlay in dev prod; do
    "$BIN/kustomize" build "k8s/overlays/$overlay" > "$OUT/$overlay.yaml.tmp"
    mv "$OUT/$overlay.yaml.tmp" "$OUT/$overlay.yaml"
    echo "  ok   k8s/overlays/$overlay -> .cache/k8s/rendered/$overlay.yaml ($(grep -c '^kind:' "$OUT/$overlay.yaml") objects)"
  done
}

render
[[ "${1:-}" == render ]] && exit 0

step "validate against the Kubernetes API types (client-go scheme, strict; CassandraDatacenter: pinned schema)"
(cd test/k8s/validate && go test ./... && go build -o "$BIN/k8s-validate" .)
"$BIN/k8s-validate" "$OUT/dev.yaml" "$OUT/prod.yaml"

step "policy and Dockerfile tests (jest test/k8s)"
# The path goes before --selectProjects (which would take it for a project name); no
# --testPathIgnorePatterns on the command line: it is variadic and replaces the config's own.
npx jest --ci test/k8s --selectProjects unit
echo "k8s checks passed"
