// Exact trajectory gradients (fit/plastic_layer.hpp) against central finite differences, on
// every task (activity MSE with linear units, choice BCE with tanh units) and every shipped
// differentiable rule (27- and 81-term Volterra, the MLP rule); the rules' own derivatives.
#include <catch2/catch.hpp>

#include <metahebb/fit/activity_data.hpp>
#include <metahebb/fit/behaviour_data.hpp>
#include <metahebb/fit/plastic_layer.hpp>
#include <metahebb/rules/mlp_rule.hpp>
#include <metahebb/rules/reward_volterra.hpp>
#include <metahebb/rules/volterra_gradient.hpp>

#include <array>
#include <span>
#include <string>
#include <cmath>
#include <limits>

using namespace metahebb;
using namespace metahebb::fit;

namespace {

// Central differences: truncation error h² f'''/6, rounding error ≈ ε_mach |L| / h. With
// h = 1e-5 and losses of order 1 both are ≲ 1e-10 · (third derivatives), far below the
// tolerance below; a wrong adjoint term (a missing factor, a sign, an off-by-one step) changes
// components by O(their size), i.e. by far more than 1e-6 relative to the largest component.
// The MLP rule's leaky ReLU has kinks: a perturbation that moves one of the ~10⁴ hidden
// pre-activations of a trajectory across 0 adds an error O(h) instead of O(h²) (measured:
// 2e-6 relative at h = 1e-4 and 1e-5, none at 1e-6), so its rules are checked with h = 1e-6.
template <class Rule, class Head>
void check_gradient(const PlasticLayerConfig& layer, const Rule& rule, const Eigen::VectorXd& theta,
                    const Trajectory& tr, const Head& head, double h = 1e-5) {
  Eigen::VectorXd grad;
  const double loss = loss_and_gradient(layer, rule, theta, tr, head, &grad);
  REQUIRE(std::isfinite(loss));
  REQUIRE(grad.size() == theta.size());
  Eigen::VectorXd fd(theta.size());
  for (Eigen::Index k = 0; k < theta.size(); ++k) {
    Eigen::VectorXd plus = theta, minus = theta;
    plus[k] += h;
    minus[k] -= h;
    fd[k] = (loss_and_gradient(layer, rule, plus, tr, head, nullptr) -
             loss_and_gradient(layer, rule, minus, tr, head, nullptr)) / (2 * h);
  }
  const double scale = fd.cwiseAbs().maxCoeff();
  REQUIRE(scale > 0.0);  // the loss depends on θ: the comparison is not between zeros
  for (Eigen::Index k = 0; k < theta.size(); ++k) {
    INFO("coefficient " << k << ": adjoint " << grad[k] << ", finite difference " << fd[k]);
    CHECK(std::abs(grad[k] - fd[k]) <= 1e-6 * scale + 1e-10);
  }
}

Eigen::VectorXd small_random(std::size_t n, std::uint64_t seed, double scale) {
  RandomStream s(seed, Purpose::user);
  Eigen::VectorXd v(static_cast<Eigen::Index>(n));
  s.fill_normal(v);
  return v * scale;
}

ActivityDataConfig small_activity(double sparsity, double noise) {
  ActivityDataConfig c;
  c.layer.inputs = 4;
  c.layer.outputs = 3;
  c.layer.eta = 0.05;
  c.steps = 30;
  c.sparsity = sparsity;
  c.noise = noise;
  return c;
}

BehaviourDataConfig small_behaviour() {
  BehaviourDataConfig c;
  c.layer.outputs = 4;
  c.reward_probabilities = {{0.2, 0.8}, {0.9, 0.1}};
  c.trials_per_block = 10;
  return c;
}

}  // namespace

TEST_CASE("activity MSE: exact gradient equals central differences (27-term Volterra, sparse noisy recording)") {
  const auto c = small_activity(0.67, 0.1);
  const VolterraBasis basis = VolterraBasis::pre_post_weight();
  const auto data = simulate_activity(c, basis, rules::oja(basis), 3, 0);
  check_gradient(c.layer, basis, rules::oja(basis) + small_random(basis.size(), 1, 0.05), data.data, ActivityMse{});
}

