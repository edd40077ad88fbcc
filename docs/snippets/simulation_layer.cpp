// The §3.3 network composed by hand from the simulation layer: it gives the task's spikes bit
// for bit, and a snapshot of its parts replays it exactly (docs/architecture.md).
#include <metahebb/simulation/lane_block.hpp>
#include <metahebb/simulation/neuron_group.hpp>
#include <metahebb/simulation/snapshot.hpp>
#include <metahebb/simulation/synapse_group.hpp>
#include <metahebb/tasks/inhibitory_balance.hpp>

#include <cstdint>
#include <vector>

using namespace metahebb;

// Candidates in the lanes of T (`Blocks` values of T), all driven by one shared input.
template <class T, std::size_t Blocks>
struct Network {
  using Neuron = ConductanceLif<T>;
  using state = typename Neuron::state_type;

  NeuronGroup<Neuron, Blocks> neuron;
  FixedSynapses<float> excitatory;                     // shared weights, not plastic
  PlasticSynapses<SpikeTraceRule, T, Blocks> inhibitory;  // one weight per afferent and lane
  std::vector<std::vector<std::uint32_t>> spikes = std::vector<std::vector<std::uint32_t>>(Blocks * lanes::size_v<T>);

  // One step n, in the task's order: input → conductances (+ the rule's on_pre), the neuron
  // model's step, the rule's on_post on postsynaptic spikes, the postsynaptic trace decay.
  void step(const InputSpikes& in, std::size_t n) {
    excitatory.deliver(&in.exc_index[in.exc_offset[n]], &in.exc_index[in.exc_offset[n + 1]], neuron.states(),
                       &state::g_exc);
    for (std::uint32_t s = in.inh_offset[n]; s < in.inh_offset[n + 1]; ++s)
      inhibitory.on_pre(in.inh_index[s], n, neuron.states(), &state::g_inh);
    typename Neuron::mask spiked[Blocks];
    if (neuron.step(spiked)) {
      inhibitory.on_post(n, spiked);
      for (std::size_t l = 0; l < spikes.size(); ++l)
        if (lanes::mask_lane(spiked[l / lanes::size_v<T>], l % lanes::size_v<T>))
          spikes[l].push_back(static_cast<std::uint32_t>(n));
    }
    inhibitory.decay();
  }
};

int main() {
  InhibitoryBalanceConfig c;
  c.training_time = 1.0;
  c.scoring_time = 1.0;
  c.window = 1.0;
  c.datasets = 1;
  const InhibitoryBalanceTask task(c);
  const InhibitoryBalanceDataset d = task.dataset({.seed = 11});  // input spikes, excitatory weights

  Eigen::MatrixXd thetas(6, 8);
  for (int k = 0; k < 8; ++k) thetas.col(k) = rules::vogels2011(2.0 + k, 0.02);

  using T = lanes::batch_for_t<float, 8>;  // 8 candidates: one AVX batch, or two SSE batches
  constexpr std::size_t blocks = 8 / lanes::size_v<T>;
  const auto packed = pack_lanes<T, blocks>(c.rule, thetas, 0, c.neuron.dt);  // θ of each lane
  Network<T, blocks> net{NeuronGroup<ConductanceLif<T>, blocks>(ConductanceLif<T>(c.neuron)),
                         FixedSynapses<float>(d.w_exc, c.neuron.g_exc_bar),
                         PlasticSynapses<SpikeTraceRule, T, blocks>(packed.kernels, c.input.num_inh(), c.w_inh_initial,
                                                                    c.neuron.g_inh_bar, c.neuron.dt)};

  const std::size_t half = d.window_end / 2;
  for (std::size_t n = 0; n < half; ++n) net.step(d.spikes, n);
  const auto saved = snapshot(net.neuron, net.inhibitory, net.spikes);  // plain values: copies
  for (std::size_t n = half; n < d.window_end; ++n) net.step(d.spikes, n);

  // The task (16 lanes, its own loop over the same layer) gives the same spikes, bit for bit.
  const auto observed = task.simulate(thetas, d);
  for (std::size_t k = 0; k < 8; ++k)
    if (observed[k].spike_steps != net.spikes[k] || net.spikes[k].empty()) return 1;

  // Restored from the snapshot, the network runs the second half again, bit for bit.
  const auto first_run = net.spikes;
  restore(saved, net.neuron, net.inhibitory, net.spikes);
  for (std::size_t n = half; n < d.window_end; ++n) net.step(d.spikes, n);
  return net.spikes == first_run ? 0 : 1;
}
