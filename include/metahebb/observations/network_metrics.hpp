#pragma once
/// Metrics of a recurrent E/I spiking network, computed from its recorded spikes and weights
/// (issue 12, item 3): the quantities the filter-SBI paper constrains (Confavreux, Harrington
/// et al., NeurIPS 2023; reference implementation VogelsLab/fSBI `fsbi/analyse.py`, class
/// `ComputeMetrics`, with the bin sizes of `tasks_configs/bg_IF_EEEIIEII_6pPol.yaml`).
/// docs/network-metrics.md gives each formula with its source and every difference from the
/// reference.
///
/// Input: a SpikeRecord per population (n neurons over a window [t0, t1) in seconds, CSR:
/// spike times of neuron i are times[offsets[i] .. offsets[i+1]), ascending) and, per synapse
/// type, weight snapshots (the first at the start of scoring, the last at its end).
/// T = t1 − t0. Binning with width b uses K_b = ⌊T / b⌋ whole bins [t0 + j b, t0 + (j+1) b);
/// spikes in a trailing partial bin are not binned. Standard deviations and variances divide
/// by their sample size (numpy's default, ddof = 0), as in the reference. A metric that cannot
/// be computed (no neuron qualifies, a zero variance it divides by) is NaN.
///
/// Spike metrics are computed on the excitatory record (the reference's `spiketimes`):
///   rate_e_hz = Σ_i c_i / (n T),  c_i spikes of neuron i                      (`rate`)
///   rate_i_hz: the same on the inhibitory record                              (`rate_i`)
///   std_rate_spatial = std_i(c_i / T)                                         (`std_rate_spatial`)
///   cv_isi = mean_i CV_i,  CV_i = std(ISI_i) / mean(ISI_i), over neurons with
///            c_i ≥ cv_min_spikes = 4 (≥ 3 ISIs: the reference's `len(isis) > 2`)  (`cv_isi`)
///   std_cv = std_i CV_i over the same neurons                                 (`std_cv`)
///   kl_isi = |Σ_b p_b ln(p_b / q_b)|: p_b the fraction of the pooled ISIs (clipped to
///            [0, L], L = 1 s) in bin b of B = 99 equal bins (100 edges) of [0, L]; q_b =
///            e^{−λ x_b} − e^{−λ x_{b+1}} with λ = 1 / mean(ISI), plus the tail e^{−λ L} in
///            the last bin (kl_fold_tail; the reference omits it)              (`kl_isi`)
///   spatial_fano = mean_j var_i(c_ij) / mean_i(c_ij), c_ij counts in bins of 100 ms, over
///            bins j with Σ_i c_ij ≥ 4                                         (`spatial_Fano`)
///   temporal_fano = mean_i var_j(c_ij) / mean_j(c_ij), over neurons with Σ_j c_ij ≥ 4
///                                                                             (`temporal_Fano`)
///   auto_cov = mean_i A_i; x = counts of neuron i in 10 ms bins, y = x − x̄,
///            C_k = Σ_t y_t y_{t+k}, L = 0.5 s / 10 ms = 50 lags:
///            A_i = (1/(2L+1)) Σ_{k=−L..L} |C_k| / C_0, or 1 if std(x) ≤ 0.05   (`auto_cov`)
///   auto_cov_pop = [Σ_{t<K−m} y_t y_{t+m} / (K−m)] / [Σ_t y_t² / K] with y the population
///            count in 10 ms bins minus its mean, lag m = 1 bin (10 ms)        (not in the reference)
///   std_rate_temporal = std_j(x_j), x_j = mean_i c_ij in bins of 1 ms (spikes per neuron
///            per 1 ms bin, the reference's unit, not Hz)                      (`std_rate_temporal`)
///   fft = Σ_{k=1}^{⌊K/2⌋−1} (2/K) |X_k|, X = DFT of x_j (the same 1 ms series)   (`fft`)
///   osc_power = Σ_{k: f_k ∈ [5, 100) Hz} |X_k|² / Σ_{k=1}^{⌊K/2⌋−1} |X_k|², f_k = k / (K b)
///            (not in the reference)
/// Weight metrics, per synapse type s with snapshots W_s(0) … W_s(last):
///   w_blow = mean_s [fraction of all weights of all snapshots of s with w ≤ tol or
///            w ≥ w_max − tol]                                                 (`w_blow`)
///   w_creep = max_s |w̄_s(last) − w̄_s(0)| / max(w̄_s(0), w_creep_floor)       (`w_creep`, see docs)
///   w_final_<s> = w̄_s(last)                                                  (`weef`, `weif`, …)

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numbers>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/errors.hpp"

