#pragma once
/// Synapse groups from a presynaptic population shared by every lane (an input whose
/// spikes are the same for all candidates) onto a NeuronGroup whose lanes are candidates:
/// the §3.3 layout, in which the input is generated once and every lane learns on it.
///
/// `FixedSynapses`: weights that do not learn (one value per afferent, shared by every
/// lane). On the spikes of a step it adds ḡ Σ_k w_k, summed in the scalar type in spike
/// order, to a conductance channel of every block.
///
/// `PlasticSynapses<Rule, T>`: every afferent onto every block's neuron, with one weight
/// and one presynaptic trace state per (afferent, block) and one postsynaptic trace state
/// per block, learning with an EventRule (core/concepts/event_rule.hpp) whose kernel holds
/// the lanes' θ. On a presynaptic spike of afferent k, for every block: g += ḡ w_k (the
/// weight before the update), then the rule's on_pre. On postsynaptic spikes: the rule's
/// on_post for every afferent (kept in the lanes that spiked), then post_spiked. Every
/// step: the rule's decay. Time since an afferent's last spike is counted in whole steps
/// (shared by every lane), so presynaptic traces decay lazily and exactly.
///
/// Weights and presynaptic traces are stored block-major (all afferents of block 0, then of
/// block 1, …), so the loop over afferents after a postsynaptic spike is contiguous.
///
/// Both are plain values: copying a group is a snapshot of it.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../core/concepts/event_rule.hpp"
#include "../core/errors.hpp"
#include "../core/lanes.hpp"

namespace metahebb {

template <class Scalar>
class FixedSynapses {
 public:
  /// `weights[k]` of afferent k, in units of `g_bar` (the conductance jump per unit weight).
  FixedSynapses(const std::vector<double>& weights, double g_bar) : jump_(weights.size()) {
    for (std::size_t k = 0; k < weights.size(); ++k) jump_[k] = static_cast<Scalar>(g_bar * weights[k]);
  }

  std::size_t size() const noexcept { return jump_.size(); }

  /// Adds the jumps of afferents `first` .. `last` (indices) to `channel` of every target state.
  template <class Targets, class State, class T>
  void deliver(const std::uint32_t* first, const std::uint32_t* last, Targets& targets,
               T State::*channel) const noexcept {
    if (first == last) return;
    Scalar jump = 0;
    for (const std::uint32_t* s = first; s != last; ++s) jump += jump_[*s];
    for (State& target : targets) target.*channel += T(jump);
  }

 private:
  std::vector<Scalar> jump_;
};

template <class Rule, class T, std::size_t Blocks = 1>
class PlasticSynapses {
 public:
  using kernel = typename Rule::template kernel<T>;
  static_assert(!ReadsPostFactors<kernel>,
                "metahebb: PlasticSynapses does not pass postsynaptic factors; a rule whose kernel declares "
                "post_factors runs in SparseSynapses");
  using pre_trace = typename kernel::pre_trace;
  using post_trace = typename kernel::post_trace;
  using scalar = lanes::scalar_t<T>;
  using mask = lanes::mask_t<T>;

  static constexpr std::size_t blocks = Blocks;

  /// One kernel per block (its lanes' θ); `afferents` presynaptic neurons; every weight
  /// starts at `w_initial`; `g_bar` is the conductance jump per unit weight; `dt` in s.
  PlasticSynapses(const std::array<kernel, Blocks>& kernels, std::size_t afferents, double w_initial, double g_bar,
                  double dt)
      : kernels_(kernels), afferents_(afferents), w_(afferents * Blocks, T(static_cast<scalar>(w_initial))),
        pre_(afferents * Blocks), last_spike_(afferents, 0), elapsed_(afferents),
        g_bar_(static_cast<scalar>(g_bar)), dt_(static_cast<scalar>(dt)) {}

  std::size_t afferents() const noexcept { return afferents_; }
  /// Weight of afferent k in block i.
  const T& weight(std::size_t k, std::size_t i) const noexcept { return w_[i * afferents_ + k]; }
  /// All weights, block-major: the weight of afferent k in block i is at i · afferents() + k.
  const std::vector<T>& weights() const noexcept { return w_; }
  const post_trace& post(std::size_t i) const noexcept { return post_[i]; }
  /// Sets afferent k's weight to `w` in every block (every lane): per-afferent initial
  /// weights, e.g. random ones shared by all candidates; call before the first step.
  void set_weight(std::size_t k, double w) noexcept {
    for (std::size_t i = 0; i < Blocks; ++i) w_[i * afferents_ + k] = T(static_cast<scalar>(w));
  }

  /// A presynaptic spike of afferent k in step n: conductance, then the rule.
  template <class Targets, class State>
  void on_pre(std::uint32_t k, std::size_t n, Targets& targets, T State::*channel) noexcept {
    const T since(static_cast<scalar>(static_cast<std::int64_t>(n) - last_spike_[k]) * dt_);
    for (std::size_t i = 0; i < Blocks; ++i) {
      T& w = w_[i * afferents_ + k];
      targets[i].*channel += g_bar_ * w;
      kernels_[i].on_pre(w, pre_[i * afferents_ + k], post_[i], since);
    }
    last_spike_[k] = static_cast<std::int64_t>(n);
  }

  /// Postsynaptic spikes in step n (spiked[i]: block i's mask), after the membrane step.
  void on_post(std::size_t n, const mask* spiked) noexcept {
    for (std::size_t k = 0; k < afferents_; ++k)
      elapsed_[k] = static_cast<scalar>(static_cast<std::int64_t>(n) - last_spike_[k]) * dt_;
    for (std::size_t i = 0; i < Blocks; ++i) {
      if (!lanes::any(spiked[i])) continue;
      // Local copies: stores to w cannot alias them, so the loop below can keep them in registers.
      const kernel rule = kernels_[i];
      const post_trace post = post_[i];
      const mask m = spiked[i];
      T* w = w_.data() + i * afferents_;
      const pre_trace* pre = pre_.data() + i * afferents_;
      const scalar* elapsed = elapsed_.data();
      for (std::size_t k = 0; k < afferents_; ++k) w[k] = lanes::select(m, rule.on_post(w[k], pre[k], post, T(elapsed[k])), w[k]);
      rule.post_spiked(post_[i], m);
    }
  }

  /// One dt of the rule's postsynaptic trace decay.
  void decay() noexcept {
    for (std::size_t i = 0; i < Blocks; ++i) kernels_[i].decay(post_[i]);
  }

 private:
  std::array<kernel, Blocks> kernels_;
  std::size_t afferents_;
  std::vector<T> w_;
  std::vector<pre_trace> pre_;
  std::array<post_trace, Blocks> post_{};
  std::vector<std::int64_t> last_spike_;  // step of each afferent's last spike (traces are 0 before the first)
  std::vector<scalar> elapsed_;           // scratch: seconds since each afferent's last spike
  T g_bar_;
  scalar dt_;
};

}  // namespace metahebb
