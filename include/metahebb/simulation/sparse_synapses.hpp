#pragma once
/// A synapse group between two neuron-indexed populations over a SparseConnectivity
/// (simulation/connectivity.hpp): the building block of recurrent E/I networks (EE, EI, IE,
/// II and input projections), where every neuron is one lane of the network and one θ
/// governs the whole group. (PlasticSynapses in simulation/synapse_group.hpp is the other
/// layout: a shared input onto lanes that are candidates, each with its own θ.)
///
/// State, in the connectivity's CSR order (synapse id s):
///   w[s]           weight, in units of ḡ (the conductance jump per unit weight)
///   pre_trace[s]   the rule's presynaptic trace state of the synapse
/// and one post_trace per postsynaptic neuron, one last-spike step per presynaptic neuron.
/// When the rule's kernel declares `pre_trace_per_neuron` (its on_pre computes the new pre trace
/// from the old one and the elapsed time alone, as SpikeTraceRule's and TripletRule's), every
/// synapse of a presynaptic neuron holds the same pre trace and the group keeps one per neuron:
/// the same numbers, half the per-synapse state, and on_post reads it from a small array.
///
/// Semantics per step n (the same statements and order as PlasticSynapses, so a group with
/// all-to-all connectivity onto one neuron learns bit for bit like PlasticSynapses<Rule, Scalar, 1>):
///   on_pre(i, n, g):  for every synapse s = (i → j), by increasing j:
///                        g[j] += ḡ w[s]               (the weight before this spike's update)
///                        rule.on_pre(w[s], pre_trace[s], post_trace[j], Δt_i)
///                     with Δt_i = (n − last_i) dt the time since i's previous spike (the
///                     presynaptic traces decay lazily over it, exactly); then last_i = n.
///   on_post(j, n):    for every synapse s = (i → j), by increasing i:
///                        w[s] ← rule.on_post(w[s], pre_trace[s], post_trace[j], (n − last_i) dt)
///                     then rule.post_spiked(post_trace[j]).
///   decay():          rule.decay(post_trace[j]) for every j: one dt of postsynaptic trace decay.
/// Rules that read the postsynaptic neuron (kernel::post_factors; e.g. MlpSpikeRule) take the
/// factors of every postsynaptic neuron: on_pre(i, n, g, factors) and on_post(j, n, factors[j])
/// pass factors[j] to the kernel with the same order of statements (core/concepts/event_rule.hpp).
/// A network calls, within a step: on_pre for this step's presynaptic spikes, absorb the
/// conductance buffer into the postsynaptic NeuronGroup, step it, on_post for its spikes, decay.
/// Before a neuron's first spike last_i = 0; its traces are then 0, so the elapsed time is moot.
///
/// θ is one vector for the whole group; the kernel is Rule::kernel<Scalar> built from a
/// single-lane LaneThetas (the scalar path's coefficients). With `plastic = false` the group
/// only delivers: weights, traces and last-spike steps never change (a fixed projection).
///
/// The group is a plain value. The connectivity is immutable and shared (shared_ptr): copying
/// a group copies its weights and traces — a snapshot — and shares the structure.
///
/// Speed (bit for bit the statements above): when both traces are plain sequences of scalars,
/// on_pre and on_post run `width` synapses of a row or column at once in the lanes of
/// Rule::kernel<xsimd::batch<Scalar>>, whose lanes compute what the scalar kernel computes
/// (core/lanes.hpp); a fixed projection built with one weight adds ḡ w without reading w[s].
///
/// `absorb(group, jumps, channel)` adds a per-neuron buffer (e.g. the conductance buffer of
/// one or more sparse groups) into a NeuronGroup whose lanes are neurons — neuron i is lane
/// i % width of block i / width — and zeroes the buffer for the next step; `absorb_and_step`
/// does two such buffers and the group's step in one pass over the blocks.

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/concepts/event_rule.hpp"
#include "../core/errors.hpp"
#include "../core/lane_thetas.hpp"
#include "../core/lanes.hpp"
#include "../core/random.hpp"
#include "connectivity.hpp"
#include "neuron_group.hpp"

