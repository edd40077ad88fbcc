#pragma once
/// Spreads the work items of a generation over MPI processes (ranks), and within each rank
/// over an inner executor (hybrid ranks × threads):
///
///   metahebb::MpiSession mpi(argc, argv);                        // MPI_Init ... MPI_Finalize
///   MpiExecutor executor(ThreadExecutor(mpi.threads_per_process()));
///   MetaLearner learner(task, loss, optimiser, executor, {.seed = 1});
///   learner.run(callbacks::ProgressLine(), callbacks::CsvRecorder("run.csv"));  // rank 0 writes
///
/// SPMD: every rank runs the same program and the same optimiser. ask() is a pure function
/// of the optimiser's state, so every rank proposes the same θ. Of the n work items of a
/// generation, rank r of R computes the contiguous range [⌊n r / R⌋, ⌊n (r+1) / R⌋) (a
/// static assignment: no scheduler, no message before the results), through its inner
/// executor. The items' result vectors are then gathered onto every rank (MPI_Allgatherv of
/// their lengths, then of the doubles), so every rank tells its optimiser the same losses and
/// stays in the same state. A loss is computed the same way whichever rank computes it, and
/// doubles travel unchanged, so a run is bitwise identical for any number of ranks and
/// threads (tests/execution/mpi_test.cpp), given the same binary on every rank.
///
/// Only rank 0 is the writer (`writer()`, RunInfo::writer): the shipped callbacks that write
/// files or print do nothing on the other ranks. A work item that throws on one rank makes
/// `map` throw on every rank (the failing rank rethrows its own exception, the others a
/// std::runtime_error quoting its message), so no rank is left waiting in a collective.
///
/// Only the calling thread calls MPI (MPI_THREAD_FUNNELED); inner threads only simulate.
/// Compiled only where MPI is found: link metahebb::mpi (CMake option METAHEBB_WITH_MPI),
/// which also defines METAHEBB_HAVE_MPI. docs/running-on-a-cluster.md shows how to run it.

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/concepts/executor.hpp"
#include "../core/errors.hpp"
#include "serial.hpp"

namespace metahebb {

/// MPI for the lifetime of the object: initialises MPI (thread level MPI_THREAD_FUNNELED) if
/// nobody has, and finalises it when destroyed if it was the one that initialised it. One per
/// program, in main, before any MpiExecutor is made.
class MpiSession {
 public:
  MpiSession() : MpiSession(nullptr, nullptr) {}
  MpiSession(int& argc, char**& argv) : MpiSession(&argc, &argv) {}
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  ~MpiSession() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (owner_ && !finalized) MPI_Finalize();
  }

  /// This process's rank in MPI_COMM_WORLD, and how many there are.
  std::size_t rank() const { return world(&MPI_Comm_rank); }
  std::size_t processes() const { return world(&MPI_Comm_size); }
  bool writer() const { return rank() == 0; }

  /// Processes on this machine (MPI_Comm_split_type with MPI_COMM_TYPE_SHARED).
  std::size_t processes_on_this_machine() const {
    MPI_Comm local;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local);
    int size = 1;
    MPI_Comm_size(local, &size);
    MPI_Comm_free(&local);
    return static_cast<std::size_t>(size);
  }

  /// The hardware threads of this machine shared among its processes (at least 1): the
  /// inner ThreadExecutor's size that neither leaves cores idle nor oversubscribes them.
  /// A collective over MPI_COMM_WORLD: call it on every rank.
  std::size_t threads_per_process() const {
    const std::size_t hardware = std::max(1u, std::thread::hardware_concurrency());
    return std::max<std::size_t>(1, hardware / processes_on_this_machine());
  }

 private:
  MpiSession(int* argc, char*** argv) {
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (initialised) return;
    int provided = 0;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    owner_ = true;
    if (provided < MPI_THREAD_FUNNELED)
      throw invalid_configuration("MPI thread level", std::to_string(provided),
                                  "must be at least MPI_THREAD_FUNNELED (" + std::to_string(MPI_THREAD_FUNNELED) +
                                  ") for the MPI executor");
  }
  static std::size_t world(int (*query)(MPI_Comm, int*)) {
    int value = 0;
    query(MPI_COMM_WORLD, &value);
    return static_cast<std::size_t>(value);
  }

  bool owner_ = false;
};

template <class Inner = SerialExecutor>
class MpiExecutor {
  static_assert(check_executor<Inner>());

 public:
  /// Every rank of `comm` must construct it and call map() with the same n, in the same order.
  /// MPI must be initialised (MpiSession). The communicator is used as given, for
  /// collectives only; it must outlive the executor.
  explicit MpiExecutor(Inner inner = {}, MPI_Comm comm = MPI_COMM_WORLD) : inner_(std::move(inner)), comm_(comm) {
    int initialised = 0;
    MPI_Initialized(&initialised);
    require(initialised != 0, "MPI", "not initialised", "must be initialised before an MpiExecutor is made (a metahebb::MpiSession in main)");
    int rank = 0, size = 1;
    MPI_Comm_rank(comm_, &rank);
    MPI_Comm_size(comm_, &size);
    rank_ = static_cast<std::size_t>(rank);
    size_ = static_cast<std::size_t>(size);
  }

  std::size_t rank() const noexcept { return rank_; }
  std::size_t processes() const noexcept { return size_; }
  bool writer() const noexcept { return rank_ == 0; }
  /// Workers over all ranks: ranks × the inner executor's workers.
  std::size_t concurrency() const { return size_ * inner_.concurrency(); }
  const Inner& inner() const noexcept { return inner_; }

