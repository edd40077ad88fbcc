#pragma once
/// §3.1 task: a single linear rate neuron learns with a candidate rule; does it find PC1?
/// (The one-output case of the rate network, tasks/rate_network.hpp.)
///
/// Per dataset: inputs from RotatedGaussian, w(0) ~ N(0, I/N), then `steps` batch
/// updates Δw_j = η ⟨Σ A_{αβδ} x_j^α y^β w_j^δ⟩_batch on fresh batches of N_b samples.
/// All candidates of a generation share the datasets, w(0) and every batch (common
/// random numbers). A candidate whose weights become non-finite or exceed
/// `weight_bound` in magnitude is marked diverged at that step and frozen at zero.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "../core/concepts/task.hpp"
#include "../core/errors.hpp"
#include "../core/random.hpp"
#include "../inputs/rotated_gaussian.hpp"
#include "../observations/principal_vectors.hpp"
#include "../neurons/linear_rate.hpp"
#include "../rules/volterra.hpp"
#include "rate_network.hpp"

namespace metahebb {

struct PrincipalVectorConfig {
  RotatedGaussianConfig input{};  ///< N inputs, spectrum, covariance rescaling
  std::size_t datasets = 20;      ///< N_dataset
  std::size_t batch_size = 200;   ///< N_b
  std::size_t steps = 200;        ///< batch updates per dataset
  double eta = 1.0 / 20.0;        ///< η
  double weight_bound = 1e3;      ///< |w_j| above this counts as divergence
  bool fresh_datasets = true;     ///< draw new datasets every generation (false: the same datasets all run)

  void validate() const {
    input.validate();
    require_count("datasets", static_cast<long long>(datasets), 1, 1000000);
    require_count("batch_size", static_cast<long long>(batch_size), 1, 10000000);
    require_count("steps", static_cast<long long>(steps), 1, 100000000);
    require_positive("eta", eta);
    require_positive("weight_bound", weight_bound);
    require(static_cast<double>(batch_size) * static_cast<double>(input.inputs) <= 1e9,
            "batch_size * inputs", static_cast<double>(batch_size) * static_cast<double>(input.inputs),
            "must be <= 1e9 (one batch must fit in memory)");
  }
};

/// `Scalar` is the type the networks are simulated in: float (PrincipalVectorTask, the
/// default, twice the SIMD lanes) or double (PrincipalVectorTaskDouble).
///
/// The rate network of tasks/rate_network.hpp with one output and no lateral group; this
/// class only keeps §3.1's configuration and its one-vector observation.
template <class Scalar>
class BasicPrincipalVectorTask {
 public:
  using rule_basis = VolterraBasis;
  using neuron_model = LinearRate<Scalar>;
  using observation = PrincipalVectorObservation;

  explicit BasicPrincipalVectorTask(PrincipalVectorConfig config = {},
                                    VolterraBasis basis = VolterraBasis::pre_post_weight())
      : config_((config.validate(), config)), network_(network_config(config_), checked(std::move(basis))) {}

  const PrincipalVectorConfig& config() const noexcept { return config_; }
  const VolterraBasis& basis() const noexcept { return network_.groups().group(0).basis; }
  std::size_t num_parameters() const noexcept { return network_.num_parameters(); }
  std::size_t num_datasets() const noexcept { return config_.datasets; }
  std::vector<std::string> parameter_names() const { return network_.parameter_names(); }
  /// The network this task runs (one output, no lateral group).
  const BasicRateNetworkTask<Scalar>& network() const noexcept { return network_; }

  /// Terms whose expected update is not zero: x^α y^β with α + β even. For zero-mean
  /// Gaussian inputs the others average out (see docs/oja.md), so no loss can identify them.
  Eigen::Array<bool, Eigen::Dynamic, 1> identifiable_terms() const { return basis().terms_even_in({0, 1}); }

  /// The dataset a context names (exposed so tests and plots can see what candidates saw).
  RotatedGaussian dataset(const EvaluationContext& ctx) const { return network_.dataset(ctx); }

  /// Population path: all moments ⟨x^α y^β⟩ of the batch from one matrix product.
  std::vector<observation> simulate(const Eigen::MatrixXd& thetas, const EvaluationContext& ctx) const {
    return single(network_.simulate(thetas, ctx));
  }
  /// Reference path: the rule evaluated synapse by synapse, sample by sample.
  std::vector<observation> simulate_per_sample(const Eigen::MatrixXd& thetas, const EvaluationContext& ctx) const {
    return single(network_.simulate_per_sample(thetas, ctx));
  }

 private:
  static RateNetworkConfig network_config(const PrincipalVectorConfig& c) {
    RateNetworkConfig r;
    r.input = c.input;
    r.outputs = 1;
    r.datasets = c.datasets;
    r.batch_size = c.batch_size;
    r.steps = c.steps;
    r.eta = c.eta;
    r.lateral = false;
    r.lateral_plastic = false;
    r.weight_bound = c.weight_bound;
    r.fresh_datasets = c.fresh_datasets;
    return r;
  }
  static VolterraBasis checked(VolterraBasis basis) {
    require(basis.num_factors() == 3, "basis.num_factors()", basis.num_factors(),
            "must be 3: presynaptic rate, postsynaptic rate, weight");
    return basis;
  }
  static std::vector<observation> single(std::vector<PrincipalVectorsObservation> network) {
    std::vector<observation> out(network.size());
    for (std::size_t c = 0; c < network.size(); ++c) {
      out[c].weights = network[c].weights.col(0);
      out[c].principal_vector = network[c].principal_vectors.col(0);
      out[c].diverged_at_step = network[c].diverged_at_step;
      out[c].steps = network[c].steps;
    }
    return out;
  }

  PrincipalVectorConfig config_;
  BasicRateNetworkTask<Scalar> network_;
};

using PrincipalVectorTask = BasicPrincipalVectorTask<float>;
using PrincipalVectorTaskDouble = BasicPrincipalVectorTask<double>;

static_assert(check_task<PrincipalVectorTask>());
static_assert(check_task<PrincipalVectorTaskDouble>());

}  // namespace metahebb
