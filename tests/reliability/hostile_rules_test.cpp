// Hostile rules (issue 7, item 3): for every task, rules with coefficients ~ N(0, s²),
// s ∈ {1e-3, 1, 1e3, 1e6}, and (spiking basis) extreme time constants give finite losses —
// the documented penalty where they diverge — never NaN or a crash; the number of diverged
// simulations is reported per generation; the optimisers keep a finite state when a whole
// population is penalised or NaN. Networks and protocols are small: these tests check
// bookkeeping and arithmetic safety, not learning.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <metahebb/callbacks/early_stop.hpp>
#include <metahebb/execution/threads.hpp>
#include <metahebb/losses/principal_vector_distance.hpp>
#include <metahebb/losses/principal_vectors_distance.hpp>
#include <metahebb/losses/target_rate.hpp>
#include <metahebb/meta_learner.hpp>
#include <metahebb/optim/adam_fd.hpp>
#include <metahebb/optim/cmaes.hpp>
#include <metahebb/tasks/hierarchical_pca.hpp>
#include <metahebb/tasks/inhibitory_balance.hpp>
#include <metahebb/tasks/principal_vector.hpp>

using namespace metahebb;

namespace {
constexpr double nan_ = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_ = std::numeric_limits<double>::infinity();

PrincipalVectorConfig small_pv() {
  PrincipalVectorConfig c;
  c.input.inputs = 4;
  c.datasets = 2;
  c.steps = 30;
  c.batch_size = 20;
  return c;
}

HierarchicalPcaConfig small_hpca() {
  HierarchicalPcaConfig c;
  c.input.inputs = 4;
  c.outputs = 3;
  c.datasets = 2;
  c.steps = 30;
  c.batch_size = 20;
  return c;
}

// 3 s protocol at dt = 0.5 ms, 2 groups of 20 E + 5 I afferents: thousands of events.
InhibitoryBalanceConfig small_ib() {
  InhibitoryBalanceConfig c;
  c.training_time = 2.0;
  c.scoring_time = 1.0;
  c.window = 1.0;
  c.explosion_grace = 1.0;
  c.explosion_window = 1.0;
  c.datasets = 2;
  c.input.groups = 2;
  c.input.exc_per_group = 20;
  c.input.inh_per_group = 5;
  c.input.preferred_group = 1;
  c.neuron.dt = 5e-4;  // 6000 steps: enough events, 5x cheaper than the default 1e-4 (under ASan)
  return c;
}

Eigen::MatrixXd normal_population(Eigen::Index rows, Eigen::Index cols, double s, std::uint64_t seed) {
  RandomStream stream(seed, Purpose::user);
  Eigen::MatrixXd thetas(rows, cols);
  stream.fill_normal(thetas);
  return s * thetas;
}

// Evaluates `thetas` through MetaLearner::evaluate and checks, against an independent
// recount from task.simulate: every loss finite; the diverged count; each candidate that
// diverged on every dataset scores at least `penalty_floor` (the documented cap), each that
// never diverged scores at most that. Returns the number of diverged simulations.
template <class Task, class Loss>
std::size_t check_population(const Task& task, const Loss& loss, const Eigen::MatrixXd& thetas, double penalty_floor) {
  const Eigen::VectorXd start = Eigen::VectorXd::Zero(thetas.rows());
  MetaLearner learner(task, loss, Cmaes(start), SerialExecutor{}, {.seed = 5});
  std::size_t reported = 0;
  const Eigen::VectorXd losses = learner.evaluate(thetas, 0, &reported);
  REQUIRE(losses.size() == thetas.cols());
  std::size_t recount = 0;
  std::vector<std::size_t> diverged_datasets(static_cast<std::size_t>(thetas.cols()), 0);
  for (std::size_t d = 0; d < task.num_datasets(); ++d) {
    const auto observed = task.simulate(thetas, EvaluationContext{5, 0, d});
    for (std::size_t c = 0; c < observed.size(); ++c)
      if (observed[c].diverged()) ++recount, ++diverged_datasets[c];
  }
  CHECK(reported == recount);
  for (Eigen::Index c = 0; c < thetas.cols(); ++c) {
    INFO("candidate " << c << ", theta " << thetas.col(c).transpose() << ", loss " << losses[c]);
    REQUIRE(std::isfinite(losses[c]));
    const std::size_t k = diverged_datasets[static_cast<std::size_t>(c)];
    if (k == task.num_datasets()) CHECK(losses[c] >= penalty_floor);
    if (k == 0) CHECK(losses[c] <= penalty_floor);  // cap is also the worst loss of a bounded run
    CHECK(losses[c] <= 2.0 * penalty_floor);  // the penalty is bounded (2·cap: not simulable at all)
  }
  return recount;
}
}  // namespace