namespace metahebb {

/// What kernels that do not read the postsynaptic neuron are given: nothing.
struct NoPostFactors {};
namespace detail {
template <class K>
struct post_factors_of_impl {
  using type = NoPostFactors;
};
template <ReadsPostFactors K>
struct post_factors_of_impl<K> {
  using type = typename K::post_factors;
};
}  // namespace detail
/// K::post_factors, or NoPostFactors for kernels that do not read the postsynaptic neuron.
template <class K>
using post_factors_of = typename detail::post_factors_of_impl<K>::type;

namespace detail {
struct no_lane_kernel {};
/// Whether SparseSynapses can run `width` synapses of a presynaptic neuron's row (on_pre) or of a
/// postsynaptic neuron's column (on_post) in the lanes of Rule::kernel<batch>: the batch kernel
/// has the four-argument on_pre and on_post, and both
/// traces are plain sequences of scalars (K Scalars in kernel<Scalar>, K batches in
/// kernel<batch>, as SpikeTraceRule's and TripletRule's), so a synapse's trace moves into one
/// lane by copying. Otherwise on_post takes the scalar loop.
template <class Rule, class Scalar>
struct column_lanes {
  static constexpr bool value = false;
  using kernel = no_lane_kernel;
};
template <class Trace, class Scalar, class Batch>
inline constexpr bool plain_trace =
    std::is_trivially_copyable_v<Trace> && std::is_trivially_copyable_v<Batch> && sizeof(Trace) >= sizeof(Scalar) &&
    sizeof(Trace) % sizeof(Scalar) == 0 && sizeof(Batch) == sizeof(Trace) / sizeof(Scalar) * sizeof(xsimd::batch<Scalar>);
template <class Rule, class Scalar>
  requires(xsimd::batch<Scalar>::size > 1 &&
           requires(const typename Rule::template kernel<xsimd::batch<Scalar>>& k, const xsimd::batch<Scalar>& x,
                    const typename Rule::template kernel<xsimd::batch<Scalar>>::pre_trace& pre,
                    const typename Rule::template kernel<xsimd::batch<Scalar>>::post_trace& post) {
             { k.on_post(x, pre, post, x) } -> std::same_as<xsimd::batch<Scalar>>;
           } &&
           requires(const typename Rule::template kernel<xsimd::batch<Scalar>>& k, xsimd::batch<Scalar>& w,
                    const xsimd::batch<Scalar>& x, typename Rule::template kernel<xsimd::batch<Scalar>>::pre_trace& pre,
                    const typename Rule::template kernel<xsimd::batch<Scalar>>::post_trace& post) {
             k.on_pre(w, pre, post, x);
           })
struct column_lanes<Rule, Scalar> {
  using kernel = typename Rule::template kernel<xsimd::batch<Scalar>>;
  static constexpr bool value =
      plain_trace<typename Rule::template kernel<Scalar>::pre_trace, Scalar, typename kernel::pre_trace> &&
      plain_trace<typename Rule::template kernel<Scalar>::post_trace, Scalar, typename kernel::post_trace>;
};
}  // namespace detail

template <class Rule, class Scalar = float>
class SparseSynapses {
  static_assert(std::is_floating_point_v<Scalar>, "metahebb: SparseSynapses stores one neuron per scalar");
  static_assert(check_event_rule<Rule, Scalar>());

 public:
  using rule_type = Rule;
  using scalar = Scalar;
  using kernel = typename Rule::template kernel<Scalar>;
  using pre_trace = typename kernel::pre_trace;
  using post_trace = typename kernel::post_trace;
  using index_type = SparseConnectivity::index_type;

  /// Every weight starts at `w_initial` (>= 0). `theta` is the group's rule (validated
  /// against Rule::num_coefficients and rule.simulable<Scalar>); `g_bar` the conductance jump
  /// per unit weight (>= 0); `dt` the step (s).
  SparseSynapses(std::shared_ptr<const SparseConnectivity> connectivity, const Rule& rule,
                 const Eigen::VectorXd& theta, double g_bar, double dt, double w_initial, bool plastic = true)
      : SparseSynapses(shared_part{}, checked(std::move(connectivity)), rule, theta, g_bar, dt, plastic) {
    require(std::isfinite(w_initial) && w_initial >= 0.0, "synapses.w_initial", w_initial,
            "must be finite and >= 0");
    w_.assign(connectivity_->size(), static_cast<Scalar>(w_initial));
    uniform_ = !plastic;  // a fixed projection keeps its one weight: on_pre need not read w
    uniform_jump_ = g_bar_ * static_cast<Scalar>(w_initial);
  }

