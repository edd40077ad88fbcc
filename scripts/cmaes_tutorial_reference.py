#!/usr/bin/env python3
"""An independent reference for metahebb's CMA-ES: the non-active (mu/mu_w, lambda)-CMA-ES of
Hansen's tutorial (N. Hansen 2016, "The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772,
Fig. 6 and the default parameters of Table 1 with positive weights only), written in NumPy from
those equations and sharing no code with include/metahebb/optim/cmaes.hpp.

It runs the evaluation-count protocol of docs/cmaes.md ("Evaluation counts") and prints the
median [min-max] number of evaluations to f <= 1e-8 and the successes, per problem and dimension.
Its random numbers are NumPy's, so single runs differ from metahebb's; the medians over seeds
are what the two share. docs/cmaes.md puts this column beside metahebb's
(benchmarks/cmaes_evaluation_counts.cpp), and tests/optim/cmaes_test.cpp checks metahebb's 10-D
medians against the centres printed here.

Usage: scripts/cmaes_tutorial_reference.py [seeds=21] [dimensions=10,20]
       scripts/cmaes_tutorial_reference.py --constants   (the default strategy parameters)
"""
import sys

import numpy as np


def sphere(x):
    return np.sum(x * x, axis=0)


def ellipsoid(x):
    n = x.shape[0]
    scale = 10.0 ** (6.0 * np.arange(n) / (n - 1))
    return scale @ (x * x)


def rosenbrock(x):
    return np.sum(100.0 * (x[:-1] ** 2 - x[1:]) ** 2 + (x[:-1] - 1.0) ** 2, axis=0)


def strategy_parameters(n):
    """The tutorial's defaults (Table 1), positive weights only."""
    lam = 4 + int(3 * np.log(n))
    mu = lam // 2
    w = np.log((lam + 1) / 2) - np.log(np.arange(1, mu + 1))
    w /= w.sum()
    mu_eff = 1.0 / np.sum(w * w)
    c_sigma = (mu_eff + 2) / (n + mu_eff + 5)
    d_sigma = 1 + 2 * max(0.0, np.sqrt((mu_eff - 1) / (n + 1)) - 1) + c_sigma
    c_c = (4 + mu_eff / n) / (n + 4 + 2 * mu_eff / n)
    c_1 = 2 / ((n + 1.3) ** 2 + mu_eff)
    c_mu = min(1 - c_1, 2 * (mu_eff - 2 + 1 / mu_eff) / ((n + 2) ** 2 + mu_eff))
    return dict(lam=lam, mu=mu, w=w, mu_eff=mu_eff, c_sigma=c_sigma, d_sigma=d_sigma, c_c=c_c, c_1=c_1,
                c_mu=c_mu)


def run(f, n, x0, sigma0, seed, target=1e-8, max_evaluations=1_000_000):
    """Evaluations (whole generations x lambda) until the best of a generation reaches
    `target`, and whether it did."""
    rng = np.random.default_rng(seed)
    p = strategy_parameters(n)
    lam, mu, w, mu_eff = p["lam"], p["mu"], p["w"], p["mu_eff"]
    c_sigma, d_sigma, c_c, c_1, c_mu = p["c_sigma"], p["d_sigma"], p["c_c"], p["c_1"], p["c_mu"]
    chi_n = np.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n))

    m = np.full(n, float(x0))
    sigma = float(sigma0)
    C = np.eye(n)
    B, D = np.eye(n), np.ones(n)
    p_sigma, p_c = np.zeros(n), np.zeros(n)
    evaluations, g = 0, 0
    while evaluations < max_evaluations:
        z = rng.standard_normal((n, lam))
        y = B @ (D[:, None] * z)              # y_k ~ N(0, C)
        x = m[:, None] + sigma * y
        fx = f(x)
        evaluations += lam
        if fx.min() <= target:
            return evaluations, True
        best = np.argsort(fx, kind="stable")[:mu]
        y_w = y[:, best] @ w
        m = m + sigma * y_w                   # c_m = 1
        c_inv_sqrt_y = B @ ((B.T @ y_w) / D)  # C^(-1/2) y_w
        p_sigma = (1 - c_sigma) * p_sigma + np.sqrt(c_sigma * (2 - c_sigma) * mu_eff) * c_inv_sqrt_y
        norm = np.linalg.norm(p_sigma)
        h_sigma = norm / np.sqrt(1 - (1 - c_sigma) ** (2 * (g + 1))) < (1.4 + 2 / (n + 1)) * chi_n
        p_c = (1 - c_c) * p_c + h_sigma * np.sqrt(c_c * (2 - c_c) * mu_eff) * y_w
        delta = (1 - h_sigma) * c_c * (2 - c_c)
        y_best = y[:, best]
        C = ((1 + c_1 * delta - c_1 - c_mu) * C + c_1 * np.outer(p_c, p_c)
             + c_mu * (y_best * w) @ y_best.T)
        sigma *= np.exp(c_sigma / d_sigma * (norm / chi_n - 1))
        C = (C + C.T) / 2
        eigenvalues, B = np.linalg.eigh(C)
        D = np.sqrt(np.maximum(eigenvalues, 1e-300))
        g += 1
        # Stalled (a local minimum): the steps vanish, or C's condition number passes 1e14
        # (the tutorial's "ConditionCov" stop; beyond it C^(-1/2) y_w overflows).
        if sigma * D.max() < 1e-14 * max(1.0, np.abs(m).max()) or D.max() > 1e7 * D.min():
            return evaluations, False
    return evaluations, False


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--constants":
        print("| n | λ | μ | μ_eff | w₁ | c_c | c_σ | d_σ | c_1 | c_μ |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for n in (10, 20):
            p = strategy_parameters(n)
            print(f"| {n} | {p['lam']} | {p['mu']} | {p['mu_eff']:.4f} | {p['w'][0]:.4f} | {p['c_c']:.4f} | "
                  f"{p['c_sigma']:.4f} | {p['d_sigma']:.4f} | {p['c_1']:.5f} | {p['c_mu']:.5f} |")
        return
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 21
    dims = [int(d) for d in sys.argv[2].split(",")] if len(sys.argv) > 2 else [10, 20]
    problems = [("sphere", sphere, 3.0, 2.0), ("ellipsoid", ellipsoid, 3.0, 2.0),
                ("Rosenbrock", rosenbrock, 0.0, 0.5)]
    print(f"| problem | n | λ | tutorial CMA-ES, NumPy (seeds 1..{seeds}) | successes |")
    print("|---|---|---|---|---|")
    for name, f, x0, sigma0 in problems:
        for n in dims:
            runs = [run(f, n, x0, sigma0, seed) for seed in range(1, seeds + 1)]
            counts = sorted(e for e, ok in runs if ok)
            cell = (f"{int(np.median(counts))} [{counts[0]}–{counts[-1]}]" if counts else "none")
            print(f"| {name} | {n} | {4 + int(3 * np.log(n))} | {cell} | {len(counts)}/{seeds} |", flush=True)


if __name__ == "__main__":
    main()
