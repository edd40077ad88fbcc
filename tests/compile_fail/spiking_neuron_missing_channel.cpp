// Compile-fail case: a spiking neuron model whose state has no g_inh channel is rejected by name.
#include <string_view>

#include <metahebb/core/concepts/neuron_model.hpp>

struct Parameters {
  double dt = 1e-4, g_exc_bar = 0.01, g_inh_bar = 0.01;
  void validate() const {}
};

struct Neuron {
  using mask = bool;
  using parameters_type = Parameters;
  struct state_type {
    double v = 0, g_exc = 0;
#ifdef METAHEBB_SHOULD_COMPILE
    double g_inh = 0;
#endif
  };
  static constexpr std::string_view name() { return "toy"; }
  explicit Neuron(const Parameters&) {}
  state_type resting() const { return {}; }
  bool step(state_type& s) const {
    s.v += s.g_exc;
    return s.v > 1.0;
  }
};

static_assert(metahebb::check_spiking_neuron_model<Neuron>());