namespace metahebb {

/// Spikes of a population of `neurons` neurons over the window [t0, t1) (seconds), in CSR:
/// the spike times of neuron i are times[offsets[i]] … times[offsets[i+1] − 1], ascending.
struct SpikeRecord {
  std::size_t neurons = 0;
  double t0 = 0.0;
  double t1 = 0.0;
  std::vector<std::size_t> offsets{0};  ///< neurons + 1 entries, offsets[0] = 0, offsets[n] = times.size()
  std::vector<double> times;            ///< seconds, each in [t0, t1)

  std::size_t count(std::size_t neuron) const noexcept { return offsets[neuron + 1] - offsets[neuron]; }
  std::span<const double> spikes_of(std::size_t neuron) const noexcept {
    return {times.data() + offsets[neuron], count(neuron)};
  }
  double duration() const noexcept { return t1 - t0; }

  /// From (neuron, time) pairs in any order; throws naming `name`.spikes[k] for an index
  /// ≥ neurons, and validates the result.
  static SpikeRecord from_pairs(std::size_t neurons, double t0, double t1,
                                std::span<const std::pair<std::uint32_t, double>> spikes,
                                std::string_view name = "spikes") {
    const std::string prefix(name);
    SpikeRecord r;
    r.neurons = neurons;
    r.t0 = t0;
    r.t1 = t1;
    r.offsets.assign(neurons + 1, 0);
    for (std::size_t k = 0; k < spikes.size(); ++k) {
      const auto i = spikes[k].first;
      require(i < neurons, prefix + ".spikes[" + std::to_string(k) + "].neuron", i,
              "must be < neurons = " + std::to_string(neurons));
      ++r.offsets[i + 1];
    }
    for (std::size_t i = 0; i < neurons; ++i) r.offsets[i + 1] += r.offsets[i];
    r.times.resize(spikes.size());
    std::vector<std::size_t> next(r.offsets.begin(), r.offsets.end() - 1);
    for (const auto& [i, t] : spikes) r.times[next[i]++] = t;
    for (std::size_t i = 0; i < neurons; ++i)
      std::sort(r.times.begin() + static_cast<std::ptrdiff_t>(r.offsets[i]),
                r.times.begin() + static_cast<std::ptrdiff_t>(r.offsets[i + 1]));
    r.validate(name);
    return r;
  }

