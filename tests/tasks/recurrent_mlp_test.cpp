// The MLP rule family of filter SBI (issue 12, item 6): MlpSpikeRule's forward pass against a
// hand computation, its update order, and the recurrent network with CodependentAif neurons and
// E→E, I→E learning with it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <metahebb/tasks/recurrent_network.hpp>
#include <string>

using namespace metahebb;

namespace {
double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// 256 E, 64 I as the polynomial family's test network (tests/tasks/recurrent_network_test.cpp),
// 0.2 s + 0.2 s: a random rule at η = 0.01 costs ~0.5 s per run (the MLP runs at every spike of
// ~100 synapses), η ≥ 0.05 drives this network past the 50 Hz bound within 0.6 s.
MlpRecurrentNetworkConfig small() {
  MlpRecurrentNetworkConfig c;
  c.exc = 256;
  c.inh = 64;
  c.inputs = 1000;
  c.input_rate_hz = 40.0;
  c.training_time = 0.2;
  c.scoring_time = 0.2;
  return c;
}

Eigen::VectorXd random_rule(std::uint64_t seed, double eta) {
  RandomStream r(seed, Purpose::user);
  Eigen::VectorXd th(MlpSpikeRule::num_coefficients);
  for (Eigen::Index k = 0; k < th.size(); ++k) th[k] = r.uniform(-1.0, 1.0);
  th[MlpSpikeRule::eta] = eta;
  return th;
}
}  // namespace

TEST_CASE("MlpSpikeRule: the forward pass equals a hand computation of sigma(W2 sigma(W1 s*u)) and the heads",
          "[mlp]") {
  const MlpSpikeRule rule;
  Eigen::VectorXd th(11);
  th << 0.5, 0.3, -0.7, 1.1, -0.2, 0.05, -0.4, 0.9, 0.6, -1.3, -0.02;
  const MlpSpikeRule::kernel<float> k(rule, LaneThetas<float>({th.data()}), 1e-4);
  const std::array<double, 6> u{0.8, 1.7, 0.35, -0.062, 0.012, 0.004};  // x_pre, x_post, w, V̄, C_exc, C_inh
  const auto h = rule.hidden_layers();
  std::array<double, 4> h2{};
  for (std::size_t m = 0; m < 4; ++m) {
    double z2 = 0.0;
    for (std::size_t i = 0; i < 50; ++i) {
      double z1 = 0.0;
      for (std::size_t j = 0; j < 6; ++j) z1 += h.w1[i][j] * rule.input_scale[j] * u[j];
      z2 += h.w2[m][i] * sigmoid(z1);
    }
    h2[m] = sigmoid(z2);
  }
  double pre = th[5], post = th[10];
  for (std::size_t m = 0; m < 4; ++m) pre += th[1 + m] * h2[m], post += th[6 + m] * h2[m];
  std::array<float, 6> uf;
  for (std::size_t j = 0; j < 6; ++j) uf[j] = static_cast<float>(u[j]);
  // float arithmetic over ~360 terms of size ≤ 1 with a 2-ulp exp: within 1e-5 absolute.
  CHECK(k.forward_pre(uf) == Approx(pre).margin(1e-5));
  CHECK(k.forward_post(uf) == Approx(post).margin(1e-5));
  CHECK(std::abs(pre - post) > 0.1);  // the two heads differ, so the check tells them apart
  // The hidden layers are in the ranges of the reference's fixed values (±1/√6, ±1/√50) and drawn from the seed.
  double max1 = 0, max2 = 0;
  for (const auto& row : h.w1)
    for (const double v : row) max1 = std::max(max1, std::abs(v));
  for (const auto& row : h.w2)
    for (const double v : row) max2 = std::max(max2, std::abs(v));
  CHECK(max1 <= 1 / std::sqrt(6.0));
  CHECK(max1 > 0.3);
  CHECK(max2 <= 1 / std::sqrt(50.0));
  MlpSpikeRule other;
  other.hidden_seed = 2;
  CHECK(other.hidden_layers().w1[0][0] != h.w1[0][0]);
  CHECK(MlpSpikeRule().hidden_layers().w2[3][49] == h.w2[3][49]);
}

