#!/usr/bin/env python3
"""Per-country figures of a system output against a gold file, as a Markdown table.

    python3 scripts/country_table.py GOLD.jsonl SYSTEM.jsonl

Pairs events with the official scorer's own pairing (../shared/eval/score.py, found
beside the gold file) and counts, per country: gold and system events (by each side's
own country), matched pairs (by the gold event's country), precision, recall, F1, and
location and fatalities accuracy on the matched pairs. README's per-country table is
printed by this script.
"""
import os
import sys
from collections import defaultdict


def main(gold_path, system_path):
    sys.path.insert(0, os.path.dirname(os.path.abspath(gold_path)))
    import score as S  # the official scorer beside the gold file

    gold = S.read_jsonl(gold_path)
    system = {str(d.get("id")): d for d in S.read_jsonl(system_path)}
    rows = defaultdict(lambda: {"gold": 0, "system": 0, "matched": 0, "location": 0, "located": 0, "fatalities": 0})
    for doc in gold:
        g = doc.get("events", [])
        s = system.get(str(doc.get("id")), {}).get("events", []) or []
        for e in g:
            rows[e.get("country")]["gold"] += 1
        for e in s:
            rows[e.get("country")]["system"] += 1
        for j, i in S.best_pairs(g, s):
            r = rows[g[j].get("country")]
            r["matched"] += 1
            fields = S.field_results(g[j], s[i])
            # the scorer judges a location only where the gold event names one
            if "location" in fields:
                r["located"] += 1
                r["location"] += fields["location"]
            r["fatalities"] += fields.get("fatalities", 0)
    print("| country | gold | system | matched | precision | recall | F1 | location | fatalities |")
    print("|---|---|---|---|---|---|---|---|---|")
    for c, r in sorted(rows.items(), key=lambda kv: (-kv[1]["gold"], str(kv[0]))):
        if not r["gold"] and not r["system"]:
            continue
        p = r["matched"] / r["system"] if r["system"] else 0.0
        rec = r["matched"] / r["gold"] if r["gold"] else 0.0
        f1 = 2 * p * rec / (p + rec) if p + rec else 0.0
        m = r["matched"]
        loc = f"{r['location'] / r['located']:.2f}" if r["located"] else "–"
        fat = f"{r['fatalities'] / m:.2f}" if m else "–"
        print(f"| {c or '(none)'} | {r['gold']} | {r['system']} | {m} | {p:.2f} | {rec:.2f} | **{f1:.2f}** | {loc} | {fat} |")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
