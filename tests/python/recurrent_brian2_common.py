"""Helpers shared by the Brian2 comparisons of the recurrent network (recurrent_brian2_compare.py,
polynomial family; mlp_brian2_compare.py, MLP family): the exported input spikes as a Brian2
SpikeGeneratorGroup's arrays, metahebb's CV_ISI formula, the first step where two spike records
differ, and the statistical check against metahebb's runs."""
import math

import numpy as np


def input_spikes(load, n_in, dt):
    """The exported input spikes (input_step, input_index) as Brian2 needs them: spikes of step n
    generated at step n - 1 (delivered before step n's update, as metahebb's); an input that
    fires twice in a step (SpikeGeneratorGroup refuses duplicates) becomes a copy of the input.
    Returns (generator indices, generator times in s, inputs of step 0, copies, spikes, repeated)."""
    in_step, in_index = load("input_step"), load("input_index")
    order = np.lexsort((in_index, in_step))
    in_step, in_index = in_step[order], in_index[order]
    copy = np.zeros(len(in_step), dtype=np.int64)
    same = (np.diff(in_step) == 0) & (np.diff(in_index) == 0)
    for k in np.nonzero(same)[0]:
        copy[k + 1] = copy[k] + 1
    copies = int(copy.max()) + 1 if len(copy) else 1
    first = in_step == 0
    return ((in_index + copy * n_in)[~first], (in_step[~first] - 1) * dt, in_index[first], copies, len(in_step),
            int((copy > 0).sum()))


def mean_cv(steps, index, n, dt, min_spikes=4):
    """metahebb's cv_isi: mean over neurons with >= 4 spikes of std(ISI)/mean(ISI) (population std)."""
    cvs = []
    order = np.lexsort((steps, index))
    steps, index = steps[order], index[order]
    bounds = np.searchsorted(index, np.arange(n + 1))
    for i in range(n):
        t = steps[bounds[i]:bounds[i + 1]] * dt
        if len(t) >= min_spikes:
            isi = np.diff(t)
            if isi.mean() > 0:
                cvs.append(isi.std() / isi.mean())
    return float(np.mean(cvs)) if cvs else float("nan")


def first_difference(a_steps, a_index, b_steps, b_index, dt, steps):
    """Time (s) of the first step whose set of spiking neurons differs between two records."""
    a = sorted(zip(a_steps.tolist(), a_index.tolist()))
    b = sorted(zip(b_steps.tolist(), b_index.tolist()))
    for x, y in zip(a, b):
        if x != y:
            return min(x[0], y[0]) * dt
    if len(a) == len(b):
        return steps * dt
    return (a[len(b)] if len(a) > len(b) else b[len(a)])[0] * dt


class Checker:
    """|Brian2 - mean| <= 4 sd sqrt(1 + 1/M) over M metahebb runs (sd floored); prints each check."""

    def __init__(self):
        self.ok = True

    def __call__(self, label, value, samples, floor):
        samples = np.asarray(samples, dtype=float)
        m, sd = samples.mean(), max(samples.std(ddof=1), floor)
        tolerance = 4.0 * sd * math.sqrt(1.0 + 1.0 / len(samples))
        passed = abs(value - m) <= tolerance
        self.ok = self.ok and passed
        print(f"  {label:<22} Brian2 {value:9.4f}   metahebb float {samples[0]:9.4f}, double {samples[1]:9.4f}, "
              f"runs {m:9.4f} ± {sd:.4f} (sd, M={len(samples)})   |diff| {abs(value - m):.4f} "
              f"{'<=' if passed else '>'} {tolerance:.4f}")
