#!/usr/bin/env python3
"""Grows a large, realistic CloudTrail log file for benchmarks/monitor.sh, deterministically.

The records are the real and third-party CloudTrail records of shared/conformance/cloudtrail/ (Panther's rule test
events, the OTRF attack simulation, Custodian's EventBridge envelopes unwrapped), each repeated with a fresh eventID
and an eventTime that advances through the file (mean step --step-ms, jitter of up to +-30 s so that events arrive
slightly out of order, as CloudTrail delivers them). Written as CloudTrail log files deliver them:
{"Records": [...]}, one record per line. The same arguments always give the same bytes.

Usage: gen_cloudtrail.py SHARED_DIR OUT_FILE RECORDS [--seed N] [--step-ms MS]
"""
import argparse
import json
import os
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone


def base_records(shared):
    ct = os.path.join(shared, "conformance", "cloudtrail")
    out = []
    with open(os.path.join(ct, "panther-analysis_test-events", "panther_aws_cloudtrail_rule_tests.jsonl")) as f:
        for line in f:
            log = json.loads(line).get("log")
            if isinstance(log, dict) and "eventName" in log:
                out.append(log)
    otrf = os.path.join(ct, "otrf_security-datasets")
    for name in sorted(os.listdir(otrf)):
        if name.endswith(".json"):
            with open(os.path.join(otrf, name)) as f:
                for line in f:
                    line = line.strip()
                    if line:
                        r = json.loads(line)
                        if "eventName" in r:
                            out.append(r)
    cwe = os.path.join(ct, "cloud-custodian_cwe-events", "tests", "data", "cwe")
    for name in sorted(os.listdir(cwe)):
        with open(os.path.join(cwe, name)) as f:
            try:
                e = json.load(f)
            except ValueError:
                continue
        d = e.get("detail") if isinstance(e, dict) else None
        if isinstance(d, dict) and "eventName" in d:
            out.append(d)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("shared")
    p.add_argument("out")
    p.add_argument("records", type=int)
    p.add_argument("--seed", type=int, default=20261202)
    p.add_argument("--step-ms", type=int, default=80)
    a = p.parse_args()
    rng = random.Random(a.seed)
    templates = []
    for r in base_records(a.shared):
        r = dict(r)
        for k in ("p_log_type", "@timestamp", "@version"):
            r.pop(k, None)
        r["eventID"] = "\x00ID\x00"
        r["eventTime"] = "\x00TIME\x00"
        s = json.dumps(r, separators=(",", ":"), sort_keys=True)
        head, rest = s.split('"\\u0000ID\\u0000"')
        mid, tail = rest.split('"\\u0000TIME\\u0000"') if '"\\u0000TIME\\u0000"' in rest else (None, None)
        if mid is None:  # eventTime sorted before eventID
            head2, rest2 = s.split('"\\u0000TIME\\u0000"')
            mid2, tail2 = rest2.split('"\\u0000ID\\u0000"')
            templates.append((False, head2, mid2, tail2))
        else:
            templates.append((True, head, mid, tail))
    if not templates:
        sys.exit("gen_cloudtrail.py: no records under " + a.shared)
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    tmp = a.out + ".tmp"
    with open(tmp, "w", buffering=1 << 20) as f:
        f.write('{"Records":[\n')
        t_ms = 0
        for i in range(a.records):
            t_ms += rng.randint(0, 2 * a.step_ms)
            jitter = rng.randint(-30_000, 30_000)
            ts = (start + timedelta(milliseconds=max(0, t_ms + jitter))).strftime("%Y-%m-%dT%H:%M:%SZ")
            eid = '"' + str(uuid.UUID(int=rng.getrandbits(128), version=4)) + '"'
            id_first, h, m, t = templates[rng.randrange(len(templates))]
            ts = '"' + ts + '"'
            f.write(h + (eid if id_first else ts) + m + (ts if id_first else eid) + t)
            f.write(",\n" if i + 1 < a.records else "\n")
        f.write("]}\n")
    os.replace(tmp, a.out)


if __name__ == "__main__":
    main()
