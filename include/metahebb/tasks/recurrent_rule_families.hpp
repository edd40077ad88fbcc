#pragma once
/// Rule families of the recurrent E/I network (tasks/recurrent_network.hpp): which synapse
/// types learn, with which event rule, and the family's defaults. A family F has
///   F::rule_type                 an EventRule (core/concepts/event_rule.hpp)
///   F::plastic                   std::array<bool, 4>: EE, EI, IE, II (pre → post)
///   F::default_rule()            the rule's settings
///   F::default_max_rate_hz       the rate checker's bound
/// θ is the plastic types' rule coefficients, in EE, EI, IE, II order; the other types are
/// static projections.
///
///   PolynomialFamily: the 6-parameter spike-trace rule on all four types (filter SBI "6pPol";
///     fSBI tasks_configs/bg_IF_EEEIIEII_6pPol.yaml: η 0.01, w_max 20, RateChecker 100 Hz), 24 θ.
///   MlpFamily: the MLP rule (rules/mlp_spike.hpp) on E→E and I→E, E→I and I→I static
///     (filter SBI "T4wvceciMLP"; fSBI tasks_configs/bg_CVAIF_EEIE_T4wvceciMLP.yaml con_type
///     [ee, ie], wmax 20, max_rate_checker 50 Hz), 2 × 11 = 22 θ; its neuron is CodependentAif,
///     which provides the rule's postsynaptic factors.

#include <array>

#include "../rules/mlp_spike.hpp"
#include "../rules/spike_trace.hpp"

namespace metahebb {

struct PolynomialFamily {
  using rule_type = SpikeTraceRule;
  static constexpr std::array<bool, 4> plastic{true, true, true, true};
  static constexpr double default_max_rate_hz = 100.0;
  static rule_type default_rule() { return {.eta = 0.01, .w_max = 20.0}; }
};

struct MlpFamily {
  using rule_type = MlpSpikeRule;
  static constexpr std::array<bool, 4> plastic{true, false, true, false};
  static constexpr double default_max_rate_hz = 50.0;
  static rule_type default_rule() { return {}; }  // w_max 20, τ 10/100 ms, fSBI's input scales
};

}  // namespace metahebb
