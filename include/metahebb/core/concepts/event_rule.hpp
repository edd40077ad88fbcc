#pragma once
/// Event-rule policy: a spike-driven plasticity rule as a component that owns its semantics
/// (learning rate, weight bounds, traces, their decay and the order of updates), so that a
/// synapse group, a task and an exporter all run one definition.
///
/// A rule R is a value holding its settings (not θ: θ is what a search proposes):
///   R::num_coefficients, term_names()        what θ holds, with printable names
///   simulable<Scalar>(θ, dt)                 whether θ can run at all (else: diverged at once)
///   inert_theta()                            θ for padding lanes (results discarded)
///   validate()                               throws on bad settings, naming the field
///   R::kernel<T>(rule, LaneThetas<T>, dt)    the rule for the candidates in the lanes of T
/// and the kernel, per lane, on a synapse of weight w (T), with a presynaptic trace state
/// (one per synapse) and a postsynaptic one (one per postsynaptic neuron):
///   on_pre(w, pre, post, elapsed)            a presynaptic spike; `elapsed` (s) since that
///                                            synapse's previous one (pre traces decay lazily)
///   on_post(w, pre, post, elapsed) -> T      a postsynaptic spike: the new weight (the group
///                                            keeps it only in lanes that spiked)
///   post_spiked(post, mask)                  after every synapse saw the postsynaptic spike
///   decay(post)                              one dt of postsynaptic trace decay
/// Weights are clipped by the kernel. A synapse group calls these in that order.
///
/// Rules that read the postsynaptic neuron (optional). A kernel that declares
///   using post_factors = F;                  e.g. PostFactors<T> (core/post_factors.hpp)
/// takes `const F&` — the postsynaptic neuron's factors, as its group copied them out after its
/// last step — as a fifth argument of on_pre and on_post (and has no four-argument forms):
///   on_pre(w, pre, post, elapsed, factors),  on_post(w, pre, post, elapsed, factors) -> T
/// A synapse group then needs the factors of every postsynaptic neuron with each spike
/// (SparseSynapses::on_pre / on_post overloads with a span of F). Kernels without post_factors
/// are unaffected: their signatures, the group's calls and the generated code are unchanged.
///
/// Pre traces per presynaptic neuron (optional). A kernel that declares
///   static constexpr bool pre_trace_per_neuron = true;
/// promises that on_pre's new pre trace depends only on the old one and `elapsed` (not on w
/// or the post trace), so all synapses of a presynaptic neuron hold the same pre trace;
/// SparseSynapses then keeps one per neuron (SpikeTraceRule, TripletRule).

#include <Eigen/Core>
#include <concepts>
#include <cstddef>
#include <string>
#include <vector>

#include "../lane_thetas.hpp"
#include "../lanes.hpp"

