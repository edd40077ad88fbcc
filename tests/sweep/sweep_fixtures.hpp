#pragma once
// Shared by the sweep tests and their child process: a §3.3 task on a short protocol (the
// sweep machinery is under test, not the rule's steady state) and a prior over both signs.

#include <metahebb/sweep/prior.hpp>
#include <metahebb/tasks/inhibitory_balance.hpp>

namespace metahebb::test {

inline InhibitoryBalanceTask short_single_neuron_task(double training = 4.0) {
  InhibitoryBalanceConfig c;
  c.training_time = training;
  c.scoring_time = 1.0;
  c.window = 1.0;
  c.explosion_grace = 1.0;
  c.explosion_window = 1.0;
  return InhibitoryBalanceTask(c);
}

inline sweep::Prior single_neuron_prior() {
  using sweep::Coordinate;
  return sweep::Prior({Coordinate::uniform("alpha", -1, 1), Coordinate::uniform("beta", -5, 5),
                       Coordinate::uniform("gamma", -5, 5), Coordinate::uniform("kappa", -5, 5),
                       Coordinate::log_uniform("tau_pre", 0.005, 0.1), Coordinate::log_uniform("tau_post", 0.005, 0.1)});
}

}  // namespace metahebb::test
