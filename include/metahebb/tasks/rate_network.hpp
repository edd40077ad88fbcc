#pragma once
/// Rate network task: a two-layer linear rate network, optionally with hierarchical lateral
/// connections, learns with one rule per plastic synapse group; do its outputs express the
/// first M principal vectors in order? (Confavreux et al. 2020, §3.1 and §3.2)
///
/// §3.2 is the full network (M outputs, a plastic lateral group: two rules at once);
/// §3.1 is its one-output case without a lateral group (tasks/principal_vector.hpp).
///
///   y_i = Σ_j x_j w_ij + Σ_{j<i} y_j ŵ_ij                      (Eq. 6)
///   Δw_ij = η ⟨Σ A_{αβδ} x_j^α y_i^β w_ij^δ⟩_batch            (rule A, "feedforward")
///   Δŵ_ij = η_l ⟨Σ B_{αβδ} y_i^α y_j^β ŵ_ij^δ⟩_batch          (rule B, "lateral", Eq. 7)
///
/// Output i receives lateral input from outputs j < i only, so y is computed in order.
/// θ is the feedforward rule's coefficients followed, when there is a lateral group, by the
/// lateral rule's; with a lateral group every name is "<group>: <term>", without one the
/// names are the feedforward basis's own (e.g. "x^1 y^1 w^0").
/// w(0) ~ N(0, I/N) per output, ŵ(0) = 0. Inputs, batches and initial weights are shared
/// by all candidates (common random numbers). A candidate whose weights leave
/// `weight_bound` or become non-finite is marked diverged at that step and frozen at zero.

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include "../core/concepts/rate_rule.hpp"
#include "../core/concepts/task.hpp"
#include "../core/errors.hpp"
#include "../core/random.hpp"
#include "../inputs/rotated_gaussian.hpp"
#include "../observations/principal_vectors.hpp"
#include "../rules/plastic_groups.hpp"
#include "../rules/volterra.hpp"
#include "../rules/volterra_batch_update.hpp"
#include "rate_network_moments.hpp"

namespace metahebb {

struct RateNetworkConfig {
  /// N inputs. A slower-decaying spectrum than §3.1's (λ_i = 0.7^(i-1), floor 0.05) keeps
  /// PC_1 … PC_5 distinct with gaps the hierarchical network can resolve in `steps`.
  RotatedGaussianConfig input{.inputs = 5, .spectrum_ratio = 0.7, .spectrum_floor = 0.05};
  std::size_t outputs = 5;        ///< M ≤ N
  std::size_t datasets = 20;      ///< N_dataset
  std::size_t batch_size = 200;   ///< N_b
  std::size_t steps = 800;        ///< batch updates per dataset (the M-th output converges last)
  double eta = 1.0 / 20.0;        ///< η of the feedforward rule
  double eta_lateral = 1.0 / 10.0;  ///< η_l of the lateral rule
  bool lateral = true;            ///< a lateral synapse group, with its rule's coefficients in θ (false: §3.1)
  bool lateral_plastic = true;    ///< false: ŵ stays 0 (the control in which outputs collapse onto PC1)
  double weight_bound = 1e3;      ///< |w| or |ŵ| above this counts as divergence
  bool fresh_datasets = true;     ///< new datasets every generation

  void validate() const {
    input.validate();
    require_count("outputs", static_cast<long long>(outputs), 1, static_cast<long long>(input.inputs));
    require_count("datasets", static_cast<long long>(datasets), 1, 1000000);
    require_count("batch_size", static_cast<long long>(batch_size), 1, 10000000);
    require_count("steps", static_cast<long long>(steps), 1, 100000000);
    require_positive("eta", eta);
    require_positive("eta_lateral", eta_lateral);
    require_positive("weight_bound", weight_bound);
    require(static_cast<double>(batch_size) * static_cast<double>(input.inputs) <= 1e9, "batch_size * inputs",
            static_cast<double>(batch_size) * static_cast<double>(input.inputs), "must be <= 1e9");
  }
};

/// `Rule` is the rate rule of both groups (core/concepts/rate_rule.hpp), over three factors
/// (two rates and the weight). With VolterraBasis (the default) `simulate` takes every moment
/// either from the input batch's moments (tasks/rate_network_moments.hpp: with a lateral group,
/// N ≤ 8 and rules of order ≤ 2 in the rates — the §3.2 network at 5 → 5 — one candidate per
/// SIMD lane) or, otherwise, from one matrix product (`simulate_matrix_products`); any other
/// RateRule is evaluated synapse by synapse, sample by sample (the path `simulate_per_sample`
/// always takes). The three paths differ only in summation order.
template <class Scalar, class Rule = VolterraBasis>
class BasicRateNetworkTask {
  static_assert(check_rate_rule<Rule>());
  static constexpr bool volterra = std::is_same_v<Rule, VolterraBasis>;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

