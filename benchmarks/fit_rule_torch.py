#!/usr/bin/env python3
"""Time per epoch of the rule fits of examples/fit_rule_to_data in PyTorch autograd, against
metahebb's exact-gradient fit (benchmarks/fit_gradient, BM_Epoch_*), on one thread.

The same model in both: a plastic layer W (M x N) run through T steps,
    y_t = phi(W_t x_t),  W_{t+1} = W_t + eta * plastic_t * f_theta(x_tj, y_ti, W_tij, r_t),
with f the 81-term Volterra rule over (x, y, w, r) (exponents 0..2, index 27a + 9b + 3c + d),
evaluated factored as in metahebb (A_abc = sum_d theta_abcd r^d, B_bcj = sum_a A_abc x_j^a,
f_ij = sum_bc B_bcj y_i^b w_ij^c); loss: activity MSE (linear units, N=10, M=20, T=100) or the
choices' cross-entropy under sigma(v . tanh(W x)) (N=2, M=10, T=480, an update after about half
of the presentations); each loss divided by the zero rule's; one Adam step per trajectory, 20
trajectories per epoch. Data are random with the statistics of the C++ benchmark's (timing does
not depend on their values).

    python3 benchmarks/fit_rule_torch.py build/release/benchmarks/fit_gradient

prints the seconds per epoch of both and their ratio. Needs python3-torch (Debian):
`scripts/install_dependencies.sh --with-torch` installs it.
"""
import json
import subprocess
import sys
import time

import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


def rule(theta, x, y, w, r):
    """f_ij for all synapses; theta (3,3,3,3), x (N), y (M), w (M,N), r scalar."""
    rp = torch.stack([torch.ones_like(r), r, r * r])
    xp = torch.stack([torch.ones_like(x), x, x * x])
    yp = torch.stack([torch.ones_like(y), y, y * y])
    wp = torch.stack([torch.ones_like(w), w, w * w])
    a = torch.einsum("abcd,d->abc", theta, rp)
    b = torch.einsum("abc,aj->bcj", a, xp)
    return torch.einsum("bcj,bi,cij->ij", b, yp, wp)


def trajectory_loss(theta, data, eta, tanh, readout):
    x, r, plastic, w0, target = data
    w = w0
    loss = torch.zeros(())
    for t in range(x.shape[0]):
        u = w @ x[t]
        y = torch.tanh(u) if tanh else u
        if readout is None:
            loss = loss + ((y - target[t]) ** 2).sum()
        else:
            logit = readout @ y
            loss = loss + torch.nn.functional.binary_cross_entropy_with_logits(logit, target[t], reduction="sum")
        if plastic[t]:
            w = w + eta * rule(theta, x[t], y, w, r[t])
    return loss / target.numel()


def make_data(kind, k):
    g = torch.Generator().manual_seed(k)
    if kind == "activity":
        n, m, steps = 10, 20, 100
        x = torch.randn(steps, n, generator=g)
        r = torch.zeros(steps)
        plastic = [True] * steps
        w0 = torch.randn(m, n, generator=g) / n ** 0.5
        target = torch.randn(steps, m, generator=g)
    else:
        n, m, steps = 2, 10, 480
        odour = torch.randint(0, 2, (steps,), generator=g)
        x = torch.stack([0.75 * (odour == 0), 0.75 * (odour == 1)], 1).double() + 0.12 * torch.randn(steps, n, generator=g)
        choice = (torch.rand(steps, generator=g) < 0.5).double()
        r = choice * (torch.rand(steps, generator=g) < 0.5).double() - 0.5 * choice
        plastic = [bool(c) for c in choice]
        w0 = 0.01 * torch.randn(m, n, generator=g)
        target = choice
    return x, r, plastic, w0, target


def torch_epoch_seconds(kind, epochs):
    tanh = kind == "behaviour"
    eta = 0.5 if tanh else 0.05
    readout = torch.full((10,), 0.5) if tanh else None
    train = [make_data(kind, k) for k in range(20)]
    theta = (0.01 * torch.randn(3, 3, 3, 3, generator=torch.Generator().manual_seed(99))).requires_grad_()
    with torch.no_grad():
        null = [trajectory_loss(torch.zeros(3, 3, 3, 3), d, eta, tanh, readout).item() for d in train]
    opt = torch.optim.Adam([theta], lr=1e-3)
    times = []
    for _ in range(epochs):
        start = time.process_time()
        for d, n0 in zip(train, null):
            opt.zero_grad()
            loss = trajectory_loss(theta, d, eta, tanh, readout) / n0 + 1e-3 * theta.abs().sum()
            loss.backward()
            opt.step()
        times.append(time.process_time() - start)
    return min(times), sum(times) / len(times)


def metahebb_epoch_seconds(binary):
    out = subprocess.run([binary, "--benchmark_filter=BM_Epoch", "--benchmark_format=json",
                          "--benchmark_min_time=1"], check=True, capture_output=True, text=True).stdout
    result = {}
    for b in json.loads(out)["benchmarks"]:
        scale = {"ms": 1e-3, "us": 1e-6, "ns": 1e-9, "s": 1.0}[b["time_unit"]]
        result[b["name"].split("_")[-1].lower()] = b["cpu_time"] * scale
    return result


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    ours = metahebb_epoch_seconds(sys.argv[1])
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}; CPU seconds per epoch (20 trajectories)")
    for kind in ("activity", "behaviour"):
        best, mean = torch_epoch_seconds(kind, 3)
        print(f"{kind:10s} pytorch {best:.4f} s (mean {mean:.4f})  metahebb {ours[kind]:.5f} s  "
              f"ratio {best / ours[kind]:.1f}x")


if __name__ == "__main__":
    main()
