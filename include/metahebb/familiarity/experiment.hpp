#pragma once
/// "Memory by accident" measured on the rate networks (NeurIPS 2025; issue 14): draw rules θ from a
/// prior, keep those that stabilise the network, run the familiarity protocol and its frozen
/// control on several independent networks ("seeds") per rule and size, and test Δr per test time.
///
/// Every rule meets its own independent networks (the candidate field of the streams is the rule's
/// index in the prior's sequence), so the rules' tests are independent trials and a Wilson
/// interval applies to the fractions; the plastic run and the frozen control of one rule share
/// networks, stimuli and noise. (With the same networks for every rule, the controls' false
/// positives come together: one unlucky set of S networks makes every rule's control significant.)
///
/// Selection (stability only, no memory objective):
///   θ_k ~ N(0, prior_sd²) i.i.d. (stream (seed, optimiser, 0, candidate = index));
///   screen: the background phase of network 0 at the smallest size meets the criterion;
///   stabilising: every seed at every size meets the criterion over the whole protocol.
/// Stability criterion (StabilityCriterion) of a run: the mean readout rate of every segment
/// (background windows, learning, breaks) in [min_rate, max_rate]; the rates and the weights
/// settle: between the last two background windows the mean rate changes by less than `settle`
/// (relative) and the weights by less than `settle` (‖ΔW‖_F / ‖W‖_F); at the end of the
/// background and of the protocol at most `max_blow` of the weights sit at 0 or w_max; never diverged.
/// Memory of a rule at a size: the one-sample t-test of Δr over seeds against 0 (a paired test
/// of r_nov against r_fam) has p < alpha at the first test time; its lifetime is the last test
/// time with p < alpha. The controls apply the same test to the frozen runs (plasticity off after
/// the background) and to the static runs (no plasticity at all, `static_control`); the controls
/// run only for the stabilising rules (measure_rules), so a rule that is not stabilising has no
/// control records (its control fields are NaN, its control tests p = 1).
/// Optional filters of the reference (Confavreux et al. 2025, spiking networks): CV_ISI of the
/// readout population at least `min_cv_isi` in the last background window and every break, for
/// networks with `cv_isi()`; the mean weight of each plastic type at most `max_mean_weight[t]` at
/// the end of the background and of the protocol, for networks with `mean_weights()`.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "../core/errors.hpp"
#include "../core/random.hpp"
#include "../execution/threads.hpp"
#include "protocol.hpp"
#include "rate_network.hpp"
#include "statistics.hpp"

namespace metahebb::familiarity {

struct StabilityCriterion {
  double min_rate = 0.1;  ///< population mean rate of every segment, at least
  double max_rate = 20.0; ///< and at most (inputs: background 1, stimulus 3 by default)
  double settle = 0.05;   ///< relative change of rate and weights between the last two background windows
  double max_blow = 0.1;  ///< fraction of weights at 0 or w_max, at most
  double min_cv_isi = 0.0;  ///< CV_ISI at the last background window and every break, at least (0: off)
  std::vector<double> max_mean_weight;  ///< per plastic type, the mean weight at most (empty: off)

  void validate() const {
    require_non_negative("stability.min_rate", min_rate);
    require(std::isfinite(max_rate) && max_rate > min_rate, "stability.max_rate", max_rate, "must be finite and > min_rate");
    require_positive("stability.settle", settle);
    require(max_blow >= 0.0 && max_blow <= 1.0, "stability.max_blow", max_blow, "must be in [0, 1]");
    require(std::isfinite(min_cv_isi) && min_cv_isi >= 0.0, "stability.min_cv_isi", min_cv_isi, "must be finite and >= 0");
    for (std::size_t t = 0; t < max_mean_weight.size(); ++t)
      require(std::isfinite(max_mean_weight[t]) && max_mean_weight[t] > 0.0,
              "stability.max_mean_weight[" + std::to_string(t) + "]", max_mean_weight[t], "must be finite and > 0");
  }
};

/// Fraction of the plastic weights at 0 or w_max (the recurrent network's diagonal excluded).
inline double blown_fraction(const RateNetwork& net) {
  const Eigen::MatrixXd& w = net.weights();
  const double w_max = net.config().w_max;
  const bool recurrent = net.config().kind == RateNetworkKind::recurrent;
  std::size_t blown = 0, total = 0;
  for (Eigen::Index j = 0; j < w.cols(); ++j)
    for (Eigen::Index i = 0; i < w.rows(); ++i) {
      if (recurrent && i == j) continue;
      ++total;
      if (w(i, j) <= 0.0 || w(i, j) >= w_max) ++blown;
    }
  return static_cast<double>(blown) / static_cast<double>(total);
}

/// A protocol watcher (familiarity/protocol.hpp) that applies the stability criterion to any
/// network with `diverged()`, `weights()` (an Eigen vector or matrix) and a `blown_fraction(net)`
/// overload (RateNetwork here, the spiking network in spiking_experiment.hpp); the CV_ISI filter
/// needs `cv_isi()` (over the last run() call) and the weight filter `mean_weights()` (one per
/// plastic type): a criterion that asks for them on a network without them is refused.
class StabilityWatcher {
 public:
  StabilityWatcher(StabilityCriterion criterion, std::size_t background_windows)
      : criterion_(criterion), windows_(background_windows) {}