 public:
  using observation = PrincipalVectorsObservation;

  using Groups = BasicPlasticGroups<Rule>;

  /// The paper's bases by default: both rules over their three factors up to order 2 (2 × 27 terms).
  explicit BasicRateNetworkTask(RateNetworkConfig config = {}, Rule feedforward = default_rule("x", "y"),
                                Rule lateral = default_rule("y_i", "y_j"))
      : config_((config.validate(), config)), groups_(make_groups(config, std::move(feedforward), std::move(lateral))) {
    for (std::size_t g = 0; g < groups_.num_groups(); ++g)
      require(groups_.group(g).basis.num_factors() == 3, groups_.group(g).name + " basis.num_factors()",
              groups_.group(g).basis.num_factors(), "must be 3: two rates and the weight");
  }

  const RateNetworkConfig& config() const noexcept { return config_; }
  const Groups& groups() const noexcept { return groups_; }
  std::size_t num_parameters() const noexcept { return groups_.size(); }
  std::size_t num_datasets() const noexcept { return config_.datasets; }
  std::vector<std::string> parameter_names() const {
    if (config_.lateral) return groups_.term_names();
    std::vector<std::string> names;
    for (std::size_t k = 0; k < groups_.group(0).basis.size(); ++k) names.push_back(groups_.group(0).basis.term_name(k));
    return names;
  }

  /// The reference of the paper: Oja's rule feedforward (Eq. 4), anti-Hebbian laterally (Eq. 8).
  Eigen::VectorXd oja_anti_hebbian() const
    requires std::is_same_v<Rule, VolterraBasis>
  {
    if (!config_.lateral) return rules::oja(groups_.group("feedforward").basis);
    return groups_.join({{"feedforward", rules::oja(groups_.group("feedforward").basis)},
                         {"lateral", rules::anti_hebbian(groups_.group("lateral").basis)}});
  }

  /// Per group, the terms with an even total order in the two rates (x, y for the
  /// feedforward rule, y_i, y_j for the lateral one): inputs and outputs are zero-mean
  /// Gaussian, so only these can be identified (see docs/oja.md).
  Eigen::Array<bool, Eigen::Dynamic, 1> identifiable_terms(const std::string& group) const
    requires std::is_same_v<Rule, VolterraBasis>
  {
    return groups_.group(group).basis.terms_even_in({0, 1});
  }

  RotatedGaussian dataset(const EvaluationContext& ctx) const {
    RandomStream stream = dataset_stream(ctx);
    return RotatedGaussian(config_.input, stream);
  }

  std::vector<observation> simulate(const Eigen::MatrixXd& thetas, const EvaluationContext& ctx) const {
    return run(thetas, ctx, uses_moments() ? Path::moment_lanes : Path::matrix_products);
  }

  /// The same network with both rules evaluated synapse by synapse (the tests' reference).
  std::vector<observation> simulate_per_sample(const Eigen::MatrixXd& thetas, const EvaluationContext& ctx) const {
    return run(thetas, ctx, Path::per_sample);
  }

  /// The moments from one matrix product per step, [1, X, X∘X]ᵀ [1, Y, Y∘Y] (rules/volterra_batch_update.hpp),
  /// whatever the shape (the path `simulate` takes when the moment kernel does not apply).
  std::vector<observation> simulate_matrix_products(const Eigen::MatrixXd& thetas, const EvaluationContext& ctx) const
    requires std::is_same_v<Rule, VolterraBasis>
  {
    return run(thetas, ctx, Path::matrix_products);
  }

