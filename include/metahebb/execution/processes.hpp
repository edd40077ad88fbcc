#pragma once
/// The executor of a program that runs unchanged on its own or under `mpirun`/`srun`:
///
///   int main(int argc, char** argv) {
///     metahebb::Processes processes(argc, argv);                 // MPI_Init when built with MPI
///     const auto executor = processes.executor(threads);         // 0: all cores, shared by the ranks
///     ...  MetaLearner learner(task, loss, optimiser, executor, options);
///     if (processes.writer()) std::printf(...);                   // print and write on one process
///   }
///
/// Built with MPI (the program links metahebb::mpi, which defines METAHEBB_HAVE_MPI), the
/// executor is MpiExecutor<ThreadExecutor> over MPI_COMM_WORLD (execution/mpi.hpp): ranks ×
/// threads, bitwise the same results as one thread. Built without MPI it is a
/// ThreadExecutor; started several times by a launcher anyway (the rank in
/// OMPI_COMM_WORLD_RANK, PMI_RANK or SLURM_PROCID), every copy computes everything and only
/// the copy of rank 0 is the writer, so copies never write the same file at once.
/// Every translation unit of a program must see the same METAHEBB_HAVE_MPI.

#include <cstddef>
#include <cstdlib>
#include <string>

#include "threads.hpp"
#if defined(METAHEBB_HAVE_MPI)
#include "mpi.hpp"
#endif

namespace metahebb {

class Processes {
 public:
  Processes(int& argc, char**& argv)
#if defined(METAHEBB_HAVE_MPI)
      : session_(argc, argv) {
  }
#else
  {
    (void)argc;
    (void)argv;
    for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "SLURM_PROCID"})
      if (const char* value = std::getenv(name); value != nullptr && *value != '\0') {
        launched_rank_ = std::strtoul(value, nullptr, 10);
        break;
      }
  }
#endif

  /// Whether this program was built with MPI (METAHEBB_HAVE_MPI).
  static constexpr bool mpi() noexcept {
#if defined(METAHEBB_HAVE_MPI)
    return true;
#else
    return false;
#endif
  }

  /// Whether this process prints and writes files: rank 0.
  bool writer() const { return rank() == 0; }

  /// This process's rank (0 without MPI, unless a launcher started several copies).
  std::size_t rank() const {
#if defined(METAHEBB_HAVE_MPI)
    return session_.rank();
#else
    return launched_rank_;
#endif
  }

  /// Processes sharing the work (1 without MPI).
  std::size_t processes() const {
#if defined(METAHEBB_HAVE_MPI)
    return session_.processes();
#else
    return 1;
#endif
  }

  /// Ranks × `threads` threads each with MPI, `threads` threads without; `threads` = 0 shares
  /// this machine's hardware threads among the processes on it. A collective under MPI.
  auto executor(std::size_t threads = 0) const {
#if defined(METAHEBB_HAVE_MPI)
    return MpiExecutor<ThreadExecutor>(ThreadExecutor(threads == 0 ? session_.threads_per_process() : threads));
#else
    return ThreadExecutor(threads);
#endif
  }

 private:
#if defined(METAHEBB_HAVE_MPI)
  MpiSession session_;
#else
  std::size_t launched_rank_ = 0;
#endif
};

}  // namespace metahebb
