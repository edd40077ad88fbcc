// The recurrent spiking network as a probe-able network (familiarity/spiking_network.hpp): it is
// the task's network step for step, probes from a restored snapshot leave its learning
// trajectory bitwise unchanged, stimuli drive the chosen inputs, bad input is refused.
#include <catch2/catch.hpp>

#include <Eigen/Core>
#include <cmath>
#include <vector>

#include <metahebb/familiarity/spiking_experiment.hpp>
#include <metahebb/familiarity/spiking_network.hpp>

using namespace metahebb;
using namespace metahebb::familiarity;

namespace {

// 64 E, 16 I, 1000 inputs at p_in = 0.25 (the task's 250 inputs per neuron), p = 0.4.
RecurrentNetworkConfig tiny() {
  RecurrentNetworkConfig c;
  c.exc = 64;
  c.inh = 16;
  c.inputs = 1000;
  c.input_p = 0.25;
  c.training_time = 0.3;
  c.scoring_time = 0.2;
  return c;
}

// Every type learns: STDP-like pairing terms on EE, EI, II (γ per post spike × pre trace,
// κ per pre spike × post trace), Vogels et al. 2011 on I→E.
Eigen::VectorXd learning_quartet() {
  Eigen::VectorXd stdp(6);
  stdp << 0.0, 0.0, 1.0, -1.0, 0.02, 0.02;
  return RecurrentNetworkTask::quartet(stdp, stdp, rules::vogels2011(10.0, 0.02), stdp);
}

// 0.4 s background (2 windows), 0.2 s learning, tests 0.1 and 0.3 s after it, 0.05 s probes.
ProtocolConfig short_protocol() {
  ProtocolConfig p;
  p.background = 0.4;
  p.background_windows = 2;
  p.learning = 0.2;
  p.test_times = {0.1, 0.3};
  p.probe = 0.05;
  return p;
}

Stimuli stimuli_for(std::size_t inputs) {
  RandomStream stream(3, Purpose::user);
  return make_stimuli(inputs, inputs / 10, 10.0, 60.0, stream);
}

// A network that forgets to put its state back: the negative control of the bitwise test.
struct ForgetfulLoad : SpikingNetwork {
  using SpikingNetwork::SpikingNetwork;
  void load(const state_type&) {}
};

}  // namespace

TEST_CASE("the spiking network steps as the recurrent task, bit for bit", "[familiarity][spiking]") {
  const RecurrentNetworkConfig c = tiny();
  const RecurrentNetworkTask task(c);
  const Eigen::VectorXd theta = learning_quartet();
  const auto observed = task.simulate(theta, EvaluationContext{.seed = 7, .generation = 2, .dataset = 1});
  REQUIRE(observed.size() == 1);
  REQUIRE_FALSE(observed[0].exploded);
  SpikingNetwork net(c, theta, 7, 1, 2);  // (seed, dataset, candidate = the task's generation)
  const Eigen::VectorXd rates = net.run(c.steps());
  REQUIRE_FALSE(net.diverged());
  for (std::size_t t = 0; t < 4; ++t) {
    const auto w = net.weights(t);
    REQUIRE(w.size() == observed[0].weights[t].size());
    CHECK(std::equal(w.begin(), w.end(), observed[0].weights[t].begin()));
    // the rule did something: not every weight is still the initial one
    CHECK(std::any_of(w.begin(), w.end(), [&](float x) { return x != static_cast<float>(c.w_initial[t]); }));
  }
  // The E rate over the whole run agrees with the task's over its scoring window to within a
  // factor of two (different windows of one run; a check that the readout counts E spikes in Hz).
  CHECK(rates.mean() > 0.5 * observed[0].rate_e_hz);
  CHECK(rates.mean() < 2.0 * observed[0].rate_e_hz + 1.0);
}

