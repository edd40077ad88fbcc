#pragma once
/// Runs the work items of a generation one after the other, on the calling thread.

#include <cstddef>
#include <type_traits>
#include <vector>

#include "../core/concepts/executor.hpp"

namespace metahebb {

struct SerialExecutor {
  /// Returns f(0), ..., f(n − 1) (core/concepts/executor.hpp).
  template <class F>
  auto map(std::size_t n, F&& f) const {
    std::vector<std::invoke_result_t<F&, std::size_t>> results;
    results.reserve(n);
    for (std::size_t i = 0; i < n; ++i) results.push_back(f(i));
    return results;
  }
  /// Calls f(i) for every i in [0, n), in order (shared memory only: not part of the
  /// Executor concept, since a process-spanning executor cannot offer it).
  template <class F>
  void for_each(std::size_t n, F&& f) const {
    for (std::size_t i = 0; i < n; ++i) f(i);
  }
  std::size_t concurrency() const noexcept { return 1; }
};

static_assert(check_executor<SerialExecutor>());

}  // namespace metahebb