  /// Weights drawn independently, uniform in [w_lo, w_hi], from `stream` (advanced), in
  /// CSR order: w = w_lo + (w_hi − w_lo) U computed in double, then rounded to Scalar.
  SparseSynapses(std::shared_ptr<const SparseConnectivity> connectivity, const Rule& rule,
                 const Eigen::VectorXd& theta, double g_bar, double dt, double w_lo, double w_hi,
                 RandomStream& stream, bool plastic = true)
      : SparseSynapses(shared_part{}, checked(std::move(connectivity)), rule, theta, g_bar, dt, plastic) {
    require(std::isfinite(w_lo) && w_lo >= 0.0, "synapses.w_lo", w_lo, "must be finite and >= 0");
    require(std::isfinite(w_hi) && w_hi >= w_lo, "synapses.w_hi", w_hi,
            "must be finite and >= w_lo (" + detail::format_value(w_lo) + ")");
    w_.resize(connectivity_->size());
    for (Scalar& w : w_) w = static_cast<Scalar>(stream.uniform(w_lo, w_hi));
  }

  /// A fixed projection (plastic = false): delivery only, with the rule's inert θ.
  static SparseSynapses fixed(std::shared_ptr<const SparseConnectivity> connectivity, const Rule& rule,
                              double g_bar, double dt, double w) {
    return SparseSynapses(std::move(connectivity), rule, rule.inert_theta(), g_bar, dt, w, false);
  }

  const SparseConnectivity& connectivity() const noexcept { return *connectivity_; }
  std::shared_ptr<const SparseConnectivity> shared_connectivity() const noexcept { return connectivity_; }
  std::size_t size() const noexcept { return w_.size(); }
  std::size_t n_pre() const noexcept { return connectivity_->n_pre(); }
  std::size_t n_post() const noexcept { return connectivity_->n_post(); }

  bool plastic() const noexcept { return plastic_; }
  /// Turns learning on or off (e.g. a scoring window with frozen weights); traces are kept.
  void set_plastic(bool plastic) noexcept {
    plastic_ = plastic;
    uniform_ = uniform_ && !plastic;
  }

  /// All weights in CSR order (synapse id s; see SparseConnectivity).
  std::span<const Scalar> weights() const noexcept { return w_; }
  Scalar weight(std::size_t s) const noexcept { return w_[s]; }
  /// Mean weight, summed in double in CSR order (0 for an empty group).
  double mean_weight() const noexcept {
    if (w_.empty()) return 0.0;
    double sum = 0.0;
    for (const Scalar w : w_) sum += static_cast<double>(w);
    return sum / static_cast<double>(w_.size());
  }
  /// The presynaptic trace of synapse s (one per presynaptic neuron when the rule's kernel
  /// declares pre_trace_per_neuron: that neuron's, shared by its synapses).
  const pre_trace& pre(std::size_t s) const noexcept {
    if constexpr (shared_pre) {
      const auto rows = connectivity_->row_offsets();
      return pre_[static_cast<std::size_t>(std::upper_bound(rows.begin(), rows.end(), s) - rows.begin()) - 1];
    } else {
      return pre_[s];
    }
  }
  /// Bytes of the group's state: weights, pre traces, post traces, last-spike steps (not the
  /// shared connectivity).
  std::size_t state_bytes() const noexcept {
    return w_.size() * sizeof(Scalar) + pre_.size() * sizeof(pre_trace) + post_.size() * sizeof(post_trace) +
           last_spike_.size() * sizeof(std::int64_t);
  }
  const post_trace& post(std::size_t j) const noexcept { return post_[j]; }
  const kernel& rule() const noexcept { return kernel_; }

