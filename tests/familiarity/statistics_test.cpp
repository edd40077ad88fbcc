// The familiarity readout's statistics against closed forms and table values.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <vector>

#include <metahebb/familiarity/statistics.hpp>

using namespace metahebb::familiarity;

// Closed forms of the two-sided p of Student's t: ν = 1 (Cauchy) 1 − 2 atan(t)/π; ν = 2
// 1 − t/√(t² + 2); ν = 3 1 − (2/π)(atan(s) + s/(1 + s²)) with s = t/√3. The continued fraction
// is accurate to ~1e-12 (statistics.hpp), so 1e-10 leaves room for the lgamma/exp roundings.
TEST_CASE("Student's t p-values match the closed forms for 1, 2 and 3 degrees of freedom", "[familiarity]") {
  for (double t : {0.1, 0.5, 1.0, 2.0, 3.5, 10.0, 100.0}) {
    CHECK(student_t_two_sided_p(t, 1) == Approx(1 - 2 * std::atan(t) / std::numbers::pi).margin(1e-10));
    CHECK(student_t_two_sided_p(-t, 2) == Approx(1 - t / std::sqrt(t * t + 2)).margin(1e-10));
    const double s = t / std::sqrt(3.0);
    CHECK(student_t_two_sided_p(t, 3) == Approx(1 - 2 / std::numbers::pi * (std::atan(s) + s / (1 + s * s))).margin(1e-10));
  }
  CHECK(student_t_two_sided_p(1.0, 1) == Approx(0.5).margin(1e-12));
  CHECK(student_t_two_sided_p(0.0, 7) == 1.0);
}

// The 97.5 % quantiles of Student's t (printed tables, to 10 digits) give p = 0.05; the normal
// limit gives p = 0.05 at z = 1.95996…; 1e-8 is the tables' precision times the density.
TEST_CASE("Student's t p-values are 0.05 at the tabulated 97.5 % quantiles", "[familiarity]") {
  CHECK(student_t_two_sided_p(2.7764451052, 4) == Approx(0.05).margin(1e-8));
  CHECK(student_t_two_sided_p(2.2281388520, 10) == Approx(0.05).margin(1e-8));
  CHECK(student_t_two_sided_p(2.0422724563, 30) == Approx(0.05).margin(1e-8));
  CHECK(student_t_two_sided_p(1.959963984540054, 1e8) == Approx(0.05).margin(1e-6));
  CHECK(student_t_two_sided_p(1.959963984540054, INFINITY) == Approx(0.05).margin(1e-12));
  // fractional ν (Welch) lies between its integer neighbours
  CHECK(student_t_two_sided_p(2.0, 2.5) < student_t_two_sided_p(2.0, 2));
  CHECK(student_t_two_sided_p(2.0, 2.5) > student_t_two_sided_p(2.0, 3));
}

TEST_CASE("the incomplete beta function is symmetric and refuses bad arguments", "[familiarity]") {
  CHECK(incomplete_beta(2.5, 0.5, 0.3) == Approx(1 - incomplete_beta(0.5, 2.5, 0.7)).margin(1e-12));
  CHECK(incomplete_beta(1, 1, 0.37) == Approx(0.37).margin(1e-12));  // uniform distribution
  CHECK(incomplete_beta(2, 1, 0.6) == Approx(0.36).margin(1e-12));   // I_x(a, 1) = x^a
  CHECK_THROWS_WITH(incomplete_beta(1, 1, 1.5), Catch::Contains("incomplete_beta x = 1.5"));
  CHECK_THROWS_WITH(student_t_two_sided_p(1, 0), Catch::Contains("student_t dof = 0"));
}

TEST_CASE("one-sample and Welch t statistics by hand", "[familiarity]") {
  // {1, 2, 3}: mean 2, variance 1, se 1/√3, t = 2√3, ν = 2, p = 1 − t/√(t² + 2).
  const std::vector<double> x{1, 2, 3};
  const TTest one = one_sample_t_test(x);
  CHECK(one.t == Approx(2 * std::sqrt(3.0)).epsilon(1e-12));
  CHECK(one.dof == 2);
  CHECK(one.p == Approx(1 - one.t / std::sqrt(one.t * one.t + 2)).margin(1e-10));
  CHECK(one_sample_t_test(x, 2.0).p == Approx(1.0).margin(1e-12));

  // a: mean 3, variance 2.5; b: mean 7, variance 10; n = 5 each:
  // se² = 0.5 + 2 = 2.5, t = −4/√2.5, ν = 2.5² / (0.5²/4 + 2²/4) = 6.25 / 1.0625.
  const std::vector<double> a{1, 2, 3, 4, 5}, b{3, 5, 7, 9, 11};
  const TTest w = welch_t_test(a, b);
  CHECK(w.t == Approx(-4 / std::sqrt(2.5)).epsilon(1e-12));
  CHECK(w.dof == Approx(6.25 / 1.0625).epsilon(1e-12));
  CHECK(w.p < student_t_two_sided_p(w.t, 5));
  CHECK(w.p > student_t_two_sided_p(w.t, 6));

  // no spread: decided by the means
  const std::vector<double> same{0.5, 0.5, 0.5}, zero{0, 0, 0};
  CHECK(one_sample_t_test(same).p == 0.0);
  CHECK(one_sample_t_test(zero).p == 1.0);
  CHECK_THROWS_WITH(one_sample_t_test(std::vector<double>{1.0}), Catch::Contains("needs at least 2 samples"));
  CHECK_THROWS_WITH(welch_t_test(a, std::vector<double>{1.0, NAN}), Catch::Contains("welch_t_test b"));
}

TEST_CASE("Wilson intervals of a proportion", "[familiarity]") {
  // 5/10: (0.5 ± 1.96 √(0.025 + 0.0096…)) / 1.384… = [0.23659, 0.76341]; 0/10: [0, z²/(n + z²)].
  const Interval half = wilson_interval(5, 10);
  CHECK(half.lower == Approx(0.2365931).margin(1e-6));
  CHECK(half.upper == Approx(0.7634069).margin(1e-6));
  const Interval none = wilson_interval(0, 10);
  CHECK(none.lower == 0.0);
  CHECK(none.upper == Approx(3.841458820694124 / (10 + 3.841458820694124)).epsilon(1e-12));
  CHECK(wilson_interval(10, 10).upper == Approx(1.0).margin(1e-12));  // (1 + z²/n) / (1 + z²/n) up to rounding
  CHECK_THROWS_WITH(wilson_interval(11, 10), Catch::Contains("wilson_interval k = 11"));
}

TEST_CASE("the relative difference and the last significant test time", "[familiarity]") {
  CHECK(relative_difference(3.0, 1.0) == Approx(2 * 2.0 / 4.01).epsilon(1e-15));
  CHECK(relative_difference(1.0, 3.0) == -relative_difference(3.0, 1.0));
  CHECK(relative_difference(0.0, 0.0) == 0.0);
  const std::vector<double> times{1, 10, 60, 600}, p{0.01, 0.2, 0.04, 0.3};
  CHECK(last_significant_time(times, p) == 60.0);
  CHECK_FALSE(last_significant_time(times, std::vector<double>{0.5, 0.5, 0.5, 0.5}).has_value());
  CHECK_THROWS(last_significant_time(times, std::vector<double>{0.1}));
}
