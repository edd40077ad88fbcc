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
/// absolute refractory period, drawn by time rescaling on the group's clock Λ = ∫ρ dt.
/// The n eligible (not refractory) afferents of a group together fire at rate n·ρ, so the
/// next of them fires when Λ has grown by Exp(1)/n, and which one is uniform among them
/// (memorylessness of the exponential). This is the same process as
/// one Exp(1) threshold per afferent, at O(1) cost per spike instead of a priority queue.
///
/// Generated once per dataset as per-step spike lists, shared by every candidate.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
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
inline InputSpikes generate_vogels_input(const VogelsInputConfig& c, std::size_t steps, double dt,
                                        RandomStream& shared_stream) {
  c.validate();
  require_positive("input dt", dt);
  require_count("input steps", static_cast<long long>(steps), 1, 4000000000LL);
  const std::size_t per_group = c.exc_per_group + c.inh_per_group;
  const double decay = std::exp(-dt / c.tau_input);
  const auto dead_steps = static_cast<std::size_t>(std::lround(c.tau_refractory / dt));
  const auto gap_steps = static_cast<std::size_t>(std::lround(c.bump_gap / dt));

  // One group at a time (its state stays in registers), spikes listed as (step, afferent);
  // a counting sort by step then builds the per-step lists, ordered by group within a step.
  struct Spike {
    std::uint32_t step, afferent;
  };
  std::vector<Spike> exc, inh;
  const double expected = static_cast<double>(steps) * dt * (c.baseline_rate + 0.2 * c.bump_rate) *
                          static_cast<double>(c.groups * per_group);
  exc.reserve(static_cast<std::size_t>(expected * 0.8));
  inh.reserve(static_cast<std::size_t>(expected * 0.2));

  RandomStream stream = shared_stream;  // a local copy can live in registers
  std::vector<std::uint32_t> eligible;                      // unordered; swap-removed
  std::vector<std::pair<std::size_t, std::uint32_t>> dead;  // FIFO (release step, afferent)
  for (std::size_t g = 0; g < c.groups; ++g) {
    double signal = 0.0, clock = 0.0;  // s_g, Λ_g = ∫ρ_g dt up to the current step
    bool in_bump = false;
    std::size_t below = 0, bumps = 0, dead_head = 0;
    eligible.resize(per_group);
    for (std::uint32_t a = 0; a < per_group; ++a) eligible[a] = a;
    dead.clear();
    // Λ_g at which the next eligible afferent fires, counting from Λ_g = from.
    auto next_firing = [&](double from) {
      return eligible.empty() ? std::numeric_limits<double>::infinity()
                              : from - std::log(1.0 - stream.uniform()) / static_cast<double>(eligible.size());
    };
    double next = next_firing(0.0);

    for (std::size_t n = 0; n < steps; ++n) {
      // Afferents whose dead time is over become eligible again. The pool's remaining wait
      // is Exp(1)/n_before, independent of the past, so scaling it by n_before/n_after gives
      // an exact Exp(1)/n_after wait without a new draw.
      if (dead_head < dead.size() && dead[dead_head].first <= n) {
        const std::size_t before = eligible.size();
        while (dead_head < dead.size() && dead[dead_head].first <= n) eligible.push_back(dead[dead_head++].second);
        if (dead_head == dead.size()) dead.clear(), dead_head = 0;
        next = before == 0 ? next_firing(clock)
                           : clock + (next - clock) * static_cast<double>(before) / static_cast<double>(eligible.size());
      }

      signal = signal * decay + (1.0 - decay) * (stream.uniform() - 0.5);
      if (signal > 0.0) {
        if (!in_bump) in_bump = true, ++bumps;
        below = 0;
      } else if (in_bump && ++below > gap_steps) {
        in_bump = false;
      }
      const bool omitted = c.omit_every_second_bump && bumps % 2 == 0;
      const double bump = (signal > 0.0 && !omitted) ? c.bump_rate * signal / c.signal_norm : 0.0;
      clock += (c.baseline_rate + bump) * dt;

      while (next <= clock) {
        const auto pick = std::min(static_cast<std::size_t>(stream.uniform() * static_cast<double>(eligible.size())),
                                   eligible.size() - 1);
        const std::uint32_t a = eligible[pick];
        const auto step = static_cast<std::uint32_t>(n);
        if (a < c.exc_per_group) exc.push_back({step, static_cast<std::uint32_t>(g * c.exc_per_group + a)});
        else inh.push_back({step, static_cast<std::uint32_t>(g * c.inh_per_group + (a - c.exc_per_group))});
        if (dead_steps != 0) {  // eligible again from step n + dead time
          eligible[pick] = eligible.back();
          eligible.pop_back();
          dead.push_back({n + dead_steps, a});
        }
        next = next_firing(next);
      }
    }
  }

  shared_stream = stream;

  InputSpikes out;
  out.steps = steps;
  out.dt = dt;
  auto by_step = [steps](const std::vector<Spike>& spikes, std::vector<std::uint32_t>& offset,
                         std::vector<std::uint32_t>& index) {
    offset.assign(steps + 1, 0);
    for (const Spike& s : spikes) ++offset[s.step + 1];
    for (std::size_t n = 0; n < steps; ++n) offset[n + 1] += offset[n];
    index.resize(spikes.size());
    std::vector<std::uint32_t> fill(offset.begin(), offset.end() - 1);
    for (const Spike& s : spikes) index[fill[s.step]++] = s.afferent;
  };
  by_step(exc, out.exc_offset, out.exc_index);
  by_step(inh, out.inh_offset, out.inh_index);
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
