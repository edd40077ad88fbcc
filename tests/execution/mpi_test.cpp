// The MPI executor (issue 16): every task and both optimisers give bitwise the same run for
// one thread, threads, 1, 2 and 3 ranks, and ranks × threads. ctest runs this binary under
// mpirun with 1, 2 and 3 processes (label `mpi`); every rank compares its runs against a
// serial run it made itself, in this binary. Comparisons are exact (==): the executors only
// move doubles, never recompute them differently (execution/mpi.hpp). The sweep engine
// (sweep/sweep.hpp) over MPI writes one store, on rank 0, with the serial numbers.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <metahebb/callbacks/csv_recorder.hpp>
#include <metahebb/callbacks/progress_line.hpp>
#include <metahebb/execution/mpi.hpp>
#include <metahebb/execution/processes.hpp>
#include <metahebb/execution/threads.hpp>
#include <metahebb/losses/principal_vector_distance.hpp>
#include <metahebb/losses/principal_vectors_distance.hpp>
#include <metahebb/losses/stability.hpp>
#include <metahebb/losses/target_rate.hpp>
#include <metahebb/meta_learner.hpp>
#include <metahebb/optim/adam_fd.hpp>
#include <metahebb/optim/cmaes.hpp>
#include <metahebb/tasks/hierarchical_pca.hpp>
#include <metahebb/tasks/inhibitory_balance.hpp>
#include <metahebb/tasks/principal_vector.hpp>
#include <metahebb/tasks/recurrent_network.hpp>
#include <metahebb/sweep/sweep.hpp>
#include <metahebb/sweep/task_metrics.hpp>

#include "../sweep/sweep_fixtures.hpp"

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

using namespace metahebb;

namespace {

int world_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}
int world_size() {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

// The tasks at sizes that run in milliseconds (as in tests/reliability/determinism_test.cpp).
PrincipalVectorConfig small_pv() {
  PrincipalVectorConfig c;
  c.input.inputs = 5;
  c.datasets = 5;  // not a multiple of 2 or 3 ranks: ranks get unequal shares
  c.steps = 25;
  c.batch_size = 30;
  return c;
}

HierarchicalPcaConfig small_hpca() {
  HierarchicalPcaConfig c;
  c.input.inputs = 4;
  c.outputs = 3;
  c.datasets = 4;
  c.steps = 25;
  c.batch_size = 30;
  return c;
}

InhibitoryBalanceConfig small_ib() {
  InhibitoryBalanceConfig c;
  c.training_time = 2.0;
  c.scoring_time = 1.0;
  c.window = 1.0;
  c.explosion_grace = 1.0;
  c.explosion_window = 1.0;
  c.datasets = 3;
  c.input.groups = 2;
  c.input.exc_per_group = 40;
  c.input.inh_per_group = 10;
  c.input.preferred_group = 1;
  c.neuron.dt = 5e-4;
  return c;
}

// 48 E, 12 I, 0.2 s; 1000 inputs at p = 0.05 (50 input synapses per neuron, as in
// tests/tasks/recurrent_network_test.cpp), so the network fires and losses differ.
RecurrentNetworkConfig tiny_recurrent() {
  RecurrentNetworkConfig c;
  c.exc = 48;
  c.inh = 12;
  c.inputs = 1000;
  c.input_rate_hz = 40.0;
  c.training_time = 0.1;
  c.scoring_time = 0.1;
  return c;
}

// Every generation's θ, losses and diverged count, and the end of the run.
struct Trace {
  std::vector<Eigen::MatrixXd> thetas;
  std::vector<Eigen::VectorXd> losses;
  std::vector<std::size_t> diverged;
  Eigen::VectorXd final_theta;
  double best_loss = 0;

  void on_generation(const GenerationReport& r) {
    thetas.push_back(r.thetas);
    losses.push_back(r.losses);
    diverged.push_back(r.diverged);
  }
};

template <class Task, class Loss, class Optimiser, class Executor>
Trace run(const Task& task, const Loss& loss, const Optimiser& optimiser, Executor executor, std::size_t generations) {
  MetaLearner learner(task, loss, optimiser, executor, {.seed = 77, .max_generations = generations});
  Trace trace;
  const RunResult result = learner.run(trace);
  trace.final_theta = result.final_theta;
  trace.best_loss = result.best_loss;
  return trace;
}

void check_identical(const Trace& a, const Trace& b) {
  REQUIRE(a.losses.size() == b.losses.size());
  REQUIRE_FALSE(a.losses.empty());
  for (std::size_t g = 0; g < a.losses.size(); ++g) {
    INFO("generation " << g + 1);
    CHECK(a.thetas[g] == b.thetas[g]);
    // Eigen's == on vectors with NaN would be false; losses here are finite (checked below).
    CHECK(a.losses[g] == b.losses[g]);
    CHECK(a.diverged[g] == b.diverged[g]);
  }
  CHECK(a.final_theta == b.final_theta);
  CHECK(a.best_loss == b.best_loss);
}

// A communicator of the first `ranks` ranks of MPI_COMM_WORLD (the others get their own).
struct SubCommunicator {
  MPI_Comm comm = MPI_COMM_NULL;
  explicit SubCommunicator(int ranks) {
    const int rank = world_rank();
    MPI_Comm_split(MPI_COMM_WORLD, rank < ranks ? 0 : 1, rank, &comm);
  }
  ~SubCommunicator() { MPI_Comm_free(&comm); }
  SubCommunicator(const SubCommunicator&) = delete;
  SubCommunicator& operator=(const SubCommunicator&) = delete;
};

template <class Task, class Loss, class Optimiser>
void check_every_executor(const Task& task, const Loss& loss, const Optimiser& optimiser, std::size_t generations) {
  const Trace serial = run(task, loss, optimiser, SerialExecutor{}, generations);
  {
    INFO("2 threads");
    check_identical(serial, run(task, loss, optimiser, ThreadExecutor(2), generations));
  }
  {
    INFO("1 rank (MPI_COMM_SELF)");
    check_identical(serial, run(task, loss, optimiser, MpiExecutor<>(SerialExecutor{}, MPI_COMM_SELF), generations));
  }
  if (world_size() >= 3) {
    INFO("2 ranks (and a rank alone)");
    const SubCommunicator two(2);
    check_identical(serial, run(task, loss, optimiser, MpiExecutor<>(SerialExecutor{}, two.comm), generations));
  }
  {
    INFO(world_size() << " ranks (MPI_COMM_WORLD)");
    check_identical(serial, run(task, loss, optimiser, MpiExecutor<>(), generations));
  }
  {
    INFO(world_size() << " ranks x 2 threads");
    check_identical(serial, run(task, loss, optimiser, MpiExecutor<ThreadExecutor>(ThreadExecutor(2)), generations));
  }
  // not vacuous: the search moved, and losses differ between candidates
  CHECK(serial.final_theta != serial.thetas.front().col(0));
  CHECK(serial.losses.back().allFinite());
  CHECK(serial.losses.back().maxCoeff() > serial.losses.back().minCoeff());
}

AdamFdOptions adam_options(double learning_rate, double fd_step) {
  AdamFdOptions o;
  o.learning_rate = learning_rate;
  o.fd_step = fd_step;
  return o;
}

}  // namespace