TEST_CASE("MlpSpikeRule: updates use the traces before the spike, times eta, clipped to [0, w_max]", "[mlp]") {
  const MlpSpikeRule rule;
  Eigen::VectorXd th(11);
  th << 0.01, 0.3, -0.7, 1.1, -0.2, 0.05, -0.4, 0.9, 0.6, -1.3, -0.02;
  const MlpSpikeRule::kernel<float> k(rule, LaneThetas<float>({th.data()}), 1e-4);
  MlpSpikeRule::kernel<float>::pre_trace pre{0.5f, 2.0f};
  MlpSpikeRule::kernel<float>::post_trace post{1.5f, 3.0f};
  const PostFactors<float> f{-0.06f, 0.01f, 0.005f};
  const float elapsed = 0.02f;
  const float x_pre1 = 0.5f * lanes::exp(elapsed * static_cast<float>(-1.0 / 0.01));
  const float x_pre2 = 2.0f * lanes::exp(elapsed * static_cast<float>(-1.0 / 0.1));
  float w = 1.0f;
  const float expected_pre = std::clamp(1.0f + 0.01f * k.forward_pre({x_pre2, 1.5f, 1.0f, -0.06f, 0.01f, 0.005f}), 0.f, 20.f);
  k.on_pre(w, pre, post, elapsed, f);
  CHECK(w == expected_pre);
  CHECK(w != 1.0f);
  CHECK(pre.x1 == x_pre1 + 1.0f);
  CHECK(pre.x2 == x_pre2 + 1.0f);
  // On a postsynaptic spike: (x_pre1, x_post2) with the post head.
  const float w2 = k.on_post(w, pre, post, 0.0f, f);
  CHECK(w2 == std::clamp(w + 0.01f * k.forward_post({pre.x1, 3.0f, w, -0.06f, 0.01f, 0.005f}), 0.f, 20.f));
  // A large η clips at both bounds.
  th[0] = 1e6;
  const MlpSpikeRule::kernel<float> big(rule, LaneThetas<float>({th.data()}), 1e-4);
  const float up = big.on_post(1.0f, pre, post, 0.0f, f), sign = big.forward_post({pre.x1, 3.0f, 1.0f, -0.06f, 0.01f, 0.005f});
  CHECK(up == (sign > 0 ? 20.0f : 0.0f));
}

TEST_CASE("MLP family: 22 named coefficients on EE and IE; bad theta length and bad settings throw, naming the field",
          "[mlp][recurrent]") {
  const MlpRecurrentNetworkTask task(small());
  const auto names = task.parameter_names();
  REQUIRE(names.size() == 22);
  CHECK(names[0] == "EE: eta");
  CHECK(names[1] == "EE: pre head 0");
  CHECK(names[5] == "EE: pre bias");
  CHECK(names[10] == "EE: post bias");
  CHECK(names[11] == "IE: eta");
  CHECK(names[21] == "IE: post bias");
  CHECK(task.config().max_rate_hz == 50.0);
  CHECK(MlpRecurrentNetworkTask::plastic_type_names() == std::vector<std::string>{"EE", "IE"});
  CHECK_THROWS_WITH(task.simulate(Eigen::MatrixXd::Zero(24, 1), {1, 0, 0}), Catch::Contains("thetas.rows()"));
  auto throws_naming = [](MlpRecurrentNetworkConfig c, const std::string& field) {
    try {
      MlpRecurrentNetworkTask t(c);
      FAIL("no exception for " << field);
    } catch (const std::invalid_argument& e) {
      CHECK_THAT(e.what(), Catch::Contains(field));
    }
  };
  MlpRecurrentNetworkConfig c = small();
  c.rule.tau_pre2 = 0.0;
  throws_naming(c, "rule.tau_pre2");
  c = small();
  c.rule.w_max = -1.0;
  throws_naming(c, "rule.w_max");
  c = small();
  c.neuron.tau_c_exc = 0.0;
  throws_naming(c, "neuron.tau_c_exc");
  c = small();
  c.rule.input_scale[3] = std::nan("");
  throws_naming(c, "rule.input_scale[3]");
}

