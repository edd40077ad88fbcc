#!/usr/bin/env python3
"""The panels and the table of scripts/reproduce_paper.sh (Confavreux et al. 2020).

    scripts/paper_figures.py --out DIR --mode quick --seeds 1 2 3    # after the runs
    scripts/paper_figures.py --out DIR --check-only                  # only check the table

Reads DIR/runs/ (CSV, JSON summary and command of every run), writes one image per panel
into DIR, one JSON row per panel into DIR/rows/, then the table DIR/measured.md and
DIR/measured.csv (panel, the paper's claim, the measured number, the command) from every row
in DIR/rows/ (rows other scripts wrote are included). Finally checks the table: every panel
of PANELS has a row, every row's numbers are finite, every image exists; exits 1 otherwise.
"""
import argparse
import csv
import glob
import json
import math
import os
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# The panels every run must produce, in the order of the paper.
PANELS = ["Fig. 1B/C, N = 3", "Fig. 1B/C, N = 100", "Fig. 2B/C, 5 -> 5", "Fig. 2B/C, 50 -> 5", "Fig. 3B",
          "Fig. 3C", "Fig. 3D", "Supp. S1", "Supp. S2"]

OJA = "x^1 y^1 w^0=1,x^0 y^2 w^1=-1"
OJA_ANTI_HEBBIAN = "feedforward: x^1 y^1 w^0=1,feedforward: x^0 y^2 w^1=-1,lateral: y_i^1 y_j^1 w^0=-1"
TARGET_HZ = 5.0  # the target rate of §3.3 (Eq. 16)


def load_json(path):
    with open(path) as f:
        return json.load(f)


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def command(out, name):
    """The command of run NAME, with paths inside the repository relative to its root."""
    with open(os.path.join(out, "runs", name + ".cmd")) as f:
        return f.read().strip().replace(ROOT + os.sep, "")


def write_row(out, panel, claim, measured, cmd, values, image):
    row = {"panel": panel, "claim": claim, "measured": measured, "command": cmd, "values": values, "image": image}
    name = panel.lower().replace(" ", "_").replace(".", "").replace(",", "").replace("/", "").replace("->", "to")
    with open(os.path.join(out, "rows", name + ".json"), "w") as f:
        json.dump(row, f, indent=1)


def search_image(out, name, reference, title):
    import plot_run  # scripts/plot_run.py

    image = name + ".png"
    plot_run.plot_search(types.SimpleNamespace(csv=os.path.join(out, "runs", name + ".csv"), npy=None, summary=None,
                                               reference=reference, title=title, out=os.path.join(out, image),
                                               dpi=60))
    return image


def fig1(out):
    claim = ("CMA-ES recovers Oja's rule (A_110 = 1, A_021 = -1) from a random start, for every N tried up to 100; "
             "the angle between the found rule and Oja's goes to ~0")
    for n in (3, 100):
        name = f"fig1_n{n}"
        s = load_json(os.path.join(out, "runs", name + ".json"))
        image = search_image(out, name, OJA, f"Fig. 1B, N = {n}")
        measured = (f"after {s['generations']} generations: angle to Oja {s['angle_deg']:.1f} deg "
                    f"(identifiable terms {s['angle_identifiable_deg']:.1f} deg), A_110 = {s['A110']:.2f}, "
                    f"A_021 = {s['A021']:.2f}; held-out loss {s['loss']:.3g} (Oja {s['oja_loss']:.3g}); "
                    f"{s['seconds']:.0f} s")
        write_row(out, f"Fig. 1B/C, N = {n}", claim, measured, command(out, name),
                  {"angle_deg": s["angle_deg"], "loss": s["loss"], "oja_loss": s["oja_loss"],
                   "generations": s["generations"]}, image)


