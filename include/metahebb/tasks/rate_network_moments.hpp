#pragma once
/// One batch step of the two-layer linear rate network (tasks/rate_network.hpp, Confavreux et
/// al. 2020 §3.2) from the raw moments of the input batch, for rules of order ≤ 2 in the rates.
///
/// The network is linear: y_i = Σ_j x_j w_ij + Σ_{j<i} y_j ŵ_ij (Eq. 6) is y = x V with
///   V_{:,i} = w_{:,i} + Σ_{j<i} ŵ_ij V_{:,j}      (in the order j = 0, 1, …, i−1),
/// so every moment a Volterra rule of order ≤ 2 in the two rates needs is a contraction of V
/// with the input's moments up to order 4, S_1 … S_4 (⟨x_j⟩, ⟨x_j x_k⟩, ⟨x_j x_k x_l⟩,
/// ⟨x_j x_k x_l x_m⟩ over the batch), which all candidates share:
///   ⟨x_r y_c⟩ = Σ_k S2_rk V_kc               ⟨y_c⟩ = Σ_j S1_j V_jc     ⟨y_c²⟩ = Σ_j V_jc ⟨x_j y_c⟩
///   ⟨x_r x_s y_c⟩ = Σ_k S3_rsk V_kc           ⟨x_r y_c²⟩ = Σ_j V_jc ⟨x_r x_j y_c⟩
///   ⟨x_r x_s y_c²⟩ = Σ_j V_jc Σ_k S4_rsjk V_kc
///   ⟨y_i y_j⟩ = Σ_r V_ri ⟨x_r y_j⟩   ⟨y_i² y_j⟩ = Σ_r V_rj ⟨x_r y_i²⟩   ⟨y_i y_j²⟩ = Σ_r V_ri ⟨x_r y_j²⟩
///   ⟨y_i² y_j²⟩ = Σ_r V_ri Σ_s V_si ⟨x_r x_s y_j²⟩
/// At N = M = 5 a candidate costs ~6·10³ operations per step instead of the ~5·10⁴ of the
/// per-sample moments (N_b = 200): the batch enters only through S_1 … S_4 (126 sums over
/// the batch per step, shared). The update is then the one of the tasks' Volterra rules,
///   Δw_rc = Σ_k θ_k ⟨x_r^a y_c^b⟩ w_rc^d,   Δŵ_ij = Σ_k θ'_k ⟨y_i^a y_j^b⟩ ŵ_ij^d,
/// every term added in the basis's order (zero coefficients included, as in the per-sample
/// reference), w += η Δw, ŵ += η_l Δŵ.
///
/// `rate_network_moment_step` is written once over T: a float/double (one candidate) or an
/// xsimd batch of them (one candidate per lane). It does the same IEEE operations in the same
/// order for both, and the batch sums of S_1 … S_4 have a fixed order (eight partial sums,
/// independent of the SIMD width), so a lane equals the scalar path bit for bit, and the
/// portable and -march=native builds agree on this kernel (both compile with
/// -ffp-contract=off, docs/architecture.md). Units: rates and weights are dimensionless.

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include "../core/lanes.hpp"
#include "../rules/volterra.hpp"