  /// Throws invalid_configuration naming `name`.<field> (and the index) for: no neurons, a
  /// window that is empty or starts before 0, malformed offsets, a time outside [t0, t1) or
  /// not finite (negative times included), and times of a neuron out of order.
  void validate(std::string_view name = "spikes") const {
    const std::string p(name);
    require(neurons >= 1, p + ".neurons", neurons, "must be >= 1");
    require(std::isfinite(t0) && t0 >= 0.0, p + ".t0", t0, "must be finite and >= 0");
    require(std::isfinite(t1) && t1 > t0, p + ".t1", t1,
            "must be finite and > t0 = " + detail::format_value(t0) + " (the window must not be empty)");
    require(offsets.size() == neurons + 1, p + ".offsets.size", offsets.size(),
            "must be neurons + 1 = " + std::to_string(neurons + 1));
    require(offsets[0] == 0, p + ".offsets[0]", offsets[0], "must be 0");
    for (std::size_t i = 0; i < neurons; ++i)
      require(offsets[i + 1] >= offsets[i] && offsets[i + 1] <= times.size(),
              p + ".offsets[" + std::to_string(i + 1) + "]", offsets[i + 1],
              "must be >= offsets[" + std::to_string(i) + "] and <= times.size() = " + std::to_string(times.size()));
    require(offsets[neurons] == times.size(), p + ".offsets[" + std::to_string(neurons) + "]", offsets[neurons],
            "must equal times.size() = " + std::to_string(times.size()));
    for (std::size_t i = 0; i < neurons; ++i) {
      for (std::size_t k = offsets[i]; k < offsets[i + 1]; ++k) {
        const double t = times[k];
        require(std::isfinite(t) && t >= t0 && t < t1, p + ".times[" + std::to_string(k) + "]", t,
                "spike of neuron " + std::to_string(i) + " must be finite and in [t0, t1) = [" +
                    detail::format_value(t0) + ", " + detail::format_value(t1) + ")");
        if (k > offsets[i])
          require(t >= times[k - 1], p + ".times[" + std::to_string(k) + "]", t,
                  "spikes of neuron " + std::to_string(i) + " must be sorted: previous is " +
                      detail::format_value(times[k - 1]));
      }
    }
  }
};

/// Weights of one synapse type (e.g. "EE") at successive times: snapshots[0] at the start of
/// scoring, snapshots.back() at its end (one snapshot: both).
struct SynapseWeights {
  std::string name;
  std::vector<std::vector<double>> snapshots;
};

/// Bin sizes, windows and thresholds; the defaults are the reference's (docs/network-metrics.md).
struct NetworkMetricsSettings {
  double bin_small = 0.001;        ///< s: std_rate_temporal, fft, osc_power (`bin_size_small`)
  double bin_medium = 0.01;        ///< s: auto_cov, auto_cov_pop (`bin_size_medium`)
  double bin_big = 0.1;            ///< s: Fano factors (`bin_size_big`)
  double auto_cov_window = 0.5;    ///< s: lags ±window (`window_view_auto_cov`)
  double auto_cov_min_std = 0.05;  ///< std of a neuron's 10 ms counts at or below which A_i = 1
  double auto_cov_pop_lag = 0.01;  ///< s: lag of auto_cov_pop, rounded to whole medium bins (>= 1)
  std::size_t cv_min_spikes = 4;   ///< neurons with fewer spikes have no CV (reference: > 2 ISIs)
  std::size_t fano_min_spikes = 4; ///< a bin (spatial) or neuron (temporal) with fewer is skipped
  std::size_t kl_edges = 100;      ///< bin edges of the ISI histogram (`n_bins_kl_isi`): 99 bins
  double kl_isi_max = 1.0;         ///< s: ISIs clipped to [0, kl_isi_max] (`isi_lim_kl_isi`)
  bool kl_fold_tail = true;        ///< exponential's mass beyond kl_isi_max in the last bin
  double osc_band_low_hz = 5.0;    ///< osc_power band [low, high)
  double osc_band_high_hz = 100.0;
  double w_max = 20.0;             ///< upper weight bound (`wmax`)
  double w_tolerance = 1e-6;       ///< w ≤ tol or w ≥ w_max − tol counts as at a bound
  double w_creep_floor = 0.05;     ///< smallest denominator of w_creep

  void validate() const {
    require_positive("network_metrics.bin_small", bin_small);
    require_positive("network_metrics.bin_medium", bin_medium);
    require_positive("network_metrics.bin_big", bin_big);
    require_non_negative("network_metrics.auto_cov_window", auto_cov_window);
    require_non_negative("network_metrics.auto_cov_min_std", auto_cov_min_std);
    require_positive("network_metrics.auto_cov_pop_lag", auto_cov_pop_lag);
    require(cv_min_spikes >= 3, "network_metrics.cv_min_spikes", cv_min_spikes, "must be >= 3 (two ISIs)");
    require(kl_edges >= 2 && kl_edges <= 1000000, "network_metrics.kl_edges", kl_edges,
            "must be in [2, 1000000]");
    require_positive("network_metrics.kl_isi_max", kl_isi_max);
    require(std::isfinite(osc_band_low_hz) && osc_band_low_hz >= 0.0, "network_metrics.osc_band_low_hz",
            osc_band_low_hz, "must be finite and >= 0");
    require(std::isfinite(osc_band_high_hz) && osc_band_high_hz > osc_band_low_hz,
            "network_metrics.osc_band_high_hz", osc_band_high_hz, "must be finite and > osc_band_low_hz");
    require_positive("network_metrics.w_max", w_max);
    require(std::isfinite(w_tolerance) && w_tolerance >= 0.0 && w_tolerance < w_max / 2,
            "network_metrics.w_tolerance", w_tolerance, "must be finite, >= 0 and < w_max / 2");
    require_positive("network_metrics.w_creep_floor", w_creep_floor);
  }
};

/// The metrics of one run, with names() and values() in the same order (sweep columns).
struct NetworkMetrics {
  static constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  double rate_e_hz = nan;
  double rate_i_hz = nan;  ///< NaN without an inhibitory record
  double cv_isi = nan;
  double std_cv = nan;
  double kl_isi = nan;
  double spatial_fano = nan;
  double temporal_fano = nan;
  double auto_cov = nan;
  double auto_cov_pop = nan;
  double fft = nan;
  double osc_power = nan;
  double std_rate_spatial = nan;   ///< Hz
  double std_rate_temporal = nan;  ///< spikes per neuron per bin_small
  double w_blow = nan;             ///< NaN without weights
  double w_creep = nan;            ///< NaN without weights
  std::vector<std::pair<std::string, double>> w_final;  ///< ("w_final_" + type, mean final weight)

