#!/usr/bin/env python3
"""A mean-field pre-screen of the filter-SBI box for the recurrent network's polynomial rules
(docs/rule-families.md, "The mean-field screen"). A cheap necessary-condition filter, not a
simulation: it ignores spike correlations and the network's rate response.

For uncorrelated pre- and postsynaptic spikes a type's mean drift is (Eq. 15 of the 2020 paper,
SpikeTraceBasis::mean_drift; Hz, per unit of η)

    D(ν_pre, ν_post) = α ν_pre + β ν_post + c ν_pre ν_post,   c = γ τ_pre + κ τ_post.

E→E (pre and post E) vanishes at ν_E* = −(α + β) / c_EE and I→I at ν_I* = −(α + β) / c_II; the
other two types must then drift slowly at (ν_E*, ν_I*) too: w_creep ≤ w over the scoring time T
asks |η D| T ≤ w w̄, i.e. |D| ≤ w w̄ / (η T) — 0.1 Hz for E→I (w̄ = 0.1) and 1 Hz for I→E
(w̄ = 1) with w = 0.05, η = 0.01, T = 5 s. A rule passes the screen if both rates are in
[rate_min, rate_max] and both drifts are within those bounds; with --stable also if each type's
fixed point is stable on its own (the drift falls as the type's own weight grows: c_EE < 0,
c_II > 0, β_EI + c_EI ν_E* < 0, β_IE + c_IE ν_I* > 0 — "diagonal" stability, cross effects
ignored). Four conditions on two rates: the screen's set is a thin neighbourhood of a
codimension-2 surface of the 24-dimensional box.

    python3 scripts/recurrent_family/mean_field_screen.py --samples 20000000 --seed 1 --stable \
        --out screened.csv [--limit N]

Writes the passing θ (CSV with the task's parameter names, for rule_family --theta) and prints
the fractions of the box passing each stage as JSON (last line).
"""
import argparse
import json

import numpy as np

TYPES = ["EE", "EI", "IE", "II"]
COEFFS = ["alpha", "beta", "gamma", "kappa", "tau_pre", "tau_post"]


def sample_box(rng, n):
    """n θ from the filter-SBI box (sweep/filter_sbi.hpp): τ ~ U[0.01, 0.1] s, the rest U[−2, 2]."""
    th = np.empty((n, 24))
    for t in range(4):
        th[:, 6 * t:6 * t + 4] = rng.uniform(-2, 2, (n, 4))
        th[:, 6 * t + 4:6 * t + 6] = rng.uniform(0.01, 0.1, (n, 2))
    return th


def screen(th, a):
    """Boolean masks of the stages for θ rows."""
    def coeffs(t):
        return th[:, 6 * t], th[:, 6 * t + 1], th[:, 6 * t + 2] * th[:, 6 * t + 4] + th[:, 6 * t + 3] * th[:, 6 * t + 5]
    (aee, bee, cee), (aei, bei, cei), (aie, bie, cie), (aii, bii, cii) = (coeffs(t) for t in range(4))
    with np.errstate(divide="ignore", invalid="ignore"):
        ne, ni = -(aee + bee) / cee, -(aii + bii) / cii
        rates = (ne >= a.rate_min) & (ne <= a.rate_max) & (ni >= a.rate_min) & (ni <= a.rate_max)
        d_ei = aei * ne + bei * ni + cei * ne * ni  # pre E, post I
        d_ie = aie * ni + bie * ne + cie * ni * ne  # pre I, post E
    bound = lambda w: a.w_creep * w / (a.eta * a.scoring_time)  # noqa: E731
    drifts = rates & (np.abs(d_ei) <= bound(0.1)) & (np.abs(d_ie) <= bound(1.0))
    stable = drifts & (cee < 0) & (cii > 0) & (bei + cei * ne < 0) & (bie + cie * ni > 0)
    return rates, drifts, stable


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--samples", type=int, default=20_000_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--stable", action="store_true", help="also require each type's fixed point stable on its own")
    p.add_argument("--out", default="")
    p.add_argument("--limit", type=int, default=0, help="write at most this many rules (0: all)")
    p.add_argument("--rate-min", type=float, default=1.0)
    p.add_argument("--rate-max", type=float, default=50.0)
    p.add_argument("--w-creep", type=float, default=0.05)
    p.add_argument("--eta", type=float, default=0.01)
    p.add_argument("--scoring-time", type=float, default=5.0)
    a = p.parse_args()
    if a.samples <= 0:
        raise SystemExit(f"invalid --samples = {a.samples} (must be > 0)")
    rng = np.random.default_rng(a.seed)
    counts = np.zeros(3, dtype=np.int64)
    kept, done = [], 0
    while done < a.samples:
        n = min(2_000_000, a.samples - done)
        th = sample_box(rng, n)
        masks = screen(th, a)
        counts += [m.sum() for m in masks]
        kept.append(th[masks[2] if a.stable else masks[1]])
        done += n
    kept = np.concatenate(kept)
    if a.limit:
        kept = kept[:a.limit]
    if a.out:
        header = ",".join(f"{t}: {c}" for t in TYPES for c in COEFFS)
        np.savetxt(a.out, kept, delimiter=",", header=header, comments="", fmt="%.9g")
    print(json.dumps({"samples": a.samples, "seed": a.seed, "rates": int(counts[0]), "drifts": int(counts[1]),
                      "stable": int(counts[2]), "fraction_rates": counts[0] / a.samples,
                      "fraction_drifts": counts[1] / a.samples, "fraction_stable": counts[2] / a.samples,
                      "written": len(kept), "out": a.out}))


if __name__ == "__main__":
    main()
