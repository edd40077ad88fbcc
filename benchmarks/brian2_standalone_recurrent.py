#!/usr/bin/env python3
"""Speed of metahebb's recurrent E/I network against the same network in Brian2's C++
standalone mode (issue 12, "Speed"): one core each, compilation excluded. A benchmark, not a
test (it is not registered with CTest); its figures are in docs/benchmarks.md.

Usage (from the repository root, after building the example):
  cmake --build build/release --target recurrent_network -j1
  /usr/bin/python3 benchmarks/brian2_standalone_recurrent.py [--exc 4096 --inh 1024 --p 0.1
      --inputs 5000 --input-p 0.05 --training 1 --scoring 1 --repeat 3
      --metahebb build/release/examples/recurrent_network --directory build/brian2_standalone]
  (--metahebb may be repeated, e.g. also a build configured with -DMETAHEBB_NATIVE=ON)

The network is the task's (include/metahebb/tasks/recurrent_network.hpp) with its default
parameters: AmpaNmdaGabaIf neurons (neurons/conductance_if_nmda.hpp: τ_m 20 ms, V_rest = V_reset
= −70 mV, V_th −50 mV, threshold jump 100 mV decaying with 5 ms, E_E 0 mV, E_I −80 mV, τ_AMPA
5 ms, τ_NMDA 100 ms low-passing g_AMPA, AMPA:NMDA ratio 0.3, τ_GABA 10 ms, dt 0.1 ms), E→E,
E→I, I→E, I→I at random with probability p (no autapses), N_in Poisson inputs at 10 Hz onto E
and I with probability input_p and weight 0.075, initial weights 0.1, 0.1, 1, 1, and on all four
types the spike-trace rule (rules/spike_trace.hpp) with η = 0.01, w in [0, 20] and the same
Vogels-type quartet as benchmarks/recurrent_network.cpp (α = −2 ρ0 τ, β = 0, γ = κ = 1,
τ = 20 ms; ρ0 = 20 Hz on E→E, 10 Hz on the others). The connectivity and the input spikes are
Brian2's own draws (same statistics, not the same realisation), so rates agree only
statistically; the script prints both.

What is timed:
  Brian2   the compiled binary's run (device.run), one thread (no OpenMP). `loop` is Brian2's
           own timer around the simulation loop (Network::run in its network.cpp, written to
           results/last_run_info.txt): without OpenMP it is std::clock(), the process's CPU
           time. `process` is the binary from start to exit (also creating the synapses and
           writing the results): wall time and CPU time (getrusage of the child). Code
           generation and compilation are timed separately and excluded. Brian2 compiles with
           its defaults: -O3 -ffast-math -march=native.
  metahebb the example's `wall_s` (last JSON line: drawing the six connectivities, the
           simulation and the metrics of the scoring window; one thread) and the CPU time of
           its process (also parsing, printing); whatever build --metahebb names.
Each is repeated --repeat times, alternating, and ratios are formed from the medians. The
headline ratio is CPU time against CPU time (Brian2's loop / metahebb's whole process): on a
shared machine CPU time does not count the time the process waited for a core; wall times
are printed too.
"""
import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--exc", type=int, default=4096)
parser.add_argument("--inh", type=int, default=1024)
parser.add_argument("--p", type=float, default=0.1)
parser.add_argument("--inputs", type=int, default=5000)
parser.add_argument("--input-p", type=float, default=0.05)
parser.add_argument("--training", type=float, default=1.0, help="s of training (metahebb's --seconds)")
parser.add_argument("--scoring", type=float, default=1.0, help="s of scoring (metahebb's --scoring)")
parser.add_argument("--repeat", type=int, default=3)
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--metahebb", action="append",
                    help="the example binary (default build/release/examples/recurrent_network); may be given "
                         "several times (e.g. a portable and a -DMETAHEBB_NATIVE=ON build), each is timed")
parser.add_argument("--directory", default="build/brian2_standalone", help="Brian2's generated project")
args = parser.parse_args()

try:
    import brian2 as b2
except ImportError:
    sys.exit("Brian2 is not installed (Debian package python3-brian; scripts/install_dependencies.sh installs it)")
args.metahebb = args.metahebb or ["build/release/examples/recurrent_network"]
for binary in args.metahebb:
    if not os.access(binary, os.X_OK):
        sys.exit(f"{binary} not found: build the example first (cmake --build build/release --target recurrent_network)")

# The rule quartet (EE, EI, IE, II), each (α, β, γ, κ, τ_pre, τ_post).
tau = 0.02
quartet = [(-2.0 * rho0 * tau, 0.0, 1.0, 1.0, tau, tau) for rho0 in (20.0, 10.0, 10.0, 10.0)]
T = args.training + args.scoring
dt = 1e-4

