// No leaks, bounded memory (issue 7, item 7): a long meta-learning run of a tiny task keeps
// the same heap footprint from generation 200 to generation 2000. The footprint is the
// allocator's count of bytes in use (every malloc, so Eigen's matrices too): glibc's
// mallinfo2() in normal builds, the sanitizer allocator's own count under ASan. Leaks at
// exit are LeakSanitizer's job in the asan preset (ASAN_OPTIONS=detect_leaks=1), which
// runs this test.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <limits>
#include <malloc.h>
#include <metahebb/losses/principal_vector_distance.hpp>
#include <metahebb/losses/target_rate.hpp>
#include <metahebb/meta_learner.hpp>
#include <metahebb/optim/adam_fd.hpp>
#include <metahebb/optim/cmaes.hpp>
#include <metahebb/tasks/inhibitory_balance.hpp>
#include <metahebb/tasks/principal_vector.hpp>

#if defined(__SANITIZE_ADDRESS__)
#define METAHEBB_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define METAHEBB_TEST_ASAN 1
#endif
#endif
#ifdef METAHEBB_TEST_ASAN
// From <sanitizer/allocator_interface.h>, which clang ships but g++ 12 does not; libasan exports it.
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace {
long long heap_bytes_in_use() {
#ifdef METAHEBB_TEST_ASAN
  return static_cast<long long>(__sanitizer_get_current_allocated_bytes());
#else
  const struct mallinfo2 info = mallinfo2();
  return static_cast<long long>(info.uordblks + info.hblkhd);  // arena chunks in use + mmapped chunks
#endif
}
}  // namespace

using namespace metahebb;

namespace {
struct Footprint {
  std::size_t at_first = 0, at_last = 0;
  long long first = 0, last = 0, peak = 0;

  void on_generation(const GenerationReport& r) {
    const long long bytes = heap_bytes_in_use();
    if (r.generation >= at_first) peak = std::max(peak, bytes);
    if (r.generation == at_first) first = bytes;
    if (r.generation == at_last) last = bytes;
  }
};

// A leak of one θ (27 doubles) per generation would add ~390 KB over 1800 generations and one
// byte per generation 1.8 KB; the allocator's in-use count at the same point of a generation is
// otherwise constant, up to container growth patterns (CMA-ES keeps a bounded deque of recent
// losses whose 512-byte chunks come and go): 4 KiB.
constexpr long long slack_bytes = 4096;
}  // namespace

TEST_CASE("2000 generations of CMA-ES on a tiny task: flat heap from generation 200 to 2000", "[memory][cmaes]") {
  PrincipalVectorConfig config;
  config.input.inputs = 2;
  config.datasets = 2;
  config.steps = 3;
  config.batch_size = 4;
  CmaesOptions options;
  options.sigma0 = 0.5;
  options.seed = 3;
  // Never stop before max_generations: a noisy tiny task would trip tolfun or tolx early.
  options.tolfun = 0;
  options.tolx = 0;
  options.max_condition = std::numeric_limits<double>::infinity();
  options.tolupsigma = std::numeric_limits<double>::infinity();
  MetaLearner learner(PrincipalVectorTask(config), PrincipalVectorDistance(),
                      Cmaes(Eigen::VectorXd::Zero(27), options), SerialExecutor{}, {.seed = 1, .max_generations = 2000});
  Footprint footprint{.at_first = 200, .at_last = 2000};
  const RunResult result = learner.run(footprint);
  REQUIRE(result.generations == 2000);
  INFO("heap bytes in use: " << footprint.first << " at generation 200, " << footprint.last
                              << " at 2000, peak " << footprint.peak);
  CHECK(footprint.first > 0);  // the count sees the run's allocations
  CHECK(footprint.last <= footprint.first + slack_bytes);
  CHECK(footprint.peak <= footprint.first + slack_bytes);
}

TEST_CASE("2000 Adam-FD iterations of a tiny spiking task: flat heap", "[memory][adam_fd][inhibitory_balance]") {
  InhibitoryBalanceConfig config;  // 1 s window after a 0 s training phase, 1 group of 4 + 2 afferents
  config.training_time = 0.0;
  config.scoring_time = 1.0;
  config.window = 1.0;
  config.explosion_grace = 0.0;
  config.explosion_window = 1.0;
  config.datasets = 1;
  config.neuron.dt = 1e-3;
  config.neuron.tau_ref = 5e-3;
  config.input.groups = 1;
  config.input.exc_per_group = 4;
  config.input.inh_per_group = 2;
  config.input.preferred_group = 1;
  MetaLearner learner(InhibitoryBalanceTask(config), TargetRate(), AdamFd(rules::vogels2011(5.0, 0.02)), SerialExecutor{},
                      {.seed = 1, .max_generations = 2000});
  Footprint footprint{.at_first = 200, .at_last = 2000};
  const RunResult result = learner.run(footprint);
  REQUIRE(result.generations == 2000);
  INFO("heap bytes in use: " << footprint.first << " at generation 200, " << footprint.last
                              << " at 2000, peak " << footprint.peak);
  CHECK(footprint.first > 0);
  CHECK(footprint.last <= footprint.first + slack_bytes);
  CHECK(footprint.peak <= footprint.first + slack_bytes);
}
