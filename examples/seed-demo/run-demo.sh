#!/usr/bin/env bash
# The seed demo end to end, on this machine, with the embedded store (SQLite under .gatehouse/, no server):
#
#   1. the clean change: gates, split-ownership merge, signed build, deploy to test (jwebserver on loopback),
#      live validation, a signed approval by security's lead, verification, deploy to prod, validation;
#   2. the broken change (dev opens SSH to the world): stopped at the first gate, reported to security's
#      webhook (HMAC-signed), never deployed.
#
# Usage: examples/seed-demo/run-demo.sh [WORK-DIR]
# The example is copied into WORK-DIR/repo (default: a new temporary directory), made a git repository whose
# commits are dev@example.com's, and run there; everything it produces stays in WORK-DIR for you to look at.
# Exit 0 when the clean change reached prod and the broken one stopped at the gate; 1 otherwise.
# GATEHOUSE=/path/to/gatehouse runs another build of Gatehouse than this checkout's bin/gatehouse.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(cd "$here/../.." && pwd)
gatehouse=${GATEHOUSE:-$root/bin/gatehouse}
. "$root/bin/lib/java.sh"
gh_select_java "$root/cli/target" || exit 2
java="$JAVA_HOME/bin/java"

work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-seed-demo.XXXXXX")}
mkdir -p "$work"
work=$(cd "$work" && pwd)
repo="$work/repo"
inbox="$work/security-inbox"
if [ -e "$repo" ]; then echo "run-demo: $repo exists; give an empty WORK-DIR" >&2; exit 2; fi

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
step() { printf '\033[2m$ %s\033[0m\n' "$*"; }

# A port is free when nothing answers on it (bash's /dev/tcp, no other tool needed).
free_port() {
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  printf '%s' "$p"
}

say "Preparing $repo"
mkdir -p "$repo"
(cd "$here" && tar --exclude=./build --exclude=./.gatehouse -cf - .) | (cd "$repo" && tar -xf -)
cd "$repo"
# the demo's ports (gatehouse.yml): moved to free ones when taken
test_port=$(free_port 18481)
prod_port=$(free_port $((test_port == 18482 ? 18483 : 18482)))
while [ "$prod_port" = "$test_port" ]; do prod_port=$(free_port $((prod_port + 1))); done
hook_port=$(free_port 18489)
while [ "$hook_port" = "$test_port" ] || [ "$hook_port" = "$prod_port" ]; do hook_port=$(free_port $((hook_port + 1))); done
sed -i.orig -e "s/18481/$test_port/g" -e "s/18482/$prod_port/g" -e "s/18489/$hook_port/g" gatehouse.yml && rm -f gatehouse.yml.orig
echo "test on 127.0.0.1:$test_port, prod on 127.0.0.1:$prod_port, security's webhook on 127.0.0.1:$hook_port"
if (exec 3<>/dev/tcp/127.0.0.1/22) 2>/dev/null; then
  echo "note: something listens on 127.0.0.1:22 here; the probe 'tcp 127.0.0.1:22 closed' will fail and tear the test deployment down"
fi

git init -q
git -c user.name="Dana Dev" -c user.email=dev@example.com add -A
git -c user.name="Dana Dev" -c user.email=dev@example.com commit -qm "web tier: security group (security), network (ops), site (dev)"

# The pipeline's own identity: made on first run, kept in .gatehouse/ (git-ignored, never committed).
mkdir -p .gatehouse
step "gatehouse keygen -o .gatehouse/pipeline"
"$gatehouse" keygen -o .gatehouse/pipeline
export GATEHOUSE_SIGNING_KEY_FILE="$repo/.gatehouse/pipeline.key"
# The audit log's checkpoint key: checkpoints seal the hash chain so that even a rewritten or cut log is caught.
step "gatehouse audit keygen -o .gatehouse/audit.key"
"$gatehouse" audit keygen -o .gatehouse/audit.key
export GATEHOUSE_AUDIT_KEY="$repo/.gatehouse/audit.key"
export GATEHOUSE_ACTOR=pipeline
SEED_DEMO_WEBHOOK_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
export SEED_DEMO_WEBHOOK_KEY

