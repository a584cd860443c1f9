#!/usr/bin/env bash
# Fetch Apache Cassandra (cassandra-all + every runtime dependency) from Maven Central into
# .cache/cassandra/lib, for stack/cassandra.ts. Idempotent: does nothing when the cache is there.
#
# The jars are copied into a temporary folder next to the cache and only renamed into place once
# Maven has finished, so an interrupted download never looks like a complete cache.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
POM="$ROOT/stack/cassandra/pom.xml"
VERSION="$(sed -n 's:.*<cassandra.version>\(.*\)</cassandra.version>.*:\1:p' "$POM" | head -n 1)"
if [[ -z "$VERSION" ]]; then
  echo "fetch.sh: cannot read <cassandra.version> from $POM" >&2
  exit 1
fi
CACHE="$ROOT/.cache/cassandra"
LIB="$CACHE/lib"

if [[ -f "$LIB/cassandra-all-$VERSION.jar" ]]; then
  exit 0
fi

command -v mvn >/dev/null 2>&1 || { echo "fetch.sh: mvn (Maven 3) is not on PATH" >&2; exit 1; }

mkdir -p "$CACHE"
# One fetch at a time (dev and tests may start together); the winner's result serves both.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE/.fetch.lock"
  flock 9
  if [[ -f "$LIB/cassandra-all-$VERSION.jar" ]]; then
    exit 0
  fi
fi
# Leftovers of a fetch that was killed outright (SIGKILL, power loss).
rm -rf "$CACHE"/lib.partial.* "$CACHE"/lib.old.*
TMP="$(mktemp -d "$CACHE/lib.partial.XXXXXX")"
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT

echo "Fetching Apache Cassandra $VERSION and its runtime dependencies from Maven Central into ${LIB#"$ROOT"/} (first run only; ~100 jars, ~70 MB) ..."
mvn -B -f "$POM" dependency:copy-dependencies \
  -DincludeScope=runtime \
  -DoutputDirectory="$TMP"

if [[ ! -f "$TMP/cassandra-all-$VERSION.jar" ]]; then
  echo "fetch.sh: Maven finished but cassandra-all-$VERSION.jar is missing from its output" >&2
  exit 1
fi

# A stale or partial lib folder (without cassandra-all) is moved aside, then the new one is
# renamed into place: rename(2) within one filesystem is atomic.
if [[ -e "$LIB" ]]; then
  OLD="$(mktemp -d "$CACHE/lib.old.XXXXXX")"
  mv "$LIB" "$OLD/"
  mv "$TMP" "$LIB"
  rm -rf "$OLD"
else
  mv "$TMP" "$LIB"
fi
trap - EXIT
echo "Cassandra $VERSION is in ${LIB#"$ROOT"/} ($(ls "$LIB" | wc -l) jars)."