  /// True if `simulate` runs the moment kernel (tasks/rate_network_moments.hpp).
  bool uses_moments() const noexcept {
    if constexpr (volterra)
      return config_.lateral && config_.input.inputs <= 8 && moment_step_supports(groups_.group(0).basis) &&
             moment_step_supports(groups_.group(1).basis);
    else
      return false;
  }

  /// The moment kernel one candidate at a time on plain Scalars: the reference the SIMD lanes of
  /// `simulate` equal bit for bit (tests/tasks/rate_network_moments_test.cpp).
  std::vector<observation> simulate_moments_scalar(const Eigen::MatrixXd& thetas, const EvaluationContext& ctx) const
    requires std::is_same_v<Rule, VolterraBasis>
  {
    require(uses_moments(), "simulate_moments_scalar", "this network",
            "needs a lateral group, inputs <= 8 and rules of order <= 2 in the rates");
    return run(thetas, ctx, Path::moment_scalar);
  }

 private:
  RandomStream dataset_stream(const EvaluationContext& ctx) const {
    return RandomStream(ctx.seed, Purpose::dataset, config_.fresh_datasets ? ctx.generation : 0, 0, ctx.dataset);
  }

  static Rule default_rule(const char* a, const char* b) {
    if constexpr (std::is_same_v<Rule, VolterraBasis>) return VolterraBasis({{a, 2}, {b, 2}, {"w", 2}});
    else return Rule{};
  }

  static Groups make_groups(const RateNetworkConfig& c, Rule feedforward, Rule lateral) {
    std::vector<typename Groups::PlasticGroup> groups{{"feedforward", std::move(feedforward), c.eta}};
    if (c.lateral) groups.push_back({"lateral", std::move(lateral), c.eta_lateral});
    return Groups(std::move(groups));
  }

  enum class Path { per_sample, matrix_products, moment_lanes, moment_scalar };