  /// A spike of presynaptic neuron `i` in step `n`: adds ḡ w to conductance[post] of every
  /// outgoing synapse, then (if plastic) runs the rule's on_pre. `conductance` has n_post() entries.
  void on_pre(index_type i, std::size_t n, std::span<Scalar> conductance) noexcept
    requires(!ReadsPostFactors<kernel>)
  {
    assert(i < n_pre() && conductance.size() >= n_post());
    const SparseConnectivity& c = *connectivity_;
    const index_type* post_index = c.post_indices().data();
    Scalar* g = conductance.data();
    const index_type begin = c.row_begin(i), end = c.row_end(i);
    if (!plastic_) {
      if (uniform_) {  // the same ḡ w for every synapse (the value the loop below computes)
        const Scalar jump = uniform_jump_;
        for (index_type s = begin; s < end; ++s) g[post_index[s]] += jump;
      } else {
        for (index_type s = begin; s < end; ++s) g[post_index[s]] += g_bar_ * w_[s];
      }
      return;
    }
    const Scalar since = static_cast<Scalar>(static_cast<std::int64_t>(n) - last_spike_[i]) * dt_;
    const kernel rule = kernel_;  // a local copy: stores to w cannot alias it
    // With pre traces per presynaptic neuron, every synapse of the row starts from the
    // neuron's trace and computes the same new trace; it is stored once, after the row.
    const pre_trace row_pre = shared_pre ? pre_[i] : pre_trace{};
    index_type s = begin;
    if constexpr (lane_parallel) {
      // `width` synapses of the row at once in the lanes of the batch kernel (bit for bit the
      // scalar kernel's results, core/lanes.hpp): w and the pre traces are consecutive, the post
      // traces and conductances of the row's distinct targets are copied in and out of lanes.
      using L = lanes_kernel;
      using B = typename L::batch;
      constexpr std::size_t width = L::width;
      const typename L::kernel rule_lanes = lanes_kernel_.rule;
      const B since_lanes(since), g_bar_lanes(g_bar_);
      const typename L::pre_trace row_pre_lanes = L::template broadcast<typename L::pre_trace>(row_pre);
      alignas(64) Scalar g_lanes[width], pre_lanes[L::pre_scalars * width], post_lanes[L::post_scalars * width];
      for (; s + width <= end; s += width) {
        for (std::size_t l = 0; l < width; ++l) {
          const index_type j = post_index[s + l];
          g_lanes[l] = g[j];
          L::to_lane(post_lanes, l, post_[j]);
          if constexpr (!shared_pre) L::to_lane(pre_lanes, l, pre_[s + l]);
        }
        B w = B::load_unaligned(w_.data() + s);
        (B::load_aligned(g_lanes) + g_bar_lanes * w).store_aligned(g_lanes);
        typename L::pre_trace pre_batch = row_pre_lanes;
        typename L::post_trace post_batch;
        if constexpr (!shared_pre) std::memcpy(static_cast<void*>(&pre_batch), pre_lanes, sizeof pre_batch);
        std::memcpy(static_cast<void*>(&post_batch), post_lanes, sizeof post_batch);
        rule_lanes.on_pre(w, pre_batch, post_batch, since_lanes);
        w.store_unaligned(w_.data() + s);
        if constexpr (!shared_pre) std::memcpy(pre_lanes, static_cast<const void*>(&pre_batch), sizeof pre_batch);
        for (std::size_t l = 0; l < width; ++l) {
          g[post_index[s + l]] = g_lanes[l];
          if constexpr (!shared_pre) L::from_lane(pre_[s + l], pre_lanes, l);
        }
      }
    }
    for (; s < end; ++s) {
      const index_type j = post_index[s];
      Scalar& w = w_[s];
      g[j] += g_bar_ * w;
      if constexpr (shared_pre) {
        pre_trace pre = row_pre;
        rule.on_pre(w, pre, post_[j], since);
      } else {
        rule.on_pre(w, pre_[s], post_[j], since);
      }
    }
    if constexpr (shared_pre) {  // the row's new trace (also for a neuron without synapses)
      Scalar unused = 0;
      rule.on_pre(unused, pre_[i], post_trace{}, since);
    }
    last_spike_[i] = static_cast<std::int64_t>(n);
  }

  /// Every spike in `spikes` (presynaptic indices, in order), as on_pre.
  void on_pre(std::span<const index_type> spikes, std::size_t n, std::span<Scalar> conductance) noexcept
    requires(!ReadsPostFactors<kernel>)
  {
    for (const index_type i : spikes) on_pre(i, n, conductance);
  }

