// Network metrics (observations/network_metrics.hpp; docs/network-metrics.md) on synthetic
// spike trains with known answers: homogeneous Poisson, perfectly regular, and sinusoidally
// modulated trains generated here from RandomStream with fixed seeds; weights at the bounds and
// with a known drift; invalid inputs.
//
// Tolerances: unless said otherwise, a tolerance is about 5 standard deviations of the
// statistic's sampling distribution, derived from the sample sizes in the comment next to it
// (and checked against other seeds while writing the test), so a correct implementation
// fails with probability far below 1e-5 while an error in a formula (a missing factor, a
// wrong bin, a wrong normalisation) moves the value by many tolerances.
#include <metahebb/core/random.hpp>
#include <metahebb/observations/network_metrics.hpp>

#include <catch2/catch.hpp>
#include <cmath>
#include <complex>
#include <cstdint>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

using namespace metahebb;

namespace {
using Pairs = std::vector<std::pair<std::uint32_t, double>>;

// n independent Poisson trains on [t0, t1) with rate r (1 + m sin(2π f (t − t0))) Hz, by
// thinning a homogeneous process of rate r (1 + m) (m = 0: homogeneous, no thinning).
SpikeRecord poisson(std::size_t n, double rate, double t0, double t1, std::uint64_t seed, double m = 0.0,
                    double f = 10.0) {
  RandomStream rng(seed, Purpose::user);
  Pairs s;
  const double rmax = rate * (1.0 + m);
  for (std::uint32_t i = 0; i < n; ++i) {
    double t = t0;
    for (;;) {
      t += -std::log(1.0 - rng.uniform()) / rmax;
      if (t >= t1) break;
      if (m == 0.0 || rng.uniform() * rmax < rate * (1.0 + m * std::sin(2.0 * std::numbers::pi * f * (t - t0))))
        s.emplace_back(i, t);
    }
  }
  return SpikeRecord::from_pairs(n, t0, t1, s, "exc");
}

// n regular trains at 10 Hz on [t0, t0 + 10): neuron i spikes at t0 + φ_i + 0.1 k with
// φ_i = 10.5 ms + 10 ms (i mod 8), half a millisecond from every 1, 10 and 100 ms bin edge.
SpikeRecord regular(std::size_t n, double t0) {
  Pairs s;
  for (std::uint32_t i = 0; i < n; ++i)
    for (int k = 0; k < 100; ++k) s.emplace_back(i, t0 + 0.0105 + 0.01 * (i % 8) + 0.1 * k);
  return SpikeRecord::from_pairs(n, t0, t0 + 10.0, s, "exc");
}

// The field named by the invalid_configuration that `f` throws ("" if none).
template <class F>
std::string thrown_field(F&& f) {
  try {
    f();
  } catch (const invalid_configuration& e) {
    return e.field();
  }
  return "";
}
}  // namespace

TEST_CASE("network metrics: the DFT of any length matches the direct sum", "[network_metrics]") {
  // Powers of two (radix-2) and other lengths (Bluestein), against Σ_t x_t e^{−2πi kt/n}.
  RandomStream rng(7, Purpose::user);
  for (const std::size_t n : {1u, 2u, 3u, 5u, 8u, 12u, 64u, 100u, 127u, 1000u}) {
    std::vector<double> x(n);
    for (auto& v : x) v = rng.normal();
    const auto X = detail::dft(x);
    REQUIRE(X.size() == n);
    double worst = 0.0;
    for (std::size_t k = 0; k < n; ++k) {
      std::complex<double> direct = 0.0;
      for (std::size_t t = 0; t < n; ++t)
        direct += x[t] * std::polar(1.0, -2.0 * std::numbers::pi * static_cast<double>((k * t) % n) /
                                             static_cast<double>(n));
      worst = std::max(worst, std::abs(X[k] - direct));
    }
    // Rounding of O(log n) stages on |x| ~ 1 sums of size ~ sqrt(n): far below 1e-9.
    CHECK(worst < 1e-9);
  }
}

