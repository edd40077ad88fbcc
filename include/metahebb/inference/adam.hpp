#pragma once
/// Adam on a flat parameter vector with an exact gradient (Kingma & Ba 2015, Algorithm 1),
/// with the gradient's Euclidean norm clipped to `max_norm` first (0: no clipping):
///
///   g ← g · min(1, max_norm / |g|),  m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,
///   p ← p − α · (m / (1 − β₁ᵗ)) / (sqrt(v / (1 − β₂ᵗ)) + ε).
///
/// (optim/adam_fd.hpp is the outer-loop optimiser that estimates gradients by finite
/// differences of a simulated loss; this one trains networks from backpropagated gradients.)

#include <Eigen/Core>
#include <cmath>

namespace metahebb::inference {

class Adam {
 public:
  Adam(Eigen::Index size, double learning_rate, double max_norm = 0.0, double beta1 = 0.9,
       double beta2 = 0.999, double epsilon = 1e-8)
      : lr_(learning_rate), max_norm_(max_norm), b1_(beta1), b2_(beta2), eps_(epsilon),
        m_(Eigen::VectorXd::Zero(size)), v_(Eigen::VectorXd::Zero(size)) {}

  /// One step of `params` along `gradient` (which may be scaled in place by the clipping).
  void step(Eigen::VectorXd& params, Eigen::VectorXd& gradient) {
    if (max_norm_ > 0.0) {
      const double norm = gradient.norm();
      if (norm > max_norm_) gradient *= max_norm_ / norm;
    }
    ++t_;
    m_ = b1_ * m_ + (1.0 - b1_) * gradient;
    v_ = b2_ * v_ + (1.0 - b2_) * gradient.cwiseAbs2();
    const double c1 = 1.0 - std::pow(b1_, static_cast<double>(t_));
    const double c2 = 1.0 - std::pow(b2_, static_cast<double>(t_));
    params.array() -= lr_ * (m_.array() / c1) / ((v_.array() / c2).sqrt() + eps_);
  }

  long long steps() const noexcept { return t_; }

 private:
  double lr_, max_norm_, b1_, b2_, eps_;
  Eigen::VectorXd m_, v_;
  long long t_ = 0;
};

}  // namespace metahebb::inference
