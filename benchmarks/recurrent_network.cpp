// Speed of the recurrent E/I network (issue 12): wall seconds per simulated second at the
// reference size (4096 E, 1024 I, p = 0.1, 5000 inputs at p = 0.05) and at the scaled default
// (1024 E, 256 I, p = 0.4), all four synapse types plastic; memory per network; two threads
// against one on a population of candidates; the share of time spent delivering the external
// input (the only work candidates in SIMD lanes could share).
//
// Sizes (benchmark argument): 0 = scaled default, 1 = reference.
//   BM_dataset/size          the dataset (six random connectivities); counters: synapses,
//                            connectivity_bytes (computed from the sizes: 4 B per CSR index,
//                            CSC synapse id and CSC pre index, plus offsets), heap_bytes (the
//                            allocator's in-use bytes the dataset holds, glibc mallinfo2)
//   BM_simulate/size/T/ftz   one candidate, T s training + 1 s scoring (the metrics of the
//                            scoring window included) on a prebuilt dataset; counters: wall_s_per_sim_s,
//                            rate_e_hz, rate_i_hz, exploded, network_state_bytes (weights, pre
//                            traces, post traces and last-spike steps of the six groups: state_bytes()),
//                            network_heap_bytes (in-use bytes of those six groups built as the task does).
//                            (T(4) − T(1)) / 3 is the cost of a training second without the fixed costs
//                            (setting up the groups, the metrics).
//                            ftz = 1: the same run with the SSE control register's flush-to-zero and
//                            denormals-are-zero bits set, a diagnostic (x86 only): it measures what the
//                            subnormal numbers cost (postsynaptic traces decaying towards 0 in neurons
//                            silent for more than ~1.7 s become subnormal floats, whose products take a
//                            slow path). Its results are not bitwise those of the library; the rates
//                            and mean weights printed as counters stay the same to their digits.
//   BM_input_delivery/size   the external input alone, as the task delivers it: Poisson step,
//                            input → E and input → I on_pre, same steps; counter wall_s_per_sim_s.
//                            input_share = BM_input_delivery / BM_simulate (printed by BM_input_share)
//   BM_input_share/size      both of the above (1 s + 1 s) in one timed loop, alternating; counters
//                            input_share and lanes_gain_bound = 1 / (1 − input_share): the most
//                            that candidates in SIMD lanes sharing the external input could gain
//                            (the shared part free, everything else per candidate unchanged).
//                            Alone, the input's connectivity stays in cache: the share within the
//                            full run is somewhat larger (perf: see docs/benchmarks.md).
//   BM_threads_ratio         evaluate() of 4 candidates at the scaled size (0.5 s + 0.5 s) with
//                            ThreadExecutor(1) and ThreadExecutor(2) alternately in one loop;
//                            counters t1_s, t2_s, speedup = t1 / t2 (wall), and from each work
//                            item's thread CPU time (CLOCK_THREAD_CPUTIME_ID, which leaves out the
//                            waiting for a core on a loaded machine): item_cpu_t1_s, item_cpu_t2_s
//                            (sums over the 4 items), contention = item_cpu_t2 / item_cpu_t1 − 1
//                            (what running two networks at once costs each of them), and
//                            cpu_speedup = item_cpu_t1 / (the larger of the two threads' sums in
//                            the 2-thread run): the ratio with two free cores, imbalance included.
//                            A 0.3 s pause outside the timed regions precedes each run, so that the
//                            benchmark run with SCHED_FIFO (`chrt -f 1`, to hold both cores of a
//                            loaded machine) stays under the kernel's real-time throttling
//                            (0.95 s in every 1 s per core, /proc/sys/kernel/sched_rt_runtime_us).
//
// The rules: the task's quartet() of four Vogels et al. 2011 rules (all_plastic below), one per
// type, so that every group runs its plastic path (on_pre and on_post with traces).

#include <metahebb/evaluate.hpp>
#include <metahebb/execution/threads.hpp>
#include <metahebb/losses/stability.hpp>
#include <metahebb/tasks/recurrent_network.hpp>