  template <class Net>
  void operator()(const std::string& phase, const Net& net, const Eigen::VectorXd& rates) {
    const double r = rates.mean();
    if (net.diverged() || !std::isfinite(r)) fail("diverged in the " + phase);
    else if (r < criterion_.min_rate || r > criterion_.max_rate) fail("rate " + metahebb::detail::format_value(r) + " in the " + phase);
    if (phase == "break") check_cv(net, phase);
    if (phase != "background") return;
    ++seen_;
    if (seen_ == windows_) check_cv(net, "last background window");
    if (seen_ + 1 == windows_) {
      previous_w_ = net.weights();  // a matrix (rate networks) or a vector (spiking)
      previous_r_ = r;
    } else if (seen_ == windows_) {
      if (windows_ >= 2) {
        const Eigen::MatrixXd w = net.weights();
        const double dw = (w - previous_w_).norm() / std::max(w.norm(), 1e-300);
        const double dr = std::abs(r - previous_r_) / std::max(r, 1e-300);
        if (!(dw < criterion_.settle)) fail("weights not settled (relative change " + metahebb::detail::format_value(dw) + ")");
        if (!(dr < criterion_.settle)) fail("rate not settled (relative change " + metahebb::detail::format_value(dr) + ")");
      }
      check_blow(net);
    }
  }

  /// Checks the weights at the end of the run (call once, after the protocol).
  template <class Net>
  void finish(const Net& net) { check_blow(net); }

  bool stable() const noexcept { return reason_.empty(); }
  const std::string& reason() const noexcept { return reason_; }

 private:
  void fail(std::string why) {
    if (reason_.empty()) reason_ = std::move(why);
  }
  template <class Net>
  void check_cv(const Net& net, const std::string& where) {
    if (criterion_.min_cv_isi <= 0.0) return;
    if constexpr (requires { net.cv_isi(); }) {
      const double cv = net.cv_isi();
      if (!(cv >= criterion_.min_cv_isi)) fail("CV_ISI " + metahebb::detail::format_value(cv) + " in the " + where);
    } else {
      require(false, "stability.min_cv_isi", criterion_.min_cv_isi, "needs a network with cv_isi() (spiking); set it to 0");
    }
  }
  template <class Net>
  void check_blow(const Net& net) {
    const double blown = blown_fraction(net);
    if (!(blown <= criterion_.max_blow)) fail("blown weights " + metahebb::detail::format_value(blown));
    if (criterion_.max_mean_weight.empty()) return;
    if constexpr (requires { net.mean_weights(); }) {
      const auto means = net.mean_weights();
      require(static_cast<std::size_t>(means.size()) == criterion_.max_mean_weight.size(), "stability.max_mean_weight.size()",
              criterion_.max_mean_weight.size(), "must equal the network's plastic types (" + std::to_string(means.size()) + ")");
      for (std::size_t t = 0; t < criterion_.max_mean_weight.size(); ++t)
        if (!(means[static_cast<Eigen::Index>(t)] <= criterion_.max_mean_weight[t]))
          fail("mean weight of type " + std::to_string(t) + " " + metahebb::detail::format_value(means[static_cast<Eigen::Index>(t)]) +
               " > " + metahebb::detail::format_value(criterion_.max_mean_weight[t]));
    } else {
      require(false, "stability.max_mean_weight.size()", criterion_.max_mean_weight.size(),
              "needs a network with mean_weights() (spiking); leave it empty");
    }
  }

