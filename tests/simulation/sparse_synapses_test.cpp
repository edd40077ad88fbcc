// SparseSynapses (simulation/sparse_synapses.hpp): delivery over a SparseConnectivity, event
// rules run per synapse with one θ, equality with PlasticSynapses, fixed groups, absorb.
#include <metahebb/neurons/conductance_lif.hpp>
#include <metahebb/rules/spike_trace.hpp>
#include <metahebb/rules/triplet.hpp>
#include <metahebb/simulation/neuron_group.hpp>
#include <metahebb/simulation/snapshot.hpp>
#include <metahebb/simulation/sparse_synapses.hpp>
#include <metahebb/simulation/synapse_group.hpp>

#include <catch2/catch.hpp>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

using namespace metahebb;
using index_type = SparseConnectivity::index_type;

namespace {
std::shared_ptr<const SparseConnectivity> share(SparseConnectivity c) {
  return std::make_shared<const SparseConnectivity>(std::move(c));
}

// θ of the spike-trace rule with every term visible (potentiation and depression on both spikes).
Eigen::VectorXd spike_trace_theta() {
  Eigen::VectorXd th(6);
  th << -0.02, 0.01, 0.9, -0.6, 0.02, 0.03;
  return th;
}
Eigen::VectorXd triplet_theta() {
  Eigen::VectorXd th(8);
  th << 0.011, 0.013, 0.017, 0.019, 0.015, 0.03, 0.1, 0.12;
  return th;
}

// Random pre and post spike trains, drawn once so both groups see the same ones.
struct Trains {
  std::vector<std::vector<index_type>> pre, post;  // per step
};
Trains random_trains(std::size_t steps, std::size_t n_pre, std::size_t n_post, double p_pre, double p_post,
                     std::uint64_t seed) {
  RandomStream r(seed, Purpose::dataset);
  Trains t{std::vector<std::vector<index_type>>(steps), std::vector<std::vector<index_type>>(steps)};
  for (std::size_t n = 0; n < steps; ++n) {
    for (std::size_t i = 0; i < n_pre; ++i)
      if (r.uniform() < p_pre) t.pre[n].push_back(static_cast<index_type>(i));
    for (std::size_t j = 0; j < n_post; ++j)
      if (r.uniform() < p_post) t.post[n].push_back(static_cast<index_type>(j));
  }
  return t;
}

// All-to-all onto one neuron: SparseSynapses and PlasticSynapses<Rule, Scalar, 1> see the same
// trains in the same order (pre spikes, post spike, decay) and must agree bit for bit.
template <class Rule, class Scalar>
void check_matches_plastic_synapses(const Rule& rule, const Eigen::VectorXd& theta) {
  constexpr std::size_t afferents = 40;
  const double dt = 1e-4, g_bar = 0.035, w0 = 0.7;
  struct state {
    Scalar g = 0;
  };
  std::array<typename Rule::template kernel<Scalar>, 1> kernels{
      typename Rule::template kernel<Scalar>(rule, LaneThetas<Scalar>({theta.data()}), dt)};
  PlasticSynapses<Rule, Scalar, 1> dense(kernels, afferents, w0, g_bar, dt);
  std::vector<state> target(1);
  SparseSynapses<Rule, Scalar> sparse(share(SparseConnectivity::all_to_all(afferents, 1)), rule, theta, g_bar, dt,
                                      w0);
  std::vector<Scalar> g(1, Scalar(0));

  const Trains t = random_trains(20000, afferents, 1, 0.002, 0.003, 11);
  std::size_t post_spikes = 0;
  for (std::size_t n = 0; n < t.pre.size(); ++n) {
    for (const index_type i : t.pre[n]) {
      dense.on_pre(i, n, target, &state::g);
      sparse.on_pre(i, n, g);
    }
    REQUIRE(g[0] == target[0].g);
    bool spiked = !t.post[n].empty();
    if (spiked) {
      dense.on_post(n, &spiked);
      sparse.on_post(0, n);
      ++post_spikes;
    }
    dense.decay();
    sparse.decay();
    if (n % 1000 == 0 || n + 1 == t.pre.size())
      for (std::size_t k = 0; k < afferents; ++k) REQUIRE(sparse.weight(k) == dense.weight(k, 0));
  }
  CHECK(post_spikes > 30);
  // Not vacuous: the weights moved and differ between synapses (neither all clipped nor all equal).
  std::size_t moved = 0;
  for (std::size_t k = 0; k < afferents; ++k) moved += sparse.weight(k) != static_cast<Scalar>(w0);
  CHECK(moved == afferents);
  CHECK(sparse.weight(0) != sparse.weight(1));
  double mean = 0;
  for (std::size_t k = 0; k < afferents; ++k) mean += static_cast<double>(dense.weight(k, 0));
  CHECK(sparse.mean_weight() == Approx(mean / afferents).epsilon(1e-12));
}
}  // namespace