TEST_CASE("principal-vector task: N(0, s^2) rules give finite losses and a correct diverged count",
          "[hostile][principal_vector]") {
  const PrincipalVectorTask task(small_pv());
  const PrincipalVectorDistance loss;  // penalty cap·(2 − t/T) ∈ [10, 20)
  for (double s : {1e-3, 1.0, 1e3, 1e6}) {
    INFO("s = " << s);
    const std::size_t diverged = check_population(task, loss, normal_population(27, 16, s, 1), loss.cap);
    if (s == 1e-3) CHECK(diverged == 0);   // |Δw| ≤ η·27·1e-3·⟨x^2 y^2 w^2⟩ per step: cannot reach 1e3
    if (s == 1e6) CHECK(diverged == 32);   // every candidate has cubic terms of size ~1e6: all blow up
  }
  // the double-precision task too, where 1e6-sized rules overflow later than in float
  check_population(PrincipalVectorTaskDouble(small_pv()), loss, normal_population(27, 16, 1e6, 2), loss.cap);
}

TEST_CASE("hierarchical PCA task: N(0, s^2) rule pairs give finite losses and a correct diverged count",
          "[hostile][hierarchical_pca]") {
  const HierarchicalPcaTask task(small_hpca());
  const PrincipalVectorsDistance loss;  // penalty M·cap·(2 − t/T), M = 3
  const double floor = 3.0 * loss.cap;
  for (double s : {1e-3, 1.0, 1e3, 1e6}) {
    INFO("s = " << s);
    const std::size_t diverged = check_population(task, loss, normal_population(54, 12, s, 3), floor);
    if (s == 1e-3) CHECK(diverged == 0);
    if (s == 1e6) CHECK(diverged == 24);
  }
}

TEST_CASE("inhibitory-balance task: N(0, s^2) coefficients and extreme time constants give finite losses",
          "[hostile][inhibitory_balance]") {
  const InhibitoryBalanceTask task(small_ib());
  const TargetRate loss;
  const double floor = loss.cap(task.config().max_rate);
  const double denormal = std::numeric_limits<double>::denorm_min(), huge = std::numeric_limits<double>::max();
  const double taus[] = {denormal, 1e-12, 1e-4, 0.02, 1e3, 1e12, huge, 0.0, -0.02, inf_, nan_};
  for (double s : {1e-3, 1.0, 1e3, 1e6}) {
    INFO("s = " << s);
    // α, β, γ, κ ~ N(0, s²); τ_pre, τ_post from the extreme list, paired in every combination
    // across the population (11 × 11 = 121 candidates, 8 SIMD blocks of 16).
    Eigen::MatrixXd thetas = normal_population(6, 121, s, 4);
    for (Eigen::Index c = 0; c < 121; ++c) {
      thetas(SpikeTraceBasis::tau_pre, c) = taus[c % 11];
      thetas(SpikeTraceBasis::tau_post, c) = taus[c / 11];
    }
    const std::size_t diverged = check_population(task, loss, thetas, floor);
    // τ ∈ {0, −0.02, inf, NaN} is not simulable: at least 121 − 7·7 candidates × 2 datasets diverge.
    CHECK(diverged >= 2 * (121 - 49));
  }
  // All six coefficients ~ N(0, s²): half the time constants are negative.
  for (double s : {1e-3, 1.0, 1e3, 1e6}) {
    INFO("s = " << s << ", time constants drawn too");
    check_population(task, loss, normal_population(6, 32, s, 5), floor);
  }
}

