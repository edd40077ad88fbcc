#pragma once
/// The rules of the candidates packed into one lane type T: lane j of a batch holds one
/// candidate's θ (the SIMD population path, candidates in lanes on a shared input); for
/// T = float or double there is one lane (the scalar reference path).
///
/// A rule's kernel builds its per-lane coefficients with `gather`, which computes each
/// lane's value in double from that lane's θ and rounds it to the lane's scalar type, the
/// same way on both paths, so a lane equals the scalar path bit for bit.

#include <Eigen/Core>
#include <array>
#include <cstddef>

#include "lanes.hpp"

namespace metahebb {

template <class T>
class LaneThetas {
 public:
  using scalar = lanes::scalar_t<T>;
  static constexpr std::size_t width = lanes::size_v<T>;

  /// Lane j reads θ from `lane[j]` (a pointer to the rule's coefficients, in order).
  explicit LaneThetas(const std::array<const double*, width>& lane) noexcept : lane_(lane) {}

  const double* operator[](std::size_t j) const noexcept { return lane_[j]; }

  /// The T whose lane j is static_cast<scalar>(f(θ of lane j)); f maps const double* θ to double.
  template <class F>
  T gather(F&& f) const {
    alignas(64) scalar values[width];
    for (std::size_t j = 0; j < width; ++j) values[j] = static_cast<scalar>(f(lane_[j]));
    if constexpr (width == 1) return values[0];
    else return T::load_aligned(values);
  }

 private:
  std::array<const double*, width> lane_;
};

}  // namespace metahebb