# --- Brian2, C++ standalone -------------------------------------------------------------------
b2.set_device("cpp_standalone", directory=args.directory, build_on_run=False)
b2.prefs.devices.cpp_standalone.openmp_threads = 0  # one thread, as metahebb's run
b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j1"]  # compile on one core (Brian2's default: make -j)
b2.prefs.logging.console_log_level = "WARNING"
b2.defaultclock.dt = dt * b2.second
b2.seed(args.seed)
s, V = b2.second, b2.volt
tau_exc, tau_nmda, ratio = 5e-3, 100e-3, 0.3
# metahebb's exact NMDA gain per step (AmpaNmdaGabaIfParameters::nmda_gain); Brian2's exponential
# Euler holds g_AMPA over the step, so its drive is scaled to give the same step (as
# tests/python/recurrent_brian2_compare.py).
nmda_gain = tau_exc / (tau_nmda - tau_exc) * math.exp(-dt / tau_exc) * math.expm1(dt * (tau_nmda - tau_exc) / (tau_exc * tau_nmda))
ns = dict(tau_m=20e-3 * s, v_rest=-70e-3 * V, v_th=-50e-3 * V, v_reset=-70e-3 * V, dthr=100e-3 * V,
          tau_thr=5e-3 * s, e_exc=0.0 * V, e_inh=-80e-3 * V, tau_ampa=tau_exc * s, tau_gaba=10e-3 * s,
          tau_nmda=tau_nmda * s, a_ampa=ratio / (1 + ratio), a_nmda=1 / (1 + ratio),
          k_nmda=nmda_gain / -math.expm1(-dt / tau_nmda))
eqs = """
dv/dt = ((v_rest - v) + (a_ampa * g_ampa + a_nmda * g_nmda) * (e_exc - v) + g_inh * (e_inh - v)) / tau_m : volt
dg_ampa/dt = -g_ampa / tau_ampa : 1
dg_nmda/dt = (k_nmda * g_ampa - g_nmda) / tau_nmda : 1
dg_inh/dt = -g_inh / tau_gaba : 1
dtheta/dt = -theta / tau_thr : volt
"""
pops = {}
for name, n in (("E", args.exc), ("I", args.inh)):
    g = b2.NeuronGroup(n, eqs, threshold="v > v_th + theta", reset="v = v_reset\ntheta = dthr",
                       method="exponential_euler", namespace=ns, name="pop_" + name)
    g.v = -70e-3 * V
    pops[name] = g
inputs = b2.PoissonGroup(args.inputs, 10.0 * b2.Hz, name="inputs")
input_syn = []
for target in ("E", "I"):
    syn = b2.Synapses(inputs, pops[target], on_pre="g_ampa_post += 0.075", name="input_" + target)
    syn.connect(p=args.input_p)
    input_syn.append(syn)
rule = """
w : 1
dpre_trace/dt = -pre_trace / tau_pre : 1 (event-driven)
dpost_trace/dt = -post_trace / tau_post : 1 (event-driven)
"""
recurrent = []
for (alpha, beta, gamma, kappa, tau_pre, tau_post), name, w0 in zip(quartet, ("EE", "EI", "IE", "II"),
                                                                     (0.1, 0.1, 1.0, 1.0)):
    channel = "g_ampa" if name[0] == "E" else "g_inh"
    # No delay: Brian2 delivers in its 'synapses' slot, after the state update, so a spike of
    # step n acts from step n + 1 on, as metahebb's one-step delay.
    syn = b2.Synapses(pops[name[0]], pops[name[1]], rule, name="syn_" + name,
                      namespace=dict(eta=0.01, w_max=20.0, alpha=alpha, beta=beta, gamma=gamma, kappa=kappa,
                                     tau_pre=tau_pre * s, tau_post=tau_post * s),
                      on_pre=f"""{channel}_post += w
                                 w = clip(w + eta * (alpha + kappa * post_trace), 0, w_max)
                                 pre_trace += 1""",
                      on_post="""w = clip(w + eta * (beta + gamma * pre_trace), 0, w_max)
                                 post_trace += 1""")
    if name[0] == name[1]:
        syn.connect(condition="i != j", p=args.p)
    else:
        syn.connect(p=args.p)
    syn.w = w0
    recurrent.append(syn)
monitors = {name: b2.SpikeMonitor(g) for name, g in pops.items()}
# An explicit Network: b2.run's magic network would only see objects held in plain variables.
net = b2.Network(inputs, *pops.values(), *input_syn, *recurrent, *monitors.values())
net.run(T * s, namespace={})  # every group has its own namespace