  std::vector<observation> run(const Eigen::MatrixXd& thetas, const EvaluationContext& ctx, Path path) const {
    const bool per_sample = path == Path::per_sample;
    require(static_cast<std::size_t>(thetas.rows()) == groups_.size(), "thetas.rows()", thetas.rows(),
            "must equal the number of rule coefficients (" + std::to_string(groups_.size()) + ")");
    const auto n = static_cast<Eigen::Index>(config_.input.inputs);
    const auto m = static_cast<Eigen::Index>(config_.outputs);
    const auto nb = static_cast<Eigen::Index>(config_.batch_size);
    const Eigen::Index p = thetas.cols();
    const Rule& feedforward = groups_.group(0).basis;
    const bool lateral_plastic = config_.lateral && config_.lateral_plastic;
    const Rule& lateral = groups_.group(config_.lateral ? 1 : 0).basis;  // read only if lateral_plastic
    const auto terms = static_cast<Eigen::Index>(feedforward.size());
    const auto lateral_terms = config_.lateral ? static_cast<Eigen::Index>(lateral.size()) : Eigen::Index(0);

    RandomStream stream = dataset_stream(ctx);
    const RotatedGaussian inputs(config_.input, stream);
    RandomStream init(ctx.seed, Purpose::initial_weights, config_.fresh_datasets ? ctx.generation : 0, 0, ctx.dataset);
    Eigen::MatrixXd w0(n, m);
    init.fill_normal(w0);
    w0 /= std::sqrt(static_cast<double>(n));
    if constexpr (volterra) {
      if (path == Path::moment_lanes) return run_moments<xsimd::batch<Scalar>>(thetas, inputs, stream, w0);
      if (path == Path::moment_scalar) return run_moments<Scalar>(thetas, inputs, stream, w0);
    }

    // Column c·M + i is output i of candidate c; it learns with candidate c's rule A.
    Matrix w = w0.cast<Scalar>().replicate(1, p);
    Eigen::MatrixXd thetas_feedforward(terms, p * m);
    for (Eigen::Index c = 0; c < p; ++c)
      thetas_feedforward.middleCols(c * m, m) = thetas.col(c).head(terms).replicate(1, m);
    std::vector<Matrix> w_lateral(static_cast<std::size_t>(p), Matrix::Zero(m, m));

    Matrix noise, x(nb, n), y(nb, p * m), dw, dl, powers;
    VolterraBatchScratch<Scalar> scratch;
    std::vector<std::size_t> diverged_at(static_cast<std::size_t>(p), 0);
    const auto eta = static_cast<Scalar>(config_.eta), eta_lateral = static_cast<Scalar>(config_.eta_lateral);
    const auto bound = static_cast<Scalar>(config_.weight_bound);

    for (std::size_t t = 1; t <= config_.steps; ++t) {
      inputs.sample(stream, noise, x);
      y.noalias() = x * w;
      for (Eigen::Index c = 0; c < p; ++c) {
        const Matrix& l = w_lateral[static_cast<std::size_t>(c)];
        for (Eigen::Index i = 1; i < m; ++i)
          for (Eigen::Index j = 0; j < i; ++j)
            if (l(i, j) != Scalar(0)) y.col(c * m + i) += l(i, j) * y.col(c * m + j);
      }
      if (per_sample || !volterra)
        volterra_batch_update_per_sample(feedforward, x, y, w, thetas_feedforward, dw);
      else if constexpr (volterra)
        volterra_batch_update(feedforward, x, y, w, thetas_feedforward, dw, scratch);
      w.noalias() += eta * dw;

      for (Eigen::Index c = 0; c < p; ++c) {
        auto& at = diverged_at[static_cast<std::size_t>(c)];
        Matrix& l = w_lateral[static_cast<std::size_t>(c)];
        if (lateral_plastic && at == 0) {
          if (per_sample || !volterra)
            lateral_update_per_sample(lateral, y.middleCols(c * m, m), l, thetas.col(c).tail(lateral_terms), dl);
          else if constexpr (volterra)
            lateral_update(lateral, y.middleCols(c * m, m), l, thetas.col(c).tail(lateral_terms), dl, powers);
          l.noalias() += eta_lateral * dl;
        }
        auto columns = w.middleCols(c * m, m);
        const bool bounded = columns.allFinite() && l.allFinite() && columns.cwiseAbs().maxCoeff() <= bound &&
                             (m == 1 || l.cwiseAbs().maxCoeff() <= bound);
        if (at == 0 && !bounded) at = t;
        if (at != 0) {  // frozen: keeps NaN out of the shared products
          columns.setZero();
          l.setZero();
        }
      }
    }

    std::vector<observation> out(static_cast<std::size_t>(p));
    for (Eigen::Index c = 0; c < p; ++c) {
      auto& o = out[static_cast<std::size_t>(c)];
      o.weights = w.middleCols(c * m, m).template cast<double>();
      o.lateral = w_lateral[static_cast<std::size_t>(c)].template cast<double>();
      o.principal_vectors = inputs.principal_vectors().leftCols(m);
      o.diverged_at_step = diverged_at[static_cast<std::size_t>(c)];
      o.steps = config_.steps;
    }
    return out;
  }