TEST_CASE("SparseSynapses: delivery sums match a dense reference", "[sparse_synapses]") {
  const std::size_t n_pre = 200, n_post = 150;
  RandomStream structure(5, Purpose::initial_weights), weights(6, Purpose::initial_weights);
  const auto c = share(SparseConnectivity::random(n_pre, n_post, 0.2, structure));
  const double g_bar = 0.014;
  auto group = SparseSynapses<SpikeTraceRule, float>(c, SpikeTraceRule{}, spike_trace_theta(), g_bar, 1e-4, 0.5, 2.0,
                                                      weights, false);
  // Dense reference: W[i][j] = the weight of synapse (i, j), or none.
  std::vector<std::vector<float>> W(n_pre, std::vector<float>(n_post, -1.0f));
  for (std::size_t i = 0; i < n_pre; ++i)
    for (index_type s = c->row_begin(i); s < c->row_end(i); ++s) W[i][c->post_indices()[s]] = group.weight(s);
  for (const float w : group.weights()) {
    REQUIRE(w >= 0.5f);
    REQUIRE(w <= 2.0f);
  }
  // Uniform on [0.5, 2]: mean 1.25, sd 0.433; the mean of ~6000 weights has sd 0.0056, 5 sd.
  CHECK(std::abs(group.mean_weight() - 1.25) < 0.028);

  const Trains t = random_trains(300, n_pre, 0, 0.05, 0.0, 8);
  const float jump = static_cast<float>(g_bar);
  std::vector<float> g(n_post, 0.0f), reference(n_post, 0.0f);
  std::size_t spikes = 0;
  for (std::size_t n = 0; n < t.pre.size(); ++n) {
    group.on_pre(t.pre[n], n, g);  // the span overload
    for (const index_type i : t.pre[n]) {
      for (std::size_t j = 0; j < n_post; ++j)
        if (W[i][j] >= 0.0f) reference[j] += jump * W[i][j];  // same order: spikes, then posts
      ++spikes;
    }
    for (std::size_t j = 0; j < n_post; ++j) REQUIRE(g[j] == reference[j]);
  }
  CHECK(spikes > 2000);
}

TEST_CASE("SparseSynapses with SpikeTraceRule equals PlasticSynapses<Rule, Scalar, 1> bit for bit",
          "[sparse_synapses]") {
  SpikeTraceRule rule;
  rule.eta = 0.05;
  rule.w_max = 5.0;
  SECTION("float") { check_matches_plastic_synapses<SpikeTraceRule, float>(rule, spike_trace_theta()); }
  SECTION("double") { check_matches_plastic_synapses<SpikeTraceRule, double>(rule, spike_trace_theta()); }
}

TEST_CASE("SparseSynapses with TripletRule equals PlasticSynapses<Rule, Scalar, 1> bit for bit",
          "[sparse_synapses]") {
  TripletRule rule;
  rule.eta = 2.0;
  rule.w_max = 5.0;
  SECTION("float") { check_matches_plastic_synapses<TripletRule, float>(rule, triplet_theta()); }
  SECTION("double") { check_matches_plastic_synapses<TripletRule, double>(rule, triplet_theta()); }
}

