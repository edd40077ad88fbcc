// The Pfister–Gerstner triplet rule (rules/triplet.hpp) on its own, through a synapse group, and
// plugged into the §3.3 task without any change to the task: proof that an EventRule is one header.
#include <metahebb/rules/triplet.hpp>
#include <metahebb/simulation/synapse_group.hpp>
#include <metahebb/tasks/inhibitory_balance.hpp>

#include <catch2/catch.hpp>

#include "../support/lanes_match_scalar.hpp"
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

using namespace metahebb;

static_assert(check_event_rule<TripletRule, float>());
static_assert(check_event_rule<TripletRule, double>());
static_assert(check_event_rule<TripletRule, xsimd::batch<float>>());
static_assert(check_event_rule<TripletRule, xsimd::batch<double>>());

namespace {
// θ with every term visible (the published A2_+ = 5e-10 would hide the pair potentiation).
Eigen::VectorXd test_theta() {
  Eigen::VectorXd th(8);
  th << 0.011, 0.013, 0.017, 0.019, 0.015, 0.03, 0.1, 0.12;
  return th;
}

// One afferent onto one neuron through a PlasticSynapses group (the synapse group the §3.3 task
// uses), spikes at the given steps; the group's order within a step is the task's: pre, post, decay.
struct Pair {
  struct state {
    double g = 0;
  };
  PlasticSynapses<TripletRule, double> synapses;
  std::vector<state> target{state{}};

  Pair(const TripletRule& r, const Eigen::VectorXd& theta, double w0, double dt)
      : synapses(make_kernels(r, theta, dt), 1, w0, 1.0, dt) {}

  static std::array<TripletRule::kernel<double>, 1> make_kernels(const TripletRule& r, const Eigen::VectorXd& theta,
                                                                 double dt) {
    return {{TripletRule::kernel<double>(r, LaneThetas<double>({theta.data()}), dt)}};
  }

  void run(std::size_t steps, const std::vector<std::size_t>& pre, const std::vector<std::size_t>& post) {
    for (std::size_t n = 0; n < steps; ++n) {
      for (const std::size_t p : pre)
        if (p == n) synapses.on_pre(0, n, target, &state::g);
      bool spiked = false;
      for (const std::size_t q : post) spiked = spiked || q == n;
      if (spiked) synapses.on_post(n, &spiked);
      synapses.decay();
    }
  }
  double w() const { return synapses.weight(0, 0); }
};
}  // namespace

TEST_CASE("TripletRule: names, settings, simulable and inert theta", "[triplet]") {
  const TripletRule rule;
  const auto names = rule.term_names();
  REQUIRE(names.size() == TripletRule::num_coefficients);
  CHECK(names[TripletRule::A2_plus] == "A2_plus");
  CHECK(names[TripletRule::A3_minus] == "A3_minus");
  CHECK(names[TripletRule::tau_y] == "tau_y");
  CHECK(rule.simulable<float>(rules::pfister_gerstner_2006_visual_cortex(), 1e-4));
  CHECK(rule.simulable<float>(rules::pfister_gerstner_2006_visual_cortex_minimal(), 1e-4));
  CHECK(rule.simulable<double>(rule.inert_theta(), 1e-4));
  for (const std::size_t k : {4, 5, 6, 7}) {
    Eigen::VectorXd th = test_theta();
    th[static_cast<Eigen::Index>(k)] = 0.0;
    CHECK_FALSE(rule.simulable<double>(th, 1e-4));
  }
  Eigen::VectorXd th = test_theta();
  th[1] = std::numeric_limits<double>::infinity();
  CHECK_FALSE(rule.simulable<double>(th, 1e-4));
  th = test_theta();
  th[0] = 1e300;  // finite in double, not in float
  CHECK(rule.simulable<double>(th, 1e-4));
  CHECK_FALSE(rule.simulable<float>(th, 1e-4));
  CHECK_FALSE(rule.simulable<double>(Eigen::VectorXd::Ones(6), 1e-4));

  TripletRule bad;
  bad.eta = 0;
  CHECK_THROWS_WITH(bad.validate(), Catch::Contains("rule.eta"));
  bad = {};
  bad.w_max = -1;
  CHECK_THROWS_WITH(bad.validate(), Catch::Contains("rule.w_max"));
}

