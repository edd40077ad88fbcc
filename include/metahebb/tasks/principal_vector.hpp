#pragma once
/// §3.1 task: a single linear rate neuron learns with a candidate rule; does it find PC1?
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
#include "../rules/volterra_batch_update.hpp"

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
template <class Scalar>
class BasicPrincipalVectorTask {
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;


 public:
  using rule_basis = VolterraBasis;
  using neuron_model = LinearRate<Scalar>;
  using observation = PrincipalVectorObservation;

  explicit BasicPrincipalVectorTask(PrincipalVectorConfig config = {},
                               VolterraBasis basis = VolterraBasis::pre_post_weight())
      : config_(config), basis_(std::move(basis)) {
    config_.validate();
    require(basis_.num_factors() == 3, "basis.num_factors()", basis_.num_factors(),
            "must be 3: presynaptic rate, postsynaptic rate, weight");
  }

  const PrincipalVectorConfig& config() const noexcept { return config_; }
  const VolterraBasis& basis() const noexcept { return basis_; }
  std::size_t num_parameters() const noexcept { return basis_.size(); }
  std::size_t num_datasets() const noexcept { return config_.datasets; }
  std::vector<std::string> parameter_names() const { return basis_.term_names(); }

  /// Terms whose expected update is not zero: x^α y^β with α + β even. For zero-mean
  /// Gaussian inputs the others average out (see docs/oja.md), so no loss can identify them.
  Eigen::Array<bool, Eigen::Dynamic, 1> identifiable_terms() const { return basis_.terms_even_in({0, 1}); }

  /// The dataset a context names (exposed so tests and plots can see what candidates saw).
  RotatedGaussian dataset(const EvaluationContext& ctx) const {
    RandomStream stream = dataset_stream(ctx);
    return RotatedGaussian(config_.input, stream);
  }

  /// Population path: all moments ⟨x^α y^β⟩ of the batch from one matrix product.
  std::vector<observation> simulate(const Eigen::MatrixXd& thetas, const EvaluationContext& ctx) const {
    VolterraBatchScratch<Scalar> scratch;
    return run(thetas, ctx, [this, &scratch](const Matrix& x, const Matrix& y, const Matrix& w,
                                             const Eigen::MatrixXd& th, Matrix& dw) {
      volterra_batch_update(basis_, x, y, w, th, dw, scratch);
    });
  }

  /// Reference path: the rule evaluated synapse by synapse, sample by sample.
  std::vector<observation> simulate_per_sample(const Eigen::MatrixXd& thetas, const EvaluationContext& ctx) const {
    return run(thetas, ctx, [this](const Matrix& x, const Matrix& y, const Matrix& w, const Eigen::MatrixXd& th,
                                   Matrix& dw) { volterra_batch_update_per_sample(basis_, x, y, w, th, dw); });
  }

 private:
  RandomStream dataset_stream(const EvaluationContext& ctx) const {
    const std::uint64_t generation = config_.fresh_datasets ? ctx.generation : 0;
    return RandomStream(ctx.seed, Purpose::dataset, generation, 0, ctx.dataset);
  }

  template <class Update>
  std::vector<observation> run(const Eigen::MatrixXd& thetas, const EvaluationContext& ctx, Update update) const {
    require(static_cast<std::size_t>(thetas.rows()) == basis_.size(), "thetas.rows()", thetas.rows(),
            "must equal the number of rule coefficients (" + std::to_string(basis_.size()) + ")");
    const Eigen::Index n = static_cast<Eigen::Index>(config_.input.inputs);
    const Eigen::Index nb = static_cast<Eigen::Index>(config_.batch_size);
    const Eigen::Index p = thetas.cols();

    RandomStream stream = dataset_stream(ctx);
    const RotatedGaussian inputs(config_.input, stream);
    RandomStream init(ctx.seed, Purpose::initial_weights, config_.fresh_datasets ? ctx.generation : 0, 0, ctx.dataset);
    Eigen::VectorXd w0(n);
    init.fill_normal(w0);
    w0 /= std::sqrt(static_cast<double>(n));

    Matrix w = w0.cast<Scalar>().replicate(1, p);
    Matrix noise(nb, n), x(nb, n), y(nb, p), dw(n, p);
    std::vector<std::size_t> diverged_at(static_cast<std::size_t>(p), 0);
    const LinearRate<Scalar> neuron;

    for (std::size_t t = 1; t <= config_.steps; ++t) {
      inputs.sample(stream, noise, x);
      neuron.step(y, {x, w});
      update(x, y, w, thetas, dw);
      w.noalias() += static_cast<Scalar>(config_.eta) * dw;
      for (Eigen::Index c = 0; c < p; ++c) {
        auto& at = diverged_at[static_cast<std::size_t>(c)];
        if (at == 0 && !(w.col(c).allFinite() && w.col(c).cwiseAbs().maxCoeff() <= static_cast<Scalar>(config_.weight_bound))) at = t;
        if (at != 0) w.col(c).setZero();  // frozen: keeps NaN out of the shared products
      }
    }

    std::vector<observation> out(static_cast<std::size_t>(p));
    for (Eigen::Index c = 0; c < p; ++c) {
      auto& o = out[static_cast<std::size_t>(c)];
      o.weights = w.col(c).template cast<double>();
      o.principal_vector = inputs.principal_vector(0);
      o.diverged_at_step = diverged_at[static_cast<std::size_t>(c)];
      o.steps = config_.steps;
    }
    return out;
  }

  PrincipalVectorConfig config_;
  VolterraBasis basis_;
};

using PrincipalVectorTask = BasicPrincipalVectorTask<float>;
using PrincipalVectorTaskDouble = BasicPrincipalVectorTask<double>;

static_assert(check_task<PrincipalVectorTask>());
static_assert(check_task<PrincipalVectorTaskDouble>());

}  // namespace metahebb