TEST_CASE("SparseSynapses: random connectivity learns like one PlasticSynapses per postsynaptic neuron",
          "[sparse_synapses]") {
  // Each post neuron j with its in-neighbours as afferents 0 … in_degree − 1 is a PlasticSynapses
  // of its own; the sparse group must give every synapse the same weight (checks the CSC walk,
  // per-neuron post traces and per-pre last-spike steps).
  const std::size_t n_pre = 60, n_post = 25;
  const double dt = 1e-4, g_bar = 1.0;
  TripletRule rule;
  rule.eta = 2.0;
  rule.w_max = 5.0;
  const Eigen::VectorXd theta = triplet_theta();
  RandomStream structure(12, Purpose::initial_weights);
  const auto c = share(SparseConnectivity::random(n_pre, n_post, 0.3, structure));
  SparseSynapses<TripletRule, double> sparse(c, rule, theta, g_bar, dt, 1.0);
  std::vector<double> g(n_post, 0.0);

  struct state {
    double g = 0;
  };
  using Dense = PlasticSynapses<TripletRule, double, 1>;
  const std::array<TripletRule::kernel<double>, 1> kernels{
      TripletRule::kernel<double>(rule, LaneThetas<double>({theta.data()}), dt)};
  std::vector<Dense> dense;
  std::vector<std::vector<state>> targets(n_post, std::vector<state>(1));
  std::vector<std::vector<int>> local(n_pre, std::vector<int>(n_post, -1));  // afferent index of (i, j)
  for (std::size_t j = 0; j < n_post; ++j) {
    dense.emplace_back(kernels, c->in_degree(j), 1.0, g_bar, dt);
    const auto pres = c->pres_of(j);
    for (std::size_t k = 0; k < pres.size(); ++k) local[pres[k]][j] = static_cast<int>(k);
  }

  const Trains t = random_trains(10000, n_pre, n_post, 0.003, 0.004, 13);
  for (std::size_t n = 0; n < t.pre.size(); ++n) {
    for (const index_type i : t.pre[n]) {
      sparse.on_pre(i, n, g);
      for (const index_type j : c->posts_of(i))
        dense[j].on_pre(static_cast<std::uint32_t>(local[i][j]), n, targets[j], &state::g);
    }
    for (const index_type j : t.post[n]) {
      sparse.on_post(j, n);
      bool spiked = true;
      dense[j].on_post(n, &spiked);
    }
    sparse.decay();
    for (Dense& d : dense) d.decay();
  }
  std::size_t moved = 0;
  for (std::size_t i = 0; i < n_pre; ++i)
    for (index_type s = c->row_begin(i); s < c->row_end(i); ++s) {
      const index_type j = c->post_indices()[s];
      REQUIRE(sparse.weight(s) == dense[j].weight(static_cast<std::size_t>(local[i][j]), 0));
      moved += sparse.weight(s) != 1.0;
    }
  for (std::size_t j = 0; j < n_post; ++j) REQUIRE(g[j] == targets[j][0].g);
  CHECK(moved > c->size() * 9 / 10);
}

TEST_CASE("SparseSynapses: a fixed group never changes its weights", "[sparse_synapses]") {
  RandomStream structure(21, Purpose::initial_weights), weights(22, Purpose::initial_weights);
  const auto c = share(SparseConnectivity::random(80, 40, 0.25, structure));
  TripletRule rule;
  rule.eta = 10.0;
  SparseSynapses<TripletRule, float> fixed(c, rule, triplet_theta(), 0.1, 1e-4, 0.2, 1.5, weights, false);
  auto also_fixed = SparseSynapses<TripletRule, float>::fixed(c, rule, 0.1, 1e-4, 0.8);
  CHECK_FALSE(fixed.plastic());
  CHECK_FALSE(also_fixed.plastic());
  const std::vector<float> before(fixed.weights().begin(), fixed.weights().end());
  auto learning = fixed;  // a copy is a snapshot; this one learns
  learning.set_plastic(true);
  std::vector<float> g(40, 0.0f), g2(40, 0.0f), g3(40, 0.0f);
  const Trains t = random_trains(5000, 80, 40, 0.005, 0.005, 23);
  for (std::size_t n = 0; n < t.pre.size(); ++n) {
    fixed.on_pre(t.pre[n], n, g);
    also_fixed.on_pre(t.pre[n], n, g2);
    learning.on_pre(t.pre[n], n, g3);
    fixed.on_post(t.post[n], n);
    also_fixed.on_post(t.post[n], n);
    learning.on_post(t.post[n], n);
    fixed.decay();
    also_fixed.decay();
    learning.decay();
  }
  CHECK(std::vector<float>(fixed.weights().begin(), fixed.weights().end()) == before);
  for (const float w : also_fixed.weights()) REQUIRE(w == 0.8f);
  double g_total = 0;
  for (const float x : g) g_total += x;
  CHECK(g_total > 0.0);  // it delivered
  // The learning copy (same start) did change: the fixed group's stillness is not vacuous.
  CHECK(std::vector<float>(learning.weights().begin(), learning.weights().end()) != before);
  CHECK(learning.connectivity() == fixed.connectivity());
  CHECK(learning.shared_connectivity() == fixed.shared_connectivity());  // shared, not copied
}

