#pragma once
/// A population of n independent Poisson neurons sharing one rate ρ (Hz), generated step by
/// step: the background and stimulus inputs of recurrent-network protocols (e.g. the 5000
/// Poisson inputs of the fSBI networks, or a familiarity stimulus whose rate a schedule
/// switches between steps with set_rate).
///
/// Generation by superposition, at O(1) cost per spike: n independent Poisson processes of
/// rate ρ(t) together form one Poisson process of rate n ρ(t), and each of its events belongs
/// to a neuron chosen uniformly and independently. On the population's clock
///   Λ(t) = ∫ n ρ(t') dt'     (expected spikes so far)
/// the events are a unit-rate Poisson process (time rescaling), so the gaps between them are
/// i.i.d. Exp(1) in Λ whatever the rate schedule. The state keeps `remaining`, the Λ still to
/// run until the next event; a step of dt advances Λ by n ρ dt (ρ as set for that step) and
/// emits one event per Exp(1) gap that fits, each at a uniform neuron:
///   remaining −= n ρ dt;  while remaining <= 0: emit U{0 … n−1};  remaining += −ln V,  V ~ U(0, 1)
/// A rate change applies from the next step on; the pending gap carries over unchanged,
/// which is exact (memorylessness). Spikes are resolved to whole steps: the process is a
/// continuous-time Poisson process observed in bins of dt, so a neuron can appear twice in
/// one step (probability ≈ (ρ dt)²/2 per neuron and step); no refractoriness.
///
/// The state (including the random stream) is a plain value: copying a PoissonPopulation is a
/// snapshot, and the copy continues with the same spikes as the original. The same stream key
/// gives the same spikes.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "../core/errors.hpp"
#include "../core/random.hpp"

namespace metahebb {

class PoissonPopulation {
 public:
  using index_type = std::uint32_t;
  /// Bound on n ρ dt, the expected spikes of one step (a buffer of that many indices).
  static constexpr double max_expected_per_step = 1e8;

  /// `n` neurons (1 … 2^32 − 1) at `rate_hz` each (finite, >= 0), steps of `dt` (s, > 0),
  /// random numbers from `stream` (copied: the population owns its stream).
  PoissonPopulation(std::size_t n, double rate_hz, double dt, const RandomStream& stream)
      : n_(n), dt_(dt), stream_(stream) {
    require_count("poisson.n", static_cast<long long>(std::min<std::size_t>(n, 0x7fffffffffffffffULL)), 1,
                  0xffffffffLL);
    require_positive("poisson.dt", dt);
    set_rate(rate_hz);
    remaining_ = exp1(stream_);
  }

  /// ρ (Hz) for the following steps; finite and >= 0.
  void set_rate(double rate_hz) {
    require_non_negative("poisson.rate", rate_hz);
    const double expected = static_cast<double>(n_) * rate_hz * dt_;
    require(expected <= max_expected_per_step, "poisson.rate", rate_hz,
            "n·rate·dt (expected spikes per step) must be <= 1e8");
    rate_ = rate_hz;
    per_step_ = expected;
  }

  /// Advances one dt; returns the neurons that spiked in it, in order of their spike times
  /// (valid until the next call).
  std::span<const index_type> step() {
    spikes_.clear();
    remaining_ -= per_step_;
    if (remaining_ <= 0.0) {
      RandomStream r = stream_;  // a local copy can live in registers
      const double n = static_cast<double>(n_);
      do {
        const auto pick = std::min(static_cast<std::size_t>(r.uniform() * n), n_ - 1);
        spikes_.push_back(static_cast<index_type>(pick));
        remaining_ += exp1(r);
      } while (remaining_ <= 0.0);
      stream_ = r;
    }
    ++steps_;
    return spikes_;
  }

  std::size_t size() const noexcept { return n_; }
  double rate() const noexcept { return rate_; }
  double dt() const noexcept { return dt_; }
  /// Steps taken so far.
  std::size_t steps() const noexcept { return steps_; }
  /// The spikes of the last step (as returned by step()).
  std::span<const index_type> spikes() const noexcept { return spikes_; }

 private:
  // Exp(1) as −ln V with V uniform on the open interval (0, 1) (53 bits, midpoints): never 0,
  // so a population at rate 0 never fires.
  static double exp1(RandomStream& r) noexcept {
    return -std::log((static_cast<double>(r() >> 11) + 0.5) * 0x1.0p-53);
  }

  std::size_t n_;
  double dt_;
  double rate_ = 0.0;
  double per_step_ = 0.0;   // n ρ dt
  double remaining_ = 0.0;  // Λ to run until the next event
  std::size_t steps_ = 0;
  RandomStream stream_;
  std::vector<index_type> spikes_;
};

}  // namespace metahebb
