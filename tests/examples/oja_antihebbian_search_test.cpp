// The §3.2 experiment end to end on a 3 → 2 network: CMA-ES over both rules' 54 coefficients.
#include <catch2/catch.hpp>

#include <metahebb/callbacks/early_stop.hpp>
#include <metahebb/core/angle.hpp>
#include <metahebb/execution/threads.hpp>
#include <metahebb/losses/l1_penalty.hpp>
#include <metahebb/losses/principal_vectors_distance.hpp>
#include <metahebb/losses/sum.hpp>
#include <metahebb/meta_learner.hpp>
#include <metahebb/optim/cmaes.hpp>
#include <metahebb/tasks/hierarchical_pca.hpp>

using namespace metahebb;

TEST_CASE("CMA-ES recovers Oja's and the anti-Hebbian rule together on a 3 -> 2 network", "[oja_antihebbian][slow]") {
  // The example's settings with 10 datasets and 400 steps, which the 3 → 2 network needs
  // (docs/oja-antihebbian.md). The angles are measured on the terms the task can identify
  // (even total order in the two rates); the others are pulled to zero by L1 only, much
  // more slowly (measured: 15.7° and 21.4° over all terms after 1500 generations), and with
  // a single lateral synapse rule B stays weakly constrained (43° over all terms even with
  // population 30). The full-angle criterion is met by the 5 → 5 example run instead
  // (docs/oja-antihebbian.md), which takes far longer than a test may.
  HierarchicalPcaConfig config;
  config.input.inputs = 3;
  config.outputs = 2;
  config.steps = 400;
  config.datasets = 10;
  const HierarchicalPcaTask task(config);
  const PlasticGroups& groups = task.groups();
  const std::uint64_t seed = 1;
  RandomStream start(seed, Purpose::user);
  Eigen::VectorXd theta0(54);
  start.fill_normal(theta0);
  theta0 *= 0.1;
  CmaesOptions options;
  options.sigma0 = 0.1;
  options.seed = seed;
  MetaLearner learner(task, Sum(PrincipalVectorsDistance(), L1Penalty(0.03)), Cmaes(theta0, options), ThreadExecutor(0),
                      {.seed = seed, .max_generations = 1400});

  const Eigen::VectorXd reference = task.oja_anti_hebbian();
  const Eigen::VectorXd oja = groups.slice(reference, "feedforward");
  const Eigen::VectorXd anti_hebbian = groups.slice(reference, "lateral");
  const auto ff_mask = task.identifiable_terms("feedforward");
  const auto lateral_mask = task.identifiable_terms("lateral");
  const auto angles = [&](const Eigen::VectorXd& theta) {
    return std::pair{angle_deg(groups.slice(theta, "feedforward"), oja, ff_mask),
                     angle_deg(groups.slice(theta, "lateral"), anti_hebbian, lateral_mask)};
  };
  // Stop once both are within 12°, a margin under the 15° target.
  callbacks::StopWhen close_enough([&](const GenerationReport& r) {
    const auto [feedforward, lateral] = angles(r.mean_theta);
    return feedforward < 12.0 && lateral < 12.0;
  });
  const RunResult result = learner.run(close_enough);
  const auto [feedforward, lateral] = angles(result.final_theta);
  INFO("identifiable-term angles: feedforward " << feedforward << " deg, lateral " << lateral << " deg after "
                                                << result.generations << " generations, " << result.seconds << " s");
  CHECK(feedforward < 15.0);
  CHECK(lateral < 15.0);
  // Oja's rule up to a positive scale, anti-Hebbian with a negative sign.
  const Eigen::VectorXd a = groups.slice(result.final_theta, "feedforward");
  const Eigen::VectorXd b = groups.slice(result.final_theta, "lateral");
  CHECK(a[9 + 3] > 0.3);                              // A_110
  CHECK(a[2 * 3 + 1] == Approx(-a[9 + 3]).epsilon(0.25));  // A_021 ≈ −A_110
  CHECK(b[9 + 3] < -0.3);                             // B_110
}
