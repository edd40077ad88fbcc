// The recurrent E/I network task (issue 12): composition, lanes vs scalar, rate checker,
// stability loss, reproducibility, configuration errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <metahebb/evaluate.hpp>
#include <metahebb/execution/threads.hpp>
#include <metahebb/losses/stability.hpp>
#include <metahebb/tasks/recurrent_network.hpp>

using namespace metahebb;

namespace {
// 256 E, 64 I at p = 0.4 and 1000 inputs at p = 0.05: every neuron gets about 100 E, 26 I and
// 50 input synapses (a quarter of the reference in-degrees), 0.3 s training + 0.3 s scoring.
RecurrentNetworkConfig small() {
  RecurrentNetworkConfig c;
  c.exc = 256;
  c.inh = 64;
  c.inputs = 1000;
  c.input_rate_hz = 40.0;
  c.training_time = 0.3;
  c.scoring_time = 0.3;
  return c;
}
}  // namespace

TEST_CASE("Recurrent network: 24 named coefficients, four synapse types", "[recurrent]") {
  const RecurrentNetworkTask task(small());
  const auto names = task.parameter_names();
  REQUIRE(names.size() == 24);
  CHECK(names[0] == "EE: alpha");
  CHECK(names[6] == "EI: alpha");
  CHECK(names[12 + 4] == "IE: tau_pre");
  CHECK(names[23] == "II: tau_post");
  CHECK(task.candidate_block() == 1);
  const auto d = task.dataset({1, 0, 0});
  // Mean in-degree of E→E: p (N_E − 1) without autapses; 5 sd of the binomial sum over 256 neurons.
  const double expected = 0.4 * 255 * 256, sd = std::sqrt(expected * 0.6);
  CHECK(std::abs(static_cast<double>(d.recurrent[0]->size()) - expected) < 5 * sd);
}

TEST_CASE("Recurrent network: neurons in SIMD lanes give the scalar network's spikes and weights bit for bit",
          "[recurrent]") {
  const RecurrentNetworkTask task(small());
  const auto d = task.dataset({3, 0, 0});
  Eigen::MatrixXd th(24, 2);
  th.col(0) = task.vogels(10.0);
  th.col(1) = RecurrentNetworkTask::quartet(rules::vogels2011(8.0, 0.02), rules::vogels2011(6.0, 0.03),
                                            rules::vogels2011(10.0, 0.02), rules::vogels2011(5.0, 0.01));
  const auto fast = task.simulate(th, d);
  const auto reference = task.simulate_scalar(th, d);
  for (std::size_t c = 0; c < 2; ++c) {
    INFO("candidate " << c);
    REQUIRE(fast[c].exc_spikes.size() == reference[c].exc_spikes.size());
    CHECK(fast[c].exc_spikes.size() > 100);  // not vacuous
    for (std::size_t s = 0; s < fast[c].exc_spikes.size(); ++s) {
      CHECK(fast[c].exc_spikes[s].step == reference[c].exc_spikes[s].step);
      CHECK(fast[c].exc_spikes[s].neuron == reference[c].exc_spikes[s].neuron);
    }
    CHECK(fast[c].inh_spikes.size() == reference[c].inh_spikes.size());
    for (std::size_t t = 0; t < 4; ++t) CHECK(fast[c].weights[t] == reference[c].weights[t]);
    CHECK(fast[c].stability_loss == reference[c].stability_loss);
  }
  // The rules learned: every type's mean weight moved.
  for (std::size_t t = 0; t < 4; ++t) CHECK(fast[1].mean_weight_end[t] != fast[1].mean_weight_start[t]);
}

TEST_CASE("Recurrent network: the rate checker stops an exploding network with an earlier-is-worse penalty",
          "[recurrent]") {
  RecurrentNetworkConfig c = small();
  c.training_time = 1.0;
  const RecurrentNetworkTask task(c);
  const auto d = task.dataset({5, 0, 0});
  Eigen::MatrixXd th(24, 3);
  th.col(0) = task.static_rules();
  // E→E Hebbian potentiation on every spike: recurrent excitation runs away.
  Eigen::VectorXd runaway(6);
  runaway << 1.0, 1.0, 1.0, 1.0, 0.02, 0.02;
  th.col(1) = task.static_rules();
  th.col(1).head(6) = runaway;
  th.col(2) = th.col(1);
  th(4, 2) = -0.02;  // τ_pre < 0: not simulable
  const auto o = task.simulate(th, d);
  CHECK_FALSE(o[0].exploded);
  REQUIRE(o[1].exploded);
  CHECK(o[1].stopped_at_step > 0);
  CHECK(o[1].stopped_at_step < c.training_steps() + c.scoring_steps());
  CHECK(o[2].exploded);
  CHECK(o[2].stopped_at_step == 0);
  const StabilityLoss loss;
  const double cap = std::max(10.0 * 10.0 / 0.1, 90.0 * 90.0 / 100.1);
  CHECK(loss(o[0], th.col(0)) < cap);
  CHECK(loss(o[1], th.col(1)) >= cap);
  CHECK(loss(o[2], th.col(2)) > loss(o[1], th.col(1)));  // stopped earlier: worse
  CHECK(loss(o[2], th.col(2)) == 2.0 * cap);
}

TEST_CASE("Recurrent network: evaluation is the same for 1 and 2 threads (one work item per candidate)",
          "[recurrent]") {
  RecurrentNetworkConfig c = small();
  c.datasets = 2;
  const RecurrentNetworkTask task(c);
  Eigen::MatrixXd th(24, 3);
  th.col(0) = task.static_rules();
  th.col(1) = task.vogels(10.0);
  th.col(2) = task.vogels(5.0);
  const Evaluation serial = evaluate(task, StabilityLoss(), th, {.seed = 9});
  const Evaluation threads = evaluate(task, StabilityLoss(), th, {.seed = 9}, ThreadExecutor(2));
  CHECK(serial.per_dataset == threads.per_dataset);
  CHECK(serial.losses.allFinite());
  CHECK(serial.per_dataset(0, 0) != serial.per_dataset(0, 1));  // two datasets, two networks
}

TEST_CASE("Recurrent network: invalid configurations throw, naming the field and the value", "[recurrent]") {
  auto bad = [](auto change) {
    RecurrentNetworkConfig c = small();
    change(c);
    return RecurrentNetworkTask(c);
  };
  CHECK_THROWS_WITH(bad([](auto& c) { c.p = 1.5; }), Catch::Contains("p = 1.5"));
  CHECK_THROWS_WITH(bad([](auto& c) { c.exc = 0; }), Catch::Contains("exc"));
  CHECK_THROWS_WITH(bad([](auto& c) { c.w_initial[2] = 30.0; }), Catch::Contains("w_initial[IE]"));
  CHECK_THROWS_WITH(bad([](auto& c) { c.rate_tau = 0.0; }), Catch::Contains("rate_tau"));
  CHECK_THROWS_WITH(bad([](auto& c) { c.input_rate_hz = std::numeric_limits<double>::quiet_NaN(); }),
                    Catch::Contains("input_rate_hz"));
  CHECK_THROWS_WITH(bad([](auto& c) { c.rule.w_max = -1; }), Catch::Contains("rule.w_max"));
  CHECK_THROWS_WITH(bad([](auto& c) { c.exc = 1 << 20, c.inh = 1 << 20, c.p = 0.5; }),
                    Catch::Contains("expected synapses"));
  const RecurrentNetworkTask task(small());
  CHECK_THROWS_WITH(task.simulate(Eigen::MatrixXd::Zero(6, 1), {1, 0, 0}), Catch::Contains("thetas.rows()"));
}
