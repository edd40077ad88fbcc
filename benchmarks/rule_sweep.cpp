// Rules per hour of the sweep engine on the recurrent network (issue 13, "Speed"): the scaled
// size (1024 E, 256 I, p = 0.4, 5000 inputs) with the protocol of the recurrent validation in
// docs/rule-families.md (10 s of learning, 5 s scored), rules drawn from the filter-SBI prior
// (sweep/filter_sbi.hpp, sweep seed 1: the first rules of that run's round 0), simulated by
// simulate_rules into a fresh store on one and on two threads, alternately in one timed loop.
//
//   BM_rules_per_hour/rules   per iteration, in this order:
//     reference  one RecurrentNetworkTask::simulate() call of a rule that runs the whole
//                protocol (the Vogels et al. 2011 quartet of benchmarks/recurrent_network.cpp),
//                without the sweep engine, the store or the metrics columns;
//     1 thread   simulate_rules(`rules` prior rules, ThreadExecutor(1)) into a new store;
//     2 threads  the same rules with ThreadExecutor(2) into another new store (the stored
//                metrics must equal the 1-thread ones bit for bit, else the run fails).
//   counters:  ref_s (one full-length rule), t1_s, t2_s (the sweep of `rules` rules),
//              rules_per_hour_1t = rules · 3600 / t1, rules_per_hour_2t = rules · 3600 / t2,
//              speedup = t1 / t2, prior_rule_vs_ref = t1 / (rules · ref): the mean cost of a
//              prior rule (some are stopped early by the rate checker) in full-length rules,
//              full_length_rules_per_hour_1t = 3600 / ref; from the process's CPU time
//              (getrusage, all threads): rules_per_cpu_hour = rules · 3600 / CPU of the 1-thread
//              sweep, cpu2_over_cpu1 (extra CPU spent with 2 threads), ref_cpu_s.
// Wall-clock times (the store's writes included); on a loaded machine they are upper bounds
// on the cost, so the rules-per-hour figures are lower bounds (docs/benchmarks.md); the CPU
// figures depend far less on the load.

#include <metahebb/execution/threads.hpp>
#include <metahebb/sweep/filter_sbi.hpp>
#include <metahebb/sweep/sweep.hpp>
#include <metahebb/sweep/task_metrics.hpp>

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>

using namespace metahebb;
using namespace metahebb::sweep;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// CPU seconds of the whole process (every thread) so far.
double process_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// A fresh store directory under the system's temporary directory.
std::string fresh_store(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("metahebb_rule_sweep_bench_" + name);
  std::filesystem::remove_all(dir);
  return dir.string();
}

void BM_rules_per_hour(benchmark::State& state) {
  const auto rules = static_cast<std::size_t>(state.range(0));
  RecurrentNetworkConfig config;  // the scaled size
  config.training_time = 10.0;
  config.scoring_time = 5.0;
  const RecurrentNetworkTask task(config);
  const Prior prior = filter_sbi_prior(task);
  const SweepSettings settings{.seed = 1, .rules_per_seed = 1};
  const Eigen::MatrixXd thetas = prior.sample_rows(settings.seed, 0, rules);
  const Eigen::VectorXd v = rules::vogels2011(10.0, 0.02);
  const Eigen::MatrixXd reference_theta = RecurrentNetworkTask::quartet(rules::vogels2011(20.0, 0.02), v, v, v);
  double ref = 0.0, t1 = 0.0, t2 = 0.0, cpu_ref = 0.0, cpu1 = 0.0, cpu2 = 0.0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    double c0 = process_cpu_s();
    const auto observed = task.simulate(reference_theta, EvaluationContext{.seed = 1, .generation = 0, .dataset = 0});
    ref += seconds_since(t0);
    cpu_ref += process_cpu_s() - c0;
    if (observed[0].exploded) state.SkipWithError("the reference rule was stopped early");
    benchmark::DoNotOptimize(observed[0].rate_e_hz);

    RuleStore one(fresh_store("t1"), store_layout(task));
    t0 = std::chrono::steady_clock::now();
    c0 = process_cpu_s();
    simulate_rules(task, one, 0, thetas, 0, settings, ThreadExecutor(1));
    t1 += seconds_since(t0);
    cpu1 += process_cpu_s() - c0;
    RuleStore two(fresh_store("t2"), store_layout(task));
    t0 = std::chrono::steady_clock::now();
    c0 = process_cpu_s();
    simulate_rules(task, two, 0, thetas, 0, settings, ThreadExecutor(2));
    t2 += seconds_since(t0);
    cpu2 += process_cpu_s() - c0;
    // Same rules, same numbers whatever the thread count (NaN == NaN here: compare the bits).
    const Eigen::MatrixXd& a = one.records().metrics;
    const Eigen::MatrixXd& b = two.records().metrics;
    if (a.size() != b.size() || std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) != 0)
      state.SkipWithError("1 and 2 threads stored different metrics");
  }
  std::filesystem::remove_all(fresh_store("t1"));
  std::filesystem::remove_all(fresh_store("t2"));
  const double n = static_cast<double>(state.iterations()), k = static_cast<double>(rules);
  state.counters["ref_s"] = ref / n;
  state.counters["t1_s"] = t1 / n;
  state.counters["t2_s"] = t2 / n;
  state.counters["rules_per_hour_1t"] = k * 3600.0 * n / t1;
  state.counters["rules_per_hour_2t"] = k * 3600.0 * n / t2;
  state.counters["speedup"] = t1 / t2;
  state.counters["prior_rule_vs_ref"] = t1 / (k * ref);
  state.counters["full_length_rules_per_hour_1t"] = 3600.0 * n / ref;
  state.counters["rules_per_cpu_hour"] = k * 3600.0 * n / cpu1;
  state.counters["cpu2_over_cpu1"] = cpu2 / cpu1;
  state.counters["ref_cpu_s"] = cpu_ref / n;
}

}  // namespace

// 8 rules: a seed-1 prior sample, about half of which run the whole protocol; one iteration
// (≈ 40 s of CPU) is enough, the counters are per-iteration means.
BENCHMARK(BM_rules_per_hour)->Arg(8)->ArgName("rules")->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

BENCHMARK_MAIN();
