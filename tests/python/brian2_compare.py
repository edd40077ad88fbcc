#!/usr/bin/env python3
"""Runs a rule exported by metahebb (io/export_brian2.hpp) in Brian2, on the same neuron and
the same input spike trains as metahebb, and compares the postsynaptic rates.

Usage: brian2_compare.py <export_spiking_run binary> <scratch directory> [training s] [window s] [seed]
Exit code 77 (CTest's skip) only if numpy or Brian2 is missing; the install script installs both.

Tolerance: the two simulators differ in details that do not matter to the rate (Brian2
delivers an input spike one step later and orders some sums differently),
which is enough to decorrelate individual post spike times. If the two spike counts
N_a, N_b in a window were independent Poisson counts of one rate, their difference would
have standard deviation sqrt(N_a + N_b); we require |N_a - N_b| <= 3 sqrt(N_a + N_b)
(a wrong rule, e.g. a sign error in a coefficient, moves the rate by far more).
The same check is applied to the first second, before plasticity has acted, which
tests the neuron and the input on their own.
"""
import importlib.util
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

binary, out = sys.argv[1], sys.argv[2]
training = sys.argv[3] if len(sys.argv) > 3 else "4"
window = sys.argv[4] if len(sys.argv) > 4 else "8"
seed = sys.argv[5] if len(sys.argv) > 5 else "1"
os.makedirs(out, exist_ok=True)
subprocess.run([binary, out, training, window, seed], check=True)

with open(os.path.join(out, "metahebb.json")) as f:
    mh = json.load(f)
nrn = mh["neuron"]
dt = nrn["dt"]
spec = importlib.util.spec_from_file_location("exported_rule", os.path.join(out, "rule.py"))
rule = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rule)

b2.prefs.codegen.target = "numpy"  # no compiler needed; fast enough for this short protocol
b2.prefs.logging.console_log_level = "WARNING"
b2.start_scope()
b2.defaultclock.dt = dt * b2.second
s, V = b2.second, b2.volt
ns = dict(tau_m=nrn["tau_m"] * s, v_rest=nrn["v_rest"] * V, v_th=nrn["v_threshold"] * V, v_reset=nrn["v_reset"] * V,
          e_exc=nrn["e_exc"] * V, e_inh=nrn["e_inh"] * V, tau_exc=nrn["tau_exc"] * s, tau_inh=nrn["tau_inh"] * s,
          g_exc_bar=nrn["g_exc_bar"])
# neurons/conductance_lif.hpp: conductances in units of g_leak; exponential Euler is metahebb's
# exact-with-conductances-held step.
neuron = b2.NeuronGroup(1, """
dv/dt = ((v_rest - v) + g_exc * (e_exc - v) + g_inh * (e_inh - v)) / tau_m : volt (unless refractory)
dg_exc/dt = -g_exc / tau_exc : 1
dg_inh/dt = -g_inh / tau_inh : 1
""", threshold="v >= v_th", reset="v = v_reset", refractory=nrn["tau_ref"] * s,
                        method="exponential_euler", namespace=ns)
neuron.v = ns["v_rest"]


def generator(name, n):
    steps = np.load(os.path.join(out, name + "_step.npy")).astype(np.int64)
    index = np.load(os.path.join(out, name + "_index.npy")).astype(np.int64)
    return b2.SpikeGeneratorGroup(n, index, steps * dt * s, dt=b2.defaultclock.dt)


exc = generator("exc", mh["num_exc"])
inh = generator("inh", mh["num_inh"])
exc_syn = b2.Synapses(exc, neuron, "w : 1", on_pre="g_exc_post += g_exc_bar * w", namespace=ns)
exc_syn.connect(j="0")
exc_syn.w = np.load(os.path.join(out, "w_exc.npy"))
inh_syn = rule.make_synapses(inh, neuron)
inh_syn.connect(j="0")
inh_syn.w = rule.w_initial
spikes = b2.SpikeMonitor(neuron)

started = time.time()
b2.run(mh["steps"] * dt * s)
seconds = time.time() - started

t = np.asarray(spikes.t / s)
begin = mh["window_begin_step"] * dt
b2_window = int(np.sum(t >= begin - dt / 2))
mh_window = mh["window_spikes"]
mh_steps = np.load(os.path.join(out, "spike_steps.npy"))
mh_first = int(np.sum(mh_steps < round(1.0 / dt)))
b2_first = int(np.sum(t < 1.0 - dt / 2))
w_b2 = np.asarray(inh_syn.w)
w_mh = np.load(os.path.join(out, "w_inh_final.npy"))

ok = True
for label, a, b, length in (("first second", mh_first, b2_first, 1.0), ("scoring window", mh_window, b2_window, mh["window"])):
    tolerance = 3.0 * math.sqrt(a + b)
    passed = abs(a - b) <= tolerance
    ok = ok and passed
    print(f"{label}: metahebb {a} spikes ({a / length:.2f} Hz), Brian2 {b} spikes ({b / length:.2f} Hz); "
          f"|difference| {abs(a - b)} {'<=' if passed else '>'} 3 sqrt(N_a + N_b) = {tolerance:.1f}")
print(f"mean inhibitory weight at the end: metahebb {w_mh.mean():.4f}, Brian2 {w_b2.mean():.4f}")
print(f"Brian2 {b2.__version__} (numpy target) simulated {mh['steps'] * dt:.0f} s in {seconds:.1f} s")
if not ok:
    print("FAILED: the exported rule does not reproduce metahebb's rate")
    sys.exit(1)
print("brian2_compare: rates agree")