  StabilityCriterion criterion_;
  std::size_t windows_;
  std::size_t seen_ = 0;
  Eigen::MatrixXd previous_w_;
  double previous_r_ = 0;
  std::string reason_;
};

struct ExperimentConfig {
  RateNetworkConfig network;       ///< `neurons` is set from `sizes`
  ProtocolConfig protocol;
  StabilityCriterion stability;
  std::vector<std::size_t> sizes{16, 32, 64};
  std::size_t seeds = 5;           ///< independent networks per rule and size
  double active_fraction = 0.25;   ///< share of the inputs a stimulus drives
  double background_rate = 1.0;
  double stimulus_rate = 3.0;
  double prior_sd = 1.0;           ///< θ_k ~ N(0, prior_sd²)
  double alpha = 0.05;             ///< significance level per test time
  std::uint64_t seed = 1;
  bool static_control = true;      ///< also run the static control (no plasticity at all)

  void validate() const {
    network.validate();
    protocol.validate();
    stability.validate();
    require(!sizes.empty(), "sizes.size()", sizes.size(), "must be >= 1");
    for (std::size_t n : sizes) {
      RateNetworkConfig c = network;
      c.neurons = n;
      c.validate();
      require(static_cast<double>(n) * active_fraction >= 1.0, "sizes", n, "is too small for active_fraction (no active input)");
    }
    require_count("seeds", static_cast<long long>(seeds), 2, 100000);
    require(active_fraction > 0.0 && active_fraction <= 0.5, "active_fraction", active_fraction, "must be in (0, 0.5]");
    require_positive("prior_sd", prior_sd);
    require(alpha > 0.0 && alpha < 1.0, "alpha", alpha, "must be in (0, 1)");
  }

  RateNetworkConfig network_of_size(std::size_t n) const {
    RateNetworkConfig c = network;
    c.neurons = n;
    return c;
  }

