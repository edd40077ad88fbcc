// q(θ | x) fitted to simulated pairs, then sampled inside the prior's box
// (docs/density-estimation.md). A toy simulator: x = (10 θ0 + θ1 + noise, 10 θ0 − θ1).
#include <metahebb/inference/conditional_flow.hpp>

#include <cstdio>

using namespace metahebb;
using namespace metahebb::inference;

int main() {
  const Eigen::Index n = 1000;
  Eigen::MatrixXd theta(n, 2), x(n, 2);
  RandomStream stream(1, Purpose::user);
  for (Eigen::Index r = 0; r < n; ++r) {
    theta.row(r) << stream.uniform(0.01, 0.1), stream.uniform(-2.0, 2.0);
    x.row(r) << 10 * theta(r, 0) + theta(r, 1) + 0.1 * stream.normal(), 10 * theta(r, 0) - theta(r, 1);
  }

  const Box prior{Eigen::Vector2d(0.01, -2.0), Eigen::Vector2d(0.1, 2.0)};  // ±inf: unbounded; lower = upper: fixed
  FlowSettings settings;  // defaults: 5 blocks × 2 layers × 50 units, Adam 1e-3, batch 128, patience 20
  settings.max_epochs = 5;
  settings.ensemble_size = 2;  // the paper uses 10
  settings.threads = 2;        // members train in parallel; the numbers do not depend on it
  ConditionalFlow q(2, 2, prior, settings);
  const TrainingReport report = q.fit(theta, x, [](const TrainingReport::Epoch& e) {
    std::printf("member %d epoch %d: train %.3f, held-out %.3f\n", e.member, e.epoch, e.train_nll, e.heldout_nll);
  });

  const Eigen::Vector2d x_star(0.5, 0.5);
  const Eigen::MatrixXd proposals = q.sample(x_star, 1000, /*seed=*/1);  // 1000 × 2, inside the box
  const Eigen::VectorXd log_q = q.log_prob(proposals, x_star);           // log densities in θ's units

  const bool inside = (proposals.col(0).array() >= 0.01).all() && (proposals.col(0).array() <= 0.1).all() &&
                      (proposals.col(1).array() >= -2.0).all() && (proposals.col(1).array() <= 2.0).all();
  return inside && log_q.allFinite() && report.epochs.size() == 10 && report.heldout_pairs == 100 ? 0 : 1;
}
