// Compile-fail case: an executor without map(n, f) (results returned by value) is rejected by
// name; a for_each that writes into shared memory is not enough (core/concepts/executor.hpp).
#include <cstddef>
#include <vector>

#include <metahebb/core/concepts/executor.hpp>

struct Executor {
#ifdef METAHEBB_SHOULD_COMPILE
  template <class F>
  auto map(std::size_t n, F&& f) const {
    std::vector<decltype(f(std::size_t{}))> results;
    for (std::size_t i = 0; i < n; ++i) results.push_back(f(i));
    return results;
  }
#endif
  template <class F>
  void for_each(std::size_t n, F&& f) const {
    for (std::size_t i = 0; i < n; ++i) f(i);
  }
  std::size_t concurrency() const { return 1; }
};

static_assert(metahebb::check_executor<Executor>());
