#pragma once
/// A learned spike-trace rule with the settings it was learned under: what the exporters
/// (io/export_brian2.hpp, io/export_nestml.hpp) need to reproduce it in another simulator.

#include <Eigen/Core>
#include <cmath>
#include <cstdio>
#include <string>

#include "../core/errors.hpp"
#include "../rules/spike_trace.hpp"

namespace metahebb::io {

struct LearnedSpikeTraceRule {
  Eigen::VectorXd theta;     ///< (α, β, γ, κ, τ_pre, τ_post), time constants in seconds
  double eta = 1e-2;         ///< learning rate η: Δw = η(α + κ x_post) on pre, η(β + γ x_pre) on post
  double w_max = 100.0;      ///< weights are clipped to [0, w_max] after every update
  double w_initial = 0.1;    ///< initial weight
  double g_bar = 0.035;      ///< conductance jump per unit weight, in units of the leak conductance
  double g_leak = 10e-9;     ///< leak conductance (S), to express g_bar in siemens for NEST

  /// The rule with its settings (η, w_max), its initial weight, and the ḡ_I and g_leak of
  /// the neuron it drives: `from(rule, w_initial, neuron_parameters, θ)`.
  template <class NeuronParameters>
  static LearnedSpikeTraceRule from(const SpikeTraceRule& settings, double w_initial, const NeuronParameters& neuron,
                                    Eigen::VectorXd theta) {
    LearnedSpikeTraceRule rule{std::move(theta), settings.eta, settings.w_max, w_initial, neuron.g_inh_bar,
                               neuron.g_leak};
    rule.validate();
    return rule;
  }
  /// The rule as a task configuration simulates it: anything with `rule` (SpikeTraceRule),
  /// `w_inh_initial` and `neuron` (with g_inh_bar, g_leak), e.g. InhibitoryBalanceConfig.
  template <class Config>
    requires requires(const Config& c) { c.rule; c.w_inh_initial; c.neuron.g_inh_bar; c.neuron.g_leak; }
  static LearnedSpikeTraceRule from(const Config& config, Eigen::VectorXd theta) {
    return from(config.rule, config.w_inh_initial, config.neuron, std::move(theta));
  }

  /// The rule's settings as the simulator's component.
  SpikeTraceRule settings() const { return {eta, w_max}; }

  void validate() const {
    require(SpikeTraceBasis::simulable(theta), "rule.theta", theta.size() == 6 ? "(non-finite or tau <= 0)" : "(size != 6)",
            "must hold 6 finite values (alpha, beta, gamma, kappa, tau_pre, tau_post) with tau_pre, tau_post > 0");
    require_positive("rule.eta", eta);
    require_positive("rule.w_max", w_max);
    require(std::isfinite(w_initial) && w_initial >= 0.0 && w_initial <= w_max, "rule.w_initial", w_initial,
            "must be in [0, w_max]");
    require_non_negative("rule.g_bar", g_bar);
    require_positive("rule.g_leak", g_leak);
  }
};

namespace detail {
/// A double as text that reads back to the same value in Python and NESTML.
inline std::string exact(double value) {
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}
}  // namespace detail

}  // namespace metahebb::io
