#pragma once
/// Arithmetic that reads the same on a scalar (float, double) and on an xsimd batch of them.
///
/// Spiking kernels are written once over a type T and instantiated for a plain scalar
/// (the reference path, one candidate) and for a batch (one candidate per lane). To make
/// a lane give *bitwise* the same result as the scalar path, every function here performs
/// the same sequence of IEEE operations for both: `lanes::exp` is our own Cody–Waite +
/// polynomial exponential, not std::exp (whose libm algorithm differs from xsimd's).
/// (Equality also needs the same floating-point contraction for both; GCC contracts
/// neither on baseline x86-64, which has no FMA. -march=native may change the last bits.)

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <xsimd/xsimd.hpp>

namespace metahebb::lanes {

template <class T>
struct traits {  // a scalar: one lane
  using scalar = T;
  using mask = bool;
  static constexpr std::size_t size = 1;
};
template <class S, class A>
struct traits<xsimd::batch<S, A>> {
  using scalar = S;
  using mask = xsimd::batch_bool<S, A>;
  static constexpr std::size_t size = xsimd::batch<S, A>::size;
};

template <class T> using scalar_t = typename traits<T>::scalar;
template <class T> using mask_t = typename traits<T>::mask;
template <class T> inline constexpr std::size_t size_v = traits<T>::size;

// select / any / min / max / logical ops, scalar overloads beside xsimd's.
template <class T> requires std::is_floating_point_v<T>
inline T select(bool m, T a, T b) noexcept { return m ? a : b; }
template <class S, class A>
inline xsimd::batch<S, A> select(const xsimd::batch_bool<S, A>& m, const xsimd::batch<S, A>& a,
                                 const xsimd::batch<S, A>& b) noexcept {
  return xsimd::select(m, a, b);
}

inline bool any(bool m) noexcept { return m; }
template <class S, class A>
inline bool any(const xsimd::batch_bool<S, A>& m) noexcept { return xsimd::any(m); }
inline bool all(bool m) noexcept { return m; }
template <class S, class A>
inline bool all(const xsimd::batch_bool<S, A>& m) noexcept { return xsimd::all(m); }

/// a and not b.
inline bool and_not(bool a, bool b) noexcept { return a && !b; }
template <class S, class A>
inline xsimd::batch_bool<S, A> and_not(const xsimd::batch_bool<S, A>& a, const xsimd::batch_bool<S, A>& b) noexcept {
  return a & !b;
}
inline bool either(bool a, bool b) noexcept { return a || b; }
template <class S, class A>
inline xsimd::batch_bool<S, A> either(const xsimd::batch_bool<S, A>& a, const xsimd::batch_bool<S, A>& b) noexcept {
  return a | b;
}

// max(a, b) as (a < b ? b : a) for both, so finite inputs give identical results.
template <class T>
inline T max(const T& a, const T& b) noexcept { return select(a < b, b, a); }
template <class T>
inline T min(const T& a, const T& b) noexcept { return select(b < a, b, a); }
template <class T>
inline T clamp(const T& x, const T& lo, const T& hi) noexcept { return min(max(x, lo), hi); }

/// x ≥ 0 (or NaN), with values below the smallest normal number set to 0. A decaying trace
/// that has gone that small no longer changes any weight (its contribution is far below one
/// ulp of a weight), but arithmetic on subnormal numbers costs ~15× more on x86: the trace of
/// a neuron silent for ~2 s (float) would otherwise slow every step. One compare and one
/// blend; NaN stays NaN.
template <class T>
inline T flush_subnormal(const T& x) noexcept {
  return lanes::select(x < T(std::numeric_limits<scalar_t<T>>::min()), T(0), x);
}

/// Lane i of a batch (or the scalar itself).
template <class T>
inline scalar_t<T> lane(const T& x, std::size_t i) noexcept {
  if constexpr (std::is_floating_point_v<T>) {
    (void)i;
    return x;
  } else {
    alignas(64) scalar_t<T> buffer[size_v<T>];
    x.store_aligned(buffer);
    return buffer[i];
  }
}
template <class M>
inline bool mask_lane(const M& m, std::size_t i) noexcept {
  if constexpr (std::is_same_v<M, bool>) {
    (void)i;
    return m;
  } else {
    constexpr std::size_t n = M::size;
    alignas(64) bool buffer[n];
    m.store_aligned(buffer);
    return buffer[i];
  }
}

namespace detail {
template <class S> struct exp_constants;
template <> struct exp_constants<float> {
  using bits = std::int32_t;
  static constexpr int mantissa = 23, bias = 127, degree = 7;
  static constexpr float lowest = -87.0f;                  // e^-87 is still a normal float
  static constexpr float magic = 12582912.0f;              // 1.5·2^23: adding it rounds to an integer
  static constexpr float ln2_hi = 0.693359375f, ln2_lo = -2.12194440e-4f;  // ln2_hi has 9 bits: n·ln2_hi exact
};
template <> struct exp_constants<double> {
  using bits = std::int64_t;
  static constexpr int mantissa = 52, bias = 1023, degree = 13;
  static constexpr double lowest = -708.0;
  static constexpr double magic = 6755399441055744.0;  // 1.5·2^52
  static constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
};

template <class T, class Bits>
inline T from_bits(const Bits& b) noexcept {
  if constexpr (std::is_floating_point_v<T>) return std::bit_cast<T>(b);
  else return xsimd::bitwise_cast<T>(b);
}
template <class Bits, class T>
inline auto to_bits(const T& x) noexcept {
  if constexpr (std::is_floating_point_v<T>) return std::bit_cast<Bits>(x);
  else return xsimd::bitwise_cast<xsimd::batch<Bits, typename T::arch_type>>(x);
}
}  // namespace detail

/// e^x for x ≤ 80, relative error ≲ 2 ulp; arguments below −87 (float) / −708 (double)
/// are raised to that bound (e^x then underflows harmlessly towards 0 in the caller's
/// use: a decay factor). Range reduction x = n ln2 + r, |r| ≤ ln2/2, Taylor polynomial
/// in r, scaling by 2^n assembled from bits: only +, −, ×, compares and bit moves, so
/// a batch lane and the scalar give the same bits.
template <class T>
inline T exp(T x) noexcept {
  using S = scalar_t<T>;
  using C = detail::exp_constants<S>;
  using Bits = typename C::bits;
  x = max(x, T(C::lowest));
  const T t = x * T(static_cast<S>(1.4426950408889634)) + T(C::magic);
  const T n = t - T(C::magic);
  const T r = (x - n * T(C::ln2_hi)) - n * T(C::ln2_lo);
  // Horner on the Taylor series 1 + r + r²/2! + … + r^degree/degree!
  S coefficients[C::degree + 1];
  double factorial = 1.0;
  for (int k = 0; k <= C::degree; ++k) {
    if (k > 0) factorial *= k;
    coefficients[k] = static_cast<S>(1.0 / factorial);
  }
  T p(coefficients[C::degree]);
  for (int k = C::degree - 1; k >= 0; --k) p = p * r + T(coefficients[k]);
  // t's low mantissa bits hold n: bits(t) − bits(magic) = n, exactly.
  const auto k = detail::to_bits<Bits>(t) - detail::to_bits<Bits>(static_cast<S>(C::magic));
  const T scale = detail::from_bits<T>((k + Bits(C::bias)) << C::mantissa);
  return p * scale;
}

/// The widest available xsimd batch of S whose width divides `Lanes` (so `Lanes` candidates
/// are a whole number of batches on any architecture: AVX-512 floats need 16, SSE2 4).
template <class S, std::size_t Lanes>
struct batch_for {
  using native = xsimd::batch<S>;
#if XSIMD_WITH_AVX2
  using narrower = xsimd::batch<S, xsimd::avx2>;
#elif XSIMD_WITH_SSE2
  using narrower = xsimd::batch<S, xsimd::sse2>;
#else
  using narrower = native;
#endif
  using type = std::conditional_t<(Lanes % native::size == 0), native, narrower>;
  static_assert(Lanes % type::size == 0, "metahebb: the number of lanes must be a multiple of the SIMD width");
};
template <class S, std::size_t Lanes>
using batch_for_t = typename batch_for<S, Lanes>::type;

}  // namespace metahebb::lanes