namespace metahebb {

/// Σ_s a_s b_s in a fixed order: eight partial sums over s mod 8, then a fixed tree. The same
/// bits on every architecture (the compiler may vectorise the eight partial sums, but it may
/// not reorder them without -ffast-math).
template <class S>
inline S ordered_dot(const S* a, const S* b, Eigen::Index n) noexcept {
  S acc[8] = {};
  Eigen::Index s = 0;
  for (; s + 8 <= n; s += 8)
    for (int k = 0; k < 8; ++k) acc[k] += a[s + k] * b[s + k];
  for (int k = 0; s < n; ++s, ++k) acc[k] += a[s] * b[s];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

/// S_1 … S_4 of a batch (rows = samples, columns = inputs), stored densely and symmetrically:
/// m4[((j·N + k)·N + l)·N + m] = ⟨x_j x_k x_l x_m⟩ etc.
template <class Scalar>
class BatchMoments {
 public:
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

  void compute(const Matrix& x) {
    const Eigen::Index nb = x.rows();
    n_ = x.cols();
    const Eigen::Index n = n_;
    m1_.assign(static_cast<std::size_t>(n), Scalar(0));
    m2_.assign(static_cast<std::size_t>(n * n), Scalar(0));
    m3_.assign(static_cast<std::size_t>(n * n * n), Scalar(0));
    m4_.assign(static_cast<std::size_t>(n * n * n * n), Scalar(0));
    ones_.assign(static_cast<std::size_t>(nb), Scalar(1));
    // Column (j, k), j ≤ k, of `pairs` holds x_j ∘ x_k over the batch.
    pairs_.resize(nb, n * n);
    for (Eigen::Index j = 0; j < n; ++j)
      for (Eigen::Index k = j; k < n; ++k) pairs_.col(j * n + k) = x.col(j).cwiseProduct(x.col(k));
    const auto mean = [nb](Scalar sum) { return sum / static_cast<Scalar>(nb); };
    for (Eigen::Index j = 0; j < n; ++j) {
      m1_[static_cast<std::size_t>(j)] = mean(ordered_dot(x.col(j).data(), ones_.data(), nb));
      for (Eigen::Index k = j; k < n; ++k) {
        const Scalar* jk = pairs_.col(j * n + k).data();
        set2(j, k, mean(ordered_dot(jk, ones_.data(), nb)));
        for (Eigen::Index l = k; l < n; ++l) {
          set3(j, k, l, mean(ordered_dot(jk, x.col(l).data(), nb)));
          for (Eigen::Index m = l; m < n; ++m) set4(j, k, l, m, mean(ordered_dot(jk, pairs_.col(l * n + m).data(), nb)));
        }
      }
    }
  }

  Eigen::Index inputs() const noexcept { return n_; }
  Scalar m1(Eigen::Index j) const noexcept { return m1_[static_cast<std::size_t>(j)]; }
  Scalar m2(Eigen::Index j, Eigen::Index k) const noexcept { return m2_[static_cast<std::size_t>(j * n_ + k)]; }
  Scalar m3(Eigen::Index j, Eigen::Index k, Eigen::Index l) const noexcept {
    return m3_[static_cast<std::size_t>((j * n_ + k) * n_ + l)];
  }
  /// The n values ⟨x_r x_s x_j x_k⟩, k = 0 … n−1, contiguous.
  const Scalar* m4_row(Eigen::Index r, Eigen::Index s, Eigen::Index j) const noexcept {
    return m4_.data() + ((r * n_ + s) * n_ + j) * n_;
  }
  const Scalar* m3_row(Eigen::Index r, Eigen::Index s) const noexcept { return m3_.data() + (r * n_ + s) * n_; }
  const Scalar* m2_row(Eigen::Index r) const noexcept { return m2_.data() + r * n_; }

 private:
  void set2(Eigen::Index j, Eigen::Index k, Scalar v) {
    m2_[static_cast<std::size_t>(j * n_ + k)] = v;
    m2_[static_cast<std::size_t>(k * n_ + j)] = v;
  }
  void set3(Eigen::Index j, Eigen::Index k, Eigen::Index l, Scalar v) {
    const std::array<Eigen::Index, 3> i{j, k, l};
    for (const auto& p : permutations<3>()) m3_[static_cast<std::size_t>((i[p[0]] * n_ + i[p[1]]) * n_ + i[p[2]])] = v;
  }
  void set4(Eigen::Index j, Eigen::Index k, Eigen::Index l, Eigen::Index m, Scalar v) {
    const std::array<Eigen::Index, 4> i{j, k, l, m};
    for (const auto& p : permutations<4>())
      m4_[static_cast<std::size_t>(((i[p[0]] * n_ + i[p[1]]) * n_ + i[p[2]]) * n_ + i[p[3]])] = v;
  }
  template <std::size_t K>
  static const std::vector<std::array<std::size_t, K>>& permutations() {
    static const std::vector<std::array<std::size_t, K>> all = [] {
      std::vector<std::array<std::size_t, K>> out;
      std::array<std::size_t, K> p{};
      for (std::size_t i = 0; i < K; ++i) p[i] = i;
      do out.push_back(p);
      while (std::next_permutation(p.begin(), p.end()));
      return out;
    }();
    return all;
  }

  Eigen::Index n_ = 0;
  std::vector<Scalar> m1_, m2_, m3_, m4_, ones_;
  Matrix pairs_;
};

/// The rule orders this kernel handles: ≤ 2 in each rate (any order in the weight).
inline bool moment_step_supports(const VolterraBasis& basis) noexcept {
  return basis.num_factors() == 3 && basis.factor(0).max_order <= 2 && basis.factor(1).max_order <= 2;
}

/// Scratch space of `rate_network_moment_step`, reused across steps.
template <class T>
struct MomentStepScratch {
  std::vector<T> v, y1, y2, xy, xxy, xyy, xxyy, wp, dw;
};

/// One step for one candidate (T scalar) or one candidate per lane (T an xsimd batch).
/// Layouts: w[r + N·c] (N × M feedforward weights), l[i + M·j] (M × M lateral weights, only
/// j < i used), theta_ff / theta_lat: one T per basis term. Updates w and, if
/// `lateral_plastic`, l in place. `FixedN`, `FixedM` > 0 fix N and M at compile time (the
/// loops unroll; the operations and their order are the same, so are the results).
template <std::size_t FixedN = 0, std::size_t FixedM = 0, class T, class Scalar>
void rate_network_moment_step(const BatchMoments<Scalar>& x, Eigen::Index m, const VolterraBasis& feedforward,
                              const VolterraBasis* lateral, const T* theta_ff, const T* theta_lat, T eta, T eta_lateral,
                              T* w, T* l, MomentStepScratch<T>& s) {
  const std::size_t N = FixedN > 0 ? FixedN : static_cast<std::size_t>(x.inputs());
  const std::size_t M = FixedM > 0 ? FixedM : static_cast<std::size_t>(m);
  s.v.resize(N * M);
  s.y1.resize(M);
  s.y2.resize(M);
  s.xy.resize(N * M);
  s.xxy.resize(N * N * M);
  s.xyy.resize(N * M);
  s.xxyy.resize(N * N * M);
  // V: the effective feedforward matrix of the hierarchy (y = x V).
  T* v = s.v.data();
  for (std::size_t c = 0; c < M; ++c)
    for (std::size_t r = 0; r < N; ++r) {
      T sum = w[r + N * c];
      for (std::size_t j = 0; j < c; ++j) sum = sum + l[c + M * j] * v[r + N * j];
      v[r + N * c] = sum;
    }
  for (std::size_t c = 0; c < M; ++c) {
    const T* vc = v + N * c;
    T y1(Scalar(0));
    for (std::size_t j = 0; j < N; ++j) y1 = y1 + T(x.m1(static_cast<Eigen::Index>(j))) * vc[j];
    s.y1[c] = y1;
    for (std::size_t r = 0; r < N; ++r) {  // ⟨x_r y_c⟩
      const Scalar* s2 = x.m2_row(static_cast<Eigen::Index>(r));
      T sum(Scalar(0));
      for (std::size_t k = 0; k < N; ++k) sum = sum + T(s2[k]) * vc[k];
      s.xy[r + N * c] = sum;
    }
    T y2(Scalar(0));
    for (std::size_t j = 0; j < N; ++j) y2 = y2 + vc[j] * s.xy[j + N * c];
    s.y2[c] = y2;
    for (std::size_t r = 0; r < N; ++r)  // ⟨x_r x_q y_c⟩, symmetric in (r, q)
      for (std::size_t q = r; q < N; ++q) {
        const Scalar* s3 = x.m3_row(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(q));
        T sum(Scalar(0));
        for (std::size_t k = 0; k < N; ++k) sum = sum + T(s3[k]) * vc[k];
        s.xxy[r + N * (q + N * c)] = sum;
        s.xxy[q + N * (r + N * c)] = sum;
      }
    for (std::size_t r = 0; r < N; ++r) {  // ⟨x_r y_c²⟩
      T sum(Scalar(0));
      for (std::size_t j = 0; j < N; ++j) sum = sum + vc[j] * s.xxy[r + N * (j + N * c)];
      s.xyy[r + N * c] = sum;
    }
    for (std::size_t r = 0; r < N; ++r)  // ⟨x_r x_q y_c²⟩, symmetric in (r, q)
      for (std::size_t q = r; q < N; ++q) {
        T outer(Scalar(0));
        for (std::size_t j = 0; j < N; ++j) {
          const Scalar* s4 = x.m4_row(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(q), static_cast<Eigen::Index>(j));
          T inner(Scalar(0));
          for (std::size_t k = 0; k < N; ++k) inner = inner + T(s4[k]) * vc[k];
          outer = outer + vc[j] * inner;
        }
        s.xxyy[r + N * (q + N * c)] = outer;
        s.xxyy[q + N * (r + N * c)] = outer;
      }
  }

  // The lateral moments use the same V, before either group is updated.
  if (lateral != nullptr && m > 1) {
    const int max_d = lateral->factor(2).max_order;
    for (std::size_t i = 1; i < M; ++i)
      for (std::size_t j = 0; j < i; ++j) {
        const T* vi = v + N * i;
        const T* vj = v + N * j;
        T yy(Scalar(0)), yyi(Scalar(0)), yyj(Scalar(0)), yyyy(Scalar(0));
        for (std::size_t r = 0; r < N; ++r) {
          yy = yy + vi[r] * s.xy[r + N * j];     // ⟨y_i y_j⟩
          yyi = yyi + vj[r] * s.xyy[r + N * i];  // ⟨y_i² y_j⟩
          yyj = yyj + vi[r] * s.xyy[r + N * j];  // ⟨y_i y_j²⟩
          T inner(Scalar(0));
          for (std::size_t q = 0; q < N; ++q) inner = inner + vi[q] * s.xxyy[r + N * (q + N * j)];
          yyyy = yyyy + vi[r] * inner;  // ⟨y_i² y_j²⟩
        }
        const T one(Scalar(1));
        const T moment[3][3] = {{one, s.y1[j], s.y2[j]}, {s.y1[i], yy, yyj}, {s.y2[i], yyi, yyyy}};
        T& lij = l[i + M * j];
        T power[17];
        power[0] = one;
        for (int d = 1; d <= max_d; ++d) power[d] = power[d - 1] * lij;
        T dl(Scalar(0));
        for (std::size_t k = 0; k < lateral->size(); ++k)
          dl = dl + (theta_lat[k] * moment[lateral->exponent(k, 0)][lateral->exponent(k, 1)]) * power[lateral->exponent(k, 2)];
        lij = lij + eta_lateral * dl;
      }
  }

  const int max_d = feedforward.factor(2).max_order;
  for (std::size_t c = 0; c < M; ++c)
    for (std::size_t r = 0; r < N; ++r) {
      const T one(Scalar(1));
      const T moment[3][3] = {{one, s.y1[c], s.y2[c]},
                              {T(x.m1(static_cast<Eigen::Index>(r))), s.xy[r + N * c], s.xyy[r + N * c]},
                              {T(x.m2(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(r))), s.xxy[r + N * (r + N * c)],
                               s.xxyy[r + N * (r + N * c)]}};
      T& wrc = w[r + N * c];
      T power[17];
      power[0] = one;
      for (int d = 1; d <= max_d; ++d) power[d] = power[d - 1] * wrc;
      T dw(Scalar(0));
      for (std::size_t k = 0; k < feedforward.size(); ++k)
        dw = dw + (theta_ff[k] * moment[feedforward.exponent(k, 0)][feedforward.exponent(k, 1)]) *
                      power[feedforward.exponent(k, 2)];
      wrc = wrc + eta * dw;
    }
}

}  // namespace metahebb
