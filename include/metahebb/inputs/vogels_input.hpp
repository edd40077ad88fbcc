#pragma once
/// The input of Vogels et al. 2011 (and Confavreux et al. 2020, §3.3): 8 groups of
/// 100 excitatory + 25 inhibitory afferents. All afferents of a group share one rate:
///
///   s_g ← s_g e^{−dt/τ_input} + (1 − e^{−dt/τ_input}) u,  u ~ U[−½, ½]  (low-pass filtered noise)
///   ρ_g(t) = ρ_base + ρ_bump · max(0, s_g)/s_norm,  with every second bump of s_g > 0 omitted
///
/// as in the authors' MATLAB code (ρ_bump = 500 Hz, s_norm = 0.03 ≈ 3.3 standard deviations
/// of s_g). A bump ends when s_g has stayed ≤ 0 for longer than `bump_gap` (1 ms), so the
/// zero-crossing jitter of s_g does not split one bump into many (the authors' code uses
/// the same kind of hysteresis). Each afferent is an inhomogeneous Poisson process with an
/// absolute refractory period, drawn by time rescaling: it spikes in the first step where
/// ∫ρ dt since it became eligible exceeds an Exp(1) variate.
///
/// Generated once per dataset as per-step spike lists, shared by every candidate.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <queue>
#include <utility>
#include <vector>

#include "../core/errors.hpp"
#include "../core/random.hpp"

namespace metahebb {

struct VogelsInputConfig {
  std::size_t groups = 8;
  std::size_t exc_per_group = 100;
  std::size_t inh_per_group = 25;
  double baseline_rate = 5.0;    ///< ρ_base (Hz)
  double bump_rate = 500.0;      ///< ρ_bump (Hz): rate added when s_g = s_norm
  double signal_norm = 0.03;     ///< s_norm
  double tau_input = 50e-3;      ///< τ_input of the filtered noise (s)
  bool omit_every_second_bump = true;
  double bump_gap = 1e-3;        ///< s_g must stay ≤ 0 this long to end a bump (s)
  double tau_refractory = 5e-3;  ///< afferent dead time (s)
  // Eq. 13 (with |G_k − P|): w_k^E = w_exc_base + w_exc_tuned / (1 + |G_k − P|)^4 + U(0, w_exc_noise)
  std::size_t preferred_group = 5;  ///< P, 1-based like G_k
  double w_exc_base = 0.3;
  double w_exc_tuned = 1.1;
  double w_exc_noise = 0.1;

  void validate() const {
    require_count("input.groups", static_cast<long long>(groups), 1, 10000);
    require_count("input.exc_per_group", static_cast<long long>(exc_per_group), 0, 1000000);
    require_count("input.inh_per_group", static_cast<long long>(inh_per_group), 0, 1000000);
    require(groups * (exc_per_group + inh_per_group) <= 10000000, "input afferents",
            groups * (exc_per_group + inh_per_group), "must be <= 1e7");
    require_non_negative("input.baseline_rate", baseline_rate);
    require_non_negative("input.bump_rate", bump_rate);
    require_positive("input.signal_norm", signal_norm);
    require_positive("input.tau_input", tau_input);
    require_non_negative("input.bump_gap", bump_gap);
    require_non_negative("input.tau_refractory", tau_refractory);
    require_count("input.preferred_group", static_cast<long long>(preferred_group), 1, static_cast<long long>(groups));
    require(std::isfinite(w_exc_base), "input.w_exc_base", w_exc_base, "must be finite");
    require(std::isfinite(w_exc_tuned), "input.w_exc_tuned", w_exc_tuned, "must be finite");
    require_non_negative("input.w_exc_noise", w_exc_noise);
  }

  std::size_t num_exc() const noexcept { return groups * exc_per_group; }
  std::size_t num_inh() const noexcept { return groups * inh_per_group; }
  /// Group (0-based) of excitatory afferent k / inhibitory afferent k.
  std::size_t exc_group(std::size_t k) const noexcept { return k / exc_per_group; }
  std::size_t inh_group(std::size_t k) const noexcept { return k / inh_per_group; }
};

/// Spikes of every afferent, listed step by step (CSR layout): the excitatory afferents
/// spiking in step n are exc_index[exc_offset[n] .. exc_offset[n+1]).
struct InputSpikes {
  std::size_t steps = 0;
  double dt = 0.0;
  std::vector<std::uint32_t> exc_offset, exc_index;
  std::vector<std::uint32_t> inh_offset, inh_index;

