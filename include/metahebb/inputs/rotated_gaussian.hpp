#pragma once
/// Zero-mean Gaussian inputs with a fixed spectrum in a random orientation (paper §3.1).
///
/// Covariance C = s · Q diag(λ) Qᵀ with Q Haar-random per dataset and, optionally, a
/// per-dataset scale s ~ U(s_min, s_max). The spectrum λ_i = max(ratio^(i-1), floor)
/// keeps a gap of (1 - ratio) between the first two eigenvalues at every N, so PC1 is
/// well defined and Oja's rule converges within a few hundred batch steps.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>

#include "../core/errors.hpp"
#include "../core/random.hpp"

namespace metahebb {

struct RotatedGaussianConfig {
  std::size_t inputs = 10;           ///< N
  double spectrum_ratio = 0.5;       ///< λ_i = max(ratio^(i-1), floor)
  double spectrum_floor = 0.1;
  bool rescale_covariance = true;    ///< multiply C by s ~ U(rescale_min, rescale_max) per dataset
  double rescale_min = 0.5;
  double rescale_max = 2.0;

  void validate() const {
    require_count("inputs", static_cast<long long>(inputs), 1, 100000);
    require(std::isfinite(spectrum_ratio) && spectrum_ratio > 0.0 && spectrum_ratio < 1.0, "spectrum_ratio",
            spectrum_ratio, "must be in (0, 1) so that PC1 is unique");
    require(std::isfinite(spectrum_floor) && spectrum_floor > 0.0 && spectrum_floor < 1.0, "spectrum_floor",
            spectrum_floor, "must be in (0, 1)");
    if (rescale_covariance) {
      require_positive("rescale_min", rescale_min);
      require(std::isfinite(rescale_max) && rescale_max >= rescale_min, "rescale_max", rescale_max,
              "must be finite and >= rescale_min");
    }
  }

