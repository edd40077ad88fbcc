// The rate network with a rate rule that is not a Volterra basis (core/concepts/rate_rule.hpp):
// any type with size / term_name / num_factors / evaluate<T> plugs into BasicRateNetworkTask.
#include <catch2/catch.hpp>

#include <Eigen/Core>
#include <cstddef>
#include <metahebb/tasks/rate_network.hpp>
#include <span>
#include <string>

using namespace metahebb;

namespace {
// Δw = a u v + b v² w over (u, v, w): Oja's rule (a = 1, b = −1) and the anti-Hebbian lateral
// rule (a = −1, b = 0) in two coefficients instead of 27.
struct TwoTermRule {
  std::size_t size() const { return 2; }
  std::string term_name(std::size_t k) const { return k == 0 ? "u v" : "v^2 w"; }
  std::size_t num_factors() const { return 3; }
  template <class T>
  T evaluate(const Eigen::Ref<const Eigen::VectorXd>& theta, std::span<const T> f) const {
    return T(theta[0]) * f[0] * f[1] + T(theta[1]) * f[1] * f[1] * f[2];
  }
};
static_assert(check_rate_rule<TwoTermRule>());

RateNetworkConfig small(std::size_t outputs, bool lateral) {
  RateNetworkConfig c;
  c.input.inputs = 4;
  c.outputs = outputs;
  c.lateral = lateral;
  c.datasets = 1;
  c.steps = 150;
  c.batch_size = 50;
  return c;
}
}  // namespace

TEST_CASE("Rate network: a two-term rate rule runs the network exactly as the equivalent Volterra rule",
          "[rate_network]") {
  // Same products in the same order (a Volterra term is θ·x^a·y^b·w^d and zero terms add exact
  // zeros), so the trajectories agree bit for bit with the Volterra per-sample reference.
  SECTION("one output, no lateral group (§3.1)") {
    const BasicRateNetworkTask<double, TwoTermRule> custom(small(1, false));
    const BasicRateNetworkTask<double> volterra(small(1, false));
    REQUIRE(custom.num_parameters() == 2);
    CHECK(custom.parameter_names() == std::vector<std::string>{"u v", "v^2 w"});
    Eigen::MatrixXd two(2, 1);
    two << 1.0, -1.0;
    const auto a = custom.simulate(two, {3, 0, 0})[0];
    const auto b = volterra.simulate_per_sample(volterra.oja_anti_hebbian(), {3, 0, 0})[0];
    CHECK(a.weights == b.weights);
    CHECK_FALSE(a.diverged());
    CHECK(a.distance(0) < 0.2);  // Oja's rule has found PC1 (|w ∓ PC1| ≈ 0.05 measured; 0.2 ≪ √2 of a wrong vector)
  }
  SECTION("three outputs with a lateral group (§3.2)") {
    const BasicRateNetworkTask<double, TwoTermRule> custom(small(3, true));
    const BasicRateNetworkTask<double> volterra(small(3, true));
    REQUIRE(custom.num_parameters() == 4);
    CHECK(custom.parameter_names()[2] == "lateral: u v");
    Eigen::MatrixXd two(4, 1);
    two << 1.0, -1.0, -1.0, 0.0;
    const auto a = custom.simulate(two, {5, 0, 0})[0];
    const auto b = volterra.simulate_per_sample(volterra.oja_anti_hebbian(), {5, 0, 0})[0];
    CHECK(a.weights == b.weights);
    CHECK(a.lateral == b.lateral);
    CHECK(a.lateral(1, 0) != 0.0);  // the lateral group did learn
  }
}

TEST_CASE("Rate network: without a lateral group the names are the basis's own and θ has one group",
          "[rate_network]") {
  const RateNetworkTask task(small(2, false));
  CHECK(task.num_parameters() == 27);
  CHECK(task.parameter_names()[12] == "x^1 y^1 w^0");
  CHECK(task.oja_anti_hebbian().size() == 27);
  const RateNetworkTask with_lateral(small(2, true));
  CHECK(with_lateral.num_parameters() == 54);
  CHECK(with_lateral.parameter_names()[27 + 12] == "lateral: y_i^1 y_j^1 w^0");
}
