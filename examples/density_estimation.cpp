// The conditional density estimator q(θ | x) on two problems with a known posterior, over several
// training seeds (docs/density-estimation.md):
//   linear-Gaussian  θ ~ N(0, I₂), x = A θ + 0.5 ε (x ∈ R³): posterior mean, sds, correlation,
//                    held-out NLL against the posterior's expected NLL;
//   bounded          θ ~ U(0, 1), x = θ + 0.05 ε: at x = 0.98 the posterior is a normal truncated
//                    at 1, mean 0.95190; samples must stay in [0, 1].
// Usage: density_estimation [--seeds N] [--epochs E] [--learning-rate A]
// The settings are those of tests/inference/conditional_flow_test.cpp.
#include <metahebb/inference/conditional_flow.hpp>
#include <metahebb/io/command_line.hpp>

#include <Eigen/LU>
#include <cmath>
#include <cstdio>
#include <numbers>

using namespace metahebb;
using namespace metahebb::inference;

int main(int argc, char** argv) {
  const CommandLine args(argc, argv, "q(theta | x) on a linear-Gaussian and a bounded problem with known posteriors",
                         {{"seeds", "4", "training seeds per problem"},
                          {"epochs", "60", "max_epochs of the linear-Gaussian fits"},
                          {"learning-rate", "1e-3", "Adam's step size of the linear-Gaussian fits"}});
  if (args.help()) return 0;
  const int seeds = args.get<int>("seeds");
  const int epochs = args.get<int>("epochs");
  const double lr = args.get<double>("learning-rate");

  Eigen::MatrixXd A(3, 2);
  A << 1.0, 0.6, 0.5, 0.8, 0.2, -0.4;
  const double noise = 0.5;
  const Eigen::MatrixXd S = (Eigen::MatrixXd::Identity(2, 2) + A.transpose() * A / (noise * noise)).inverse();
  Eigen::VectorXd x0(3);
  x0 << 0.8, -0.5, 0.3;
  const Eigen::VectorXd m = S * A.transpose() * x0 / (noise * noise);
  const double corr = S(0, 1) / std::sqrt(S(0, 0) * S(1, 1));
  const double entropy = 0.5 * std::log((2.0 * std::numbers::pi * std::exp(1.0) * S).determinant());
  Eigen::MatrixXd theta(4000, 2), x(4000, 3);
  RandomStream stream(3, Purpose::user);
  for (Eigen::Index r = 0; r < theta.rows(); ++r) {
    for (Eigen::Index i = 0; i < 2; ++i) theta(r, i) = stream.normal();
    for (Eigen::Index j = 0; j < 3; ++j) x(r, j) = noise * stream.normal();
    x.row(r) += (A * theta.row(r).transpose()).transpose();
  }
  std::printf("linear-Gaussian, 4000 pairs, x0 = (0.8, -0.5, 0.3), 20000 samples\n");
  std::printf("truth: mean %.4f %.4f  sd %.4f %.4f  corr %.4f  expected NLL %.4f\n", m[0], m[1],
              std::sqrt(S(0, 0)), std::sqrt(S(1, 1)), corr, entropy);
  std::printf("seed epochs heldout_nll | mean error/sd (2) | sd ratio - 1 (2) | corr error\n");
  for (int seed = 7; seed < 7 + seeds; ++seed) {
    FlowSettings s;
    s.blocks = 3;
    s.hidden_layers = 1;
    s.hidden_units = 24;
    s.max_epochs = epochs;
    s.batch_size = 100;
    s.learning_rate = lr;
    s.seed = static_cast<std::uint64_t>(seed);
    ConditionalFlow flow(2, 3, Box::unbounded(2), s);
    const TrainingReport report = flow.fit(theta, x);
    const Eigen::MatrixXd samples = flow.sample(x0, 20000, 1);
    const Eigen::RowVectorXd mean = samples.colwise().mean();
    const Eigen::MatrixXd c = samples.rowwise() - mean;
    const Eigen::MatrixXd cov = c.transpose() * c / static_cast<double>(samples.rows() - 1);
    const double sd0 = std::sqrt(cov(0, 0)), sd1 = std::sqrt(cov(1, 1));
    std::printf("%4d %6zu %11.4f | %+.3f %+.3f | %+.3f %+.3f | %+.3f\n", seed, report.epochs.size(), report.heldout_nll,
                (mean[0] - m[0]) / std::sqrt(S(0, 0)), (mean[1] - m[1]) / std::sqrt(S(1, 1)),
                sd0 / std::sqrt(S(0, 0)) - 1.0, sd1 / std::sqrt(S(1, 1)) - 1.0, cov(0, 1) / (sd0 * sd1) - corr);
  }

  std::printf("\nbounded, 3000 pairs, x0 = 0.98, 20000 samples: truth mean 0.95190, sd 0.0339\n");
  std::printf("seed epochs heldout_nll | mean  | min    max\n");
  Eigen::MatrixXd t1(3000, 1), x1(3000, 1);
  RandomStream stream1(21, Purpose::user);
  for (Eigen::Index r = 0; r < t1.rows(); ++r) {
    t1(r, 0) = stream1.uniform();
    x1(r, 0) = t1(r, 0) + 0.05 * stream1.normal();
  }
  for (int seed = 1; seed <= seeds; ++seed) {
    FlowSettings s;
    s.blocks = 2;
    s.hidden_layers = 1;
    s.hidden_units = 16;
    s.max_epochs = 40;
    s.batch_size = 100;
    s.learning_rate = 3e-3;
    s.seed = static_cast<std::uint64_t>(seed);
    ConditionalFlow flow(1, 1, Box{Eigen::VectorXd::Zero(1), Eigen::VectorXd::Ones(1)}, s);
    const TrainingReport report = flow.fit(t1, x1);
    const Eigen::MatrixXd samples = flow.sample(Eigen::VectorXd::Constant(1, 0.98), 20000, 3);
    std::printf("%4d %6zu %11.4f | %.4f | %.4f %.4f\n", seed, report.epochs.size(), report.heldout_nll, samples.mean(),
                samples.minCoeff(), samples.maxCoeff());
  }
  return 0;
}
