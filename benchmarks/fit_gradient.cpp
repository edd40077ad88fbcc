// Cost of one exact trajectory gradient (fit/plastic_layer.hpp, reverse mode) against the
// central finite differences it replaces (2 P loss evaluations), in the same binary; and one
// epoch of the activity and behaviour fits (Adam on 20 trajectories, one step each), the unit
// that benchmarks/fit_rule_torch.py times for the PyTorch-autograd implementation.
//
// Sizes are the example's defaults (examples/fit_rule_to_data.cpp):
//   activity:  N = 10 inputs, M = 20 linear outputs, T = 100 samples, 81-term reward Volterra rule
//   behaviour: 2 inputs, 10 tanh units, 3 blocks × 80 trials (≈ 480 presentations), 81 terms
// Arguments: 0 = Volterra (factored path), 1 = MLP rule [4, 10, 1] (61 coefficients).
//
//   build/release/benchmarks/fit_gradient --benchmark_min_time=1

#include <metahebb/fit/activity_data.hpp>
#include <metahebb/fit/behaviour_data.hpp>
#include <metahebb/fit/fit_rule.hpp>
#include <metahebb/rules/mlp_rule.hpp>
#include <metahebb/rules/reward_volterra.hpp>

#include <benchmark/benchmark.h>

using namespace metahebb;
using namespace metahebb::fit;

namespace {

const VolterraBasis& basis() {
  static const VolterraBasis b = reward_volterra_basis();
  return b;
}

Eigen::VectorXd start(std::size_t n, double scale) {
  RandomStream s(1, Purpose::user);
  Eigen::VectorXd v(static_cast<Eigen::Index>(n));
  s.fill_normal(v);
  return v * scale;
}

struct ActivitySetup {
  ActivityDataConfig config;
  std::vector<Trajectory> train;
  ActivitySetup() {
    for (std::size_t k = 0; k < 20; ++k)
      train.push_back(simulate_activity(config, basis(), rules::oja_reward_basis(basis()), 1, k).data);
  }
};
struct BehaviourSetup {
  BehaviourDataConfig config;
  std::vector<Trajectory> train;
  BehaviourSetup() {
    for (std::size_t k = 0; k < 20; ++k)
      train.push_back(simulate_behaviour(config, basis(), rules::reward_teacher(basis()), 1, k).data);
  }
};
const ActivitySetup& activity() {
  static const ActivitySetup s;
  return s;
}
const BehaviourSetup& behaviour() {
  static const BehaviourSetup s;
  return s;
}

template <class Rule, class Head>
void exact(benchmark::State& state, const PlasticLayerConfig& layer, const Rule& rule, const Trajectory& tr,
           const Head& head) {
  const Eigen::VectorXd theta = start(rule.size(), 0.01);
  Eigen::VectorXd grad;
  for (auto _ : state) {
    benchmark::DoNotOptimize(loss_and_gradient(layer, rule, theta, tr, head, &grad));
    benchmark::DoNotOptimize(grad.data());
  }
  state.counters["coefficients"] = static_cast<double>(rule.size());
}

template <class Rule, class Head>
void finite_differences(benchmark::State& state, const PlasticLayerConfig& layer, const Rule& rule,
                        const Trajectory& tr, const Head& head) {
  const Eigen::VectorXd theta = start(rule.size(), 0.01);
  Eigen::VectorXd grad(theta.size());
  const double h = 1e-5;
  for (auto _ : state) {
    Eigen::VectorXd p = theta;
    for (Eigen::Index k = 0; k < theta.size(); ++k) {
      p[k] = theta[k] + h;
      const double up = loss_and_gradient(layer, rule, p, tr, head, nullptr);
      p[k] = theta[k] - h;
      const double down = loss_and_gradient(layer, rule, p, tr, head, nullptr);
      p[k] = theta[k];
      grad[k] = (up - down) / (2 * h);
    }
    benchmark::DoNotOptimize(grad.data());
  }
  state.counters["coefficients"] = static_cast<double>(rule.size());
}

void BM_GradientExact_Activity(benchmark::State& state) {
  const auto& s = activity();
  if (state.range(0) == 0) exact(state, s.config.layer, basis(), s.train[0], ActivityMse{});
  else exact(state, s.config.layer, MlpRule(), s.train[0], ActivityMse{});
}
void BM_GradientFiniteDifference_Activity(benchmark::State& state) {
  const auto& s = activity();
  if (state.range(0) == 0) finite_differences(state, s.config.layer, basis(), s.train[0], ActivityMse{});
  else finite_differences(state, s.config.layer, MlpRule(), s.train[0], ActivityMse{});
}
void BM_GradientExact_Behaviour(benchmark::State& state) {
  const auto& s = behaviour();
  const ChoiceBce head{s.config.readout()};
  if (state.range(0) == 0) exact(state, s.config.layer, basis(), s.train[0], head);
  else exact(state, s.config.layer, MlpRule(), s.train[0], head);
}
void BM_GradientFiniteDifference_Behaviour(benchmark::State& state) {
  const auto& s = behaviour();
  const ChoiceBce head{s.config.readout()};
  if (state.range(0) == 0) finite_differences(state, s.config.layer, basis(), s.train[0], head);
  else finite_differences(state, s.config.layer, MlpRule(), s.train[0], head);
}

// One epoch: 20 Adam steps, one per trajectory (examples/fit_rule_to_data's defaults).
template <class Head>
void epoch(benchmark::State& state, const PlasticLayerConfig& layer, const std::vector<Trajectory>& train,
           const Head& head) {
  FitOptions o;
  o.epochs = 1;
  o.learning_rate = 1e-3;
  const Eigen::VectorXd theta0 = start(basis().size(), 0.01);
  for (auto _ : state) benchmark::DoNotOptimize(fit_rule(layer, basis(), theta0, train, head, o).theta.data());
  state.counters["trajectories"] = static_cast<double>(train.size());
}
void BM_Epoch_Activity(benchmark::State& state) { epoch(state, activity().config.layer, activity().train, ActivityMse{}); }
void BM_Epoch_Behaviour(benchmark::State& state) {
  epoch(state, behaviour().config.layer, behaviour().train, ChoiceBce{behaviour().config.readout()});
}

}  // namespace

BENCHMARK(BM_GradientExact_Activity)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GradientFiniteDifference_Activity)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GradientExact_Behaviour)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GradientFiniteDifference_Behaviour)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Epoch_Activity)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Epoch_Behaviour)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
