// CodependentAif (CVAIF, filter SBI's MLP-rule neuron): traces against their closed forms,
// adaptation after a spike train, lanes equal to the scalar, settings errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <metahebb/neurons/codependent_aif.hpp>
#include <metahebb/simulation/neuron_group.hpp>
#include <metahebb/tasks/inhibitory_balance.hpp>
#include <string>
#include <vector>

#include "../support/lanes_match_scalar.hpp"

using namespace metahebb;

TEST_CASE("CodependentAif: V-bar, C_exc and C_inh follow their closed forms under a clamped constant drive",
          "[neurons][cvaif]") {
  CodependentAifParameters p;
  p.v_threshold = 1.0;  // far above E_E: no spike, whatever the drive
  const CodependentAif<double> model(p);
  const double v0 = -0.055, g_ampa = 0.4, g_nmda = 0.2, g_gaba = 0.7, g_a = 0.05;
  const auto [a_ampa, a_nmda] = p.channel_weights();
  const double drive_exc = (a_ampa * g_ampa + a_nmda * g_nmda) * (p.e_exc - v0);
  const double drive_inh = (g_gaba + g_a) * (v0 - p.e_inh);
  auto s = model.resting();
  s.c_exc = 0.002;  // start away from both 0 and the drive
  for (int n = 1; n <= 3000; ++n) {
    s.v = v0;  // voltage clamp and conductance clamp: a constant drive
    s.g_exc = g_ampa, s.g_nmda = g_nmda, s.g_inh = g_gaba, s.g_adapt = g_a;
    REQUIRE_FALSE(model.step(s));
    if (n % 500 == 0) {
      const double t = n * p.dt;
      // C(t) = D + (C(0) − D) e^{−t/τ}; V̄ from V_rest towards v0. Each step rounds once in double
      // (relative 1e-16): 3000 steps stay far below 1e-12 of the drive.
      INFO("step " << n);
      CHECK(s.c_exc == Approx(drive_exc + (0.002 - drive_exc) * std::exp(-t / p.tau_c_exc)).epsilon(1e-12));
      CHECK(s.c_inh == Approx(drive_inh * (1 - std::exp(-t / p.tau_c_inh))).epsilon(1e-12));
      CHECK(s.v_trace == Approx(v0 + (p.v_rest - v0) * std::exp(-t / p.tau_v_trace)).epsilon(1e-12));
    }
  }
  // The drives are the reference's t_exc = −g_E V (E_E = 0) and t_inh = (V − E_I)(g_GABA + g_a), in volts.
  CHECK(drive_exc == Approx(-(0.3 / 1.3 * g_ampa + 1 / 1.3 * g_nmda) * v0));
  CHECK(s.c_exc > 0.0);
}

TEST_CASE("CodependentAif: adaptation sums e^{-t/tau_a} jumps over a spike train and lowers the rate",
          "[neurons][cvaif]") {
  const CodependentAifParameters p;
  const CodependentAif<double> model(p);
  auto s = model.resting();
  std::vector<int> spikes;
  const double decay = std::exp(-p.dt / p.tau_adapt);
  for (int n = 0; n < 5000; ++n) {
    // g_a at the start of step n: Σ_{k<n} Δg_a e^{−(n−1−k) dt/τ_a} over the spikes so far.
    double expected = 0.0;
    for (const int k : spikes) expected += p.adapt_jump * std::pow(decay, n - 1 - k);
    REQUIRE(s.g_adapt == Approx(expected).epsilon(1e-9).margin(1e-300));
    s.g_exc = 0.6;  // a strong constant AMPA conductance: regular firing
    if (model.step(s)) spikes.push_back(n);
  }
  REQUIRE(spikes.size() > 10);
  // Without adaptation the same drive fires more (interval growth alone would not show it here:
  // the clamped AMPA conductance also charges NMDA over ~τ_NMDA, which shortens the intervals).
  CodependentAifParameters q = p;
  q.adapt_jump = 0.0;
  const CodependentAif<double> plain(q);
  auto r = plain.resting();
  std::size_t plain_spikes = 0;
  for (int n = 0; n < 5000; ++n) {
    r.g_exc = 0.6;
    plain_spikes += plain.step(r) ? 1 : 0;
  }
  CHECK(plain_spikes > spikes.size());
}

