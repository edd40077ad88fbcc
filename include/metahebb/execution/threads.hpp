#pragma once
/// Spreads the work items of a generation over threads.
///
/// Items are handed out by an atomic counter; `map` stores each item's result in that
/// item's own slot, so the results are bitwise the same for any number of threads. The
/// first exception thrown by an item is rethrown on the calling thread after all workers
/// stopped.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include "../core/concepts/executor.hpp"
#include "../core/errors.hpp"

namespace metahebb {

class ThreadExecutor {
 public:
  /// `threads` = 0 uses every hardware thread.
  explicit ThreadExecutor(std::size_t threads = 0) {
    require(threads <= 4096, "threads", threads, "must be <= 4096 (0 means all cores)");
    threads_ = threads == 0 ? std::max(1u, std::thread::hardware_concurrency()) : threads;
  }

  std::size_t concurrency() const noexcept { return threads_; }

  /// Returns f(0), ..., f(n − 1) (core/concepts/executor.hpp), computed on the threads.
  template <class F>
  auto map(std::size_t n, F&& f) const {
    std::vector<std::invoke_result_t<F&, std::size_t>> results(n);
    for_each(n, [&](std::size_t i) { results[i] = f(i); });
    return results;
  }

  /// Calls f(i) for every i in [0, n) on the threads; f must write only i's own slot
  /// (shared memory only: not part of the Executor concept).
  template <class F>
  void for_each(std::size_t n, F&& f) const {
    const std::size_t workers = std::min(threads_, n);
    if (workers <= 1) {
      for (std::size_t i = 0; i < n; ++i) f(i);
      return;
    }
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto work = [&] {
      for (std::size_t i; (i = next.fetch_add(1)) < n;) {
        try {
          f(i);
        } catch (...) {
          std::lock_guard lock(failure_mutex);
          if (!failure) failure = std::current_exception();
          next = n;  // stop handing out work
        }
      }
    };
    std::vector<std::jthread> pool;
    pool.reserve(workers - 1);
    for (std::size_t t = 1; t < workers; ++t) pool.emplace_back(work);
    work();
    pool.clear();  // joins
    if (failure) std::rethrow_exception(failure);
  }

 private:
  std::size_t threads_ = 1;
};

static_assert(check_executor<ThreadExecutor>());

}  // namespace metahebb
