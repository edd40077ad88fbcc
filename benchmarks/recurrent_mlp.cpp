// Cost of the MLP rule family (issue 12, item 6) against the polynomial family in one run, at
// the scaled default size (1024 E, 256 I, p = 0.4, 5000 inputs), 1 s training + 1 s scoring,
// one candidate, on one prebuilt dataset per family (seed 1):
//   BM_families   one timed loop that runs, in turn,
//                   mlp_static   MlpRecurrentNetworkTask, θ = 0 (η = 0: the rule is never evaluated)
//                   mlp_random   the same network with the rule of docs/recurrent-network.md's MLP
//                                section (η = 0.01, heads drawn uniform in [−1, 1])
//                   polynomial   RecurrentNetworkTask with four Vogels et al. 2011 rules (every group plastic)
//                 counters: the wall seconds of each (per simulated second), the E rates, and the
//                 ratios mlp_random / polynomial and mlp_random / mlp_static.
// The MLP is evaluated at every spike on every synapse of the spiking neuron's plastic rows
// (E→E, I→E) and columns, so its cost follows the spike count: compare the rates too.

#include <metahebb/tasks/recurrent_network.hpp>

#include <benchmark/benchmark.h>

#include <chrono>

using namespace metahebb;

namespace {

template <class Config>
Config one_second() {
  Config c;
  c.training_time = 1.0;
  c.scoring_time = 1.0;
  return c;
}

// The random rule of docs/recurrent-network.md (η = 0.01, heads drawn uniform in [−1, 1]); it
// keeps the default network below the 50 Hz bound over 70 s (E 7.6 Hz).
Eigen::VectorXd random_mlp_rule() {
  Eigen::VectorXd th(22);
  th << 0.01, -0.731, 0.695, 0.528, -0.49, -0.009, -0.101, 0.303, 0.577, -0.812, -0.943,  // EE
      0.01, 0.672, -0.134, 0.525, -0.996, -0.109, 0.443, -0.542, 0.891, 0.803, -0.939;    // IE
  return th;
}

void BM_families(benchmark::State& state) {
  const MlpRecurrentNetworkTask mlp(one_second<MlpRecurrentNetworkConfig>());
  const RecurrentNetworkTask poly(one_second<RecurrentNetworkConfig>());
  const auto mlp_data = mlp.dataset({1, 0, 0});
  const auto poly_data = poly.dataset({1, 0, 0});
  const Eigen::VectorXd mlp_static = mlp.static_rules(), mlp_random = random_mlp_rule();
  const Eigen::VectorXd quartet = RecurrentNetworkTask::quartet(rules::vogels2011(8.0, 0.02), rules::vogels2011(6.0, 0.03),
                                                                rules::vogels2011(10.0, 0.02), rules::vogels2011(5.0, 0.01));
  double t_static = 0, t_random = 0, t_poly = 0, rate_static = 0, rate_random = 0, rate_poly = 0;
  auto timed = [](auto&& f, double& seconds, double& rate) {
    const auto begin = std::chrono::steady_clock::now();
    const auto o = f();
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    rate = o[0].rate_e_hz;
    benchmark::DoNotOptimize(o);
  };
  for (auto _ : state) {
    timed([&] { return mlp.simulate(mlp_static, mlp_data); }, t_static, rate_static);
    timed([&] { return mlp.simulate(mlp_random, mlp_data); }, t_random, rate_random);
    timed([&] { return poly.simulate(quartet, poly_data); }, t_poly, rate_poly);
  }
  const double n = static_cast<double>(state.iterations()), simulated = 2.0;
  state.counters["mlp_static_s_per_sim_s"] = t_static / n / simulated;
  state.counters["mlp_random_s_per_sim_s"] = t_random / n / simulated;
  state.counters["polynomial_s_per_sim_s"] = t_poly / n / simulated;
  state.counters["mlp_random_over_polynomial"] = t_random / t_poly;
  state.counters["mlp_random_over_mlp_static"] = t_random / t_static;
  state.counters["rate_e_mlp_static"] = rate_static;
  state.counters["rate_e_mlp_random"] = rate_random;
  state.counters["rate_e_polynomial"] = rate_poly;
}
BENCHMARK(BM_families)->Unit(benchmark::kSecond)->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
