// Pruning outside the ranking: BasicCmaes::prune (mean to 0, the search narrowed there) and
// callbacks::Prune (a coefficient goes to 0 when that lowers the objective on a validation set;
// a resumed run prunes as the uninterrupted one did).

#include "metahebb/optim/cmaes.hpp"  // first: it includes Eigen

#include <catch2/catch.hpp>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <metahebb/callbacks/checkpoint.hpp>
#include <metahebb/callbacks/prune.hpp>
#include <metahebb/losses/l1_penalty.hpp>
#include <metahebb/losses/principal_vector_distance.hpp>
#include <metahebb/losses/sum.hpp>
#include <metahebb/meta_learner.hpp>
#include <metahebb/rules/volterra.hpp>
#include <metahebb/tasks/principal_vector.hpp>

using namespace metahebb;

namespace {

// Five generations on an ellipsoid, so C is no longer a multiple of I.
Cmaes adapted_cmaes() {
  Cmaes es(Eigen::VectorXd::Constant(6, 0.5), {.sigma0 = 0.3, .seed = 2});
  for (int g = 0; g < 5; ++g) {
    const Eigen::MatrixXd& x = es.ask();
    Eigen::VectorXd losses(x.cols());
    for (Eigen::Index k = 0; k < x.cols(); ++k)
      losses[k] = (x.col(k).array().square() * Eigen::ArrayXd::LinSpaced(6, 1.0, 50.0)).sum();
    es.tell(losses);
  }
  return es;
}

PrincipalVectorTask small_task() {
  PrincipalVectorConfig config;
  config.input.inputs = 3;
  config.datasets = 4;
  config.steps = 100;
  config.batch_size = 50;
  return PrincipalVectorTask(config);
}

template <class Optimiser>
auto oja_learner(Optimiser optimiser, std::size_t generations) {
  return MetaLearner(small_task(), Sum(PrincipalVectorDistance(), L1Penalty(0.03)), std::move(optimiser), SerialExecutor{},
                     {.seed = 4, .max_generations = generations});
}

}  // namespace

TEST_CASE("Cmaes::prune zeroes the mean there and narrows C, keeping it positive definite", "[prune][cmaes]") {
  Cmaes es = adapted_cmaes();
  const Eigen::MatrixXd c_before = es.covariance();
  const Eigen::VectorXd mean_before = es.mean();
  const double target = 0.01 * std::sqrt((c_before(0, 0) + c_before(2, 2) + c_before(3, 3) + c_before(5, 5)) / 4.0);
  es.prune({1, 4}, 0.01);

  CHECK(es.mean()[1] == 0.0);
  CHECK(es.mean()[4] == 0.0);
  for (Eigen::Index k : {0, 2, 3, 5}) CHECK(es.mean()[k] == mean_before[k]);
  CHECK(std::sqrt(es.covariance()(1, 1)) == Approx(target).epsilon(1e-12));
  CHECK(std::sqrt(es.covariance()(4, 4)) == Approx(target).epsilon(1e-12));
  CHECK(es.covariance()(0, 2) == c_before(0, 2));                                      // other entries untouched
  CHECK(es.covariance()(1, 3) == Approx(c_before(1, 3) * target / std::sqrt(c_before(1, 1))));  // row scaled
  CHECK(es.p_c()[1] == 0.0);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(es.covariance());
  CHECK(eig.eigenvalues().minCoeff() > 0.0);
  CHECK(es.eigenvalues().minCoeff() > 0.0);  // decomposed again

  // The next population barely moves in the pruned coordinates.
  const Eigen::MatrixXd& x = es.ask();
  const double spread_pruned = x.row(1).cwiseAbs().maxCoeff(), spread_free = (x.row(0).array() - es.mean()[0]).abs().maxCoeff();
  CHECK(spread_pruned < 0.05 * spread_free);

  // Coordinates already that narrow are not narrowed again (the same set, C unchanged).
  const Eigen::MatrixXd c_pruned = es.covariance();
  es.prune({1, 4}, 0.01);
  CHECK(es.covariance() == c_pruned);
}

TEST_CASE("Cmaes::prune rejects bad settings, naming field and value", "[prune][cmaes][errors]") {
  Cmaes es = adapted_cmaes();
  const Eigen::VectorXd mean = es.mean();
  CHECK_THROWS_WITH(es.prune({0}, 0.0), Catch::Contains("relative_std") && Catch::Contains("0"));
  CHECK_THROWS_WITH(es.prune({0}, 1.5), Catch::Contains("relative_std") && Catch::Contains("1.5"));
  CHECK_THROWS_WITH(es.prune({0}, std::nan("")), Catch::Contains("relative_std"));
  CHECK_THROWS_WITH(es.prune({0, 6}), Catch::Contains("cmaes.prune index") && Catch::Contains("6"));
  CHECK_THROWS_WITH(es.prune({-1}), Catch::Contains("cmaes.prune index") && Catch::Contains("-1"));
  CHECK(es.mean() == mean);  // nothing changed
  using Learner = decltype(oja_learner(Cmaes(Eigen::VectorXd::Zero(27)), 1));
  Learner learner = oja_learner(Cmaes(Eigen::VectorXd::Zero(27)), 1);
  CHECK_THROWS_WITH(callbacks::Prune<Learner>(learner, {.every = 0}), Catch::Contains("prune.every"));
  CHECK_THROWS_WITH(callbacks::Prune<Learner>(learner, {.validation_rounds = 0}), Catch::Contains("prune.validation_rounds"));
  CHECK_THROWS_WITH(callbacks::Prune<Learner>(learner, {.relative_std = 2.0}),
                    Catch::Contains("prune.relative_std") && Catch::Contains("2"));
}