  // The experiment's policy (run_experiment over any network kind; spiking_experiment.hpp has the
  // other): the index-th rule, the stimuli and the network of (size, dataset, candidate).
  Eigen::VectorXd rule(std::uint64_t index) const;
  Stimuli stimuli(std::size_t n, std::uint64_t dataset, std::uint64_t candidate) const;
  RateNetwork make_network(std::size_t n, const Eigen::VectorXd& theta, std::uint64_t dataset, std::uint64_t candidate) const {
    return RateNetwork(network_of_size(n), theta, seed, dataset, candidate);
  }
};

/// The `index`-th rule of the prior.
inline Eigen::VectorXd sample_rule(const ExperimentConfig& config, std::uint64_t index) {
  RandomStream stream(config.seed, Purpose::optimiser, 0, index);
  Eigen::VectorXd theta(static_cast<Eigen::Index>(RateNetwork::num_parameters(config.network)));
  stream.fill_normal(theta);
  return theta * config.prior_sd;
}

/// The stimuli of network `dataset` of rule `candidate` at size n (stream (seed, user + 2,
/// generation = n, candidate, dataset)).
inline Stimuli stimuli_of(const ExperimentConfig& config, std::size_t n, std::uint64_t dataset, std::uint64_t candidate) {
  RandomStream stream(
      StreamKey{config.seed, n, candidate, dataset, static_cast<Purpose>(static_cast<std::uint64_t>(Purpose::user) + 2)});
  const auto active = static_cast<std::size_t>(std::lround(config.active_fraction * static_cast<double>(n)));
  return make_stimuli(n, std::max<std::size_t>(1, active), config.background_rate, config.stimulus_rate, stream);
}

inline Eigen::VectorXd ExperimentConfig::rule(std::uint64_t index) const { return sample_rule(*this, index); }
inline Stimuli ExperimentConfig::stimuli(std::size_t n, std::uint64_t dataset, std::uint64_t candidate) const {
  return stimuli_of(*this, n, dataset, candidate);
}

/// Screening: whether the background phase of network 0 of `candidate` at the smallest size meets
/// the criterion. `Config` is ExperimentConfig (rate networks) or SpikingExperimentConfig.
template <class Config>
bool screen(const Config& config, const Eigen::VectorXd& theta, std::uint64_t candidate = 0) {
  auto net = config.make_network(config.sizes.front(), theta, 0, candidate);
  const Stimuli stimuli = config.stimuli(config.sizes.front(), 0, candidate);
  StabilityWatcher watch(config.stability, config.protocol.background_windows);
  net.set_input(stimuli.background);
  const std::size_t steps = ProtocolConfig::steps(config.protocol.background, net.dt(), "familiarity.background");
  for (std::size_t w = 0; w < config.protocol.background_windows && watch.stable(); ++w) {
    const std::size_t begin = steps * w / config.protocol.background_windows;
    const std::size_t end = steps * (w + 1) / config.protocol.background_windows;
    watch("background", net, net.run(end - begin));
  }
  return watch.stable();
}

/// One network (`dataset` of rule `candidate`) at size n under rule θ: the protocol with plasticity
/// and the frozen control (the same network, stimuli and noise).
struct SeedRun {
  bool stable = false;
  std::string reason;  ///< why not stable
  Record plastic, control;  ///< control: empty when the controls were not run (rule not stabilising)
  Record static_control;  ///< empty unless config.static_control (and the controls were run)
  Eigen::VectorXd final_mean_weights;  ///< per plastic type at the end of the plastic run (networks with mean_weights())
};

/// The plastic protocol of one network, with its stability verdict; no controls.
template <class Config>
SeedRun run_plastic(const Config& config, std::size_t n, const Eigen::VectorXd& theta, std::uint64_t dataset,
                    std::uint64_t candidate = 0) {
  const Stimuli stimuli = config.stimuli(n, dataset, candidate);
  SeedRun out;
  auto net = config.make_network(n, theta, dataset, candidate);
  StabilityWatcher watch(config.stability, config.protocol.background_windows);
  out.plastic = run_protocol(net, config.protocol, stimuli, watch);
  watch.finish(net);
  if constexpr (requires { net.mean_weights(); }) out.final_mean_weights = net.mean_weights();
  out.stable = watch.stable();
  out.reason = watch.reason();
  return out;
}

/// The controls of the same network: frozen after the background, and (config.static_control)
/// static from the start. Each builds the network afresh, so the records do not depend on
/// whether or when the plastic run happened.
template <class Config>
void run_controls(const Config& config, std::size_t n, const Eigen::VectorXd& theta, std::uint64_t dataset,
                  std::uint64_t candidate, SeedRun& out) {
  const Stimuli stimuli = config.stimuli(n, dataset, candidate);
  ProtocolConfig frozen = config.protocol;
  frozen.frozen_after_background = true;
  {
    auto net = config.make_network(n, theta, dataset, candidate);
    out.control = run_protocol(net, frozen, stimuli);
  }
  if (config.static_control) {
    ProtocolConfig fixed = config.protocol;
    fixed.static_network = true;
    auto net = config.make_network(n, theta, dataset, candidate);
    out.static_control = run_protocol(net, fixed, stimuli);
  }
}

/// The plastic protocol and both controls of one network.
template <class Config>
SeedRun run_seed(const Config& config, std::size_t n, const Eigen::VectorXd& theta, std::uint64_t dataset,
                 std::uint64_t candidate = 0) {
  SeedRun out = run_plastic(config, n, theta, dataset, candidate);
  run_controls(config, n, theta, dataset, candidate, out);
  return out;
}

/// The readout of one rule at one size, over its seeds.
struct RuleSummary {
  bool stable = false;
  std::vector<double> delta_rate, delta_spread;  ///< mean over seeds, per test time
  std::vector<double> p_rate, p_spread;          ///< one-sample t-test over seeds, per test time
  std::vector<double> control_delta_rate, control_p_rate, control_delta_spread;
  /// The paired test of the plastic Δr against the frozen Δr of the same network (Δr − Δr_frozen
  /// over seeds against 0): the learning effect without the difference the two stimuli make by
  /// themselves.
  std::vector<double> p_vs_control;
  bool memory = false, control_memory = false;   ///< p_rate (control_p_rate) < alpha at the first test time
  bool memory_vs_control = false;                ///< p_vs_control < alpha at the first test time
  /// The static control (no plasticity at all; config.static_control): mean Δr per test time,
  /// its test, and whether p < alpha at the first test time (NaN, 1 and false without it).
  std::vector<double> static_delta_rate, static_p_rate;
  bool static_memory = false;
  Eigen::VectorXd max_final_mean_weight;  ///< per plastic type, the largest over seeds (empty without mean_weights())
  std::optional<double> lifetime;                ///< last test time with p_rate < alpha
};

template <class Config>
RuleSummary summarise(const Config& config, const std::vector<SeedRun>& runs) {
  RuleSummary s;
  s.stable = std::all_of(runs.begin(), runs.end(), [](const SeedRun& r) { return r.stable; });
  const std::size_t tests = config.protocol.test_times.size();
  std::vector<double> dr(runs.size()), ds(runs.size()), dc(runs.size()), dcs(runs.size()), diff(runs.size());
  auto mean = [](const std::vector<double>& v) {
    double m = 0;
    for (double x : v) m += x;
    return m / static_cast<double>(v.size());
  };
  for (std::size_t k = 0; k < tests; ++k) {
    for (std::size_t i = 0; i < runs.size(); ++i) {
      dr[i] = runs[i].plastic.delta_rate(k);
      ds[i] = runs[i].plastic.delta_spread(k);
      const bool ran = runs[i].control.novel.size() > k;  // no controls for a rule that is not stabilising
      dc[i] = ran ? runs[i].control.delta_rate(k) : std::nan("");
      dcs[i] = ran ? runs[i].control.delta_spread(k) : std::nan("");
      diff[i] = dr[i] - dc[i];
    }
    const bool finite = std::all_of(dr.begin(), dr.end(), [](double v) { return std::isfinite(v); }) &&
                        std::all_of(ds.begin(), ds.end(), [](double v) { return std::isfinite(v); });
    s.delta_rate.push_back(mean(dr));
    s.delta_spread.push_back(mean(ds));
    s.p_rate.push_back(finite ? one_sample_t_test(dr).p : 1.0);
    s.p_spread.push_back(finite ? one_sample_t_test(ds).p : 1.0);
    const bool control_finite = std::all_of(dc.begin(), dc.end(), [](double v) { return std::isfinite(v); });
    s.control_delta_rate.push_back(mean(dc));
    s.control_p_rate.push_back(control_finite ? one_sample_t_test(dc).p : 1.0);
    s.control_delta_spread.push_back(mean(dcs));
    s.p_vs_control.push_back(finite && control_finite ? one_sample_t_test(diff).p : 1.0);
    bool static_finite = true;  // false without the static control's records
    for (std::size_t i = 0; i < runs.size(); ++i) {
      dc[i] = runs[i].static_control.novel.size() > k ? runs[i].static_control.delta_rate(k) : std::nan("");
      static_finite = static_finite && std::isfinite(dc[i]);
    }
    s.static_delta_rate.push_back(mean(dc));
    s.static_p_rate.push_back(static_finite ? one_sample_t_test(dc).p : 1.0);
  }
  s.static_memory = s.static_p_rate.front() < config.alpha;
  for (const SeedRun& run : runs)
    s.max_final_mean_weight = s.max_final_mean_weight.size() == 0 ? run.final_mean_weights
                                                                  : s.max_final_mean_weight.cwiseMax(run.final_mean_weights).eval();
  s.memory = s.p_rate.front() < config.alpha;
  s.control_memory = s.control_p_rate.front() < config.alpha;
  s.memory_vs_control = s.p_vs_control.front() < config.alpha;
  s.lifetime = last_significant_time(config.protocol.test_times, s.p_rate, config.alpha);
  return s;
}

struct SizeSummary {
  std::size_t neurons = 0;
  std::size_t rules = 0;                       ///< stabilising rules measured
  std::size_t with_memory = 0, control_with_memory = 0;
  std::size_t with_memory_vs_control = 0;      ///< rules whose Δr differs from the frozen Δr (paired)
  std::size_t novelty_positive = 0;            ///< rules with memory and Δr > 0 at the first test
  double mean_abs_delta_rate = 0;              ///< mean over rules of |Δr| at the first test time
  double mean_abs_delta_spread = 0;
  double control_mean_abs_delta_rate = 0;     ///< over the rules whose frozen runs stayed finite
  double control_mean_abs_delta_spread = 0;
  std::size_t control_nonfinite = 0;          ///< rules with a frozen run that diverged (spiking: freezing can destabilise)
  std::size_t static_with_memory = 0;         ///< rules whose static control has p < alpha at the first test
  double static_mean_abs_delta_rate = 0;      ///< over the rules whose static runs stayed finite
  std::size_t static_nonfinite = 0;           ///< rules with a static run that diverged (or no static control)
  std::vector<std::size_t> significant_at;     ///< per test time, rules with p_rate < alpha
};

struct ExperimentResult {
  std::size_t sampled = 0, screened = 0;       ///< rules drawn, rules passing the screen
  std::size_t stabilising = 0;                 ///< screened rules stable on every seed and size
  std::vector<Eigen::VectorXd> rules;          ///< the screened rules, in order
  std::vector<std::uint64_t> indices;          ///< their candidate numbers: the prior's index (sample_rule), or r · 2³² + i (sequential.hpp)
  std::vector<std::vector<RuleSummary>> summaries;  ///< [rule][size]
  std::vector<std::string> unstable_reasons;   ///< one per screened rule ("" when stabilising)
  std::vector<SizeSummary> sizes;
};

/// Measures the screened rules result.rules[first …) (with their indices): the plastic protocol on
/// every seed at every size, then the controls of the rules that were stable on all of them (the
/// controls of a rule that is not stabilising enter no result, and skipping them halves the cost
/// of a round whose screened rules mostly fail later); appends their summaries and reasons.
/// Both passes are deterministic per item, so the records do not depend on the thread count.
template <class Config>
void measure_rules(const Config& config, ExperimentResult& result, std::size_t first, const ThreadExecutor& executor) {
  const std::size_t r_count = result.rules.size() - first, s_count = config.sizes.size(), seeds = config.seeds;
  const std::size_t per_rule = s_count * seeds;
  std::vector<SeedRun> runs(r_count * per_rule);
  auto item_of = [&](std::size_t item) {
    return std::tuple{first + item / per_rule, config.sizes[(item / seeds) % s_count], static_cast<std::uint64_t>(item % seeds)};
  };
  executor.for_each(runs.size(), [&](std::size_t item) {
    const auto [r, n, d] = item_of(item);
    runs[item] = run_plastic(config, n, result.rules[r], d, result.indices[r]);
  });
  std::vector<std::size_t> controlled;
  for (std::size_t r = 0; r < r_count; ++r) {
    const auto begin = runs.begin() + static_cast<std::ptrdiff_t>(r * per_rule);
    if (std::all_of(begin, begin + static_cast<std::ptrdiff_t>(per_rule), [](const SeedRun& run) { return run.stable; }))
      for (std::size_t k = 0; k < per_rule; ++k) controlled.push_back(r * per_rule + k);
  }
  executor.for_each(controlled.size(), [&](std::size_t j) {
    const auto [r, n, d] = item_of(controlled[j]);
    run_controls(config, n, result.rules[r], d, result.indices[r], runs[controlled[j]]);
  });
  for (std::size_t r = 0; r < r_count; ++r) {
    result.summaries.emplace_back();
    result.unstable_reasons.emplace_back();
    for (std::size_t z = 0; z < s_count; ++z) {
      const std::vector<SeedRun> slice(runs.begin() + static_cast<std::ptrdiff_t>((r * s_count + z) * seeds),
                                       runs.begin() + static_cast<std::ptrdiff_t>((r * s_count + z + 1) * seeds));
      result.summaries.back().push_back(summarise(config, slice));
      for (const SeedRun& run : slice)
        if (!run.stable && result.unstable_reasons.back().empty())
          result.unstable_reasons.back() = "N=" + std::to_string(config.sizes[z]) + ": " + run.reason;
    }
  }
  result.screened = result.rules.size();
}

/// Whether measured rule r was stable on every seed at every size.
inline bool stabilising(const ExperimentResult& result, std::size_t r) {
  return std::all_of(result.summaries[r].begin(), result.summaries[r].end(), [](const RuleSummary& s) { return s.stable; });
}

/// The per-size summaries over the stabilising rules among the measured ones (result.sizes,
/// result.stabilising).
template <class Config>
void summarise_sizes(const Config& config, ExperimentResult& result) {
  const std::size_t r_count = result.summaries.size(), s_count = config.sizes.size();
  result.sizes.clear();
  result.stabilising = 0;
  for (std::size_t r = 0; r < r_count; ++r) result.stabilising += stabilising(result, r);
  for (std::size_t z = 0; z < s_count; ++z) {
    SizeSummary s;
    s.neurons = config.sizes[z];
    s.significant_at.assign(config.protocol.test_times.size(), 0);
    for (std::size_t r = 0; r < r_count; ++r) {
      if (!stabilising(result, r)) continue;
      const RuleSummary& rs = result.summaries[r][z];
      ++s.rules;
      s.with_memory += rs.memory;
      s.control_with_memory += rs.control_memory;
      s.with_memory_vs_control += rs.memory_vs_control;
      s.static_with_memory += rs.static_memory;
      s.novelty_positive += rs.memory && rs.delta_rate.front() > 0;
      s.mean_abs_delta_rate += std::abs(rs.delta_rate.front());
      s.mean_abs_delta_spread += std::abs(rs.delta_spread.front());
      if (std::isfinite(rs.control_delta_rate.front()) && std::isfinite(rs.control_delta_spread.front())) {
        s.control_mean_abs_delta_rate += std::abs(rs.control_delta_rate.front());
        s.control_mean_abs_delta_spread += std::abs(rs.control_delta_spread.front());
      } else {
        ++s.control_nonfinite;
      }
      if (std::isfinite(rs.static_delta_rate.front())) s.static_mean_abs_delta_rate += std::abs(rs.static_delta_rate.front());
      else ++s.static_nonfinite;
      for (std::size_t k = 0; k < rs.p_rate.size(); ++k) s.significant_at[k] += rs.p_rate[k] < config.alpha;
    }
    if (s.rules > 0) {
      s.mean_abs_delta_rate /= static_cast<double>(s.rules);
      s.mean_abs_delta_spread /= static_cast<double>(s.rules);
      const double finite = static_cast<double>(s.rules - s.control_nonfinite);
      s.control_mean_abs_delta_rate = finite > 0 ? s.control_mean_abs_delta_rate / finite : std::nan("");
      s.control_mean_abs_delta_spread = finite > 0 ? s.control_mean_abs_delta_spread / finite : std::nan("");
      const double static_finite = static_cast<double>(s.rules - s.static_nonfinite);
      s.static_mean_abs_delta_rate = static_finite > 0 ? s.static_mean_abs_delta_rate / static_finite : std::nan("");
    }
    result.sizes.push_back(s);
  }
}

/// Draws rules until `rules` pass the screen (or `max_samples` were drawn), then measures them.
template <class Config>
ExperimentResult run_experiment(const Config& config, std::size_t rules, std::size_t max_samples,
                                const ThreadExecutor& executor) {
  config.validate();
  require_count("rules", static_cast<long long>(rules), 1, 1000000);
  require(max_samples >= rules, "max_samples", max_samples, "must be >= rules");
  ExperimentResult result;
  const std::size_t batch = std::max<std::size_t>(8, 4 * executor.concurrency());
  while (result.rules.size() < rules && result.sampled < max_samples) {
    const std::size_t n = std::min(batch, max_samples - result.sampled);
    std::vector<char> pass(n, 0);
    executor.for_each(n, [&](std::size_t i) {
      pass[i] = screen(config, config.rule(result.sampled + i), result.sampled + i);
    });
    for (std::size_t i = 0; i < n && result.rules.size() < rules; ++i) {
      if (pass[i]) {
        result.rules.push_back(config.rule(result.sampled + i));
        result.indices.push_back(result.sampled + i);
      }
      if (result.rules.size() == rules) result.sampled += i + 1;
    }
    if (result.rules.size() < rules) result.sampled += n;
  }
  measure_rules(config, result, 0, executor);
  summarise_sizes(config, result);
  return result;
}

}  // namespace metahebb::familiarity
