#include <catch2/catch.hpp>

#include <metahebb/rules/spike_trace.hpp>
#include <metahebb/sweep/mean_field_screen.hpp>

using namespace metahebb;
using namespace metahebb::sweep;

namespace {
// A quartet built to pass: E→E and I→I vanish at ν_E* = 5 Hz and ν_I* = 8 Hz with stable signs,
// E→I and I→E are made to vanish there by choosing their α.
Eigen::VectorXd quartet() {
  Eigen::VectorXd t(24);
  const double ne = 5, ni = 8;
  // EE: c = γ τ_pre + κ τ_post = −1 · 0.05 + 0 = −0.05 < 0; α + β = −c ν_E* = 0.25.
  t.segment(0, 6) << 0.5, -0.25, -1.0, 0.0, 0.05, 0.05;
  // II: c = +0.05 > 0; α + β = −0.05 · 8 = −0.4.
  t.segment(18, 6) << -0.6, 0.2, 1.0, 0.0, 0.05, 0.05;
  // EI (pre E, post I): β + c ν_E = −1 + 0.02 · 5 < 0; α from D = 0.
  const double b_ei = -1.0, c_ei = 0.02;
  t.segment(6, 6) << -(b_ei * ni + c_ei * ne * ni) / ne, b_ei, 0.4, 0.0, 0.05, 0.05;
  // IE (pre I, post E): β + c ν_I = 1 + 0.02 · 8 > 0.
  const double b_ie = 1.0, c_ie = 0.02;
  t.segment(12, 6) << -(b_ie * ne + c_ie * ni * ne) / ni, b_ie, 0.4, 0.0, 0.05, 0.05;
  return t;
}
}  // namespace

TEST_CASE("the mean-field screen passes quartets whose four drifts vanish at plausible rates", "[sweep][mean_field]") {
  const MeanFieldScreen screen;
  const Eigen::VectorXd t = quartet();
  // The library's Eq. 15 agrees: every type's drift is 0 at (5, 8) Hz.
  CHECK(std::abs(SpikeTraceBasis::mean_drift(t.segment(0, 6), 5, 5)) < 1e-12);
  CHECK(std::abs(SpikeTraceBasis::mean_drift(t.segment(6, 6), 5, 8)) < 1e-12);
  CHECK(std::abs(SpikeTraceBasis::mean_drift(t.segment(12, 6), 8, 5)) < 1e-12);
  CHECK(std::abs(SpikeTraceBasis::mean_drift(t.segment(18, 6), 8, 8)) < 1e-12);
  CHECK(screen(t));
  // E→I may drift by at most 0.05 · 0.1 / (0.01 · 5 s) = 0.1 Hz at (5, 8): α_EI ± 0.019 (D
  // changes by 5 Hz per unit of α) stays inside, ± 0.021 does not.
  Eigen::VectorXd u = t;
  u[6] += 0.019;
  CHECK(screen(u));
  u[6] = t[6] + 0.021;
  CHECK_FALSE(screen(u));
  // I→E: 1 Hz, 8 Hz per unit of α: ± 0.12 passes, ± 0.13 does not.
  u = t, u[12] -= 0.12;
  CHECK(screen(u));
  u[12] = t[12] - 0.13;
  CHECK_FALSE(screen(u));
  // Rates: ν_E* = 0.5 Hz (α_EE + β_EE = 0.025) fails.
  u = t, u[0] = 0.275;
  CHECK_FALSE(screen(u));
  // Stability: an unstable E→E fixed point (c_EE > 0, same ν_E*) passes only without `stable`.
  u = t, u[2] = 1.0, u[0] = -0.25;  // c_EE = +0.05, α + β = −0.5: ν_E* = 10 Hz, E→I and I→E re-solved there
  u.segment(6, 6) << -(-1.0 * 8 + 0.02 * 10 * 8) / 10, -1.0, 0.4, 0.0, 0.05, 0.05;
  u.segment(12, 6) << -(1.0 * 10 + 0.02 * 8 * 10) / 8, 1.0, 0.4, 0.0, 0.05, 0.05;
  CHECK_FALSE(screen(u));
  MeanFieldScreen loose;
  loose.stable = false;
  CHECK(loose(u));
  CHECK_THROWS_WITH(screen(Eigen::VectorXd::Zero(6)), Catch::Contains("theta.size()"));
}

TEST_CASE("the mean-field screen agrees with scripts/recurrent_family/mean_field_screen.py", "[sweep][mean_field]") {
  // The first rule of scripts/recurrent_family/mean_field_stable.csv (the script with
  // --samples 20000000 --seed 1 --stable), printed with 9 significant digits.
  Eigen::VectorXd t(24);
  t << 1.90582169, -1.50067119, -1.55828185, -0.208227604, 0.0580651843, 0.0371434066, 0.200573056, -0.286038404,
      -1.8327717, 1.04491435, 0.019548581, 0.0664719147, -1.4431691, 1.41388694, 1.88894896, -1.38630528, 0.062246722,
      0.0273499678, -1.7498329, 1.05547985, -0.150706652, 1.9577074, 0.0323806863, 0.072068685;
  CHECK(MeanFieldScreen{}(t));
}