  /// The eigenvalues λ_1 ≥ λ_2 ≥ … before rescaling.
  Eigen::VectorXd spectrum() const {
    Eigen::VectorXd lambda(static_cast<Eigen::Index>(inputs));
    for (Eigen::Index i = 0; i < lambda.size(); ++i)
      lambda[i] = std::max(std::pow(spectrum_ratio, static_cast<double>(i)), spectrum_floor);
    return lambda;
  }
};

/// One dataset: its orientation, scale and a sampler for batches.
class RotatedGaussian {
 public:
  /// Draws Q and s from `stream`; the same stream state gives the same dataset.
  RotatedGaussian(const RotatedGaussianConfig& config, RandomStream& stream) {
    config.validate();
    const auto n = static_cast<Eigen::Index>(config.inputs);
    // Haar-random orthogonal matrix: Gram–Schmidt on the columns of a Gaussian matrix
    // (the Q of its QR decomposition with a positive diagonal in R).
    rotation_.resize(n, n);
    stream.fill_normal(rotation_);
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index k = 0; k < i; ++k) rotation_.col(i) -= rotation_.col(k).dot(rotation_.col(i)) * rotation_.col(k);
      rotation_.col(i).normalize();
    }
    scale_ = config.rescale_covariance ? stream.uniform(config.rescale_min, config.rescale_max) : 1.0;
    eigenvalues_ = scale_ * config.spectrum();
    // Only the leading eigenvalues exceed the floor, so C = s·floor·I + Σ_{i<k} (λ_i − s·floor) q_i q_iᵀ:
    // a batch is an isotropic part plus a rank-k part, N_b·N·k operations instead of N_b·N².
    const double floor = scale_ * config.spectrum_floor;
    Eigen::Index k = 0;
    while (k < n && eigenvalues_[k] > floor * (1.0 + 1e-12)) ++k;
    if (2 * k < n) {
      isotropic_sd_ = std::sqrt(floor);
      mixing_transposed_ =
          (rotation_.leftCols(k) * (eigenvalues_.head(k).array() - floor).sqrt().matrix().asDiagonal()).transpose();
    } else {
      isotropic_sd_ = 0.0;
      mixing_transposed_ = (rotation_ * eigenvalues_.cwiseSqrt().asDiagonal()).transpose();
    }
    mixing_transposed_float_ = mixing_transposed_.cast<float>();
  }

  Eigen::Index inputs() const noexcept { return rotation_.rows(); }
  double scale() const noexcept { return scale_; }
  const Eigen::VectorXd& eigenvalues() const noexcept { return eigenvalues_; }
  const Eigen::MatrixXd& principal_vectors() const noexcept { return rotation_; }  ///< columns PC1, PC2, …
  Eigen::VectorXd principal_vector(Eigen::Index i) const { return rotation_.col(i); }
  Eigen::MatrixXd covariance() const { return rotation_ * eigenvalues_.asDiagonal() * rotation_.transpose(); }

  /// Fills `batch` (rows = samples, columns = inputs) with fresh samples; `noise` is scratch space.
  template <class Scalar>
  void sample(RandomStream& stream, Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& noise,
              Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& batch) const {
    const auto& mixing = mixing_transposed<Scalar>();
    const Eigen::Index n = inputs(), k = mixing.rows();
    noise.resize(batch.rows(), isotropic_sd_ > 0.0 ? n + k : n);
    stream.fill_normal(noise);
    if (isotropic_sd_ > 0.0) {
      batch = static_cast<Scalar>(isotropic_sd_) * noise.leftCols(n);
      batch.noalias() += noise.rightCols(k) * mixing;
    } else {
      batch.noalias() = noise * mixing;
    }
  }

  /// As `sample` (the same noise, the same mixing), with the mixing product summed in a fixed
  /// order: x_sj = [σ·z_sj +] Σ_i z'_si M_ij, i ascending, one multiply and one add at a time.
  /// The same bits under any SIMD width and with or without FMA (-march=native), where
  /// `sample`'s Eigen product may differ in the last bits; for small N (the 5 → 5 network).
  template <class Scalar>
  void sample_ordered(RandomStream& stream, Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& noise,
                      Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& batch) const {
    const auto& mixing = mixing_transposed<Scalar>();
    const Eigen::Index n = inputs(), k = mixing.rows(), nb = batch.rows();
    const bool isotropic = isotropic_sd_ > 0.0;
    noise.resize(nb, isotropic ? n + k : n);
    stream.fill_normal(noise);
    const Eigen::Index first = isotropic ? n : 0;
    const auto sd = static_cast<Scalar>(isotropic_sd_);
    for (Eigen::Index j = 0; j < n; ++j) {
      Scalar* out = batch.col(j).data();
      if (isotropic) {
        const Scalar* z = noise.col(j).data();
        for (Eigen::Index s = 0; s < nb; ++s) out[s] = sd * z[s];
      } else {
        std::fill(out, out + nb, Scalar(0));
      }
      for (Eigen::Index i = 0; i < k; ++i) {
        const Scalar* z = noise.col(first + i).data();
        const Scalar m = mixing(i, j);
        for (Eigen::Index s = 0; s < nb; ++s) out[s] = out[s] + z[s] * m;
      }
    }
  }

 private:
  template <class Scalar>
  const auto& mixing_transposed() const {
    if constexpr (std::is_same_v<Scalar, float>)
      return mixing_transposed_float_;
    else
      return mixing_transposed_;
  }

  Eigen::MatrixXd rotation_;
  Eigen::VectorXd eigenvalues_;
  Eigen::MatrixXd mixing_transposed_;  // k × N (low-rank part) or N × N
  Eigen::MatrixXf mixing_transposed_float_;
  double isotropic_sd_ = 0.0;          // sqrt(s·floor) when the low-rank form is used
  double scale_ = 1.0;
};

}  // namespace metahebb
