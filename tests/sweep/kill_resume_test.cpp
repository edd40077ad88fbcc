// A sweep killed with SIGKILL and restarted loses and duplicates nothing: the child process
// (sweep_child.cpp: two filtering rounds of the §3.3 task, one chunk per work item) is killed
// in the middle of its second round, run again on the same store, and the store is compared
// bit for bit with an uninterrupted run's.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <metahebb/io/atomic_file.hpp>
#include <metahebb/sweep/store.hpp>
#include <metahebb/sweep/sweep.hpp>
#include <metahebb/sweep/task_metrics.hpp>
#include <string>
#include <thread>

#include "sweep_fixtures.hpp"

using namespace metahebb;
using namespace metahebb::sweep;
namespace fs = std::filesystem;

namespace {
pid_t spawn(const std::string& dir) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::execl(METAHEBB_SWEEP_CHILD, METAHEBB_SWEEP_CHILD, dir.c_str(), "96", "1", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}
int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}
std::size_t manifest_lines(const fs::path& dir) {
  std::ifstream in(dir / "manifest.txt");
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}
}  // namespace

TEST_CASE("a sweep killed with SIGKILL resumes to the uninterrupted run's store, bit for bit", "[sweep][store]") {
  const auto whole = fs::temp_directory_path() / "metahebb_kill_whole";
  const auto killed = fs::temp_directory_path() / "metahebb_kill_resumed";
  fs::remove_all(whole);
  fs::remove_all(killed);
  REQUIRE(wait_for(spawn(whole.string())) == 0);

  // Round 0 is 6 chunks of 16 rules; kill once round 1 has committed 2 chunks.
  const pid_t child = spawn(killed.string());
  const auto start = std::chrono::steady_clock::now();
  while (manifest_lines(killed) < 8 && std::chrono::steady_clock::now() - start < std::chrono::seconds(60))
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  ::kill(child, SIGKILL);
  const int status = wait_for(child);
  REQUIRE(WIFSIGNALED(status));  // it was killed, not finished
  const std::size_t before = manifest_lines(killed);
  CHECK(before >= 8);
  CHECK(before < 12);  // the second round was not complete

  REQUIRE(wait_for(spawn(killed.string())) == 0);
  const auto task = test::short_single_neuron_task();
  const StoreLayout layout = store_layout(task, "{\"test\": \"sweep_child\"}");
  const Records a = RuleStore(whole.string(), layout).records(), b = RuleStore(killed.string(), layout).records();
  REQUIRE(a.size() == 192);
  REQUIRE(b.size() == 192);
  // The child commits in id order, so the records line up row by row.
  CHECK(a.rule_id == b.rule_id);
  CHECK(a.round == b.round);
  CHECK(a.seed == b.seed);
  CHECK(std::memcmp(a.theta.data(), b.theta.data(), sizeof(double) * static_cast<std::size_t>(a.theta.size())) == 0);
  CHECK(std::memcmp(a.metrics.data(), b.metrics.data(), sizeof(double) * static_cast<std::size_t>(a.metrics.size())) == 0);
  CHECK(io::read_file((whole / "round-0001.npy").string()) == io::read_file((killed / "round-0001.npy").string()));
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a.rule_id[i] == i);
  fs::remove_all(whole);
  fs::remove_all(killed);
}
