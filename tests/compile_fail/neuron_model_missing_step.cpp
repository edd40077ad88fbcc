// Compile-fail case: a neuron model without step(state, input) is rejected by name.
#include <string_view>

#include <metahebb/core/concepts/neuron_model.hpp>

struct Neuron {
  using state_type = double;
  using input_type = double;
  static constexpr std::string_view name() { return "leaky"; }
#ifdef METAHEBB_SHOULD_COMPILE
  void step(state_type& v, const input_type& drive) const { v += drive; }
#endif
};

static_assert(metahebb::check_neuron_model<Neuron>());