TEST_CASE("SparseSynapses: snapshot and restore give the same continuation bit for bit", "[sparse_synapses]") {
  // The structure is shared (immutable); weights, traces and last-spike steps are copied.
  RandomStream structure(41, Purpose::initial_weights);
  const auto c = share(SparseConnectivity::random(50, 20, 0.3, structure));
  TripletRule rule;
  rule.eta = 2.0;
  SparseSynapses<TripletRule, float> group(c, rule, triplet_theta(), 1.0, 1e-4, 1.0);
  std::vector<float> g(20, 0.0f);
  const Trains t = random_trains(6000, 50, 20, 0.004, 0.004, 42);
  auto run = [&](std::size_t from, std::size_t to) {
    for (std::size_t n = from; n < to; ++n) {
      group.on_pre(t.pre[n], n, g);
      group.on_post(t.post[n], n);
      group.decay();
    }
    return std::vector<float>(group.weights().begin(), group.weights().end());
  };
  run(0, 3000);
  const auto saved = snapshot(group);
  const auto first = run(3000, 6000);
  restore(saved, group);
  const auto second = run(3000, 6000);
  CHECK(first == second);
  restore(saved, group);
  CHECK(std::vector<float>(group.weights().begin(), group.weights().end()) != first);  // it did learn in between
}

TEST_CASE("SparseSynapses: a spike-trace rule's pre traces are kept once per presynaptic neuron",
          "[sparse_synapses]") {
  // SpikeTraceRule declares pre_trace_per_neuron: every synapse of a row shows its neuron's
  // trace, which follows x ← x e^{−Δt/τ_pre} + 1 at the neuron's spikes (recomputed here with the
  // kernel's float operations, so equality is exact), and the state holds one trace per neuron.
  RandomStream structure(43, Purpose::initial_weights);
  const auto c = share(SparseConnectivity::random(30, 20, 0.5, structure));
  const double dt = 1e-4;
  const Eigen::VectorXd theta = spike_trace_theta();
  SparseSynapses<SpikeTraceRule, float> group(c, SpikeTraceRule{}, theta, 1.0, dt, 1.0);
  std::vector<float> g(20, 0.0f), x(30, 0.0f);
  std::vector<std::int64_t> last(30, 0);
  const Trains t = random_trains(3000, 30, 20, 0.01, 0.01, 44);
  const auto neg_inv_tau = static_cast<float>(-1.0 / theta[SpikeTraceBasis::tau_pre]);
  for (std::size_t n = 0; n < 3000; ++n) {
    group.on_pre(t.pre[n], n, g);
    group.on_post(t.post[n], n);
    group.decay();
    for (const index_type i : t.pre[n]) {
      const float since = static_cast<float>(static_cast<std::int64_t>(n) - last[i]) * static_cast<float>(dt);
      x[i] = x[i] * lanes::exp(since * neg_inv_tau) + 1.0f;
      last[i] = static_cast<std::int64_t>(n);
    }
  }
  std::size_t nonzero = 0;
  for (index_type i = 0; i < 30; ++i)
    for (index_type s = c->row_begin(i); s < c->row_end(i); ++s) {
      REQUIRE(group.pre(s).x == x[i]);
      nonzero += x[i] > 0.0f;
    }
  CHECK(nonzero > c->size() / 2);  // most neurons spiked: the traces were exercised
  CHECK(group.state_bytes() == 4 * c->size() + 4 * 30 + 4 * 20 + 8 * 30);
}

TEST_CASE("SparseSynapses: the same stream draws the same initial weights", "[sparse_synapses]") {
  const auto c = share(SparseConnectivity::all_to_all(30, 30));
  RandomStream a(4, Purpose::initial_weights), b(4, Purpose::initial_weights);
  SparseSynapses<SpikeTraceRule, float> x(c, {}, spike_trace_theta(), 1.0, 1e-4, 0.0, 1.0, a);
  SparseSynapses<SpikeTraceRule, float> y(c, {}, spike_trace_theta(), 1.0, 1e-4, 0.0, 1.0, b);
  CHECK(std::vector<float>(x.weights().begin(), x.weights().end()) ==
        std::vector<float>(y.weights().begin(), y.weights().end()));
  CHECK(x.weight(0) != x.weight(1));
}

