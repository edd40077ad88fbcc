#pragma once
/// How the shipped tasks' observations become the named metrics a sweep stores (issue 13):
/// specialisations of sweep::TaskMetrics (core/concepts/sweep_task.hpp).
///
/// §3.3 single neuron (tasks/inhibitory_balance.hpp), one input realisation per seed:
///   rate_hz    r̄, the postsynaptic rate in the scoring window (Hz; NaN if exploded)
///   exploded   1 if the explosion check stopped the rule (or θ is not simulable), else 0
///   nu_pre_hz  ν_pre, the measured mean rate of the inhibitory afferents: their spikes from
///              step 0 to the end of the scoring window / (N_inh · that duration) (Hz) —
///              the ν_pre of Eq. 17 (docs/rule-families.md)
///   w_inh_mean the mean plastic inhibitory weight when the rule stopped (units of ḡ_I)
/// Rules sharing a seed run together in the SIMD lanes (rules_per_call = Lanes); a lane gives
/// the scalar path's numbers bit for bit (tests/tasks/inhibitory_balance_test.cpp), so a rule's
/// metrics do not depend on its lane neighbours.
///
/// Recurrent network (tasks/recurrent_network.hpp), one network (connectivity, initial weights,
/// input) per seed: every NetworkMetrics field in its order (observations/network_metrics.hpp;
/// NaN when the rate checker stopped the run), w_final_EE … w_final_II (the mean final weights,
/// measured also for exploded runs), exploded (0/1), stopped_at_s (the time the rate
/// checker stopped it, or the protocol's length) and w_creep_fsbi, the reference's definition
/// of w_creep (fSBI `analyse.py`, `ComputeMetrics.w_creep`) over the plastic types, with
/// s = w̄ as scoring begins and e = w̄ at its end:
///   w_creep_fsbi = max over types with s + e > 0.1 of |2 (e − s) / (e + s)|   (0 if none; NaN if stopped)
/// (NetworkMetrics::w_creep floors s at 0.05 instead of skipping small types: the two differ
/// for types whose mean weight is near 0, docs/network-metrics.md).

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../core/concepts/sweep_task.hpp"
#include "../tasks/inhibitory_balance.hpp"
#include "../tasks/recurrent_network.hpp"

namespace metahebb::sweep {

template <template <class> class Neuron, class Rule, class Scalar, std::size_t Lanes>
struct TaskMetrics<InhibitoryBalance<Neuron, Rule, Scalar, Lanes>> {
  using task_type = InhibitoryBalance<Neuron, Rule, Scalar, Lanes>;

  static std::vector<std::string> names(const task_type&) { return {"rate_hz", "exploded", "nu_pre_hz", "w_inh_mean"}; }
  static std::size_t rules_per_call(const task_type&) { return Lanes; }

  static void simulate(const task_type& task, const Eigen::MatrixXd& thetas, std::uint64_t seed, double* out) {
    const InhibitoryBalanceDataset d = task.dataset({.seed = seed, .generation = 0, .dataset = 0});
    const auto observed = task.simulate(thetas, d);
    const auto& c = task.config();
    const double spikes = static_cast<double>(d.spikes.inh_offset[d.window_end] - d.spikes.inh_offset[0]);
    const double nu_pre =
        spikes / (static_cast<double>(c.input.num_inh()) * static_cast<double>(d.window_end) * c.neuron.dt);
    for (std::size_t k = 0; k < observed.size(); ++k) {
      const auto& o = observed[k];
      double w = 0.0;
      for (const float v : o.w_inh_final) w += static_cast<double>(v);
      double* row = out + 4 * k;
      row[0] = o.exploded ? NetworkMetrics::nan : o.rate_hz;
      row[1] = o.exploded ? 1.0 : 0.0;
      row[2] = nu_pre;
      row[3] = o.w_inh_final.empty() ? NetworkMetrics::nan : w / static_cast<double>(o.w_inh_final.size());
    }
  }
};

template <template <class> class Neuron, class Scalar, class Family>
struct TaskMetrics<RecurrentNetwork<Neuron, Scalar, Family>> {
  using task_type = RecurrentNetwork<Neuron, Scalar, Family>;

  static std::vector<std::string> names(const task_type&) {
    std::vector<std::string> n = NetworkMetrics{}.names();  // the 15 spike and weight metrics
    for (const char* type : recurrent_synapse_types) n.push_back(std::string("w_final_") + type);
    n.push_back("exploded");
    n.push_back("stopped_at_s");
    n.push_back("w_creep_fsbi");
    return n;
  }
  static std::size_t rules_per_call(const task_type&) { return 1; }

  static void simulate(const task_type& task, const Eigen::MatrixXd& thetas, std::uint64_t seed, double* out) {
    const std::size_t width = NetworkMetrics{}.names().size() + 4 + 3;
    const auto observed = task.simulate(thetas, EvaluationContext{.seed = seed, .generation = 0, .dataset = 0});
    for (std::size_t k = 0; k < observed.size(); ++k) {
      const auto& o = observed[k];
      double* row = out + width * k;
      NetworkMetrics base = o.metrics;
      base.w_final.clear();
      const std::vector<double> values = base.values();
      std::size_t j = 0;
      for (const double v : values) row[j++] = v;
      for (std::size_t t = 0; t < 4; ++t) {
        double w = o.mean_weight_end[t];
        for (const auto& [name, value] : o.metrics.w_final)
          if (name == std::string("w_final_") + recurrent_synapse_types[t]) w = value;
        row[j++] = w;
      }
      row[j++] = o.exploded ? 1.0 : 0.0;
      const std::size_t steps = o.exploded ? o.stopped_at_step : o.steps;
      row[j++] = static_cast<double>(steps) * task.config().neuron.dt;
      double creep = o.exploded ? NetworkMetrics::nan : 0.0;
      for (std::size_t t = 0; t < 4 && !o.exploded; ++t) {
        const double start = o.mean_weight_scoring[t], end = o.mean_weight_end[t];
        if (Family::plastic[t] && start + end > 0.1) creep = std::max(creep, std::abs(2.0 * (end - start) / (end + start)));
      }
      row[j++] = creep;
    }
  }
};

}  // namespace metahebb::sweep