TEST_CASE("network metrics: exact rates, spreads and CV on a hand-made record", "[network_metrics]") {
  // 3 neurons on [2, 4): 4 spikes with ISIs 0.1, 0.2, 0.3; 2 spikes; none.
  const Pairs s{{1, 2.5}, {0, 2.0}, {0, 2.1}, {1, 3.5}, {0, 2.6}, {0, 2.3}};
  const auto r = SpikeRecord::from_pairs(3, 2.0, 4.0, s, "exc");
  CHECK(r.offsets == std::vector<std::size_t>{0, 4, 6, 6});
  CHECK(r.times == std::vector<double>{2.0, 2.1, 2.3, 2.6, 2.5, 3.5});
  const auto m = compute_spike_metrics(r);
  CHECK(m.rate_e_hz == Approx(6.0 / (3 * 2.0)));
  // Per-neuron rates 2, 1, 0 Hz: population std sqrt(2/3).
  CHECK(m.std_rate_spatial == Approx(std::sqrt(2.0 / 3.0)));
  // Only neuron 0 has >= 4 spikes: ISIs 0.1, 0.2, 0.3, mean 0.2, std sqrt(0.02/3).
  CHECK(m.cv_isi == Approx(std::sqrt(0.02 / 3.0) / 0.2));
  CHECK(m.std_cv == Approx(0.0).margin(1e-12));
  // A neuron with 3 spikes is not enough with the default k = 4, but is with k = 3.
  NetworkMetricsSettings three;
  three.cv_min_spikes = 3;
  const auto r3 = SpikeRecord::from_pairs(1, 0.0, 1.0, Pairs{{0, 0.1}, {0, 0.2}, {0, 0.5}}, "exc");
  CHECK(std::isnan(compute_spike_metrics(r3).cv_isi));
  // ISIs 0.1, 0.3: mean 0.2, std 0.1.
  CHECK(compute_spike_metrics(r3, three).cv_isi == Approx(0.5));
}