TEST_CASE("every generation reports how many simulations diverged", "[hostile][meta_learner]") {
  // A CMA-ES with σ0 = 1e3 proposes wild rules; a callback recounts the divergences of each
  // generation from the task itself and compares them with GenerationReport::diverged.
  const auto check_run = [](const auto& task, const auto& loss, std::size_t dimension) {
    CmaesOptions options;
    options.sigma0 = 1e3;
    options.seed = 9;
    MetaLearner learner(task, loss, Cmaes(Eigen::VectorXd::Zero(static_cast<Eigen::Index>(dimension)), options),
                        ThreadExecutor(2), {.seed = 21, .max_generations = 3});
    std::size_t total = 0, checked = 0;
    bool all_finite = true;
    auto recount = [&](const GenerationReport& r) {
      std::size_t diverged = 0;
      for (std::size_t d = 0; d < task.num_datasets(); ++d)
        for (const auto& o : task.simulate(r.thetas, EvaluationContext{21, r.generation - 1, d}))
          diverged += o.diverged() ? 1 : 0;
      CHECK(r.diverged == diverged);
      CHECK(r.non_finite == 0);
      all_finite = all_finite && r.losses.allFinite();
      total += r.diverged;
      ++checked;
    };
    const RunResult result = learner.run(callbacks::StopWhen([&](const GenerationReport& r) {
      recount(r);
      return false;
    }));
    CHECK(checked == 3);
    CHECK(all_finite);
    CHECK(result.diverged_simulations == total);
    CHECK(total > 0);  // σ = 1e3 makes most candidates diverge: the check is not vacuous
    CHECK(result.non_finite_losses == 0);
  };
  SECTION("principal vector") { check_run(PrincipalVectorTask(small_pv()), PrincipalVectorDistance(), 27); }
  SECTION("hierarchical PCA") { check_run(HierarchicalPcaTask(small_hpca()), PrincipalVectorsDistance(), 54); }
  SECTION("inhibitory balance") { check_run(InhibitoryBalanceTask(small_ib()), TargetRate(), 6); }
}

TEST_CASE("CMA-ES keeps a finite state when whole populations are penalised, NaN or infinite", "[hostile][cmaes]") {
  Cmaes cmaes(Eigen::VectorXd::Constant(6, 0.5), {.sigma0 = 0.3, .seed = 4});
  const auto lambda = static_cast<Eigen::Index>(cmaes.population_size());
  const auto finite_state = [&] {
    return cmaes.mean().allFinite() && std::isfinite(cmaes.step_size()) && cmaes.covariance().allFinite() &&
           cmaes.eigenvalues().allFinite() && cmaes.p_sigma().allFinite() && cmaes.p_c().allFinite() &&
           cmaes.ask().allFinite();
  };
  for (int g = 0; g < 60; ++g) {
    INFO("generation " << g);
    (void)cmaes.ask();
    Eigen::VectorXd losses;
    switch (g % 4) {
      case 0: losses = Eigen::VectorXd::Constant(lambda, 20.0); break;          // every candidate penalised alike
      case 1: losses = Eigen::VectorXd::Constant(lambda, nan_); break;          // every loss NaN
      case 2: losses = Eigen::VectorXd::LinSpaced(lambda, 10.0, 20.0); break;   // graded penalties cap·(2 − t/T)
      default: losses = Eigen::VectorXd::Constant(lambda, g % 8 == 3 ? inf_ : -inf_); break;
    }
    cmaes.tell(losses);
    REQUIRE(finite_state());
    CHECK(cmaes.status().code != StopCode::non_finite_state);
  }
  CHECK(cmaes.total_non_finite() == 30 * static_cast<std::size_t>(lambda));
}

TEST_CASE("Adam-FD keeps a finite state when whole populations are penalised, NaN or astronomically large",
          "[hostile][adam_fd]") {
  AdamFd adam(Eigen::VectorXd::Constant(3, 0.5));
  const Eigen::VectorXd start = adam.mean();
  for (int g = 0; g < 40; ++g) {
    INFO("generation " << g);
    (void)adam.ask();
    Eigen::VectorXd losses(6);
    switch (g % 4) {
      case 0: losses.setConstant(20.0); break;  // all penalised alike: zero gradient, no step
      case 1: losses.setConstant(nan_); break;  // no information: no step
      case 2: losses << inf_, 1, -inf_, 1, nan_, 2; break;
      default: losses << 1e300, -1e300, -1e300, 1e300, 1e308, -1e308; break;  // gradient² overflows
    }
    adam.tell(losses);
    REQUIRE(adam.mean().allFinite());
    REQUIRE(adam.gradient().allFinite());
    CHECK(adam.status().code != StopCode::non_finite_state);
  }
  CHECK(adam.mean() == start);  // nothing above carried usable information
  // ... and the state is still usable: an ordinary quadratic moves θ towards its minimum at 0.
  for (int g = 0; g < 5; ++g) {
    const Eigen::MatrixXd& population = adam.ask();
    adam.tell(population.colwise().squaredNorm().transpose());
  }
  CHECK((adam.mean().array() < start.array()).all());
}
