// Replays the committed fuzz corpora (tests/fuzz/corpus/<target>/) through the fuzz
// targets' bodies in every build (g++, clang, ASan/UBSan), so the seeds and every input
// once worth keeping stay regression tests without libFuzzer.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "targets.hpp"

namespace {
std::size_t replay(const std::string& target, int (*body)(const std::uint8_t*, std::size_t)) {
  const std::filesystem::path dir = std::filesystem::path(METAHEBB_SOURCE_DIR) / "tests/fuzz/corpus" / target;
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    INFO(entry.path().string());
    CHECK(body(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) == 0);
    ++files;
  }
  return files;
}
}  // namespace

TEST_CASE("the rule-spec fuzz corpus replays without a broken invariant", "[fuzz][rule_spec]") {
  CHECK(replay("rule_spec", metahebb_fuzz::rule_spec) >= 10);
}

TEST_CASE("the command-line fuzz corpus replays without a broken invariant", "[fuzz][cli]") {
  CHECK(replay("command_line", metahebb_fuzz::command_line) >= 10);
}

TEST_CASE("the checkpoint fuzz corpus replays without a broken invariant", "[fuzz][checkpoint]") {
  CHECK(replay("checkpoint", metahebb_fuzz::checkpoint) >= 10);
}

TEST_CASE("the constraints fuzz corpus replays without a broken invariant", "[fuzz][constraints]") {
  CHECK(replay("constraints", metahebb_fuzz::constraints) >= 10);
}