t0 = time.perf_counter()
b2.device.build(directory=args.directory, compile=True, run=False)
build_s = time.perf_counter() - t0
print(f"Brian2 {b2.__version__} cpp_standalone: code generation and compilation {build_s:.1f} s (excluded)", flush=True)


def children_cpu_s():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def metahebb_run(binary):
    numbers = ",".join(f"{x:g}" for rule_ in quartet for x in rule_)
    cmd = [binary, "--exc", str(args.exc), "--inh", str(args.inh), "--p", str(args.p),
           "--inputs", str(args.inputs), "--seconds", f"{args.training:g}", "--scoring", f"{args.scoring:g}",
           "--rule", numbers, "--seed", str(args.seed), "--threads", "1"]
    cpu0 = children_cpu_s()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return json.loads(out), children_cpu_s() - cpu0


def brian2_run():
    t0, cpu0 = time.perf_counter(), children_cpu_s()
    b2.device.run(directory=args.directory, with_output=False, run_args=[])
    return time.perf_counter() - t0, b2.device._last_run_time, children_cpu_s() - cpu0


if args.input_p != 0.05:
    print("note: metahebb's example has no --input-p; it runs with 0.05")
brian_loop, brian_process, brian_cpu = [], [], []
mh_wall, mh_cpu = {b: [] for b in args.metahebb}, {b: [] for b in args.metahebb}
for k in range(args.repeat):
    process_s, loop_s, cpu_s = brian2_run()
    brian_process.append(process_s)
    brian_loop.append(loop_s)
    brian_cpu.append(cpu_s)
    rate_e = monitors["E"].num_spikes / (args.exc * T)
    rate_i = monitors["I"].num_spikes / (args.inh * T)
    print(f"run {k + 1}: Brian2 loop {loop_s:.2f} s CPU, process {process_s:.2f} s wall, {cpu_s:.2f} s CPU "
          f"(E {rate_e:.2f} Hz, I {rate_i:.2f} Hz over {T:g} s)", flush=True)
    for binary in args.metahebb:
        mh, cpu_s = metahebb_run(binary)
        mh_wall[binary].append(mh["wall_s"])
        mh_cpu[binary].append(cpu_s)
        print(f"       metahebb {binary}: wall_s {mh['wall_s']:.2f} s, process {cpu_s:.2f} s CPU "
              f"(scoring window: E {mh['rate_e_hz']:.2f} Hz, I {mh['rate_i_hz']:.2f} Hz)", flush=True)

med = statistics.median
loop, process, cpu_b = med(brian_loop), med(brian_process), med(brian_cpu)
print(f"{args.exc} E, {args.inh} I, p = {args.p}, {args.inputs} inputs at p = {args.input_p}, {T:g} s simulated, "
      f"{args.repeat} runs each (medians; min-max):")
print(f"  Brian2 loop (CPU s)        {loop:.2f} = {loop / T:.3f} per sim s ({min(brian_loop):.2f}-{max(brian_loop):.2f})")
print(f"  Brian2 process CPU s       {cpu_b:.2f} ({min(brian_cpu):.2f}-{max(brian_cpu):.2f}); "
      f"wall s {process:.2f} ({min(brian_process):.2f}-{max(brian_process):.2f})")
summary = {"brian2_loop_cpu_s": brian_loop, "brian2_process_wall_s": brian_process, "brian2_process_cpu_s": brian_cpu,
           "simulated_s": T, "metahebb": {}}
for binary in args.metahebb:
    wall, cpu_m = med(mh_wall[binary]), med(mh_cpu[binary])
    print(f"  metahebb {binary}\n    process CPU s {cpu_m:.2f} = {cpu_m / T:.3f} per sim s "
          f"({min(mh_cpu[binary]):.2f}-{max(mh_cpu[binary]):.2f}); wall_s {wall:.2f} "
          f"({min(mh_wall[binary]):.2f}-{max(mh_wall[binary]):.2f})")
    print(f"    ratio Brian2 loop CPU / metahebb process CPU {loop / cpu_m:.2f}x; Brian2 process / metahebb process: "
          f"CPU {cpu_b / cpu_m:.2f}x, wall {process / wall:.2f}x")
    summary["metahebb"][binary] = {"wall_s": mh_wall[binary], "process_cpu_s": mh_cpu[binary],
                                   "ratio_loop_cpu": loop / cpu_m, "ratio_process_cpu": cpu_b / cpu_m,
                                   "ratio_process_wall": process / wall}
print(json.dumps(summary))