TEST_CASE("TripletRule: pairs and triplets give the analytic weight change", "[triplet]") {
  const double dt = 1e-4, eta = 0.5, w0 = 1.0;
  const Eigen::VectorXd th = test_theta();
  const double A2p = th[0], A3p = th[1], A2m = th[2], A3m = th[3];
  const double tp = th[4], tm = th[5], tx = th[6], ty = th[7];
  TripletRule rule;
  rule.eta = eta;
  const double tol = 1e-12;  // exp over whole steps vs the product of per-step decays: rounding only

  SECTION("pre then post, 10 ms apart: pair potentiation η A2_+ e^{−Δ/τ_+}") {
    Pair p(rule, th, w0, dt);
    p.run(400, {100}, {200});
    CHECK(p.w() - w0 == Approx(eta * A2p * std::exp(-0.01 / tp)).epsilon(tol));
  }
  SECTION("post then pre, 10 ms apart: pair depression −η A2_− e^{−Δ/τ_−}") {
    Pair p(rule, th, w0, dt);
    p.run(400, {200}, {100});
    CHECK(p.w() - w0 == Approx(-eta * A2m * std::exp(-0.01 / tm)).epsilon(tol));
  }
  SECTION("post, pre 5 ms later, post 15 ms after that: the triplet term uses o2 before its increment") {
    Pair p(rule, th, w0, dt);
    p.run(600, {150}, {100, 300});
    const double depression = -eta * A2m * std::exp(-0.005 / tm);  // o1 of the first post; r2 = 0 before
    const double potentiation = eta * std::exp(-0.015 / tp) * (A2p + A3p * std::exp(-0.02 / ty));
    CHECK(p.w() - w0 == Approx(depression + potentiation).epsilon(tol));
  }
  SECTION("pre, post 5 ms later, pre 15 ms after that: the triplet term uses r2 before its increment") {
    Pair p(rule, th, w0, dt);
    p.run(600, {100, 300}, {150});
    const double potentiation = eta * std::exp(-0.005 / tp) * A2p;  // o2 = 0 before the first post
    const double depression = -eta * std::exp(-0.015 / tm) * (A2m + A3m * std::exp(-0.02 / tx));
    CHECK(p.w() - w0 == Approx(potentiation + depression).epsilon(tol));
  }
  SECTION("pre and post in the same step: the task's order (pre first) gives potentiation with r1 = 1") {
    Pair p(rule, th, w0, dt);
    p.run(10, {5}, {5});
    CHECK(p.w() - w0 == Approx(eta * A2p).epsilon(tol));
  }
  SECTION("weights are clipped to [0, w_max]") {
    TripletRule strong = rule;
    strong.eta = 1e3;
    strong.w_max = 2.0;
    Pair up(strong, th, w0, dt);
    up.run(400, {100}, {200});
    CHECK(up.w() == 2.0);
    Pair down(strong, th, w0, dt);
    down.run(400, {200}, {100});
    CHECK(down.w() == 0.0);
  }
}