TEST_CASE("spiking probes from a restored snapshot leave the learning trajectory bitwise unchanged", "[familiarity][spiking]") {
  const RecurrentNetworkConfig c = tiny();
  const Eigen::VectorXd theta = learning_quartet();
  const Stimuli s = stimuli_for(c.inputs);
  ProtocolConfig with = short_protocol(), without = short_protocol();
  without.probes = false;

  SpikingNetwork probed(c, theta, 5, 0, 0), plain(c, theta, 5, 0, 0);
  const Eigen::VectorXd w0 = plain.weights();
  const Record a = run_protocol(probed, with, s);
  const Record b = run_protocol(plain, without, s);
  REQUIRE_FALSE(plain.diverged());
  REQUIRE(a.novel.size() == 2);
  CHECK(b.novel.empty());
  CHECK(probed.steps_taken() == plain.steps_taken());
  CHECK(probed.spike_hash() == plain.spike_hash());
  CHECK(probed.weights() == plain.weights());
  CHECK(a.segment_rates == b.segment_rates);
  CHECK(plain.weights() != w0);  // learning happened, so a disturbance would show

  // Negative control: a load that does not restore leaves the probes' spikes and weight changes in.
  ForgetfulLoad forgetful(c, theta, 5, 0, 0);
  run_protocol(forgetful, with, s);
  CHECK(forgetful.spike_hash() != plain.spike_hash());
  CHECK(forgetful.weights() != plain.weights());
}

TEST_CASE("spiking probes: one stimulus twice from one state answers alike, the stimulus drives its inputs", "[familiarity][spiking]") {
  const RecurrentNetworkConfig c = tiny();
  SpikingNetwork net(c, learning_quartet(), 9, 0, 0);
  const Stimuli s = stimuli_for(c.inputs);
  net.set_input(s.background);
  const Eigen::VectorXd background = net.run(2000);
  const auto saved = net.save();
  net.set_input(s.familiar);
  const Eigen::VectorXd first = net.run(1000);
  net.load(saved);
  net.set_input(s.familiar);
  const Eigen::VectorXd second = net.run(1000);
  CHECK(first == second);
  net.load(saved);
  net.set_input(s.novel);
  const Eigen::VectorXd novel = net.run(1000);
  CHECK(novel != first);  // other inputs, other neurons answer
  // 100 of 1000 inputs at 60 instead of 10 Hz: 1.5 times the input spikes; the E rate rises
  // well above the background's (the margin 1.2 is far from the fluctuation of a 0.1 s window
  // of 64 neurons at this rate).
  CHECK(first.mean() > 1.2 * background.mean());
  // set_input with the rates already set changes nothing.
  net.load(saved);
  const auto before = net.save();
  net.set_input(s.background);
  const Eigen::VectorXd once = net.run(500);
  net.load(before);
  CHECK(once == net.run(500));
}

TEST_CASE("spiking network: bad input is refused naming the field", "[familiarity][spiking]") {
  const RecurrentNetworkConfig c = tiny();
  CHECK_THROWS_WITH(SpikingNetwork(c, Eigen::VectorXd::Zero(23), 1), Catch::Contains("spiking.theta.size()"));
  SpikingNetwork net(c, learning_quartet(), 1);
  CHECK_THROWS_WITH(net.set_input(Eigen::VectorXd::Constant(5, 10.0)), Catch::Contains("spiking.rates.size()"));
  Eigen::VectorXd rates = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(c.inputs), 10.0);
  rates[3] = -1.0;
  CHECK_THROWS_WITH(net.set_input(rates), Catch::Contains("spiking.rates[3]"));
  for (Eigen::Index j = 0; j < 10; ++j) rates[j] = 20.0 + static_cast<double>(j);
  CHECK_THROWS_WITH(net.set_input(rates), Catch::Contains("distinct rates"));
  SpikingExperimentConfig e;
  e.active = 4000;
  CHECK_THROWS_WITH(e.validate(), Catch::Contains("active"));
}