TEST_CASE("section 3.1, principal vector: bitwise identical over ranks and threads (CMA-ES, Adam-FD)", "[mpi]") {
  const PrincipalVectorTask task(small_pv());
  check_every_executor(task, PrincipalVectorDistance(), Cmaes(Eigen::VectorXd::Zero(27), {.sigma0 = 0.2, .seed = 5}), 3);
  check_every_executor(task, PrincipalVectorDistance(),
                       AdamFd(Eigen::VectorXd::Constant(27, 0.05), adam_options(0.05, 0.05)), 2);
}

TEST_CASE("section 3.2, hierarchical PCA: bitwise identical over ranks and threads (CMA-ES, Adam-FD)", "[mpi]") {
  const HierarchicalPcaTask task(small_hpca());
  check_every_executor(task, PrincipalVectorsDistance(), Cmaes(Eigen::VectorXd::Zero(54), {.sigma0 = 0.2, .seed = 5}), 2);
  check_every_executor(task, PrincipalVectorsDistance(),
                       AdamFd(Eigen::VectorXd::Constant(54, 0.05), adam_options(0.05, 0.05)), 2);
}

TEST_CASE("section 3.3, inhibitory balance: bitwise identical over ranks and threads (CMA-ES, Adam-FD)", "[mpi]") {
  const InhibitoryBalanceTask task(small_ib());
  const Eigen::VectorXd theta0 = rules::vogels2011(5.0, 0.02);
  check_every_executor(task, TargetRate(), Cmaes(theta0, {.sigma0 = 0.05, .population_size = 20, .seed = 5}), 2);
  AdamFdOptions adam = adam_options(0.02, 0.01);
  std::tie(adam.lower, adam.upper) = InhibitoryBalanceTask::parameter_bounds(false);  // keeps τ > 0
  check_every_executor(task, TargetRate(), AdamFd(theta0, adam), 2);
}

TEST_CASE("recurrent network (tiny): bitwise identical over ranks and threads (CMA-ES, Adam-FD)", "[mpi]") {
  const RecurrentNetworkTask task(tiny_recurrent());
  const Eigen::VectorXd theta0 = task.vogels(10.0);
  check_every_executor(task, StabilityLoss(), Cmaes(theta0, {.sigma0 = 0.05, .population_size = 7, .seed = 5}), 2);
  AdamFdOptions adam = adam_options(0.02, 0.02);
  adam.scale = Eigen::VectorXd::Constant(24, 0.1);
  check_every_executor(task, StabilityLoss(), AdamFd(theta0, adam), 1);
}

