#!/usr/bin/env python3
"""Figure panels of Confavreux et al. 2020 from metahebb's run outputs (matplotlib, Agg backend).

Search runs (Fig. 1B/C, 2B/C), from the CsvRecorder file and/or the ThetaHistory arrays:

    scripts/plot_run.py search --csv run.csv --reference "A_110=1,A_021=-1" --out oja.png
    scripts/plot_run.py search --npy run_ --summary run_summary.json --reference ... --out run.png

  left:  every coefficient of the centre theta over generations, the reference terms in colour
  right: best loss per generation (log scale) and the angle between theta and the reference
         (the CSV's angle columns when it has them, e.g. one per rule for oja_antihebbian_network)

Spiking runs (Fig. 3B/D), from directories written by examples/export_rule (or any directory
with rate_per_second.npy, w_inh_per_group.npy and summary.json):

    scripts/plot_run.py spiking --dir results/vogels results/learned --out fig3.png

  left:   postsynaptic rate per second, with the target rate
  middle: mean inhibitory weight of each input group per second (first directory)
  right:  the (alpha, beta) plane: each run's rule, and the line on which Eq. 17 puts the
          steady state at the target for the first rule's gamma, kappa, tau_pre, tau_post,
          with the measured mean presynaptic rate (summary.json's presynaptic_rate_hz)
"""
import argparse
import csv
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed: CI, ssh sessions
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def parse_reference(text):
    reference = {}
    if not text:
        return reference
    for item in text.split(","):
        name, _, value = item.partition("=")
        if not _:
            sys.exit(f"plot_run.py: invalid --reference entry {item!r} (expected name=value)")
        try:
            reference[name.strip()] = float(value)
        except ValueError:
            sys.exit(f"plot_run.py: invalid --reference value {value!r} for {name!r}")
    return reference


def read_csv(path):
    """Columns of a CsvRecorder file; theta columns are the quoted names in its header."""
    with open(path, newline="") as f:
        raw_header = f.readline().rstrip("\n").split(",")
        rows = [row for row in csv.reader(f) if row]
    names = [h.strip('"') for h in raw_header]
    quoted = [h.startswith('"') for h in raw_header]
    data = np.array([[float(x) for x in row] for row in rows]) if rows else np.zeros((0, len(names)))
    columns = {n: data[:, i] for i, n in enumerate(names) if not quoted[i]}
    theta_names = [n for n, q in zip(names, quoted) if q]
    theta = data[:, [i for i, q in enumerate(quoted) if q]]
    return columns, theta_names, theta


def angle_deg(theta, reference_vector):
    norms = np.linalg.norm(theta, axis=1) * np.linalg.norm(reference_vector)
    cos = np.clip(theta @ reference_vector / np.where(norms > 0, norms, np.nan), -1, 1)
    return np.degrees(np.arccos(cos))


def plot_search(args):
    reference = parse_reference(args.reference)
    if args.csv:
        columns, names, theta = read_csv(args.csv)
        generation = columns["generation"]
        best_loss = columns["best_loss"]
        # the CSV's own angle columns: angle_deg, or one per rule (angle_feedforward_deg, ...)
        angles = {n: c for n, c in columns.items() if n.startswith("angle") and n.endswith("_deg")}
    elif args.npy:
        generation = np.load(args.npy + "generation.npy")
        theta = np.load(args.npy + "theta.npy")
        best_loss = np.load(args.npy + "best_loss.npy")
        angles = {}
        names = [f"theta_{k}" for k in range(theta.shape[1])]
        if args.summary:
            with open(args.summary) as f:
                names = json.load(f)["parameter_names"]
    else:
        sys.exit("plot_run.py search: give --csv or --npy")
    unknown = [n for n in reference if n not in names]
    if unknown:
        sys.exit(f"plot_run.py: reference terms {unknown} are not among the coefficients {names}")
    if not angles and reference:
        angles = {"angle_deg": angle_deg(theta, np.array([reference.get(n, 0.0) for n in names]))}

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), constrained_layout=True)
    for k, name in enumerate(names):
        if name not in reference:
            left.plot(generation, theta[:, k], color="0.75", lw=0.8)
    for k, name in enumerate(names):
        if name in reference:
            line, = left.plot(generation, theta[:, k], lw=2, label=f"{name} (reference {reference[name]:g})")
            left.axhline(reference[name], color=line.get_color(), ls=":", lw=1)
    left.set_xlabel("generation")
    left.set_ylabel("coefficient")
    left.set_title(args.title or "coefficients of the centre theta (grey: other terms)")
    if reference:
        left.legend(frameon=False, fontsize=8)

    right.semilogy(generation, np.where(best_loss > 0, best_loss, np.nan), color="k", lw=1, label="best loss")
    right.set_xlabel("generation")
    right.set_ylabel("best loss of the generation")
    if angles:
        twin = right.twinx()
        for (name, angle), colour in zip(angles.items(), ["tab:red", "tab:purple", "tab:olive", "tab:cyan"]):
            twin.plot(generation, angle, color=colour, lw=1.5, label=name)
        twin.set_ylabel("angle to the reference rule (deg)", color="tab:red")
        top = max(float(np.nanmax(a)) if len(a) else 0.0 for a in angles.values())
        twin.set_ylim(0, max(90.0, top))
        if len(angles) > 1:
            twin.legend(frameon=False, fontsize=8, loc="upper right")
    right.set_title("loss and angle over generations")
    fig.savefig(args.out, dpi=args.dpi)
    print(f"plot_run.py: wrote {args.out}")


