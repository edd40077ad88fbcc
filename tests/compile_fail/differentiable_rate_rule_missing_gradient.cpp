// Compile-fail case: a rate rule without gradient(theta, factors, g, d_theta, d_factors) (and no
// rule_gradient overload) is rejected by name where exact trajectory gradients are needed.
#include <Eigen/Core>
#include <cstddef>
#include <span>
#include <string>

#include <metahebb/core/concepts/differentiable_rate_rule.hpp>

struct Hebb {
  std::size_t size() const { return 1; }
  std::string term_name(std::size_t) const { return "x y"; }
  std::size_t num_factors() const { return 3; }
  template <class T>
  T evaluate(const Eigen::Ref<const Eigen::VectorXd>& theta, std::span<const T> f) const {
    return T(theta[0]) * f[0] * f[1];
  }
#ifdef METAHEBB_SHOULD_COMPILE
  double gradient(const Eigen::Ref<const Eigen::VectorXd>& theta, std::span<const double> f, double g, double* d_theta,
                  double* d_f) const {
    d_theta[0] += g * f[0] * f[1];
    d_f[0] += g * theta[0] * f[1];
    d_f[1] += g * theta[0] * f[0];
    return theta[0] * f[0] * f[1];
  }
#endif
};

static_assert(metahebb::check_differentiable_rate_rule<Hebb>());
