// A child process for the kill-and-resume test (kill_resume_test.cpp) and the numpy test
// (tests/python/rule_store_numpy.py): two filtering rounds of the §3.3 task on a short
// protocol into the store directory argv[1], one work item per committed chunk so that a
// kill can land between any two chunks or in the middle of a simulation.
//
//   metahebb_sweep_child DIR [rules_per_round] [threads]

#include <metahebb/execution/threads.hpp>
#include <metahebb/sweep/kernel_proposal.hpp>
#include <metahebb/sweep/rounds.hpp>
#include <metahebb/sweep/task_metrics.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

#include "sweep_fixtures.hpp"

int main(int argc, char** argv) try {
  using namespace metahebb::sweep;
  if (argc < 2) return 2;
  const std::size_t rules = argc > 2 ? std::stoul(argv[2]) : 96;
  const std::size_t threads = argc > 3 ? std::stoul(argv[3]) : 1;
  const auto task = metahebb::test::short_single_neuron_task(2.0);
  const Prior prior = metahebb::test::single_neuron_prior();
  RuleStore store(argv[1], store_layout(task, "{\"test\": \"sweep_child\"}"));
  KernelProposal proposal(prior.lower(), prior.upper());
  const auto constraints = Constraints::parse("rate_hz in [4, 6]\nexploded <= 0\n", store.layout().metric_names);
  run_rounds(task, store, prior, [&](std::size_t) { return constraints; }, proposal, 2, rules,
             {.seed = 5, .rules_per_seed = 16, .chunk_groups = 1}, metahebb::ThreadExecutor(threads),
             [](const RoundReport&, const Constraints&) {});
  std::cout << store.size() << '\n';
  return 0;
} catch (const std::exception& e) {
  std::cerr << e.what() << '\n';
  return 1;
}
