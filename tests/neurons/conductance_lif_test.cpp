#include <metahebb/neurons/conductance_lif.hpp>

#include <catch2/catch.hpp>
#include <cmath>
#include <string>

using namespace metahebb;

TEST_CASE("ConductanceLif rejects invalid parameters, naming the field", "[conductance_lif]") {
  ConductanceLifParameters p;
  p.tau_m = -1e-3;
  CHECK_THROWS_WITH(ConductanceLif<double>(p), Catch::Contains("neuron.tau_m") && Catch::Contains("-0.001"));
  p = {};
  p.dt = 5e-3;  // = tau_ref
  CHECK_THROWS_WITH(ConductanceLif<double>(p), Catch::Contains("neuron.dt"));
  p = {};
  p.v_reset = -40e-3;  // above threshold
  CHECK_THROWS_WITH(ConductanceLif<double>(p), Catch::Contains("neuron.v_reset"));
  p = {};
  p.e_inh = 10e-3;
  CHECK_THROWS_WITH(ConductanceLif<double>(p), Catch::Contains("neuron.e_inh"));
}

TEST_CASE("lanes::exp is accurate and identical in scalar and batch form", "[conductance_lif][lanes]") {
  using B = xsimd::batch<double>;
  using F = xsimd::batch<float>;
  for (int i = 0; i <= 2000; ++i) {
    const double x = -80.0 + 0.07919 * i;  // covers decays (x < 0) and the x > 0 side
    const double e = lanes::exp(x);
    CHECK(std::abs(e / std::exp(x) - 1.0) < 1e-15);  // degree-13 Taylor on |r| <= ln2/2: ~1 ulp
    CHECK(lanes::lane(lanes::exp(B(x)), 0) == e);
    const float xf = static_cast<float>(x);
    const float ef = lanes::exp(xf);
    CHECK(std::abs(ef / std::exp(static_cast<double>(xf)) - 1.0) < 3e-7);  // float: ~2 ulp
    CHECK(lanes::lane(lanes::exp(F(xf)), F::size - 1) == ef);
  }
  CHECK(lanes::exp(-1e6) >= 0.0);  // raised to the lower bound, never NaN
}

TEST_CASE("the membrane relaxes exactly towards V_inf with the conductances held over a step", "[conductance_lif]") {
  const ConductanceLifParameters p;
  const ConductanceLif<double> neuron(p);
  auto s = neuron.resting();
  s.g_exc = 0.5;
  s.g_inh = 0.2;
  const double g_total = 1.7;
  const double v_inf = (p.v_rest + 0.5 * p.e_exc + 0.2 * p.e_inh) / g_total;
  const double expected = v_inf + (p.v_rest - v_inf) * std::exp(-p.dt * g_total / p.tau_m);
  const bool spiked = neuron.step(s, {});
  CHECK_FALSE(spiked);
  CHECK(s.v == Approx(expected).epsilon(1e-13));  // lanes::exp vs std::exp: a few ulp
  CHECK(s.g_exc == Approx(0.5 * std::exp(-p.dt / p.tau_exc)).epsilon(1e-15));
  CHECK(s.g_inh == Approx(0.2 * std::exp(-p.dt / p.tau_inh)).epsilon(1e-15));

  // Without input the neuron stays at rest.
  auto rest = neuron.resting();
  for (int n = 0; n < 1000; ++n) CHECK_FALSE(neuron.step(rest, {}));
  CHECK(rest.v == Approx(p.v_rest).margin(1e-15));
}

TEST_CASE("after a spike V is clamped at v_reset for exactly tau_ref", "[conductance_lif]") {
  const ConductanceLifParameters p;
  const ConductanceLif<double> neuron(p);
  auto s = neuron.resting();
  // A huge excitatory conductance takes V above threshold within one step, every step it is allowed to.
  int first = -1, second = -1;
  for (int n = 0; n < 200 && second < 0; ++n) {
    s.g_exc = 1e3;
    const bool spike = neuron.step(s, {});
    if (spike) (first < 0 ? first : second) = n;
    if (first >= 0 && !spike && n > first) CHECK(s.v == p.v_reset);  // clamped between the spikes
  }
  CHECK(first == 0);
  CHECK(second - first == static_cast<int>(p.refractory_steps()) + 1);  // 50 clamped steps, then a spike
}

TEST_CASE("a batch of neurons gives each lane the scalar neuron's trajectory", "[conductance_lif][lanes]") {
  using B = xsimd::batch<float>;
  const ConductanceLif<float> scalar;
  const ConductanceLif<B> batch;
  auto bs = batch.resting();
  ConductanceLif<float>::state_type ss[B::size];
  for (auto& s : ss) s = scalar.resting();
  int spikes = 0;
  for (int n = 0; n < 20000; ++n) {
    alignas(64) float exc[B::size];
    for (std::size_t l = 0; l < B::size; ++l) exc[l] = (n * (7 + l)) % 97 == 0 ? 0.15f * (1 + l) : 0.0f;
    const auto mask = batch.step(bs, {B::load_aligned(exc), B(0.001f)});
    for (std::size_t l = 0; l < B::size; ++l) {
      const bool spike = scalar.step(ss[l], {exc[l], 0.001f});
      spikes += spike;
      REQUIRE(lanes::mask_lane(mask, l) == spike);
      REQUIRE(lanes::lane(bs.v, l) == ss[l].v);
    }
  }
  CHECK(spikes > 10);  // the comparison covered spikes and refractory periods
}
