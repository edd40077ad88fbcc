#pragma once
/// The familiarity protocol of "memory by accident" (NeurIPS 2025; issue 14), on any
/// probe-able network (core/concepts/probeable_network.hpp).
///
///   background (plastic, the network settles)  →  learning: the familiar stimulus
///   →  breaks of background, ending at the test times t_1 < t_2 < … (s after learning);
///   at each test time:  s = save();  novel stimulus for `probe` s, record;  load(s);
///                       familiar stimulus for `probe` s, record;  load(s);  continue the break.
///
/// Both probes start from the same state and the break continues from it, so probing does not
/// disturb learning (tests/familiarity/protocol_test.cpp checks the weights bit for bit). A
/// stimulus is a subset of inputs driven harder than the background (`make_stimuli`: the
/// familiar and the novel subsets are disjoint, of the same size). The response to a probe is
/// the mean rate of the readout neurons over the probe (Response::mean) and their spread
/// (Response::spread, the standard deviation over neurons); Δr = 2(r_nov − r_fam)/(r_nov + r_fam
/// + 0.01) (familiarity/statistics.hpp).
///
/// The frozen control (`frozen_after_background`) runs the same protocol with plasticity off
/// from the learning phase on: the network is the one the rule settled, but it cannot learn
/// the familiar stimulus, so any Δr comes from the stimuli themselves. The static control
/// (`static_network`, the reference's control: Confavreux et al. 2025 compare with static
/// networks) has no plasticity at all: the network keeps its initial weights throughout.
///
/// Durations are in seconds and become whole steps of the network's dt: a phase of duration T
/// lasts round(T / dt) steps, the k-th test happens round(t_k / dt) steps after learning.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "../core/concepts/probeable_network.hpp"
#include "../core/errors.hpp"
#include "../core/random.hpp"
#include "statistics.hpp"

namespace metahebb::familiarity {

struct ProtocolConfig {
  double background = 40.0;                            ///< s of background input, plastic
  std::size_t background_windows = 4;                  ///< the background is reported in this many windows
  double learning = 5.0;                               ///< s of the familiar stimulus
  std::vector<double> test_times{1, 5, 10, 20, 40, 80};  ///< s after learning, increasing
  double probe = 0.5;                                  ///< s each probe stimulus is shown and recorded
  bool probes = true;                                  ///< false: the same schedule without probing
  bool frozen_after_background = false;                ///< the frozen control: no plasticity after the background
  bool static_network = false;                         ///< the static control: no plasticity at all (initial weights)

  void validate() const {
    require_positive("familiarity.background", background);
    require_count("familiarity.background_windows", static_cast<long long>(background_windows), 1, 1000);
    require_positive("familiarity.learning", learning);
    require_positive("familiarity.probe", probe);
    require(!test_times.empty(), "familiarity.test_times.size()", test_times.size(), "must be >= 1");
    for (std::size_t k = 0; k < test_times.size(); ++k) {
      const std::string field = "familiarity.test_times[" + std::to_string(k) + "]";
      require(std::isfinite(test_times[k]) && test_times[k] > 0.0, field, test_times[k], "must be finite and > 0");
      if (k > 0) require(test_times[k] > test_times[k - 1], field, test_times[k], "must be larger than the previous test time");
    }
  }

  /// Steps of `seconds` at step dt, at least 1 (else invalid_configuration naming `field`).
  static std::size_t steps(double seconds, double dt, const std::string& field) {
    require(seconds / dt <= 4e9, field + " / dt", seconds / dt, "must be <= 4e9 steps");
    const auto n = static_cast<std::size_t>(std::lround(seconds / dt));
    require(n >= 1, field, seconds, "must be at least one step (dt = " + metahebb::detail::format_value(dt) + " s)");
    return n;
  }
};

/// One input-rate vector per condition.
struct Stimuli {
  Eigen::VectorXd background, familiar, novel;
};

/// Background `background_rate` on every input; the familiar and the novel stimulus each drive a
/// different random subset of `active` inputs at `stimulus_rate` (disjoint subsets, drawn from
/// `stream`).
inline Stimuli make_stimuli(std::size_t inputs, std::size_t active, double background_rate, double stimulus_rate,
                            RandomStream& stream) {
  require_count("stimuli.inputs", static_cast<long long>(inputs), 2, 100000000);
  require(active >= 1 && 2 * active <= inputs, "stimuli.active", active,
          "must be in [1, inputs / 2] (two disjoint subsets of " + std::to_string(inputs) + " inputs)");
  require_non_negative("stimuli.background_rate", background_rate);
  require(std::isfinite(stimulus_rate) && stimulus_rate > background_rate, "stimuli.stimulus_rate", stimulus_rate,
          "must be finite and > background_rate");
  std::vector<std::size_t> order(inputs);
  for (std::size_t i = 0; i < inputs; ++i) order[i] = i;
  for (std::size_t i = inputs - 1; i > 0; --i) {  // Fisher–Yates with the library's own stream
    const auto j = static_cast<std::size_t>(stream.uniform() * static_cast<double>(i + 1));
    std::swap(order[i], order[std::min(j, i)]);
  }
  Stimuli s;
  s.background = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(inputs), background_rate);
  s.familiar = s.background;
  s.novel = s.background;
  for (std::size_t k = 0; k < active; ++k) {
    s.familiar[static_cast<Eigen::Index>(order[k])] = stimulus_rate;
    s.novel[static_cast<Eigen::Index>(order[active + k])] = stimulus_rate;
  }
  return s;
}