TEST_CASE("network metrics: homogeneous Poisson trains", "[network_metrics]") {
  // 200 neurons at 10 Hz over [5, 15): ~20000 spikes, ~100 per neuron.
  const std::size_t n = 200;
  const double rate = 10.0, T = 10.0;
  const auto r = poisson(n, rate, 5.0, 15.0, 1);
  const auto m = compute_spike_metrics(r);

  // The total count is Poisson(n r T = 20000): rate sd = sqrt(20000)/(n T) = 0.071 Hz; 5 sd.
  CHECK(std::abs(m.rate_e_hz - rate) < 5.0 * std::sqrt(n * rate * T) / (n * T));
  // Counts per neuron are Poisson(100): rates have sd 1 Hz; the sample sd over 200 neurons has
  // sd ≈ 1/sqrt(2·200) = 0.05.
  CHECK(std::abs(m.std_rate_spatial - 1.0) < 0.25);
  // CV of ~99 exponential ISIs: the delta method gives Var(CV) ≈ 1/N, sd 0.1 per neuron, 0.007 for the
  // mean over 200 neurons; the ddof-0 estimator is biased low by O(1/N) ≈ 0.01.
  CHECK(std::abs(m.cv_isi - 1.0) < 0.05);
  // std_cv estimates that per-neuron sd, 1/sqrt(99) = 0.1; its own sampling sd is ≈ 0.1/sqrt(400)
  // = 0.005 plus the spread of N across neurons.
  CHECK(std::abs(m.std_cv - 0.1) < 0.025);
  // KL of a histogram of M ≈ 19800 exponential ISIs from the fitted exponential: the plug-in
  // estimator's bias is ≈ (B_eff − 1)/(2M) with B_eff ≈ 75 bins holding >= 1 expected ISI, i.e.
  // 0.0019, with sd ≈ sqrt(2 B_eff)/(2M) = 0.0003. A regular train gives 3.25 (below).
  CHECK(m.kl_isi >= 0.0);
  CHECK(m.kl_isi < 0.006);
  // Fano of Poisson(1) counts in 100 ms bins: E = (N − 1)/N (ddof 0), 0.99 over N = 100 bins
  // (temporal) and 0.995 over N = 200 neurons (spatial); each term has sd ≈ sqrt(2/N) ≈ 0.1 to 0.14,
  // averaged over 200 neurons or 100 bins: sd ≈ 0.01.
  CHECK(std::abs(m.temporal_fano - 0.99) < 0.05);
  CHECK(std::abs(m.spatial_fano - 0.995) < 0.05);
  // auto_cov: with K = 1000 bins of 10 ms and independent bins, C_k/C_0 ≈ N(0, (K−k)/K²), so
  // E|C_k/C_0| = sqrt(2/π) sqrt(K−k)/K and E[A] = (1 + 2 Σ_{k=1}^{50} E|C_k/C_0|)/101 = 0.0346. The
  // mean over 200 neurons has sd ≈ 1e-4; 3 % (0.001) also covers the non-Gaussian counts.
  double expected_auto_cov = 1.0;
  for (int k = 1; k <= 50; ++k) expected_auto_cov += 2.0 * std::sqrt(2.0 / std::numbers::pi) * std::sqrt(1000.0 - k) / 1000.0;
  expected_auto_cov /= 101.0;
  CHECK(m.auto_cov == Approx(expected_auto_cov).epsilon(0.03));
  // Population count at lag 10 ms: correlation ≈ N(0, 1/K), sd 0.032; 4 sd.
  CHECK(std::abs(m.auto_cov_pop) < 0.126);
  // Population count per 1 ms bin is Poisson(n r b) = Poisson(2); divided by n its sd is
  // sqrt(2)/200 = 0.00707. The sample sd over 10^4 bins has relative sd sqrt((2 + 1/2)/(4·10^4))
  // = 0.8 %; tolerance 4 %.
  CHECK(m.std_rate_temporal == Approx(std::sqrt(n * rate * 1e-3) / n).epsilon(0.04));
  // Flat spectrum, amplitude: the DFT of N = 10^4 white samples of variance σ² = 5e-5 has
  // Rayleigh |X_k| with mean sqrt(π N σ²)/2, so fft = Σ_{k=1}^{N/2−1} (2/N)|X_k| has mean
  // (N/2 − 1) sqrt(π σ²/N) = 0.6265 and relative sd sqrt((4 − π)/π)/sqrt(4999) = 0.74 %; 4 %.
  const double sigma2 = rate * 1e-3 / n;
  CHECK(m.fft == Approx(4999.0 * std::sqrt(std::numbers::pi * sigma2 / 1e4)).epsilon(0.04));
  // Flat spectrum, power: the band [5, 100) Hz holds k = 50 … 999 of k = 1 … 4999, so the
  // fraction of i.i.d. exponential |X_k|² in it is 950/4999 = 0.190 with sd ≈ 0.19 · 0.81 ·
  // sqrt(1/950 + 1/4049) = 0.0056; tolerance 0.03. Same in another band, [100, 300) Hz: 2000/4999.
  CHECK(std::abs(m.osc_power - 950.0 / 4999.0) < 0.03);
  NetworkMetricsSettings high_band;
  high_band.osc_band_low_hz = 100.0;
  high_band.osc_band_high_hz = 300.0;
  CHECK(std::abs(compute_spike_metrics(r, high_band).osc_power - 2000.0 / 4999.0) < 0.03);
  // Spike metrics leave the other fields NaN.
  CHECK(std::isnan(m.rate_i_hz));
  CHECK(std::isnan(m.w_blow));
}

TEST_CASE("network metrics: perfectly regular trains", "[network_metrics]") {
  const auto r = regular(200, 3.0);
  const auto m = compute_spike_metrics(r);
  CHECK(m.rate_e_hz == Approx(10.0));
  CHECK(m.std_rate_spatial == Approx(0.0).margin(1e-12));
  // Every ISI is 0.1 s up to rounding of the times (~1e-15 relative).
  CHECK(m.cv_isi == Approx(0.0).margin(1e-9));
  CHECK(m.std_cv == Approx(0.0).margin(1e-9));
  // Exactly one spike per neuron in every 100 ms bin: zero variance in time and across neurons.
  CHECK(m.temporal_fano == Approx(0.0).margin(1e-12));
  CHECK(m.spatial_fano == Approx(0.0).margin(1e-12));
  // All ISIs fall into bin 9 of the 99 bins of [0, 1] s ([9/99, 10/99) ∋ 0.1), with λ = 10 Hz:
  // KL = −ln(e^{−10·9/99} − e^{−10·10/99}) = 3.25.
  CHECK(m.kl_isi == Approx(-std::log(std::exp(-90.0 / 99.0) - std::exp(-100.0 / 99.0))).epsilon(1e-9));
  // 10 ms counts repeat every 10 bins (one 1, nine 0s): y = x − 0.1 gives C_0 = 0.09 K and, up
  // to partial periods at the ends, C_k = 0.09 (K − k) at lags k ≡ 0 (mod 10) and −0.01 (K − k)
  // elsewhere, so A = (1 + 2 Σ_{k=1}^{50} (1 − k/K) w_k)/101 with w_k = 1 or 1/9 = 0.2025; the
  // partial periods change each |C_k|/C_0 by at most 1/K, A by at most 1e-3.
  double expected = 1.0;
  for (int k = 1; k <= 50; ++k) expected += 2.0 * (1.0 - k / 1000.0) * (k % 10 == 0 ? 1.0 : 1.0 / 9.0);
  expected /= 101.0;
  CHECK(std::abs(m.auto_cov - expected) < 1.5e-3);
}