def fig2(out):
    claim = ("CMA-ES recovers both co-active rules at once: Oja's rule on the feedforward weights and the "
             "anti-Hebbian rule (B_110 = -1) on the lateral weights, at 5 -> 5 and at 50 -> 5")
    for name, panel in (("fig2_5x5", "Fig. 2B/C, 5 -> 5"), ("fig2_50x5", "Fig. 2B/C, 50 -> 5")):
        s = load_json(os.path.join(out, "runs", name + ".json"))
        image = search_image(out, name, OJA_ANTI_HEBBIAN, panel)
        measured = (f"after {s['generations']} generations: feedforward {s['angle_feedforward_deg']:.1f} deg, "
                    f"lateral {s['angle_lateral_deg']:.1f} deg (identifiable terms "
                    f"{s['angle_feedforward_identifiable_deg']:.1f} / {s['angle_lateral_identifiable_deg']:.1f} deg); "
                    f"held-out loss {s['loss']:.3g} (reference pair {s['reference_loss']:.3g}); {s['seconds']:.0f} s")
        write_row(out, panel, claim, measured, command(out, name),
                  {"angle_feedforward_deg": s["angle_feedforward_deg"], "angle_lateral_deg": s["angle_lateral_deg"],
                   "loss": s["loss"], "generations": s["generations"]}, image)


def read_search_csv(path):
    import plot_run

    columns, names, theta = plot_run.read_csv(path)
    return columns, {n: theta[:, i] for i, n in enumerate(names)}


def read_evaluation_csv(path):
    """The two tables of inhibitory_balance_lif --rule ... --csv: rate per second, currents per group."""
    with open(path) as f:
        blocks = [b for b in f.read().split("\n\n") if b.strip()]
    tables = []
    for block in blocks:
        lines = block.strip().splitlines()
        header = lines[0].split(",")
        rows = [[float(x) for x in line.split(",")] for line in lines[1:]]
        tables.append({h: [r[i] for r in rows] for i, h in enumerate(header)})
    return tables[0], tables[1]