TEST_CASE("TripletRule: a SIMD kernel's lanes equal the scalar kernel bit for bit", "[triplet][lanes]") {
  using B = xsimd::batch<float>;
  constexpr std::size_t W = B::size;
  const TripletRule rule;
  const double dt = 1e-4;
  std::vector<Eigen::VectorXd> thetas;
  for (std::size_t l = 0; l < W; ++l) {
    Eigen::VectorXd th = test_theta();
    th *= 1.0 + 0.37 * static_cast<double>(l);  // different amplitudes and time constants per lane
    thetas.push_back(th);
  }
  std::array<const double*, W> lane{};
  for (std::size_t l = 0; l < W; ++l) lane[l] = thetas[l].data();
  const TripletRule::kernel<B> batch(rule, LaneThetas<B>(lane), dt);
  std::vector<TripletRule::kernel<float>> scalar;
  for (std::size_t l = 0; l < W; ++l) scalar.emplace_back(rule, LaneThetas<float>({thetas[l].data()}), dt);

  B w(0.5f);
  TripletRule::kernel<B>::pre_trace bpre;
  TripletRule::kernel<B>::post_trace bpost;
  std::array<float, W> sw{};
  sw.fill(0.5f);
  std::array<TripletRule::kernel<float>::pre_trace, W> spre{};
  std::array<TripletRule::kernel<float>::post_trace, W> spost{};
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  int last_pre = 0, events = 0;
  for (int n = 0; n < 20000; ++n) {
    if (u(rng) < 0.02f) {  // a presynaptic spike, shared by every lane
      const float since = static_cast<float>(n - last_pre) * static_cast<float>(dt);
      batch.on_pre(w, bpre, bpost, B(since));
      for (std::size_t l = 0; l < W; ++l) scalar[l].on_pre(sw[l], spre[l], spost[l], since);
      last_pre = n;
      ++events;
    }
    alignas(64) bool spiked[W];
    bool any = false;
    for (std::size_t l = 0; l < W; ++l) {
      spiked[l] = u(rng) < 0.004f * static_cast<float>(l + 1);
      any = any || spiked[l];
    }
    if (any) {  // postsynaptic spikes in some lanes
      const auto mask = lanes::mask_t<B>::load_aligned(spiked);
      const float since = static_cast<float>(n - last_pre) * static_cast<float>(dt);
      w = lanes::select(mask, batch.on_post(w, bpre, bpost, B(since)), w);
      batch.post_spiked(bpost, mask);
      for (std::size_t l = 0; l < W; ++l)
        if (spiked[l]) {
          sw[l] = scalar[l].on_post(sw[l], spre[l], spost[l], since);
          scalar[l].post_spiked(spost[l], true);
          ++events;
        }
    }
    batch.decay(bpost);
    for (std::size_t l = 0; l < W; ++l) scalar[l].decay(spost[l]);
    for (std::size_t l = 0; l < W; ++l) {
      REQUIRE(lanes::lane(w, l) == sw[l]);
      REQUIRE(lanes::lane(bpre.r2, l) == spre[l].r2);
      REQUIRE(lanes::lane(bpost.o2, l) == spost[l].o2);
    }
  }
  CHECK(events > 500);
  for (std::size_t l = 0; l < W; ++l) CHECK(sw[l] != 0.5f);  // every lane learned
}

// --- the triplet rule in the §3.3 task (tasks/inhibitory_balance.hpp, unchanged) -------------------

