// SparseConnectivity (simulation/connectivity.hpp): CSR and CSC views of one set of synapses,
// built from pairs, at random with probability p (geometric skipping), or all to all.
#include <metahebb/simulation/connectivity.hpp>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

using namespace metahebb;
using Pair = std::pair<std::uint32_t, std::uint32_t>;

namespace {
// Checks that CSR and CSC describe the same synapses: rows strictly increasing, every
// synapse once in the CSC, columns by strictly increasing pre, offsets consistent.
void check_consistent(const SparseConnectivity& c) {
  const auto rows = c.row_offsets();
  const auto cols = c.col_offsets();
  REQUIRE(rows.size() == c.n_pre() + 1);
  REQUIRE(cols.size() == c.n_post() + 1);
  REQUIRE(rows.front() == 0);
  REQUIRE(rows.back() == c.size());
  REQUIRE(cols.front() == 0);
  REQUIRE(cols.back() == c.size());
  REQUIRE(c.post_indices().size() == c.size());
  REQUIRE(c.col_synapses().size() == c.size());
  REQUIRE(c.col_pre().size() == c.size());
  std::vector<std::uint32_t> pre_of(c.size());
  for (std::size_t i = 0; i < c.n_pre(); ++i) {
    REQUIRE(rows[i] <= rows[i + 1]);
    const auto posts = c.posts_of(i);
    REQUIRE(posts.size() == c.out_degree(i));
    for (std::size_t k = 0; k < posts.size(); ++k) {
      REQUIRE(posts[k] < c.n_post());
      if (k) REQUIRE(posts[k - 1] < posts[k]);
    }
    for (std::uint32_t s = rows[i]; s < rows[i + 1]; ++s) pre_of[s] = static_cast<std::uint32_t>(i);
  }
  std::vector<int> seen(c.size(), 0);
  for (std::size_t j = 0; j < c.n_post(); ++j) {
    REQUIRE(cols[j] <= cols[j + 1]);
    const auto synapses = c.synapses_onto(j);
    const auto pres = c.pres_of(j);
    REQUIRE(synapses.size() == c.in_degree(j));
    REQUIRE(pres.size() == synapses.size());
    for (std::size_t k = 0; k < synapses.size(); ++k) {
      const std::uint32_t s = synapses[k];
      REQUIRE(s < c.size());
      REQUIRE(c.post_indices()[s] == j);
      REQUIRE(pre_of[s] == pres[k]);
      if (k) REQUIRE(pres[k - 1] < pres[k]);
      ++seen[s];
    }
  }
  for (const int n : seen) REQUIRE(n == 1);
}

std::vector<Pair> pairs_of(const SparseConnectivity& c) {
  std::vector<Pair> out;
  for (std::size_t i = 0; i < c.n_pre(); ++i)
    for (const std::uint32_t j : c.posts_of(i)) out.emplace_back(static_cast<std::uint32_t>(i), j);
  return out;
}
}  // namespace

TEST_CASE("SparseConnectivity from pairs: sorted CSR, consistent CSC, in any input order", "[connectivity]") {
  const std::vector<Pair> pairs{{2, 1}, {0, 3}, {2, 0}, {0, 0}, {1, 3}, {3, 2}};
  const auto c = SparseConnectivity::from_pairs(4, 5, pairs);
  check_consistent(c);
  CHECK(c.size() == 6);
  CHECK(pairs_of(c) == std::vector<Pair>{{0, 0}, {0, 3}, {1, 3}, {2, 0}, {2, 1}, {3, 2}});
  CHECK(c.in_degree(0) == 2);
  CHECK(c.in_degree(3) == 2);
  CHECK(c.in_degree(4) == 0);
  // Synapses onto post 3 are those from pre 0 and 1: ids 1 and 2 in CSR order.
  CHECK(std::vector<std::uint32_t>(c.synapses_onto(3).begin(), c.synapses_onto(3).end()) ==
        std::vector<std::uint32_t>{1, 2});
  CHECK(std::vector<std::uint32_t>(c.pres_of(3).begin(), c.pres_of(3).end()) == std::vector<std::uint32_t>{0, 1});

  const auto empty = SparseConnectivity::from_pairs(3, 2, std::vector<Pair>{});
  check_consistent(empty);
  CHECK(empty.size() == 0);
}