  /// The items [first, last) of `rank` when there are n: contiguous and as even as can be.
  std::pair<std::size_t, std::size_t> items_of(std::size_t rank, std::size_t n) const noexcept {
    return {n * rank / size_, n * (rank + 1) / size_};
  }

  /// Returns f(0), ..., f(n − 1) on every rank; this rank computes only its own items.
  template <class F>
  std::vector<std::vector<double>> map(std::size_t n, F&& f) const {
    static_assert(std::is_same_v<std::invoke_result_t<F&, std::size_t>, std::vector<double>>,
                  "metahebb: MpiExecutor::map needs items returning std::vector<double> (what it gathers over MPI)");
    require(n <= static_cast<std::size_t>(INT_MAX), "work items", n, "must be <= INT_MAX for MPI");
    const auto [first, last] = items_of(rank_, n);
    std::vector<std::vector<double>> mine;
    std::exception_ptr failure;
    std::string message;
    try {
      mine = inner_.map(last - first, [&](std::size_t j) -> std::vector<double> { return f(first + j); });
      require(mine.size() == last - first, "inner executor's map(n, f).size()", mine.size(),
              "must equal n (" + std::to_string(last - first) + ")");
    } catch (const std::exception& e) {
      failure = std::current_exception();
      message = e.what();
    } catch (...) {
      failure = std::current_exception();
      message = "a non-standard exception";
    }

    // 1. Every item's length (−1 for each item of a rank that failed), onto every rank.
    std::vector<int> counts(size_), displacements(size_);
    for (std::size_t r = 0; r < size_; ++r) {
      const auto [a, b] = items_of(r, n);
      counts[r] = static_cast<int>(b - a);
      displacements[r] = static_cast<int>(a);
    }
    std::vector<long long> my_lengths(last - first, -1), lengths(std::max<std::size_t>(n, 1));
    if (!failure)
      for (std::size_t j = 0; j < mine.size(); ++j) my_lengths[j] = static_cast<long long>(mine[j].size());
    long long none = 0;
    MPI_Allgatherv(my_lengths.empty() ? &none : my_lengths.data(), counts[rank_], MPI_LONG_LONG, lengths.data(),
                   counts.data(), displacements.data(), MPI_LONG_LONG, comm_);

    // 2. A failure anywhere: every rank throws, quoting the lowest failing rank's message.
    for (std::size_t item = 0; item < n; ++item) {
      if (lengths[item] >= 0) continue;
      int root = 0;
      while (static_cast<std::size_t>(root) + 1 < size_ && items_of(static_cast<std::size_t>(root), n).second <= item) ++root;
      int size = static_cast<int>(std::min<std::size_t>(message.size(), 4096));
      MPI_Bcast(&size, 1, MPI_INT, root, comm_);
      std::string text(static_cast<std::size_t>(size), ' ');
      if (static_cast<std::size_t>(root) == rank_) text = message.substr(0, static_cast<std::size_t>(size));
      MPI_Bcast(text.data(), size, MPI_CHAR, root, comm_);
      if (failure) std::rethrow_exception(failure);
      throw std::runtime_error("metahebb: work item " + std::to_string(item) + " failed on MPI rank " +
                               std::to_string(root) + ": " + text);
    }

    // 3. The doubles of every item, onto every rank.
    std::vector<int> value_counts(size_, 0), value_displacements(size_, 0);
    long long total = 0;
    for (std::size_t r = 0; r < size_; ++r) {
      const auto [a, b] = items_of(r, n);
      long long sum = 0;
      for (std::size_t item = a; item < b; ++item) sum += lengths[item];
      require(total + sum <= INT_MAX, "results of a generation", total + sum, "must be <= INT_MAX doubles for MPI");
      value_counts[r] = static_cast<int>(sum);
      value_displacements[r] = static_cast<int>(total);
      total += sum;
    }
    std::vector<double> sent, gathered(static_cast<std::size_t>(std::max<long long>(total, 1)));
    sent.reserve(static_cast<std::size_t>(value_counts[rank_]));
    for (const auto& values : mine) sent.insert(sent.end(), values.begin(), values.end());
    double nothing = 0.0;
    MPI_Allgatherv(sent.empty() ? &nothing : sent.data(), value_counts[rank_], MPI_DOUBLE, gathered.data(),
                   value_counts.data(), value_displacements.data(), MPI_DOUBLE, comm_);

    std::vector<std::vector<double>> results(n);
    std::size_t offset = 0;
    for (std::size_t item = 0; item < n; ++item) {
      const auto length = static_cast<std::size_t>(lengths[item]);
      results[item].assign(gathered.begin() + static_cast<std::ptrdiff_t>(offset),
                           gathered.begin() + static_cast<std::ptrdiff_t>(offset + length));
      offset += length;
    }
    return results;
  }

  /// True on every rank when `flag` is true on any rank (MPI_Allreduce with MPI_LOR).
  bool any(bool flag) const {
    int local = flag ? 1 : 0, global = 0;
    MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_LOR, comm_);
    return global != 0;
  }

 private:
  Inner inner_;
  MPI_Comm comm_;
  std::size_t rank_ = 0, size_ = 1;
};

static_assert(check_executor<MpiExecutor<>>());

}  // namespace metahebb
