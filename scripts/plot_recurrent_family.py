#!/usr/bin/env python3
"""Summarises and plots a recurrent-network rule family (examples/rule_family --task recurrent,
scripts/recurrent_family/run.sh): acceptance per round under a constraints file, how many rules
each constraint alone rejects, and pair plots of the accepted quartets against the prior.

    python3 scripts/plot_recurrent_family.py STORE --constraints FILE [--out family.png]
        [--marginals marginals.png] [--compare STORE2 --compare-label CMA-ES] [--pairs 6]
        [--nearest N]

The constraints file has the format of sweep/constraints.hpp (`name in [a, b]`, `name >= a`,
`name <= b`, `#` comments); NaN fails, as in the library. --compare marks the rules of another
store (e.g. the CMA-ES quartet run through the same protocol with rule_family --theta) on the
plots and reports how many of them pass. The pair plot shows the --pairs coordinates whose
accepted spread is narrowest relative to the prior's (std ratio); the marginals figure shows
all 24. With --nearest N, when fewer than N rules pass every constraint, the plots show the N
rules that violate the constraints least instead (the violation of sweep/rounds.hpp:
Σ_k dist(x_k, [l_k, u_k]) / s_k), and say so in their titles. --prior-store takes the prior's
sample (grey histograms, σ ratios) from round 0 of another store, for runs whose round 0 is not
the prior; --write-accepted writes the accepted θ as CSV. The last stdout line is JSON.
"""
import argparse
import json
import math
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plot_rule_family import load_store  # noqa: E402

NUMBER = r"[-+]?(?:inf|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)"


def parse_constraints(path):
    """[(text, metric, lower, upper)] from a constraints file."""
    out = []
    for line in open(path):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        m = re.fullmatch(r"(\w+)\s+in\s+\[\s*(" + NUMBER + r")\s*,\s*(" + NUMBER + r")\s*\]", text)
        if m:
            out.append((text, m.group(1), float(m.group(2)), float(m.group(3))))
            continue
        m = re.fullmatch(r"(\w+)\s*(>=|<=)\s*(" + NUMBER + r")", text)
        if not m:
            raise SystemExit(f"{path}: cannot read '{text}'")
        v = float(m.group(3))
        out.append((text, m.group(1), v, math.inf) if m.group(2) == ">=" else (text, m.group(1), -math.inf, v))
    return out


def passes(table, constraints):
    """Boolean matrix rules × constraints (NaN fails)."""
    cols = []
    for _, name, lo, hi in constraints:
        x = table[name]
        with np.errstate(invalid="ignore"):
            cols.append(np.isfinite(x) & (x >= lo) & (x <= hi))
    return np.stack(cols, axis=1)


def violation(table, constraints):
    """sweep/rounds.hpp's constraint_violation for every rule (+inf if a metric is not finite)."""
    v = np.zeros(len(table))
    for _, name, lo, hi in constraints:
        x = np.asarray(table[name], dtype=float)
        if math.isfinite(lo) and math.isfinite(hi) and hi > lo:
            scale = hi - lo
        elif math.isfinite(lo) and lo != 0:
            scale = abs(lo)
        elif math.isfinite(hi) and hi != 0:
            scale = abs(hi)
        else:
            scale = 1.0
        with np.errstate(invalid="ignore"):
            d = np.where(x < lo, lo - x, np.where(x > hi, x - hi, 0.0)) / scale
        v += np.where(np.isfinite(x), d, np.inf)
    return v


