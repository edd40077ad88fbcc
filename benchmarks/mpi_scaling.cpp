// One generation on 1 MPI rank against R ranks (issue 16), in the same run: run it under
// mpirun, e.g.
//
//   mpirun -np 2 build/helper/benchmarks/mpi_scaling_benchmark --benchmark_repetitions=5
//
// BM_generation_ratio/task evaluates one population twice per iteration, alternately:
//   t1: on rank 0 alone (MpiExecutor over MPI_COMM_SELF), while the other ranks wait in a
//       barrier that sleeps (MPI_Ibarrier + MPI_Test every 0.2 ms), leaving their cores free;
//   tR: on every rank (MpiExecutor over MPI_COMM_WORLD), each rank computing its share of
//       the work items and the losses gathered onto all ranks (the collectives included).
// Each rank runs one thread (SerialExecutor inside), so R ranks use R cores. Counters: t1_s,
// tR_s, speedup = t1 / tR, ranks. The losses of both are checked bitwise equal.
// task 0: the §3.3 example's generation (Adam's 13 rules on 4 datasets of 90 s, inputs
//         generated inside the timed region; 4 work items, as BM_spiking_generation).
// task 1: the recurrent network at the scaled default size (1024 E, 256 I, p = 0.4), 0.5 s
//         training + 0.5 s scoring, 4 candidates (4 work items, one network each, as
//         BM_threads_ratio in recurrent_network.cpp).
// Iterations are fixed (every rank must run the same number); only rank 0 reports.

#include <metahebb/evaluate.hpp>
#include <metahebb/execution/mpi.hpp>
#include <metahebb/losses/stability.hpp>
#include <metahebb/losses/target_rate.hpp>
#include <metahebb/tasks/inhibitory_balance.hpp>
#include <metahebb/tasks/recurrent_network.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

using namespace metahebb;

namespace {

void sleeping_barrier(MPI_Comm comm) {
  MPI_Request request;
  MPI_Ibarrier(comm, &request);
  for (int done = 0;;) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) return;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Adam's 13 rules around Vogels' rule: θ and θ ± a step on each of the 6 coefficients.
Eigen::MatrixXd spiking_population() {
  const Eigen::VectorXd theta = rules::vogels2011(5.0, 0.02);
  Eigen::MatrixXd thetas = theta.replicate(1, 13);
  for (Eigen::Index k = 0; k < 6; ++k) {
    thetas(k, 1 + 2 * k) += 0.1 * std::abs(theta[k]) + 1e-3;
    thetas(k, 2 + 2 * k) -= 0.1 * std::abs(theta[k]) + 1e-3;
  }
  return thetas;
}

template <class Task, class Loss>
void ratio(benchmark::State& state, const Task& task, const Loss& loss, const Eigen::MatrixXd& thetas) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const MpiExecutor<> alone(SerialExecutor{}, MPI_COMM_SELF), all(SerialExecutor{}, MPI_COMM_WORLD);
  double t1 = 0.0, tr = 0.0;
  std::size_t generation = 0;
  for (auto _ : state) {
    const EvaluationContext context{.seed = 3, .generation = generation++};
    sleeping_barrier(MPI_COMM_WORLD);
    auto t0 = std::chrono::steady_clock::now();
    Evaluation one;
    if (rank == 0) one = evaluate(task, loss, thetas, context, alone);
    t1 += seconds_since(t0);
    sleeping_barrier(MPI_COMM_WORLD);  // the other ranks idle until rank 0 is done
    t0 = std::chrono::steady_clock::now();
    const Evaluation every = evaluate(task, loss, thetas, context, all);
    tr += seconds_since(t0);
    if (rank == 0 && !(one.per_dataset.array() == every.per_dataset.array()).all())
      state.SkipWithError("1 rank and all ranks differ");
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["t1_s"] = t1 / n;
  state.counters["tR_s"] = tr / n;
  state.counters["speedup"] = t1 / tr;
  state.counters["ranks"] = ranks;
}

void BM_generation_ratio(benchmark::State& state) {
  if (state.range(0) == 0) {
    InhibitoryBalanceConfig config;
    config.datasets = 4;
    ratio(state, InhibitoryBalanceTask(config), TargetRate(), spiking_population());
  } else {
    RecurrentNetworkConfig config;
    config.training_time = 0.5;
    config.scoring_time = 0.5;
    const RecurrentNetworkTask task(config);
    Eigen::MatrixXd thetas(24, 4);
    for (Eigen::Index c = 0; c < 4; ++c) {
      const Eigen::VectorXd v = rules::vogels2011(10.0 + static_cast<double>(c) - 1.5, 0.02);
      thetas.col(c) = task.quartet(rules::vogels2011(20.0, 0.02), v, v, v);
    }
    ratio(state, task, StabilityLoss(), thetas);
  }
}

// Reports nothing: ranks other than 0 run every benchmark (they take part in the collectives).
class SilentReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>&) override {}
};

}  // namespace

BENCHMARK(BM_generation_ratio)->Arg(0)->Arg(1)->ArgName("task")->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();

int main(int argc, char** argv) {
  MpiSession mpi(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (mpi.writer()) {
    benchmark::RunSpecifiedBenchmarks();
  } else {
    SilentReporter silent;
    benchmark::RunSpecifiedBenchmarks(&silent);
  }
  benchmark::Shutdown();
  return 0;
}
