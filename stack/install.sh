#!/usr/bin/env bash
# Installs everything the local stack and the tests need, idempotently, with nothing by hand:
# npm packages (from the lock file), Cassandra 5.0 jars (Maven Central), stripe-mock (Go module
# proxy), then compiles the TypeScript to dist/. Prerequisites: Node 20.19+, JDK 17, Maven 3, Go.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STRIPE_MOCK_VERSION="$(sed -n "s/^export const STRIPE_MOCK_VERSION = '\(.*\)';/\1/p" stack/stripe-mock.ts)"

need() { command -v "$1" >/dev/null 2>&1 || { echo "install: $1 is required ($2)" >&2; exit 1; }; }
need node "Node.js 20 or newer"
need npm "comes with Node.js"
need java "JDK 17"
need mvn "Maven 3, to fetch Cassandra from Maven Central"
need go "Go 1.22+, to build stripe-mock from the Go module proxy"
node -e 'const [M,m]=process.versions.node.split(".").map(Number); if (M<20||(M===20&&m<19)) { console.error("install: Node "+process.versions.node+" is too old; need 20.19+ (require of ES modules)"); process.exit(1) }'

step() { echo "[install] $*"; }

LOCK_HASH="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ "$(cat node_modules/.installed-lock-hash 2>/dev/null)" != "$LOCK_HASH" ]]; then
  step "npm ci (packages from package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$LOCK_HASH" > node_modules/.installed-lock-hash
fi

bash stack/cassandra/fetch.sh

if [[ ! -x .cache/bin/stripe-mock ]] || [[ "$(cat .cache/bin/stripe-mock.version 2>/dev/null)" != "$STRIPE_MOCK_VERSION" ]]; then
  step "building stripe-mock $STRIPE_MOCK_VERSION from the Go module proxy (first run only, ~1 min)"
  mkdir -p .cache/bin
  GOBIN="$ROOT/.cache/bin" GOFLAGS=-mod=mod go install -x "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION" 2>&1 | grep -E '^(go: downloading|WORK)' | sed 's/^/[install]   /' || true
  [[ -x .cache/bin/stripe-mock ]] || { echo "install: stripe-mock build failed" >&2; exit 1; }
  echo "$STRIPE_MOCK_VERSION" > .cache/bin/stripe-mock.version
fi

step "compiling TypeScript (tsc -p .)"
rm -rf dist
npx tsc -p .
step "ready"
