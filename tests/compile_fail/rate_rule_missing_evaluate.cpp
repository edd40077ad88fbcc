// Compile-fail case: a rate rule without evaluate<T>(theta, factors) is rejected by name.
#include <Eigen/Core>
#include <cstddef>
#include <span>
#include <string>

#include <metahebb/core/concepts/rate_rule.hpp>

struct Hebb {
  std::size_t size() const { return 1; }
  std::string term_name(std::size_t) const { return "x y"; }
  std::size_t num_factors() const { return 2; }
#ifdef METAHEBB_SHOULD_COMPILE
  template <class T>
  T evaluate(const Eigen::Ref<const Eigen::VectorXd>& theta, std::span<const T> f) const {
    return T(theta[0]) * f[0] * f[1];
  }
#endif
};

static_assert(metahebb::check_rate_rule<Hebb>());
