#pragma once
/// Candidates packed into SIMD lanes: `blocks` values of the lane type T hold candidates
/// first … first + blocks·width − 1 of a population, one per lane, on one shared input.
/// Lanes past the end of the population, and lanes whose θ the rule cannot simulate, run
/// the rule's inert θ; their results are never read. With T = float or double there is one
/// lane per block: the scalar reference path, bit for bit the same per lane.

#include <Eigen/Core>
#include <array>
#include <cstddef>
#include <utility>
#include <vector>

#include "../core/concepts/event_rule.hpp"
#include "../core/lane_thetas.hpp"
#include "../core/lanes.hpp"

namespace metahebb {

template <class Rule, class T, std::size_t Blocks>
struct LaneBlock {
  using kernel = typename Rule::template kernel<T>;
  static constexpr std::size_t width = lanes::size_v<T>;

  std::array<kernel, Blocks> kernels;  ///< one per block
  std::vector<char> active;            ///< per lane: holds a candidate of the population
  std::vector<char> simulable;         ///< per lane: holds a candidate the rule can simulate

  std::size_t lanes() const noexcept { return active.size(); }
};

template <class T, std::size_t Blocks, class Rule>
LaneBlock<Rule, T, Blocks> pack_lanes(const Rule& rule, const Eigen::MatrixXd& thetas, Eigen::Index first, double dt) {
  static_assert(check_event_rule<Rule, T>());
  constexpr std::size_t width = lanes::size_v<T>;
  std::vector<typename Rule::template kernel<T>> kernels;
  std::vector<char> active(Blocks * width), simulable(Blocks * width);
  const Eigen::VectorXd inert = rule.inert_theta();
  for (std::size_t i = 0; i < Blocks; ++i) {
    std::array<const double*, width> lane{};
    for (std::size_t j = 0; j < width; ++j) {
      const std::size_t l = i * width + j;
      const Eigen::Index col = first + static_cast<Eigen::Index>(l);
      active[l] = col < thetas.cols();
      simulable[l] = active[l] && rule.template simulable<lanes::scalar_t<T>>(Eigen::VectorXd(thetas.col(col)), dt);
      lane[j] = simulable[l] ? thetas.col(col).data() : inert.data();
    }
    kernels.emplace_back(rule, LaneThetas<T>(lane), dt);
  }
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return LaneBlock<Rule, T, Blocks>{{kernels[I]...}, std::move(active), std::move(simulable)};
  }(std::make_index_sequence<Blocks>{});
}

}  // namespace metahebb
