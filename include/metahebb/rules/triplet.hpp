#pragma once
/// Triplet spike-timing-dependent plasticity (Pfister & Gerstner 2006, J. Neurosci.
/// 26:9673, Eqs. 3–4; all-to-all interactions) as an event rule (core/concepts/event_rule.hpp):
///
///   presynaptic traces   dr1/dt = −r1/τ_+,  dr2/dt = −r2/τ_x,   r1, r2 += 1 at a presynaptic spike
///   postsynaptic traces  do1/dt = −o1/τ_−,  do2/dt = −o2/τ_y,   o1, o2 += 1 at a postsynaptic spike
///   presynaptic spike:   w ← w − η o1 (A2_− + A3_− r2(t−ε))
///   postsynaptic spike:  w ← w + η r1 (A2_+ + A3_+ o2(t−ε))
///
/// (t−ε: the trace just before its own increment at this spike.) θ = (A2_plus, A3_plus,
/// A2_minus, A3_minus, tau_plus, tau_minus, tau_x, tau_y), eight coefficients, time
/// constants in seconds; amplitudes in units of the weight (for the §3.3 task: of ḡ_I).
/// With A3_± = 0 it is pair-based additive STDP.
///
/// `TripletRule` owns η, the clipping of w to [0, w_max], the traces and the order of updates:
///   presynaptic spike:  r1, r2 decay by e^{−Δt/τ} since this synapse's previous spike (lazily,
///                       exact for an exponential); w ← clip(w − η o1 (A2_− + A3_− r2), 0, w_max)
///                       with r2 before its increment; then r1 += 1, r2 += 1
///   postsynaptic spike: w ← clip(w + η r1 (A2_+ + A3_+ o2), 0, w_max) for every synapse, with r1
///                       decayed to now and o2 before its increment; then (post_spiked) o1, o2 += 1
///   every step:         o1 ← o1 e^{−dt/τ_−},  o2 ← o2 e^{−dt/τ_y}
/// A kernel over T = float, double or an xsimd batch holds one candidate's θ per lane and
/// uses lanes:: functions only, so a lane equals the scalar path bit for bit.

#include <Eigen/Core>
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "../core/concepts/event_rule.hpp"
#include "../core/errors.hpp"
#include "../core/lane_thetas.hpp"
#include "../core/lanes.hpp"

namespace metahebb {

/// The triplet rule as a component: settings η and w_max; θ has the eight coefficients of `Index`.
struct TripletRule {
  enum Index : std::size_t {
    A2_plus = 0,
    A3_plus = 1,
    A2_minus = 2,
    A3_minus = 3,
    tau_plus = 4,
    tau_minus = 5,
    tau_x = 6,
    tau_y = 7
  };
  static constexpr std::size_t num_coefficients = 8;

  double eta = 1.0;      ///< learning rate η (scales the four amplitudes together)
  double w_max = 100.0;  ///< weights are clipped to [0, w_max] after every update

  void validate() const {
    require_positive("rule.eta", eta);
    require_positive("rule.w_max", w_max);
  }
  std::vector<std::string> term_names() const {
    return {"A2_plus", "A3_plus", "A2_minus", "A3_minus", "tau_plus", "tau_minus", "tau_x", "tau_y"};
  }

  /// θ has eight finite entries with every τ > 0, and its kernel's coefficients stay finite in `Scalar`.
  template <class Scalar>
  bool simulable(const Eigen::VectorXd& theta, double dt) const {
    if (theta.size() != static_cast<Eigen::Index>(num_coefficients) || !theta.allFinite()) return false;
    for (const std::size_t k : {tau_plus, tau_minus, tau_x, tau_y})
      if (!(theta[static_cast<Eigen::Index>(k)] > 0.0)) return false;
    for (const double v : {theta[A2_plus], theta[A3_plus], theta[A2_minus], theta[A3_minus], -1.0 / theta[tau_plus],
                           -1.0 / theta[tau_x]})
      if (!std::isfinite(static_cast<Scalar>(v))) return false;
    (void)dt;
    return true;
  }
  /// For padding lanes: a rule that does nothing.
  Eigen::VectorXd inert_theta() const {
    Eigen::VectorXd theta(8);
    theta << 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0;
    return theta;
  }

  template <class T>
  class kernel {
   public:
    using scalar = lanes::scalar_t<T>;
    struct pre_trace {
      T r1 = T(0);  ///< r1 as of this synapse's last presynaptic spike (τ_+)
      T r2 = T(0);  ///< r2 likewise (τ_x)
    };
    /// on_pre's new pre trace depends only on the old one and the elapsed time (not on w or the
    /// post trace): every synapse of a presynaptic neuron holds the same pre trace, and a synapse
    /// group may keep one per neuron (SparseSynapses does).
    static constexpr bool pre_trace_per_neuron = true;
    struct post_trace {
      T o1 = T(0);  ///< o1 (τ_−)
      T o2 = T(0);  ///< o2 (τ_y)
    };