TEST_CASE("Prune sets a term the loss cannot see to 0 and keeps Oja's terms", "[prune]") {
  // Oja's rule plus 0.2 on x^1 y^0 w^0 (odd in x: zero mean under the Gaussian inputs, so only
  // the L1 term sees it) and 0.2 on x^1 y^1 w^1 (which changes the learned vector).
  const PrincipalVectorTask task = small_task();
  const VolterraBasis& basis = task.basis();
  Eigen::VectorXd theta = rules::oja(basis);
  const auto odd = static_cast<Eigen::Index>(basis.index_of({1, 0, 0}));
  const auto seen = static_cast<Eigen::Index>(basis.index_of({1, 1, 1}));
  const auto a110 = static_cast<Eigen::Index>(basis.index_of({1, 1, 0}));
  const auto a021 = static_cast<Eigen::Index>(basis.index_of({0, 2, 1}));
  REQUIRE_FALSE(task.identifiable_terms()[odd]);
  theta[odd] = 0.2;
  theta[seen] = 0.2;
  auto learner = oja_learner(Cmaes(theta, {.sigma0 = 0.01, .seed = 1}), 1);
  callbacks::Prune prune(learner, {.validation_rounds = 2, .verbose = false});

  // The decision is the objective's: check it against a direct evaluation.
  Eigen::MatrixXd three(27, 3);
  three.col(0) = theta;
  three.col(1) = theta;
  three(odd, 1) = 0.0;
  three.col(2) = theta;
  three(a110, 2) = 0.0;
  const Eigen::VectorXd j = prune.validate(three);
  REQUIRE(j[1] < j[0]);  // the odd term: only its L1 cost, 0.03 * 0.2, goes
  REQUIRE(j[2] > j[0] + 0.1);

  const std::vector<Eigen::Index> pruned = prune.step(0);
  CHECK(std::find(pruned.begin(), pruned.end(), odd) != pruned.end());
  CHECK(std::find(pruned.begin(), pruned.end(), a110) == pruned.end());
  CHECK(std::find(pruned.begin(), pruned.end(), a021) == pruned.end());
  CHECK(learner.optimiser().mean()[odd] == 0.0);
  CHECK(learner.optimiser().mean()[a110] == 1.0);
  CHECK(learner.optimiser().mean()[a021] == -1.0);
  CHECK(prune.steps() == 1);
  CHECK(prune.pruned() == pruned.size());
  // The pruned mean is no worse on the validation set (step 3 of the header).
  CHECK(prune.validate(learner.optimiser().mean())[0] < j[0]);
}

TEST_CASE("A run resumed from a checkpoint prunes as the uninterrupted run did", "[prune][checkpoint]") {
  const std::string path = "prune_test_run.ckpt";
  std::filesystem::remove(path);
  const callbacks::PruneOptions options{.after = 4, .every = 4, .validation_rounds = 1, .progress_fraction = 1.0, .verbose = false};
  auto make = [](std::size_t generations) { return oja_learner(Cmaes(Eigen::VectorXd::Zero(27), {.sigma0 = 0.1, .seed = 5}), generations); };

  auto whole = make(14);
  callbacks::Prune prune_whole(whole, options);
  const RunResult uninterrupted = whole.run(prune_whole);
  REQUIRE(prune_whole.steps() == 3);  // after generations 4, 8 and 12
  REQUIRE(prune_whole.pruned() > 0);

  {
    auto first = make(9);  // stops after generation 9, between two pruning steps; checkpoint every 2
    callbacks::Prune prune(first, options);
    first.run(prune, callbacks::Checkpoint(first, path, 2));
  }
  auto second = make(14);
  callbacks::resume(second, path);
  callbacks::Prune prune(second, options);
  const RunResult resumed = second.run(prune, callbacks::Checkpoint(second, path, 2));
  CHECK(resumed.generations == 14);
  CHECK(resumed.final_theta == uninterrupted.final_theta);  // bitwise
  CHECK(second.optimiser().covariance() == whole.optimiser().covariance());
  std::filesystem::remove(path);
}

TEST_CASE("Prune waits until the search has left its starting plateau", "[prune]") {
  auto learner = oja_learner(Cmaes(Eigen::VectorXd::Zero(27), {.sigma0 = 0.1, .seed = 5}), 6);
  callbacks::Prune gated(learner, {.after = 1, .every = 1, .validation_rounds = 1, .verbose = false});
  learner.run(gated);
  // Six generations from θ = 0 do not halve the best loss of the first ones: no step ran.
  REQUIRE_FALSE(learner.optimiser().start_best_loss() < 0.5 * learner.optimiser().start_first_loss());
  CHECK(gated.steps() == 0);

  auto ungated_learner = oja_learner(Cmaes(Eigen::VectorXd::Zero(27), {.sigma0 = 0.1, .seed = 5}), 6);
  callbacks::Prune ungated(ungated_learner, {.after = 1, .every = 1, .validation_rounds = 1, .progress_fraction = 1.0, .verbose = false});
  ungated_learner.run(ungated);
  CHECK(ungated.steps() == 6);
  CHECK_THROWS_WITH(callbacks::Prune(learner, {.progress_fraction = 0.0}), Catch::Contains("prune.progress_fraction"));
}