/// Mean rate of the readout neurons over a probe, and the standard deviation over neurons.
struct Response {
  double mean = 0, spread = 0;

  static Response of(const Eigen::VectorXd& rates) {
    Response r;
    const double n = static_cast<double>(rates.size());
    r.mean = rates.sum() / n;
    r.spread = std::sqrt((rates.array() - r.mean).square().sum() / n);
    return r;
  }
};

struct Record {
  std::vector<double> test_times;          ///< s after learning
  std::vector<Response> novel, familiar;   ///< per test time (empty without probes)
  std::vector<double> segment_rates;       ///< mean readout rate of every segment: background windows, learning, breaks

  double delta_rate(std::size_t k) const { return relative_difference(novel.at(k).mean, familiar.at(k).mean); }
  double delta_spread(std::size_t k) const { return relative_difference(novel.at(k).spread, familiar.at(k).spread); }
};

/// A watcher of the protocol: called after every segment with its phase ("background",
/// "learning", "break"), the network and the readout rates over that segment.
struct NoWatcher {
  template <class N>
  void operator()(const std::string&, const N&, const Eigen::VectorXd&) const {}
};

/// Runs the protocol on `net` from its current state (it is left at the end of the last break).
template <class N, class Watcher = NoWatcher>
Record run_protocol(N& net, const ProtocolConfig& config, const Stimuli& stimuli, Watcher&& watch = {}) {
  static_assert(check_probeable_network<N>());
  config.validate();
  const double dt = net.dt();
  const auto inputs = static_cast<Eigen::Index>(net.num_inputs());
  require(stimuli.background.size() == inputs && stimuli.familiar.size() == inputs && stimuli.novel.size() == inputs,
          "stimuli size", stimuli.background.size(), "must equal the network's num_inputs() (" + std::to_string(inputs) + ")");
  const std::size_t background = ProtocolConfig::steps(config.background, dt, "familiarity.background");
  require(background >= config.background_windows, "familiarity.background_windows", config.background_windows,
          "must be <= the background's steps (" + std::to_string(background) + ")");
  const std::size_t learning = ProtocolConfig::steps(config.learning, dt, "familiarity.learning");
  const std::size_t probe = ProtocolConfig::steps(config.probe, dt, "familiarity.probe");
  std::vector<std::size_t> test_steps;
  for (std::size_t k = 0; k < config.test_times.size(); ++k) {
    test_steps.push_back(ProtocolConfig::steps(config.test_times[k], dt, "familiarity.test_times[" + std::to_string(k) + "]"));
    if (k > 0)
      require(test_steps[k] > test_steps[k - 1], "familiarity.test_times[" + std::to_string(k) + "]",
              config.test_times[k], "must be at least one step after the previous test time");
  }

  Record record;
  record.test_times = config.test_times;
  auto segment = [&](const char* phase, std::size_t steps) {
    const Eigen::VectorXd rates = net.run(steps);
    record.segment_rates.push_back(rates.mean());
    watch(std::string(phase), std::as_const(net), rates);
  };

  net.set_plastic(!config.static_network);
  net.set_input(stimuli.background);
  for (std::size_t w = 0; w < config.background_windows; ++w) {
    const std::size_t begin = background * w / config.background_windows;
    const std::size_t end = background * (w + 1) / config.background_windows;
    segment("background", end - begin);
  }
  if (config.frozen_after_background) net.set_plastic(false);
  net.set_input(stimuli.familiar);
  segment("learning", learning);
  net.set_input(stimuli.background);
  std::size_t done = 0;
  for (std::size_t k = 0; k < test_steps.size(); ++k) {
    segment("break", test_steps[k] - done);
    done = test_steps[k];
    if (!config.probes) continue;
    const auto saved = net.save();
    net.set_input(stimuli.novel);
    record.novel.push_back(Response::of(net.run(probe)));
    net.load(saved);
    net.set_input(stimuli.familiar);
    record.familiar.push_back(Response::of(net.run(probe)));
    net.load(saved);
    net.set_input(stimuli.background);
  }
  return record;
}

}  // namespace metahebb::familiarity
