#!/usr/bin/env bash
# Fetches the SARIF 2.1.0 JSON schema (2.1.0-rtm.5, the one SchemaStore serves for 2.1.0; published in the npm
# package @microsoft/jest-sarif) into
# ~/.cache/gatehouse/sarif-schema-2.1.0.json, where the reporter tests validate SARIF output against it.
# Nothing is committed: the schema is downloaded, checked and cached. Prints the path; exit 1 when unavailable.
set -euo pipefail
cache="${GATEHOUSE_CACHE:-$HOME/.cache/gatehouse}"
out="$cache/sarif-schema-2.1.0.json"
if [ -s "$out" ]; then echo "$out"; exit 0; fi
command -v npm >/dev/null 2>&1 || { echo "sarif-schema: npm not found" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && timeout 120 npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null 2>&1 ) \
  || { echo "sarif-schema: npm pack failed (offline?)" >&2; exit 1; }
tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/schemas/sarif-2.1.0-rtm.5.json
grep -q '"title": "Static Analysis Results Format (SARIF) Version 2.1.0' \
  "$tmp/package/lib/schemas/sarif-2.1.0-rtm.5.json" || { echo "sarif-schema: unexpected file" >&2; exit 1; }
mkdir -p "$cache"
cp "$tmp/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$out"
echo "$out"
