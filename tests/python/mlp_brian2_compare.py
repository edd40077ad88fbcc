#!/usr/bin/env python3
"""Builds metahebb's MLP-family recurrent network (MlpRecurrentNetworkTask: CodependentAif
neurons, filter SBI's MLP rule on E→E and I→E, E→I and I→I static; 200 E, 50 I, 400 Poisson
inputs) in Brian2 from the files tests/io/export_mlp_recurrent_run.cpp writes — the same six
connectivities, the same input spikes, the same neuron, the MLP rule written as Brian2
statements with the exported fixed hidden layers — runs it with static weights and with a
plastic θ, and compares E and I rates, CV_ISI and the mean weights of E→E and I→E (start ->
end, and at T/K steps).

Usage: mlp_brian2_compare.py <export_mlp_recurrent_run binary> <scratch directory> [seconds] [seed] [segments]
Exit code 77 (CTest's skip) only if numpy or Brian2 is missing.

Alignment with metahebb's step n (as tests/python/recurrent_brian2_compare.py, whose notes on
the schedule, the input spikes and the NMDA gain apply unchanged):
  * presynaptic pathways run in 'before_groups' (a spike of step n - 1 is delivered, its on_pre
    run, before step n's update), postsynaptic ones in 'synapses' (after the thresholder), as
    metahebb's on_pre and on_post. The factors an on_pre reads (V̄, C_exc, C_inh of the
    postsynaptic neuron) are then those after the previous step, and an on_post's those after
    this step, as metahebb's ("after its latest step"); the reset does not touch them.
  * The neuron (neurons/codependent_aif.hpp): Brian2's exponential Euler holds every other
    variable at its value at the start of the step and solves each linear equation exactly:
    that is metahebb's update of V, the conductances and of V̄, C_exc, C_inh (which relax
    exactly towards drives computed from V and the conductances at the start of the step).
    g_NMDA's drive is scaled as in the polynomial script. θ below 1 nV is set to 0 before the
    thresholder (metahebb's floor); the reset adds Δg_a after the step's decay, as metahebb.
  * The rule (rules/mlp_spike.hpp): four traces per synapse, decayed exactly from the time of
    their last event (metahebb decays the postsynaptic ones once per step by the same factor), u = (x_pre2, x_post1, w,
    V̄, C_exc, C_inh) at a presynaptic spike, (x_pre1, x_post2, …) at a postsynaptic one, with
    V̄ and C in volts; h1 = σ(W1 (s∘u)) as 50 temporaries, h2 = σ(W2 h1) as 4,
    w = clip(w + η (a·h2 + b), 0, w_max); the conductance gets the old w; traces += 1 after
    the update. W1 (with the scales s folded in) and W2 are the exported numbers. Brian2
    computes in double, metahebb's task in float.

Tolerance: as the polynomial comparison. The networks are chaotic, so spike-by-spike equality
is not expected for long; the exporter also runs metahebb in float, in double, and in 8
double replicas with w_in × (1 + k 1e-4) (another trajectory of statistically the same
network). With those M = 10 runs as samples, we require |Brian2 - mean| <= 4 sd sqrt(1 + 1/M)
for each statistic (a correct simulator fails one such check with probability ~0.3 %), sd
floored by a Poisson error for rates and by 1e-4 for mean weights. And Brian2 (double) must
reproduce metahebb's double spike trains at least as long as metahebb's float run does: a
wrong factor, trace or update order makes it diverge sooner.
"""
import json
import math
import os
import subprocess
import sys
import time

try:
    import numpy as np
except ImportError:
    print("SKIPPED: python3-numpy is not installed (scripts/install_dependencies.sh installs it)")
    sys.exit(77)
try:
    import brian2 as b2
except ImportError:
    print("SKIPPED: Brian2 is not installed (Debian package python3-brian; scripts/install_dependencies.sh installs it)")
    sys.exit(77)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recurrent_brian2_common import Checker, first_difference, input_spikes, mean_cv  # noqa: E402

