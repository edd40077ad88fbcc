#pragma once
/// Loss policy: a scalar from what a task observed for one candidate on one dataset.
///
/// `loss(observation, theta)` gets the candidate's θ too, so that regularisers
/// (L1 on θ) are losses like any other. The meta-learner averages over datasets.

#include <Eigen/Core>
#include <concepts>

namespace metahebb {

template <class L, class Observation>
concept LossFor = requires(const L& l, const Observation& o, const Eigen::VectorXd& theta) {
  { l(o, theta) } -> std::convertible_to<double>;
};

template <class L, class Observation>
constexpr bool check_loss() {
  static_assert(requires(const L& l, const Observation& o, const Eigen::VectorXd& theta) {
    { l(o, theta) } -> std::convertible_to<double>;
  }, "metahebb: the loss needs operator()(const observation&, const Eigen::VectorXd& theta) returning a double "
     "for the task's observation type");
  return LossFor<L, Observation>;
}

}  // namespace metahebb
