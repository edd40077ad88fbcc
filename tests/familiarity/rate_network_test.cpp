// The familiarity rate networks (familiarity/rate_network.hpp) and the stability selection
// (familiarity/experiment.hpp).
#include <catch2/catch.hpp>

#include <Eigen/Core>
#include <cmath>
#include <algorithm>
#include <vector>

#include <metahebb/familiarity/experiment.hpp>

using namespace metahebb;
using namespace metahebb::familiarity;

namespace {

Eigen::VectorXd random_theta(const RateNetworkConfig& c, std::uint64_t seed) {
  RandomStream stream(seed, Purpose::user);
  Eigen::VectorXd theta(static_cast<Eigen::Index>(RateNetwork::num_parameters(c)));
  stream.fill_normal(theta);
  return theta;
}

// A rule of one group: the terms given as {pre, post, w exponents} → coefficient.
Eigen::VectorXd rule(const RateNetworkConfig& c, std::vector<std::pair<std::array<int, 3>, double>> terms) {
  const VolterraBasis basis = c.basis();
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(basis.size()));
  for (const auto& [e, v] : terms) theta[static_cast<Eigen::Index>(basis.index_of({e[0], e[1], e[2]}))] = v;
  return theta.replicate(static_cast<Eigen::Index>(c.groups), 1);
}

}  // namespace

// One step without input noise, by hand: y = max(0, W x / N), then every synapse of group q moves
// by η dt θ_q · (pre^a post^b w^c) (VolterraBasis::evaluate) and is clipped to [0, w_max]. The two
// paths sum the same terms in a different order: 1e-12 relative.
TEST_CASE("a feedforward step follows the Volterra rule synapse by synapse", "[familiarity]") {
  RateNetworkConfig c;
  c.neurons = 6;
  c.groups = 2;
  c.input_noise = 0;
  c.eta = 3.0;  // large enough that every term shows
  const Eigen::VectorXd theta = random_theta(c, 11);
  RateNetwork net(c, theta, 1, 0);
  const Eigen::MatrixXd w0 = net.weights();
  Eigen::VectorXd x(6);
  x << 1.0, 0.5, 3.0, 2.0, 0.0, 1.5;
  net.set_input(x);
  const Eigen::VectorXd y = net.run(1);
  const Eigen::VectorXd expected_y = (w0 * x / 6.0).cwiseMax(0.0);
  CHECK(y.isApprox(expected_y, 1e-14));
  const VolterraBasis basis = c.basis();
  const auto per_group = static_cast<Eigen::Index>(basis.size());
  for (Eigen::Index j = 0; j < 6; ++j)
    for (Eigen::Index i = 0; i < 6; ++i) {
      const Eigen::Index q = j < 3 ? 0 : 1;
      const double factors[3] = {x[j], expected_y[i], w0(i, j)};
      const double dw = basis.evaluate<double>(theta.segment(q * per_group, per_group), factors);
      const double expected = std::clamp(w0(i, j) + c.eta * c.dt * dw, 0.0, c.w_max);
      CHECK(net.weights()(i, j) == Approx(expected).epsilon(1e-12).margin(1e-14));
    }
}

TEST_CASE("a recurrent step: Euler rate update, rule on (y_k, y_i, w_ik), no self-connections", "[familiarity]") {
  RateNetworkConfig c;
  c.kind = RateNetworkKind::recurrent;
  c.neurons = 5;
  c.input_noise = 0;
  c.eta = 2.0;
  const Eigen::VectorXd theta = random_theta(c, 12);
  RateNetwork net(c, theta, 1, 0);
  RateNetwork::state_type s = net.save();
  s.y << 0.5, 1.0, 2.0, 0.0, 1.5;
  net.load(s);
  const Eigen::MatrixXd w0 = net.weights();
  CHECK((w0.diagonal().array() == 0.0).all());
  const Eigen::VectorXd x = Eigen::VectorXd::Constant(5, 1.0);
  net.set_input(x);
  net.run(1);
  const Eigen::VectorXd h = c.input_weight * x + w0 * s.y / 5.0 - Eigen::VectorXd::Constant(5, c.inhibition * s.y.mean());
  const Eigen::VectorXd y = s.y + c.dt / c.tau * (h.cwiseMax(0.0) - s.y);
  CHECK(net.save().y.isApprox(y, 1e-14));
  const VolterraBasis basis = c.basis();
  for (Eigen::Index k = 0; k < 5; ++k)
    for (Eigen::Index i = 0; i < 5; ++i) {
      if (i == k) {
        CHECK(net.weights()(i, k) == 0.0);
        continue;
      }
      const double factors[3] = {y[k], y[i], w0(i, k)};
      const double expected = std::clamp(w0(i, k) + c.eta * c.dt * basis.evaluate<double>(theta, factors), 0.0, c.w_max);
      CHECK(net.weights()(i, k) == Approx(expected).epsilon(1e-12).margin(1e-14));
    }
}

