#pragma once
/// A group of neurons: the state of `Blocks` values of the lane type T (each lane one
/// neuron, or one candidate's copy of a neuron), advanced one dt by a SpikingNeuronModel.
///
///   NeuronGroup<ConductanceLif<B>, 4> post(ConductanceLif<B>(parameters));
///   synapses.deliver(…, post.states(), &state_type::g_inh);   // this step's jumps
///   const bool any = post.step(spiked);                        // membrane, reset, decay
///
/// The group owns no policy of its own: what happens in a step is the model's; synapse
/// groups add into the state's conductance channels before the step. The state is a
/// plain value, so copying the group is a snapshot (simulation/snapshot.hpp). The number
/// of blocks is a compile-time constant: a group that is a local variable of a simulation
/// loop then lives in registers (a heap-allocated state costs ~40 % on the scalar path).

#include <array>
#include <cstddef>

#include "../core/concepts/neuron_model.hpp"
#include "../core/lanes.hpp"

namespace metahebb {

template <class Model, std::size_t Blocks = 1>
class NeuronGroup {
  static_assert(check_spiking_neuron_model<Model>());

 public:
  using model_type = Model;
  using state_type = typename Model::state_type;
  using mask = typename Model::mask;

  static constexpr std::size_t blocks = Blocks;
  static_assert(Blocks >= 1, "metahebb: a neuron group needs at least one block");

  explicit NeuronGroup(Model model) : model_(std::move(model)) { states_.fill(model_.resting()); }

  const Model& model() const noexcept { return model_; }
  state_type& operator[](std::size_t i) noexcept { return states_[i]; }
  const state_type& operator[](std::size_t i) const noexcept { return states_[i]; }
  std::array<state_type, Blocks>& states() noexcept { return states_; }
  const std::array<state_type, Blocks>& states() const noexcept { return states_; }

  /// One dt for every block; spiked[i] receives block i's spike mask. Returns whether any lane spiked.
  bool step(mask* spiked) noexcept {
    bool any = false;
    for (std::size_t i = 0; i < Blocks; ++i) {
      spiked[i] = model_.step(states_[i]);
      any = any || lanes::any(spiked[i]);
    }
    return any;
  }

 private:
  Model model_;
  std::array<state_type, Blocks> states_;
};

}  // namespace metahebb
