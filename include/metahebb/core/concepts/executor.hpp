#pragma once
/// Executor policy: where the work items of one generation run, and how their results
/// come back.
///
/// `map(n, f)` calls f(i) exactly once for every i in [0, n), where f(i) returns the
/// item's results as a `std::vector<double>`, and returns every item's vector by value, in
/// the order of i. The item owns its output: nothing is written into shared memory, so an
/// executor may run items on other threads (ThreadExecutor), in other processes or on other
/// machines (MpiExecutor, execution/mpi.hpp) and gather what they return. f(i) depends
/// only on i (and on what every process holds), which is what makes results bitwise
/// independent of the executor, the number of threads and the number of processes.
///
/// Optional members, used when present:
///   `writer()`   → bool: whether this process is the one that writes files and prints
///                  (rank 0 under MPI; every single-process executor is the writer);
///   `processes()` → std::size_t: how many processes share the work (1 by default);
///   `any(bool)`  → bool: true when the flag is true on any process (a collective; the
///                  meta-learner asks it whether any process's callbacks asked to stop,
///                  so that every process stops after the same generation).

#include <concepts>
#include <cstddef>
#include <vector>

namespace metahebb {

namespace detail {
struct executor_probe {
  std::vector<double> operator()(std::size_t) const { return {}; }
};
}  // namespace detail

template <class E>
concept Executor = requires(E& e, std::size_t n, detail::executor_probe f) {
  { e.map(n, f) } -> std::same_as<std::vector<std::vector<double>>>;
  { e.concurrency() } -> std::convertible_to<std::size_t>;
};

template <class E>
constexpr bool check_executor() {
  static_assert(requires(E& e, std::size_t n, detail::executor_probe f) {
    { e.map(n, f) } -> std::same_as<std::vector<std::vector<double>>>;
  }, "metahebb: the executor needs a template map(std::size_t n, F f) returning the vectors f(i) for i in [0, n)");
  static_assert(requires(const E& e) { { e.concurrency() } -> std::convertible_to<std::size_t>; },
                "metahebb: the executor needs concurrency() returning its number of workers");
  return Executor<E>;
}

namespace detail {
/// Whether `e` runs on the process that writes files (true unless it says otherwise).
template <class E>
bool executor_writer(const E& e) {
  if constexpr (requires { { e.writer() } -> std::convertible_to<bool>; }) return e.writer();
  else return true;
}
/// How many processes share `e`'s work (1 unless it says otherwise).
template <class E>
std::size_t executor_processes(const E& e) {
  if constexpr (requires { { e.processes() } -> std::convertible_to<std::size_t>; }) return e.processes();
  else return 1;
}
/// `flag` on any process of `e` (just `flag` for a single-process executor).
template <class E>
bool executor_any(const E& e, bool flag) {
  if constexpr (requires { { e.any(flag) } -> std::convertible_to<bool>; }) return e.any(flag);
  else return flag;
}
}  // namespace detail

}  // namespace metahebb