# Security's webhook receiver, on loopback, checking every report's HMAC signature.
"$java" "$repo/tools/WebhookReceiver.java" "$hook_port" "$inbox" > "$work/webhook.log" 2>&1 &
receiver=$!
trap 'kill "$receiver" 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do [ -f "$inbox/ready" ] && break; sleep 0.2; done
[ -f "$inbox/ready" ] || { echo "run-demo: the webhook receiver did not start:" >&2; cat "$work/webhook.log" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------------------
say "1. The clean change: source -> build -> test -> (approval) -> prod"
step "gatehouse run"
set +e
out=$("$gatehouse" run 2> >(tee "$work/run-1.log" >&2))
code=$?
set -e
echo "$out"
run_id=${out%% *}
if [ "$code" != 1 ] || [[ "$out" != *"WAITING"* ]]; then
  echo "run-demo: expected the run to wait for the production approval (exit 1), got exit $code" >&2; exit 1
fi

say "   Security's lead approves production, signing with their own key (a published DEMO key)"
step "gatehouse approve $run_id prod --as security-lead@example.com --key keys/DEMO-ONLY-security-lead.key"
"$gatehouse" approve "$run_id" prod --as security-lead@example.com --key keys/DEMO-ONLY-security-lead.key \
  -m "reviewed the merged template and the test validation"

step "gatehouse run --resume $run_id"
set +e
"$gatehouse" run --resume "$run_id" 2> >(tee -a "$work/run-1.log" >&2)
clean=$?
set -e

# ---------------------------------------------------------------------------------------------------------
say "2. The broken change: dev opens SSH to the world (broken/site.yaml over fragments/dev/site.yaml)"
cp broken/site.yaml fragments/dev/site.yaml
git -c user.name="Dana Dev" -c user.email=dev@example.com commit -qam "site: open SSH for debugging (temporary)"
step "gatehouse run"
set +e
out=$("$gatehouse" run 2> >(tee "$work/run-2.log" >&2))
broken=$?
set -e
echo "$out"
broken_id=${out%% *}
for _ in $(seq 1 50); do [ -f "$inbox/report-1.json" ] && break; sleep 0.2; done
sleep 0.2
cat "$work/webhook.log"

# ---------------------------------------------------------------------------------------------------------
say "Summary"
step "gatehouse runs"
"$gatehouse" runs
step "gatehouse audit checkpoint && gatehouse audit verify --public-key .gatehouse/audit.key.pub"
"$gatehouse" audit checkpoint >/dev/null
"$gatehouse" audit verify --public-key .gatehouse/audit.key.pub || true
left=""
for p in "$test_port" "$prod_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then left="$left $p"; fi
done
prod_deploys=$("$gatehouse" audit log --action deploy 2>/dev/null | grep -c "$broken_id/prod" || true)
cat <<EOF

clean change  $run_id: exit $clean ($([ "$clean" = 0 ] && echo "reached prod" || echo "DID NOT reach prod"))
broken change $broken_id: exit $broken ($([ "$broken" = 1 ] && echo "stopped at the gate, as it must" || echo "NOT stopped at the gate"); prod deploys in the audit log: $prod_deploys)
local deployments still running: ${left:-none (each run stops its own when it ends)}

Where to look (all under $work):
  repo/                                     the demo repository (git log: dev's two commits)
  repo/.gatehouse/runs/$run_id/   the clean run: each gate's report (JSON, SARIF), logs, live state
  repo/.gatehouse/runs/$broken_id/   the broken run: source/fragments.json names the port-22 findings
  repo/.gatehouse/security-inbox/$broken_id/   the reports copied for security (notify.reports)
  security-inbox/report-1.json              what security's webhook received (HMAC-verified)
  repo/.gatehouse/gatehouse.db              the store: runs and the hash-chained audit log
  repo/build/template.json                  the merged template; template.provenance.json: who owns what
  repo/build/release.intoto.jsonl           the pipeline's signed attestation of the release

  cd $repo && $gatehouse show $run_id
  cd $repo && $gatehouse audit log
EOF
if [ "$clean" = 0 ] && [ "$broken" = 1 ] && [ "$prod_deploys" = 0 ] && [ -z "$left" ] && [ -f "$inbox/report-1.json" ]; then
  exit 0
fi
echo "run-demo: the demo did not go as it should (see above)" >&2
exit 1
