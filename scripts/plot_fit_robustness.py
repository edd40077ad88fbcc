#!/usr/bin/env python3
"""Robustness of a rule fitted to activity (docs/fitting-to-data.md): angle to the teacher and
held-out weight R^2 against measurement noise, one line per recording sparsity.

Input: lines of examples/fit_rule_to_data's JSON summaries (one fit per line), e.g.

    for s in 1 0.5 0.25 0.1; do for n in 0 0.25 0.5 1 2; do
      build/release/examples/fit_rule_to_data --noise $n --sparsity $s --epochs 200 \
          --lr 0.01 --final-lr 0.001 2>/dev/null | tail -1
    done; done > robustness.jsonl
    python3 scripts/plot_fit_robustness.py robustness.jsonl docs/images/fit_robustness.png

Also prints the markdown table of the docs page.
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip().startswith("{")]
    sparsities = sorted({r["sparsity"] for r in rows}, reverse=True)
    noises = sorted({r["noise"] for r in rows})
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.4))
    for s in sparsities:
        sel = sorted((r for r in rows if r["sparsity"] == s), key=lambda r: r["noise"])
        label = f"fraction recorded {s:g}"
        a.plot([r["noise"] for r in sel], [r["angle_to_teacher_deg"] for r in sel], "o-", label=label)
        b.plot([r["noise"] for r in sel], [r["r2_weights"] for r in sel], "o-", label=label)
    a.axhline(10, color="grey", lw=0.8, ls="--")
    a.set(xlabel="measurement noise (s.d., units of y)", ylabel="angle to Oja (deg, 27 terms)", yscale="log")
    b.axhline(0.9, color="grey", lw=0.8, ls="--")
    b.set(xlabel="measurement noise (s.d., units of y)", ylabel="held-out weight R²", ylim=(min(0.0, min(r["r2_weights"] for r in rows)), 1.02))
    a.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=120)

    print("| recorded \\ noise | " + " | ".join(f"{n:g}" for n in noises) + " |")
    print("| --- |" + " --- |" * len(noises))
    for s in sparsities:
        cells = []
        for n in noises:
            r = next((r for r in rows if r["sparsity"] == s and r["noise"] == n), None)
            cells.append("—" if r is None else
                         f"{r['angle_to_teacher_deg']:.1f}° / {r['r2_weights']:.3f} / {r['r2_activity']:.3f}")
        print(f"| {s:g} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