TEST_CASE("SparseSynapses: errors name the field and the value", "[sparse_synapses]") {
  const auto c = share(SparseConnectivity::all_to_all(3, 2));
  const SpikeTraceRule rule;
  const Eigen::VectorXd th = spike_trace_theta();
  using G = SparseSynapses<SpikeTraceRule, float>;
  RandomStream r(1, Purpose::initial_weights);
  CHECK_THROWS_WITH(G(c, rule, Eigen::VectorXd::Zero(8), 1.0, 1e-4, 0.5),
                    Catch::Contains("synapses.theta.size() = 8") && Catch::Contains("(6)"));
  Eigen::VectorXd bad = th;
  bad[4] = -0.02;  // τ_pre <= 0
  CHECK_THROWS_WITH(G(c, rule, bad, 1.0, 1e-4, 0.5), Catch::Contains("synapses.theta = (") &&
                                                         Catch::Contains("-0.02"));
  CHECK_THROWS_WITH(G(c, rule, th, -1.0, 1e-4, 0.5), Catch::Contains("synapses.g_bar = -1"));
  CHECK_THROWS_WITH(G(c, rule, th, 1.0, 0.0, 0.5), Catch::Contains("synapses.dt = 0"));
  CHECK_THROWS_WITH(G(c, rule, th, 1.0, 1e-4, -0.5), Catch::Contains("synapses.w_initial = -0.5"));
  CHECK_THROWS_WITH(G(c, rule, th, 1.0, 1e-4, 2.0, 1.0, r), Catch::Contains("synapses.w_hi = 1") &&
                                                                 Catch::Contains("w_lo (2)"));
  CHECK_THROWS_WITH(G(nullptr, rule, th, 1.0, 1e-4, 0.5), Catch::Contains("synapses.connectivity"));
  SpikeTraceRule bad_rule;
  bad_rule.eta = 0;
  CHECK_THROWS_WITH(G(c, bad_rule, th, 1.0, 1e-4, 0.5), Catch::Contains("rule.eta"));
}

TEST_CASE("absorb adds a per-neuron buffer into a NeuronGroup lane by lane and zeroes it", "[sparse_synapses]") {
  SECTION("SIMD lanes are neurons, with a partial last block") {
    using B = xsimd::batch<float>;
    constexpr std::size_t W = B::size;
    NeuronGroup<ConductanceLif<B>, 3> group(ConductanceLif<B>{});
    using S = ConductanceLif<B>::state_type;
    group[2].g_exc = B(0.25f);
    std::vector<float> jumps(3 * W - 1);
    for (std::size_t i = 0; i < jumps.size(); ++i) jumps[i] = 0.5f + static_cast<float>(i);
    const std::vector<float> values = jumps;
    absorb(group, std::span<float>(jumps), &S::g_exc);
    for (std::size_t i = 0; i < 3 * W; ++i) {
      const float expected = (i / W == 2 ? 0.25f : 0.0f) + (i < values.size() ? values[i] : 0.0f);
      REQUIRE(lanes::lane(group[i / W].g_exc, i % W) == expected);
      REQUIRE(lanes::lane(group[i / W].g_inh, i % W) == 0.0f);  // the other channel untouched
    }
    for (const float x : jumps) REQUIRE(x == 0.0f);
    std::vector<float> too_many(3 * W + 1, 1.0f);
    CHECK_THROWS_WITH(absorb(group, std::span<float>(too_many), &S::g_exc), Catch::Contains("absorb jumps.size()"));
  }
  SECTION("Blocks-many scalars") {
    NeuronGroup<ConductanceLif<double>, 5> group(ConductanceLif<double>{});
    using S = ConductanceLif<double>::state_type;
    const std::vector<double> values{0.1, 0.2, 0.3, 0.4, 0.5};
    std::vector<double> jumps = values;
    absorb(group, std::span<double>(jumps), &S::g_inh);
    absorb(group, std::span<double>(jumps), &S::g_inh);  // a zeroed buffer adds nothing
    for (std::size_t i = 0; i < 5; ++i) {
      REQUIRE(group[i].g_inh == values[i]);
      REQUIRE(group[i].g_exc == 0.0);
      REQUIRE(jumps[i] == 0.0);
    }
  }
}

