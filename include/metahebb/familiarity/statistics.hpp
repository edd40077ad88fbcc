#pragma once
/// Statistics of the familiarity readout ("memory by accident", NeurIPS 2025; issue 14).
///
///   Δr = 2 (r_nov − r_fam) / (r_nov + r_fam + 0.01)      relative novelty response (rates ≥ 0)
///   one-sample t:  t = m / (s / √n),  ν = n − 1           (Δr over seeds against 0: a paired test)
///   Welch t:       t = (m_a − m_b) / √(s_a²/n_a + s_b²/n_b),
///                  ν = (s_a²/n_a + s_b²/n_b)² / ((s_a²/n_a)²/(n_a−1) + (s_b²/n_b)²/(n_b−1))
///   two-sided p = I_{ν/(ν+t²)}(ν/2, 1/2)                  (Student's t through the regularised
///                                                         incomplete beta function)
///   Wilson interval for k successes in n: (p̂ + z²/2n ± z √(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)
///
/// The incomplete beta function is evaluated by its continued fraction (modified Lentz), on
/// the side x < (a+1)/(a+b+2) where it converges quickly, and by I_x(a,b) = 1 − I_{1−x}(b,a)
/// otherwise. Relative accuracy ~1e-12 for the ν and t met here (tests/familiarity/).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "../core/errors.hpp"

namespace metahebb::familiarity {

/// Δr = 2 (r_nov − r_fam) / (r_nov + r_fam + 0.01): > 0 when the novel stimulus gets the larger
/// response. Used for the mean rate and for the spread of rates alike.
inline double relative_difference(double novel, double familiar) noexcept {
  return 2.0 * (novel - familiar) / (novel + familiar + 0.01);
}

/// The regularised incomplete beta function I_x(a, b), a, b > 0, x in [0, 1].
inline double incomplete_beta(double a, double b, double x) {
  require(a > 0.0 && std::isfinite(a), "incomplete_beta a", a, "must be finite and > 0");
  require(b > 0.0 && std::isfinite(b), "incomplete_beta b", b, "must be finite and > 0");
  require(x >= 0.0 && x <= 1.0, "incomplete_beta x", x, "must be in [0, 1]");
  if (x == 0.0 || x == 1.0) return x;
  if (x > (a + 1.0) / (a + b + 2.0)) return 1.0 - incomplete_beta(b, a, 1.0 - x);
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  // 1 / (1 + d1 / (1 + d2 / (1 + …))) with d_{2m} = m(b−m)x / ((a+2m−1)(a+2m)) and
  // d_{2m+1} = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1)), by the modified Lentz method.
  constexpr double tiny = 1e-300;
  auto guard = [](double v) { return std::abs(v) < tiny ? tiny : v; };
  double c = 1.0;
  double d = 1.0 / guard(1.0 - (a + b) * x / (a + 1.0));
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    double coefficient = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 / guard(1.0 + coefficient * d);
    c = guard(1.0 + coefficient / c);
    h *= d * c;
    coefficient = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 / guard(1.0 + coefficient * d);
    c = guard(1.0 + coefficient / c);
    const double step = d * c;
    h *= step;
    if (std::abs(step - 1.0) < 1e-15) break;
  }
  return std::exp(log_front) * h / a;
}

/// Two-sided p-value of Student's t with ν degrees of freedom (ν > 0, not necessarily integer).
inline double student_t_two_sided_p(double t, double dof) {
  require(dof > 0.0 && !std::isnan(dof), "student_t dof", dof, "must be > 0");
  require(!std::isnan(t), "student_t t", t, "must not be NaN");
  if (std::isinf(t)) return 0.0;
  if (std::isinf(dof)) return std::erfc(std::abs(t) / std::sqrt(2.0));
  return incomplete_beta(0.5 * dof, 0.5, dof / (dof + t * t));
}

struct TTest {
  double t = 0;    ///< the statistic (±inf when the spread is 0 and the means differ)
  double dof = 0;  ///< degrees of freedom ν
  double p = 1;    ///< two-sided p-value
};

namespace detail {
inline void mean_and_variance(std::span<const double> x, const char* field, double& mean, double& variance) {
  require(x.size() >= 2, field, x.size(), "needs at least 2 samples");
  mean = 0.0;
  for (double v : x) {
    require(std::isfinite(v), field, v, "samples must be finite");
    mean += v;
  }
  mean /= static_cast<double>(x.size());
  variance = 0.0;
  for (double v : x) variance += (v - mean) * (v - mean);
  variance /= static_cast<double>(x.size() - 1);
}

// When the standard error is 0 the test is decided by the means alone.
inline TTest degenerate(double difference, double dof) {
  if (difference == 0.0) return {0.0, dof, 1.0};
  return {difference > 0 ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity(), dof, 0.0};
}
}  // namespace detail

/// One-sample t-test of mean(x) = mu (two-sided); with x = Δr over seeds it is the paired test
/// of r_nov against r_fam.
inline TTest one_sample_t_test(std::span<const double> x, double mu = 0.0) {
  double mean, variance;
  detail::mean_and_variance(x, "one_sample_t_test samples", mean, variance);
  const double n = static_cast<double>(x.size());
  const double se = std::sqrt(variance / n);
  if (se == 0.0) return detail::degenerate(mean - mu, n - 1.0);
  const double t = (mean - mu) / se;
  return {t, n - 1.0, student_t_two_sided_p(t, n - 1.0)};
}

/// Welch's unequal-variance t-test of mean(a) = mean(b) (two-sided).
inline TTest welch_t_test(std::span<const double> a, std::span<const double> b) {
  double ma, va, mb, vb;
  detail::mean_and_variance(a, "welch_t_test a", ma, va);
  detail::mean_and_variance(b, "welch_t_test b", mb, vb);
  const double qa = va / static_cast<double>(a.size()), qb = vb / static_cast<double>(b.size());
  const double se2 = qa + qb;
  if (se2 == 0.0) return detail::degenerate(ma - mb, static_cast<double>(a.size() + b.size() - 2));
  const double dof =
      se2 * se2 / (qa * qa / static_cast<double>(a.size() - 1) + qb * qb / static_cast<double>(b.size() - 1));
  const double t = (ma - mb) / std::sqrt(se2);
  return {t, dof, student_t_two_sided_p(t, dof)};
}

struct Interval {
  double lower = 0, upper = 1;
};

/// Wilson score interval of a proportion k / n (z = 1.96: 95 %).
inline Interval wilson_interval(std::size_t k, std::size_t n, double z = 1.959963984540054) {
  require(n >= 1, "wilson_interval n", n, "must be >= 1");
  require(k <= n, "wilson_interval k", k, "must be <= n");
  require_positive("wilson_interval z", z);
  const double nn = static_cast<double>(n), p = static_cast<double>(k) / nn, z2 = z * z;
  const double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
  const double half = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

/// The last test time whose p-value is below alpha ("time of last significant response"), or
/// none when no test time is significant.
inline std::optional<double> last_significant_time(std::span<const double> times, std::span<const double> p_values,
                                                   double alpha = 0.05) {
  require(times.size() == p_values.size(), "last_significant_time p_values.size()", p_values.size(),
          "must equal times.size()");
  std::optional<double> last;
  for (std::size_t i = 0; i < times.size(); ++i)
    if (p_values[i] < alpha) last = times[i];
  return last;
}

}  // namespace metahebb::familiarity
