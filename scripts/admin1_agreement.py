#!/usr/bin/env python3
"""Admin1 agreement on the gold events whose place the system finds (issue 11, "Must show").

Usage: admin1_agreement.py GOLD.jsonl SYSTEM.jsonl [--json] [--details]

The official scorer (../shared/eval/score.py) pairs a gold event with a system event
only when their admin1 agree, so its matched pairs agree on admin1 by construction.
This script pairs them with the scorer's own `best_pairs` (same maximum one-to-one
pairing, same tie-break on field agreement) but with admin1 left out of the match key
(event type and date only), then, over the pairs whose gold names an admin1 and whose
system event has a non-null location, counts how often the admin1 agree under the
scorer's alias table (`admin1_key`, built from eval/admin1.tsv).

Nothing from the eval files is written anywhere; only figures (and with --details, the
ids and admin1 of the disagreeing pairs) are printed.
"""
import json
import sys
from pathlib import Path


def load_scorer(gold_path):
    here = Path(gold_path).resolve().parent
    sys.path.insert(0, str(here))
    import score  # noqa: E402  (the official scorer, beside the gold file)
    return score


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 2:
        raise SystemExit(__doc__)
    gold_path, sys_path = args
    score = load_scorer(gold_path)

    def relaxed(g, s):
        return (g.get("event_type") == s.get("event_type")
                and score.date_compatible(g.get("date"), s.get("date")))

    score.compatible = relaxed  # best_pairs looks the name up at call time
    gold = {d["id"]: d for d in score.read_jsonl(gold_path)}
    system = {d["id"]: d for d in score.read_jsonl(sys_path)}
    pairs = agree = 0
    wrong = []
    for doc_id, g in gold.items():
        gev = g.get("events", [])
        sev = (system.get(doc_id) or {}).get("events", []) or []
        for j, i in score.best_pairs(gev, sev):
            ge, se = gev[j], sev[i]
            if ge.get("admin1") in (None, "") or not se.get("location"):
                continue
            pairs += 1
            if score.admin1_key(ge.get("admin1")) == score.admin1_key(se.get("admin1")):
                agree += 1
            else:
                wrong.append((doc_id, ge.get("admin1"), se.get("admin1")))
    share = agree / pairs if pairs else 1.0
    if "--json" in argv:
        print(json.dumps({"pairs": pairs, "agree": agree, "share": share}))
    else:
        print(f"admin1 agrees on {agree}/{pairs} = {share:.3f} of the gold events whose place the system finds")
    if "--details" in argv:
        for w in wrong:
            print("ADMIN1", *w, file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