TEST_CASE("absorb_and_step equals two absorbs and a step, bit for bit", "[sparse_synapses]") {
  // Buffers of different lengths (a partial last block, and one shorter than the group), strong
  // enough that some lanes spike; 200 steps with fresh buffers every step.
  using B = xsimd::batch<float>;
  constexpr std::size_t W = B::size;
  using Group = NeuronGroup<ConductanceLif<B>, dynamic_blocks>;
  using S = ConductanceLif<B>::state_type;
  Group a(ConductanceLif<B>{}, 4), b(ConductanceLif<B>{}, 4);
  std::vector<Group::mask> mask_a(4), mask_b(4);
  RandomStream r(45, Purpose::dataset);
  std::size_t spikes = 0;
  for (int n = 0; n < 200; ++n) {
    std::vector<float> exc(4 * W - 1), inh(2 * W + 1);
    for (float& x : exc) x = static_cast<float>(r.uniform(0.0, 20.0));
    for (float& x : inh) x = static_cast<float>(r.uniform(0.0, 2.0));
    std::vector<float> exc_b = exc, inh_b = inh;
    absorb(a, std::span<float>(exc), &S::g_exc);
    absorb(a, std::span<float>(inh), &S::g_inh);
    const bool any_a = a.step(mask_a.data());
    const bool any_b = absorb_and_step(b, std::span<float>(exc_b), &S::g_exc, std::span<float>(inh_b), &S::g_inh,
                                       mask_b.data());
    REQUIRE(any_a == any_b);
    for (std::size_t k = 0; k < 4; ++k) {
      REQUIRE(xsimd::all(a[k].v == b[k].v));
      REQUIRE(xsimd::all(a[k].g_exc == b[k].g_exc));
      REQUIRE(xsimd::all(a[k].g_inh == b[k].g_inh));
      REQUIRE(xsimd::all(mask_a[k] == mask_b[k]));
      for (std::size_t l = 0; l < W; ++l) spikes += lanes::mask_lane(mask_b[k], l);
    }
    for (const float x : exc_b) REQUIRE(x == 0.0f);
    for (const float x : inh_b) REQUIRE(x == 0.0f);
  }
  CHECK(spikes > 0);  // the spiking branch was exercised
  std::vector<float> too_many(4 * W + 1, 1.0f), fine(W, 0.0f);
  CHECK_THROWS_WITH(absorb_and_step(b, std::span<float>(too_many), &S::g_exc, std::span<float>(fine), &S::g_inh,
                                    mask_b.data()),
                    Catch::Contains("absorb_and_step buffer size"));
}

TEST_CASE("SparseSynapses drive a NeuronGroup whose lanes are neurons", "[sparse_synapses]") {
  // 16 LIF neurons (SIMD lanes), 400 afferents at 20 Hz (every 50th step each, on a
  // staggered schedule), p = 0.5 onto them, plastic spike-trace synapses: the neurons fire,
  // and the postsynaptic spikes (not only the presynaptic ones) move the weights.
  using B = xsimd::batch<float>;
  constexpr std::size_t W = B::size, blocks = 16 / W;
  using Lif = ConductanceLif<B>;
  ConductanceLifParameters p;
  NeuronGroup<Lif, blocks> group{Lif(p)};
  RandomStream structure(31, Purpose::initial_weights);
  const auto c = share(SparseConnectivity::random(400, 16, 0.5, structure));
  SpikeTraceRule rule;
  Eigen::VectorXd theta(6);
  theta << 0.0, 0.0, 1.0, 0.0, 0.02, 0.02;  // potentiation by pre-before-post only (γ)
  SparseSynapses<SpikeTraceRule, float> exc(c, rule, theta, p.g_exc_bar, p.dt, 1.0);
  std::vector<float> g(16, 0.0f);
  std::size_t post_spikes = 0;
  for (std::size_t n = 0; n < 5000; ++n) {
    for (index_type i = 0; i < 400; ++i)
      if ((n + i * 7) % 50 == 0) exc.on_pre(i, n, g);
    absorb(group, std::span<float>(g), &Lif::state_type::g_exc);
    std::array<Lif::mask, blocks> spiked;
    group.step(spiked.data());
    for (std::size_t b = 0; b < blocks; ++b)
      for (std::size_t l = 0; l < W; ++l)
        if (lanes::mask_lane(spiked[b], l)) {
          exc.on_post(static_cast<index_type>(b * W + l), n);
          ++post_spikes;
        }
    exc.decay();
  }
  CHECK(post_spikes > 16);
  CHECK(exc.mean_weight() > 1.0);
}
