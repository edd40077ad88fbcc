#pragma once
/// §3.2 task: the rate network (tasks/rate_network.hpp) with M outputs and a plastic
/// lateral group, under the names the paper's experiment uses.

#include "rate_network.hpp"

namespace metahebb {

using HierarchicalPcaConfig = RateNetworkConfig;
template <class Scalar>
using BasicHierarchicalPcaTask = BasicRateNetworkTask<Scalar>;
using HierarchicalPcaTask = RateNetworkTask;
using HierarchicalPcaTaskDouble = RateNetworkTaskDouble;

}  // namespace metahebb
