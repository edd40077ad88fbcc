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
#include <type_traits>
#include <vector>

#include "../core/concepts/neuron_model.hpp"
#include "../core/errors.hpp"
#include "../core/lanes.hpp"

namespace metahebb {

/// `Blocks = dynamic_blocks`: the number of blocks is given at construction (a population
/// whose size is configuration, e.g. the recurrent networks' N_E neurons in lanes).
inline constexpr std::size_t dynamic_blocks = 0;

template <class Model, std::size_t Blocks = 1>
class NeuronGroup {
  static_assert(check_spiking_neuron_model<Model>());

 public:
  using model_type = Model;
  using state_type = typename Model::state_type;
  using mask = typename Model::mask;
  using storage = std::conditional_t<Blocks == dynamic_blocks, std::vector<state_type>, std::array<state_type, Blocks>>;

  explicit NeuronGroup(Model model)
    requires(Blocks != dynamic_blocks)
      : model_(std::move(model)) {
    states_.fill(model_.resting());
  }
  NeuronGroup(Model model, std::size_t blocks)
    requires(Blocks == dynamic_blocks)
      : model_(std::move(model)), states_(blocks, model_.resting()) {
    require_count("neuron group blocks", static_cast<long long>(blocks), 1, 1LL << 32);
  }

  /// Blocks of lanes (neurons or candidates: blocks() · lanes::size_v<T> lanes).
  std::size_t blocks() const noexcept { return states_.size(); }
  const Model& model() const noexcept { return model_; }
  state_type& operator[](std::size_t i) noexcept { return states_[i]; }
  const state_type& operator[](std::size_t i) const noexcept { return states_[i]; }
  storage& states() noexcept { return states_; }
  const storage& states() const noexcept { return states_; }

  /// One dt for every block; spiked[i] receives block i's spike mask. Returns whether any lane spiked.
  bool step(mask* spiked) noexcept {
    constexpr bool fixed = Blocks != dynamic_blocks;
    const std::size_t n = fixed ? Blocks : states_.size();  // a compile-time trip count when fixed
    bool any = false;
    for (std::size_t i = 0; i < n; ++i) {
      spiked[i] = model_.step(states_[i]);
      any = any || lanes::any(spiked[i]);
    }
    return any;
  }

 private:
  Model model_;
  storage states_;
};

}  // namespace metahebb
