// PoissonPopulation (inputs/poisson.hpp): n Poisson neurons by superposition on a pooled
// exponential clock; rates, count statistics, rate schedules, snapshots, errors.
#include <metahebb/inputs/poisson.hpp>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

using namespace metahebb;

namespace {
RandomStream stream(std::uint64_t seed) { return RandomStream(seed, Purpose::dataset); }

// Spike counts per neuron over `steps` steps.
std::vector<double> counts(PoissonPopulation& p, std::size_t steps) {
  std::vector<double> c(p.size(), 0.0);
  for (std::size_t n = 0; n < steps; ++n)
    for (const auto i : p.step()) c[i] += 1.0;
  return c;
}
double sum(const std::vector<double>& x) {
  double s = 0;
  for (const double v : x) s += v;
  return s;
}
}  // namespace

TEST_CASE("PoissonPopulation: mean rate and Fano factor", "[poisson]") {
  // 1000 neurons at 20 Hz, dt = 0.1 ms, ten windows of 1 s.
  PoissonPopulation p(1000, 20.0, 1e-4, stream(42));
  std::vector<double> samples;  // count of one neuron in one window: Poisson(20)
  for (int window = 0; window < 10; ++window) {
    const auto c = counts(p, 10000);
    samples.insert(samples.end(), c.begin(), c.end());
  }
  CHECK(p.steps() == 100000);
  const double N = static_cast<double>(samples.size());  // 10^4 samples
  const double mean = sum(samples) / N;
  double ss = 0;
  for (const double x : samples) ss += (x - mean) * (x - mean);
  const double fano = ss / (N - 1) / mean;
  // The total count is Poisson(2·10^5): the sample mean has sd sqrt(20/10^4) = 0.045;
  // tolerance 5 sd = 0.22 (1.1 % of the rate).
  CHECK(std::abs(mean - 20.0) < 0.22);
  // For Poisson(λ) the sample variance over N samples has variance ≈ (μ4 − σ⁴)/N with
  // μ4 = λ + 3λ², i.e. (λ + 2λ²)/N = 0.082 for λ = 20, sd 0.29, so the Fano factor has sd
  // 0.29/20 = 0.014; tolerance 5 sd = 0.072. Unequal rates across neurons (a biased pick)
  // would raise it; regular spiking lower it.
  CHECK(std::abs(fano - 1.0) < 0.072);
}

TEST_CASE("PoissonPopulation: the population count per step is Poisson(n ρ dt)", "[poisson]") {
  // n ρ dt = 500 · 40 · 1e-3 = 20 spikes per step over 10^4 steps: the same bounds as above
  // (mean sd 0.045, Fano sd 0.014; 5 sd). Checks the clock (the gaps), independent of the pick.
  PoissonPopulation p(500, 40.0, 1e-3, stream(43));
  std::vector<double> per_step;
  for (int n = 0; n < 10000; ++n) per_step.push_back(static_cast<double>(p.step().size()));
  const double N = static_cast<double>(per_step.size());
  const double mean = sum(per_step) / N;
  double ss = 0;
  for (const double x : per_step) ss += (x - mean) * (x - mean);
  CHECK(std::abs(mean - 20.0) < 0.22);
  CHECK(std::abs(ss / (N - 1) / mean - 1.0) < 0.072);
}

TEST_CASE("PoissonPopulation: changing the rate between steps changes the count", "[poisson]") {
  // 1000 neurons, 2 s at 10 Hz, then 2 s at 40 Hz, then 1 s at 0 Hz. Expected totals 2·10^4
  // and 8·10^4 (Poisson: sd 141 and 283; tolerance 5 sd), and exactly 0.
  PoissonPopulation p(1000, 10.0, 1e-4, stream(44));
  const double low = sum(counts(p, 20000));
  p.set_rate(40.0);
  CHECK(p.rate() == 40.0);
  const double high = sum(counts(p, 20000));
  p.set_rate(0.0);
  const double none = sum(counts(p, 10000));
  CHECK(std::abs(low - 2e4) < 5.0 * 141.4);
  CHECK(std::abs(high - 8e4) < 5.0 * 282.8);
  CHECK(none == 0.0);
  // And back: the pending gap carried over, the rate applies at once (10 Hz for 1 s: 10^4, sd 100).
  p.set_rate(10.0);
  CHECK(std::abs(sum(counts(p, 10000)) - 1e4) < 500.0);
}

TEST_CASE("PoissonPopulation: a copy is a snapshot; the same seed gives the same spikes", "[poisson]") {
  PoissonPopulation a(300, 15.0, 1e-4, stream(45));
  for (int n = 0; n < 1000; ++n) a.step();
  PoissonPopulation snapshot = a;
  std::vector<std::uint32_t> from_a, from_snapshot;
  std::vector<std::size_t> steps_a, steps_snapshot;
  for (int n = 0; n < 20000; ++n) {
    if (n == 5000) a.set_rate(30.0), snapshot.set_rate(30.0);
    for (const auto i : a.step()) from_a.push_back(i), steps_a.push_back(a.steps());
    for (const auto i : snapshot.step()) from_snapshot.push_back(i), steps_snapshot.push_back(snapshot.steps());
  }
  CHECK(from_a.size() > 1000);
  CHECK(from_a == from_snapshot);
  CHECK(steps_a == steps_snapshot);

  PoissonPopulation b(300, 15.0, 1e-4, stream(45)), c(300, 15.0, 1e-4, stream(46));
  std::vector<std::uint32_t> from_b, from_c, from_b2;
  PoissonPopulation b2(300, 15.0, 1e-4, stream(45));
  for (int n = 0; n < 5000; ++n) {
    for (const auto i : b.step()) from_b.push_back(i);
    for (const auto i : b2.step()) from_b2.push_back(i);
    for (const auto i : c.step()) from_c.push_back(i);
  }
  CHECK(from_b == from_b2);
  CHECK(from_b != from_c);
}

TEST_CASE("PoissonPopulation: errors name the field and the value", "[poisson]") {
  const RandomStream r = stream(1);
  CHECK_THROWS_WITH(PoissonPopulation(0, 5.0, 1e-4, r), Catch::Contains("poisson.n = 0"));
  CHECK_THROWS_WITH(PoissonPopulation(std::size_t{1} << 32, 5.0, 1e-4, r), Catch::Contains("poisson.n = 4294967296"));
  CHECK_THROWS_WITH(PoissonPopulation(10, -1.0, 1e-4, r), Catch::Contains("poisson.rate = -1"));
  CHECK_THROWS_WITH(PoissonPopulation(10, std::nan(""), 1e-4, r), Catch::Contains("poisson.rate = nan"));
  CHECK_THROWS_WITH(PoissonPopulation(10, std::numeric_limits<double>::infinity(), 1e-4, r),
                    Catch::Contains("poisson.rate = inf"));
  CHECK_THROWS_WITH(PoissonPopulation(10, 5.0, 0.0, r), Catch::Contains("poisson.dt = 0"));
  CHECK_THROWS_WITH(PoissonPopulation(1000000, 1e9, 1e-3, r), Catch::Contains("poisson.rate = 1000000000") &&
                                                                  Catch::Contains("expected spikes per step"));
  PoissonPopulation p(10, 5.0, 1e-4, r);
  CHECK_THROWS_WITH(p.set_rate(-3.0), Catch::Contains("poisson.rate = -3"));
  CHECK(p.rate() == 5.0);  // a refused rate leaves the old one
}