  /// For rules that read the postsynaptic neuron (kernel::post_factors, core/concepts/event_rule.hpp):
  /// on_pre as above, the rule also given factors[j] of every postsynaptic neuron j (n_post() entries).
  void on_pre(index_type i, std::size_t n, std::span<Scalar> conductance,
              std::span<const post_factors_of<kernel>> factors) noexcept
    requires ReadsPostFactors<kernel>
  {
    assert(i < n_pre() && conductance.size() >= n_post() && factors.size() >= n_post());
    const SparseConnectivity& c = *connectivity_;
    const index_type* post_index = c.post_indices().data();
    Scalar* g = conductance.data();
    const index_type begin = c.row_begin(i), end = c.row_end(i);
    if (!plastic_) {
      for (index_type s = begin; s < end; ++s) g[post_index[s]] += g_bar_ * w_[s];
      return;
    }
    const Scalar since = static_cast<Scalar>(static_cast<std::int64_t>(n) - last_spike_[i]) * dt_;
    const kernel& rule = kernel_;  // read-only: w_, pre_ and g are other objects
    for (index_type s = begin; s < end; ++s) {
      const index_type j = post_index[s];
      Scalar& w = w_[s];
      g[j] += g_bar_ * w;
      rule.on_pre(w, pre_[s], post_[j], since, factors[j]);
    }
    last_spike_[i] = static_cast<std::int64_t>(n);
  }
  void on_pre(std::span<const index_type> spikes, std::size_t n, std::span<Scalar> conductance,
              std::span<const post_factors_of<kernel>> factors) noexcept
    requires ReadsPostFactors<kernel>
  {
    for (const index_type i : spikes) on_pre(i, n, conductance, factors);
  }

  /// A spike of postsynaptic neuron `j` in step `n` (after the membrane step): the rule's
  /// on_post for every incoming synapse, then post_spiked. Nothing when not plastic.
  void on_post(index_type j, std::size_t n) noexcept
    requires(!ReadsPostFactors<kernel>)
  {
    assert(j < n_post());
    if (!plastic_) return;
    const SparseConnectivity& c = *connectivity_;
    const index_type begin = c.col_offsets()[j], end = c.col_offsets()[j + 1];
    const index_type* synapse = c.col_synapses().data();
    const index_type* pre_index = c.col_pre().data();
    const kernel rule = kernel_;
    const post_trace post = post_[j];
    // A column's synapses are scattered over the CSR-ordered state (one row per presynaptic
    // neuron), so every w[s] and pre_trace[s] is a cache miss at network sizes: prefetch them
    // `ahead` synapses early (no arithmetic changes; ~10 % of a reference-size run, see
    // docs/benchmarks.md).
    [[maybe_unused]] constexpr index_type ahead = 16;
    index_type e = begin;
    if constexpr (lane_parallel) {
      // `width` synapses of the column at once, one per lane of the batch kernel, whose lanes
      // compute what the scalar kernel computes bit for bit (core/lanes.hpp): w, the pre trace
      // and the elapsed time are copied into lanes, the new weights back. The synapses of a
      // column are distinct, so no two lanes write the same weight. The rest: the scalar loop.
      constexpr std::size_t width = lanes_kernel::width, pre_scalars = lanes_kernel::pre_scalars;
      const auto post_lanes = lanes_kernel::template broadcast<typename lanes_kernel::post_trace>(post);
      const typename lanes_kernel::kernel rule_lanes = lanes_kernel_.rule;
      alignas(64) Scalar w_lanes[width], elapsed_lanes[width], pre_lanes[pre_scalars * width];
      for (; e + width <= end; e += width) {
        index_type s[width];
        for (std::size_t l = 0; l < width; ++l) {
#if defined(__GNUC__) || defined(__clang__)
          if (e + l + ahead < end) {
            __builtin_prefetch(&w_[synapse[e + l + ahead]], 1);
            if constexpr (!shared_pre) __builtin_prefetch(&pre_[synapse[e + l + ahead]], 0);
          }
#endif
          s[l] = synapse[e + l];
          w_lanes[l] = w_[s[l]];
          elapsed_lanes[l] = static_cast<Scalar>(static_cast<std::int64_t>(n) - last_spike_[pre_index[e + l]]) * dt_;
          Scalar one[pre_scalars];
          std::memcpy(one, &pre_[shared_pre ? pre_index[e + l] : s[l]], sizeof one);
          for (std::size_t k = 0; k < pre_scalars; ++k) pre_lanes[k * width + l] = one[k];
        }
        typename lanes_kernel::pre_trace pre_batch;
        std::memcpy(static_cast<void*>(&pre_batch), pre_lanes, sizeof pre_batch);
        rule_lanes.on_post(lanes_kernel::batch::load_aligned(w_lanes), pre_batch, post_lanes,
                           lanes_kernel::batch::load_aligned(elapsed_lanes))
            .store_aligned(w_lanes);
        for (std::size_t l = 0; l < width; ++l) w_[s[l]] = w_lanes[l];
      }
    }
    for (; e < end; ++e) {
#if defined(__GNUC__) || defined(__clang__)
      if (e + ahead < end) {
        __builtin_prefetch(&w_[synapse[e + ahead]], 1);
        if constexpr (!shared_pre) __builtin_prefetch(&pre_[synapse[e + ahead]], 0);
      }
#endif
      const index_type s = synapse[e];
      const Scalar elapsed =
          static_cast<Scalar>(static_cast<std::int64_t>(n) - last_spike_[pre_index[e]]) * dt_;
      w_[s] = rule.on_post(w_[s], pre_[shared_pre ? pre_index[e] : s], post, elapsed);
    }
    rule.post_spiked(post_[j], true);
  }