binary, out = sys.argv[1], sys.argv[2]
seconds = sys.argv[3] if len(sys.argv) > 3 else "2"
seed = sys.argv[4] if len(sys.argv) > 4 else "1"
segments = sys.argv[5] if len(sys.argv) > 5 else "4"
os.makedirs(out, exist_ok=True)
subprocess.run([binary, out, seconds, seed, segments], check=True)


def load(name):
    return np.load(os.path.join(out, name + ".npy")).astype(np.int64)


with open(os.path.join(out, "metahebb.json")) as f:
    mh = json.load(f)
nrn, rule = mh["neuron"], mh["rule"]
dt = nrn["dt"]
steps = mh["steps"]
T = steps * dt
n_exc, n_inh, n_in = mh["exc"], mh["inh"], mh["inputs"]
types = ("EE", "EI", "IE", "II")
plastic_types = ("EE", "IE")  # θ order: 11 coefficients each
K = len(mh["static"]["trajectory"]["t"]) - 1
W1 = np.asarray(rule["w1"]).reshape(50, 6) * np.asarray(rule["input_scale"])[None, :]
W2 = np.asarray(rule["w2"]).reshape(4, 50)

b2.prefs.codegen.target = "numpy"  # no compiler needed
# The MLP statements are long sums of constants times variables: searching them for loop
# invariants (sympy) took most of the run time; the generated code is the same arithmetic.
b2.prefs.codegen.loop_invariant_optimisations = False
b2.prefs.logging.console_log_level = "WARNING"
s, V = b2.second, b2.volt

gen_index, gen_time, step0_inputs, copies, input_count, input_repeated = input_spikes(load, n_in, dt)
connectivity = {name: (load(name + "_pre"), load(name + "_post")) for name in ("input_e", "input_i") + types}


def mlp_statements(head, u):
    """Brian2 statements setting dw = a·σ(W2 σ(W1 u)) + b (u: six expressions, unscaled)."""
    lines = []
    for i in range(50):
        z = " + ".join(f"({W1[i, k]!r}) * ({u[k]})" for k in range(6))
        lines.append(f"hA{i} = 1.0 / (1.0 + exp(-({z})))")
    for m in range(4):
        z = " + ".join(f"({W2[m, i]!r}) * hA{i}" for i in range(50))
        lines.append(f"hB{m} = 1.0 / (1.0 + exp(-({z})))")
    lines.append("dw = " + " + ".join(f"({head[m]!r}) * hB{m}" for m in range(4)) + f" + ({head[4]!r})")
    return "\n".join(lines)


