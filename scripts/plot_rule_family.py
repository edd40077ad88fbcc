#!/usr/bin/env python3
"""Plots a single-neuron rule family (examples/rule_family --task single-neuron) in the (α, β)
plane with the mean-field manifold of Eq. 17 (Confavreux et al. 2020, §3.3), and reports the
residual of Eq. 17 for the accepted rules.

    python3 scripts/plot_rule_family.py STORE_DIR [--out family.png] [--rate 5] [--tolerance 1]

Eq. 17: for uncorrelated pre and post spike trains the spike-trace rule's mean drift vanishes at
    ν_post* = −α ν_pre / (β + (γ τ_pre + κ τ_post) ν_pre),
so a rule holding the neuron at ν_post lies on the plane β_eff = −α ν_pre / ν_post, with
β_eff = β + (γ τ_pre + κ τ_post) ν_pre (for γ = κ = 0 the line β = −α ν_pre/ν_post of Fig. 3D).
ν_pre is measured per rule (the store's nu_pre_hz: the inhibitory afferents' mean rate over its
input). Residual: ν_post* (Eq. 17) − the measured rate, over the accepted rules.
The last stdout line is JSON.
"""
import argparse
import json
import os

import numpy as np


def load_store(directory):
    """Every committed record of a rule store as one numpy structured array."""
    files = [line.split()[0] for line in open(os.path.join(directory, "manifest.txt")) if line.strip()]
    return np.concatenate([np.load(os.path.join(directory, f)) for f in files])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("store")
    p.add_argument("--out", default="rule_family.png")
    p.add_argument("--rate", type=float, default=5.0, help="target rate ν_post (Hz)")
    p.add_argument("--tolerance", type=float, default=1.0, help="accepted: |rate − target| ≤ tolerance (Hz)")
    a = p.parse_args()
    t = load_store(a.store)
    ok = (t["exploded"] == 0) & (np.abs(t["rate_hz"] - a.rate) <= a.tolerance)
    acc = t[ok]
    nu = acc["nu_pre_hz"]
    beta_eff = acc["beta"] + (acc["gamma"] * acc["tau_pre"] + acc["kappa"] * acc["tau_post"]) * nu
    with np.errstate(divide="ignore", invalid="ignore"):
        predicted = -acc["alpha"] * nu / beta_eff
    residual = predicted - acc["rate_hz"]
    finite = np.isfinite(residual)
    # Distance to the plane in β_eff units: β_eff − (−α ν_pre / ν_post), relative to |α| ν_pre / ν_post.
    plane = (beta_eff + acc["alpha"] * nu / a.rate) / np.maximum(np.abs(acc["alpha"]) * nu / a.rate, 1e-12)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    rejected = t[~ok & (t["exploded"] == 0)]
    ax = axes[0]
    ax.scatter(rejected["alpha"], rejected["beta"], s=3, c="0.8", label="simulated, rejected")
    sc = ax.scatter(acc["alpha"], acc["beta"], s=8, c=acc["round"], cmap="viridis", label="accepted (colour: round)")
    ax.set_xlabel("α")
    ax.set_ylabel("β")
    ax.set_title("accepted rules in the (α, β) plane")
    fig.colorbar(sc, ax=ax, label="round")
    ax.legend(loc="upper right", fontsize=8)
    ax = axes[1]
    ax.scatter(acc["alpha"], beta_eff, s=8, c=acc["round"], cmap="viridis")
    xs = np.linspace(min(acc["alpha"].min(), -0.05) if len(acc) else -1, max(acc["alpha"].max(), 0.05) if len(acc) else 1, 50)
    mean_nu = float(np.mean(t["nu_pre_hz"]))
    ax.plot(xs, -xs * mean_nu / a.rate, "r-", label="Eq. 17: β_eff = −α ν_pre/ν_post (ν_pre = %.1f Hz)" % mean_nu)
    ax.set_xlabel("α")
    ax.set_ylabel("β_eff = β + (γ τ_pre + κ τ_post) ν_pre")
    ax.set_title("accepted rules and the mean-field line")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(a.out, dpi=120)

    summary = {
        "simulated": int(len(t)),
        "accepted": int(len(acc)),
        "accepted_per_round": [int(np.sum(acc["round"] == r)) for r in range(int(t["round"].max()) + 1)],
        "rate_hz_median": float(np.median(acc["rate_hz"])) if len(acc) else None,
        "nu_pre_hz_mean": mean_nu,
        "eq17_residual_hz_median": float(np.median(residual[finite])) if finite.any() else None,
        "eq17_abs_residual_hz_median": float(np.median(np.abs(residual[finite]))) if finite.any() else None,
        "eq17_abs_residual_hz_p90": float(np.percentile(np.abs(residual[finite]), 90)) if finite.any() else None,
        "eq17_within_1hz": float(np.mean(np.abs(residual[finite]) <= 1.0)) if finite.any() else None,
        "plane_distance_median": float(np.median(np.abs(plane))) if len(acc) else None,
        "beta_positive": int(np.sum(acc["beta"] > 0)),
        "beta_negative": int(np.sum(acc["beta"] <= 0)),
        "alpha_negative": int(np.sum(acc["alpha"] < 0)),
        "alpha_positive": int(np.sum(acc["alpha"] >= 0)),
        "plot": a.out,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
