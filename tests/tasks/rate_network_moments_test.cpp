// The moment kernel of the two-layer rate network (tasks/rate_network_moments.hpp): SIMD lanes
// against the same kernel on plain scalars, bit for bit.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <metahebb/tasks/hierarchical_pca.hpp>

using namespace metahebb;

namespace {
HierarchicalPcaConfig small(std::size_t inputs, std::size_t outputs, std::size_t steps) {
  HierarchicalPcaConfig c;
  c.input.inputs = inputs;
  c.outputs = outputs;
  c.steps = steps;
  c.batch_size = 60;  // not a multiple of 8: the partial sums' tail is exercised
  c.datasets = 1;
  return c;
}

// 11 candidates (not a multiple of any SIMD width: the last block has padding lanes): the
// reference pair, random rules, and one that diverges mid-run.
Eigen::MatrixXd candidates(const HierarchicalPcaTask& task, double scale) {
  RandomStream r(StreamKey{11, 0, 0, 0, Purpose::user});
  Eigen::MatrixXd thetas(54, 11);
  r.fill_normal(thetas);
  thetas *= scale;
  thetas.col(0) = task.oja_anti_hebbian();
  thetas.col(5).setZero();
  thetas(9 + 3, 5) = 20.0;  // explosive Hebbian feedforward term x^1 y^1 w^0
  return thetas;
}
}  // namespace

TEST_CASE("rate network moments: every SIMD lane equals the scalar kernel bit for bit", "[rate_network][moments]") {
  for (auto [n, m] : {std::pair<std::size_t, std::size_t>{5, 5}, {4, 3}}) {
    const HierarchicalPcaTask task(small(n, m, 150));
    REQUIRE(task.uses_moments());
    const Eigen::MatrixXd thetas = candidates(task, 0.05);
    const auto lanes = task.simulate(thetas, {2, 0, 0});
    const auto scalar = task.simulate_moments_scalar(thetas, {2, 0, 0});
    for (std::size_t c = 0; c < lanes.size(); ++c) {
      INFO(n << " -> " << m << ", candidate " << c);
      CHECK(lanes[c].diverged_at_step == scalar[c].diverged_at_step);
      CHECK(lanes[c].weights == scalar[c].weights);
      CHECK(lanes[c].lateral == scalar[c].lateral);
    }
    CHECK(lanes[5].diverged());
    CHECK(lanes[5].weights.isZero());
    CHECK_FALSE(lanes[0].diverged());
    CHECK(lanes[0].lateral(m - 1, 0) != 0.0);
  }
}

// Against the per-sample reference: tests/tasks/hierarchical_pca_test.cpp (N = 4, M = 3 runs this kernel).

TEST_CASE("rate network moments: batch moments in a fixed order", "[rate_network][moments]") {
  Eigen::MatrixXd x(13, 3);
  RandomStream r(StreamKey{5, 0, 0, 0, Purpose::user});
  r.fill_normal(x);
  BatchMoments<double> s;
  s.compute(x);
  // Against Eigen's own sums (another order: 1e-13 relative to values of order 1).
  CHECK(s.m1(1) == Approx(x.col(1).mean()).margin(1e-13));
  CHECK(s.m2(0, 2) == Approx(x.col(0).dot(x.col(2)) / 13).margin(1e-13));
  CHECK(s.m2(2, 0) == s.m2(0, 2));
  CHECK(s.m3(2, 0, 1) == Approx(x.col(0).cwiseProduct(x.col(1)).dot(x.col(2)) / 13).margin(1e-13));
  CHECK(s.m3(1, 2, 0) == s.m3(0, 1, 2));
  const double m4 = (x.col(0).array() * x.col(1).array() * x.col(1).array() * x.col(2).array()).mean();
  CHECK(s.m4_row(2, 1, 0)[1] == Approx(m4).margin(1e-13));
  CHECK(s.m4_row(1, 0, 1)[2] == s.m4_row(0, 1, 1)[2]);
}

TEST_CASE("rate network moments: only where the kernel applies", "[rate_network][moments]") {
  CHECK_FALSE(HierarchicalPcaTask(small(9, 5, 10)).uses_moments());  // N > 8: the matrix products
  HierarchicalPcaConfig no_lateral = small(5, 2, 10);
  no_lateral.lateral = false;
  CHECK_FALSE(HierarchicalPcaTask(no_lateral).uses_moments());  // §3.1: unchanged
  CHECK_THROWS_WITH(HierarchicalPcaTask(no_lateral).simulate_moments_scalar(Eigen::MatrixXd::Zero(27, 1), {}),
                    Catch::Contains("simulate_moments_scalar"));
}

TEST_CASE("rotated Gaussian: sample_ordered draws the batch sample draws", "[rate_network][moments]") {
  // Both branches: full mixing (N = 5 with the 5 -> 5 spectrum) and isotropic + rank-k (N = 10,
  // λ = 0.5^i, floor 0.1: k = 4 < N/2). Same noise, another summation order: 1e-14 in double.
  for (const std::size_t n : {5, 10}) {
    RotatedGaussianConfig config{.inputs = n, .spectrum_ratio = n == 5 ? 0.7 : 0.5, .spectrum_floor = n == 5 ? 0.05 : 0.1};
    RandomStream setup(StreamKey{3, 0, 0, 0, Purpose::dataset});
    const RotatedGaussian inputs(config, setup);
    RandomStream a(StreamKey{4, 0, 0, 0, Purpose::dataset}), b(StreamKey{4, 0, 0, 0, Purpose::dataset});
    Eigen::MatrixXd noise, x(37, static_cast<Eigen::Index>(n)), y(37, static_cast<Eigen::Index>(n));
    inputs.sample(a, noise, x);
    inputs.sample_ordered(b, noise, y);
    INFO("N = " << n);
    CHECK((x - y).cwiseAbs().maxCoeff() <= 1e-14 * (1.0 + x.cwiseAbs().maxCoeff()));
    CHECK(x.cwiseAbs().maxCoeff() > 0.5);  // a real batch, not zeros
  }
}