TEST_CASE("CodependentAif: neurons in SIMD lanes equal the scalar neuron bit for bit, traces included",
          "[neurons][cvaif]") {
  using B = xsimd::batch<float>;
  constexpr std::size_t w = B::size;
  const CodependentAifParameters p;
  const CodependentAif<B> lanes_model(p);
  const CodependentAif<float> scalar_model(p);
  auto s = lanes_model.resting();
  std::vector<CodependentAif<float>::state_type> ref(w, scalar_model.resting());
  std::size_t spikes = 0;
  for (int n = 0; n < 4000; ++n) {
    alignas(64) float ge[w], gi[w];
    for (std::size_t l = 0; l < w; ++l) {  // different, varying drives per lane
      ge[l] = (n + 7 * static_cast<int>(l)) % 13 == 0 ? 0.5f + 0.1f * static_cast<float>(l) : 0.0f;
      gi[l] = (n + 3 * static_cast<int>(l)) % 29 == 0 ? 0.8f : 0.0f;
      ref[l].g_exc += ge[l];
      ref[l].g_inh += gi[l];
    }
    s.g_exc += B::load_aligned(ge);
    s.g_inh += B::load_aligned(gi);
    const auto m = lanes_model.step(s);
    for (std::size_t l = 0; l < w; ++l) {
      const bool spiked = scalar_model.step(ref[l]);
      REQUIRE(lanes::mask_lane(m, l) == spiked);
      spikes += spiked ? 1 : 0;
      REQUIRE(lanes::lane(s.v, l) == ref[l].v);
      REQUIRE(lanes::lane(s.v_trace, l) == ref[l].v_trace);
      REQUIRE(lanes::lane(s.c_exc, l) == ref[l].c_exc);
      REQUIRE(lanes::lane(s.c_inh, l) == ref[l].c_inh);
      REQUIRE(lanes::lane(s.g_adapt, l) == ref[l].g_adapt);
    }
  }
  CHECK(spikes > 20);  // not vacuous
  // store_factors copies neuron i's traces out of lane i % w of block i / w.
  NeuronGroup<CodependentAif<B>, dynamic_blocks> group(CodependentAif<B>(p), 2);
  group[1].c_exc = B(0.25f);
  group[1].v_trace = B(-0.06f);
  std::vector<PostFactors<float>> f(w + 1);
  CodependentAif<B>::store_factors(group, std::span<PostFactors<float>>(f));
  CHECK(f[w].c_exc == 0.25f);
  CHECK(f[w].v_trace == -0.06f);
  CHECK(f[0].v_trace == static_cast<float>(p.v_rest));
}

TEST_CASE("CodependentAif: bad settings throw, naming the field", "[neurons][cvaif]") {
  auto throws_naming = [](CodependentAifParameters p, const std::string& field) {
    try {
      CodependentAif<double> model(p);
      FAIL("no exception for " << field);
    } catch (const std::invalid_argument& e) {
      CHECK_THAT(e.what(), Catch::Contains(field));
    }
  };
  CodependentAifParameters p;
  p.tau_v_trace = 0.0;
  throws_naming(p, "neuron.tau_v_trace");
  p = {};
  p.tau_c_inh = -1.0;
  throws_naming(p, "neuron.tau_c_inh");
  p = {};
  p.adapt_jump = -0.1;
  throws_naming(p, "neuron.adapt_jump");
}

// --- the neuron in the §3.3 task (tasks/inhibitory_balance.hpp): the shared lanes check -------

TEST_CASE("CodependentAif in the inhibitory-balance task: SIMD lanes equal the scalar path",
          "[neurons][cvaif][inhibitory_balance][lanes]") {
  using Task = InhibitoryBalance<CodependentAif, SpikeTraceRule, float, 16>;
  Task::config_type c;
  c.neuron.g_exc_bar = 0.014;  // the task's Vogels input weights are scaled for ConductanceLif's ḡ, not Auryn's 1
  c.neuron.g_inh_bar = 0.035;
  c.training_time = 8.0;
  c.scoring_time = 2.0;
  c.window = 1.0;
  c.explosion_grace = 1.0;
  c.explosion_window = 1.0;
  testing::check_neuron_lanes_match_scalar(Task(c));
}
