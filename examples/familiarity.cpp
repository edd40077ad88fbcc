// "Memory by accident" (NeurIPS 2025; issue 14) at small scale: rules drawn from a prior and kept
// only because they stabilise a rate network; does the network then tell a familiar stimulus
// from a novel one? Per size: the fraction of stabilising rules with a significant Δr at the
// first test after learning (one-sample t-test over seeds), the same for the frozen control, and
// the mean |Δr|. The last stdout line is JSON. docs/familiarity.md has the design and the figures.
// --network spiking runs the recurrent E/I spiking network (24-θ quartets from the filter-SBI box;
// sizes are N_E, N_I = N_E / 4) on a scaled-down protocol (familiarity/spiking_experiment.hpp);
// with --rounds R the quartets come from R rounds of a sequential proposal around the quartets
// that passed (familiarity/sequential.hpp), one `round {...}` line per round on stdout.

#include <metahebb/execution/threads.hpp>
#include <metahebb/familiarity/experiment.hpp>
#include <metahebb/familiarity/sequential.hpp>
#include <metahebb/familiarity/spiking_experiment.hpp>
#include <metahebb/io/command_line.hpp>
#include <metahebb/io/json.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>

using namespace metahebb;
using namespace metahebb::familiarity;

namespace {

std::vector<std::size_t> parse_sizes(const std::string& text) {
  std::vector<std::size_t> sizes;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::size_t used = 0;
    long long v = -1;
    try {
      v = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    require(used == item.size() && used > 0 && v >= 2, "--sizes", text, "must be comma-separated integers >= 2");
    sizes.push_back(static_cast<std::size_t>(v));
  }
  require(!sizes.empty(), "--sizes", text, "must name at least one size");
  return sizes;
}

std::string interval_json(std::size_t k, std::size_t n) {
  if (n == 0) return "[null, null]";
  const Interval ci = wilson_interval(k, n);
  return "[" + io::json_number(ci.lower) + ", " + io::json_number(ci.upper) + "]";
}

double fraction(std::size_t k, std::size_t n) { return n ? static_cast<double>(k) / static_cast<double>(n) : std::nan(""); }

std::vector<double> parse_numbers(const std::string& flag, const std::string& text) {
  std::vector<double> values;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    require(used == item.size() && used > 0, flag, text, "must be comma-separated numbers");
    values.push_back(v);
  }
  return values;
}

// One CSV row per measured rule r in [from, to) and size.
void write_rows(std::FILE* f, const ExperimentResult& result, const std::vector<std::size_t>& sizes, std::size_t from,
                std::size_t to) {
  for (std::size_t r = from; r < to; ++r)
    for (std::size_t z = 0; z < sizes.size(); ++z) {
      const RuleSummary& s = result.summaries[r][z];
      std::fprintf(f, "%zu,%llu,%llu,%zu,%d,%d,%d,%d,%d,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%s", r,
                   static_cast<unsigned long long>(result.indices[r] / round_stride),
                   static_cast<unsigned long long>(result.indices[r] % round_stride), sizes[z], result.unstable_reasons[r].empty(),
                   s.memory, s.control_memory, s.memory_vs_control, s.static_memory, s.delta_rate.front(), s.delta_spread.front(),
                   s.p_rate.front(), s.control_delta_rate.front(), s.control_delta_spread.front(), s.static_delta_rate.front(),
                   s.lifetime ? io::json_number(*s.lifetime).c_str() : "");
      for (Eigen::Index t = 0; t < 4; ++t)  // spiking: the largest mean weight over seeds per type (EE, EI, IE, II)
        std::fprintf(f, ",%s", t < s.max_final_mean_weight.size() ? io::json_number(s.max_final_mean_weight[t]).c_str() : "");
      std::fprintf(f, "\n");
    }
  std::fflush(f);
}

}  // namespace

