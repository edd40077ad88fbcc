// Speed of the §3.3 inner loop: one candidate on the scalar path vs candidates in SIMD lanes.
//
// Counters: sim_s_per_wall_s_per_candidate = simulated seconds per wall-clock second for
// each candidate (higher is better); events_per_s = synaptic events (input spikes seen by
// each candidate) per wall-clock second. The shared input is generated outside the timed
// loop (BM_input_generation measures it separately). Protocol: 10 s simulated.

#include <metahebb/tasks/inhibitory_balance.hpp>

#include <benchmark/benchmark.h>

using namespace metahebb;

namespace {
InhibitoryBalanceConfig ten_seconds() {
  InhibitoryBalanceConfig c;
  c.training_time = 8.0;
  c.scoring_time = 2.0;
  c.window = 2.0;  // the window ends at 10 s: 10 s are simulated
  return c;
}

Eigen::MatrixXd population(std::size_t n) {
  Eigen::MatrixXd th(6, static_cast<Eigen::Index>(n));
  for (std::size_t c = 0; c < n; ++c) th.col(static_cast<Eigen::Index>(c)) = rules::vogels2011(5.0 + 0.1 * c, 0.02);
  return th;
}

template <class Scalar, std::size_t Lanes, bool Scalar_path>
void BM_simulate(benchmark::State& state) {
  const BasicInhibitoryBalanceTask<Scalar, Lanes> task(ten_seconds());
  const auto d = task.dataset({1, 0, 0});
  const std::size_t candidates = Scalar_path ? 1 : Lanes;
  const Eigen::MatrixXd th = population(candidates);
  for (auto _ : state) {
    auto o = Scalar_path ? task.simulate_scalar(th, d) : task.simulate(th, d);
    benchmark::DoNotOptimize(o.data());
  }
  const double seconds = static_cast<double>(d.window_end) * 1e-4;
  const double events = static_cast<double>(d.spikes.exc_spikes() + d.spikes.inh_spikes());
  state.counters["sim_s_per_wall_s_per_candidate"] =
      benchmark::Counter(seconds * static_cast<double>(candidates), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["events_per_s"] =
      benchmark::Counter(events * static_cast<double>(candidates), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["candidates"] = static_cast<double>(candidates);
}

void BM_input_generation(benchmark::State& state) {
  const InhibitoryBalanceTask task(ten_seconds());
  std::size_t k = 0;
  for (auto _ : state) {
    auto d = task.dataset({1, 0, k++});
    benchmark::DoNotOptimize(d.spikes.inh_index.data());
  }
  state.counters["sim_s_per_wall_s"] = benchmark::Counter(10.0, benchmark::Counter::kIsIterationInvariantRate);
}
}  // namespace

BENCHMARK(BM_input_generation)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_simulate, float, 16, true)->Name("scalar/float")->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_simulate, double, 8, true)->Name("scalar/double")->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_simulate, float, 8, false)->Name("lanes8/float")->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_simulate, float, 16, false)->Name("lanes16/float")->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_simulate, double, 8, false)->Name("lanes8/double")->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_simulate, double, 16, false)->Name("lanes16/double")->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_simulate, float, 64, false)->Name("lanes64/float")->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
