// A rate rule: anything with size(), term_name(i), num_factors() and evaluate<T>(θ, factors)
// satisfies the RateRule concept (docs/write-a-rule.md).
#include <metahebb/core/concepts/rate_rule.hpp>
#include <metahebb/core/lanes.hpp>
#include <metahebb/rules/volterra.hpp>

#include <array>
#include <span>
#include <string>

using namespace metahebb;

// A BCM-like rule over the factors (x, y, w): Δw/η = θ0 x y (y − θ1) − θ2 w.
struct BcmRule {
  std::size_t size() const noexcept { return 3; }
  std::string term_name(std::size_t i) const { return i == 0 ? "gain" : i == 1 ? "threshold" : "decay"; }
  std::size_t num_factors() const noexcept { return 3; }

  // One synapse, in any arithmetic type: float, double, an xsimd batch (one synapse per lane).
  template <class T>
  T evaluate(const Eigen::Ref<const Eigen::VectorXd>& theta, std::span<const T> f) const {
    using S = lanes::scalar_t<T>;
    const T x = f[0], y = f[1], w = f[2];
    return T(static_cast<S>(theta[0])) * x * y * (y - T(static_cast<S>(theta[1]))) - T(static_cast<S>(theta[2])) * w;
  }
};

static_assert(check_rate_rule<BcmRule>());
static_assert(check_rate_rule<VolterraBasis>());  // the shipped rate rule

int main() {
  const BcmRule bcm;
  const Eigen::Vector3d theta(1.0, 0.5, 0.1);
  const std::array<double, 3> factors{2.0, 1.0, 0.5};  // x, y, w
  if (bcm.evaluate<double>(theta, factors) != 2.0 * 1.0 * (1.0 - 0.5) - 0.1 * 0.5) return 1;

  // Written with lanes:: types only, a SIMD lane gives the scalar result bit for bit.
  using B = xsimd::batch<float>;
  alignas(64) std::array<float, B::size> x{}, y{}, w{};
  for (std::size_t l = 0; l < B::size; ++l) x[l] = 0.25f * static_cast<float>(l), y[l] = 1.5f, w[l] = 0.1f;
  const std::array<B, 3> batch{B::load_aligned(x.data()), B::load_aligned(y.data()), B::load_aligned(w.data())};
  const B dw = bcm.evaluate<B>(theta, batch);
  for (std::size_t l = 0; l < B::size; ++l) {
    const std::array<float, 3> one{x[l], y[l], w[l]};
    if (lanes::lane(dw, l) != bcm.evaluate<float>(theta, one)) return 1;
  }

  // Oja's rule in the shipped Volterra basis: Δw/η = x y − y² w.
  const VolterraBasis volterra = VolterraBasis::pre_post_weight();
  const std::array<double, 3> xyw{0.5, 2.0, 0.25};
  return volterra.evaluate<double>(rules::oja(volterra), xyw) == 0.5 * 2.0 - 2.0 * 2.0 * 0.25 ? 0 : 1;
}
