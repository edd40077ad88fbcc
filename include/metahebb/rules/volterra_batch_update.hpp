#pragma once
/// Batch-mean update of a Volterra rule over a whole population, as matrix products.
///
/// For weights w(r, c) between a "row" factor u_r (e.g. presynaptic x_j) and a "column"
/// factor v_c (e.g. postsynaptic y_i), with a rule over (u, v, w):
///
///   Δw(r, c) = Σ_δ w(r, c)^δ Σ_{α,β} θ_{αβδ}(c) ⟨u_r^α v_c^β⟩_batch
///
/// Every moment ⟨u^α v^β⟩ is one entry of [1, U, U∘U, …]ᵀ [1, V, V∘V, …] / N_b, a single
/// product for all columns (candidates, or candidates × output neurons) at once. Each
/// column has its own coefficients θ(:, c). `volterra_batch_update_per_sample` is the
/// straightforward reference the tests compare against.

#include <Eigen/Core>
#include <algorithm>

#include "volterra.hpp"

namespace metahebb {

template <class Scalar>
struct VolterraBatchScratch {
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  Matrix row_powers, column_powers, moments, weight_powers;
};

/// `rows`: N_b × R samples of the row factor; `columns`: N_b × C samples of the column
/// factor; `weights` and `dw`: R × C; `thetas`: basis.size() × C. The basis has three
/// factors, in the order (row factor, column factor, weight).
template <class Scalar>
void volterra_batch_update(const VolterraBasis& basis,
                           const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& rows,
                           const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& columns,
                           const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& weights,
                           const Eigen::MatrixXd& thetas, Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& dw,
                           VolterraBatchScratch<Scalar>& s) {
  const Eigen::Index nb = rows.rows(), n = rows.cols(), p = columns.cols();
  const int max_a = basis.factor(0).max_order, max_b = basis.factor(1).max_order, max_d = basis.factor(2).max_order;
  s.row_powers.resize(nb, 1 + max_a * n);
  s.column_powers.resize(nb, 1 + max_b * p);
  s.row_powers.col(0).setOnes();
  s.column_powers.col(0).setOnes();
  if (max_a >= 1) s.row_powers.middleCols(1, n) = rows;
  for (int a = 2; a <= max_a; ++a)
    s.row_powers.middleCols(1 + (a - 1) * n, n) = s.row_powers.middleCols(1 + (a - 2) * n, n).cwiseProduct(rows);
  if (max_b >= 1) s.column_powers.middleCols(1, p) = columns;
  for (int b = 2; b <= max_b; ++b)
    s.column_powers.middleCols(1 + (b - 1) * p, p) =
        s.column_powers.middleCols(1 + (b - 2) * p, p).cwiseProduct(columns);
  s.moments.noalias() = s.row_powers.transpose() * s.column_powers;
  s.moments /= static_cast<Scalar>(nb);

  // A plain loop per term over the rows, on raw pointers: at small sizes Eigen's
  // per-expression overhead would dominate; at large sizes the inner loop vectorises.
  const Eigen::Index stride = s.moments.rows();
  s.weight_powers.resize(n, max_d + 1);
  dw.resize(n, p);
  for (Eigen::Index c = 0; c < p; ++c) {
    s.weight_powers.col(0).setOnes();
    for (int d = 1; d <= max_d; ++d) s.weight_powers.col(d) = s.weight_powers.col(d - 1).cwiseProduct(weights.col(c));
    Scalar* out = dw.col(c).data();
    std::fill(out, out + n, Scalar(0));
    for (std::size_t k = 0; k < basis.size(); ++k) {
      const auto coefficient = static_cast<Scalar>(thetas(static_cast<Eigen::Index>(k), c));
      if (coefficient == Scalar(0)) continue;
      const int a = basis.exponent(k, 0), b = basis.exponent(k, 1);
      const Eigen::Index column = b == 0 ? 0 : 1 + (b - 1) * p + c;
      const Scalar* w_power = s.weight_powers.col(basis.exponent(k, 2)).data();
      if (a == 0) {  // ⟨v^β⟩ is the same for every row
        const Scalar m = coefficient * s.moments(0, column);
        for (Eigen::Index r = 0; r < n; ++r) out[r] += m * w_power[r];
      } else {
        const Scalar* m = s.moments.data() + column * stride + 1 + (a - 1) * n;
        for (Eigen::Index r = 0; r < n; ++r) out[r] += coefficient * m[r] * w_power[r];
      }
    }
  }
}

/// Reference: the rule evaluated synapse by synapse, sample by sample. Works for any RateRule
/// over (row factor, column factor, weight) (core/concepts/rate_rule.hpp), not only Volterra.
template <class Scalar, class Rule>
void volterra_batch_update_per_sample(const Rule& basis,
                                      const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& rows,
                                      const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& columns,
                                      const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& weights,
                                      const Eigen::MatrixXd& thetas,
                                      Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& dw) {
  dw.setZero(rows.cols(), columns.cols());
  for (Eigen::Index c = 0; c < columns.cols(); ++c)
    for (Eigen::Index s = 0; s < rows.rows(); ++s)
      for (Eigen::Index r = 0; r < rows.cols(); ++r) {
        const Scalar factors[3] = {rows(s, r), columns(s, c), weights(r, c)};
        dw(r, c) += basis.template evaluate<Scalar>(thetas.col(c), factors);
      }
  dw /= static_cast<Scalar>(rows.rows());
}

}  // namespace metahebb
