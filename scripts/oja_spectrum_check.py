#!/usr/bin/env python3
"""Why the §3.1 task uses the spectrum max(0.5^(i-1), 0.1) and not linspace(1, 0.1, N).

Runs Oja's rule itself (A_110 = 1, A_021 = -1: Δw = η ⟨x y − y² w⟩_batch) with the task's
protocol (include/metahebb/tasks/principal_vector.hpp: zero-mean Gaussian inputs with
covariance s·Q diag(λ) Qᵀ, Q Haar-random, s ~ U(0.5, 2), w(0) ~ N(0, I/N), fresh batches of
N_b = 200 samples, η = 1/20, 200 steps) for both spectra and prints the task's loss
min(|w − PC1|, |w + PC1|) after 200 steps and the steps each dataset needs to get below 0.1.
A rule search can only find Oja's rule if Oja's rule itself reaches PC1 within the budget.

    scripts/oja_spectrum_check.py --inputs 10 --datasets 20 --seed 1

NumPy only; the C++ task is not called (the reference here is the rule's own dynamics).
"""
import argparse

import numpy as np


def spectra(n):
    return {
        "max(0.5^(i-1), 0.1) (the task's)": np.maximum(0.5 ** np.arange(n), 0.1),
        "linspace(1, 0.1, N)": np.linspace(1.0, 0.1, n),
    }


def run(lam, args, rng):
    n = len(lam)
    losses, first = [], []
    for _ in range(args.datasets):
        q, r = np.linalg.qr(rng.standard_normal((n, n)))
        q *= np.sign(np.diag(r))  # Haar-distributed rotation
        s = rng.uniform(0.5, 2.0)
        mixing = q * np.sqrt(s * lam)  # x = mixing @ z, z ~ N(0, I)
        pc1 = q[:, 0]
        w = rng.standard_normal(n) / np.sqrt(n)
        reached = None
        for step in range(1, args.steps + 1):
            x = rng.standard_normal((args.batch, n)) @ mixing.T
            y = x @ w
            w = w + args.eta * ((x * y[:, None]).mean(0) - (y * y).mean() * w)
            loss = min(np.linalg.norm(w - pc1), np.linalg.norm(w + pc1))
            if reached is None and loss < 0.1:
                reached = step
        losses.append(loss)
        first.append(reached)
    return np.array(losses), first


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--inputs", type=int, default=10)
    p.add_argument("--datasets", type=int, default=20)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--batch", type=int, default=200)
    p.add_argument("--eta", type=float, default=1.0 / 20.0)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    print(f"Oja's rule, N = {args.inputs}, {args.datasets} datasets, {args.steps} steps of N_b = {args.batch}, "
          f"eta = {args.eta:g}, seed {args.seed}")
    for name, lam in spectra(args.inputs).items():
        losses, first = run(lam, args, np.random.default_rng(args.seed))
        done = [f for f in first if f is not None]
        print(f"  {name:34s} lambda1 - lambda2 = {lam[0] - lam[1]:.3f}: loss after {args.steps} steps "
              f"mean {losses.mean():.3f}, max {losses.max():.3f}; below 0.1 in {len(done)}/{len(first)} datasets"
              + (f" (median step {int(np.median(done))})" if done else ""))


if __name__ == "__main__":
    main()