TEST_CASE("network metrics: a 10 Hz rate modulation raises the oscillation power", "[network_metrics]") {
  // Same population as the Poisson test, rate 10 (1 + 0.5 sin(2π 10 t)) Hz. The mean count per
  // neuron per 1 ms bin oscillates with amplitude 0.005, a DFT line |X_100| = 10^4 · 0.005/2 = 25,
  // power 625, on a noise floor of N σ² = 0.5 per frequency: osc_power ≈ (625 + 0.5 · 949) /
  // (625 + 0.5 · 4998) = 0.352 against 0.190 unmodulated, both with sd ≈ 0.006; tolerance 0.03.
  const auto flat = compute_spike_metrics(poisson(200, 10.0, 5.0, 15.0, 2));
  const auto modulated = compute_spike_metrics(poisson(200, 10.0, 5.0, 15.0, 2, 0.5, 10.0));
  CHECK(std::abs(modulated.osc_power - 0.352) < 0.03);
  CHECK(modulated.osc_power > flat.osc_power + 0.1);
  // The population count's lag-10 ms correlation: signal variance (0.5 · 20 · 0.5)²/2 = 12.5 and
  // noise 20 per 10 ms bin, times cos(2π · 10 Hz · 10 ms) = 0.81: 0.81 · 12.5/32.5 = 0.31 —
  // far above the Poisson bound 0.126 (the 10 ms bins attenuate the line by sinc(0.1) ≈ 0.98).
  CHECK(modulated.auto_cov_pop > 0.2);
  // The reference's fft sums amplitudes over all 4999 frequencies, so one line of amplitude
  // 2/N · 25 = 0.005 barely moves it (0.627 → 0.632): it measures broadband fluctuation, not
  // rhythm (docs/network-metrics.md).
  CHECK(std::abs(modulated.fft - flat.fft) < 0.05);
}

TEST_CASE("network metrics: KL of slow Poisson trains with and without the exponential's tail",
          "[network_metrics]") {
  // 100 neurons at 1 Hz for 50 s: ~4900 ISIs, 37 % of them longer than the 1 s histogram range.
  // With the tail folded into the last bin the plug-in bias is ≈ 98/(2 · 4900) = 0.01; the
  // reference's histogram (tail dropped from q but clipped ISIs kept in p) gives
  // ≈ 0.37 ln(0.37/0.0037) ≈ 1.7, above its own filter bound 0.5.
  const auto r = poisson(100, 1.0, 0.0, 50.0, 3);
  NetworkMetricsSettings reference;
  reference.kl_fold_tail = false;
  CHECK(compute_spike_metrics(r).kl_isi < 0.03);
  CHECK(compute_spike_metrics(r, reference).kl_isi > 1.0);
}

TEST_CASE("network metrics: silent neurons and short windows give NaN, not a number", "[network_metrics]") {
  SpikeRecord silent;
  silent.neurons = 4;
  silent.t0 = 0.0;
  silent.t1 = 2.0;
  silent.offsets.assign(5, 0);
  const auto m = compute_spike_metrics(silent);
  CHECK(m.rate_e_hz == 0.0);
  CHECK(std::isnan(m.cv_isi));
  CHECK(std::isnan(m.kl_isi));
  CHECK(std::isnan(m.temporal_fano));
  CHECK(std::isnan(m.spatial_fano));
  CHECK(m.auto_cov == 1.0);  // the reference's value for a flat count series
  CHECK(std::isnan(m.auto_cov_pop));
  CHECK(std::isnan(m.osc_power));
}