#include <benchmark/benchmark.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <array>
#include <chrono>
#include <ctime>
#include <memory>
#include <thread>
#include <vector>
#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

using namespace metahebb;

namespace {

using Task = RecurrentNetworkTask;

RecurrentNetworkConfig size_config(std::int64_t size, double training = 1.0, double scoring = 1.0) {
  RecurrentNetworkConfig c = size == 1 ? RecurrentNetworkConfig::reference() : RecurrentNetworkConfig{};
  c.training_time = training;
  c.scoring_time = scoring;
  return c;
}

// Vogels-type rules on all four types: ρ0 = 20 Hz on E→E (a Hebbian term on E→E needs the
// higher target to stay stable), 10 Hz on the others, τ = 20 ms. E and I stay at a few Hz
// (reference size, seed 1: E 1.9 Hz and I 3.4 Hz over 1 + 1 s; E 3.9, I 10.3 Hz over 4 + 1 s).
Eigen::VectorXd all_plastic(const Task& task, double shift = 0.0) {
  const Eigen::VectorXd v = rules::vogels2011(10.0 + shift, 0.02);
  return task.quartet(rules::vogels2011(20.0, 0.02), v, v, v);
}

// The allocator's in-use bytes (glibc; 0 elsewhere), as tests/reliability/long_run_memory_test.cpp.
long long heap_bytes_in_use() {
#if defined(__GLIBC__)
  const struct mallinfo2 info = mallinfo2();
  return static_cast<long long>(info.uordblks + info.hblkhd);  // arena chunks in use + mmapped chunks
#else
  return 0;
#endif
}

double connectivity_bytes(const SparseConnectivity& c) {
  return 4.0 * (3.0 * static_cast<double>(c.size()) + static_cast<double>(c.n_pre() + 1 + c.n_post() + 1));
}

std::size_t synapses(const RecurrentNetworkDataset& d) {
  std::size_t s = d.input_e->size() + d.input_i->size();
  for (const auto& r : d.recurrent) s += r->size();
  return s;
}

void BM_dataset(benchmark::State& state) {
  const Task task(size_config(state.range(0)));
  std::uint64_t k = 0;
  double bytes = 0.0, heap = 0.0, count = 0.0;
  for (auto _ : state) {
    const long long before = heap_bytes_in_use();
    const auto d = task.dataset({1, k++, 0});
    heap = static_cast<double>(heap_bytes_in_use() - before);
    benchmark::DoNotOptimize(d.input_e.get());
    count = static_cast<double>(synapses(d));
    bytes = connectivity_bytes(*d.input_e) + connectivity_bytes(*d.input_i);
    for (const auto& r : d.recurrent) bytes += connectivity_bytes(*r);
  }
  state.counters["synapses"] = count;
  state.counters["connectivity_bytes"] = bytes;
  state.counters["heap_bytes"] = heap;
}

// The six groups of one candidate's network, built as RecurrentNetwork::run_one builds them.
std::vector<SparseSynapses<SpikeTraceRule, float>> network_groups(const Task& task, const RecurrentNetworkDataset& d,
                                                                  const Eigen::VectorXd& theta) {
  using Synapses = SparseSynapses<SpikeTraceRule, float>;
  const auto& c = task.config();
  const double dt = c.neuron.dt;
  std::vector<Synapses> g;
  g.push_back(Synapses::fixed(d.input_e, c.rule, c.neuron.g_exc_bar, dt, c.input_weight));
  g.push_back(Synapses::fixed(d.input_i, c.rule, c.neuron.g_exc_bar, dt, c.input_weight));
  const std::array<double, 4> g_bar{c.neuron.g_exc_bar, c.neuron.g_exc_bar, c.neuron.g_inh_bar, c.neuron.g_inh_bar};
  for (std::size_t t = 0; t < 4; ++t)
    g.emplace_back(d.recurrent[t], c.rule, theta.segment(static_cast<Eigen::Index>(6 * t), 6), g_bar[t], dt,
                   c.w_initial[t]);
  return g;
}

void BM_simulate(benchmark::State& state) {
  const Task task(size_config(state.range(0), static_cast<double>(state.range(1))));
#if defined(__SSE2__)
  const unsigned mxcsr = _mm_getcsr();
  if (state.range(2) == 1) _mm_setcsr(mxcsr | 0x8040);  // FTZ | DAZ: subnormals read and written as 0
#else
  if (state.range(2) == 1) state.SkipWithError("FTZ/DAZ needs SSE");
#endif
  const auto d = task.dataset({1, 0, 0});
  const Eigen::MatrixXd theta = all_plastic(task);
  double rate_e = 0.0, rate_i = 0.0, exploded = 0.0;
  for (auto _ : state) {
    const auto o = task.simulate(theta, d);
    rate_e = o[0].rate_e_hz;
    rate_i = o[0].rate_i_hz;
    exploded = o[0].exploded ? 1.0 : 0.0;
    benchmark::DoNotOptimize(o.data());
  }
  // Per-network state (SparseSynapses::state_bytes): w per synapse, pre trace and last spike per
  // pre neuron (spike-trace rules keep one pre trace per neuron), post trace per post neuron.
  double state_bytes = 0.0;
  const long long before = heap_bytes_in_use();
  {
    const auto groups = network_groups(task, d, theta.col(0));
    const long long heap = heap_bytes_in_use() - before;
    for (const auto& g : groups) state_bytes += static_cast<double>(g.state_bytes());
    state.counters["network_heap_bytes"] = static_cast<double>(heap);
  }
  const double seconds = task.config().training_time + task.config().scoring_time;
  state.counters["network_state_bytes"] = state_bytes;
  state.counters["wall_s_per_sim_s"] =
      benchmark::Counter(seconds, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["rate_e_hz"] = rate_e;
  state.counters["rate_i_hz"] = rate_i;
  state.counters["exploded"] = exploded;
#if defined(__SSE2__)
  _mm_setcsr(mxcsr);
#endif
}

// The external input as the task delivers it, alone: same Poisson stream, same groups.
double deliver_input(const Task& task, const RecurrentNetworkDataset& d) {
  using Synapses = SparseSynapses<SpikeTraceRule, float>;
  const auto& c = task.config();
  const double dt = c.neuron.dt;
  Synapses input_e = Synapses::fixed(d.input_e, c.rule, c.neuron.g_exc_bar, dt, c.input_weight);
  Synapses input_i = Synapses::fixed(d.input_i, c.rule, c.neuron.g_exc_bar, dt, c.input_weight);
  PoissonPopulation input(c.inputs, c.input_rate_hz, dt, d.input_stream);
  std::vector<float> e_exc(c.exc, 0), i_exc(c.inh, 0);
  for (std::size_t n = 0, end = c.steps(); n < end; ++n) {
    const std::span<const SparseConnectivity::index_type> from_input = input.step();
    input_e.on_pre(from_input, n, e_exc);
    input_i.on_pre(from_input, n, i_exc);
    benchmark::ClobberMemory();
  }
  return static_cast<double>(e_exc[0] + i_exc[0]);
}

void BM_input_delivery(benchmark::State& state) {
  const Task task(size_config(state.range(0)));
  const auto d = task.dataset({1, 0, 0});
  for (auto _ : state) benchmark::DoNotOptimize(deliver_input(task, d));
  const double seconds = task.config().training_time + task.config().scoring_time;
  state.counters["wall_s_per_sim_s"] =
      benchmark::Counter(seconds, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void BM_input_share(benchmark::State& state) {
  const Task task(size_config(state.range(0)));
  const auto d = task.dataset({1, 0, 0});
  const Eigen::MatrixXd theta = all_plastic(task);
  double t_input = 0.0, t_full = 0.0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(deliver_input(task, d));
    t_input += seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    const auto o = task.simulate(theta, d);
    benchmark::DoNotOptimize(o.data());
    t_full += seconds_since(t0);
  }
  const double share = t_input / t_full;
  state.counters["input_share"] = share;
  state.counters["lanes_gain_bound"] = 1.0 / (1.0 - share);
}

// The CPU time of the calling thread (s).
double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// ThreadExecutor that records each work item's thread CPU time and which worker ran it.
struct TimedThreads {
  ThreadExecutor inner;
  std::vector<double>* item_cpu;
  std::vector<std::thread::id>* item_thread;
  std::size_t concurrency() const noexcept { return inner.concurrency(); }
  template <class F>
  auto map(std::size_t n, F&& f) const {
    item_cpu->assign(n, 0.0);
    item_thread->assign(n, std::thread::id{});
    return inner.map(n, [&](std::size_t i) {
      const double t0 = thread_cpu_seconds();
      auto out = f(i);
      (*item_cpu)[i] = thread_cpu_seconds() - t0;
      (*item_thread)[i] = std::this_thread::get_id();
      return out;
    });
  }
};
static_assert(check_executor<TimedThreads>());

void BM_threads_ratio(benchmark::State& state) {
  const Task task(size_config(0, 0.5, 0.5));
  Eigen::MatrixXd thetas(24, 4);
  for (Eigen::Index c = 0; c < 4; ++c) thetas.col(c) = all_plastic(task, static_cast<double>(c) - 1.5);
  double t1 = 0.0, t2 = 0.0, cpu1 = 0.0, cpu2 = 0.0, busiest2 = 0.0;
  std::vector<double> item_cpu;
  std::vector<std::thread::id> item_thread;
  std::uint64_t generation = 0;
  for (auto _ : state) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto t0 = std::chrono::steady_clock::now();
    const Evaluation one = evaluate(task, StabilityLoss(), thetas, {.seed = 3, .generation = generation},
                                    TimedThreads{ThreadExecutor(1), &item_cpu, &item_thread});
    t1 += seconds_since(t0);
    for (const double c : item_cpu) cpu1 += c;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    t0 = std::chrono::steady_clock::now();
    const Evaluation two = evaluate(task, StabilityLoss(), thetas, {.seed = 3, .generation = generation},
                                    TimedThreads{ThreadExecutor(2), &item_cpu, &item_thread});
    t2 += seconds_since(t0);
    std::array<double, 2> per_thread{0.0, 0.0};  // the main thread's items, the worker's
    for (std::size_t i = 0; i < item_cpu.size(); ++i) {
      cpu2 += item_cpu[i];
      per_thread[item_thread[i] == std::this_thread::get_id() ? 0 : 1] += item_cpu[i];
    }
    busiest2 += std::max(per_thread[0], per_thread[1]);
    if (one.losses != two.losses) state.SkipWithError("1 and 2 threads differ");
    ++generation;
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["t1_s"] = t1 / n;
  state.counters["t2_s"] = t2 / n;
  state.counters["speedup"] = t1 / t2;
  state.counters["item_cpu_t1_s"] = cpu1 / n;
  state.counters["item_cpu_t2_s"] = cpu2 / n;
  state.counters["contention"] = cpu2 / cpu1 - 1.0;
  state.counters["cpu_speedup"] = cpu1 / busiest2;
}

}  // namespace

BENCHMARK(BM_dataset)->Arg(0)->Arg(1)->ArgName("reference")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_simulate)
    ->Args({0, 1, 0})
    ->Args({1, 1, 0})
    ->Args({1, 4, 0})
    ->Args({0, 4, 0})
    ->Args({0, 4, 1})
    ->Args({1, 4, 1})
    ->ArgNames({"reference", "training_s", "ftz"})
    ->Unit(benchmark::kSecond)
    ->UseRealTime();
BENCHMARK(BM_input_delivery)->Arg(0)->Arg(1)->ArgName("reference")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_input_share)->Arg(0)->Arg(1)->ArgName("reference")->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_threads_ratio)->Unit(benchmark::kSecond)->UseRealTime();

BENCHMARK_MAIN();
