#pragma once
/// Snapshots of a network's whole state, to probe a network and put it back exactly.
///
///   auto saved = snapshot(neurons, inhibitory, rates);   // copies every part
///   … show a stimulus, record the response …
///   restore(saved, neurons, inhibitory, rates);          // bit for bit as before the probe
///
/// Every part of the simulation layer (NeuronGroup, FixedSynapses, PlasticSynapses,
/// SparseSynapses, the monitors, the input generators) is a plain value whose mutable state
/// it owns (SparseSynapses shares only its immutable connectivity), so a copy is a complete,
/// independent snapshot and an assignment restores it. The familiarity protocol of "memory by accident" (issue 14) probes a network twice
/// from one state this way, so that probing does not disturb learning.

#include <tuple>

namespace metahebb {

template <class... Parts>
struct Snapshot {
  std::tuple<Parts...> parts;
};

/// A copy of every part.
template <class... Parts>
Snapshot<Parts...> snapshot(const Parts&... parts) {
  return Snapshot<Parts...>{std::tuple<Parts...>(parts...)};
}

/// Puts every part back as it was when `saved` was taken (the same parts, in the same order).
template <class... Parts>
void restore(const Snapshot<Parts...>& saved, Parts&... parts) {
  std::tie(parts...) = saved.parts;
}

}  // namespace metahebb
