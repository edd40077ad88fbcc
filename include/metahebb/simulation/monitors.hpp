#pragma once
/// Monitors of a lane block (simulation/lane_block.hpp): what a task records per lane.
///
/// `LaneRates`: spike counts in bins of `bin_steps` (1 s) as a rate per bin, the count
/// inside a scoring window [window_begin, …), and the rate check that stops a lane: a lane
/// whose membrane is not finite, or (after `grace_steps`) whose mean rate over the last
/// `bound_bins` bins reaches `max_rate_hz`, is stopped at the end of that bin. A stopped
/// lane keeps computing inside its batch, but nothing of it is recorded any more.
/// `LaneSpikes`: the steps at which each running lane spiked.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../core/lanes.hpp"

namespace metahebb {

struct RateBound {
  double max_rate_hz = 50.0;    ///< a mean rate at or above this stops the lane
  std::size_t bound_bins = 5;   ///< bins averaged by the check
  std::size_t grace_steps = 0;  ///< steps before the check starts
};

template <class T, std::size_t Blocks = 1>
class LaneRates {
 public:
  using mask = lanes::mask_t<T>;
  static constexpr std::size_t width = lanes::size_v<T>;

  /// `stopped[l]` != 0: lane l is not recorded at all (e.g. θ not simulable).
  LaneRates(std::size_t bin_steps, double dt, std::size_t window_begin, RateBound bound,
            const std::vector<char>& stopped)
      : rates_(Blocks * width), stopped_(stopped), stopped_at_(Blocks * width, 0), bin_steps_(bin_steps), dt_(dt),
        window_begin_(window_begin), bound_(bound) {
    bin_.fill(T(0));
    window_.fill(T(0));
  }

  /// Block i's spikes of step n.
  void record(std::size_t i, std::size_t n, const mask& spiked) noexcept {
    bin_[i] = lanes::select(spiked, bin_[i] + T(1), bin_[i]);
    if (n >= window_begin_) window_[i] = lanes::select(spiked, window_[i] + T(1), window_[i]);
  }

  /// At the end of step n: when a bin ends, appends every running lane's rate and applies the
  /// check; `finite(l)` says whether lane l's state is finite; `on_stop(l)` is called for each
  /// lane stopped now. Returns true when every lane is stopped.
  template <class Finite, class OnStop>
  bool end_of_step(std::size_t n, Finite&& finite, OnStop&& on_stop) {
    if ((n + 1) % bin_steps_ != 0) return false;
    bool all = true;
    for (std::size_t i = 0; i < Blocks; ++i) {
      for (std::size_t j = 0; j < width; ++j) {
        const std::size_t l = i * width + j;
        if (stopped_[l]) continue;
        const double rate = static_cast<double>(lanes::lane(bin_[i], j)) * static_cast<double>(bin_steps_) * dt_;
        rates_[l].push_back(static_cast<float>(rate));
        bool stop = !finite(l);
        if (n + 1 > bound_.grace_steps && rates_[l].size() >= bound_.bound_bins) {
          double sum = 0;  // mean of the last bound_bins bins, in a fixed order
          for (std::size_t q = rates_[l].size() - bound_.bound_bins; q < rates_[l].size(); ++q) sum += rates_[l][q];
          stop = stop || sum >= bound_.max_rate_hz * static_cast<double>(bound_.bound_bins);
        }
        if (stop) {
          stopped_[l] = 1;
          stopped_at_[l] = n + 1;
          on_stop(l);
        }
        all = all && stopped_[l];
      }
      bin_[i] = T(0);
    }
    return all;
  }

  bool stopped(std::size_t l) const noexcept { return stopped_[l] != 0; }
  /// 0: not stopped by the check; otherwise the step count at which it was.
  std::size_t stopped_at(std::size_t l) const noexcept { return stopped_at_[l]; }
  std::vector<float>& rates(std::size_t l) noexcept { return rates_[l]; }
  std::size_t window_spikes(std::size_t l) const noexcept {
    return static_cast<std::size_t>(lanes::lane(window_[l / width], l % width));
  }

 private:
  std::array<T, Blocks> bin_, window_;
  std::vector<std::vector<float>> rates_;
  std::vector<char> stopped_;
  std::vector<std::size_t> stopped_at_;
  std::size_t bin_steps_;
  double dt_;
  std::size_t window_begin_;
  RateBound bound_;
};

template <class T, std::size_t Blocks = 1>
class LaneSpikes {
 public:
  static constexpr std::size_t width = lanes::size_v<T>;
  LaneSpikes() : spikes_(Blocks * width) {}

  /// Block i's spikes of step n, for the lanes `running(l)` says are still recorded.
  template <class Running>
  void record(std::size_t i, std::size_t n, const lanes::mask_t<T>& spiked, Running&& running) {
    for (std::size_t j = 0; j < width; ++j)
      if (lanes::mask_lane(spiked, j) && running(i * width + j))
        spikes_[i * width + j].push_back(static_cast<std::uint32_t>(n));
  }
  std::vector<std::uint32_t>& spikes(std::size_t l) noexcept { return spikes_[l]; }

 private:
  std::vector<std::vector<std::uint32_t>> spikes_;
};

}  // namespace metahebb
