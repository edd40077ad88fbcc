// Families of rules (issue 13): filtering rounds of simulated rules through constraints on
// their metrics (filter SBI, Confavreux, Harrington et al., NeurIPS 2023).
//
//   rule_family --task single-neuron|recurrent --rounds R --rules-per-round K
//               --constraints FILE --store DIR --seed S --threads T
//
// Round 0 samples the prior; round r proposes θ from q(θ | x*) fitted on every rule so far,
// x* the metrics of an accepted rule (sweep/rounds.hpp); --proposal population instead breeds
// children of the least-violating rules so far (ABC-SMC, sweep/population_proposal.hpp). The constraints file is read again
// before every round, so it may be edited between rounds; without it the task's defaults apply
// (single neuron: rate 5 ± 1 Hz; recurrent: the filter-SBI set). Every rule is appended to the
// store (DIR, numpy-loadable; a killed run resumes). The last stdout line is JSON.

#include <metahebb/execution/threads.hpp>
#include <metahebb/io/command_line.hpp>
#include <metahebb/io/json.hpp>
#include <metahebb/sweep/filter_sbi.hpp>
#include <metahebb/sweep/flow_proposal.hpp>
#include <metahebb/sweep/kernel_proposal.hpp>
#include <metahebb/sweep/mean_field_screen.hpp>
#include <metahebb/sweep/population_proposal.hpp>
#include <metahebb/sweep/rounds.hpp>
#include <metahebb/sweep/task_metrics.hpp>

#include <filesystem>
#include <iostream>
#include <type_traits>

using namespace metahebb;
using namespace metahebb::sweep;