TEST_CASE("activity MSE: exact gradient equals central differences (81-term reward Volterra, MLP rule)") {
  const auto c = small_activity(1.0, 0.0);
  const VolterraBasis basis = reward_volterra_basis();
  auto data = simulate_activity(c, basis, rules::oja_reward_basis(basis), 4, 1).data;
  RandomStream rs(9, Purpose::user);
  for (Eigen::Index t = 0; t < data.r.size(); ++t) data.r[t] = 0.5 * rs.normal();  // exercise the r factor
  check_gradient(c.layer, basis, rules::oja_reward_basis(basis) + small_random(basis.size(), 2, 0.02), data,
                 ActivityMse{});
  const MlpRule mlp;
  check_gradient(c.layer, mlp, small_random(mlp.size(), 3, 0.3), data, ActivityMse{}, 1e-6);
}

TEST_CASE("choice BCE: exact gradient equals central differences (81-term reward Volterra, MLP rule)") {
  const auto c = small_behaviour();
  const VolterraBasis basis = reward_volterra_basis();
  const auto data = simulate_behaviour(c, basis, rules::forgetting_teacher(basis), 5, 0);
  REQUIRE(data.data.steps() >= 20);
  const ChoiceBce head{c.readout()};
  check_gradient(c.layer, basis, rules::forgetting_teacher(basis) + small_random(basis.size(), 4, 0.05), data.data,
                 head);
  const MlpRule mlp;
  check_gradient(c.layer, mlp, small_random(mlp.size(), 5, 0.3), data.data, head, 1e-6);
}

TEST_CASE("rule derivatives: Volterra and MLP gradient() against central differences of evaluate()") {
  const std::array<double, 4> z{0.7, -0.4, 0.3, 0.5};
  const double h = 1e-6;  // single evaluations of order 1: errors ≲ 1e-10
  auto check = [&](const auto& rule, const Eigen::VectorXd& theta) {
    Eigen::VectorXd d_theta = Eigen::VectorXd::Zero(theta.size());
    std::array<double, 4> d_z{};
    const double g = 1.7;
    const double value = rule_gradient(rule, theta, std::span<const double>(z), g, d_theta.data(), d_z.data());
    CHECK(value == Approx(rule.template evaluate<double>(theta, std::span<const double>(z))).epsilon(1e-12));
    for (Eigen::Index k = 0; k < theta.size(); ++k) {
      Eigen::VectorXd p = theta, m = theta;
      p[k] += h;
      m[k] -= h;
      const double fd = (rule.template evaluate<double>(p, std::span<const double>(z)) -
                         rule.template evaluate<double>(m, std::span<const double>(z))) / (2 * h);
      CHECK(d_theta[k] == Approx(g * fd).margin(1e-8));
    }
    for (std::size_t f = 0; f < 4; ++f) {
      auto zp = z, zm = z;
      zp[f] += h;
      zm[f] -= h;
      const double fd = (rule.template evaluate<double>(theta, std::span<const double>(zp)) -
                         rule.template evaluate<double>(theta, std::span<const double>(zm))) / (2 * h);
      CHECK(d_z[f] == Approx(g * fd).margin(1e-8));
    }
  };
  const VolterraBasis basis = reward_volterra_basis();
  check(basis, small_random(basis.size(), 6, 1.0));
  const MlpRule mlp;
  check(mlp, small_random(mlp.size(), 7, 1.0));
}

TEST_CASE("a diverging rule: infinite loss, and the gradient of the loss on the steps before it diverged") {
  auto c = small_activity(1.0, 0.0);
  const VolterraBasis basis = VolterraBasis::pre_post_weight();
  const auto data = simulate_activity(c, basis, rules::oja(basis), 3, 0);
  Eigen::VectorXd explode = rules::oja(basis);
  explode[static_cast<Eigen::Index>(basis.index_of({0, 0, 2}))] = 40.0;  // Δw ∋ 40 η w²: blows up in finite time
  const LayerRun run = run_layer(c.layer, basis, explode, data.data);
  REQUIRE(run.diverged);
  const auto d = static_cast<Eigen::Index>(run.diverged_at);
  REQUIRE(d > 2);
  REQUIRE(d + 1 < static_cast<Eigen::Index>(data.data.steps()));
  Eigen::VectorXd grad;
  CHECK(std::isinf(loss_and_gradient(c.layer, basis, explode, data.data, ActivityMse{}, &grad)));
  // The same gradient from the trajectory cut after step d, without d's update, rescaled from
  // its (d+1)·M recorded entries to the full trajectory's T·M.
  Trajectory cut = data.data;
  cut.x = data.data.x.topRows(d + 1);
  cut.y = data.data.y.topRows(d + 1);
  cut.r = data.data.r.head(d + 1);
  cut.plastic.resize(static_cast<std::size_t>(d + 1));
  cut.plastic.back() = 0;
  Eigen::VectorXd expected;
  REQUIRE(std::isfinite(loss_and_gradient(c.layer, basis, explode, cut, ActivityMse{}, &expected)));
  expected *= static_cast<double>(d + 1) / static_cast<double>(data.data.steps());
  REQUIRE(expected.cwiseAbs().maxCoeff() > 0.0);
  CHECK((grad - expected).cwiseAbs().maxCoeff() <= 1e-12 * expected.cwiseAbs().maxCoeff());  // rounding of the rescaling
}