  /// Every spike in `spikes` (postsynaptic indices), as on_post.
  void on_post(std::span<const index_type> spikes, std::size_t n) noexcept
    requires(!ReadsPostFactors<kernel>)
  {
    for (const index_type j : spikes) on_post(j, n);
  }

  /// For rules that read the postsynaptic neuron: on_post as above, given j's factors.
  void on_post(index_type j, std::size_t n, const post_factors_of<kernel>& factors) noexcept
    requires ReadsPostFactors<kernel>
  {
    assert(j < n_post());
    if (!plastic_) return;
    const SparseConnectivity& c = *connectivity_;
    const index_type begin = c.col_offsets()[j], end = c.col_offsets()[j + 1];
    const index_type* synapse = c.col_synapses().data();
    const index_type* pre_index = c.col_pre().data();
    const kernel& rule = kernel_;
    const post_trace post = post_[j];
    for (index_type e = begin; e < end; ++e) {
      const index_type s = synapse[e];
      const Scalar elapsed =
          static_cast<Scalar>(static_cast<std::int64_t>(n) - last_spike_[pre_index[e]]) * dt_;
      w_[s] = rule.on_post(w_[s], pre_[s], post, elapsed, factors);
    }
    rule.post_spiked(post_[j], true);
  }
  /// Every spike in `spikes`, each given factors[j] (n_post() entries).
  void on_post(std::span<const index_type> spikes, std::size_t n,
               std::span<const post_factors_of<kernel>> factors) noexcept
    requires ReadsPostFactors<kernel>
  {
    for (const index_type j : spikes) on_post(j, n, factors[j]);
  }

  /// One dt of the rule's postsynaptic trace decay (nothing when not plastic).
  void decay() noexcept {
    if (!plastic_) return;
    for (post_trace& p : post_) kernel_.decay(p);
  }

 private:
  // The shared part of both constructors: everything but the weights.
  struct shared_part {};
  SparseSynapses(shared_part, std::shared_ptr<const SparseConnectivity> connectivity, const Rule& rule,
                 const Eigen::VectorXd& theta, double g_bar, double dt, bool plastic)
      : connectivity_(std::move(connectivity)), kernel_(make_kernel(rule, theta, dt)),
        lanes_kernel_(rule, theta, dt),
        pre_(shared_pre ? connectivity_->n_pre() : connectivity_->size()), post_(connectivity_->n_post()), last_spike_(connectivity_->n_pre(), 0),
        g_bar_(static_cast<Scalar>(g_bar)), dt_(static_cast<Scalar>(dt)), plastic_(plastic) {
    require(std::isfinite(g_bar) && g_bar >= 0.0, "synapses.g_bar", g_bar, "must be finite and >= 0");
  }

  static std::shared_ptr<const SparseConnectivity> checked(std::shared_ptr<const SparseConnectivity> c) {
    require(c != nullptr, "synapses.connectivity", "null", "must point to a SparseConnectivity");
    return c;
  }

  static kernel make_kernel(const Rule& rule, const Eigen::VectorXd& theta, double dt) {
    rule.validate();
    require_positive("synapses.dt", dt);
    require(theta.size() == static_cast<Eigen::Index>(Rule::num_coefficients), "synapses.theta.size()",
            theta.size(), "must be the rule's num_coefficients (" + std::to_string(Rule::num_coefficients) + ")");
    if (!rule.template simulable<Scalar>(theta, dt))
      require(false, "synapses.theta", format_theta(theta),
              "the rule cannot simulate this theta (non-finite, a time constant <= 0, or out of range)");
    return kernel(rule, LaneThetas<Scalar>({theta.data()}), dt);
  }

