#pragma once
/// Conductance-based leaky integrate-and-fire neuron (Confavreux et al. 2020, Eqs. 10–11;
/// Vogels et al. 2011):
///
///   τ_m dV/dt = −(V − V_rest) − g_E (V − E_E) − g_I (V − E_I),   conductances in units of g_leak
///   dg_E/dt = −g_E/τ_E + ḡ_E Σ_k w_k^E S_k(t),   dg_I/dt = −g_I/τ_I + ḡ_I Σ_k w_k^I S_k(t)
///
/// One step of dt: (1) this step's synaptic jumps are added to the conductances;
/// (2) with the conductances held, V relaxes *exactly* towards
///     V_∞ = (V_rest + g_E E_E + g_I E_I) / (1 + g_E + g_I) with τ_eff = τ_m / (1 + g_E + g_I);
/// (3) during the refractory period V stays clamped at V_reset; otherwise crossing V_th emits a
///     spike, resets V and clamps it for τ_ref; (4) the conductances decay exactly by e^{−dt/τ}.
/// Units: seconds, volts; conductances dimensionless (multiples of g_leak).
///
/// The kernel is written over T = float, double or an xsimd batch of them (one neuron or
/// candidate per lane); see core/lanes.hpp for why a lane equals the scalar bit for bit.

#include <cmath>
#include <cstddef>
#include <string_view>

#include "../core/concepts/neuron_model.hpp"
#include "../core/errors.hpp"
#include "../core/lanes.hpp"

namespace metahebb {

struct ConductanceLifParameters {
  double tau_m = 20e-3;        ///< membrane time constant (s)
  double v_rest = -60e-3;      ///< resting potential (V)
  double v_threshold = -50e-3; ///< spike threshold (V)
  double v_reset = -60e-3;     ///< reset potential (V); Vogels et al. reset to V_rest
  double tau_ref = 5e-3;       ///< refractory period, V clamped at v_reset (s)
  double e_exc = 0.0;          ///< excitatory reversal potential E_E (V)
  double e_inh = -80e-3;       ///< inhibitory reversal potential E_I (V)
  double g_leak = 10e-9;       ///< leak conductance (S); only used to report currents in amperes
  double g_exc_bar = 0.014;    ///< ḡ_E, conductance jump per unit excitatory weight (units of g_leak)
  double g_inh_bar = 0.035;    ///< ḡ_I, conductance jump per unit inhibitory weight (units of g_leak)
  double tau_exc = 5e-3;       ///< τ_E (s)
  double tau_inh = 10e-3;      ///< τ_I (s)
  double dt = 1e-4;            ///< integration step (s)

  void validate() const {
    require_positive("neuron.tau_m", tau_m);
    require_positive("neuron.tau_ref", tau_ref);
    require_positive("neuron.tau_exc", tau_exc);
    require_positive("neuron.tau_inh", tau_inh);
    require_positive("neuron.dt", dt);
    require_positive("neuron.g_leak", g_leak);
    require_non_negative("neuron.g_exc_bar", g_exc_bar);
    require_non_negative("neuron.g_inh_bar", g_inh_bar);
    require(dt < tau_ref, "neuron.dt", dt, "must be < tau_ref (" + detail::format_value(tau_ref) + " s)");
    for (auto [name, value] : {std::pair{"neuron.v_rest", v_rest}, {"neuron.v_threshold", v_threshold},
                               {"neuron.v_reset", v_reset}, {"neuron.e_exc", e_exc}, {"neuron.e_inh", e_inh}})
      require(std::isfinite(value), name, value, "must be finite");
    require(v_reset < v_threshold, "neuron.v_reset", v_reset,
            "must be < v_threshold (" + detail::format_value(v_threshold) + " V)");
    require(e_inh < e_exc, "neuron.e_inh", e_inh, "must be < e_exc (" + detail::format_value(e_exc) + " V)");
  }

