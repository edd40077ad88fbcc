// A network composed from the simulation layer's parts (no task), driven through a
// Protocol, probed from a snapshot and restored: the probe must leave no trace.
#include <catch2/catch.hpp>

#include <cstdint>
#include <metahebb/core/random.hpp>
#include <metahebb/inputs/vogels_input.hpp>
#include <metahebb/neurons/conductance_lif.hpp>
#include <metahebb/rules/spike_trace.hpp>
#include <metahebb/simulation/lane_block.hpp>
#include <metahebb/simulation/neuron_group.hpp>
#include <metahebb/simulation/protocol.hpp>
#include <metahebb/simulation/snapshot.hpp>
#include <metahebb/simulation/synapse_group.hpp>
#include <vector>

using namespace metahebb;

namespace {
using Neuron = ConductanceLif<float>;
using State = Neuron::state_type;

// One LIF neuron with tuned excitation and plastic inhibition (the §3.3 circuit), built by hand.
struct Circuit {
  NeuronGroup<Neuron, 1> neuron;
  FixedSynapses<float> excitatory;
  PlasticSynapses<SpikeTraceRule, float, 1> inhibitory;
  std::size_t spikes = 0;

  Circuit(const ConductanceLifParameters& p, const VogelsInputConfig& input, const std::vector<double>& w_exc,
          const Eigen::MatrixXd& theta)
      : neuron(Neuron(p)), excitatory(w_exc, p.g_exc_bar),
        inhibitory(pack_lanes<float, 1>(SpikeTraceRule{}, theta, 0, p.dt).kernels, input.num_inh(), 0.1, p.g_inh_bar,
                   p.dt) {}

  // Step n of `in`; `extra_exc` adds a stimulus conductance (a probe) before the membrane step.
  void step(const InputSpikes& in, std::size_t n, float extra_exc = 0.0f) {
    excitatory.deliver(&in.exc_index[in.exc_offset[n]], &in.exc_index[in.exc_offset[n + 1]], neuron.states(),
                       &State::g_exc);
    neuron[0].g_exc += extra_exc;
    for (auto s = in.inh_offset[n]; s < in.inh_offset[n + 1]; ++s)
      inhibitory.on_pre(in.inh_index[s], n, neuron.states(), &State::g_inh);
    bool spiked[1];
    if (neuron.step(spiked)) {
      inhibitory.on_post(n, spiked);
      ++spikes;
    }
    inhibitory.decay();
  }
};
}  // namespace

TEST_CASE("Protocol: phases as step ranges, errors name the phase", "[protocol]") {
  const Protocol p(1e-4, {{"training", 2.0, true}, {"break", 0.5, false}, {"probe", 0.25, true}});
  CHECK(p.steps() == 27500);
  CHECK(p.begin("break") == 20000);
  CHECK(p.end("break") == 25000);
  CHECK(p.begin(2) == 25000);
  CHECK(p.phase_at(0).name == "training");
  CHECK(p.phase_at(19999).name == "training");
  CHECK(p.phase_at(20000).name == "break");
  CHECK_FALSE(p.phase_at(24999).plastic);
  CHECK(p.phase_at(27499).name == "probe");
  CHECK_THROWS_WITH(p.phase_at(27500), Catch::Contains("protocol step") && Catch::Contains("27500"));
  CHECK_THROWS_WITH(p.begin("scoring"), Catch::Contains("scoring") && Catch::Contains("no phase"));
  CHECK_THROWS_WITH(Protocol(1e-4, {{"a", 1.0}, {"a", 1.0}}), Catch::Contains("must be unique"));
  CHECK_THROWS_WITH(Protocol(1e-4, {{"a", -1.0}}), Catch::Contains("'a' duration") && Catch::Contains("-1"));
  CHECK_THROWS_WITH(Protocol(1e-4, {{"a", 1e-6}}), Catch::Contains("at least one step"));
  CHECK_THROWS_WITH(Protocol(1e-4, {{"", 1.0}}), Catch::Contains("name"));
  CHECK_THROWS_WITH(Protocol(0.0, {{"a", 1.0}}), Catch::Contains("protocol.dt"));
  CHECK_THROWS_WITH(Protocol(1e-4, {}), Catch::Contains("phases.size()"));
}

TEST_CASE("Snapshot and restore: a probe from a saved state leaves the learning trajectory bit for bit unchanged",
          "[snapshot]") {
  const ConductanceLifParameters neuron;
  const VogelsInputConfig input;
  const Protocol protocol(neuron.dt, {{"learning", 2.0, true}, {"break", 1.0, true}});
  RandomStream stream(7, Purpose::dataset);
  const InputSpikes in = generate_vogels_input(input, protocol.steps(), neuron.dt, stream);
  RandomStream weights(7, Purpose::initial_weights);
  const std::vector<double> w_exc = vogels_excitatory_weights(input, weights);
  const Eigen::MatrixXd theta = rules::vogels2011(5.0, 0.02);

  // Reference: the protocol straight through.
  Circuit straight(neuron, input, w_exc, theta);
  for (std::size_t n = 0; n < protocol.steps(); ++n) straight.step(in, n);

  // The same, probed at the start of the break: save, drive the neuron hard for 0.2 s (plasticity
  // on), restore, probe again with the same drive, restore, continue.
  Circuit probed(neuron, input, w_exc, theta);
  const std::size_t at = protocol.begin("break"), probe_steps = 2000;
  for (std::size_t n = 0; n < at; ++n) probed.step(in, n);
  const auto saved = snapshot(probed.neuron, probed.inhibitory);
  const std::size_t spikes_before = probed.spikes;
  std::vector<std::size_t> responses;
  for (int probe = 0; probe < 2; ++probe) {
    for (std::size_t n = at; n < at + probe_steps; ++n) probed.step(in, n, 0.05f);
    responses.push_back(probed.spikes - spikes_before);
    // The probe did change the network (weights learned during it), so restoring has work to do.
    CHECK(probed.inhibitory.weights() != std::get<1>(saved.parts).weights());
    restore(saved, probed.neuron, probed.inhibitory);
    probed.spikes = spikes_before;
  }
  CHECK(responses[0] == responses[1]);  // both probes started from the same state
  for (std::size_t n = at; n < protocol.steps(); ++n) probed.step(in, n);

  CHECK(probed.spikes == straight.spikes);
  CHECK(probed.inhibitory.weights() == straight.inhibitory.weights());  // bit for bit
  CHECK(probed.neuron[0].v == straight.neuron[0].v);
  // The drive is a real stimulus: it raises the response well above the unprobed network's.
  Circuit quiet(neuron, input, w_exc, theta);
  for (std::size_t n = 0; n < at; ++n) quiet.step(in, n);
  const std::size_t quiet_before = quiet.spikes;
  for (std::size_t n = at; n < at + probe_steps; ++n) quiet.step(in, n);
  CHECK(responses[0] > 2 * (quiet.spikes - quiet_before));
}
