#!/usr/bin/env python3
"""Per-size summaries of an examples/familiarity --rows CSV (standard library only).

usage: familiarity_summary.py ROWS.csv [MIN_EFFECT]

Over the stabilising rules, per size: rules with memory (p < 0.05 at the first test), those whose
mean |Δr| is also at least MIN_EFFECT (default 0.01), the sign of Δr among rules with memory
(novel > familiar or the reverse), and the distribution of the time of last significant response.
"""
import csv
import sys
from collections import Counter, defaultdict


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    min_effect = float(sys.argv[2]) if len(sys.argv) > 2 else 0.01
    by_size = defaultdict(list)
    with open(sys.argv[1]) as f:
        for row in csv.DictReader(f):
            if row["stabilising"] == "1":
                by_size[int(row["neurons"])].append(row)
    print(f"{'N':>5} {'rules':>6} {'memory':>7} {'|dr|>=' + str(min_effect):>10} {'novel>fam':>10} {'fam>novel':>10}  last significant test time (s): rules")
    for n in sorted(by_size):
        rows = by_size[n]
        memory = [r for r in rows if r["memory"] == "1"]
        big = [r for r in memory if abs(float(r["delta_rate_first"])) >= min_effect]
        novel = sum(float(r["delta_rate_first"]) > 0 for r in memory)
        lifetimes = Counter(r["lifetime_s"] or "none" for r in rows)
        order = sorted((k for k in lifetimes if k != "none"), key=float) + (["none"] if "none" in lifetimes else [])
        spread = ", ".join(f"{k}: {lifetimes[k]}" for k in order)
        print(f"{n:>5} {len(rows):>6} {len(memory):>7} {len(big):>10} {novel:>10} {len(memory) - novel:>10}  {spread}")


if __name__ == "__main__":
    main()
