// Speed of the §3.1 and §3.2 inner loops: the population update as matrix products
// against the per-sample reference, in the same binary.
//
// Counters:
//   network_steps_per_s  candidates × batch steps simulated per wall-clock second
//   GFLOPs               floating-point operations per second of the matrix phase
//                        (the fused moment product [1, X, X∘X]ᵀ [1, Y, Y∘Y]), or of a
//                        bare Eigen product of the same shape (the practical limit)
// Each simulate() call runs one dataset (N_b = 200) for `steps` steps; inputs, Y = XW,
// moments and updates are all inside the timed region.

#include <metahebb/execution/serial.hpp>
#include <metahebb/execution/threads.hpp>
#include <metahebb/losses/principal_vector_distance.hpp>
#include <metahebb/losses/principal_vectors_distance.hpp>
#include <metahebb/meta_learner.hpp>
#include <metahebb/optim/cmaes.hpp>
#include <metahebb/rules/volterra_batch_update.hpp>
#include <metahebb/tasks/hierarchical_pca.hpp>
#include <metahebb/tasks/principal_vector.hpp>

#include <benchmark/benchmark.h>

using namespace metahebb;

namespace {
constexpr std::size_t steps = 20;

Eigen::MatrixXd random_rules(Eigen::Index terms, Eigen::Index candidates, double scale) {
  Eigen::MatrixXd thetas(terms, candidates);
  RandomStream r(7, Purpose::user);
  r.fill_normal(thetas);
  return scale * thetas;
}

PrincipalVectorTask single_neuron(std::size_t n) {
  PrincipalVectorConfig config;
  config.input.inputs = n;
  config.steps = steps;
  config.datasets = 20;
  return PrincipalVectorTask(config);
}

void counters(benchmark::State& state, double network_steps) {
  state.counters["network_steps_per_s"] = benchmark::Counter(network_steps, benchmark::Counter::kIsIterationInvariantRate);
}

// --- single neuron: fast path and per-sample reference -------------------------------------
void BM_single_neuron_population(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto p = static_cast<Eigen::Index>(state.range(1));
  const auto task = single_neuron(n);
  const Eigen::MatrixXd thetas = random_rules(27, p, 0.01);
  for (auto _ : state) benchmark::DoNotOptimize(task.simulate(thetas, {1, 0, 0}).data());
  counters(state, static_cast<double>(p * static_cast<Eigen::Index>(steps)));
}

void BM_single_neuron_per_sample(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto p = static_cast<Eigen::Index>(state.range(1));
  const auto task = single_neuron(n);
  const Eigen::MatrixXd thetas = random_rules(27, p, 0.01);
  for (auto _ : state) benchmark::DoNotOptimize(task.simulate_per_sample(thetas, {1, 0, 0}).data());
  counters(state, static_cast<double>(p * static_cast<Eigen::Index>(steps)));
}

// --- the matrix phase alone, and a bare Eigen product of the same shapes ---------------------
void BM_moment_update(benchmark::State& state) {
  const auto n = state.range(0), p = state.range(1), nb = Eigen::Index{200};
  const VolterraBasis basis = VolterraBasis::pre_post_weight();
  Eigen::MatrixXf x = Eigen::MatrixXf::Random(nb, n), y = Eigen::MatrixXf::Random(nb, p);
  Eigen::MatrixXf w = Eigen::MatrixXf::Random(n, p), dw;
  const Eigen::MatrixXd thetas = random_rules(27, p, 0.1);
  VolterraBatchScratch<float> scratch;
  for (auto _ : state) {
    volterra_batch_update(basis, x, y, w, thetas, dw, scratch);
    benchmark::DoNotOptimize(dw.data());
  }
  const double flops = 2.0 * static_cast<double>(nb) * static_cast<double>(1 + 2 * n) * static_cast<double>(1 + 2 * p);
  state.counters["GFLOPs"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_bare_eigen_product(benchmark::State& state) {
  const auto n = state.range(0), p = state.range(1), nb = Eigen::Index{200};
  const Eigen::MatrixXf a = Eigen::MatrixXf::Random(nb, 1 + 2 * n), b = Eigen::MatrixXf::Random(nb, 1 + 2 * p);
  Eigen::MatrixXf c(1 + 2 * n, 1 + 2 * p);
  for (auto _ : state) {
    c.noalias() = a.transpose() * b;
    benchmark::DoNotOptimize(c.data());
  }
  const double flops = 2.0 * static_cast<double>(nb) * static_cast<double>(1 + 2 * n) * static_cast<double>(1 + 2 * p);
  state.counters["GFLOPs"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// --- two-layer network ------------------------------------------------------------------
void BM_two_layer_population(benchmark::State& state) {
  HierarchicalPcaConfig config;
  config.input.inputs = static_cast<std::size_t>(state.range(0));
  config.outputs = 5;
  config.steps = steps;
  const HierarchicalPcaTask task(config);
  const auto p = static_cast<Eigen::Index>(state.range(1));
  const Eigen::MatrixXd thetas = random_rules(54, p, 0.01);
  for (auto _ : state) benchmark::DoNotOptimize(task.simulate(thetas, {1, 0, 0}).data());
  counters(state, static_cast<double>(p * static_cast<Eigen::Index>(steps)));
}

void BM_two_layer_per_sample(benchmark::State& state) {
  HierarchicalPcaConfig config;
  config.input.inputs = static_cast<std::size_t>(state.range(0));
  config.outputs = 5;
  config.steps = steps;
  const HierarchicalPcaTask task(config);
  const auto p = static_cast<Eigen::Index>(state.range(1));
  const Eigen::MatrixXd thetas = random_rules(54, p, 0.01);
  for (auto _ : state) benchmark::DoNotOptimize(task.simulate_per_sample(thetas, {1, 0, 0}).data());
  counters(state, static_cast<double>(p * static_cast<Eigen::Index>(steps)));
}

// --- one whole generation of the §3.1 example (13 candidates × 20 datasets × 200 steps) ------
template <class Executor>
void BM_oja_generation(benchmark::State& state) {
  PrincipalVectorConfig config;
  config.input.inputs = static_cast<std::size_t>(state.range(0));
  const PrincipalVectorTask task(config);
  const Eigen::MatrixXd thetas = random_rules(27, 13, 0.01);
  MetaLearner learner(task, PrincipalVectorDistance(), Cmaes(Eigen::VectorXd::Zero(27)),
                      Executor(static_cast<std::size_t>(state.range(1))), {.seed = 1});
  for (auto _ : state) benchmark::DoNotOptimize(learner.evaluate(thetas, 0).data());
  counters(state, 13.0 * 20.0 * 200.0);
}

// The practical limit of one §3.1 generation on one thread: only the work no implementation
// of the task can skip — every dataset's batches drawn with the same generator (N_b × (N + k)
// normals per step, mixed into X), Y = X W for all 13 candidates, and the fused moment product
// [1, X, X∘X]ᵀ [1, Y, Y∘Y] — as bare Eigen products, without the per-term combination, the
// divergence checks or the building of the datasets. Compare its CPU time with
// BM_oja_generation_one_thread in the same run (docs/benchmarks.md).
void BM_oja_generation_kernel(benchmark::State& state) {
  PrincipalVectorConfig config;
  config.input.inputs = static_cast<std::size_t>(state.range(0));
  const auto datasets = static_cast<std::uint64_t>(state.range(1));
  const auto n = static_cast<Eigen::Index>(config.input.inputs), p = Eigen::Index{13}, nb = Eigen::Index{200};
  RandomStream setup(1, Purpose::dataset);
  const RotatedGaussian inputs(config.input, setup);
  const Eigen::MatrixXf w = Eigen::MatrixXf::Random(n, p);
  Eigen::MatrixXf noise, x(nb, n), y(nb, p), rows(nb, 1 + 2 * n), columns(nb, 1 + 2 * p), moments;
  for (auto _ : state) {
    for (std::uint64_t d = 0; d < datasets; ++d) {
      RandomStream stream(1, Purpose::dataset, 0, 0, d);
      for (int t = 0; t < 200; ++t) {
        inputs.sample(stream, noise, x);
        y.noalias() = x * w;
        rows.col(0).setOnes();
        rows.middleCols(1, n) = x;
        rows.middleCols(1 + n, n) = x.cwiseProduct(x);
        columns.col(0).setOnes();
        columns.middleCols(1, p) = y;
        columns.middleCols(1 + p, p) = y.cwiseProduct(y);
        moments.noalias() = rows.transpose() * columns;
        benchmark::DoNotOptimize(moments.data());
      }
    }
  }
  counters(state, 13.0 * static_cast<double>(datasets) * 200.0);
}

// The same generation through MetaLearner::evaluate on one thread (CPU time, like the kernel);
// the third argument is the population (13: CMA-ES's default for 27 coefficients; 26: the
// example's default since issue 17, item 6, docs/oja.md).
void BM_oja_generation_one_thread(benchmark::State& state) {
  PrincipalVectorConfig config;
  config.input.inputs = static_cast<std::size_t>(state.range(0));
  config.datasets = static_cast<std::size_t>(state.range(1));
  const PrincipalVectorTask task(config);
  const Eigen::Index population = state.range(2);
  const Eigen::MatrixXd thetas = random_rules(27, population, 0.01);
  MetaLearner learner(task, PrincipalVectorDistance(), Cmaes(Eigen::VectorXd::Zero(27)), SerialExecutor(), {.seed = 1});
  for (auto _ : state) benchmark::DoNotOptimize(learner.evaluate(thetas, 0).data());
  counters(state, static_cast<double>(population) * static_cast<double>(config.datasets) * 200.0);
}

// One generation of the §3.2 example at 5 → 5: 15 candidates × 20 datasets × 800 steps.
void BM_two_layer_generation(benchmark::State& state) {
  const HierarchicalPcaTask task;
  const Eigen::MatrixXd thetas = random_rules(54, 15, 0.01);
  MetaLearner learner(task, PrincipalVectorsDistance(), Cmaes(Eigen::VectorXd::Zero(54)),
                      ThreadExecutor(static_cast<std::size_t>(state.range(0))), {.seed = 1});
  for (auto _ : state) benchmark::DoNotOptimize(learner.evaluate(thetas, 0).data());
  counters(state, 15.0 * 20.0 * 800.0);
}

// One generation of examples/oja_antihebbian_network.cpp with its defaults (population 30 ×
// 10 datasets × 800 steps at 5 → 5): path 1 = `simulate` (the moment kernel, one candidate per
// SIMD lane, tasks/rate_network_moments.hpp), path 0 = `simulate_matrix_products` (the moments
// from one Eigen product per step, the path before the kernel). Ratio = path 0 / path 1.
struct MatrixProductsNetwork {  // the same task, simulated through the matrix products
  using observation = HierarchicalPcaTask::observation;
  HierarchicalPcaTask task;
  std::size_t num_parameters() const { return task.num_parameters(); }
  std::size_t num_datasets() const { return task.num_datasets(); }
  std::vector<std::string> parameter_names() const { return task.parameter_names(); }
  std::vector<observation> simulate(const Eigen::MatrixXd& thetas, const EvaluationContext& ctx) const {
    return task.simulate_matrix_products(thetas, ctx);
  }
};

template <class Task>
void two_layer_example_generation(benchmark::State& state, const Task& task) {
  const Eigen::MatrixXd thetas = random_rules(54, 30, 0.01);
  MetaLearner learner(task, PrincipalVectorsDistance(), Cmaes(Eigen::VectorXd::Zero(54)),
                      ThreadExecutor(static_cast<std::size_t>(state.range(1))), {.seed = 1});
  for (auto _ : state) benchmark::DoNotOptimize(learner.evaluate(thetas, 0).data());
  counters(state, 30.0 * 10.0 * 800.0);
}

void BM_two_layer_example_generation(benchmark::State& state) {
  HierarchicalPcaConfig config;
  config.datasets = 10;
  if (state.range(0) == 1) two_layer_example_generation(state, HierarchicalPcaTask(config));
  else two_layer_example_generation(state, MatrixProductsNetwork{HierarchicalPcaTask(config)});
}
}  // namespace

BENCHMARK(BM_single_neuron_population)->ArgsProduct({{3, 10, 100, 1000}, {13, 64, 256}})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_single_neuron_per_sample)->ArgsProduct({{3, 10, 100}, {13, 64}})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_moment_update)->ArgsProduct({{3, 10, 100, 1000}, {13, 64, 256}})->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_bare_eigen_product)->ArgsProduct({{3, 10, 100, 1000}, {13, 64, 256}})->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_two_layer_population)->ArgsProduct({{5, 50}, {15, 64}})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_two_layer_per_sample)->ArgsProduct({{5, 50}, {15}})->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_oja_generation, ThreadExecutor)->ArgsProduct({{3, 10, 100}, {1, 2}})->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK(BM_oja_generation_kernel)->ArgsProduct({{10, 100}, {10, 20}})->ArgNames({"inputs", "datasets"})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_oja_generation_one_thread)
    ->ArgsProduct({{10, 100}, {10, 20}, {13, 26}})
    ->ArgNames({"inputs", "datasets", "population"})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_two_layer_generation)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_two_layer_example_generation)
    ->ArgsProduct({{0, 1}, {1, 2}})
    ->ArgNames({"path", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK_MAIN();