def theta_names(table):
    names = table.dtype.names
    return [n for n in names if ": " in n]  # "EE: alpha" … "II: tau_post"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("store")
    p.add_argument("--constraints", required=True)
    p.add_argument("--out", default="recurrent_family.png")
    p.add_argument("--marginals", default="")
    p.add_argument("--compare", default="")
    p.add_argument("--compare-label", default="other")
    p.add_argument("--pairs", type=int, default=6)
    p.add_argument("--nearest", type=int, default=0)
    p.add_argument("--prior-store", default="", help="the prior's sample: round 0 of this store (default: of STORE)")
    p.add_argument("--write-accepted", default="", help="write the accepted θ as CSV (for rule_family --theta)")
    a = p.parse_args()

    t = load_store(a.store)
    cons = parse_constraints(a.constraints)
    ok = passes(t, cons)
    all_ok = ok.all(axis=1)
    rounds = sorted(set(int(r) for r in t["round"]))
    summary = {"rules": int(len(t)), "accepted": int(all_ok.sum()), "rounds": []}
    print(f"{len(t)} rules, {int(all_ok.sum())} pass all {len(cons)} constraints of {a.constraints}")
    header = "round  rules  exploded  " + "  ".join(c[1] for c in cons) + "  all  acceptance"
    print(header)
    for r in rounds:
        m = t["round"] == r
        n = int(m.sum())
        each = [int(ok[m, k].sum()) for k in range(len(cons))]
        acc = int(all_ok[m].sum())
        # rules failing exactly one constraint: which one (the binding constraint)
        fails = ~ok[m]
        only = fails.sum(axis=1) == 1
        binding = {cons[k][1]: int((only & fails[:, k]).sum()) for k in range(len(cons))}
        summary["rounds"].append({"round": r, "rules": n, "exploded": int(t["exploded"][m].sum()),
                                  "passing": dict(zip([c[1] for c in cons], each)), "accepted": acc,
                                  "acceptance": acc / n if n else 0.0, "only_failure": binding})
        print(f"{r:5d}  {n:5d}  {int(t['exploded'][m].sum()):8d}  " + "  ".join(f"{v:{len(c[1])}d}" for v, c in zip(each, cons))
              + f"  {acc:3d}  {100.0 * acc / n:.1f} %   only failure: {binding}")

    # w_creep: the two definitions (docs/network-metrics.md) can only differ where a type's mean
    # weight is small (fSBI skips types with w̄_start + w̄_end <= 0.1; metahebb floors w̄_start at 0.05).
    if "w_creep" in [c[1] for c in cons]:
        k = [c[1] for c in cons].index("w_creep")
        small = np.zeros(len(t), dtype=bool)
        for s in ("EE", "EI", "IE", "II"):
            with np.errstate(invalid="ignore"):
                small |= t["w_final_" + s] < 0.05
        fail_creep = ~ok[:, k] & np.isfinite(t["w_creep"])
        summary["w_creep_fail"] = int(fail_creep.sum())
        summary["w_creep_fail_with_small_type"] = int((fail_creep & small).sum())
        summary["w_creep_median_finite"] = float(np.nanmedian(t["w_creep"]))
        print(f"w_creep: {int(fail_creep.sum())} finite failures, {int((fail_creep & small).sum())} of them with a type "
              f"whose final mean weight is < 0.05 (where fSBI's definition may skip it); median w_creep "
              f"{np.nanmedian(t['w_creep']):.3g}")

    other = None
    if a.compare:
        other = load_store(a.compare)
        ook = passes(other, cons)
        summary["compare"] = {"label": a.compare_label, "rules": int(len(other)), "accepted": int(ook.all(axis=1).sum()),
                              "passing": dict(zip([c[1] for c in cons], [int(ook[:, k].sum()) for k in range(len(cons))]))}
        for name in [c[1] for c in cons]:
            summary["compare"][name] = [float(v) for v in other[name]]
        print(f"{a.compare_label}: {summary['compare']['accepted']}/{len(other)} pass all; per constraint "
              f"{summary['compare']['passing']}")

    names = theta_names(t)
    prior0 = (load_store(a.prior_store) if a.prior_store else t)
    prior0 = prior0[prior0["round"] == 0]
    if a.write_accepted:
        np.savetxt(a.write_accepted, np.stack([t[all_ok][n] for n in names], axis=1), delimiter=",",
                   header=",".join(names), comments="", fmt="%.17g")
    acc = t[all_ok]
    shown = "accepted"
    v = violation(t, cons)
    if a.nearest and len(acc) < a.nearest:
        order = np.argsort(v, kind="stable")[: a.nearest]
        acc = t[order]
        all_ok = np.zeros(len(t), dtype=bool)
        all_ok[order] = True
        shown = "least-violating (too few accepted)"
        summary["nearest"] = [{"rule_id": int(r["rule_id"]), "round": int(r["round"]), "violation": float(x),
                               **{c[1]: float(r[c[1]]) for c in cons}} for r, x in zip(t[order], v[order])]
    summary["shown"] = shown
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if len(acc) >= 2:
        ratio = {n: float(np.std(acc[n]) / np.std(prior0[n])) for n in names}
    else:
        ratio = {n: 1.0 for n in names}
    summary["std_ratio_accepted_over_prior"] = ratio
    chosen = sorted(names, key=lambda n: ratio[n])[: a.pairs]

    k = len(chosen)
    fig, axes = plt.subplots(k, k, figsize=(2.1 * k, 2.1 * k))
    rejected = t[~all_ok & (t["exploded"] == 0)]
    for i, yi in enumerate(chosen):
        for j, xj in enumerate(chosen):
            ax = axes[i, j]
            if i == j:
                bins = np.linspace(min(prior0[xj].min(), t[xj].min()), max(prior0[xj].max(), t[xj].max()), 21)
                ax.hist(prior0[xj], bins=bins, color="0.8", density=True, label="prior (round 0)")
                if len(acc):
                    ax.hist(acc[xj], bins=bins, color="C3", alpha=0.7, density=True, label=shown)
            elif i > j:
                ax.scatter(rejected[xj], rejected[yi], s=2, c="0.8")
                ax.scatter(acc[xj], acc[yi], s=9, c=acc["round"], cmap="viridis", vmin=0, vmax=max(rounds))
                if other is not None:
                    ax.scatter(other[xj], other[yi], s=60, marker="*", c="k")
            else:
                ax.axis("off")
            if i == k - 1:
                ax.set_xlabel(xj, fontsize=8)
            if j == 0 and i > 0:
                ax.set_ylabel(yi, fontsize=8)
            ax.tick_params(labelsize=6)
    title = f"{shown}: {len(acc)} of {len(t)} rules (colour: round)"
    if other is not None:
        title += f"; ★ {a.compare_label}"
    fig.suptitle(title + f"; the {k} coordinates narrowed most", fontsize=10)
    fig.tight_layout()
    fig.savefig(a.out, dpi=110)

    if a.marginals:
        fig, axes = plt.subplots(4, 6, figsize=(15, 9))
        for ax, n in zip(axes.ravel(), names):
            bins = np.linspace(prior0[n].min(), prior0[n].max(), 21)
            ax.hist(prior0[n], bins=bins, color="0.8", density=True)
            if len(acc):
                ax.hist(acc[n], bins=bins, color="C3", alpha=0.7, density=True)
            if other is not None:
                for v in np.unique(other[n]):
                    ax.axvline(v, color="k", lw=1)
            ax.set_title(f"{n} (σ ratio {ratio[n]:.2f})", fontsize=8)
            ax.tick_params(labelsize=6)
        fig.suptitle(f"marginals: prior round 0 (grey), {shown} (red, {len(acc)})"
                     + (f", {a.compare_label} (black line)" if other is not None else ""), fontsize=10)
        fig.tight_layout()
        fig.savefig(a.marginals, dpi=90)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
