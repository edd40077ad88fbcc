#pragma once
/// What a neuron model offers to event rules that read the postsynaptic neuron's state
/// (core/concepts/event_rule.hpp, "rules that read the postsynaptic neuron"): one value per
/// postsynaptic neuron, copied out of the neuron group after its step. Provided by
/// CodependentAif (neurons/codependent_aif.hpp), read by MlpSpikeRule (rules/mlp_spike.hpp).

namespace metahebb {

template <class Scalar>
struct PostFactors {
  Scalar v_trace = Scalar(0);  ///< V̄, the low-passed membrane potential (V)
  Scalar c_exc = Scalar(0);    ///< C_exc, the low-passed excitatory drive g_E (E_E − V) (V)
  Scalar c_inh = Scalar(0);    ///< C_inh, the low-passed inhibitory drive (g_I + g_a)(V − E_I) (V)
};

}  // namespace metahebb
