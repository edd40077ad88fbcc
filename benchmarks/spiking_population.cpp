// Speed of the §3.3 inner loop: one candidate on the scalar path vs candidates in SIMD lanes.
//
// Counters: sim_s_per_wall_s_per_candidate = simulated seconds per wall-clock second for
// each candidate (higher is better); events_per_s = synaptic events (input spikes seen by
// each candidate) per wall-clock second. The shared input is generated outside the timed
// loop (BM_input_generation measures it separately). Protocol: 10 s simulated.

#include <metahebb/execution/threads.hpp>
#include <metahebb/losses/target_rate.hpp>
#include <metahebb/meta_learner.hpp>
#include <metahebb/optim/adam_fd.hpp>
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

// One iteration of the example's search: Adam's 13 rules (θ and 12 central differences)
// on its 4 datasets of 90 s each (inputs generated inside the timed region), datasets
// spread over the executor's threads.
void BM_spiking_generation(benchmark::State& state) {
  InhibitoryBalanceConfig config;
  config.datasets = 4;
  const InhibitoryBalanceTask task(config);
  const Eigen::MatrixXd thetas = population(13);
  MetaLearner learner(task, TargetRate(), AdamFd(thetas.col(0)), ThreadExecutor(static_cast<std::size_t>(state.range(0))),
                      {.seed = 1});
  for (auto _ : state) benchmark::DoNotOptimize(learner.evaluate(thetas, 0).data());
  state.counters["sim_s_per_wall_s_per_candidate"] =
      benchmark::Counter(90.0 * 4.0 * 13.0, benchmark::Counter::kIsIterationInvariantRate);
}
}  // namespace

BENCHMARK(BM_spiking_generation)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_input_generation)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_simulate, float, 16, true)->Name("scalar/float")->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_simulate, double, 8, true)->Name("scalar/double")->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_simulate, float, 8, false)->Name("lanes8/float")->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_simulate, float, 16, false)->Name("lanes16/float")->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_simulate, double, 8, false)->Name("lanes8/double")->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_simulate, double, 16, false)->Name("lanes16/double")->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_simulate, float, 64, false)->Name("lanes64/float")->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
