#pragma once
/// Counter-based random streams.
///
/// Every stream is derived from (seed, generation, candidate, dataset, purpose),
/// never from a shared generator, so results do not depend on the number of
/// threads, the SIMD width or the order in which work is evaluated.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <type_traits>

namespace metahebb {

/// What a stream is used for; part of its key so that two uses never share numbers.
enum class Purpose : std::uint64_t {
  optimiser = 1,        ///< sampling of candidates by the outer optimiser
  dataset = 2,          ///< inputs of one dataset (shared by all candidates)
  initial_weights = 3,  ///< network initialisation (shared by all candidates)
  scoring = 4,          ///< random choices made when scoring (e.g. a scoring window)
  user = 100            ///< first value free for users' own streams
};

namespace detail {
constexpr std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

// Layer edges of the 128-layer normal ziggurat (Doornik 2005, "An improved ziggurat
// method to generate normal random samples"): x[0] is the base strip's width V/f(r),
// x[1] = r, x[128] = 0, each layer of area V.
struct Ziggurat {
  static constexpr std::size_t layers = 128;
  static constexpr double r = 3.442619855899;
  static constexpr double area = 9.91256303526217e-3;
  double x[layers + 1];
  double ratio[layers];  // x[i+1] / x[i]: below it a point is inside the layer for sure

  Ziggurat() noexcept {
    double f = std::exp(-0.5 * r * r);
    x[0] = area / f;
    x[1] = r;
    for (std::size_t i = 2; i < layers; ++i) {
      x[i] = std::sqrt(-2.0 * std::log(area / x[i - 1] + f));
      f = std::exp(-0.5 * x[i] * x[i]);
    }
    x[layers] = 0.0;
    for (std::size_t i = 0; i < layers; ++i) ratio[i] = x[i + 1] / x[i];
  }
};

inline const Ziggurat& ziggurat() noexcept {
  static const Ziggurat tables;
  return tables;
}
}  // namespace detail

/// Key of one random stream. Fields left at zero are simply part of the key.
struct StreamKey {
  std::uint64_t seed = 0;
  std::uint64_t generation = 0;
  std::uint64_t candidate = 0;
  std::uint64_t dataset = 0;
  Purpose purpose = Purpose::user;
};

/// xoshiro256++ generator keyed by a StreamKey, with uniform and normal variates.
/// Normal variates use a ziggurat written here (not <random>'s distributions, whose
/// algorithms differ between standard libraries).
class RandomStream {
 public:
  explicit RandomStream(const StreamKey& key) noexcept {
    std::uint64_t h = key.seed;
    for (std::uint64_t part : {key.generation, key.candidate, key.dataset,
                               static_cast<std::uint64_t>(key.purpose)}) {
      std::uint64_t s = h ^ (part * 0xd1342543de82ef95ULL);
      h = detail::splitmix64(s);
    }
    for (auto& word : state_) word = detail::splitmix64(h);
  }
  RandomStream(std::uint64_t seed, Purpose purpose, std::uint64_t generation = 0,
               std::uint64_t candidate = 0, std::uint64_t dataset = 0) noexcept
      : RandomStream(StreamKey{seed, generation, candidate, dataset, purpose}) {}

  using result_type = std::uint64_t;
  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return ~result_type{0}; }

  result_type operator()() noexcept {
    const std::uint64_t result = detail::rotl(state_[0] + state_[3], 23) + state_[0];
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = detail::rotl(state_[3], 45);
    return result;
  }

  /// Uniform on [0, 1) with 53 random bits.
  double uniform() noexcept { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  /// Uniform on [a, b).
  double uniform(double a, double b) noexcept { return a + (b - a) * uniform(); }

  /// Standard normal variate: the ziggurat method with 128 layers (Marsaglia & Tsang 2000,
  /// in Doornik's 2005 formulation). One generator step and a comparison on ~99 % of
  /// calls; exp/log only in the wedges and the tail.
  double normal() noexcept { return normal(detail::ziggurat()); }

  /// Fills any contiguous Eigen object (or container with data()/size()) with N(0, 1) variates.
  template <class Dense>
  void fill_normal(Dense& out) noexcept {
    using value_type = std::remove_cvref_t<decltype(*out.data())>;
    const auto& tables = detail::ziggurat();
    auto* data = out.data();
    for (std::size_t i = 0, n = static_cast<std::size_t>(out.size()); i < n; ++i)
      data[i] = static_cast<value_type>(normal(tables));
  }

 private:
  double normal(const detail::Ziggurat& z) noexcept {
    const std::uint64_t bits = (*this)();
    const double u = 2.0 * (static_cast<double>(bits >> 11) * 0x1.0p-53) - 1.0;  // [-1, 1)
    const std::size_t i = bits & (detail::Ziggurat::layers - 1);                   // bits unused by u
    if (std::abs(u) < z.ratio[i]) [[likely]] return u * z.x[i];
    return normal_outside(z, u, i);
  }

  // The ~1 % of draws that fall in a wedge or the tail; retries draw afresh.
  [[gnu::noinline]] double normal_outside(const detail::Ziggurat& z, double u, std::size_t i) noexcept {
    for (;;) {
      if (i == 0) return tail(z.r, u < 0.0);
      const double x = u * z.x[i];
      const double f0 = std::exp(-0.5 * (z.x[i] * z.x[i] - x * x));
      const double f1 = std::exp(-0.5 * (z.x[i + 1] * z.x[i + 1] - x * x));
      if (f1 + uniform() * (f0 - f1) < 1.0) return x;
      const std::uint64_t bits = (*this)();
      u = 2.0 * (static_cast<double>(bits >> 11) * 0x1.0p-53) - 1.0;
      i = bits & (detail::Ziggurat::layers - 1);
      if (std::abs(u) < z.ratio[i]) return u * z.x[i];
    }
  }

  // Marsaglia's tail beyond r: r + a with density ∝ exp(-r a - a²/2).
  double tail(double r, bool negative) noexcept {
    double a, b;
    do {
      a = std::log(1.0 - uniform()) / r;
      b = std::log(1.0 - uniform());
    } while (-2.0 * b < a * a);
    return negative ? a - r : r - a;
  }

  std::uint64_t state_[4]{};
};

}  // namespace metahebb