    kernel(const TripletRule& rule, const LaneThetas<T>& theta, double dt)
        : a2_plus_(theta.gather([](const double* t) { return t[A2_plus]; })),
          a3_plus_(theta.gather([](const double* t) { return t[A3_plus]; })),
          a2_minus_(theta.gather([](const double* t) { return t[A2_minus]; })),
          a3_minus_(theta.gather([](const double* t) { return t[A3_minus]; })),
          neg_inv_tau_plus_(theta.gather([](const double* t) { return -1.0 / t[tau_plus]; })),
          neg_inv_tau_x_(theta.gather([](const double* t) { return -1.0 / t[tau_x]; })),
          decay_minus_(theta.gather([dt](const double* t) { return std::exp(-dt / t[tau_minus]); })),
          decay_y_(theta.gather([dt](const double* t) { return std::exp(-dt / t[tau_y]); })),
          eta_(static_cast<scalar>(rule.eta)), w_max_(static_cast<scalar>(rule.w_max)) {}

    /// Presynaptic spike, `elapsed` s after this synapse's previous one: depression by the
    /// postsynaptic o1, with the triplet term on r2 before its increment; then r1, r2 += 1.
    void on_pre(T& w, pre_trace& pre, const post_trace& post, const T& elapsed) const noexcept {
      const T r1 = pre.r1 * lanes::exp(elapsed * neg_inv_tau_plus_);
      const T r2 = pre.r2 * lanes::exp(elapsed * neg_inv_tau_x_);
      w = lanes::clamp(w - eta_ * (post.o1 * (a2_minus_ + a3_minus_ * r2)), T(0), w_max_);
      pre.r1 = r1 + T(1);
      pre.r2 = r2 + T(1);
    }
    /// Postsynaptic spike: the new weight of a synapse whose last presynaptic spike was
    /// `elapsed` s ago; potentiation by r1, with the triplet term on o2 before its increment.
    T on_post(const T& w, const pre_trace& pre, const post_trace& post, const T& elapsed) const noexcept {
      const T r1 = pre.r1 * lanes::exp(elapsed * neg_inv_tau_plus_);
      return lanes::clamp(w + eta_ * (r1 * (a2_plus_ + a3_plus_ * post.o2)), T(0), w_max_);
    }
    /// After every synapse saw the postsynaptic spike: o1, o2 += 1 in the lanes that spiked.
    void post_spiked(post_trace& post, const lanes::mask_t<T>& spiked) const noexcept {
      post.o1 = lanes::select(spiked, post.o1 + T(1), post.o1);
      post.o2 = lanes::select(spiked, post.o2 + T(1), post.o2);
    }
    void decay(post_trace& post) const noexcept {  // subnormal traces set to 0: lanes::flush_subnormal
      post.o1 = lanes::flush_subnormal(post.o1 * decay_minus_);
      post.o2 = lanes::flush_subnormal(post.o2 * decay_y_);
    }

   private:
    T a2_plus_, a3_plus_, a2_minus_, a3_minus_, neg_inv_tau_plus_, neg_inv_tau_x_, decay_minus_, decay_y_, eta_, w_max_;
  };
};

static_assert(check_event_rule<TripletRule, float>());
static_assert(check_event_rule<TripletRule, double>());
static_assert(check_event_rule<TripletRule, xsimd::batch<float>>());

namespace rules {
/// Pfister & Gerstner 2006, Table 4: the all-to-all triplet model fitted to visual-cortex
/// data (Sjöström et al. 2001), full version: A2_+ = 5e-10, A3_+ = 6.2e-3, A2_− = 7e-3,
/// A3_− = 2.3e-4, τ_+ = 16.8 ms, τ_− = 33.7 ms, τ_x = 101 ms, τ_y = 125 ms.
inline Eigen::VectorXd pfister_gerstner_2006_visual_cortex() {
  Eigen::VectorXd theta(8);
  theta << 5e-10, 6.2e-3, 7e-3, 2.3e-4, 16.8e-3, 33.7e-3, 101e-3, 125e-3;
  return theta;
}
/// The same fit, minimal version (A2_+ = A3_− = 0): A3_+ = 6.5e-3, A2_− = 7.1e-3,
/// τ_y = 125 ms; τ_x does not enter (A3_− = 0) and is set to the full model's 101 ms.
inline Eigen::VectorXd pfister_gerstner_2006_visual_cortex_minimal() {
  Eigen::VectorXd theta(8);
  theta << 0.0, 6.5e-3, 7.1e-3, 0.0, 16.8e-3, 33.7e-3, 101e-3, 125e-3;
  return theta;
}
}  // namespace rules

}  // namespace metahebb