  static std::string format_theta(const Eigen::VectorXd& theta) {
    std::string out = "(";
    for (Eigen::Index k = 0; k < theta.size(); ++k) out += (k ? ", " : "") + detail::format_value(theta[k]);
    return out + ")";
  }

  // The group's θ in every lane of Rule::kernel<batch>, for on_pre and on_post (detail::column_lanes).
  struct lanes_of_kernel {
    using batch = xsimd::batch<Scalar>;
    using kernel = typename detail::column_lanes<Rule, Scalar>::kernel;
    using pre_trace = typename kernel::pre_trace;
    using post_trace = typename kernel::post_trace;
    static constexpr std::size_t width = batch::size;
    static constexpr std::size_t pre_scalars = sizeof(typename SparseSynapses::pre_trace) / sizeof(Scalar);
    static constexpr std::size_t post_scalars = sizeof(typename SparseSynapses::post_trace) / sizeof(Scalar);
    kernel rule;
    // Built after make_kernel has checked θ.
    lanes_of_kernel(const Rule& r, const Eigen::VectorXd& theta, double dt) : rule(r, copies(theta), dt) {}
    static LaneThetas<batch> copies(const Eigen::VectorXd& theta) {
      std::array<const double*, width> lane;
      lane.fill(theta.data());
      return LaneThetas<batch>(lane);
    }
    // Lane l of the batch trace `out` (viewed as K · width scalars) from one synapse's or neuron's trace, and back.
    template <class One>
    static void to_lane(Scalar* out, std::size_t l, const One& one) noexcept {
      Scalar x[sizeof(One) / sizeof(Scalar)];
      std::memcpy(x, &one, sizeof x);
      for (std::size_t k = 0; k < sizeof(One) / sizeof(Scalar); ++k) out[k * width + l] = x[k];
    }
    template <class One>
    static void from_lane(One& one, const Scalar* in, std::size_t l) noexcept {
      Scalar x[sizeof(One) / sizeof(Scalar)];
      for (std::size_t k = 0; k < sizeof(One) / sizeof(Scalar); ++k) x[k] = in[k * width + l];
      std::memcpy(static_cast<void*>(&one), x, sizeof x);
    }
    // The batch trace whose every lane is `one`.
    template <class Lanes, class One>
    static Lanes broadcast(const One& one) noexcept {
      alignas(64) Scalar all[sizeof(One) / sizeof(Scalar) * width];
      for (std::size_t l = 0; l < width; ++l) to_lane(all, l, one);
      Lanes out;
      std::memcpy(static_cast<void*>(&out), all, sizeof out);
      return out;
    }
  };
  struct no_lanes {
    no_lanes(const Rule&, const Eigen::VectorXd&, double) noexcept {}
  };
  static constexpr bool lane_parallel = detail::column_lanes<Rule, Scalar>::value;
  // Pre traces per presynaptic neuron (kernel::pre_trace_per_neuron): on_pre's new pre trace
  // depends only on the old one and the elapsed time, so all synapses of a neuron hold the same
  // trace; one copy per neuron is bit for bit the same and keeps on_post's reads in a small array.
  // (Kernels that read post factors keep one trace per synapse: their overloads index pre_ by s.)
  static constexpr bool shared_pre = !ReadsPostFactors<kernel> && requires { requires kernel::pre_trace_per_neuron; };
  using lanes_kernel = std::conditional_t<lane_parallel, lanes_of_kernel, no_lanes>;