def correlation(a, b):
    import numpy as np

    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def fig3(out, seeds):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    searches = {s: (read_search_csv(os.path.join(out, "runs", f"fig3_search_s{s}.csv")),
                    load_json(os.path.join(out, "runs", f"fig3_search_s{s}.json"))) for s in seeds}
    first = seeds[0]
    (columns, theta), summary = searches[first]

    # B: every parameter and the loss over the iterations of the first seed's search.
    fig, (ax_theta, ax_tau, ax_loss) = plt.subplots(1, 3, figsize=(12, 3.4), constrained_layout=True)
    it = columns["generation"]
    for n in ("alpha", "beta", "gamma", "kappa"):
        ax_theta.plot(it, theta[n], label=n)
    ax_theta.set_title("coefficients")
    ax_theta.legend(frameon=False, fontsize=7)
    for n in ("tau_pre", "tau_post"):
        ax_tau.plot(it, 1e3 * theta[n], label=n)
    ax_tau.set_ylabel("ms")
    ax_tau.set_title("trace time constants")
    ax_tau.legend(frameon=False, fontsize=7)
    ax_loss.semilogy(it, np.where(columns["best_loss"] > 0, columns["best_loss"], np.nan), "k")
    ax_loss.set_title("best loss of the iteration (Eq. 16)")
    for ax in (ax_theta, ax_tau, ax_loss):
        ax.set_xlabel("iteration")
    fig.savefig(os.path.join(out, "fig3b.png"), dpi=60)
    plt.close(fig)
    th = summary["theta"]
    write_row(out, "Fig. 3B",
              "Adam on finite differences finds rules that hold the neuron at the 5 Hz target; they mix "
              "Hebbian terms (gamma, kappa) with the postsynaptic term beta, unlike Vogels et al.'s rule",
              f"seed {first}, {summary['iterations']} iterations: theta = (alpha {th[0]:.2f}, beta {th[1]:.2f}, "
              f"gamma {th[2]:.2f}, kappa {th[3]:.2f}, tau_pre {1e3 * th[4]:.0f} ms, tau_post {1e3 * th[5]:.0f} ms); "
              f"held-out rate {summary['rate_hz']:.2f} Hz, loss {summary['loss']:.3g}; {summary['seconds']:.0f} s",
              command(out, f"fig3_search_s{first}"),
              {"rate_hz": summary["rate_hz"], "loss": summary["loss"], "iterations": summary["iterations"]},
              "fig3b.png")

    # D: trajectories in the (alpha, beta) plane with the two extreme steady-state lines.
    nu_pre = float(np.mean([searches[s][1]["presynaptic_rate_hz"] for s in seeds]))
    slope = nu_pre / TARGET_HZ  # Eq. 18: beta = -alpha nu_pre / nu_post
    fig, ax = plt.subplots(figsize=(4.6, 4.0), constrained_layout=True)
    alphas = np.concatenate([searches[s][0][1]["alpha"] for s in seeds])
    a_min = min(-0.05, 1.2 * float(alphas.min()))
    ax.plot([a_min, 0], [-slope * a_min, 0], "k--", lw=1,
            label=f"Eq. 18: beta = -alpha nu_pre/nu_post\n(measured nu_pre {nu_pre:.1f} Hz, nu_post 5 Hz)")
    ax.axhline(0, color="k", ls=":", lw=1, label="beta = 0 (Hebbian terms only)")
    ratios, predicted = [], []
    for s in seeds:
        (_, th_s), sm = searches[s]
        label = f"seed {s}: {sm['rate_hz']:.1f} Hz" if sm["loss"] <= 250 else f"seed {s}: exploded"
        line, = ax.plot(th_s["alpha"], th_s["beta"], "-", lw=1, label=label)
        ax.plot(th_s["alpha"][0], th_s["beta"][0], "o", mfc="none", color=line.get_color())
        ax.plot(sm["theta"][0], sm["theta"][1], "o", color=line.get_color())
        a, b, g, k, tp, tq = sm["theta"]
        ratios.append(b / -a if a != 0 else float("nan"))
        # Eq. 17 with the final rule's Hebbian terms: nu_post = -alpha nu_pre / (beta + (g tau_pre + k tau_post) nu_pre)
        denominator = b + (g * tp + k * tq) * nu_pre
        predicted.append(-a * nu_pre / denominator if denominator > 0 else float("inf"))
        if s == first:  # the Eq. 17 line through the target for the first seed's Hebbian terms
            c = g * tp + k * tq
            betas = np.array([0.0, -slope * a_min])
            ax.plot(-TARGET_HZ * (betas + c * nu_pre) / nu_pre, betas, color="0.6", lw=1, ls="-.",
                    label=f"Eq. 17 at 5 Hz with seed {s}'s gamma tau_pre + kappa tau_post = {c:.3f} s")
    ax.set_xlabel("alpha")
    ax.set_ylabel("beta")
    ax.set_title("search trajectories (open: start)", fontsize=9)
    ax.legend(frameon=False, fontsize=6)
    fig.savefig(os.path.join(out, "fig3d.png"), dpi=70)
    plt.close(fig)
    rates = [searches[s][1]["rate_hz"] for s in seeds]
    # A loss above 250 = (0 - 5)^2 / 0.1, the worst non-exploded loss, means the run was stopped
    # for exploding (>= 50 Hz); its rate_hz then counts only the spikes before the stop.
    shown = [f"{r:.1f}" if searches[s][1]["loss"] <= 250 else f"exploded (loss {searches[s][1]['loss']:.0f})"
             for s, r in zip(seeds, rates)]
    write_row(out, "Fig. 3D",
              "trajectories balance alpha and beta first and end close to the boundary beta = -alpha nu_pre/nu_post "
              "of Eq. 18 (the other extreme being beta = 0)",
              f"{len(seeds)} seeds: final beta/(-alpha) = {', '.join(f'{r:.2f}' for r in ratios)} against the Eq. 18 "
              f"slope nu_pre/nu_post = {slope:.2f} (measured nu_pre {nu_pre:.1f} Hz); held-out rates "
              f"{', '.join(shown)} Hz; Eq. 17 with each final rule's Hebbian terms predicts "
              f"{', '.join(f'{p:.1f}' for p in predicted)} Hz",
              " ; ".join(command(out, f"fig3_search_s{s}") for s in seeds),
              {"nu_pre_hz": nu_pre, "eq18_slope": slope, "mean_ratio": float(np.mean(ratios)),
               "mean_rate_hz": float(np.mean(rates))}, "fig3d.png")

    # C and S2: currents per group before/after learning, learnt rule and Vogels' rule.
    evaluated = {}
    for name in ("fig3_learnt", "fig3_vogels"):
        rate, currents = read_evaluation_csv(os.path.join(out, "runs", name + ".csv"))
        evaluated[name] = (rate, currents, load_json(os.path.join(out, "runs", name + ".json")))

    def currents_panel(ax, currents, when, title):
        groups = currents["group"]
        ax.plot(groups, currents[f"exc_{when}_nA"], "-", color="0.5", lw=2, label="excitatory (tuning)")
        ax.plot(groups, currents[f"inh_{when}_nA"], "o-", color="tab:red", label="inhibitory")
        ax.set_xlabel("input group")
        ax.set_ylabel("mean current magnitude (nA)")
        ax.set_title(title, fontsize=9)

    def balance(currents, when):  # detailed balance: E and I currents (both > 0 here) correlated across groups
        return correlation(currents[f"exc_{when}_nA"], currents[f"inh_{when}_nA"])

    rate, currents, sm = evaluated["fig3_learnt"]
    fig, (ax_before, ax_after, ax_rate) = plt.subplots(1, 3, figsize=(12, 3.4), constrained_layout=True)
    currents_panel(ax_before, currents, "before", "first 2 s of learning")
    currents_panel(ax_after, currents, "after", "last 2 s of the 60 s of learning")
    ax_before.legend(frameon=False, fontsize=7)
    ax_rate.plot(rate["second"], rate["rate_hz"], "k", lw=1)
    ax_rate.axhline(TARGET_HZ, color="k", ls=":", lw=1)
    ax_rate.set_xlabel("time (s)")
    ax_rate.set_ylabel("rate (Hz)")
    ax_rate.set_title("postsynaptic rate", fontsize=9)
    fig.savefig(os.path.join(out, "fig3c.png"), dpi=60)
    plt.close(fig)
    r_before, r_after = balance(currents, "before"), balance(currents, "after")
    write_row(out, "Fig. 3C",
              "with the learnt rule the inhibitory currents per group come to follow the excitatory tuning "
              "(detailed balance) within one minute; initial inhibitory weights random and weak",
              f"seed {first}'s learnt rule: correlation of E and I currents over the 8 groups {r_before:.2f} in "
              f"the first 2 s, {r_after:.2f} in the last 2 s of learning; rate {sm['rate_hz']:.2f} Hz",
              command(out, "fig3_learnt"), {"r_before": r_before, "r_after": r_after, "rate_hz": sm["rate_hz"]},
              "fig3c.png")

    fig, axes = plt.subplots(1, 4, figsize=(14, 3.2), constrained_layout=True)
    values, parts = {}, []
    for k, (name, label) in enumerate((("fig3_vogels", "Vogels et al. 2011, rho0 7 Hz"), ("fig3_learnt", "learnt"))):
        rate, currents, sm = evaluated[name]
        currents_panel(axes[2 * k], currents, "before", f"{label}: first 2 s")
        currents_panel(axes[2 * k + 1], currents, "after", f"{label}: last 2 s")
        rb, ra = balance(currents, "before"), balance(currents, "after")
        key = "vogels" if name == "fig3_vogels" else "learnt"
        values.update({f"{key}_r_before": rb, f"{key}_r_after": ra, f"{key}_rate_hz": sm["rate_hz"]})
        parts.append(f"{label}: r = {rb:.2f} -> {ra:.2f}, {sm['rate_hz']:.2f} Hz")
    axes[0].legend(frameon=False, fontsize=7)
    fig.savefig(os.path.join(out, "s2.png"), dpi=60)
    plt.close(fig)
    write_row(out, "Supp. S2",
              "detailed balance in more detail: like Vogels et al.'s rule, the learnt rule's Hebbian terms make "
              "the inhibitory currents match the excitatory tuning group by group",
              "correlation of E and I currents over the 8 groups, first -> last 2 s of learning: " + "; ".join(parts),
              command(out, "fig3_vogels") + " ; " + command(out, "fig3_learnt"), values, "s2.png")


