#!/usr/bin/env python3
"""Plots of docs/familiarity.md from the JSON lines examples/familiarity prints (standard library only).

usage: familiarity_plot.py OUT.svg LABEL=RESULT.json [LABEL=RESULT.json ...]

Each RESULT.json holds the last stdout line of one examples/familiarity run. Left panel: the
fraction of stabilising rules with a significant Δr at the first test (Wilson 95 % interval as a
bar) and the frozen control's, against the network size; right panel: the mean |Δr| at the
first test against the size. One colour per LABEL.
"""
import json
import math
import sys

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]


def panel(x0, y0, w, h, title, xlabel, ylabel, xs, ymax, series):
    """series: list of (colour, dashed, [(x, y, lo, hi)]). x on a log2 axis."""
    out = []
    lx = [math.log2(x) for x in xs]
    xmin, xmax = min(lx) - 0.3, max(lx) + 0.3
    sx = lambda v: x0 + (math.log2(v) - xmin) / (xmax - xmin) * w
    sy = lambda v: y0 + h - v / ymax * h
    out.append(f'<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="none" stroke="black"/>')
    out.append(f'<text x="{x0 + w / 2}" y="{y0 - 8}" text-anchor="middle" font-size="13">{title}</text>')
    out.append(f'<text x="{x0 + w / 2}" y="{y0 + h + 34}" text-anchor="middle" font-size="12">{xlabel}</text>')
    out.append(f'<text x="{x0 - 42}" y="{y0 + h / 2}" text-anchor="middle" font-size="12" '
               f'transform="rotate(-90 {x0 - 42} {y0 + h / 2})">{ylabel}</text>')
    for x in xs:
        out.append(f'<text x="{sx(x)}" y="{y0 + h + 16}" text-anchor="middle" font-size="11">{x}</text>')
    for k in range(5):
        v = ymax * k / 4
        out.append(f'<text x="{x0 - 6}" y="{sy(v) + 4}" text-anchor="end" font-size="11">{v:.3g}</text>')
        out.append(f'<line x1="{x0}" x2="{x0 + w}" y1="{sy(v)}" y2="{sy(v)}" stroke="#ddd"/>')
    for colour, dashed, points in series:
        pts = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y, _, _ in points)
        dash = ' stroke-dasharray="5,4"' if dashed else ""
        out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for x, y, lo, hi in points:
            out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{colour}"/>')
            if lo is not None:
                out.append(f'<line x1="{sx(x):.1f}" x2="{sx(x):.1f}" y1="{sy(lo):.1f}" y2="{sy(hi):.1f}" stroke="{colour}"/>')
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    runs = []
    for arg in sys.argv[2:]:
        label, path = arg.rsplit("=", 1)
        with open(path) as f:
            runs.append((label, json.loads(f.read().strip().splitlines()[-1])))
    xs = sorted({s["neurons"] for _, r in runs for s in r["sizes"]})
    frac, effect = [], []
    dmax = max(s["mean_abs_delta_rate"] for _, r in runs for s in r["sizes"])
    for i, (label, r) in enumerate(runs):
        c = COLOURS[i % len(COLOURS)]
        frac.append((c, False, [(s["neurons"], s["fraction_with_memory"], *s["fraction_with_memory_ci"]) for s in r["sizes"]]))
        frac.append((c, True, [(s["neurons"], s["fraction_with_memory_static_control"],
                                *s["fraction_with_memory_static_control_ci"]) for s in r["sizes"]]))
        effect.append((c, False, [(s["neurons"], s["mean_abs_delta_rate"], None, None) for s in r["sizes"]]))
    height = 340 + 16 * len(runs)
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="900" height="{height}" font-family="sans-serif">',
           f'<rect width="900" height="{height}" fill="white"/>']
    svg += panel(70, 40, 330, 240, "rules with memory (dashed: frozen control)", "neurons N", "fraction", xs, 1.0, frac)
    svg += panel(530, 40, 330, 240, "mean |Δr| at the first test", "neurons N", "|Δr|", xs, dmax * 1.15, effect)
    for i, (label, r) in enumerate(runs):
        y = 345 + 16 * i
        svg.append(f'<rect x="80" y="{y - 9}" width="14" height="4" fill="{COLOURS[i % len(COLOURS)]}"/>')
        svg.append(f'<text x="100" y="{y - 3}" font-size="11">{label} ({r["rules_tested"]} rules, {r["seeds"]} seeds)</text>')
    svg.append("</svg>")
    with open(sys.argv[1], "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