  std::shared_ptr<const SparseConnectivity> connectivity_;
  kernel kernel_;
  lanes_kernel lanes_kernel_;
  std::vector<Scalar> w_;
  std::vector<pre_trace> pre_;
  std::vector<post_trace> post_;
  std::vector<std::int64_t> last_spike_;  // step of each presynaptic neuron's last spike
  Scalar g_bar_;
  Scalar dt_;
  bool plastic_;
  bool uniform_ = false;      // every weight is the constructor's w_initial and stays so (not plastic)
  Scalar uniform_jump_ = 0;   // ḡ w_initial
};

/// Adds `jumps[i]` to `channel` of neuron i of `group` (lane i % width of block i / width) and
/// sets jumps[i] = 0. `jumps` may be shorter than the group (Blocks · width lanes): lanes past
/// its end, e.g. the padding of a population that does not fill its last block, get nothing.
/// The buffer's scalar type must be the group's lane scalar type (no silent rounding).
template <class Model, std::size_t Blocks, class Scalar, class State, class T>
void absorb(NeuronGroup<Model, Blocks>& group, std::span<Scalar> jumps, T State::*channel) {
  static_assert(std::is_same_v<State, typename Model::state_type>,
                "metahebb: absorb needs a channel of the group's state_type (e.g. &state_type::g_exc)");
  static_assert(std::is_same_v<lanes::scalar_t<T>, Scalar>,
                "metahebb: absorb's buffer must hold the group's lane scalar type");
  constexpr std::size_t width = lanes::size_v<T>;
  if (jumps.size() > group.blocks() * width)  // the message is built only on failure: absorb runs every step
    require(false, "absorb jumps.size()", jumps.size(),
            "must be <= the group's neurons (" + std::to_string(group.blocks() * width) + ")");
  const std::size_t full = jumps.size() / width;  // blocks whose every lane has an entry
  for (std::size_t b = 0; b < full; ++b) {
    Scalar* x = jumps.data() + b * width;
    if constexpr (width == 1) {
      group[b].*channel += *x;
      *x = Scalar(0);
    } else {
      group[b].*channel += T::load_unaligned(x);
      T(Scalar(0)).store_unaligned(x);
    }
  }
  if constexpr (width > 1) {
    if (const std::size_t rest = jumps.size() - full * width; rest != 0) {  // a partial last block
      alignas(64) Scalar x[width] = {};
      for (std::size_t l = 0; l < rest; ++l) x[l] = jumps[full * width + l], jumps[full * width + l] = Scalar(0);
      group[full].*channel += T::load_aligned(x);
    }
  }
}

/// `absorb(group, first, first_channel)`, `absorb(group, second, second_channel)` and
/// `group.step(spiked)` in one pass over the blocks: block b takes its lanes of both buffers (in
/// that order, zeroing them) and steps at once, so the state is read and written once per step
/// instead of three times. The same values as the three calls (every block is independent).
/// Returns whether any lane spiked.
template <class Model, std::size_t Blocks, class Scalar, class State, class T>
bool absorb_and_step(NeuronGroup<Model, Blocks>& group, std::span<Scalar> first, T State::*first_channel,
                     std::span<Scalar> second, T State::*second_channel, typename Model::mask* spiked) {
  static_assert(std::is_same_v<State, typename Model::state_type>,
                "metahebb: absorb_and_step needs channels of the group's state_type (e.g. &state_type::g_exc)");
  static_assert(std::is_same_v<lanes::scalar_t<T>, Scalar>,
                "metahebb: absorb_and_step's buffers must hold the group's lane scalar type");
  constexpr std::size_t width = lanes::size_v<T>;
  const std::size_t lanes_in_group = group.blocks() * width;
  if (first.size() > lanes_in_group || second.size() > lanes_in_group)  // the message is built only on failure
    require(false, "absorb_and_step buffer size", std::max(first.size(), second.size()),
            "must be <= the group's neurons (" + std::to_string(lanes_in_group) + ")");
  auto take = [](std::span<Scalar> jumps, std::size_t b) {  // block b's lanes of a buffer, zeroed
    constexpr std::size_t lanes_per_block = lanes::size_v<T>;  // a local of the lambda: no capture
    if constexpr (lanes_per_block == 1) {
      const Scalar x = jumps[b];
      jumps[b] = Scalar(0);
      return x;
    } else if ((b + 1) * lanes_per_block <= jumps.size()) {
      const T x = T::load_unaligned(jumps.data() + b * lanes_per_block);
      T(Scalar(0)).store_unaligned(jumps.data() + b * lanes_per_block);
      return x;
    } else {  // a partial last block, or past the buffer's end: 0 in the missing lanes
      alignas(64) Scalar x[lanes_per_block] = {};
      for (std::size_t l = 0; b * lanes_per_block + l < jumps.size() && l < lanes_per_block; ++l)
        x[l] = jumps[b * lanes_per_block + l], jumps[b * lanes_per_block + l] = Scalar(0);
      return T::load_aligned(x);
    }
  };
  const Model model = group.model();  // a local copy: the stores to the state cannot alias its parameters
  bool any = false;
  for (std::size_t b = 0; b < group.blocks(); ++b) {
    State& s = group[b];
    s.*first_channel += take(first, b);
    s.*second_channel += take(second, b);
    spiked[b] = model.step(s);
    any = any || lanes::any(spiked[b]);
  }
  return any;
}

}  // namespace metahebb