TEST_CASE("SparseConnectivity from pairs: errors name the pair and the value", "[connectivity]") {
  const std::vector<Pair> out_of_range_post{{0, 0}, {1, 7}};
  CHECK_THROWS_WITH(SparseConnectivity::from_pairs(2, 5, out_of_range_post),
                    Catch::Contains("connectivity.pairs[1].post = 7") && Catch::Contains("< n_post (5)"));
  const std::vector<Pair> out_of_range_pre{{3, 0}};
  CHECK_THROWS_WITH(SparseConnectivity::from_pairs(2, 5, out_of_range_pre),
                    Catch::Contains("connectivity.pairs[0].pre = 3"));
  const std::vector<Pair> duplicate{{1, 2}, {0, 0}, {1, 2}};
  CHECK_THROWS_WITH(SparseConnectivity::from_pairs(2, 5, duplicate),
                    Catch::Contains("connectivity.pairs = (1, 2)") && Catch::Contains("once"));
  CHECK_THROWS_WITH(SparseConnectivity::from_pairs(std::size_t{1} << 32, 5, duplicate),
                    Catch::Contains("connectivity.n_pre"));
}

TEST_CASE("SparseConnectivity all to all", "[connectivity]") {
  const auto c = SparseConnectivity::all_to_all(7, 3);
  check_consistent(c);
  CHECK(c.size() == 21);
  for (std::size_t i = 0; i < 7; ++i) CHECK(c.out_degree(i) == 3);
  for (std::size_t j = 0; j < 3; ++j) CHECK(c.in_degree(j) == 7);
  CHECK(c.post_indices()[4] == 1);  // synapse 4 = (1, 1)
  // 10^5 × 10^5 = 10^10 synapses: refused before allocating.
  CHECK_THROWS_WITH(SparseConnectivity::all_to_all(100000, 100000),
                    Catch::Contains("connectivity.n_pre * n_post = 100000 * 100000"));
}

TEST_CASE("SparseConnectivity at random: in-degrees are Binomial(n_pre, p)", "[connectivity]") {
  // n_pre = n_post = 1000, p = 0.1 (the fSBI recurrent networks' p). The number of synapses is
  // Binomial(10^6, 0.1): mean 10^5, sd sqrt(10^6 · 0.1 · 0.9) = 300, so the mean in-degree
  // (count / 1000) has sd 0.3; tolerance 5 sd = 1.5. Each in-degree is Binomial(1000, 0.1) with
  // variance 90; for a near-normal variable the sample variance over N = 1000 neurons has sd
  // ≈ 90 · sqrt(2/(N − 1)) = 4.0, tolerance 5 sd = 20 (a fixed in-degree would give 0, a
  // generator mixing two p's more than 90). Likewise the out-degrees.
  RandomStream stream(20240611, Purpose::initial_weights);
  const auto c = SparseConnectivity::random(1000, 1000, 0.1, stream);
  check_consistent(c);
  const double mean_in = static_cast<double>(c.size()) / 1000.0;
  CHECK(std::abs(mean_in - 100.0) < 1.5);
  auto variance = [&](auto degree) {
    double s = 0, s2 = 0;
    for (std::size_t k = 0; k < 1000; ++k) {
      const double d = static_cast<double>(degree(k));
      s += d;
      s2 += d * d;
    }
    return (s2 - s * s / 1000.0) / 999.0;
  };
  CHECK(std::abs(variance([&](std::size_t j) { return c.in_degree(j); }) - 90.0) < 20.0);
  CHECK(std::abs(variance([&](std::size_t i) { return c.out_degree(i); }) - 90.0) < 20.0);
  // Autapses are allowed by default: about p · 1000 = 100 of them (Binomial, sd 9.5; 5 sd).
  std::size_t autapses = 0;
  for (std::size_t i = 0; i < 1000; ++i)
    for (const std::uint32_t j : c.posts_of(i)) autapses += j == i;
  CHECK(std::abs(static_cast<double>(autapses) - 100.0) < 48.0);
}

