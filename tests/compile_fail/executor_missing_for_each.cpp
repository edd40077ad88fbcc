// Compile-fail case: an executor without for_each(n, f) is rejected by name.
#include <cstddef>

#include <metahebb/core/concepts/executor.hpp>

struct Executor {
#ifdef METAHEBB_SHOULD_COMPILE
  template <class F>
  void for_each(std::size_t n, F&& f) const {
    for (std::size_t i = 0; i < n; ++i) f(i);
  }
#endif
  std::size_t concurrency() const { return 1; }
};

static_assert(metahebb::check_executor<Executor>());