TEST_CASE("the stability criterion accepts a settling rule and names why others fail", "[familiarity]") {
  ExperimentConfig e;
  e.sizes = {12};
  e.protocol.background = 20;  // 1/η = 5 s: four time constants
  e.protocol.test_times = {1, 5};
  const RateNetworkConfig& c = e.network;
  // dw/dt = η (1 − w): every weight relaxes to 1, the rates to the input mean.
  const SeedRun settles = run_seed(e, 12, rule(c, {{{0, 0, 0}, 1.0}, {{0, 0, 1}, -1.0}}), 0);
  CHECK(settles.stable);
  CHECK(settles.reason.empty());
  // dw/dt = η w: growth until the clip at w_max.
  const SeedRun grows = run_seed(e, 12, rule(c, {{{0, 0, 1}, 1.0}}), 0);
  CHECK_FALSE(grows.stable);
  CHECK_THAT(grows.reason, Catch::Contains("rate") || Catch::Contains("blown") || Catch::Contains("settled"));
  // dw/dt = −η: every weight to 0, the network falls silent.
  const SeedRun dies = run_seed(e, 12, rule(c, {{{0, 0, 0}, -1.0}}), 0);
  CHECK_FALSE(dies.stable);
  CHECK_THAT(dies.reason, Catch::Contains("rate"));
  CHECK(screen(e, rule(c, {{{0, 0, 0}, 1.0}, {{0, 0, 1}, -1.0}})));
  CHECK_FALSE(screen(e, rule(c, {{{0, 0, 0}, -1.0}})));
}

TEST_CASE("the controls run only for stabilising rules, and give what run_seed gives", "[familiarity]") {
  ExperimentConfig e;
  e.sizes = {12};
  e.seeds = 2;
  e.protocol.background = 20;
  e.protocol.test_times = {1, 5};
  const RateNetworkConfig& c = e.network;
  ExperimentResult result;
  result.rules = {rule(c, {{{0, 0, 0}, 1.0}, {{0, 0, 1}, -1.0}}),  // settles (test above)
                  rule(c, {{{0, 0, 1}, 1.0}})};                      // grows until the clip
  result.indices = {3, 4};
  measure_rules(e, result, 0, ThreadExecutor(2));
  REQUIRE(result.summaries.size() == 2);
  REQUIRE(result.summaries[0][0].stable);
  REQUIRE_FALSE(result.summaries[1][0].stable);
  // The stabilising rule: every control field as from run_seed (plastic and controls together).
  const RuleSummary full = summarise(e, std::vector<SeedRun>{run_seed(e, 12, result.rules[0], 0, 3),
                                                             run_seed(e, 12, result.rules[0], 1, 3)});
  const RuleSummary& got = result.summaries[0][0];
  CHECK(got.delta_rate == full.delta_rate);
  CHECK(got.control_delta_rate == full.control_delta_rate);
  CHECK(got.control_p_rate == full.control_p_rate);
  CHECK(got.static_delta_rate == full.static_delta_rate);
  CHECK(std::isfinite(got.control_delta_rate[0]));
  CHECK(std::isfinite(got.static_delta_rate[0]));
  // The other rule: its plastic readout is there, its controls were never run.
  CHECK(std::isnan(result.summaries[1][0].control_delta_rate[0]));
  CHECK(std::isnan(result.summaries[1][0].static_delta_rate[0]));
  CHECK(result.summaries[1][0].control_p_rate[0] == 1.0);
  CHECK_FALSE(result.summaries[1][0].control_memory);
  CHECK_FALSE(result.unstable_reasons[1].empty());
}