int main(int argc, char** argv) try {
  const CommandLine cli(argc, argv, "Familiarity detection in rules selected only for stability (issue 14).",
                        {{"network", "feedforward", "feedforward, recurrent or spiking"},
                         {"rules", "20", "stabilising candidates to measure (rules passing the screen)"},
                         {"max-samples", "0", "rules to draw at most (0: 200 x rules)"},
                         {"groups", "1", "co-active plastic groups K, each with its own rule"},
                         {"sizes", "", "network sizes N (rate: neurons = inputs, default 16,32,64; spiking: N_E, default 64,128)"},
                         {"seeds", "5", "independent networks per rule and size"},
                         {"threads", "2", "worker threads"},
                         {"seed", "1", "seed of the rules, networks and stimuli"},
                         {"prior-sd", "1", "theta_k ~ N(0, prior-sd^2)"},
                         {"eta", "", "learning rate (rate: 0.2 /s; spiking: the rule's eta, 0.01)"},
                         {"background", "", "s of background before learning (rate 40, spiking 20)"},
                         {"learning", "", "s of the familiar stimulus (rate 5, spiking 5)"},
                         {"tests", "", "test times, s after learning (rate 1,5,10,20,40,80; spiking 1,10,30)"},
                         {"probe", "", "s each probe is shown (rate 0.5, spiking 1)"},
                         {"rows", "", "CSV file: one row per rule and size"},
                         {"rounds", "0", "spiking: rounds of the sequential proposal (0: draw from the box only, as --rules)"},
                         {"draws", "2000", "with --rounds: quartets drawn per round, at most"},
                         {"per-round", "50", "with --rounds: a round stops once this many quartets passed the screen"},
                         {"bandwidth", "1.4142135623730951", "with --rounds: kernel width / std of the fitted quartets"},
                         {"min-cv", "0", "spiking: CV_ISI filter, at least (the reference: 0.7; 0: off)"},
                         {"max-mean-weight", "", "spiking: mean EE,EI,IE,II weight at most (the reference: 0.5,0.5,5,5)"},
                         {"static-control", "1", "1: also run the static control (no plasticity at all); 0: not"}});
  if (cli.help()) return 0;
  const std::string network = cli.get<std::string>("network");
  require(network == "feedforward" || network == "recurrent" || network == "spiking", "--network", network,
          "must be feedforward, recurrent or spiking");
  const bool spiking = network == "spiking";
  auto given = [&](const char* name) { return !cli.get<std::string>(name).empty(); };
  if (spiking)
    require(cli.get<std::size_t>("groups") == 1, "--groups", cli.get<std::size_t>("groups"),
            "must be 1 for the spiking network (its four synapse types are the co-active rules)");

  ExperimentConfig config;
  SpikingExperimentConfig spiking_config;
  config.network.kind = network == "feedforward" ? RateNetworkKind::feedforward : RateNetworkKind::recurrent;
  config.network.groups = cli.get<std::size_t>("groups");
  if (given("eta")) config.network.eta = spiking_config.network.rule.eta = cli.get<double>("eta");
  if (given("sizes")) config.sizes = spiking_config.sizes = parse_sizes(cli.get<std::string>("sizes"));
  else spiking_config.sizes = {64, 128};
  config.seeds = spiking_config.seeds = cli.get<std::size_t>("seeds");
  config.seed = spiking_config.seed = cli.get<std::uint64_t>("seed");
  config.prior_sd = cli.get<double>("prior-sd");
  ProtocolConfig& protocol = spiking ? spiking_config.protocol : config.protocol;
  if (given("background")) protocol.background = cli.get<double>("background");
  if (given("learning")) protocol.learning = cli.get<double>("learning");
  if (given("probe")) protocol.probe = cli.get<double>("probe");
  if (given("tests")) protocol.test_times = parse_numbers("--tests", cli.get<std::string>("tests"));
  const auto rules = cli.get<std::size_t>("rules");
  std::size_t max_samples = cli.get<std::size_t>("max-samples");
  if (max_samples == 0) max_samples = 200 * rules;
  const auto threads = cli.get<std::size_t>("threads");
  require(threads >= 1, "--threads", threads, "must be >= 1");
  const auto rounds = cli.get<std::size_t>("rounds");
  require(rounds == 0 || spiking, "--rounds", rounds, "must be 0 for the rate networks (the proposal needs the spiking box)");
  SequentialSettings sequential;
  sequential.rounds = std::max<std::size_t>(1, rounds);
  sequential.draws = cli.get<std::size_t>("draws");
  sequential.screened = cli.get<std::size_t>("per-round");
  sequential.bandwidth = cli.get<double>("bandwidth");
  sequential.validate();
  const auto static_flag = cli.get<int>("static-control");
  require(static_flag == 0 || static_flag == 1, "--static-control", static_flag, "must be 0 or 1");
  config.static_control = spiking_config.static_control = static_flag == 1;
  if (spiking) {
    spiking_config.stability.min_cv_isi = cli.get<double>("min-cv");
    if (given("max-mean-weight")) spiking_config.stability.max_mean_weight = parse_numbers("--max-mean-weight", cli.get<std::string>("max-mean-weight"));
    require(spiking_config.stability.max_mean_weight.empty() || spiking_config.stability.max_mean_weight.size() == 4,
            "--max-mean-weight", cli.get<std::string>("max-mean-weight"), "must give 4 numbers (EE, EI, IE, II)");
  } else {
    require(cli.get<double>("min-cv") == 0.0, "--min-cv", cli.get<double>("min-cv"), "must be 0 for the rate networks");
    require(!given("max-mean-weight"), "--max-mean-weight", cli.get<std::string>("max-mean-weight"), "is for the spiking network");
  }
  if (spiking) {
    spiking_config.validate();
  } else {
    config.validate();
    require(config.network.groups <= config.sizes.front(), "--groups", config.network.groups, "must be <= the smallest size");
  }
  const std::vector<std::size_t>& sizes_run = spiking ? spiking_config.sizes : config.sizes;

  std::FILE* rows_file = nullptr;
  if (const std::string path = cli.get<std::string>("rows"); !path.empty()) {
    rows_file = std::fopen(path.c_str(), "w");
    require(rows_file != nullptr, "--rows", path, "cannot be opened for writing");
    std::fprintf(rows_file, "rule,round,draw,neurons,stabilising,memory,control_memory,memory_vs_control,static_memory,"
                            "delta_rate_first,delta_spread_first,p_first,control_delta_rate_first,control_delta_spread_first,"
                            "static_delta_rate_first,lifetime_s,max_w_ee,max_w_ei,max_w_ie,max_w_ii\n");
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<RoundReport> reports;
  std::size_t written = 0;
  auto on_round = [&](const ExperimentResult& so_far, const RoundReport& report) {
    const SizeSummary& s = so_far.sizes.front();
    std::printf("round {\"round\": %zu, \"fitted_on\": \"%s\", \"fitted_rules\": %zu, \"drawn\": %zu, \"screened\": %zu, "
                "\"screen_acceptance\": %s, \"stabilising\": %zu, \"stabilising_total\": %zu, \"with_memory_total\": %zu, "
                "\"frozen_control_total\": %zu, \"static_control_total\": %zu, \"seconds\": %s}\n",
                report.round, report.fitted_on, report.fitted_rules, report.drawn, report.screened,
                io::json_number(fraction(report.screened, report.drawn)).c_str(), report.stabilising, so_far.stabilising,
                s.with_memory, s.control_with_memory, s.static_with_memory,
                io::json_number(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()).c_str());
    std::fflush(stdout);
    for (std::size_t r = written; r < so_far.summaries.size(); ++r)  // why this round's screened quartets were not stabilising
      if (!so_far.unstable_reasons[r].empty())
        std::fprintf(stderr, "round %zu draw %llu not stabilising: %s\n", report.round,
                     static_cast<unsigned long long>(so_far.indices[r] % round_stride), so_far.unstable_reasons[r].c_str());
    std::fflush(stderr);
    if (rows_file) write_rows(rows_file, so_far, sizes_run, written, so_far.summaries.size());
    written = so_far.summaries.size();
  };
  const ExperimentResult result =
      spiking ? (rounds > 0 ? run_sequential(spiking_config, spiking_config.prior, sequential, ThreadExecutor(threads), reports, on_round)
                            : run_experiment(spiking_config, rules, max_samples, ThreadExecutor(threads)))
              : run_experiment(config, rules, max_samples, ThreadExecutor(threads));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (rows_file) {
    write_rows(rows_file, result, sizes_run, written, result.summaries.size());
    std::fclose(rows_file);
  }

  std::printf("%s network, %s: %zu rules drawn, %zu passed the screen, %zu stabilising on every seed and size (%.1f s)\n",
              network.c_str(), spiking ? "quartets (EE, EI, IE, II)" : ("K = " + std::to_string(config.network.groups) + " group(s)").c_str(),
              result.sampled, result.screened, result.stabilising, seconds);
  std::printf("%6s %6s %22s %22s %22s %8s %8s %8s %8s\n", "N", "rules", "with memory [95% CI]", "control [95% CI]",
              "vs control [95% CI]", "|dr|", "|dsigma|", "ctl |dr|", "ctl |ds|");
  for (const SizeSummary& s : result.sizes) {
    const Interval a = s.rules ? wilson_interval(s.with_memory, s.rules) : Interval{};
    const Interval b = s.rules ? wilson_interval(s.control_with_memory, s.rules) : Interval{};
    const Interval v = s.rules ? wilson_interval(s.with_memory_vs_control, s.rules) : Interval{};
    std::printf("%6zu %6zu %6.3f [%5.3f, %5.3f] %6.3f [%5.3f, %5.3f] %6.3f [%5.3f, %5.3f] %8.4f %8.4f %8.4f %8.4f\n", s.neurons,
                s.rules, fraction(s.with_memory, s.rules), a.lower, a.upper, fraction(s.control_with_memory, s.rules), b.lower,
                b.upper, fraction(s.with_memory_vs_control, s.rules), v.lower, v.upper, s.mean_abs_delta_rate,
                s.mean_abs_delta_spread, s.control_mean_abs_delta_rate, s.control_mean_abs_delta_spread);
  }
  for (std::size_t r = 0; r < result.rules.size() && reports.empty(); ++r)  // why screened rules were not stabilising
    if (!result.unstable_reasons[r].empty())
      std::fprintf(stderr, "rule %zu (draw %llu) not stabilising: %s\n", r, static_cast<unsigned long long>(result.indices[r]),
                   result.unstable_reasons[r].c_str());

  // Top level: pooled over sizes (every stabilising rule once per size).
  std::size_t pooled = 0, memory = 0, control = 0;
  for (const SizeSummary& s : result.sizes) {
    pooled += s.rules;
    memory += s.with_memory;
    control += s.control_with_memory;
  }
  std::string sizes = "[";
  for (std::size_t z = 0; z < result.sizes.size(); ++z) {
    const SizeSummary& s = result.sizes[z];
    std::string at = "[";
    for (std::size_t k = 0; k < s.significant_at.size(); ++k) at += (k ? ", " : "") + std::to_string(s.significant_at[k]);
    sizes += std::string(z ? ", " : "") + "{\"neurons\": " + std::to_string(s.neurons) + ", \"rules\": " + std::to_string(s.rules) +
             ", \"fraction_with_memory\": " + io::json_number(fraction(s.with_memory, s.rules)) +
             ", \"fraction_with_memory_ci\": " + interval_json(s.with_memory, s.rules) +
             ", \"fraction_with_memory_static_control\": " + io::json_number(fraction(s.control_with_memory, s.rules)) +
             ", \"fraction_with_memory_static_control_ci\": " + interval_json(s.control_with_memory, s.rules) +
             ", \"fraction_with_memory_vs_control\": " + io::json_number(fraction(s.with_memory_vs_control, s.rules)) +
             ", \"fraction_with_memory_vs_control_ci\": " + interval_json(s.with_memory_vs_control, s.rules) +
             ", \"novel_larger\": " + std::to_string(s.novelty_positive) +
             ", \"mean_abs_delta_rate\": " + io::json_number(s.mean_abs_delta_rate) +
             ", \"mean_abs_delta_spread\": " + io::json_number(s.mean_abs_delta_spread) +
             ", \"control_mean_abs_delta_rate\": " + io::json_number(s.control_mean_abs_delta_rate) +
             ", \"control_mean_abs_delta_spread\": " + io::json_number(s.control_mean_abs_delta_spread) +
             ", \"control_diverged\": " + std::to_string(s.control_nonfinite) +
             ", \"fraction_with_memory_static_network\": " + io::json_number(fraction(s.static_with_memory, s.rules)) +
             ", \"fraction_with_memory_static_network_ci\": " + interval_json(s.static_with_memory, s.rules) +
             ", \"static_mean_abs_delta_rate\": " + io::json_number(s.static_mean_abs_delta_rate) +
             ", \"static_diverged\": " + std::to_string(s.static_nonfinite) +
             ", \"significant_at_test\": " + at + "]}";
  }
  sizes += "]";
  std::string round_list = "[";
  for (std::size_t k = 0; k < reports.size(); ++k)
    round_list += std::string(k ? ", " : "") + "{\"round\": " + std::to_string(reports[k].round) + ", \"drawn\": " +
                  std::to_string(reports[k].drawn) + ", \"screened\": " + std::to_string(reports[k].screened) +
                  ", \"stabilising\": " + std::to_string(reports[k].stabilising) + ", \"fitted_on\": \"" + reports[k].fitted_on + "\"}";
  round_list += "]";
  std::printf("{\"network\": %s, \"groups\": %zu, \"seeds\": %zu, \"rules_drawn\": %zu, \"rules_screened\": %zu, \"rules_tested\": %zu, "
              "\"fraction_with_memory\": %s, \"fraction_with_memory_ci\": %s, \"fraction_with_memory_static_control\": %s, "
              "\"fraction_with_memory_static_control_ci\": %s, \"sizes\": %s, \"rounds\": %s, \"seconds\": %s}\n",
              io::json_string(network).c_str(), spiking ? std::size_t{4} : config.network.groups, config.seeds, result.sampled, result.screened,
              result.stabilising, io::json_number(fraction(memory, pooled)).c_str(), interval_json(memory, pooled).c_str(),
              io::json_number(fraction(control, pooled)).c_str(), interval_json(control, pooled).c_str(), sizes.c_str(), round_list.c_str(),
              io::json_number(seconds).c_str());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "%s\n", e.what());
  return 1;
}
