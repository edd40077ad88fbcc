#pragma once
/// Task policy: network + input + protocol, i.e. what the inner loop simulates.
///
/// `simulate(thetas, context)` runs every candidate (one θ per column of `thetas`)
/// on the dataset named by `context` and returns one observation per candidate.
/// All candidates see the same dataset (common random numbers). An observation
/// says whether its candidate diverged; losses turn that into a finite penalty.

#include <Eigen/Core>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "observation.hpp"

namespace metahebb {

/// Which dataset of which generation is being simulated, and the run's seed.
struct EvaluationContext {
  std::uint64_t seed = 0;
  std::size_t generation = 0;
  std::size_t dataset = 0;
};

template <class T>
concept Task = requires(const T& t, const Eigen::MatrixXd& thetas, const EvaluationContext& ctx) {
  typename T::observation;
  requires Observation<typename T::observation>;
  { t.num_parameters() } -> std::convertible_to<std::size_t>;
  { t.num_datasets() } -> std::convertible_to<std::size_t>;
  { t.parameter_names() } -> std::convertible_to<std::vector<std::string>>;
  { t.simulate(thetas, ctx) } -> std::same_as<std::vector<typename T::observation>>;
};

template <class T>
constexpr bool check_task() {
  static_assert(requires { typename T::observation; },
                "metahebb: the task needs a nested observation type (what simulate() returns per candidate)");
  if constexpr (requires { typename T::observation; }) {
    static_assert(Observation<typename T::observation>,
                  "metahebb: the task's observation needs diverged() returning bool");
    static_assert(requires(const T& t, const Eigen::MatrixXd& thetas, const EvaluationContext& ctx) {
      { t.simulate(thetas, ctx) } -> std::same_as<std::vector<typename T::observation>>;
    }, "metahebb: the task needs simulate(const Eigen::MatrixXd& thetas, const EvaluationContext&) "
       "returning std::vector<observation>");
  }
  static_assert(requires(const T& t) { { t.num_parameters() } -> std::convertible_to<std::size_t>; },
                "metahebb: the task needs num_parameters() (the length of theta)");
  static_assert(requires(const T& t) { { t.num_datasets() } -> std::convertible_to<std::size_t>; },
                "metahebb: the task needs num_datasets()");
  static_assert(requires(const T& t) { { t.parameter_names() } -> std::convertible_to<std::vector<std::string>>; },
                "metahebb: the task needs parameter_names() naming every coefficient of theta");
  return Task<T>;
}

}  // namespace metahebb