namespace {

const char* single_neuron_constraints = "rate_hz in [4, 6]   # 5 ± 1 Hz\nexploded <= 0\n";

template <class TaskT>
int run(const TaskT& task, const Prior& prior, const char* defaults, const CommandLine& cl, std::string identity) {
  const auto rounds = cl.get<std::size_t>("rounds"), per_round = cl.get<std::size_t>("rules-per-round");
  const std::string file = cl.get<std::string>("constraints"), directory = cl.get<std::string>("store");
  const auto per_seed = cl.get<std::uint64_t>("rules-per-seed");
  const SweepSettings settings{.seed = cl.get<std::uint64_t>("seed"),
                               .rules_per_seed = per_seed ? per_seed : TaskMetrics<TaskT>::rules_per_call(task)};
  settings.validate();
  const auto vocabulary = TaskMetrics<TaskT>::names(task);
  auto constraints_of = [&](std::size_t) {
    return file.empty() ? Constraints::parse(defaults, vocabulary, "default constraints") : Constraints::load(file, vocabulary);
  };
  constraints_of(0);  // a bad file fails before anything is simulated or written
  if (const std::string screen = cl.get<std::string>("screen"); !screen.empty())
    require(screen == "mean-field" && std::is_same_v<TaskT, RecurrentNetworkTask> && cl.get<std::string>("proposal") == "population",
            "--screen", screen, "must be mean-field, with --task recurrent --proposal population");
  RuleStore store(directory, store_layout(task, identity));
  // θ of round 0 from a table (CSV with named columns, or .npy): saved as the round's table,
  // which the rounds then use instead of prior draws.
  if (const std::string table = cl.get<std::string>("theta"); !table.empty()) {
    const std::string round0 = directory + "/round-0000.npy";
    const Eigen::MatrixXd thetas = read_theta_table(table, task.parameter_names());
    require(thetas.rows() > 0, "--theta", table, "must hold at least one rule");
    if (!std::filesystem::exists(round0)) io::write_npy(round0, thetas);
  }
  ThreadExecutor executor(cl.get<std::size_t>("threads"));
  std::vector<double> acceptance;
  auto on_round = [&](const RoundReport& r, const Constraints& c) {
    const auto report = c.report(store.records().metrics);
    std::cerr << "round " << r.round << ": " << r.accepted << "/" << r.rules << " accepted ("
              << 100.0 * r.acceptance() << " %), simulated now " << r.simulated << ", q fitted on " << r.fit_rows
              << " rules; store: " << report.passing_all << "/" << report.rules << " pass all of\n";
    for (std::size_t k = 0; k < c.size(); ++k)
      std::cerr << "    " << c.list()[k].text() << ": " << report.passing[k] << " pass\n";
    acceptance.push_back(r.acceptance());
  };
  SweepProgressBar bar;
  std::vector<RoundReport> reports;
  const std::string kind = cl.get<std::string>("proposal");
  if (kind == "flow") {  // q(θ | x): an ensemble of masked autoregressive flows (inference/)
    inference::FlowSettings flow;
    flow.ensemble_size = cl.get<int>("ensemble");
    flow.seed = settings.seed;
    FlowProposal proposal(inference::Box{prior.lower(), prior.upper()}, flow);
    reports = run_rounds(task, store, prior, constraints_of, proposal, rounds, per_round, settings, executor, on_round, bar);
  } else if (kind == "population") {  // ABC-SMC: children of the least-violating rules (population_proposal.hpp)
    PopulationProposal proposal(prior.lower(), prior.upper(), {.parents = cl.get<std::size_t>("parents")});
    if constexpr (std::is_same_v<TaskT, RecurrentNetworkTask>)
      if (!cl.get<std::string>("screen").empty()) proposal.restrict_to(MeanFieldScreen::for_config(task.config()));  // children pass it
    reports = run_rounds(task, store, prior, constraints_of, proposal, rounds, per_round, settings, executor, on_round, bar);
  } else {
    require(kind == "kernel", "--proposal", kind, "must be flow, population or kernel");
    KernelProposal proposal(prior.lower(), prior.upper(), {.neighbours = cl.get<std::size_t>("neighbours")});
    reports = run_rounds(task, store, prior, constraints_of, proposal, rounds, per_round, settings, executor, on_round, bar);
  }
  std::size_t accepted = 0;
  for (const auto& r : reports) accepted += r.accepted;
  std::string rates;  // the last stdout line: one line of JSON
  for (const double a : acceptance) rates += (rates.empty() ? "" : ", ") + io::json_number(a);
  std::cout << "{\"rounds\": " << rounds << ", \"simulated\": " << store.size() << ", \"accepted\": " << accepted
            << ", \"acceptance_per_round\": [" << rates << "], \"store\": " << io::json_string(directory) << "}"
            << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) try {
  CommandLine cl(argc, argv, "Families of plasticity rules by filtering rounds (issue 13).",
                 {{"task", "single-neuron", "single-neuron (§3.3) or recurrent (E/I network, scaled size)"},
                  {"rounds", "3", "filtering rounds (round 0 samples the prior)"},
                  {"rules-per-round", "512", "rules simulated per round"},
                  {"constraints", "", "constraints file, read before every round (default: the task's)"},
                  {"store", "rule_family_store", "directory of the rule store (resumed if it exists)"},
                  {"seed", "1", "sweep seed: names every rule's θ (prior rounds) and input"},
                  {"threads", "0", "worker threads (0: all cores)"},
                  {"theta", "", "θ of round 0 from a table (CSV with a header of parameter names, or .npy) instead of the prior"},
                  {"rules-per-seed", "0", "consecutive rules sharing one input realisation (0: the task's SIMD width)"},
                  {"proposal", "flow", "q(θ | x): flow (masked autoregressive flows), population (ABC-SMC on the violation) or kernel (nearest neighbours)"},
                  {"parents", "32", "the least-violating rules so far that parent the next round (--proposal population)"},
                  {"screen", "", "mean-field: population children must pass the mean-field screen (--task recurrent)"},
                  {"ensemble", "1", "flows in the ensemble (--proposal flow)"},
                  {"neighbours", "32", "k of the nearest-neighbour kernel (--proposal kernel)"},
                  {"training-time", "0", "s of learning before scoring (0: the task's default)"},
                  {"scoring-time", "0", "s of scoring (0: the task's default)"},
                  {"exc", "0", "excitatory neurons (--task recurrent; 0: the task's 1024)"},
                  {"inh", "0", "inhibitory neurons (--task recurrent; 0: the task's 256)"},
                  {"inputs", "0", "Poisson inputs (--task recurrent; 0: the task's 5000)"}});
  if (cl.help()) return 0;
  const std::string which = cl.get<std::string>("task");
  const double training = cl.get<double>("training-time"), scoring = cl.get<double>("scoring-time");
  std::string identity = "{\"task\": \"" + which + "\", \"seed\": " + cl.get<std::string>("seed") +
                         ", \"training_time\": " + cl.get<std::string>("training-time") +
                         ", \"scoring_time\": " + cl.get<std::string>("scoring-time") +
                         ", \"rules_per_seed\": " + cl.get<std::string>("rules-per-seed") + "}";
  if (which == "single-neuron") {
    InhibitoryBalanceConfig c;
    if (training > 0) c.training_time = training;
    if (scoring > 0) c.scoring_time = scoring, c.window = std::min(c.window, scoring);
    const InhibitoryBalanceTask task(c);
    // α ≤ 0 ≤ β is not imposed: the prior covers both signs (docs/rule-families.md).
    const Prior prior({Coordinate::uniform("alpha", -1, 1), Coordinate::uniform("beta", -5, 5),
                       Coordinate::uniform("gamma", -5, 5), Coordinate::uniform("kappa", -5, 5),
                       Coordinate::log_uniform("tau_pre", 0.005, 0.1), Coordinate::log_uniform("tau_post", 0.005, 0.1)});
    return run(task, prior, single_neuron_constraints, cl, identity);
  }
  require(which == "recurrent", "--task", which, "must be single-neuron or recurrent");
  RecurrentNetworkTask::config_type c;
  if (training > 0) c.training_time = training;
  if (scoring > 0) c.scoring_time = scoring;
  // network size (a small network for tests); named in the store's identity only when set, so
  // stores of the default size keep theirs
  for (const auto& [option, field] : {std::pair{"exc", &c.exc}, std::pair{"inh", &c.inh}, std::pair{"inputs", &c.inputs}})
    if (const auto n = cl.get<std::size_t>(option); n > 0) {
      *field = n;
      identity.insert(identity.size() - 1, std::string(", \"") + option + "\": " + std::to_string(n));
    }
  const RecurrentNetworkTask task(c);
  // the filter-SBI box (τ in [0.01, 0.1] s, the others in [−2, 2]) and constraints (sweep/filter_sbi.hpp)
  return run(task, filter_sbi_prior(task), filter_sbi_constraints, cl, identity);
} catch (const std::exception& e) {
  std::cerr << e.what() << '\n';
  return 2;
}
