#pragma once
/// Probe-able network policy: what the familiarity protocol (familiarity/protocol.hpp, issue 14;
/// "memory by accident", NeurIPS 2025) needs from a network.
///
/// A probe-able network can be saved and put back exactly, driven by a vector of input rates,
/// advanced by a number of steps while it reports the mean rate of every readout neuron, and
/// have its plasticity switched off (the frozen controls):
///
///   state_type s = net.save();             // everything that evolves: weights, rates, noise streams
///   net.set_input(rates);                  // one rate per input (Hz, or the network's rate unit)
///   Eigen::VectorXd r = net.run(steps);    // mean rate of each readout neuron over those steps
///   net.load(s);                           // bit for bit as at save()
///   net.set_plastic(false);
///
/// `dt()` is the step in seconds, `num_inputs()` the length `set_input` expects.

#include <Eigen/Core>
#include <concepts>
#include <cstddef>

namespace metahebb {

template <class N>
concept ProbeableNetwork = std::copyable<typename N::state_type> &&
    requires(N& n, const N& cn, const typename N::state_type& s, const Eigen::VectorXd& rates, std::size_t steps) {
      { cn.save() } -> std::same_as<typename N::state_type>;
      n.load(s);
      n.set_input(rates);
      n.set_plastic(true);
      { n.run(steps) } -> std::same_as<Eigen::VectorXd>;
      { cn.dt() } -> std::convertible_to<double>;
      { cn.num_inputs() } -> std::convertible_to<std::size_t>;
    };

template <class N>
constexpr bool check_probeable_network() {
  static_assert(requires { typename N::state_type; },
                "metahebb: the probe-able network needs a state_type (what save() returns)");
  if constexpr (requires { typename N::state_type; }) {
    static_assert(std::copyable<typename N::state_type>, "metahebb: the probe-able network's state_type must be copyable");
    static_assert(requires(const N& n) { { n.save() } -> std::same_as<typename N::state_type>; },
                  "metahebb: the probe-able network needs save() const returning its state_type");
    static_assert(requires(N& n, const typename N::state_type& s) { n.load(s); },
                  "metahebb: the probe-able network needs load(state) putting a saved state back");
  }
  static_assert(requires(N& n, const Eigen::VectorXd& r) { n.set_input(r); },
                "metahebb: the probe-able network needs set_input(rates) taking one rate per input");
  static_assert(requires(N& n) { n.set_plastic(true); },
                "metahebb: the probe-able network needs set_plastic(bool) switching plasticity on or off");
  static_assert(requires(N& n, std::size_t steps) { { n.run(steps) } -> std::same_as<Eigen::VectorXd>; },
                "metahebb: the probe-able network needs run(steps) returning the mean rate of each readout neuron");
  static_assert(requires(const N& n) { { n.dt() } -> std::convertible_to<double>; },
                "metahebb: the probe-able network needs dt() const, its step in seconds");
  static_assert(requires(const N& n) { { n.num_inputs() } -> std::convertible_to<std::size_t>; },
                "metahebb: the probe-able network needs num_inputs() const");
  return ProbeableNetwork<N>;
}

}  // namespace metahebb