def s1(out):
    with open(os.path.join(out, "s1.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    by = {(int(r["inputs"]), r["optimiser"]): r for r in rows}
    ns = sorted({n for n, _ in by})
    parts, values = [], {}
    for n in ns:
        c, a = by[(n, "cmaes")], by[(n, "adam")]
        parts.append(f"N = {n}: loss CMA-ES {float(c['loss']):.3g} vs Adam {float(a['loss']):.3g} "
                     f"(angle {float(c['angle_deg']):.0f} vs {float(a['angle_deg']):.0f} deg; wall "
                     f"{float(c['wall_s']):.0f} vs {float(a['wall_s']):.0f} s, CPU {float(c['cpu_s']):.0f} vs "
                     f"{float(a['cpu_s']):.0f} s)")
        for key, r in (("cmaes", c), ("adam", a)):
            values[f"{key}_loss_n{n}"] = float(r["loss"])
            values[f"{key}_wall_s_n{n}"] = float(r["wall_s"])
    budget = by[(ns[0], "cmaes")]["evaluations"]
    write_row(out, "Supp. S1",
              "CMA-ES was chosen over Adam (gradients) for its better scaling with network size",
              f"same budget (~{budget} rule evaluations each): " + "; ".join(parts),
              command(out, "s1") + " (runs/s1_*.cmd: each run's command)", values, "s1.png")


def table(out):
    rows = [load_json(p) for p in sorted(glob.glob(os.path.join(out, "rows", "*.json")))]
    order = {p: i for i, p in enumerate(PANELS)}
    rows.sort(key=lambda r: (order.get(r.get("panel"), len(PANELS)), r.get("panel", "")))
    with open(os.path.join(out, "measured.csv"), "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["panel", "claim", "measured", "command", "image"])
        for r in rows:
            writer.writerow([r["panel"], r["claim"], r["measured"], r["command"], r.get("image", "")])
    with open(os.path.join(out, "measured.md"), "w") as f:
        f.write("| panel | paper's claim | measured | command |\n| --- | --- | --- | --- |\n")
        for r in rows:
            cells = [r["panel"] + (f" ([image]({r['image']}))" if r.get("image") else ""), r["claim"], r["measured"],
                     f"`{r['command']}`"]
            f.write("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |\n")
    return rows


def check(out):
    """Every panel has a row, every row's values are finite numbers, every image exists."""
    problems = []
    rows = []
    for path in sorted(glob.glob(os.path.join(out, "rows", "*.json"))):
        try:
            rows.append(load_json(path))
        except (OSError, ValueError) as e:
            problems.append(f"{path}: unreadable ({e})")
    panels = {r.get("panel") for r in rows}
    problems += [f"no row for panel {p!r}" for p in PANELS if p not in panels]
    for r in rows:
        for key in ("panel", "claim", "measured", "command"):
            if not isinstance(r.get(key), str) or not r[key].strip():
                problems.append(f"row {r.get('panel')!r}: empty {key}")
        values = r.get("values")
        if not isinstance(values, dict) or not values:
            problems.append(f"row {r.get('panel')!r}: no numbers")
            continue
        for name, v in values.items():
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
                problems.append(f"row {r.get('panel')!r}: {name} = {v!r} is not a finite number")
        image = r.get("image")
        if image and not (os.path.isfile(os.path.join(out, image)) and os.path.getsize(os.path.join(out, image)) > 0):
            problems.append(f"row {r.get('panel')!r}: image {image} missing or empty")
    for name in ("measured.md", "measured.csv"):
        if not os.path.isfile(os.path.join(out, name)):
            problems.append(f"{name} missing")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--mode", choices=["smoke", "quick", "medium", "full"], default="full")
    parser.add_argument("--seeds", nargs="+", type=int, default=[1])
    parser.add_argument("--check-only", action="store_true", help="only check DIR's rows and table")
    args = parser.parse_args()
    if not args.check_only:
        os.makedirs(os.path.join(args.out, "rows"), exist_ok=True)
        fig1(args.out)
        fig2(args.out)
        fig3(args.out, args.seeds)
        s1(args.out)
        rows = table(args.out)
        print(f"paper_figures.py: {len(rows)} rows in {os.path.join(args.out, 'measured.md')} ({args.mode} mode)")
    problems = check(args.out)
    if problems:
        print("paper_figures.py: the table is incomplete:\n  " + "\n  ".join(problems), file=sys.stderr)
        sys.exit(1)
    print(f"paper_figures.py: every panel has a row with finite numbers ({len(PANELS)} panels)")


if __name__ == "__main__":
    main()
