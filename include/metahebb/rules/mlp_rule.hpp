#pragma once
/// A plasticity rule given by a small multilayer perceptron over the factors (Mehta et al. 2024,
/// "Model-based inference of synaptic plasticity rules", §2, the MLP alternative to the Taylor
/// series): with factors z = (x, y, w, r) and H hidden units,
///
///   h = leaky_relu(A z + a),  Δw/η = tanh(b·h + c),   leaky_relu(u) = u (u ≥ 0), 0.01 u (u < 0).
///
/// θ = (A row by row: A_00 … A_{H-1,F-1}, a_0 … a_{H-1}, b_0 … b_{H-1}, c): F·H + 2H + 1
/// coefficients, 61 for the reference's [4, 10, 1]. Units: as the Volterra rules, Δw/η is
/// dimensionless and bounded by 1 in magnitude.
///
/// `evaluate<T>` runs in any arithmetic type (float, double, dual numbers). `gradient` gives the
/// value with ∂f/∂θ and ∂f/∂z for the exact trajectory gradients of fit/ (by hand: one hidden
/// layer).

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "../core/concepts/rate_rule.hpp"
#include "../core/errors.hpp"
#include "../core/random.hpp"

namespace metahebb {

class MlpRule {
 public:
  static constexpr double negative_slope = 0.01;  ///< of the leaky ReLU (JAX's default)

  explicit MlpRule(std::size_t factors = 4, std::size_t hidden = 10) : factors_(factors), hidden_(hidden) {
    require_count("mlp_rule.factors", static_cast<long long>(factors), 1, 64);
    require_count("mlp_rule.hidden", static_cast<long long>(hidden), 1, 4096);
  }

  std::size_t size() const noexcept { return factors_ * hidden_ + 2 * hidden_ + 1; }
  std::size_t num_factors() const noexcept { return factors_; }
  std::size_t hidden() const noexcept { return hidden_; }

  std::string term_name(std::size_t k) const {
    const std::size_t fh = factors_ * hidden_;
    if (k < fh) return "A[" + std::to_string(k / factors_) + "][" + std::to_string(k % factors_) + "]";
    if (k < fh + hidden_) return "a[" + std::to_string(k - fh) + "]";
    if (k < fh + 2 * hidden_) return "b[" + std::to_string(k - fh - hidden_) + "]";
    return "c";
  }

  /// θ ~ N(0, scale²) from `stream` (the fit's random start).
  Eigen::VectorXd random_theta(RandomStream& stream, double scale) const {
    Eigen::VectorXd theta(static_cast<Eigen::Index>(size()));
    stream.fill_normal(theta);
    return theta * scale;
  }

  /// f_θ(z) in any arithmetic type.
  template <class T>
  T evaluate(const Eigen::Ref<const Eigen::VectorXd>& theta, std::span<const T> z) const {
    const std::size_t fh = factors_ * hidden_;
    T out = T(theta[static_cast<Eigen::Index>(fh + 2 * hidden_)]);
    for (std::size_t i = 0; i < hidden_; ++i) {
      T u = T(theta[static_cast<Eigen::Index>(fh + i)]);
      for (std::size_t f = 0; f < factors_; ++f) u = u + T(theta[static_cast<Eigen::Index>(i * factors_ + f)]) * z[f];
      const T h = u >= T(0) ? u : T(negative_slope) * u;
      out = out + T(theta[static_cast<Eigen::Index>(fh + hidden_ + i)]) * h;
    }
    using std::tanh;
    return tanh(out);
  }

  /// f_θ(z); adds g·∂f/∂θ to d_theta and g·∂f/∂z to d_z (g: the adjoint of f).
  double gradient(const Eigen::Ref<const Eigen::VectorXd>& theta, std::span<const double> z, double g,
                  double* d_theta, double* d_z) const {
    const std::size_t fh = factors_ * hidden_;
    double u_buffer[64];
    double* u = hidden_ <= 64 ? u_buffer : nullptr;
    std::vector<double> heap;
    if (!u) heap.resize(hidden_), u = heap.data();
    double out = theta[static_cast<Eigen::Index>(fh + 2 * hidden_)];
    for (std::size_t i = 0; i < hidden_; ++i) {
      double ui = theta[static_cast<Eigen::Index>(fh + i)];
      for (std::size_t f = 0; f < factors_; ++f) ui += theta[static_cast<Eigen::Index>(i * factors_ + f)] * z[f];
      u[i] = ui;
      out += theta[static_cast<Eigen::Index>(fh + hidden_ + i)] * (ui >= 0.0 ? ui : negative_slope * ui);
    }
    const double value = std::tanh(out);
    const double g_out = g * (1.0 - value * value);
    d_theta[fh + 2 * hidden_] += g_out;
    for (std::size_t i = 0; i < hidden_; ++i) {
      const double slope = u[i] >= 0.0 ? 1.0 : negative_slope;
      d_theta[fh + hidden_ + i] += g_out * u[i] * slope;
      const double g_u = g_out * theta[static_cast<Eigen::Index>(fh + hidden_ + i)] * slope;
      d_theta[fh + i] += g_u;
      for (std::size_t f = 0; f < factors_; ++f) {
        d_theta[i * factors_ + f] += g_u * z[f];
        d_z[f] += g_u * theta[static_cast<Eigen::Index>(i * factors_ + f)];
      }
    }
    return value;
  }

 private:
  std::size_t factors_;
  std::size_t hidden_;
};

static_assert(check_rate_rule<MlpRule>());

}  // namespace metahebb