TEST_CASE("the experiment gives the same numbers on 1 and 2 threads", "[familiarity]") {
  ExperimentConfig e;
  e.sizes = {8, 12};
  e.seeds = 3;
  e.protocol.background = 8;
  e.protocol.test_times = {1, 3};
  e.stability.settle = 0.2;
  const ExperimentResult one = run_experiment(e, 2, 200, ThreadExecutor(1));
  const ExperimentResult two = run_experiment(e, 2, 200, ThreadExecutor(2));
  REQUIRE(one.rules.size() == 2);
  CHECK(one.sampled == two.sampled);
  CHECK(one.stabilising == two.stabilising);
  for (std::size_t r = 0; r < 2; ++r)
    for (std::size_t z = 0; z < 2; ++z) {
      CHECK(one.summaries[r][z].delta_rate == two.summaries[r][z].delta_rate);
      CHECK(one.summaries[r][z].p_rate == two.summaries[r][z].p_rate);
      CHECK(one.summaries[r][z].control_delta_rate == two.summaries[r][z].control_delta_rate);
    }
}

TEST_CASE("each rule meets its own networks; one (candidate, dataset) is one network", "[familiarity]") {
  RateNetworkConfig c;
  c.neurons = 6;
  const Eigen::VectorXd a = random_theta(c, 1), b = random_theta(c, 2);
  CHECK(RateNetwork(c, a, 1, 0, 7).weights() == RateNetwork(c, b, 1, 0, 7).weights());
  CHECK(RateNetwork(c, a, 1, 0, 7).weights() != RateNetwork(c, a, 1, 0, 8).weights());
  CHECK(RateNetwork(c, a, 1, 0, 7).weights() != RateNetwork(c, a, 1, 1, 7).weights());
  ExperimentConfig e;
  CHECK(stimuli_of(e, 16, 0, 7).familiar != stimuli_of(e, 16, 0, 8).familiar);
}

// Δr = 2(n − f)/(n + f + 0.01) with f = 1 gives n = (1.01 Δr + 2)/(2 − Δr).
TEST_CASE("the paired test against the frozen control removes what the stimuli do by themselves", "[familiarity]") {
  ExperimentConfig e;
  e.protocol.test_times = {1};
  auto record = [](double delta) {
    Record r;
    r.test_times = {1};
    r.familiar = {{1.0, 1.0}};
    r.novel = {{(1.01 * delta + 2) / (2 - delta), 1.0}};
    return r;
  };
  // The stimuli alone make Δr vary by ±0.3 between networks; learning adds 0.05 ± 0.002.
  const double control[4] = {0.3, -0.2, 0.1, -0.25}, jitter[4] = {0.001, -0.001, 0.002, -0.002};
  std::vector<SeedRun> runs(4);
  for (std::size_t i = 0; i < 4; ++i) {
    runs[i].stable = true;
    runs[i].control = record(control[i]);
    runs[i].plastic = record(control[i] + 0.05 + jitter[i]);
  }
  RuleSummary s = summarise(e, runs);
  CHECK(std::isnan(s.static_delta_rate[0]));  // no static runs recorded: no static readout
  CHECK_FALSE(s.static_memory);
  for (std::size_t i = 0; i < 4; ++i) runs[i].static_control = record(control[i] + jitter[i]);
  s = summarise(e, runs);
  CHECK(s.static_delta_rate[0] == Approx(-0.0125).margin(1e-12));  // the jitters sum to 0
  CHECK_FALSE(s.static_memory);
  CHECK(s.control_delta_rate[0] == Approx(-0.0125).margin(1e-12));
  CHECK_FALSE(s.memory);         // against 0 the stimulus differences hide the learning (p ~ 0.7)
  CHECK(s.memory_vs_control);    // paired with the frozen network it is plain (t ~ 50)
  CHECK(s.p_vs_control[0] < 1e-4);
  CHECK(s.p_rate[0] > 0.5);
}

TEST_CASE("rate network and experiment settings are checked before any work", "[familiarity]") {
  RateNetworkConfig groups;
  groups.groups = 40;
  CHECK_THROWS_WITH(groups.validate(), Catch::Contains("rate_network.groups = 40"));
  RateNetworkConfig step;
  step.kind = RateNetworkKind::recurrent;
  step.dt = 0.2;
  CHECK_THROWS_WITH(step.validate(), Catch::Contains("rate_network.dt = 0.2"));
  CHECK_THROWS_WITH(RateNetwork(RateNetworkConfig{}, Eigen::VectorXd::Zero(3), 1), Catch::Contains("theta.size() = 3"));
  ExperimentConfig seeds;
  seeds.seeds = 1;
  CHECK_THROWS_WITH(seeds.validate(), Catch::Contains("seeds = 1"));
  ExperimentConfig sizes;
  sizes.sizes = {2};
  CHECK_THROWS_WITH(sizes.validate(), Catch::Contains("sizes = 2"));
}
