#include <catch2/catch.hpp>

#include <cmath>
#include <metahebb/core/random.hpp>

using metahebb::Purpose;
using metahebb::RandomStream;
using metahebb::StreamKey;

TEST_CASE("a stream is a pure function of its key", "[random]") {
  RandomStream a(StreamKey{7, 3, 2, 1, Purpose::dataset});
  RandomStream b(StreamKey{7, 3, 2, 1, Purpose::dataset});
  for (int i = 0; i < 100; ++i) REQUIRE(a() == b());
}

TEST_CASE("every field of the key changes the stream", "[random]") {
  const StreamKey base{7, 3, 2, 1, Purpose::dataset};
  const auto first = [](StreamKey k) { return RandomStream(k)(); };
  const auto reference = first(base);
  auto k = base;
  k.seed = 8;
  CHECK(first(k) != reference);
  k = base;
  k.generation = 4;
  CHECK(first(k) != reference);
  k = base;
  k.candidate = 3;
  CHECK(first(k) != reference);
  k = base;
  k.dataset = 2;
  CHECK(first(k) != reference);
  k = base;
  k.purpose = Purpose::optimiser;
  CHECK(first(k) != reference);
}

TEST_CASE("normal variates have mean 0 and variance 1", "[random]") {
  // n = 200000: the standard error of the mean is 1/sqrt(n) = 0.0022 and of the variance
  // sqrt(2/n) = 0.0032; the tolerances are 5 standard errors.
  RandomStream r(StreamKey{1, 0, 0, 0, Purpose::user});
  const int n = 200000;
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double x = r.normal();
    sum += x;
    sum_sq += x * x;
  }
  const double mean = sum / n;
  CHECK(std::abs(mean) < 5 * 0.0022);
  CHECK(std::abs(sum_sq / n - mean * mean - 1.0) < 5 * 0.0032);
}

TEST_CASE("uniform variates stay in [a, b) with the right mean", "[random]") {
  RandomStream r(StreamKey{2, 0, 0, 0, Purpose::user});
  double sum = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform(0.5, 2.0);
    REQUIRE(u >= 0.5);
    REQUIRE(u < 2.0);
    sum += u;
  }
  // standard error: 1.5 / sqrt(12 n) = 0.00137; tolerance 5 standard errors
  CHECK(std::abs(sum / n - 1.25) < 5 * 0.00137);
}

TEST_CASE("normal variates have the right shape: quantiles, kurtosis and tail", "[random]") {
  // n = 400000 draws. Tolerances are 5 standard errors of each statistic:
  //   P(x < q): sqrt(p (1 - p) / n) ≤ 0.00079;  E[x^4] = 3: sqrt((105 - 9) / n) = 0.0155;
  //   the ziggurat's tail (|x| > r = 3.4426): expected n·5.76e-4 = 230.5, sd ≈ 15.2.
  RandomStream r(StreamKey{3, 0, 0, 0, Purpose::user});
  const int n = 400000;
  const double quantiles[] = {-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0};
  const double expected[] = {0.0227501, 0.1586553, 0.3085375, 0.5, 0.6914625, 0.8413447, 0.9772499};
  int below[7] = {};
  int tail = 0;
  double fourth = 0;
  for (int i = 0; i < n; ++i) {
    const double x = r.normal();
    for (int q = 0; q < 7; ++q) below[q] += x < quantiles[q];
    tail += std::abs(x) > 3.442619855899;
    fourth += x * x * x * x;
  }
  for (int q = 0; q < 7; ++q) {
    INFO("P(x < " << quantiles[q] << ")");
    CHECK(std::abs(below[q] / double(n) - expected[q]) < 5 * 0.00079);
  }
  CHECK(std::abs(fourth / n - 3.0) < 5 * 0.0155);
  CHECK(std::abs(tail - 230.5) < 5 * 15.2);
}
