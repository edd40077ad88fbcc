#pragma once
/// Executor policy: where the work items of one generation run.
///
/// `for_each(n, f)` calls f(i) exactly once for every i in [0, n) and returns when
/// all calls are done. Each f(i) writes only its own output slot, which is what makes
/// results independent of the executor and the number of threads.

#include <concepts>
#include <cstddef>

namespace metahebb {

namespace detail {
struct executor_probe {
  void operator()(std::size_t) const {}
};
}  // namespace detail

template <class E>
concept Executor = requires(E& e, std::size_t n, detail::executor_probe f) {
  e.for_each(n, f);
  { e.concurrency() } -> std::convertible_to<std::size_t>;
};

template <class E>
constexpr bool check_executor() {
  static_assert(requires(E& e, std::size_t n, detail::executor_probe f) { e.for_each(n, f); },
                "metahebb: the executor needs a template for_each(std::size_t n, F f) calling f(i) for i in [0, n)");
  static_assert(requires(const E& e) { { e.concurrency() } -> std::convertible_to<std::size_t>; },
                "metahebb: the executor needs concurrency() returning its number of workers");
  return Executor<E>;
}

}  // namespace metahebb