namespace metahebb {

/// Whether an event rule's kernel reads the postsynaptic neuron (declares post_factors).
template <class K>
concept ReadsPostFactors = requires { typename K::post_factors; };

/// The spike updates of a kernel K over lanes T: the four-argument forms, or, when K reads
/// the postsynaptic neuron, the five-argument forms with `const K::post_factors&`.
template <class K, class T>
concept EventKernelUpdates =
    (!ReadsPostFactors<K> &&
     requires(const K& k, T& w, const T& wc, typename K::pre_trace& pre, typename K::post_trace& post) {
       k.on_pre(w, pre, post, wc);
       { k.on_post(wc, pre, post, wc) } -> std::same_as<T>;
     }) ||
    (ReadsPostFactors<K> && requires(const K& k, T& w, const T& wc, typename K::pre_trace& pre,
                                     typename K::post_trace& post, const typename K::post_factors& f) {
      k.on_pre(w, pre, post, wc, f);
      { k.on_post(wc, pre, post, wc, f) } -> std::same_as<T>;
    });

template <class R, class T = float>
concept EventRule = requires(const R& r, const Eigen::VectorXd& theta, const LaneThetas<T>& lanes_theta, double dt,
                             const typename R::template kernel<T>& k, T& w, const T& wc,
                             typename R::template kernel<T>::pre_trace& pre,
                             typename R::template kernel<T>::post_trace& post, const lanes::mask_t<T>& m) {
  { R::num_coefficients } -> std::convertible_to<std::size_t>;
  { r.term_names() } -> std::convertible_to<std::vector<std::string>>;
  { r.template simulable<lanes::scalar_t<T>>(theta, dt) } -> std::convertible_to<bool>;
  { r.inert_theta() } -> std::convertible_to<Eigen::VectorXd>;
  r.validate();
  requires std::constructible_from<typename R::template kernel<T>, const R&, const LaneThetas<T>&, double>;
  requires EventKernelUpdates<typename R::template kernel<T>, T>;
  k.post_spiked(post, m);
  k.decay(post);
};

template <class R, class T = float>
constexpr bool check_event_rule() {
  static_assert(requires { { R::num_coefficients } -> std::convertible_to<std::size_t>; },
                "metahebb: the event rule needs a static num_coefficients (the length of its theta)");
  static_assert(requires(const R& r) {
    { r.term_names() } -> std::convertible_to<std::vector<std::string>>;
    { r.inert_theta() } -> std::convertible_to<Eigen::VectorXd>;
    r.validate();
  }, "metahebb: the event rule needs term_names(), inert_theta() and validate()");
  static_assert(requires(const R& r, const Eigen::VectorXd& theta, double dt) {
    { r.template simulable<lanes::scalar_t<T>>(theta, dt) } -> std::convertible_to<bool>;
  }, "metahebb: the event rule needs template <class Scalar> bool simulable(const Eigen::VectorXd& theta, double dt)");
  static_assert(requires { typename R::template kernel<T>; },
                "metahebb: the event rule needs a nested template <class T> class kernel");
  if constexpr (requires { typename R::template kernel<T>; }) {
    using K = typename R::template kernel<T>;
    static_assert(requires { typename K::pre_trace; typename K::post_trace; },
                  "metahebb: the event rule's kernel needs nested pre_trace and post_trace types");
    static_assert(std::constructible_from<K, const R&, const LaneThetas<T>&, double>,
                  "metahebb: the event rule's kernel needs a constructor (const Rule&, const LaneThetas<T>&, double dt)");
    if constexpr (requires { typename K::pre_trace; typename K::post_trace; }) {
      if constexpr (!ReadsPostFactors<K>) {
        static_assert(requires(const K& k, T& w, const T& wc, typename K::pre_trace& pre, typename K::post_trace& post) {
          k.on_pre(w, pre, post, wc);
        }, "metahebb: the event rule's kernel needs on_pre(T& w, pre_trace&, const post_trace&, const T& elapsed)");
        static_assert(requires(const K& k, const T& wc, typename K::pre_trace& pre, typename K::post_trace& post) {
          { k.on_post(wc, pre, post, wc) } -> std::same_as<T>;
        }, "metahebb: the event rule's kernel needs on_post(const T& w, const pre_trace&, const post_trace&, "
           "const T& elapsed) returning the new weight");
      } else {
        static_assert(requires(const K& k, T& w, const T& wc, typename K::pre_trace& pre, typename K::post_trace& post,
                               const typename K::post_factors& f) {
          k.on_pre(w, pre, post, wc, f);
          { k.on_post(wc, pre, post, wc, f) } -> std::same_as<T>;
        }, "metahebb: the event rule's kernel declares post_factors, so it needs on_pre(T& w, pre_trace&, "
           "const post_trace&, const T& elapsed, const post_factors&) and on_post(const T& w, const pre_trace&, "
           "const post_trace&, const T& elapsed, const post_factors&) returning the new weight");
      }
      static_assert(requires(const K& k, typename K::post_trace& post, const lanes::mask_t<T>& m) {
        k.post_spiked(post, m);
        k.decay(post);
      }, "metahebb: the event rule's kernel needs post_spiked(post_trace&, mask) and decay(post_trace&)");
    }
  }
  return EventRule<R, T>;
}

}  // namespace metahebb