namespace {
// The Volterra rule behind a type the layer does not recognise: evaluated synapse by synapse
// through the rule's own evaluate() and rule_gradient(), not the factored path.
struct PlainVolterra {
  VolterraBasis basis;
  std::size_t size() const { return basis.size(); }
  std::string term_name(std::size_t k) const { return basis.term_name(k); }
  std::size_t num_factors() const { return basis.num_factors(); }
  template <class T>
  T evaluate(const Eigen::Ref<const Eigen::VectorXd>& theta, std::span<const T> z) const {
    return basis.evaluate<T>(theta, z);
  }
  double gradient(const Eigen::Ref<const Eigen::VectorXd>& theta, std::span<const double> z, double g, double* dt,
                  double* dz) const {
    return rule_gradient(basis, theta, z, g, dt, dz);
  }
};
}  // namespace

TEST_CASE("the factored Volterra path equals the per-synapse path (loss and gradient)") {
  const auto c = small_behaviour();
  const VolterraBasis basis = reward_volterra_basis();
  const auto data = simulate_behaviour(c, basis, rules::forgetting_teacher(basis), 8, 0);
  const Eigen::VectorXd theta = rules::forgetting_teacher(basis) + small_random(basis.size(), 9, 0.05);
  const ChoiceBce head{c.readout()};
  Eigen::VectorXd fast, plain;
  const double a = loss_and_gradient(c.layer, basis, theta, data.data, head, &fast);
  const double b = loss_and_gradient(c.layer, PlainVolterra{basis}, theta, data.data, head, &plain);
  // Same sums in another order: rounding only (~1e-16 per operation over ~10⁴ operations).
  CHECK(a == Approx(b).epsilon(1e-12));
  CHECK((fast - plain).cwiseAbs().maxCoeff() <= 1e-10 * plain.cwiseAbs().maxCoeff());
  CHECK(plain.cwiseAbs().maxCoeff() > 0.0);
}

TEST_CASE("trajectories that do not fit the layer or the loss are rejected naming the field") {
  const auto c = small_activity(1.0, 0.0);
  const VolterraBasis basis = VolterraBasis::pre_post_weight();
  const Eigen::VectorXd theta = rules::oja(basis);
  Trajectory tr = simulate_activity(c, basis, theta, 3, 0).data;
  Trajectory wrong_w0 = tr;
  wrong_w0.w0 = Eigen::MatrixXd::Zero(2, 2);
  CHECK_THROWS_WITH(loss_and_gradient(c.layer, basis, theta, wrong_w0, ActivityMse{}, nullptr),
                    Catch::Contains("trajectory.w0 shape"));
  Trajectory no_choice = tr;
  CHECK_THROWS_WITH(loss_and_gradient(c.layer, basis, theta, no_choice, ChoiceBce{Eigen::VectorXd::Ones(3)}, nullptr),
                    Catch::Contains("trajectory.choice size"));
  Trajectory unrecorded = tr;
  unrecorded.y.setConstant(std::numeric_limits<double>::quiet_NaN());
  CHECK_THROWS_WITH(loss_and_gradient(c.layer, basis, theta, unrecorded, ActivityMse{}, nullptr),
                    Catch::Contains("recorded entries"));
  CHECK_THROWS_WITH(loss_and_gradient(c.layer, basis, Eigen::VectorXd::Zero(5), tr, ActivityMse{}, nullptr),
                    Catch::Contains("theta size"));
}
