// The excitatory AMPA + NMDA channel shared by the conductance neurons with NMDA
// (AmpaNmdaGabaIf, CodependentAif): how g_E splits between the channels and the exact gain by
// which AMPA feeds NMDA over one step. Set-up time only (both models store the results).
//
//   g_E = a_AMPA g_AMPA + a_NMDA g_NMDA,  (a_AMPA, a_NMDA) = (r/(1 + r), 1/(1 + r)),
//   r = ampa_nmda_ratio (Auryn's A_ampa, A_nmda; Vogels et al. 2011 / Zenke et al. 2015 networks);
//   g_NMDA(t + dt) = g_NMDA(t) e^{−dt/τ_N} + c g_AMPA(t), with
//   c = τ_A/(τ_N − τ_A) (e^{−dt/τ_N} − e^{−dt/τ_A})  (the exact integral of an AMPA conductance
//   decaying with τ_A through an NMDA filter τ_N over one step), c = dt/τ_N e^{−dt/τ_N} at τ_N = τ_A.
// Units: dt, τ_A, τ_N in seconds; r dimensionless; a and c dimensionless.
#pragma once

#include <cmath>
#include <utility>

namespace metahebb {

/// (r/(1 + r), 1/(1 + r)): the weights of g_AMPA and g_NMDA in g_E.
inline std::pair<double, double> ampa_nmda_channel_weights(double ampa_nmda_ratio) {
  return {ampa_nmda_ratio / (1.0 + ampa_nmda_ratio), 1.0 / (1.0 + ampa_nmda_ratio)};
}

/// c in g_NMDA(t + dt) = g_NMDA e^{−dt/τ_N} + c g_AMPA(t) (see the header comment).
inline double nmda_step_gain(double dt, double tau_exc, double tau_nmda) {
  if (tau_nmda == tau_exc) return dt / tau_nmda * std::exp(-dt / tau_nmda);
  // τ_A/(τ_N − τ_A) (e^{−dt/τ_N} − e^{−dt/τ_A}) = τ_A/(τ_N − τ_A) e^{−dt/τ_A} expm1(dt (τ_N − τ_A)/(τ_A τ_N)):
  // no cancellation when τ_N is close to τ_A.
  return tau_exc / (tau_nmda - tau_exc) * std::exp(-dt / tau_exc) *
         std::expm1(dt * (tau_nmda - tau_exc) / (tau_exc * tau_nmda));
}

}  // namespace metahebb