TEST_CASE("map: every rank gets every item's vector, in order, also with fewer items than ranks", "[mpi]") {
  const MpiExecutor<ThreadExecutor> executor(ThreadExecutor(2));
  CHECK(executor.processes() == static_cast<std::size_t>(world_size()));
  CHECK(executor.rank() == static_cast<std::size_t>(world_rank()));
  CHECK(executor.writer() == (world_rank() == 0));
  CHECK(executor.concurrency() == 2 * static_cast<std::size_t>(world_size()));
  // lengths 0..3 (empty vectors travel too); item i is computed by one rank only
  auto item = [](std::size_t i) { return std::vector<double>(i % 4, 0.25 * static_cast<double>(i) - 1.0); };
  for (std::size_t n : {0u, 1u, 2u, 7u, 29u}) {
    INFO("n = " << n);
    const auto gathered = executor.map(n, item);
    CHECK(gathered == SerialExecutor{}.map(n, item));
    std::atomic<std::size_t> computed_here = 0;  // the items run on two threads: a plain counter races
    executor.map(n, [&](std::size_t i) {
      ++computed_here;
      return item(i);
    });
    const auto [first, last] = executor.items_of(executor.rank(), n);
    CHECK(computed_here.load() == last - first);
  }
  // the static assignment covers [0, n) once, in rank order
  std::size_t next = 0;
  for (std::size_t r = 0; r < executor.processes(); ++r) {
    const auto [first, last] = executor.items_of(r, 10);
    CHECK(first == next);
    next = last;
  }
  CHECK(next == 10);
}

TEST_CASE("map: an item that throws on one rank makes every rank throw, naming it", "[mpi]") {
  const MpiExecutor<> executor;
  const std::size_t n = 2 * executor.processes() + 1;
  const std::size_t failing = n - 1;  // on the last rank
  const auto [first, last] = executor.items_of(executor.rank(), n);
  const bool mine = failing >= first && failing < last;
  auto f = [&](std::size_t i) -> std::vector<double> {
    if (i == failing) throw std::invalid_argument("item failed on purpose");
    return {1.0};
  };
  if (mine) {
    CHECK_THROWS_AS(executor.map(n, f), std::invalid_argument);
  } else {
    CHECK_THROWS_WITH(executor.map(n, f),
                      Catch::Contains("failed on MPI rank " + std::to_string(executor.processes() - 1)) &&
                          Catch::Contains("item failed on purpose"));
  }
  // and the next collective still lines up
  CHECK(executor.map(3, [](std::size_t i) { return std::vector<double>{static_cast<double>(i)}; }).size() == 3);
}

TEST_CASE("any: a stop asked on one rank stops every rank after the same generation", "[mpi]") {
  const MpiExecutor<> executor;
  CHECK(executor.any(world_rank() == world_size() - 1));
  CHECK_FALSE(executor.any(false));
  // a callback that stops only on the last rank after generation 2
  struct StopHere {
    bool on_generation(const GenerationReport& r) { return world_rank() == world_size() - 1 && r.generation == 2; }
  };
  MetaLearner learner(PrincipalVectorTask(small_pv()), PrincipalVectorDistance(),
                      Cmaes(Eigen::VectorXd::Zero(27), {.sigma0 = 0.2, .seed = 5}), executor,
                      {.seed = 1, .max_generations = 6});
  StopHere stop;
  const RunResult result = learner.run(stop);
  CHECK(result.generations == 2);
  CHECK(result.status.code == StopCode::callback);
}

TEST_CASE("only rank 0 writes: CSV rows and progress lines come from the writer alone", "[mpi]") {
  const MpiExecutor<> executor;
  const std::string path = "mpi_test_writer.csv";
  if (executor.writer()) std::remove(path.c_str());
  executor.any(false);  // a barrier: the file is gone before any rank opens it
  std::ostringstream progress_text;
  {
    MetaLearner learner(PrincipalVectorTask(small_pv()), PrincipalVectorDistance(),
                        Cmaes(Eigen::VectorXd::Zero(27), {.sigma0 = 0.2, .seed = 5}), executor,
                        {.seed = 1, .max_generations = 3});
    callbacks::ProgressLine progress(1, progress_text);
    learner.run(progress, callbacks::CsvRecorder(path));
  }
  if (executor.writer()) {
    if (world_size() > 1) CHECK_THAT(progress_text.str(), Catch::Contains(std::to_string(world_size()) + " processes"));
    else CHECK_THAT(progress_text.str(), !Catch::Contains("processes"));
    CHECK_THAT(progress_text.str(), Catch::Contains("gen     3"));
  } else {
    CHECK(progress_text.str().empty());
  }
  executor.any(false);  // every rank has finished the run before the file is read
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  REQUIRE(lines.size() == 4);  // one header, three rows: no rank wrote twice or truncated
  CHECK(lines[0].rfind("generation,", 0) == 0);
  CHECK(lines[3].rfind("3,", 0) == 0);
  executor.any(false);
  if (executor.writer()) std::remove(path.c_str());
}

