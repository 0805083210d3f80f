#!/usr/bin/env python3
"""Scores a secrets scanner's report against the secrets gen_secrets_repo.py planted.

Usage: score_secrets.py REPORT.json PLANTED.jsonl              Gatehouse's JSON report
       score_secrets.py --git-secrets FILE PLANTED.jsonl       output of git secrets --scan-history
       score_secrets.py --secretlint FILE PLANTED.jsonl        output of secretlint --format unix --no-maskSecrets
       --brief prints one line for benchmarks/secrets.sh:
               FOUND PRESENT DELETED MESSAGE FALSE_POSITIVES DISTINCT_FP_TEXTS

Recall is planted secrets found out of 50, broken down by where they are (present at HEAD, deleted later,
only in a commit message). A false positive is a finding that matches no planted secret; "distinct FP
texts" counts them once per text, since a history scanner may report the same harmless line many times.

Matching:
  Gatehouse  never prints a secret: a finding carries its rule, commit, path (commit:<id12>:message for a
             commit message), line and the secret redacted as its first min(4, len/4) characters and its
             length ("ghp_…(40 chars)"). It finds a planted secret when the commit and path are the planted
             ones and the redacted text fits inside the planted credential (the prefix occurs in it with
             room for the length): a rule may report part of a credential, such as the password of a
             database URL or the first lines of a PEM block. Other findings that fit a planted credential
             at its path (the secret access key of an AWS pair, a second rule on the same secret, the same
             secret reported at a later commit) are neither recall nor false positives.
  git-secrets prints <commit>:<path>:<line>:<content> for every match in the tree of every commit whose
             diff matches; a planted secret is found if its text appears in some line.
  secretlint scans the HEAD tree, so only "present" secrets are findable; one is found if a finding
             points at its path and line at HEAD or quotes its text.
"""
import argparse
import json
import re
import sys

WHERE = ("present", "deleted", "message")
REDACTED = re.compile(r"…\((\d+) chars\)\s*$")


def load_planted(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def texts(p):
    """The strings that make up a planted credential (the secret, then e.g. an AWS secret access key)."""
    return [p["secret"]] + p.get("parts", [])


def needles(p):
    """Single-line pieces of a credential that a line-oriented tool would print: every line of it but the
    armour of a PEM block."""
    return [line for t in texts(p) for line in t.split("\n") if len(line) >= 8 and not line.startswith("-----")]


def fits(prefix, length, p):
    """Whether a secret redacted to prefix and length can be a part of the planted credential."""
    for t in texts(p):
        at = t.find(prefix)
        while at >= 0:
            if at + length <= len(t):
                return True
            at = t.find(prefix, at + 1)
    return False


# ---------------------------------------------------------------------------------------------------------
def score_gatehouse(report, planted):
    """(found ids, false positives as (key, description)) for Gatehouse's JSON report."""
    with open(report) as f:
        findings = json.load(f)["findings"]
    found, fps = set(), []
    for x in findings:
        m = REDACTED.search(x["message"])
        length = int(m.group(1))
        prefix = x["message"][m.start() - min(4, length // 4):m.start()]
        commit, path = x["properties"].get("commit", ""), x["location"]["file"]
        here = []
        for p in planted:
            at = "commit:%s:message" % p["commit"][:12] if p["where"] == "message" else p["path"]
            if path == at and fits(prefix, length, p):
                here.append(p)
        exact = [p for p in here if p["commit"] == commit]
        for p in exact:
            found.add(p["id"])
        if not here:
            redacted = "%s…(%d chars)" % (prefix, length)
            fps.append(((x["ruleId"], redacted), "%s %s:%s %s %s" % (
                x["ruleId"], path, x["location"]["line"], redacted, commit[:12])))
    return found, fps


def score_git_secrets(output, planted):
    """git-secrets: lines <commit>:<path>:<line>:<content>; its own messages are skipped."""
    found, fps = set(), []
    line_re = re.compile(r"^([0-9a-f]{40}):(.*?):(\d+):(.*)$")
    with open(output, errors="replace") as f:
        for line in f:
            m = line_re.match(line.rstrip("\n"))
            if not m:
                continue
            content = m.group(4)
            hits = [p["id"] for p in planted if any(n in content for n in needles(p))]
            found.update(hits)
            if not hits:
                fps.append((content.strip(), "%s:%s:%s" % (m.group(2), m.group(3), content.strip()[:100])))
    return found, fps


def score_secretlint(output, planted):
    """secretlint --format unix: lines <file>:<line>:<col>: <message> [Error/<rule>]."""
    found, fps = set(), []
    line_re = re.compile(r"^(.+?):(\d+):(\d+): (.*)$")
    present = [p for p in planted if p["where"] == "present"]
    with open(output, errors="replace") as f:
        for line in f:
            m = line_re.match(line.rstrip("\n"))
            if not m:
                continue
            path, line_no, message = m.group(1), int(m.group(2)), m.group(4)
            hits = [p["id"] for p in planted if any(n in message for n in needles(p))]
            hits += [p["id"] for p in present if (path == p["path"] or path.endswith("/" + p["path"]))
                     and p["head_line"] <= line_no <= p["head_line"] + p["end_line"] - p["line"]]
            found.update(hits)
            if not hits:
                rule = re.sub(r".*\[(?:Error|Warning)/([^\]]+)\]\s*$", r"\1", message)
                fps.append(((rule, message), "%s:%d %s" % (path, line_no, message[:100])))
    return found, fps


# ---------------------------------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description="Scores a secrets scanner's report against the planted secrets.",
                                 usage="%(prog)s (REPORT.json | --git-secrets FILE | --secretlint FILE) PLANTED.jsonl")
    ap.add_argument("files", nargs="+", metavar="FILE", help="[REPORT.json] PLANTED.jsonl")
    ap.add_argument("--git-secrets", metavar="FILE", help="git secrets --scan-history output")
    ap.add_argument("--secretlint", metavar="FILE", help="secretlint --format unix --no-maskSecrets output")
    ap.add_argument("--brief", action="store_true",
                    help='print only "FOUND PRESENT DELETED MESSAGE FALSE_POSITIVES DISTINCT_FP_TEXTS"')
    args = ap.parse_args()
    peer = args.git_secrets or args.secretlint
    if len(args.files) != (1 if peer else 2) or (args.git_secrets and args.secretlint):
        ap.error("give the planted list and exactly one report")
    planted = load_planted(args.files[-1])
    if args.git_secrets:
        found, fps = score_git_secrets(args.git_secrets, planted)
    elif args.secretlint:
        found, fps = score_secretlint(args.secretlint, planted)
    else:
        found, fps = score_gatehouse(args.files[0], planted)
    distinct = len({key for key, _ in fps})
    by = {w: [p for p in planted if p["where"] == w] for w in WHERE}
    if args.brief:
        print(len(found), *(sum(p["id"] in found for p in by[w]) for w in WHERE), len(fps), distinct)
        return
    print("recall %d/%d (%s)" % (len(found), len(planted), ", ".join(
        "%s %d/%d" % (w, sum(p["id"] in found for p in by[w]), len(by[w])) for w in WHERE)))
    print("false positives %d (%d distinct texts)" % (len(fps), distinct))
    missed = [p for p in planted if p["id"] not in found]
    if missed:
        print("missed: " + ", ".join("%s %s" % (p["id"], p["kind"]) for p in missed))
    seen = set()
    for key, text in fps:
        if key not in seen and len(seen) < 10:
            seen.add(key)
            print("  FP " + text)


if __name__ == "__main__":
    sys.exit(main())