TEST_CASE("network metrics: weights at the bounds, drift and final means", "[network_metrics]") {
  NetworkMetricsSettings settings;  // w_max = 20, tolerance 1e-6
  // EE: 100 weights, 10 at 0, 5 within the tolerance of 20, one just outside it, the rest 0.1.
  std::vector<double> ee(100, 0.1);
  for (std::size_t k = 0; k < 10; ++k) ee[k] = 0.0;
  for (std::size_t k = 10; k < 15; ++k) ee[k] = 20.0 - 5e-7;
  ee[15] = 20.0 - 1e-3;
  // Start of scoring: no weight at a bound; end: ee. Mean drift: (0.1·84 + 5·(20 − 5e-7) + 19.999)/100.
  std::vector<double> ee_start(100, 0.1);
  // IE: 50 weights from 1.0 to 0.98, none at a bound.
  const SynapseWeights types[] = {{"EE", {ee_start, ee}}, {"IE", {std::vector<double>(50, 1.0), std::vector<double>(50, 0.98)}}};
  NetworkMetrics m;
  compute_weight_metrics(m, types, settings);
  // EE: 15 of 200 weights over the two snapshots are at a bound; IE: 0 of 100.
  CHECK(m.w_blow == Approx((15.0 / 200.0 + 0.0) / 2.0));
  double ee_end = 0.0;
  for (const double w : ee) ee_end += w;
  ee_end /= 100.0;
  CHECK(m.w_creep == Approx(std::max((ee_end - 0.1) / 0.1, 0.02)));
  REQUIRE(m.w_final.size() == 2);
  CHECK(m.w_final[0].first == "w_final_EE");
  CHECK(m.w_final[0].second == Approx(ee_end));
  CHECK(m.w_final[1].first == "w_final_IE");
  CHECK(m.w_final[1].second == Approx(0.98));

  // A known 3 % drift on EE and 2 % on IE: w_creep is the largest, 0.03.
  const SynapseWeights drift[] = {{"EE", {std::vector<double>(10, 0.1), std::vector<double>(10, 0.103)}},
                                  {"IE", {std::vector<double>(10, 1.0), std::vector<double>(10, 0.98)}}};
  compute_weight_metrics(m, drift, settings);
  CHECK(m.w_creep == Approx(0.03));
  CHECK(m.w_blow == 0.0);
  // A type starting at 0 is divided by the floor 0.05 instead: 0.02 / 0.05 = 0.4.
  const SynapseWeights from_zero[] = {{"II", {std::vector<double>(4, 0.0), std::vector<double>(4, 0.02)}}};
  compute_weight_metrics(m, from_zero, settings);
  CHECK(m.w_creep == Approx(0.4));
  // One snapshot: start = end, no creep.
  const SynapseWeights one[] = {{"EI", {std::vector<double>{0.0, 20.0, 5.0, 5.0}}}};
  compute_weight_metrics(m, one, settings);
  CHECK(m.w_creep == 0.0);
  CHECK(m.w_blow == Approx(0.5));
}

TEST_CASE("network metrics: names and values line up, with rate_i and the weights", "[network_metrics]") {
  const auto exc = regular(10, 0.0);
  const auto inh = SpikeRecord::from_pairs(2, 0.0, 4.0, Pairs{{0, 1.0}, {1, 2.0}, {1, 3.0}}, "inh");
  const std::vector<SynapseWeights> weights{{"EE", {std::vector<double>(3, 0.5)}}};
  const auto m = compute_network_metrics(exc, inh, weights);
  CHECK(m.rate_i_hz == Approx(3.0 / (2 * 4.0)));
  const auto names = m.names();
  const auto values = m.values();
  REQUIRE(names.size() == values.size());
  REQUIRE(names.size() == 16);
  CHECK(names[0] == "rate_e_hz");
  CHECK(values[0] == m.rate_e_hz);
  CHECK(names[1] == "rate_i_hz");
  CHECK(values[1] == m.rate_i_hz);
  CHECK(names[14] == "w_creep");
  CHECK(names[15] == "w_final_EE");
  CHECK(values[15] == Approx(0.5));
  CHECK(std::isnan(compute_network_metrics(exc, weights).rate_i_hz));
}