  // The moment kernel (tasks/rate_network_moments.hpp) with one candidate per lane of T; the
  // padding lanes of the last block have θ = 0 and w = 0 and stay at 0. Divergence as in `run`.
  template <class T>
  std::vector<observation> run_moments(const Eigen::MatrixXd& thetas, const RotatedGaussian& inputs, RandomStream& stream,
                                       const Eigen::MatrixXd& w0) const {
    constexpr std::size_t L = lanes::size_v<T>;
    const auto n = static_cast<std::size_t>(config_.input.inputs), m = static_cast<std::size_t>(config_.outputs);
    const auto p = static_cast<std::size_t>(thetas.cols());
    const std::size_t blocks = (p + L - 1) / L;
    const VolterraBasis& feedforward = groups_.group(0).basis;
    const VolterraBasis& lateral = groups_.group(1).basis;
    const std::size_t terms = feedforward.size(), lateral_terms = lateral.size();
    const bool lateral_plastic = config_.lateral_plastic;
    // Per block: w (N·M), ŵ (M·M), θ_A, θ_B, each entry a T.
    const std::size_t stride = n * m + m * m + terms + lateral_terms;
    std::vector<T> state(blocks * stride);
    const auto gather = [&](std::size_t b, auto&& value) -> T {  // lane k: value(candidate b·L + k), 0 for padding
      alignas(64) std::array<Scalar, L> lane{};
      for (std::size_t k = 0; k < L; ++k) lane[k] = b * L + k < p ? static_cast<Scalar>(value(b * L + k)) : Scalar(0);
      if constexpr (L == 1) return lane[0];
      else return T::load_aligned(lane.data());
    };
    for (std::size_t b = 0; b < blocks; ++b) {
      T* block = state.data() + b * stride;
      for (std::size_t c = 0; c < m; ++c)
        for (std::size_t r = 0; r < n; ++r)
          block[r + n * c] = gather(b, [&](std::size_t) { return w0(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)); });
      for (std::size_t e = 0; e < m * m; ++e) block[n * m + e] = T(Scalar(0));
      for (std::size_t k = 0; k < terms + lateral_terms; ++k)
        block[n * m + m * m + k] =
            gather(b, [&](std::size_t cand) { return thetas(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(cand)); });
    }
    std::vector<std::size_t> diverged_at(p, 0);
    std::vector<char> any_frozen(blocks, 0);
    Matrix noise, x(static_cast<Eigen::Index>(config_.batch_size), static_cast<Eigen::Index>(n));
    BatchMoments<Scalar> moments;
    MomentStepScratch<T> scratch;
    const T eta(static_cast<Scalar>(config_.eta)), eta_lateral(static_cast<Scalar>(config_.eta_lateral));
    const T bound(static_cast<Scalar>(config_.weight_bound)), zero(Scalar(0));
    const auto magnitude = [](const T& v) {
      if constexpr (L == 1) return std::abs(v);
      else return xsimd::abs(v);
    };
    for (std::size_t t = 1; t <= config_.steps; ++t) {
      inputs.sample_ordered(stream, noise, x);  // fixed order: the portable and native builds agree
      moments.compute(x);
      for (std::size_t b = 0; b < blocks; ++b) {
        T* block = state.data() + b * stride;
        T* w = block;
        T* l = block + n * m;
        const T* theta = block + n * m + m * m;
        if (n == 5 && m == 5)  // the example's network, unrolled (the same operations)
          rate_network_moment_step<5, 5>(moments, 5, feedforward, lateral_plastic ? &lateral : nullptr, theta,
                                         theta + terms, eta, eta_lateral, w, l, scratch);
        else
          rate_network_moment_step(moments, static_cast<Eigen::Index>(m), feedforward, lateral_plastic ? &lateral : nullptr,
                                   theta, theta + terms, eta, eta_lateral, w, l, scratch);
        // Bounded: every |w| and |ŵ| ≤ bound (false for NaN and ±inf).
        auto ok = magnitude(w[0]) <= bound;
        for (std::size_t e = 1; e < n * m; ++e) ok = ok & (magnitude(w[e]) <= bound);
        if (m > 1)
          for (std::size_t e = 0; e < m * m; ++e) ok = ok & (magnitude(l[e]) <= bound);
        if (!lanes::all(ok)) {
          for (std::size_t k = 0; k < L && b * L + k < p; ++k)
            if (diverged_at[b * L + k] == 0 && !lanes::mask_lane(ok, k)) diverged_at[b * L + k] = t;
          any_frozen[b] = 1;
        }
        if (any_frozen[b]) {  // frozen lanes are kept at zero: no NaN in later steps
          const T frozen = gather(b, [&](std::size_t cand) { return diverged_at[cand] != 0 ? 1.0 : 0.0; });
          const auto mask = frozen != zero;
          for (std::size_t e = 0; e < n * m + m * m; ++e) block[e] = lanes::select(mask, zero, block[e]);
        }
      }
    }

