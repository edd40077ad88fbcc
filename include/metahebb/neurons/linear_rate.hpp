#pragma once
/// Linear rate neuron, y_i = Σ_j x_j w_ij (Confavreux et al. 2020, Eq. 1).
///
/// Works on a whole batch and a whole population at once: rows of `presynaptic`
/// are samples, columns of `weights` are neurons (or candidates), so one call is one
/// matrix product Y = X W.

#include <Eigen/Core>
#include <string_view>

#include "../core/concepts/neuron_model.hpp"

namespace metahebb {

template <class Scalar = double>
struct LinearRate {
  using matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using state_type = matrix;  ///< output rates: samples × neurons
  struct input_type {
    const matrix& presynaptic;  ///< samples × inputs
    const matrix& weights;      ///< inputs × neurons
  };

  static constexpr std::string_view name() noexcept { return "linear rate"; }

  void step(state_type& rates, const input_type& in) const { rates.noalias() = in.presynaptic * in.weights; }
};

static_assert(check_neuron_model<LinearRate<float>>());
static_assert(check_neuron_model<LinearRate<double>>());

}  // namespace metahebb
