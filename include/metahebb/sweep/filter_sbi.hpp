#pragma once
/// The filter-SBI setting of the recurrent-network rule sweeps (issue 13; Confavreux, Harrington
/// et al., NeurIPS 2023, polynomial "6pPol" rules on all four synapse types):
///
///   prior   τ_pre, τ_post ~ U[0.01, 0.1] s; α, β, γ, κ ~ U[−2, 2] (dimensionless, η = 0.01
///           outside θ), for each of EE, EI, IE, II — 24 coordinates, named as the task's θ
///           (the paper's 25th, the input rate U[5, 15] Hz, is fixed here at the task's 10 Hz);
///   constraints  the paper's filters on the scoring window: rates of E and I in [1, 50] Hz,
///           CV_ISI ≥ 0.7, spatial and temporal Fano factors in [0.5, 2.5], w_blow ≤ 0.1,
///           w_creep ≤ 0.05 (observations/network_metrics.hpp defines the metrics).
/// Used by examples/rule_family and benchmarks/rule_sweep.cpp.

#include <string>
#include <vector>

#include "prior.hpp"

namespace metahebb::sweep {

/// The filter-SBI box over a recurrent task's θ: coordinates whose name contains "tau" are
/// U[0.01, 0.1] s, the others U[−2, 2].
template <class TaskT>
Prior filter_sbi_prior(const TaskT& task) {
  std::vector<Coordinate> coordinates;
  for (const auto& name : task.parameter_names())
    coordinates.push_back(name.find("tau") != std::string::npos ? Coordinate::uniform(name, 0.01, 0.1)
                                                                : Coordinate::uniform(name, -2, 2));
  return Prior(std::move(coordinates));
}

/// The paper's constraints, in the text format of sweep/constraints.hpp.
inline constexpr const char* filter_sbi_constraints =
    "rate_e_hz in [1, 50]\nrate_i_hz in [1, 50]\ncv_isi >= 0.7\nspatial_fano in [0.5, 2.5]\n"
    "temporal_fano in [0.5, 2.5]\nw_blow <= 0.1\nw_creep <= 0.05\n";

}  // namespace metahebb::sweep