  std::size_t exc_spikes() const noexcept { return exc_index.size(); }
  std::size_t inh_spikes() const noexcept { return inh_index.size(); }
};

/// Generates `steps` steps of the input from `stream` (which it advances).
inline InputSpikes generate_vogels_input(const VogelsInputConfig& c, std::size_t steps, double dt, RandomStream& stream) {
  c.validate();
  require_positive("input dt", dt);
  require_count("input steps", static_cast<long long>(steps), 1, 4000000000LL);
  const std::size_t per_group = c.exc_per_group + c.inh_per_group;
  const double decay = std::exp(-dt / c.tau_input);
  const auto dead_steps = static_cast<std::size_t>(std::lround(c.tau_refractory / dt));
  const auto gap_steps = static_cast<std::size_t>(std::lround(c.bump_gap / dt));

  InputSpikes out;
  out.steps = steps;
  out.dt = dt;
  out.exc_offset.assign(steps + 1, 0);
  out.inh_offset.assign(steps + 1, 0);
  const double expected = static_cast<double>(steps) * dt * (c.baseline_rate + 0.2 * c.bump_rate) *
                          static_cast<double>(c.groups * per_group);
  out.exc_index.reserve(static_cast<std::size_t>(expected * 0.8));
  out.inh_index.reserve(static_cast<std::size_t>(expected * 0.2));

  struct Group {
    double signal = 0.0, integral = 0.0;  // s_g, ∫ρ_g dt up to the current step
    bool in_bump = false;
    std::size_t below = 0, bumps = 0;
    // Eligible afferents by the integral at which they fire (min-heap; ties by index).
    std::priority_queue<std::pair<double, std::uint32_t>, std::vector<std::pair<double, std::uint32_t>>,
                        std::greater<>> next;
    std::vector<std::pair<std::size_t, std::uint32_t>> dead;  // FIFO (release step, afferent)
    std::size_t dead_head = 0;
  };
  std::vector<Group> group(c.groups);
  auto exponential = [&stream] { return -std::log(1.0 - stream.uniform()); };
  for (std::size_t g = 0; g < c.groups; ++g)
    for (std::uint32_t a = 0; a < per_group; ++a) group[g].next.push({exponential(), a});

  for (std::size_t n = 0; n < steps; ++n) {
    for (std::size_t g = 0; g < c.groups; ++g) {
      Group& G = group[g];
      // Afferents whose dead time is over become eligible, counting ∫ρ from now on.
      while (G.dead_head < G.dead.size() && G.dead[G.dead_head].first <= n) {
        G.next.push({G.integral + exponential(), G.dead[G.dead_head].second});
        ++G.dead_head;
      }
      if (G.dead_head == G.dead.size()) G.dead.clear(), G.dead_head = 0;

      G.signal = G.signal * decay + (1.0 - decay) * (stream.uniform() - 0.5);
      if (G.signal > 0.0) {
        if (!G.in_bump) G.in_bump = true, ++G.bumps;
        G.below = 0;
      } else if (G.in_bump && ++G.below > gap_steps) {
        G.in_bump = false;
      }
      const bool omitted = c.omit_every_second_bump && G.bumps % 2 == 0;
      const double bump = (G.signal > 0.0 && !omitted) ? c.bump_rate * G.signal / c.signal_norm : 0.0;
      G.integral += (c.baseline_rate + bump) * dt;

      while (!G.next.empty() && G.next.top().first <= G.integral) {
        const std::uint32_t a = G.next.top().second;
        G.next.pop();
        if (a < c.exc_per_group) out.exc_index.push_back(static_cast<std::uint32_t>(g * c.exc_per_group + a));
        else out.inh_index.push_back(static_cast<std::uint32_t>(g * c.inh_per_group + (a - c.exc_per_group)));
        if (dead_steps == 0) G.next.push({G.integral + exponential(), a});
        else G.dead.push_back({n + dead_steps, a});  // eligible again from step n + dead time
      }
    }
    out.exc_offset[n + 1] = static_cast<std::uint32_t>(out.exc_index.size());
    out.inh_offset[n + 1] = static_cast<std::uint32_t>(out.inh_index.size());
  }
  return out;
}

/// Eq. 13: excitatory weights tuned to the preferred group, plus uniform noise from `stream`.
inline std::vector<double> vogels_excitatory_weights(const VogelsInputConfig& c, RandomStream& stream) {
  c.validate();
  std::vector<double> w(c.num_exc());
  for (std::size_t k = 0; k < w.size(); ++k) {
    const double distance = std::abs(static_cast<double>(c.exc_group(k) + 1) - static_cast<double>(c.preferred_group));
    w[k] = c.w_exc_base + c.w_exc_tuned / std::pow(1.0 + distance, 4.0) + c.w_exc_noise * stream.uniform();
  }
  return w;
}

}  // namespace metahebb