TEST_CASE("network metrics: invalid inputs name the field", "[network_metrics]") {
  using P = std::pair<std::uint32_t, double>;
  // Empty window, window before 0.
  CHECK(thrown_field([] { SpikeRecord::from_pairs(2, 1.0, 1.0, Pairs{}, "exc"); }) == "exc.t1");
  CHECK(thrown_field([] { SpikeRecord::from_pairs(2, -1.0, 1.0, Pairs{}, "exc"); }) == "exc.t0");
  // A negative spike time (the window starts at 0), a time at t1, a neuron out of range.
  CHECK(thrown_field([] { SpikeRecord::from_pairs(2, 0.0, 1.0, Pairs{P{0, 0.5}, P{1, -0.1}}, "exc"); }) ==
        "exc.times[1]");
  CHECK(thrown_field([] { SpikeRecord::from_pairs(2, 0.0, 1.0, Pairs{P{0, 1.0}}, "exc"); }) == "exc.times[0]");
  CHECK(thrown_field([] { SpikeRecord::from_pairs(2, 0.0, 1.0, Pairs{P{0, 0.5}, P{2, 0.1}}, "exc"); }) ==
        "exc.spikes[1].neuron");
  CHECK(thrown_field([] { SpikeRecord::from_pairs(0, 0.0, 1.0, Pairs{}, "exc"); }) == "exc.neurons");
  // Unsorted times in a CSR record, and malformed offsets.
  SpikeRecord r;
  r.neurons = 2;
  r.t0 = 0.0;
  r.t1 = 1.0;
  r.offsets = {0, 2, 3};
  r.times = {0.3, 0.2, 0.5};
  CHECK(thrown_field([&] { compute_spike_metrics(r); }) == "exc.times[1]");
  bool threw = false;
  try {
    r.validate("exc");
  } catch (const invalid_configuration& e) {
    threw = true;
    CHECK(e.value() == "0.20000000000000001");
    CHECK(std::string(e.what()).find("sorted") != std::string::npos);
  }
  CHECK(threw);
  r.times = {0.2, 0.3, 0.5};
  CHECK(thrown_field([&] { r.validate("exc"); }).empty());
  r.offsets = {0, 2, 4};
  CHECK(thrown_field([&] { r.validate("exc"); }) == "exc.offsets[2]");
  r.offsets = {0, 3};
  CHECK(thrown_field([&] { r.validate("exc"); }) == "exc.offsets.size");
  // The inhibitory record is checked under its own name.
  r.offsets = {0, 2, 3};
  SpikeRecord bad_inh = r;
  bad_inh.t1 = 0.0;
  CHECK(thrown_field([&] { compute_network_metrics(r, bad_inh, std::span<const SynapseWeights>{}); }) == "inh.t1");
  // Weights: no snapshot, snapshots of different sizes, a non-finite weight.
  NetworkMetrics m;
  const SynapseWeights none[] = {{"EE", {}}};
  CHECK(thrown_field([&] { compute_weight_metrics(m, none); }) == "weights[EE].snapshots.size");
  const SynapseWeights sizes[] = {{"IE", {std::vector<double>(3, 1.0), std::vector<double>(2, 1.0)}}};
  CHECK(thrown_field([&] { compute_weight_metrics(m, sizes); }) == "weights[IE].snapshots[1].size");
  const SynapseWeights nan_weight[] = {{"II", {std::vector<double>{1.0, std::nan("")}}}};
  CHECK(thrown_field([&] { compute_weight_metrics(m, nan_weight); }) == "weights[II].snapshots[0][1]");
  // Settings.
  NetworkMetricsSettings s;
  s.bin_big = 0.0;
  CHECK(thrown_field([&] { compute_spike_metrics(r, s); }) == "network_metrics.bin_big");
  s = {};
  s.osc_band_high_hz = 1.0;
  CHECK(thrown_field([&] { compute_spike_metrics(r, s); }) == "network_metrics.osc_band_high_hz");
  s = {};
  s.w_max = -1.0;
  CHECK(thrown_field([&] { compute_weight_metrics(m, std::span<const SynapseWeights>{}, s); }) ==
        "network_metrics.w_max");
}
