// Training and sampling time of the conditional density estimator q(θ | x) (issue 13: 10,000
// pairs under 2 minutes on one core) at the recurrent problem's dimensions: θ has 24
// coordinates (four synapse types × [τ_pre, τ_post, α, β, γ, κ], τ in [0.01, 0.1] s, the others
// in [−2, 2]) and x 15 metrics. The pairs come from a fixed nonlinear stand-in simulator
// (x = tanh(A θ̃) + 0.1 ε, θ̃ the prior-standardised θ), so the benchmark needs no simulation.
//
// Benchmarks (all single-threaded):
//   BM_fit/<pairs>            fit() at the default FlowSettings, early stopping included
//   BM_epoch/<pairs>          one epoch (max_epochs = 1) at the default settings
//   BM_reference_gemm         the reference in the same run: Eigen products of the shapes of
//                             one epoch's first-layer forward pass, same FLOP count per pair
//   BM_sample/<n>             n samples of θ | x from a trained flow
// Counters: epochs, s_per_epoch, heldout_nll (fit); GFLOPs (epoch: the flow's multiply-adds
// forward and backward; reference: the product's), pairs_per_s.

#include <metahebb/inference/conditional_flow.hpp>

#include <benchmark/benchmark.h>

using namespace metahebb;
using namespace metahebb::inference;

namespace {
constexpr Eigen::Index theta_dim = 24, x_dim = 15;

Box recurrent_box() {
  Box box{Eigen::VectorXd(theta_dim), Eigen::VectorXd(theta_dim)};
  for (Eigen::Index i = 0; i < theta_dim; ++i) {
    const bool tau = i % 6 < 2;
    box.lower[i] = tau ? 0.01 : -2.0;
    box.upper[i] = tau ? 0.1 : 2.0;
  }
  return box;
}

void pairs(Eigen::Index n, Eigen::MatrixXd& theta, Eigen::MatrixXd& x) {
  const Box box = recurrent_box();
  RandomStream stream(1, Purpose::user);
  Eigen::MatrixXd A(x_dim, theta_dim);
  stream.fill_normal(A);
  A /= std::sqrt(static_cast<double>(theta_dim) / 4.0);
  theta.resize(n, theta_dim);
  x.resize(n, x_dim);
  for (Eigen::Index r = 0; r < n; ++r) {
    Eigen::VectorXd standard(theta_dim);
    for (Eigen::Index i = 0; i < theta_dim; ++i) {
      const double u = stream.uniform();
      theta(r, i) = box.lower[i] + (box.upper[i] - box.lower[i]) * u;
      standard[i] = 2.0 * u - 1.0;
    }
    for (Eigen::Index j = 0; j < x_dim; ++j) x(r, j) = std::tanh(A.row(j).dot(standard)) + 0.1 * stream.normal();
  }
}

// Multiply-adds ×2 per pair for one forward and backward pass of a flow (the backward pass
// costs two products per forward product: weight gradients and input gradients).
double flops_per_pair(const FlowSettings& s) {
  const double D = theta_dim, C = x_dim, H = s.hidden_units, L = s.hidden_layers;
  const double forward = 2.0 * (H * (D + C) + (L - 1) * H * H + 2.0 * D * H);
  return 3.0 * forward * s.blocks;
}

void BM_fit(benchmark::State& state) {
  Eigen::MatrixXd theta, x;
  pairs(state.range(0), theta, x);
  const FlowSettings settings;  // the defaults
  TrainingReport report;
  for (auto _ : state) {
    ConditionalFlow flow(theta_dim, x_dim, recurrent_box(), settings);
    report = flow.fit(theta, x);
    benchmark::DoNotOptimize(report.heldout_nll);
  }
  state.counters["epochs"] = static_cast<double>(report.epochs.size());
  state.counters["heldout_nll"] = report.heldout_nll;
  state.counters["s_per_epoch"] = benchmark::Counter(
      static_cast<double>(report.epochs.size()), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_epoch(benchmark::State& state) {
  Eigen::MatrixXd theta, x;
  pairs(state.range(0), theta, x);
  FlowSettings settings;
  settings.max_epochs = 1;
  for (auto _ : state) {
    ConditionalFlow flow(theta_dim, x_dim, recurrent_box(), settings);
    benchmark::DoNotOptimize(flow.fit(theta, x).heldout_nll);
  }
  const double train = static_cast<double>(state.range(0)) * (1.0 - settings.validation_fraction);
  state.counters["pairs_per_s"] = benchmark::Counter(train, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GFLOPs"] = benchmark::Counter(train * flops_per_pair(settings) * 1e-9,
                                                benchmark::Counter::kIsIterationInvariantRate);
}

// The same FLOPs per pair as an epoch, spent in plain products of the first layer's shape
// (H × (D + C) by (D + C) × batch): what Eigen reaches on this machine for such small products.
void BM_reference_gemm(benchmark::State& state) {
  const FlowSettings settings;
  const Eigen::Index batch = settings.batch_size, H = settings.hidden_units;
  Eigen::MatrixXd W = Eigen::MatrixXd::Random(H, theta_dim + x_dim), X = Eigen::MatrixXd::Random(theta_dim + x_dim, batch);
  Eigen::MatrixXd Y(H, batch);
  const double per_product = 2.0 * static_cast<double>(H * (theta_dim + x_dim) * batch);
  const auto products = static_cast<int>(flops_per_pair(settings) * static_cast<double>(batch) / per_product);
  for (auto _ : state) {
    for (int i = 0; i < products; ++i) {
      Y.noalias() = W * X;
      benchmark::DoNotOptimize(Y.data());
    }
  }
  state.counters["pairs_per_s"] = benchmark::Counter(static_cast<double>(batch), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GFLOPs"] = benchmark::Counter(per_product * products * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_sample(benchmark::State& state) {
  Eigen::MatrixXd theta, x;
  pairs(2000, theta, x);
  FlowSettings settings;
  settings.max_epochs = 2;
  ConditionalFlow flow(theta_dim, x_dim, recurrent_box(), settings);
  flow.fit(theta, x);
  const Eigen::VectorXd x0 = x.row(0).transpose();
  const auto n = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(flow.sample(x0, n, 1).data());
  state.counters["samples_per_s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}
}  // namespace

BENCHMARK(BM_epoch)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_reference_gemm)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_sample)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fit)->Arg(10000)->Iterations(1)->Unit(benchmark::kSecond);

BENCHMARK_MAIN();