  std::vector<std::string> names() const {
    std::vector<std::string> n{"rate_e_hz",    "rate_i_hz",        "cv_isi",           "std_cv",
                               "kl_isi",       "spatial_fano",     "temporal_fano",    "auto_cov",
                               "auto_cov_pop", "fft",              "osc_power",        "std_rate_spatial",
                               "std_rate_temporal", "w_blow",      "w_creep"};
    for (const auto& [name, value] : w_final) n.push_back(name);
    return n;
  }
  std::vector<double> values() const {
    std::vector<double> v{rate_e_hz,    rate_i_hz, cv_isi,    std_cv,           kl_isi,
                          spatial_fano, temporal_fano, auto_cov, auto_cov_pop, fft,
                          osc_power,    std_rate_spatial, std_rate_temporal, w_blow, w_creep};
    for (const auto& [name, value] : w_final) v.push_back(value);
    return v;
  }
};

namespace detail {

/// In-place iterative radix-2 FFT, X_k = Σ_t x_t e^{∓2πi kt/n}; n must be a power of two.
inline void fft_radix2(std::vector<std::complex<double>>& a, bool inverse) {
  const std::size_t n = a.size();
  for (std::size_t i = 1, j = 0; i < n; ++i) {
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  std::vector<std::complex<double>> twiddle;
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const std::size_t half = len / 2;
    twiddle.resize(half);
    const double sign = inverse ? 1.0 : -1.0;
    for (std::size_t k = 0; k < half; ++k)
      twiddle[k] = std::polar(1.0, sign * 2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(len));
    for (std::size_t start = 0; start < n; start += len)
      for (std::size_t k = 0; k < half; ++k) {
        const auto u = a[start + k];
        const auto v = a[start + k + half] * twiddle[k];
        a[start + k] = u + v;
        a[start + k + half] = u - v;
      }
  }
}

/// DFT of a real series of any length: X_k = Σ_t x_t e^{−2πi kt/n}, k = 0 … n−1. Radix-2
/// for powers of two, otherwise Bluestein's chirp-z: kt = (k² + t² − (k−t)²)/2 turns the DFT
/// into a convolution with the chirp e^{iπ m²/n}, done with radix-2 FFTs of size ≥ 2n − 1.
inline std::vector<std::complex<double>> dft(std::span<const double> x) {
  const std::size_t n = x.size();
  std::vector<std::complex<double>> out(x.begin(), x.end());
  if (n <= 1) return out;
  if ((n & (n - 1)) == 0) {
    fft_radix2(out, false);
    return out;
  }
  std::size_t m = 1;
  while (m < 2 * n - 1) m <<= 1;
  // chirp[k] = e^{−iπ k²/n}; k² taken mod 2n keeps the angle small and exact.
  std::vector<std::complex<double>> chirp(n);
  for (std::size_t k = 0; k < n; ++k) {
    const auto k2 = static_cast<double>((static_cast<unsigned long long>(k) * k) % (2ULL * n));
    chirp[k] = std::polar(1.0, -std::numbers::pi * k2 / static_cast<double>(n));
  }
  std::vector<std::complex<double>> a(m), b(m);
  for (std::size_t k = 0; k < n; ++k) a[k] = x[k] * chirp[k];
  b[0] = std::conj(chirp[0]);
  for (std::size_t k = 1; k < n; ++k) b[k] = b[m - k] = std::conj(chirp[k]);
  fft_radix2(a, false);
  fft_radix2(b, false);
  for (std::size_t k = 0; k < m; ++k) a[k] *= b[k];
  fft_radix2(a, true);
  for (std::size_t k = 0; k < n; ++k) out[k] = a[k] * chirp[k] / static_cast<double>(m);
  return out;
}

inline std::size_t whole_bins(double duration, double width) {
  return static_cast<std::size_t>(std::floor(duration / width + 1e-9));
}

/// counts[i * bins + j]: spikes of neuron i in bin j of width `width`.
inline std::vector<double> binned_counts(const SpikeRecord& r, double width, std::size_t bins) {
  std::vector<double> counts(r.neurons * bins, 0.0);
  for (std::size_t i = 0; i < r.neurons; ++i)
    for (const double t : r.spikes_of(i)) {
      const auto j = static_cast<std::size_t>(std::floor((t - r.t0) / width));
      if (j < bins) counts[i * bins + j] += 1.0;
    }
  return counts;
}

struct MeanVar {
  double mean = 0.0, var = 0.0;  // var divides by the count (ddof = 0)
};
template <class Get>
MeanVar mean_var(std::size_t count, Get get) {
  MeanVar out;
  if (count == 0) return out;
  double sum = 0.0;
  for (std::size_t k = 0; k < count; ++k) sum += get(k);
  out.mean = sum / static_cast<double>(count);
  double ss = 0.0;
  for (std::size_t k = 0; k < count; ++k) ss += (get(k) - out.mean) * (get(k) - out.mean);
  out.var = ss / static_cast<double>(count);
  return out;
}

inline double average_or_nan(const std::vector<double>& v) {
  if (v.empty()) return NetworkMetrics::nan;
  double s = 0.0;
  for (const double x : v) s += x;
  return s / static_cast<double>(v.size());
}

}  // namespace detail

/// Spike-based metrics of the excitatory record (rate_e_hz … std_rate_temporal); the fields
/// rate_i_hz and the weight metrics stay NaN. Validates `exc` and `settings`.
inline NetworkMetrics compute_spike_metrics(const SpikeRecord& exc, const NetworkMetricsSettings& settings = {}) {
  settings.validate();
  exc.validate("exc");
  NetworkMetrics m;
  const std::size_t n = exc.neurons;
  const double T = exc.duration();

  // Rates and their spread across neurons.
  {
    const auto rates = detail::mean_var(n, [&](std::size_t i) { return static_cast<double>(exc.count(i)) / T; });
    m.rate_e_hz = static_cast<double>(exc.times.size()) / (static_cast<double>(n) * T);
    m.std_rate_spatial = std::sqrt(rates.var);
  }

  // CV of ISIs and the pooled ISI distribution.
  {
    std::vector<double> cvs, pooled;
    pooled.reserve(exc.times.size());
    for (std::size_t i = 0; i < n; ++i) {
      const auto s = exc.spikes_of(i);
      for (std::size_t k = 1; k < s.size(); ++k) pooled.push_back(s[k] - s[k - 1]);
      if (s.size() >= settings.cv_min_spikes) {
        const auto isi = detail::mean_var(s.size() - 1, [&](std::size_t k) { return s[k + 1] - s[k]; });
        if (isi.mean > 0.0) cvs.push_back(std::sqrt(isi.var) / isi.mean);
      }
    }
    if (!cvs.empty()) {
      const auto cv = detail::mean_var(cvs.size(), [&](std::size_t k) { return cvs[k]; });
      m.cv_isi = cv.mean;
      m.std_cv = std::sqrt(cv.var);
    }
    const auto isi = detail::mean_var(pooled.size(), [&](std::size_t k) { return pooled[k]; });
    if (!pooled.empty() && isi.mean > 0.0) {
      const std::size_t B = settings.kl_edges - 1;
      const double L = settings.kl_isi_max;
      std::vector<double> p(B, 0.0);
      for (const double d : pooled) {
        const double c = std::clamp(d, 0.0, L);
        p[std::min(B - 1, static_cast<std::size_t>(std::floor(c / L * static_cast<double>(B))))] += 1.0;
      }
      const double lambda = 1.0 / isi.mean;
      double kl = 0.0;
      for (std::size_t b = 0; b < B; ++b) {
        if (p[b] == 0.0) continue;
        const double pb = p[b] / static_cast<double>(pooled.size());
        const double x0 = L * static_cast<double>(b) / static_cast<double>(B);
        const double x1 = L * static_cast<double>(b + 1) / static_cast<double>(B);
        double qb = std::exp(-lambda * x0) - std::exp(-lambda * x1);
        if (b == B - 1 && settings.kl_fold_tail) qb = std::exp(-lambda * x0);
        kl += qb > 0.0 ? pb * std::log(pb / qb) : std::numeric_limits<double>::infinity();
      }
      m.kl_isi = std::abs(kl);
    }
  }

  // Fano factors in big bins.
  {
    const std::size_t K = detail::whole_bins(T, settings.bin_big);
    const auto c = detail::binned_counts(exc, settings.bin_big, K);
    const auto min_total = static_cast<double>(settings.fano_min_spikes);
    std::vector<double> temporal, spatial;
    for (std::size_t i = 0; i < n; ++i) {
      const auto mv = detail::mean_var(K, [&](std::size_t j) { return c[i * K + j]; });
      if (K > 0 && mv.mean * static_cast<double>(K) >= min_total - 0.5) temporal.push_back(mv.var / mv.mean);
    }
    for (std::size_t j = 0; j < K; ++j) {
      const auto mv = detail::mean_var(n, [&](std::size_t i) { return c[i * K + j]; });
      if (mv.mean * static_cast<double>(n) >= min_total - 0.5) spatial.push_back(mv.var / mv.mean);
    }
    m.temporal_fano = detail::average_or_nan(temporal);
    m.spatial_fano = detail::average_or_nan(spatial);
  }

  // Auto-covariances in medium bins.
  {
    const std::size_t K = detail::whole_bins(T, settings.bin_medium);
    const auto c = detail::binned_counts(exc, settings.bin_medium, K);
    if (K >= 2) {
      const auto window = static_cast<std::size_t>(std::llround(settings.auto_cov_window / settings.bin_medium));
      const std::size_t lags = std::min(window, K - 1);
      std::vector<double> per_neuron, y(K), population(K, 0.0);
      for (std::size_t i = 0; i < n; ++i) {
        const double* x = c.data() + i * K;
        for (std::size_t j = 0; j < K; ++j) population[j] += x[j];
        const auto mv = detail::mean_var(K, [&](std::size_t j) { return x[j]; });
        if (std::sqrt(mv.var) <= settings.auto_cov_min_std) {
          per_neuron.push_back(1.0);
          continue;
        }
        for (std::size_t j = 0; j < K; ++j) y[j] = x[j] - mv.mean;
        double c0 = 0.0;
        for (std::size_t j = 0; j < K; ++j) c0 += y[j] * y[j];
        double sum = 1.0;  // lag 0
        for (std::size_t k = 1; k <= lags; ++k) {
          double ck = 0.0;
          for (std::size_t j = 0; j + k < K; ++j) ck += y[j] * y[j + k];
          sum += 2.0 * std::abs(ck) / c0;  // lags k and −k
        }
        per_neuron.push_back(sum / static_cast<double>(2 * lags + 1));
      }
      m.auto_cov = detail::average_or_nan(per_neuron);
      const auto lag = std::max<std::size_t>(
          1, static_cast<std::size_t>(std::llround(settings.auto_cov_pop_lag / settings.bin_medium)));
      const auto pop = detail::mean_var(K, [&](std::size_t j) { return population[j]; });
      if (lag < K && pop.var > 0.0) {
        double cl = 0.0;
        for (std::size_t j = 0; j + lag < K; ++j) cl += (population[j] - pop.mean) * (population[j + lag] - pop.mean);
        m.auto_cov_pop = cl / static_cast<double>(K - lag) / pop.var;
      }
    }
  }

  // Population rate in small bins: its spread in time and its spectrum.
  {
    const std::size_t K = detail::whole_bins(T, settings.bin_small);
    if (K >= 1) {
      std::vector<double> x(K, 0.0);
      for (const double t : exc.times) {
        const auto j = static_cast<std::size_t>(std::floor((t - exc.t0) / settings.bin_small));
        if (j < K) x[j] += 1.0;
      }
      for (auto& v : x) v /= static_cast<double>(n);
      m.std_rate_temporal = std::sqrt(detail::mean_var(K, [&](std::size_t j) { return x[j]; }).var);
      if (K >= 4) {
        const auto X = detail::dft(x);
        double amplitude = 0.0, total = 0.0, band = 0.0;
        for (std::size_t k = 1; k < K / 2; ++k) {
          const double a = std::abs(X[k]);
          amplitude += 2.0 / static_cast<double>(K) * a;
          total += a * a;
          const double f = static_cast<double>(k) / (static_cast<double>(K) * settings.bin_small);
          if (f >= settings.osc_band_low_hz && f < settings.osc_band_high_hz) band += a * a;
        }
        m.fft = amplitude;
        if (total > 0.0) m.osc_power = band / total;
      }
    }
  }
  return m;
}

/// Weight metrics (w_blow, w_creep, w_final_<type>) into `m`. Throws naming
/// weights[<type>].snapshots… for no snapshots, an empty or differently sized snapshot, or a
/// weight that is not finite.
inline void compute_weight_metrics(NetworkMetrics& m, std::span<const SynapseWeights> weights,
                                   const NetworkMetricsSettings& settings = {}) {
  settings.validate();
  m.w_final.clear();
  if (weights.empty()) {
    m.w_blow = m.w_creep = NetworkMetrics::nan;
    return;
  }
  double blow = 0.0, creep = 0.0;
  for (const auto& type : weights) {
    const std::string p = "weights[" + type.name + "].snapshots";
    require(!type.snapshots.empty(), p + ".size", type.snapshots.size(), "must be >= 1");
    const std::size_t size = type.snapshots[0].size();
    require(size >= 1, p + "[0].size", size, "must be >= 1");
    std::size_t at_bound = 0;
    for (std::size_t s = 0; s < type.snapshots.size(); ++s) {
      const auto& w = type.snapshots[s];
      require(w.size() == size, p + "[" + std::to_string(s) + "].size", w.size(),
              "must equal snapshots[0].size = " + std::to_string(size));
      for (std::size_t k = 0; k < w.size(); ++k) {
        if (!std::isfinite(w[k]))  // the field's name is built only on failure (millions of weights)
          require(false, p + "[" + std::to_string(s) + "][" + std::to_string(k) + "]", w[k], "must be finite");
        if (w[k] <= settings.w_tolerance || w[k] >= settings.w_max - settings.w_tolerance) ++at_bound;
      }
    }
    blow += static_cast<double>(at_bound) / static_cast<double>(size * type.snapshots.size());
    const auto& first = type.snapshots.front();
    const auto& last = type.snapshots.back();
    const double start = detail::mean_var(size, [&](std::size_t k) { return first[k]; }).mean;
    const double end = detail::mean_var(size, [&](std::size_t k) { return last[k]; }).mean;
    creep = std::max(creep, std::abs(end - start) / std::max(start, settings.w_creep_floor));
    m.w_final.emplace_back("w_final_" + type.name, end);
  }
  m.w_blow = blow / static_cast<double>(weights.size());
  m.w_creep = creep;
}

/// All metrics: spike metrics of `exc`, rate_i_hz of `inh`, weight metrics of `weights`.
inline NetworkMetrics compute_network_metrics(const SpikeRecord& exc, const SpikeRecord& inh,
                                              std::span<const SynapseWeights> weights,
                                              const NetworkMetricsSettings& settings = {}) {
  NetworkMetrics m = compute_spike_metrics(exc, settings);
  inh.validate("inh");
  m.rate_i_hz = static_cast<double>(inh.times.size()) / (static_cast<double>(inh.neurons) * inh.duration());
  compute_weight_metrics(m, weights, settings);
  return m;
}

/// Without an inhibitory record: rate_i_hz is NaN.
inline NetworkMetrics compute_network_metrics(const SpikeRecord& exc, std::span<const SynapseWeights> weights,
                                              const NetworkMetricsSettings& settings = {}) {
  NetworkMetrics m = compute_spike_metrics(exc, settings);
  compute_weight_metrics(m, weights, settings);
  return m;
}

}  // namespace metahebb
