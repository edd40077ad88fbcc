#pragma once
/// Monitors of the §3.3 network per input group (Confavreux et al. 2020, Fig. 3C; Vogels
/// et al. 2011, Fig. 1): observers for InhibitoryBalance::simulate_observed, called after
/// every step as observer(step, v, g_exc, g_inh, const Scalar* w_inh).
///
/// `GroupCurrents`: the excitatory and inhibitory synaptic currents each input group
/// delivers, averaged over steps [begin, end): per group g, a conductance g_g with the same
/// jumps (ḡ w_k per spike of an afferent k of the group) and decay as the neuron's, and
///   I_E,g = g_leak g_E,g (E_E − V),   I_I,g = g_leak g_I,g (V − E_I)     (nA, magnitudes).
/// Their sum over groups is the neuron's current; detailed balance is I_E,g ≈ I_I,g per group.
///
/// `GroupWeights`: the mean plastic (inhibitory) weight of each group at the end of every
/// `every` steps (1 s bins by default), as a (bins × groups) table in C order.

#include <cmath>
#include <cstddef>
#include <vector>

#include "../inputs/vogels_input.hpp"

namespace metahebb {

class GroupCurrents {
 public:
  /// `neuron`: parameters with g_exc_bar, g_inh_bar, tau_exc, tau_inh, e_exc, e_inh, g_leak, dt.
  template <class NeuronParameters>
  GroupCurrents(const VogelsInputConfig& input, const NeuronParameters& neuron, const InputSpikes& spikes,
                const std::vector<double>& w_exc, std::size_t begin, std::size_t end)
      : input_(input), spikes_(&spikes), w_exc_(&w_exc), begin_(begin), end_(end), g_exc_bar_(neuron.g_exc_bar),
        g_inh_bar_(neuron.g_inh_bar), e_exc_(neuron.e_exc), e_inh_(neuron.e_inh),
        decay_exc_(std::exp(-neuron.dt / neuron.tau_exc)), decay_inh_(std::exp(-neuron.dt / neuron.tau_inh)),
        scale_(neuron.g_leak * 1e9 / static_cast<double>(end - begin)), g_exc_(input.groups), g_inh_(input.groups),
        i_exc_(input.groups), i_inh_(input.groups) {}

  template <class Scalar>
  void operator()(std::size_t n, Scalar v, Scalar /*g_exc*/, Scalar /*g_inh*/, const Scalar* w_inh) {
    const InputSpikes& d = *spikes_;
    for (auto s = d.exc_offset[n]; s < d.exc_offset[n + 1]; ++s)
      g_exc_[input_.exc_group(d.exc_index[s])] += g_exc_bar_ * (*w_exc_)[d.exc_index[s]];
    for (auto s = d.inh_offset[n]; s < d.inh_offset[n + 1]; ++s)
      g_inh_[input_.inh_group(d.inh_index[s])] += g_inh_bar_ * w_inh[d.inh_index[s]];
    if (n >= begin_ && n < end_) {
      for (std::size_t g = 0; g < g_exc_.size(); ++g) {
        i_exc_[g] += scale_ * g_exc_[g] * (e_exc_ - v);
        i_inh_[g] += scale_ * g_inh_[g] * (v - e_inh_);
      }
    }
    for (auto& x : g_exc_) x *= decay_exc_;
    for (auto& x : g_inh_) x *= decay_inh_;
  }

  /// Mean excitatory / inhibitory current of each group over [begin, end), nA.
  const std::vector<double>& excitatory_nA() const noexcept { return i_exc_; }
  const std::vector<double>& inhibitory_nA() const noexcept { return i_inh_; }

 private:
  VogelsInputConfig input_;
  const InputSpikes* spikes_;
  const std::vector<double>* w_exc_;
  std::size_t begin_, end_;
  double g_exc_bar_, g_inh_bar_, e_exc_, e_inh_, decay_exc_, decay_inh_, scale_;
  std::vector<double> g_exc_, g_inh_, i_exc_, i_inh_;
};

class GroupWeights {
 public:
  GroupWeights(const VogelsInputConfig& input, std::size_t every) : input_(input), every_(every) {}

  template <class Scalar>
  void operator()(std::size_t n, Scalar, Scalar, Scalar, const Scalar* w_inh) {
    if ((n + 1) % every_ != 0) return;
    std::vector<double> mean(input_.groups, 0.0);
    for (std::size_t k = 0; k < input_.num_inh(); ++k) mean[input_.inh_group(k)] += w_inh[k];
    for (auto& m : mean) table_.push_back(m / static_cast<double>(input_.inh_per_group));
  }

  /// Mean weight per (bin, group), C order.
  const std::vector<double>& table() const noexcept { return table_; }
  std::size_t bins() const noexcept { return table_.size() / input_.groups; }

 private:
  VogelsInputConfig input_;
  std::size_t every_;
  std::vector<double> table_;
};

}  // namespace metahebb