def run_brian2(theta):
    """One run with θ (22 entries: EE then IE); returns E/I spikes, mean-weight trajectories, final weights."""
    b2.start_scope()
    b2.defaultclock.dt = dt * s
    a_nmda = 1.0 / (1.0 + nrn["ampa_nmda_ratio"])
    ns = dict(tau_m=nrn["tau_m"] * s, v_rest=nrn["v_rest"] * V, v_th=nrn["v_threshold"] * V,
              v_reset=nrn["v_reset"] * V, dthr=nrn["threshold_jump"] * V, tau_thr=nrn["tau_threshold"] * s,
              theta_floor=nrn["threshold_floor"] * V, e_exc=nrn["e_exc"] * V, e_inh=nrn["e_inh"] * V,
              tau_ampa=nrn["tau_exc"] * s, tau_gaba=nrn["tau_inh"] * s, tau_nmda=nrn["tau_nmda"] * s,
              a_ampa=1.0 - a_nmda, a_nmda=a_nmda, k_nmda=nrn["nmda_gain"] / -math.expm1(-dt / nrn["tau_nmda"]),
              tau_a=nrn["tau_adapt"] * s, dg_a=nrn["adapt_jump"], tau_v=nrn["tau_v_trace"] * s,
              tau_ce=nrn["tau_c_exc"] * s, tau_ci=nrn["tau_c_inh"] * s)
    eqs = """
    g_e = a_ampa * g_ampa + a_nmda * g_nmda : 1
    g_i = g_inh + g_adapt : 1
    dv/dt = ((v_rest - v) + g_e * (e_exc - v) + g_i * (e_inh - v)) / tau_m : volt
    dg_ampa/dt = -g_ampa / tau_ampa : 1
    dg_nmda/dt = (k_nmda * g_ampa - g_nmda) / tau_nmda : 1
    dg_inh/dt = -g_inh / tau_gaba : 1
    dg_adapt/dt = -g_adapt / tau_a : 1
    dtheta/dt = -theta / tau_thr : volt
    dv_trace/dt = (v - v_trace) / tau_v : volt
    dc_exc/dt = (g_e * (e_exc - v) - c_exc) / tau_ce : volt
    dc_inh/dt = (g_i * (v - e_inh) - c_inh) / tau_ci : volt
    """
    pops = {}
    objects = []
    for name, n in (("E", n_exc), ("I", n_inh)):
        g = b2.NeuronGroup(n, eqs, threshold="v > v_th + theta", reset="v = v_reset\ntheta = dthr\ng_adapt += dg_a",
                           method="exponential_euler", namespace=ns, name="pop_" + name)
        g.v = ns["v_rest"]
        g.v_trace = ns["v_rest"]
        floor = g.run_regularly("theta = theta * int(theta >= theta_floor)", when="before_thresholds",
                                name="floor_" + name)
        pops[name] = g
        objects += [g, floor]

    gen = b2.SpikeGeneratorGroup(n_in * copies, gen_index, gen_time * s, dt=b2.defaultclock.dt)
    objects.append(gen)
    w_in = mh["input_weight"] * nrn["g_exc_bar"]
    for proj, target in (("input_e", "E"), ("input_i", "I")):
        pre, post = connectivity[proj]
        syn = b2.Synapses(gen, pops[target], on_pre="g_ampa_post += w_in", namespace=dict(w_in=w_in),
                          name="syn_" + proj)
        syn.connect(i=np.concatenate([pre + c * n_in for c in range(copies)]), j=np.tile(post, copies))
        syn.pre.when = "before_groups"
        objects.append(syn)
        g0 = np.zeros(len(pops[target]))
        for i in step0_inputs:
            np.add.at(g0, post[pre == i], w_in)
        pops[target].g_ampa = g0

    factors = ("v_trace_post / volt", "c_exc_post / volt", "c_inh_post / volt")
    # The four traces decay exactly between events: x_* is the value just after the side's last
    # event, at last_pre_t or last_post_t; a pathway first brings all it reads to t (temporaries y_*).
    # (Brian2's event-driven equations would do the same, but solving the four together with
    # sympy took most of the test's time.)
    traces = """
    w : 1
    x_pre1 : 1
    x_pre2 : 1
    x_post1 : 1
    x_post2 : 1
    last_pre_t : second
    last_post_t : second
    """
    now = "\n".join(["y_pre1 = x_pre1 * exp(-(t - last_pre_t) / tau_pre1)", "y_pre2 = x_pre2 * exp(-(t - last_pre_t) / tau_pre2)",
                     "y_post1 = x_post1 * exp(-(t - last_post_t) / tau_post1)",
                     "y_post2 = x_post2 * exp(-(t - last_post_t) / tau_post2)"])
    synapses = {}
    for ti, name in enumerate(types):
        src, dst = pops[name[0]], pops[name[1]]
        channel = "g_ampa" if name[0] == "E" else "g_inh"
        g_bar = nrn["g_exc_bar"] if name[0] == "E" else nrn["g_inh_bar"]
        rule_theta = theta[11 * plastic_types.index(name):11 * plastic_types.index(name) + 11] \
            if name in plastic_types else None
        if rule_theta is None or rule_theta[0] == 0.0:  # static (metahebb skips η = 0)
            syn = b2.Synapses(src, dst, "w : 1", on_pre=f"{channel}_post += g_bar * w",
                              namespace=dict(g_bar=g_bar), name="syn_" + name)
        else:
            on_pre = "\n".join([f"{channel}_post += g_bar * w", now,
                                mlp_statements(rule_theta[1:6], ("y_pre2", "y_post1", "w") + factors),
                                "w = clip(w + eta * dw, 0, w_max)", "x_pre1 = y_pre1 + 1", "x_pre2 = y_pre2 + 1",
                                "last_pre_t = t"])
            on_post = "\n".join([now, mlp_statements(rule_theta[6:11], ("y_pre1", "y_post2", "w") + factors),
                                 "w = clip(w + eta * dw, 0, w_max)", "x_post1 = y_post1 + 1",
                                 "x_post2 = y_post2 + 1", "last_post_t = t"])
            syn = b2.Synapses(src, dst, traces, on_pre=on_pre, on_post=on_post, name="syn_" + name, namespace=dict(
                g_bar=g_bar, eta=rule_theta[0], w_max=rule["w_max"], tau_pre1=rule["tau_pre1"] * s,
                tau_pre2=rule["tau_pre2"] * s, tau_post1=rule["tau_post1"] * s, tau_post2=rule["tau_post2"] * s))
        pre, post = connectivity[name]
        syn.connect(i=pre, j=post)
        syn.w = mh["w_initial"][ti]
        syn.pre.when = "before_groups"
        synapses[name] = syn
        objects.append(syn)

    monitors = {name: b2.SpikeMonitor(g) for name, g in pops.items()}
    objects += list(monitors.values())
    trajectory = {name: [] for name in types}

    @b2.network_operation(dt=T / K * s, when="start")
    def record_weights():  # at t = k T/K, before step k T/(K dt): after metahebb's run of k T/K s
        for name, syn in synapses.items():
            trajectory[name].append(float(np.mean(syn.w[:])))

    objects.append(record_weights)
    net = b2.Network(objects)
    started = time.time()
    net.run(steps * dt * s, namespace={})
    wall = time.time() - started
    for name, syn in synapses.items():
        trajectory[name].append(float(np.mean(syn.w[:])))
    spikes = {name: (np.round(np.asarray(m.t / s) / dt).astype(np.int64), np.asarray(m.i, dtype=np.int64))
              for name, m in monitors.items()}
    final = {name: np.asarray(syn.w[:], dtype=float) for name, syn in synapses.items()}
    return spikes, trajectory, final, wall


