// The familiarity protocol (familiarity/protocol.hpp): probing from a restored snapshot does not
// disturb learning, both probes start from one state, the frozen control does not learn.
#include <catch2/catch.hpp>

#include <Eigen/Core>
#include <vector>

#include <metahebb/familiarity/protocol.hpp>
#include <metahebb/familiarity/rate_network.hpp>

using namespace metahebb;
using namespace metahebb::familiarity;

namespace {

// A short protocol: 2 s background, 1 s learning, tests 0.2, 0.5 and 1 s after it, 0.1 s probes.
ProtocolConfig short_protocol() {
  ProtocolConfig p;
  p.background = 2.0;
  p.background_windows = 2;
  p.learning = 1.0;
  p.test_times = {0.2, 0.5, 1.0};
  p.probe = 0.1;
  return p;
}

// A rule that learns visibly on both networks: dw/dt = η (pre·post − post² w + 0.5 − 0.5 w).
Eigen::VectorXd learning_rule(const RateNetworkConfig& c) {
  const VolterraBasis basis = c.basis();
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(basis.size()));
  theta[static_cast<Eigen::Index>(basis.index_of({1, 1, 0}))] = 1.0;
  theta[static_cast<Eigen::Index>(basis.index_of({0, 2, 1}))] = -1.0;
  theta[static_cast<Eigen::Index>(basis.index_of({0, 0, 0}))] = 0.5;
  theta[static_cast<Eigen::Index>(basis.index_of({0, 0, 1}))] = -0.5;
  return theta.replicate(static_cast<Eigen::Index>(c.groups), 1);
}

Stimuli stimuli_for(std::size_t n) {
  RandomStream stream(3, Purpose::user);
  return make_stimuli(n, n / 4, 1.0, 3.0, stream);
}

// A network that forgets to put its state back: the negative control of the bitwise test.
struct ForgetfulLoad : RateNetwork {
  using RateNetwork::RateNetwork;
  void load(const state_type&) {}
};

}  // namespace

TEST_CASE("probes from a restored snapshot leave the learning trajectory bitwise unchanged", "[familiarity]") {
  for (RateNetworkKind kind : {RateNetworkKind::feedforward, RateNetworkKind::recurrent}) {
    RateNetworkConfig c;
    c.kind = kind;
    c.neurons = 12;
    c.groups = 2;
    const Eigen::VectorXd theta = learning_rule(c);
    const Stimuli s = stimuli_for(c.neurons);
    ProtocolConfig with = short_protocol(), without = short_protocol();
    without.probes = false;

    RateNetwork probed(c, theta, 5, 1), unprobed(c, theta, 5, 1);
    const Eigen::MatrixXd initial = probed.weights();
    const Record a = run_protocol(probed, with, s);
    const Record b = run_protocol(unprobed, without, s);
    INFO(to_string(kind));
    REQUIRE(a.novel.size() == 3);
    CHECK(b.novel.empty());
    CHECK((probed.weights().array() != initial.array()).any());  // the rule did learn
    CHECK((probed.weights().array() == unprobed.weights().array()).all());
    CHECK(a.segment_rates == b.segment_rates);
    CHECK((probed.save().y.array() == unprobed.save().y.array()).all());

    // The comparison can fail: without the restore, probing changes the trajectory.
    ForgetfulLoad forgetful(c, theta, 5, 1);
    run_protocol(forgetful, with, s);
    CHECK((forgetful.weights().array() != unprobed.weights().array()).any());
  }
}

TEST_CASE("both probes start from the same state, noise included", "[familiarity]") {
  RateNetworkConfig c;
  c.kind = RateNetworkKind::recurrent;
  c.neurons = 10;
  Stimuli s = stimuli_for(c.neurons);
  s.novel = s.familiar;  // the same stimulus twice: the responses must be equal bit for bit
  RateNetwork net(c, learning_rule(c), 2, 0);
  const Record r = run_protocol(net, short_protocol(), s);
  for (std::size_t k = 0; k < r.test_times.size(); ++k) {
    CHECK(r.novel[k].mean == r.familiar[k].mean);
    CHECK(r.novel[k].spread == r.familiar[k].spread);
    CHECK(r.delta_rate(k) == 0.0);
  }
  // with different stimuli the responses differ (the probes do see their stimulus)
  RateNetwork other(c, learning_rule(c), 2, 0);
  const Record d = run_protocol(other, short_protocol(), stimuli_for(c.neurons));
  CHECK(d.novel[0].mean != d.familiar[0].mean);
}

TEST_CASE("the frozen control keeps the weights the background left", "[familiarity]") {
  RateNetworkConfig c;
  c.neurons = 8;
  ProtocolConfig p = short_protocol();
  p.frozen_after_background = true;
  RateNetwork net(c, learning_rule(c), 4, 0);
  Eigen::MatrixXd after_background;
  int windows = 0;
  run_protocol(net, p, stimuli_for(c.neurons), [&](const std::string& phase, const RateNetwork& n, const Eigen::VectorXd&) {
    if (phase == "background" && ++windows == 2) after_background = n.weights();
  });
  REQUIRE(after_background.size() == 64);
  CHECK((net.weights().array() == after_background.array()).all());
}

TEST_CASE("the protocol refuses bad settings before running", "[familiarity]") {
  RateNetworkConfig c;
  c.neurons = 8;
  RateNetwork net(c, learning_rule(c), 1, 0);
  const Stimuli s = stimuli_for(8);
  ProtocolConfig p = short_protocol();
  p.test_times = {1.0, 0.5};
  CHECK_THROWS_WITH(run_protocol(net, p, s), Catch::Contains("familiarity.test_times[1] = 0.5"));
  p = short_protocol();
  p.probe = 0.001;  // shorter than dt = 0.02 s
  CHECK_THROWS_WITH(run_protocol(net, p, s), Catch::Contains("familiarity.probe = 0.001"));
  p = short_protocol();
  p.test_times = {0.2, 0.205};  // both round to step 10 at dt = 0.02 s
  CHECK_THROWS_WITH(run_protocol(net, p, s), Catch::Contains("at least one step after"));
  CHECK_THROWS_WITH(run_protocol(net, short_protocol(), stimuli_for(10)), Catch::Contains("stimuli size = 10"));
}

TEST_CASE("stimuli drive disjoint subsets of the same size", "[familiarity]") {
  RandomStream stream(9, Purpose::user);
  const Stimuli s = make_stimuli(40, 10, 1.0, 3.0, stream);
  CHECK((s.background.array() == 1.0).all());
  CHECK((s.familiar.array() == 3.0).count() == 10);
  CHECK((s.novel.array() == 3.0).count() == 10);
  CHECK(((s.familiar.array() == 3.0) && (s.novel.array() == 3.0)).count() == 0);
  RandomStream again(9, Purpose::user);
  CHECK(make_stimuli(40, 10, 1.0, 3.0, again).familiar == s.familiar);
  CHECK_THROWS_WITH(make_stimuli(40, 21, 1.0, 3.0, stream), Catch::Contains("stimuli.active = 21"));
  CHECK_THROWS_WITH(make_stimuli(40, 10, 1.0, 0.5, stream), Catch::Contains("stimuli.stimulus_rate = 0.5"));
}