  /// Number of whole steps the membrane stays clamped after a spike: round(τ_ref / dt).
  std::size_t refractory_steps() const { return static_cast<std::size_t>(std::lround(tau_ref / dt)); }
};

template <class T = double>
class ConductanceLif {
 public:
  using scalar = lanes::scalar_t<T>;
  using mask = lanes::mask_t<T>;
  using parameters_type = ConductanceLifParameters;

  struct state_type {
    T v;           ///< membrane potential (V)
    T g_exc;       ///< excitatory conductance (units of g_leak)
    T g_inh;       ///< inhibitory conductance (units of g_leak)
    T refractory;  ///< clamped steps left
  };
  /// Conductance jumps arriving in this step (ḡ Σ w over the spikes), units of g_leak.
  struct input_type {
    T exc = T(0);
    T inh = T(0);
  };

  static constexpr std::string_view name() noexcept { return "conductance-based LIF"; }

  explicit ConductanceLif(const ConductanceLifParameters& p = {}) : parameters_(p) {
    p.validate();
    v_rest_ = static_cast<scalar>(p.v_rest);
    v_threshold_ = static_cast<scalar>(p.v_threshold);
    v_reset_ = static_cast<scalar>(p.v_reset);
    e_exc_ = static_cast<scalar>(p.e_exc);
    e_inh_ = static_cast<scalar>(p.e_inh);
    minus_dt_over_tau_m_ = static_cast<scalar>(-p.dt / p.tau_m);
    decay_exc_ = static_cast<scalar>(std::exp(-p.dt / p.tau_exc));
    decay_inh_ = static_cast<scalar>(std::exp(-p.dt / p.tau_inh));
    refractory_steps_ = static_cast<scalar>(p.refractory_steps());
  }

  const ConductanceLifParameters& parameters() const noexcept { return parameters_; }

  /// At rest, no conductance, not refractory.
  state_type resting() const noexcept { return {T(v_rest_), T(0), T(0), T(0)}; }

  /// One step of dt with the conductances as the synapse groups left them (this step's
  /// jumps already added): (2) V relaxes towards V_∞, (3) threshold, reset, refractory
  /// clamp, (4) the conductances decay. Returns which lanes spiked. This is what a
  /// NeuronGroup calls (core/concepts/neuron_model.hpp, SpikingNeuronModel).
  mask step(state_type& s) const noexcept {
    const T g_total = (T(1) + s.g_exc) + s.g_inh;
    const T v_inf = (T(v_rest_) + s.g_exc * T(e_exc_) + s.g_inh * T(e_inh_)) / g_total;
    const T v_free = v_inf + (s.v - v_inf) * lanes::exp(g_total * T(minus_dt_over_tau_m_));
    const mask clamped = s.refractory > T(0);
    s.refractory = lanes::select(clamped, s.refractory - T(1), s.refractory);
    const mask spiked = lanes::and_not(v_free >= T(v_threshold_), clamped);
    s.v = lanes::select(lanes::either(clamped, spiked), T(v_reset_), v_free);
    s.refractory = lanes::select(spiked, T(refractory_steps_), s.refractory);
    s.g_exc *= T(decay_exc_);
    s.g_inh *= T(decay_inh_);
    return spiked;
  }

  /// The same step with this step's conductance jumps given as `in` (added first).
  mask step(state_type& s, const input_type& in) const noexcept {
    s.g_exc += in.exc;
    s.g_inh += in.inh;
    return step(s);
  }

  scalar decay_exc() const noexcept { return decay_exc_; }
  scalar decay_inh() const noexcept { return decay_inh_; }

 private:
  ConductanceLifParameters parameters_;
  scalar v_rest_{}, v_threshold_{}, v_reset_{}, e_exc_{}, e_inh_{};
  scalar minus_dt_over_tau_m_{}, decay_exc_{}, decay_inh_{}, refractory_steps_{};
};

static_assert(check_spiking_neuron_model<ConductanceLif<float>>());
static_assert(check_spiking_neuron_model<ConductanceLif<double>>());
static_assert(check_spiking_neuron_model<ConductanceLif<xsimd::batch<float>>>());

}  // namespace metahebb
