#pragma once
/// Neuron-model policies: how the state of a neuron (or a batch of them) evolves.
///
/// `NeuronModel`: `step(state, input)` advances `state` given this step's `input`. For a
/// linear rate neuron the state is the output rates and the input is (presynaptic rates,
/// weights); for a spiking neuron it is membrane and conductances, and the input the
/// conductance jumps of this step.
///
/// `SpikingNeuronModel` is what a NeuronGroup (simulation/neuron_group.hpp) calls: a model
/// over a lane type T (float, double or an xsimd batch: one neuron or candidate per lane)
/// whose state holds the membrane potential `v` and the conductance channels `g_exc` and
/// `g_inh` that synapse groups add their jumps into; `step(state)` then advances one dt
/// (membrane, threshold, reset, conductance decay) and returns the mask of lanes that
/// spiked. A model is a class template over T (the scalar reference and the
/// SIMD path are one model); `parameters_type` is its settings (with `dt`, `g_exc_bar`,
/// `g_inh_bar` and `validate()`).

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

template <class N>
concept SpikingNeuronModel = requires(const N& n, typename N::state_type& s, const typename N::parameters_type& p) {
  { N::name() } -> std::convertible_to<std::string_view>;
  typename N::mask;
  N(p);
  p.validate();
  { p.dt } -> std::convertible_to<double>;
  { p.g_exc_bar } -> std::convertible_to<double>;
  { p.g_inh_bar } -> std::convertible_to<double>;
  { n.resting() } -> std::same_as<typename N::state_type>;
  { n.step(s) } -> std::same_as<typename N::mask>;
  s.v;
  s.g_exc;
  s.g_inh;
};

template <class N>
constexpr bool check_spiking_neuron_model() {
  static_assert(requires { typename N::state_type; typename N::parameters_type; typename N::mask; },
                "metahebb: the spiking neuron model needs nested state_type, parameters_type and mask "
                "(lanes::mask_t<T>)");
  static_assert(requires { { N::name() } -> std::convertible_to<std::string_view>; },
                "metahebb: the spiking neuron model needs a static name()");
  if constexpr (requires { typename N::state_type; typename N::parameters_type; typename N::mask; }) {
    static_assert(requires(const typename N::parameters_type& p) {
      N(p);
      p.validate();
      { p.dt } -> std::convertible_to<double>;
      { p.g_exc_bar } -> std::convertible_to<double>;
      { p.g_inh_bar } -> std::convertible_to<double>;
    }, "metahebb: the spiking neuron model needs a constructor from parameters_type, whose members include "
       "validate(), dt, g_exc_bar and g_inh_bar");
    static_assert(requires(typename N::state_type& s) { s.v; s.g_exc; s.g_inh; },
                  "metahebb: the spiking neuron model's state_type needs members v, g_exc and g_inh "
                  "(the conductance channels synapse groups add into)");
    static_assert(requires(const N& n, typename N::state_type& s) {
      { n.resting() } -> std::same_as<typename N::state_type>;
      { n.step(s) } -> std::same_as<typename N::mask>;
    }, "metahebb: the spiking neuron model needs resting() returning state_type and step(state_type&) "
       "returning the mask of lanes that spiked");
  }
  return SpikingNeuronModel<N>;
}

}  // namespace metahebb
