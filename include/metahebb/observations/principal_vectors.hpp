#pragma once
/// What a rate network learning principal vectors reports (Confavreux et al. 2020, §3.1
/// and §3.2): its learned weights and the principal vectors of its dataset. Produced by
/// tasks/principal_vector.hpp and tasks/hierarchical_pca.hpp; scored by
/// losses/principal_vector_distance.hpp and losses/principal_vectors_distance.hpp.

#include <Eigen/Core>
#include <algorithm>
#include <cstddef>

#include "../core/concepts/observation.hpp"

namespace metahebb {

/// One output neuron (§3.1).
struct PrincipalVectorObservation {
  Eigen::VectorXd weights;           ///< w after the last step (zero if diverged)
  Eigen::VectorXd principal_vector;  ///< the dataset's PC1 (unit norm)
  std::size_t diverged_at_step = 0;  ///< 0: never; otherwise the step (1-based) at which w left the bound
  std::size_t steps = 0;             ///< steps the protocol had

  bool diverged() const noexcept { return diverged_at_step != 0; }
  /// Eq. 5 with the sign of PC1 ignored: min(|w − PC1|, |w + PC1|).
  double distance() const {
    return std::min((weights - principal_vector).norm(), (weights + principal_vector).norm());
  }
};

/// M output neurons with lateral connections (§3.2).
struct PrincipalVectorsObservation {
  Eigen::MatrixXd weights;            ///< N × M: column i holds output i's incoming feedforward weights
  Eigen::MatrixXd lateral;            ///< M × M: ŵ_ij in row i, column j (j < i)
  Eigen::MatrixXd principal_vectors;  ///< N × M: PC_1 … PC_M of the dataset
  std::size_t diverged_at_step = 0;   ///< 0: never; otherwise the step (1-based) of divergence
  std::size_t steps = 0;

  bool diverged() const noexcept { return diverged_at_step != 0; }
  /// |w_i − PC_i| with the sign of PC_i ignored.
  double distance(Eigen::Index i) const {
    return std::min((weights.col(i) - principal_vectors.col(i)).norm(),
                    (weights.col(i) + principal_vectors.col(i)).norm());
  }
};

static_assert(WeightsObservation<PrincipalVectorObservation>);
static_assert(WeightsObservation<PrincipalVectorsObservation>);

}  // namespace metahebb
