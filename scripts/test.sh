#!/usr/bin/env bash
# The project's test command (`npm test`, and what CI runs): installs and starts everything the
# tests need, then runs every tier. Prerequisites: Node 20.19+, JDK 17, Maven 3, Go.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

bash stack/install.sh

if [[ -f scripts/schema/check.ts ]]; then
  echo "== schema: composition, staleness, breaking changes, known operations"
  npx tsx scripts/schema/check.ts
fi

echo "== Kubernetes manifests: render, validate, policy"
bash scripts/k8s-check.sh

echo "== jest: unit, then integration and e2e against the real local stack"
npx jest --ci --runInBand "$@"

echo "all tests passed in $(( $(date +%s) - started )) s"
