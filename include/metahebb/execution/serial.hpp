#pragma once
/// Runs the work items of a generation one after the other, on the calling thread.

#include <cstddef>

#include "../core/concepts/executor.hpp"

namespace metahebb {

struct SerialExecutor {
  template <class F>
  void for_each(std::size_t n, F&& f) const {
    for (std::size_t i = 0; i < n; ++i) f(i);
  }
  std::size_t concurrency() const noexcept { return 1; }
};

static_assert(check_executor<SerialExecutor>());

}  // namespace metahebb