TEST_CASE("spiking stability: an exploding quartet fails, a quiet static network passes", "[familiarity][spiking]") {
  SpikingExperimentConfig e;
  e.network = tiny();
  e.sizes = {64};
  e.protocol.background = 4.0;  // two windows of 2 s (the E rate of 64 neurons fluctuates by ~30 % over 0.5 s)
  e.protocol.background_windows = 2;
  e.active = 100;
  const RecurrentNetworkTask task(e.network);
  CHECK(screen(e, task.static_rules()));  // nothing learns: the rates and weights stay put
  // E→E potentiates by η·20 = 0.2 on every pre and post spike: runaway excitation.
  Eigen::VectorXd grow(6);
  grow << 20.0, 20.0, 0.0, 0.0, 0.02, 0.02;
  const Eigen::VectorXd none = SpikeTraceRule{}.inert_theta();
  const Eigen::VectorXd runaway = RecurrentNetworkTask::quartet(grow, none, none, none);
  CHECK_FALSE(screen(e, runaway));
  auto net = e.make_network(64, runaway, 0, 0);
  StabilityWatcher watch(e.stability, 2);
  net.set_input(e.stimuli(64, 0, 0).background);
  watch("background", net, net.run(5000));
  watch("background", net, net.run(5000));
  CHECK_FALSE(watch.stable());
  INFO(watch.reason());
  CHECK(watch.reason().find("background") != std::string::npos);
}

TEST_CASE("spiking static control: no plasticity at all keeps the initial weights bit for bit", "[familiarity][spiking]") {
  const RecurrentNetworkConfig c = tiny();
  const Stimuli stimuli = stimuli_for(c.inputs);
  SpikingNetwork plastic(c, learning_quartet(), 5), fixed(c, learning_quartet(), 5);
  const Eigen::VectorXd initial = fixed.weights();
  ProtocolConfig p = short_protocol();
  run_protocol(plastic, p, stimuli);
  p.static_network = true;
  const Record record = run_protocol(fixed, p, stimuli);
  CHECK(plastic.weights() != initial);  // the quartet learns: the comparison below can fail
  CHECK(fixed.weights() == initial);
  CHECK(record.novel.size() == p.test_times.size());
}

TEST_CASE("spiking filters of the reference: CV_ISI and the final mean weights", "[familiarity][spiking]") {
  SpikingExperimentConfig e;
  e.network = tiny();
  e.sizes = {64};
  const RecurrentNetworkTask task(e.network);
  auto net = e.make_network(64, task.static_rules(), 0, 0);
  net.set_input(e.stimuli(64, 0, 0).background);
  net.run(2);
  CHECK(std::isnan(net.cv_isi()));  // no neuron spikes 4 times in 0.2 ms
  net.run(10000);                   // 1 s
  const double cv = net.cv_isi();
  INFO("CV_ISI " << cv);
  // A CV is >= 0; irregular input-driven firing of a few Hz lies well inside (0, 2).
  CHECK(cv > 0.0);
  CHECK(cv < 2.0);
  const Eigen::VectorXd means = net.mean_weights();
  for (std::size_t t = 0; t < 4; ++t) {  // static rules: the task's initial weights, exactly
    CHECK(means[static_cast<Eigen::Index>(t)] == Approx(e.network.w_initial[t]).epsilon(1e-6));  // float storage
  }
  auto judged = [&](StabilityCriterion criterion) {
    StabilityWatcher watch(criterion, 1);
    watch("background", net, net.run(5000));
    watch.finish(net);
    return watch;
  };
  StabilityCriterion loose = e.stability;
  loose.settle = 1.0;
  CHECK(judged(loose).stable());
  StabilityCriterion cv_filter = loose;
  cv_filter.min_cv_isi = 5.0;  // above any CV of this network
  CHECK_FALSE(judged(cv_filter).stable());
  CHECK(judged(cv_filter).reason().find("CV_ISI") != std::string::npos);
  StabilityCriterion weight_filter = loose;
  weight_filter.max_mean_weight = {0.5, 0.5, 5, 5};  // the reference's bounds: the initial weights meet them
  CHECK(judged(weight_filter).stable());
  weight_filter.max_mean_weight = {0.05, 0.5, 5, 5};  // below the initial EE weight 0.1
  CHECK_FALSE(judged(weight_filter).stable());
  CHECK(judged(weight_filter).reason().find("mean weight of type 0") != std::string::npos);
  weight_filter.max_mean_weight = {0.5, 0.5};
  CHECK_THROWS_WITH(judged(weight_filter), Catch::Contains("max_mean_weight.size()"));
  StabilityCriterion bad;
  bad.min_cv_isi = -1;
  CHECK_THROWS_WITH(bad.validate(), Catch::Contains("min_cv_isi"));
}
