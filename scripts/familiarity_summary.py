#!/usr/bin/env python3
"""Per-size summaries of an examples/familiarity --rows CSV (standard library only).

usage: familiarity_summary.py ROWS.csv [MIN_EFFECT]

Over the stabilising rules, per size: rules with memory (p < 0.05 at the first test), those whose
mean |Δr| is also at least MIN_EFFECT (default 0.01), the sign of Δr among rules with memory
(novel > familiar or the reverse), and the distribution of the time of last significant response.
With the columns of a sequential run (`round`, `static_memory`, `max_w_ee` …): per round the
screened and stabilising quartets and those with memory; the fractions with memory, frozen and
static control with Wilson 95 % intervals, also over the stabilising quartets that meet the
reference's final-weight bounds (mean EE, EI <= 0.5, IE, II <= 5 on every seed).
"""
import csv
import math
import sys
from collections import Counter, defaultdict


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    min_effect = float(sys.argv[2]) if len(sys.argv) > 2 else 0.01
    by_size = defaultdict(list)
    with open(sys.argv[1]) as f:
        rows_all = list(csv.DictReader(f))
        for row in rows_all:
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
    if rows_all and "static_memory" in rows_all[0]:
        sequential(rows_all)


def wilson(k, n, z=1.959963984540054):
    if n == 0:
        return "n/a"
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return f"{k}/{n} = {p:.3f} [{max(0.0, centre - half):.3f}, {min(1.0, centre + half):.3f}]"


def sequential(rows):
    if "round" in rows[0]:
        print("round  screened  stabilising  with memory  frozen control  static control")
        for r in sorted({int(x["round"]) for x in rows}):
            these = [x for x in rows if int(x["round"]) == r]
            stab = [x for x in these if x["stabilising"] == "1"]
            print(f"{r:>5} {len(these):>9} {len(stab):>12} {sum(x['memory'] == '1' for x in stab):>12}"
                  f" {sum(x['control_memory'] == '1' for x in stab):>15} {sum(x['static_memory'] == '1' for x in stab):>15}")
    bounds = {"max_w_ee": 0.5, "max_w_ei": 0.5, "max_w_ie": 5.0, "max_w_ii": 5.0}
    for n in sorted({int(x["neurons"]) for x in rows}):
        stab = [x for x in rows if int(x["neurons"]) == n and x["stabilising"] == "1"]
        subsets = [("stabilising", stab)]
        if "max_w_ee" in rows[0]:
            subsets.append(("and final weights in bounds",
                            [x for x in stab if all(x[c] != "" and float(x[c]) <= b for c, b in bounds.items())]))
        for name, sub in subsets:
            k = len(sub)
            abs_dr = sum(abs(float(x["delta_rate_first"])) for x in sub) / k if k else float("nan")
            ctl = [abs(float(x["control_delta_rate_first"])) for x in sub if x["control_delta_rate_first"] not in ("nan", "")]
            sta = [abs(float(x["static_delta_rate_first"])) for x in sub if x["static_delta_rate_first"] not in ("nan", "")]
            print(f"N={n} {name}: with memory {wilson(sum(x['memory'] == '1' for x in sub), k)}; "
                  f"frozen control {wilson(sum(x['control_memory'] == '1' for x in sub), k)}; "
                  f"static control {wilson(sum(x['static_memory'] == '1' for x in sub), k)}; "
                  f"paired vs frozen {wilson(sum(x['memory_vs_control'] == '1' for x in sub), k)}; "
                  f"mean |dr| {abs_dr:.4f}, frozen {sum(ctl) / len(ctl) if ctl else float('nan'):.4f} ({k - len(ctl)} diverged), "
                  f"static {sum(sta) / len(sta) if sta else float('nan'):.4f} ({k - len(sta)} diverged)")


if __name__ == "__main__":
    main()