namespace {
template <class Scalar = float, std::size_t Lanes = (sizeof(Scalar) == 4 ? 16 : 8)>
using TripletBalance = InhibitoryBalance<ConductanceLif, TripletRule, Scalar, Lanes>;

template <class Task>
typename Task::config_type short_protocol() {
  typename Task::config_type c;
  c.training_time = 4.0;
  c.scoring_time = 2.0;
  c.window = 1.0;
  c.explosion_grace = 1.0;
  c.explosion_window = 1.0;
  return c;
}

Eigen::MatrixXd assorted_triplet_rules() {
  Eigen::MatrixXd th(8, 7);
  th.col(0) = rules::pfister_gerstner_2006_visual_cortex();
  th.col(1) = rules::pfister_gerstner_2006_visual_cortex_minimal();
  th.col(2) = test_theta();
  th.col(3) = test_theta();
  th(TripletRule::tau_x, 3) = -0.1;  // not simulable
  th.col(4) << 0.05, 0.05, 0, 0, 0.02, 0.03, 0.1, 0.1;  // potentiation only: inhibition grows
  th.col(5) << 0, 0, 0.05, 0.05, 0.02, 0.03, 0.1, 0.1;  // depression only: inhibition vanishes
  th.col(6) = TripletRule{}.inert_theta();              // no plasticity
  return th;
}

template <class Task>
void check_triplet_lanes_match_scalar(const Task& task) {
  const auto reference = testing::check_lanes_match_scalar(task, assorted_triplet_rules(), {5, 1, 0}, 300);

  // θ with τ_x ≤ 0 is reported exploded at step 0, with no weights and no spikes.
  CHECK(reference[3].exploded);
  CHECK(reference[3].stopped_at_step == 0);
  CHECK(reference[3].w_inh_final.empty());
  CHECK(reference[3].spike_steps.empty());
  // The inert θ leaves every weight at w_inh_initial; the others moved them.
  const float w0 = static_cast<float>(task.config().w_inh_initial);
  for (const float w : reference[6].w_inh_final) REQUIRE(w == w0);
  auto mean = [](const std::vector<float>& w) {
    double s = 0;
    for (const float x : w) s += x;
    return s / static_cast<double>(w.size());
  };
  REQUIRE_FALSE(reference[4].exploded);
  CHECK(mean(reference[4].w_inh_final) > w0);
  CHECK(mean(reference[5].w_inh_final) < w0);
  // More inhibition, fewer spikes: potentiation-only fires less than the fixed inhibition.
  CHECK(reference[4].spike_steps.size() < reference[6].spike_steps.size());
  // The published visual-cortex fit: its potentiation grows with the postsynaptic rate (the A3_+ o2
  // term, BCM-like), so on these inhibitory synapses it potentiates inhibition while the LIF fires
  // fast and brings the rate down. Measured (float): 1 s bins 40, 17, 23, 14, 8 Hz, mean weight
  // 0.49 from 0.1; the fixed inhibition (candidate 6) instead explodes (76, 55 Hz).
  REQUIRE_FALSE(reference[0].exploded);
  CHECK(mean(reference[0].w_inh_final) > 2.0 * w0);
  CHECK(reference[0].rate_per_second.back() < 0.5f * reference[0].rate_per_second.front());
  CHECK(reference[6].exploded);
}
}  // namespace

static_assert(check_task<TripletBalance<float>>());
static_assert(check_task<TripletBalance<double>>());

TEST_CASE("TripletRule in the inhibitory-balance task: 8 parameters, SIMD lanes equal the scalar path",
          "[triplet][inhibitory_balance][lanes]") {
  const TripletBalance<> task(short_protocol<TripletBalance<>>());
  CHECK(task.num_parameters() == 8);
  const auto names = task.parameter_names();
  REQUIRE(names.size() == 8);
  CHECK(names.front() == "A2_plus");
  CHECK(names.back() == "tau_y");
  CHECK_THROWS_WITH(task.simulate(Eigen::MatrixXd::Zero(6, 1), EvaluationContext{}), Catch::Contains("thetas.rows()"));

  SECTION("float, 16 lanes") { check_triplet_lanes_match_scalar(task); }
  SECTION("double, 4 lanes") {
    check_triplet_lanes_match_scalar(TripletBalance<double, 4>(short_protocol<TripletBalance<double, 4>>()));
  }
}

TEST_CASE("TripletRule in the inhibitory-balance task: its settings are validated by the task",
          "[triplet][inhibitory_balance]") {
  auto c = short_protocol<TripletBalance<>>();
  c.rule.w_max = 0.05;  // below w_inh_initial = 0.1
  CHECK_THROWS_WITH(TripletBalance<>(c), Catch::Contains("w_inh_initial"));
  c = short_protocol<TripletBalance<>>();
  c.rule.eta = -1;
  CHECK_THROWS_WITH(TripletBalance<>(c), Catch::Contains("rule.eta"));
}