TEST_CASE("MLP family: the network runs, lanes equal the scalar network, a seed reproduces it, zero heads keep w",
          "[mlp][recurrent]") {
  const MlpRecurrentNetworkTask task(small());
  const auto d = task.dataset({5, 0, 0});
  Eigen::MatrixXd th(22, 3);
  th.col(0) << random_rule(1, 0.01), random_rule(2, 0.01);
  th.col(1) = th.col(0);
  th.col(1)[0] = 0.8;  // EE: η 0.8, heads zero
  th.col(1)[11] = 0.8;  // IE: η 0.8, heads zero
  th.col(1).segment(1, 10).setZero();
  th.col(1).segment(12, 10).setZero();
  th.col(2) = task.static_rules();
  const auto fast = task.simulate(th, d);
  const auto reference = task.simulate_scalar(th, d);
  for (std::size_t c = 0; c < 3; ++c) {
    INFO("candidate " << c);
    REQUIRE_FALSE(reference[c].exploded);
    CHECK(fast[c].exc_spikes.size() == reference[c].exc_spikes.size());
    CHECK(fast[c].exc_spikes.size() > 100);  // not vacuous
    bool same = fast[c].exc_spikes.size() == reference[c].exc_spikes.size();
    for (std::size_t s = 0; same && s < fast[c].exc_spikes.size(); ++s)
      same = fast[c].exc_spikes[s].step == reference[c].exc_spikes[s].step &&
             fast[c].exc_spikes[s].neuron == reference[c].exc_spikes[s].neuron;
    CHECK(same);
    for (std::size_t t = 0; t < 4; ++t) CHECK(fast[c].weights[t] == reference[c].weights[t]);
  }
  // The random rule learns on EE and IE; EI and II are static.
  CHECK(fast[0].mean_weight_end[0] != fast[0].mean_weight_start[0]);
  CHECK(fast[0].mean_weight_end[2] != fast[0].mean_weight_start[2]);
  CHECK(fast[0].mean_weight_end[1] == fast[0].mean_weight_start[1]);
  CHECK(fast[0].mean_weight_end[3] == fast[0].mean_weight_start[3]);
  // Weight metrics cover the plastic types only (as fSBI's MLP runs monitor con_ee and con_ie).
  const auto metric_names = fast[0].metrics.names();
  auto has = [&](const std::string& name) {
    return std::find(metric_names.begin(), metric_names.end(), name) != metric_names.end();
  };
  CHECK(has("w_final_EE"));
  CHECK(has("w_final_IE"));
  CHECK_FALSE(has("w_final_EI"));
  CHECK_FALSE(has("w_final_II"));
  // Zero heads with η ≠ 0: Δw = η (0 · h2 + 0) = 0, every weight stays where it started, and the
  // network is then the static one spike for spike.
  for (std::size_t t = 0; t < 4; ++t)
    for (const float w : fast[1].weights[t]) REQUIRE(w == static_cast<float>(task.config().w_initial[t]));
  CHECK(fast[1].exc_spikes.size() == fast[2].exc_spikes.size());
  // Reproducible: the same context gives the same run; another seed another network.
  const auto again = task.simulate(th.col(0), {5, 0, 0});
  CHECK(again[0].weights[0] == fast[0].weights[0]);
  CHECK(again[0].exc_spikes.size() == fast[0].exc_spikes.size());
  const auto other = task.simulate(th.col(2), {6, 0, 0});  // static: cheap
  CHECK(other[0].exc_spikes.size() != fast[2].exc_spikes.size());
}
