#pragma once
/// SweepTask: a task whose rules a sweep can simulate one seed at a time and store as named
/// metrics (sweep/, issue 13). A task opts in with a specialisation of
/// `metahebb::sweep::TaskMetrics<Task>` offering
///
///   static std::vector<std::string> names(const Task&);          // the metric columns
///   static std::size_t rules_per_call(const Task&);              // rules one simulate() call should take
///   static void simulate(const Task&, const Eigen::MatrixXd& thetas, std::uint64_t seed, double* out);
///
/// `simulate` runs the rules in the columns of `thetas` on the input realisation named by `seed`
/// and writes rule k's metrics to out[k · names().size() + j]. A rule's metrics must depend on
/// its θ and `seed` alone (not on the other columns), which is what makes a sweep's numbers the
/// same however it is split. sweep/task_metrics.hpp specialises it for the §3.3 task and the
/// recurrent network.

#include <Eigen/Core>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "task.hpp"

namespace metahebb::sweep {
template <class TaskT>
struct TaskMetrics;  ///< specialised per task (sweep/task_metrics.hpp)
}  // namespace metahebb::sweep

namespace metahebb {

template <class T>
concept SweepTask = Task<T> && requires(const T& t, const Eigen::MatrixXd& thetas, std::uint64_t seed, double* out) {
  { sweep::TaskMetrics<T>::names(t) } -> std::convertible_to<std::vector<std::string>>;
  { sweep::TaskMetrics<T>::rules_per_call(t) } -> std::convertible_to<std::size_t>;
  sweep::TaskMetrics<T>::simulate(t, thetas, seed, out);
};

template <class T>
constexpr bool check_sweep_task() {
  static_assert(check_task<T>());
  static_assert(requires(const T& t) {
    { sweep::TaskMetrics<T>::names(t) } -> std::convertible_to<std::vector<std::string>>;
  }, "metahebb: the sweep task needs sweep::TaskMetrics<Task>::names(task) naming its metrics "
     "(specialise sweep::TaskMetrics for the task)");
  static_assert(requires(const T& t) {
    { sweep::TaskMetrics<T>::rules_per_call(t) } -> std::convertible_to<std::size_t>;
  }, "metahebb: the sweep task needs sweep::TaskMetrics<Task>::rules_per_call(task)");
  static_assert(requires(const T& t, const Eigen::MatrixXd& thetas, std::uint64_t seed, double* out) {
    sweep::TaskMetrics<T>::simulate(t, thetas, seed, out);
  }, "metahebb: the sweep task needs sweep::TaskMetrics<Task>::simulate(task, thetas, seed, double* out)");
  return SweepTask<T>;
}

}  // namespace metahebb
