#include <metahebb/losses/target_rate.hpp>
#include <metahebb/meta_learner.hpp>
#include <metahebb/optim/adam_fd.hpp>
#include <metahebb/tasks/inhibitory_balance.hpp>

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

using namespace metahebb;

TEST_CASE("AdamFd asks for the 2n central-difference points and minimises a quadratic", "[adam_fd]") {
  Eigen::VectorXd target(3), scale(3);
  target << 1.0, -2.0, 0.05;
  scale << 1.0, 1.0, 0.01;  // the third coordinate lives on a smaller scale
  AdamFdOptions o;
  o.scale = scale;
  o.learning_rate = 0.05;
  AdamFd adam(Eigen::VectorXd::Zero(3), o);
  CHECK(adam.population_size() == 6);
  const Eigen::MatrixXd& p = adam.ask();
  CHECK(p(0, 0) == Approx(0.05));
  CHECK(p(0, 1) == Approx(-0.05));
  CHECK(p(2, 4) == Approx(0.0005));
  CHECK(p(1, 0) == 0.0);
  for (int it = 0; it < 400; ++it) {
    const Eigen::MatrixXd& x = adam.ask();
    Eigen::VectorXd losses(x.cols());
    for (Eigen::Index c = 0; c < x.cols(); ++c)
      losses[c] = ((x.col(c) - target).array() / scale.array()).square().sum();
    adam.tell(losses);
  }
  // Adam's steps shrink with its gradient average only as fast as β1 lets them; 400 steps of
  // 0.05·scale from distances of ≤ 5 steps-worth leave it well within 0.05 scale units.
  CHECK(((adam.mean() - target).array() / scale.array()).abs().maxCoeff() < 0.05);
  CHECK(adam.generation() == 400);
}

TEST_CASE("AdamFd keeps theta and its perturbations inside the bounds, and non-finite losses give no step",
          "[adam_fd]") {
  AdamFdOptions o;
  o.lower = Eigen::VectorXd::Constant(2, -std::numeric_limits<double>::infinity());
  o.upper = Eigen::VectorXd::Constant(2, std::numeric_limits<double>::infinity());
  o.upper[0] = 0.0;  // sign constraint: θ0 ≤ 0
  o.lower[1] = 0.0;  // θ1 ≥ 0
  AdamFd adam(Eigen::Vector2d(-0.01, 0.01), o);
  for (int it = 0; it < 50; ++it) {
    const Eigen::MatrixXd& x = adam.ask();
    CHECK(x.row(0).maxCoeff() <= 0.0);
    CHECK(x.row(1).minCoeff() >= 0.0);
    Eigen::VectorXd losses(4);
    for (int c = 0; c < 4; ++c) losses[c] = -x(0, c) + x(1, c) * -1.0;  // pushes θ0 up and θ1 down, into the bounds
    adam.tell(losses);
  }
  CHECK(adam.mean()[0] == 0.0);
  CHECK(adam.mean()[1] >= 0.0);

  AdamFd stuck(Eigen::Vector2d(1.0, 1.0));
  const Eigen::VectorXd before = stuck.mean();
  Eigen::VectorXd losses(4);
  losses << std::numeric_limits<double>::quiet_NaN(), 1.0, 2.0, std::numeric_limits<double>::infinity();
  stuck.tell(losses);
  CHECK(stuck.mean() == before);
  CHECK(stuck.non_finite_count() == 2);
  CHECK(stuck.status().running());
}

TEST_CASE("AdamFd rejects bad options, naming them", "[adam_fd]") {
  AdamFdOptions o;
  o.learning_rate = -1;
  CHECK_THROWS_WITH(AdamFd(Eigen::VectorXd::Zero(2), o), Catch::Contains("adam.learning_rate"));
  o = {};
  o.scale = Eigen::VectorXd::Ones(3);
  CHECK_THROWS_WITH(AdamFd(Eigen::VectorXd::Zero(2), o), Catch::Contains("adam.scale.size()"));
  o = {};
  o.beta1 = 1.0;
  CHECK_THROWS_WITH(AdamFd(Eigen::VectorXd::Zero(2), o), Catch::Contains("adam.beta1"));
  CHECK_THROWS_WITH(AdamFd(Eigen::Vector2d(0.0, std::nan(""))), Catch::Contains("adam.theta0[1]"));
}

// A shortened protocol (20 s training, 10 s scoring, 5 s window) keeps this test to seconds;
// Fig. 3's full protocol is the example's job (docs/inhibitory-balance.md).
TEST_CASE("Adam-FD reduces the target-rate loss from a random start", "[adam_fd][inhibitory_balance][slow]") {
  InhibitoryBalanceConfig c;
  c.training_time = 20.0;
  c.scoring_time = 10.0;
  c.window = 5.0;
  c.datasets = 2;
  c.fresh_datasets = false;  // the same inputs every step: the differences measure the rule, not the input
  const InhibitoryBalanceTask task(c);
  // A start far from balance: weak depression, too much potentiation (the neuron falls silent).
  Eigen::VectorXd theta0(6);
  theta0 << -0.05, 0.4, 0.3, 0.2, 0.03, 0.015;
  auto [lower, upper] = InhibitoryBalanceTask::parameter_bounds(true);
  AdamFdOptions o;
  o.scale = (Eigen::VectorXd(6) << 0.2, 0.2, 0.2, 0.2, 0.01, 0.01).finished();
  o.lower = lower;
  o.upper = upper;
  o.learning_rate = 0.25;
  o.fd_step = 0.1;
  MetaLearner learner(task, TargetRate(), AdamFd(theta0, o), SerialExecutor{}, {.seed = 5, .max_generations = 15});
  const Eigen::MatrixXd start = theta0;
  const double initial = learner.evaluate(start, 0)[0];
  const RunResult result = learner.run();
  const Eigen::MatrixXd end = result.final_theta;
  const double final_loss = learner.evaluate(end, 0)[0];
  INFO("initial loss " << initial << ", final " << final_loss);
  CHECK(initial > 2.0);                 // the start is far from 5 Hz (loss 2 = a rate error of >= 3.6 Hz)
  CHECK(final_loss < 0.2 * initial);    // the search removed most of the loss
  CHECK(result.final_theta[0] <= 0.0);  // sign constraints held
  CHECK(result.final_theta[1] >= 0.0);
}
