// Compile-fail case: a network without run(steps) cannot be probed by the familiarity protocol.
#include <Eigen/Core>
#include <cstddef>

#include <metahebb/core/concepts/probeable_network.hpp>

struct Network {
  struct state_type {
    double w = 0;
  };
  state_type save() const { return {}; }
  void load(const state_type&) {}
  void set_input(const Eigen::VectorXd&) {}
  void set_plastic(bool) {}
  double dt() const { return 0.01; }
  std::size_t num_inputs() const { return 1; }
#ifdef METAHEBB_SHOULD_COMPILE
  Eigen::VectorXd run(std::size_t) { return Eigen::VectorXd::Zero(1); }
#endif
};

static_assert(metahebb::check_probeable_network<Network>());
