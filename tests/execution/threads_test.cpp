#include <catch2/catch.hpp>

#include <atomic>
#include <metahebb/execution/serial.hpp>
#include <metahebb/execution/threads.hpp>
#include <stdexcept>
#include <vector>

TEST_CASE("every item runs exactly once, whatever the thread count", "[threads]") {
  for (std::size_t threads : {1u, 2u, 3u, 8u}) {
    const metahebb::ThreadExecutor executor(threads);
    CHECK(executor.concurrency() == threads);
    std::vector<std::atomic<int>> hits(37);
    executor.for_each(hits.size(), [&](std::size_t i) { ++hits[i]; });
    for (auto& h : hits) CHECK(h.load() == 1);
  }
  CHECK(metahebb::ThreadExecutor(0).concurrency() >= 1);
}

TEST_CASE("an exception in an item reaches the caller", "[threads]") {
  const metahebb::ThreadExecutor executor(2);
  CHECK_THROWS_WITH(executor.for_each(10, [](std::size_t i) {
    if (i == 7) throw std::runtime_error("item 7 failed");
  }), "item 7 failed");
}

TEST_CASE("absurd thread counts are rejected by name", "[threads]") {
  CHECK_THROWS_WITH(metahebb::ThreadExecutor(100000), Catch::Contains("threads") && Catch::Contains("100000"));
}

TEST_CASE("map returns every item's result in item order, whatever the thread count", "[threads]") {
  auto item = [](std::size_t i) { return std::vector<double>(i % 4, 0.5 * static_cast<double>(i)); };
  const auto serial = metahebb::SerialExecutor{}.map(29, item);
  REQUIRE(serial.size() == 29);
  for (std::size_t i = 0; i < serial.size(); ++i) CHECK(serial[i] == item(i));
  for (std::size_t threads : {1u, 2u, 3u, 8u}) CHECK(metahebb::ThreadExecutor(threads).map(29, item) == serial);
  CHECK(metahebb::ThreadExecutor(2).map(0, item).empty());
  CHECK_THROWS_WITH(metahebb::ThreadExecutor(2).map(10, [](std::size_t i) -> std::vector<double> {
    if (i == 3) throw std::runtime_error("item 3 failed");
    return {};
  }), "item 3 failed");
}