check = Checker()
total_wall = 0.0
print(f"MLP family network: {n_exc} E, {n_inh} I, p = {mh['p']}, {n_in} inputs at p = {mh['input_p']}, "
      f"{T:g} s, seed {mh['seed']}; {input_count} input spikes ({input_repeated} repeated within a step)")


for qname in ("static", "plastic"):
    q = mh[qname]
    spikes, trajectory, synapses_w, wall = run_brian2(q["theta"])
    total_wall += wall
    runs = [q["float"], q["double"]] + q["replicas"]
    if any(r["exploded"] for r in runs):
        print(f"  FAILED: a metahebb run of the {qname} θ exploded (the comparison needs a network that runs)")
        check.ok = False
        continue
    print(f"{qname} θ (Brian2 {b2.__version__}, numpy target: {T:g} s simulated in {wall:.1f} s wall):")
    e_steps, e_index = spikes["E"]
    i_steps, i_index = spikes["I"]
    rate_e = len(e_steps) / (n_exc * T)
    rate_i = len(i_steps) / (n_inh * T)
    cv = mean_cv(e_steps, e_index, n_exc, dt)
    cv_mh = mean_cv(load(qname + "_exc_step"), load(qname + "_exc_index"), n_exc, dt)
    if not math.isclose(cv_mh, q["float"]["cv_isi"], rel_tol=1e-9, abs_tol=1e-12):
        print(f"  FAILED: CV_ISI of metahebb's spikes here {cv_mh} != metahebb's cv_isi {q['float']['cv_isi']}")
        check.ok = False
    same_double = min(first_difference(*spikes[p], load(f"{qname}_double_{x}_step"),
                                       load(f"{qname}_double_{x}_index"), dt, steps)
                      for p, x in (("E", "exc"), ("I", "inh")))
    same_float = min(first_difference(load(f"{qname}_{x}_step"), load(f"{qname}_{x}_index"),
                                      load(f"{qname}_double_{x}_step"), load(f"{qname}_double_{x}_index"), dt, steps)
                     for x in ("exc", "inh"))
    print(f"  E and I spike trains: Brian2 = metahebb double up to t = {same_double * 1e3:.1f} ms "
          f"(metahebb float = metahebb double up to {same_float * 1e3:.1f} ms)")
    if same_double < min(same_float, T):
        print(f"  FAILED: Brian2 leaves metahebb's double trajectory at {same_double * 1e3:.1f} ms, before "
              f"metahebb's float run does ({same_float * 1e3:.1f} ms): more than a rounding difference")
        check.ok = False
    if qname == "plastic" and same_double >= T:
        w_diff = max(float(np.max(np.abs(synapses_w[name] - np.load(os.path.join(out, f"{qname}_double_w_{name}.npy")))))
                     for name in types)
        print(f"  identical spikes: final weights, Brian2 vs metahebb double (stored as float), max |diff| {w_diff:.2e}")
    check("E rate (Hz)", rate_e, [r["rate_e_hz"] for r in runs], math.sqrt(rate_e * n_exc * T) / (n_exc * T))
    check("I rate (Hz)", rate_i, [r["rate_i_hz"] for r in runs], math.sqrt(rate_i * n_inh * T) / (n_inh * T))
    check("CV_ISI (E)", cv, [r["cv_isi"] for r in runs], 0.0)
    for ti, name in enumerate(types):
        w = trajectory[name]
        start = q["float"]["mean_weight_start"][ti]
        if abs(w[0] - start) > 1e-6:
            print(f"  FAILED: initial mean weight {name} {w[0]} != metahebb's {start}")
            check.ok = False
        if name not in plastic_types:  # static in this family: must not move in either simulator
            if abs(w[-1] - start) > 1e-6 or abs(q["float"]["mean_weight_end"][ti] - start) > 1e-6:
                print(f"  FAILED: static type {name} moved: Brian2 {w[-1]}, metahebb {q['float']['mean_weight_end'][ti]}")
                check.ok = False
            continue
        check(f"mean w {name}: {start:.3g} ->", w[-1], [r["mean_weight_end"][ti] for r in runs], 1e-4)
        traj_f, traj_d = q["trajectory"][name], q["trajectory_double"][name]
        print("    trajectory at t = " + ", ".join(f"{x:g}" for x in q["trajectory"]["t"]) + " s:  Brian2 " +
              " ".join(f"{x:.4f}" for x in w) + " | metahebb float " + " ".join(f"{x:.4f}" for x in traj_f) +
              " | double " + " ".join(f"{x:.4f}" for x in traj_d))
    if qname == "plastic":  # the plastic θ must move the weights, or the weight checks test nothing
        for ti, name in ((0, "EE"), (2, "IE")):
            moved = abs(q["double"]["mean_weight_end"][ti] - q["double"]["mean_weight_start"][ti])
            if moved < 10 * 1e-4:
                print(f"  FAILED: the plastic θ moves mean w {name} by only {moved:.2e}")
                check.ok = False

print(f"Brian2 total wall time {total_wall:.1f} s")
if not check.ok:
    print("FAILED: Brian2 and metahebb disagree (see the FAILED lines above)")
    sys.exit(1)
print("mlp_brian2_compare: rates, CV_ISI and mean weights agree")