def plot_spiking(args):
    runs = []
    for directory in args.dir:
        with open(os.path.join(directory, "summary.json")) as f:
            summary = json.load(f)
        runs.append((directory, summary, np.load(os.path.join(directory, "rate_per_second.npy")),
                     np.load(os.path.join(directory, "w_inh_per_group.npy"))))
    fig, (ax_rate, ax_w, ax_plane) = plt.subplots(1, 3, figsize=(14, 4), constrained_layout=True)
    target = runs[0][1].get("target_rate_hz", 5.0)
    for directory, summary, rate, _ in runs:
        ax_rate.plot(np.arange(1, len(rate) + 1), rate, lw=1, label=os.path.basename(os.path.normpath(directory)))
    ax_rate.axhline(target, color="k", ls=":", lw=1, label=f"target {target:g} Hz")
    ax_rate.set_xlabel("time (s)")
    ax_rate.set_ylabel("postsynaptic rate (Hz)")
    ax_rate.set_title("rate during learning")
    ax_rate.legend(frameon=False, fontsize=8)

    w = runs[0][3]
    colours = plt.cm.viridis(np.linspace(0, 1, w.shape[1]))
    for g in range(w.shape[1]):
        ax_w.plot(np.arange(1, w.shape[0] + 1), w[:, g], color=colours[g], lw=1, label=f"group {g + 1}")
    ax_w.set_xlabel("time (s)")
    ax_w.set_ylabel("mean inhibitory weight")
    ax_w.set_title("inhibitory weights per input group")
    ax_w.legend(frameon=False, fontsize=7, ncol=2)

    names = runs[0][1]["parameter_names"]
    index = {n: i for i, n in enumerate(names)}
    first = runs[0][1]["theta"]
    # nu_pre of Eq. 17 is the *measured* mean inhibitory afferent rate (summary.json's
    # presynaptic_rate_hz, ~21 Hz with the paper's input), not the 5 Hz baseline of the input.
    if "presynaptic_rate_hz" in runs[0][1]:
        nu = runs[0][1]["presynaptic_rate_hz"]
    else:
        sys.exit(f"plot_run.py: {args.dir[0]}/summary.json has no presynaptic_rate_hz (written by an older "
                 "export_rule); re-run examples/export_rule")
    c = first[index["gamma"]] * first[index["tau_pre"]] + first[index["kappa"]] * first[index["tau_post"]]
    betas = np.array([min(0.0, *[r[1]["theta"][index["beta"]] for r in runs]) - 0.1,
                      max(0.0, *[r[1]["theta"][index["beta"]] for r in runs]) + 0.1])
    # Eq. 17 solved for alpha: nu_post = target  <=>  alpha = -target (beta + c nu) / nu
    ax_plane.plot(-target * (betas + c * nu) / nu, betas, color="k", lw=1, ls="--",
                  label=f"Eq. 17 steady state at {target:g} Hz (measured nu_pre {nu:.1f} Hz)")
    for directory, summary, _, _ in runs:
        theta = summary["theta"]
        ax_plane.plot(theta[index["alpha"]], theta[index["beta"]], "o",
                      label=f"{os.path.basename(os.path.normpath(directory))}: {summary['rate_hz']:.2f} Hz")
    ax_plane.axhline(0, color="0.8", lw=0.8)
    ax_plane.axvline(0, color="0.8", lw=0.8)
    ax_plane.set_xlabel("alpha")
    ax_plane.set_ylabel("beta")
    ax_plane.set_title("the (alpha, beta) plane")
    ax_plane.legend(frameon=False, fontsize=8)
    fig.savefig(args.out, dpi=args.dpi)
    print(f"plot_run.py: wrote {args.out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="kind", required=True)
    search = sub.add_parser("search", help="coefficient trajectories, loss and angle (Fig. 1B/C, 2B/C)")
    search.add_argument("--csv", help="file written by callbacks::CsvRecorder")
    search.add_argument("--npy", help="prefix given to callbacks::ThetaHistory")
    search.add_argument("--summary", help="file written by callbacks::JsonSummary (coefficient names)")
    search.add_argument("--reference", help="reference rule as name=value,... (highlighted; angle computed if absent)")
    search.add_argument("--title")
    spiking = sub.add_parser("spiking", help="rate, weights and the (alpha, beta) plane (Fig. 3B/D)")
    spiking.add_argument("--dir", nargs="+", required=True, help="directories written by examples/export_rule")
    for p in (search, spiking):
        p.add_argument("--out", required=True, help="image file (.png, .pdf, .svg)")
        p.add_argument("--dpi", type=int, default=110)
    args = parser.parse_args()
    (plot_search if args.kind == "search" else plot_spiking)(args)


if __name__ == "__main__":
    main()