TEST_CASE("SparseConnectivity at random: without autapses", "[connectivity]") {
  // p = 0.3 over the 400 · 399 = 159600 off-diagonal pairs: mean 47880, sd sqrt(159600 · 0.21)
  // = 183; tolerance 5 sd. No synapse i → i.
  RandomStream stream(7, Purpose::initial_weights);
  const auto c = SparseConnectivity::random(400, 400, 0.3, stream, false);
  check_consistent(c);
  for (std::size_t i = 0; i < 400; ++i)
    for (const std::uint32_t j : c.posts_of(i)) REQUIRE(j != i);
  CHECK(std::abs(static_cast<double>(c.size()) - 47880.0) < 5.0 * 183.0);
  // The last post is reachable (j' = n − 2 maps to n − 1 for every pre but the last).
  CHECK(c.in_degree(399) > 0);

  // p = 1: exactly every off-diagonal pair; p = 0: nothing.
  const auto full = SparseConnectivity::random(50, 50, 1.0, stream, false);
  check_consistent(full);
  CHECK(full.size() == 50 * 49);
  for (std::size_t i = 0; i < 50; ++i) CHECK(full.out_degree(i) == 49);
  const auto all = SparseConnectivity::random(20, 30, 1.0, stream);
  CHECK(pairs_of(all) == pairs_of(SparseConnectivity::all_to_all(20, 30)));
  const auto none = SparseConnectivity::random(50, 50, 0.0, stream, false);
  check_consistent(none);
  CHECK(none.size() == 0);
  const auto one = SparseConnectivity::random(1, 1, 1.0, stream, false);  // a single neuron, no autapse
  CHECK(one.size() == 0);
}

TEST_CASE("SparseConnectivity at random: a pure function of the stream", "[connectivity]") {
  RandomStream a(99, Purpose::initial_weights), b(99, Purpose::initial_weights), other(100, Purpose::initial_weights);
  const auto ca = SparseConnectivity::random(300, 200, 0.05, a);
  const auto cb = SparseConnectivity::random(300, 200, 0.05, b);
  const auto cc = SparseConnectivity::random(300, 200, 0.05, other);
  CHECK(ca == cb);
  CHECK_FALSE(ca == cc);
  CHECK(a() == b());  // both streams advanced alike
  // A second draw from the advanced stream is a different matrix.
  CHECK_FALSE(SparseConnectivity::random(300, 200, 0.05, a) == ca);

  // Golden values recorded on x86-64 Linux (glibc): the same seed must give this matrix on
  // any machine. A change here means the generator or the platform's log changed.
  RandomStream g(1, Purpose::initial_weights);
  const auto golden = SparseConnectivity::random(100, 80, 0.1, g);
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a over (pre, post)
  for (const auto& [i, j] : pairs_of(golden))
    for (const std::uint32_t x : {i, j}) hash = (hash ^ x) * 1099511628211ULL;
  CHECK(golden.size() == 786);  // of 8000 pairs at p = 0.1: mean 800, sd 8.5
  CHECK(hash == 15282931003727800545ULL);
}

TEST_CASE("SparseConnectivity at random: O(synapses), not O(n_pre · n_post)", "[connectivity]") {
  // 10^6 × 10^6 = 10^12 pairs at p = 10^-7: about 10^5 synapses. Visiting every pair would
  // take minutes; geometric skipping takes milliseconds. Count: Binomial, sd ≈ 316; 5 sd.
  RandomStream stream(3, Purpose::initial_weights);
  const auto c = SparseConnectivity::random(1000000, 1000000, 1e-7, stream);
  CHECK(std::abs(static_cast<double>(c.size()) - 1e5) < 5.0 * 316.3);
  CHECK(c.row_offsets().back() == c.size());
}

TEST_CASE("SparseConnectivity at random: errors name the field and the value", "[connectivity]") {
  RandomStream stream(1, Purpose::initial_weights);
  CHECK_THROWS_WITH(SparseConnectivity::random(10, 10, -0.1, stream), Catch::Contains("connectivity.p = -0.1"));
  CHECK_THROWS_WITH(SparseConnectivity::random(10, 10, 1.5, stream), Catch::Contains("connectivity.p = 1.5"));
  CHECK_THROWS_WITH(SparseConnectivity::random(10, 10, std::nan(""), stream), Catch::Contains("connectivity.p = nan"));
  CHECK_THROWS_WITH(SparseConnectivity::random(10, 12, 0.5, stream, false),
                    Catch::Contains("connectivity.autapses") && Catch::Contains("n_pre == n_post"));
  CHECK_THROWS_WITH(SparseConnectivity::random(std::size_t{1} << 31, std::size_t{1} << 31, 0.5, stream),
                    Catch::Contains("connectivity.p = 0.5") && Catch::Contains("2^31"));
  CHECK_THROWS_WITH(SparseConnectivity::random(10, (std::size_t{1} << 31) + 1, 0.5, stream),
                    Catch::Contains("connectivity.n_post = 2147483649"));
}
