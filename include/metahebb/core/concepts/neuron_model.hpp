#pragma once
/// Neuron-model policy: how the state of a neuron (or a batch of them) evolves.
///
/// `step(state, input)` advances `state` given this step's `input`. For a linear
/// rate neuron the state is the output rates and the input is (presynaptic rates,
/// weights); for a spiking neuron it is membrane potential and conductances.

#include <concepts>
#include <string_view>

namespace metahebb {

template <class N>
concept NeuronModel = requires(const N& n, typename N::state_type& s, const typename N::input_type& in) {
  { N::name() } -> std::convertible_to<std::string_view>;
  n.step(s, in);
};

template <class N>
constexpr bool check_neuron_model() {
  static_assert(requires { typename N::state_type; },
                "metahebb: the neuron model needs a nested state_type");
  static_assert(requires { typename N::input_type; },
                "metahebb: the neuron model needs a nested input_type");
  static_assert(requires { { N::name() } -> std::convertible_to<std::string_view>; },
                "metahebb: the neuron model needs a static name()");
  if constexpr (requires { typename N::state_type; typename N::input_type; }) {
    static_assert(requires(const N& n, typename N::state_type& s, const typename N::input_type& in) { n.step(s, in); },
                  "metahebb: the neuron model needs step(state_type&, const input_type&)");
  }
  return NeuronModel<N>;
}

}  // namespace metahebb