namespace {
// Bitwise equality of two stores' records (metrics may hold NaN: exploded rules have no rate).
bool same_records(const sweep::Records& a, const sweep::Records& b) {
  return a.rule_id == b.rule_id && a.round == b.round && a.seed == b.seed && a.theta == b.theta &&
         a.metrics.rows() == b.metrics.rows() && a.metrics.cols() == b.metrics.cols() &&
         std::memcmp(a.metrics.data(), b.metrics.data(), sizeof(double) * static_cast<std::size_t>(a.metrics.size())) == 0;
}
}  // namespace

TEST_CASE("sweep engine over MPI: rules sharded over ranks, one store written by rank 0, bitwise the serial one",
          "[mpi][sweep]") {
  namespace fs = std::filesystem;
  using namespace metahebb::sweep;
  const auto task = test::short_single_neuron_task(1.0);
  const Eigen::MatrixXd thetas = test::single_neuron_prior().sample_rows(11, 0, 40);  // 3 groups: 16, 16, 8 rules
  const SweepSettings settings{.seed = 11, .rules_per_seed = 16};
  const MpiExecutor<ThreadExecutor> executor(ThreadExecutor(2));
  const fs::path serial_dir = "mpi_test_sweep_serial_" + std::to_string(world_rank()), mpi_dir = "mpi_test_sweep_mpi";
  fs::remove_all(serial_dir);
  if (executor.writer()) fs::remove_all(mpi_dir);
  executor.any(false);  // a barrier: the directory is gone before any rank opens it
  RuleStore serial(serial_dir.string(), store_layout(task));
  CHECK(simulate_rules(task, serial, 0, thetas, 0, settings, SerialExecutor()) == 40);
  {
    // Rank 0 creates the store (its header.json) before the other ranks open it: two processes
    // creating the same file at once would race (docs/running-on-a-cluster.md).
    std::optional<RuleStore> sharded;
    if (executor.writer()) sharded.emplace(mpi_dir.string(), store_layout(task));
    executor.any(false);
    if (!executor.writer()) sharded.emplace(mpi_dir.string(), store_layout(task));
    CHECK(simulate_rules(task, *sharded, 0, thetas, 0, settings, executor) == 40);
    CHECK(same_records(serial.records(), sharded->records()));  // every rank holds every rule
    CHECK(simulate_rules(task, *sharded, 0, thetas, 0, settings, executor) == 0);  // nothing twice
  }
  executor.any(false);  // rank 0 has written every chunk
  const RuleStore on_disk(mpi_dir.string(), store_layout(task));
  CHECK(on_disk.size() == 40);
  CHECK(same_records(serial.records(), on_disk.records()));
  CHECK((serial.records().metrics.col(1).array() == 1.0).count() > 0);  // not vacuous: some rules explode ...
  CHECK((serial.records().metrics.col(0).array() > 0.0).count() > 0);   // ... and some fire
  executor.any(false);
  fs::remove_all(serial_dir);
  if (executor.writer()) fs::remove_all(mpi_dir);
}

TEST_CASE("Processes: built with MPI, the examples' executor spans every rank", "[mpi]") {
  int argc = 0;
  char** argv = nullptr;
  const Processes processes(argc, argv);  // MPI is initialised already: it neither initialises nor finalises
  STATIC_REQUIRE(Processes::mpi());
  CHECK(processes.processes() == static_cast<std::size_t>(world_size()));
  CHECK(processes.writer() == (world_rank() == 0));
  const auto executor = processes.executor(1);
  CHECK(executor.processes() == static_cast<std::size_t>(world_size()));
  CHECK(executor.inner().concurrency() == 1);
  CHECK(processes.executor(0).inner().concurrency() >= 1);
}

int main(int argc, char** argv) {
  MpiSession mpi(argc, argv);
  Catch::Session session;
  if (const int status = session.applyCommandLine(argc, argv); status != 0) return status;
  if (!mpi.writer()) session.configData().reporterName = "compact";  // ranks > 0: failures and one summary line
  const int failed = session.run();
  if (failed != 0) std::fprintf(stderr, "mpi_test: rank %zu: %d test case(s) failed\n", mpi.rank(), failed);
  int any_failed = 0;
  MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return any_failed != 0 ? 1 : 0;
}