    std::vector<observation> out(p);
    for (std::size_t cand = 0; cand < p; ++cand) {
      const std::size_t b = cand / L, k = cand % L;
      const T* block = state.data() + b * stride;
      auto& o = out[cand];
      o.weights.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(m));
      o.lateral.setZero(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(m));
      for (std::size_t c = 0; c < m; ++c) {
        for (std::size_t r = 0; r < n; ++r)
          o.weights(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = lanes::lane(block[r + n * c], k);
        for (std::size_t i = 0; i < m; ++i)
          o.lateral(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = lanes::lane(block[n * m + i + m * c], k);
      }
      o.principal_vectors = inputs.principal_vectors().leftCols(static_cast<Eigen::Index>(m));
      o.diverged_at_step = diverged_at[cand];
      o.steps = config_.steps;
    }
    return out;
  }

  // Δŵ_ij = ⟨Σ B_k y_i^α y_j^β⟩ ŵ_ij^δ for the existing synapses j < i only: one short
  // dot product per moment and pair, cheaper than a full moment matrix at M ≤ ~10.
  static void lateral_update(const VolterraBasis& basis, const auto& y, const Matrix& l,
                             const Eigen::Ref<const Eigen::VectorXd>& theta, Matrix& dl, Matrix& powers) {
    const Eigen::Index m = y.cols(), nb = y.rows();
    const int max_a = basis.factor(0).max_order, max_b = basis.factor(1).max_order;
    const int max_power = std::max(max_a, max_b);
    powers.resize(nb, m * (max_power + 1));  // column i·(max_power+1) + e holds y_i^e
    for (Eigen::Index i = 0; i < m; ++i) {
      powers.col(i * (max_power + 1)).setOnes();
      for (int e = 1; e <= max_power; ++e)
        powers.col(i * (max_power + 1) + e) = powers.col(i * (max_power + 1) + e - 1).cwiseProduct(y.col(i));
    }
    dl.setZero(m, m);
    Scalar moments[17][17];  // ⟨y_i^a y_j^b⟩; orders are at most 16 (VolterraBasis)
    for (Eigen::Index i = 1; i < m; ++i)
      for (Eigen::Index j = 0; j < i; ++j) {
        for (int a = 0; a <= max_a; ++a)
          for (int b = 0; b <= max_b; ++b)
            moments[a][b] = powers.col(i * (max_power + 1) + a).dot(powers.col(j * (max_power + 1) + b)) /
                            static_cast<Scalar>(nb);
        Scalar sum = 0;
        for (std::size_t k = 0; k < basis.size(); ++k) {
          const double coefficient = theta[static_cast<Eigen::Index>(k)];
          if (coefficient == 0.0) continue;
          Scalar weight_power = 1;
          for (int d = basis.exponent(k, 2); d > 0; --d) weight_power *= l(i, j);
          sum += static_cast<Scalar>(coefficient) * moments[basis.exponent(k, 0)][basis.exponent(k, 1)] * weight_power;
        }
        dl(i, j) = sum;
      }
  }

  static void lateral_update_per_sample(const Rule& basis, const auto& y, const Matrix& l,
                                        const Eigen::Ref<const Eigen::VectorXd>& theta, Matrix& dl) {
    const Eigen::Index m = y.cols();
    dl.setZero(m, m);
    for (Eigen::Index i = 1; i < m; ++i)
      for (Eigen::Index j = 0; j < i; ++j) {
        for (Eigen::Index s = 0; s < y.rows(); ++s) {
          const Scalar factors[3] = {y(s, i), y(s, j), l(i, j)};
          dl(i, j) += basis.template evaluate<Scalar>(theta, factors);
        }
        dl(i, j) /= static_cast<Scalar>(y.rows());
      }
  }

  RateNetworkConfig config_;
  Groups groups_;
};

using RateNetworkTask = BasicRateNetworkTask<float>;
using RateNetworkTaskDouble = BasicRateNetworkTask<double>;

static_assert(check_task<RateNetworkTask>());

}  // namespace metahebb
