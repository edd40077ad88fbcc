#pragma once
/// CMA-ES with full covariance, as in Hansen, "The CMA Evolution Strategy: A Tutorial"
/// (arXiv:1604.00772), non-active variant: only the μ best candidates get (positive)
/// weights. Equation numbers below refer to that tutorial. Optionally it restarts after a
/// stall (σ collapsed without progress; CmaesOptions::restart_sigma_fraction, docs/cmaes.md).
///
/// Non-finite losses (NaN, ±inf) are ranked last and counted; they never reach the
/// state. A generation whose losses are all non-finite carries no ranking information,
/// so it leaves mean, σ, C and the paths unchanged and only advances the generation
/// (the next generation is sampled from fresh random streams). See docs/cmaes.md.
///
/// The Transformation policy (optim/transformation.hpp) maps CMA-ES's search space to the
/// parameters θ the task sees: `Cmaes` (= BasicCmaes<IdentityTransformation>) searches θ
/// itself; BasicCmaes<ScaledBoxTransformation> searches z = θ/scale and repairs each
/// sample into bounds. The distribution (mean, σ, C, paths) and the state of checkpoints
/// live in the search space; ask(), mean() and best_theta() are in θ units.

// GCC 12 reports a false -Wmaybe-uninitialized inside Eigen 3.4's selfadjoint and
// triangular matrix-vector kernels (used by SelfAdjointEigenSolver) when Eigen is on a
// plain -I path. The state is read where Eigen is parsed, so this only helps when this
// header is the first to include Eigen; -isystem (CMake's Eigen3::Eigen) avoids it always.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "../core/concepts/optimiser.hpp"
#include "../core/errors.hpp"
#include "../core/random.hpp"
#include "../core/status.hpp"
#include "transformation.hpp"

namespace metahebb {

/// Options of Cmaes. Zero means "default" or "unlimited" where stated.
struct CmaesOptions {
  double sigma0 = 0.1;                ///< initial step size σ (absolute, in search units: θ units for Cmaes)
  std::size_t population_size = 0;    ///< λ; 0 = 4 + ⌊3 ln n⌋
  std::uint64_t seed = 0;             ///< key of the sampling streams
  std::size_t max_generations = 0;    ///< 0 = unlimited
  std::size_t max_evaluations = 0;    ///< 0 = unlimited
  double target_loss = -std::numeric_limits<double>::infinity();  ///< stop when best loss <= this
  double tolfun = 1e-12;              ///< stop when recent losses vary by less than this
  std::size_t tolfun_generations = 0; ///< window of tolfun; 0 = 10 + ⌈30n/λ⌉
  double tolx = 1e-12;                ///< stop when every axis of the search is below this
  double max_condition = 1e14;        ///< stop when cond(C) exceeds this
  double tolupsigma = 1e20;           ///< stop when σ/σ0 > tolupsigma·√λ_max(C)
  /// Restart on a stall (docs/cmaes.md, "Restarts"); 0 = never. When σ has fallen below
  /// restart_sigma_fraction·σ0 while the best loss since the (re)start is still above
  /// restart_loss_fraction × the best loss of that start's first tolfun_generations
  /// generations, the search starts again from a mean drawn from the initial distribution
  /// N(mean0, σ0² I) with σ0, C = I and zero paths (same λ). Meant for losses ≥ 0 whose good
  /// region lies far below the starting plateau.
  double restart_sigma_fraction = 0.0;
  double restart_loss_fraction = 0.5;  ///< in (0, 1]; used only when restart_sigma_fraction > 0
};

/// Everything the next ask()/tell() of a Cmaes depends on, for checkpoints
/// (callbacks/checkpoint.hpp). B, D and C^{-1/2} are stored rather than recomputed:
/// an eigen-decomposition of a restored C is not guaranteed to reproduce the live
/// object's bits, and a resumed run must be bitwise the same as an uninterrupted one.
struct CmaesState {
  Eigen::VectorXd mean;
  double sigma = 0.0;
  Eigen::MatrixXd C, B, inv_sqrt_C;
  Eigen::VectorXd D, eigenvalues, p_sigma, p_c;
  std::size_t updates = 0, generation = 0, evaluations = 0, non_finite_count = 0, total_non_finite = 0;
  double best_loss = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best_theta;
  bool has_best = false;
  std::vector<double> best_history;  ///< best loss of each recent generation (the tolfun window)
  Status status;
  /// Restarts so far, generations since the current start, and the best losses of the current
  /// start's first tolfun_generations generations and of the whole current start (+inf before
  /// any). Saved only when restarts are on.
  std::size_t restarts = 0, start_generations = 0;
  double start_first_loss = std::numeric_limits<double>::infinity();
  double start_best_loss = std::numeric_limits<double>::infinity();

  /// The checkpoint fields (io/checkpoint_archive.hpp). mean, C, B, ... are in the search
  /// space, best_theta in θ units. The names are those of the first checkpoint format.
  template <class Archive>
  void serialize(Archive& archive) {
    archive.field("cmaes.mean", mean);
    archive.field("cmaes.sigma", sigma);
    archive.field("cmaes.C", C);
    archive.field("cmaes.B", B);
    archive.field("cmaes.inv_sqrt_C", inv_sqrt_C);
    archive.field("cmaes.D", D);
    archive.field("cmaes.eigenvalues", eigenvalues);
    archive.field("cmaes.p_sigma", p_sigma);
    archive.field("cmaes.p_c", p_c);
    archive.field("cmaes.updates", updates);
    archive.field("cmaes.generation", generation);
    archive.field("cmaes.evaluations", evaluations);
    archive.field("cmaes.non_finite_count", non_finite_count);
    archive.field("cmaes.total_non_finite", total_non_finite);
    archive.field("cmaes.best_loss", best_loss);
    archive.field("cmaes.best_theta", best_theta);
    archive.field("cmaes.has_best", has_best);
    archive.field("cmaes.best_history", best_history);
    archive.field("cmaes.status", status);
  }
};

template <class Transformation = IdentityTransformation>
class BasicCmaes {
 public:
  /// Largest dimension accepted: C, B and the population need O(n²) doubles each.
  static constexpr long long max_dimension = 10000;
  static constexpr long long max_population_size = 1000000;

  /// `mean0` is in θ units (inside the transformation's bounds); `transformation` is
  /// validated against its dimension.
  explicit BasicCmaes(Eigen::VectorXd mean0, CmaesOptions options = {}, Transformation transformation = {})
      : options_(options), transformation_(std::move(transformation)) {
    validate(mean0, options_);
    transformation_.prepare(mean0.size());
    transformation_.check_parameters("cmaes.mean0", mean0);
    n_ = static_cast<std::size_t>(mean0.size());
    const double n = static_cast<double>(n_);

    // Strategy parameters, tutorial Table 1 / eqs. (48)-(58) restricted to positive weights.
    lambda_ = options_.population_size != 0
                  ? options_.population_size
                  : 4 + static_cast<std::size_t>(std::floor(3.0 * std::log(n)));
    mu_ = lambda_ / 2;
    weights_.resize(static_cast<Eigen::Index>(mu_));
    const double lambda = static_cast<double>(lambda_);
    for (std::size_t i = 0; i < mu_; ++i)
      weights_[static_cast<Eigen::Index>(i)] =
          std::log((lambda + 1.0) / 2.0) - std::log(static_cast<double>(i + 1));
    weights_ /= weights_.sum();
    mu_eff_ = 1.0 / weights_.squaredNorm();

    c_sigma_ = (mu_eff_ + 2.0) / (n + mu_eff_ + 5.0);
    d_sigma_ = 1.0 + 2.0 * std::max(0.0, std::sqrt((mu_eff_ - 1.0) / (n + 1.0)) - 1.0) + c_sigma_;
    c_c_ = (4.0 + mu_eff_ / n) / (n + 4.0 + 2.0 * mu_eff_ / n);
    c_1_ = 2.0 / ((n + 1.3) * (n + 1.3) + mu_eff_);
    c_mu_ = std::min(1.0 - c_1_, 2.0 * (mu_eff_ - 2.0 + 1.0 / mu_eff_) / ((n + 2.0) * (n + 2.0) + mu_eff_));
    chi_n_ = std::sqrt(n) * (1.0 - 1.0 / (4.0 * n) + 1.0 / (21.0 * n * n));
    tolfun_generations_ = options_.tolfun_generations != 0
                              ? options_.tolfun_generations
                              : 10 + static_cast<std::size_t>(std::ceil(30.0 * n / lambda));

    // State: m, σ, C = I (so B = I, D = 1), zero paths.
    const auto en = static_cast<Eigen::Index>(n_);
    if constexpr (Transformation::is_identity) {
      mean_ = std::move(mean0);
      best_theta_ = mean_;
    } else {
      mean_ = transformation_.to_search(mean0);
      for (Eigen::Index i = 0; i < en; ++i)
        require(std::isfinite(mean_[i]), "cmaes.mean0[" + std::to_string(i) + "] in search units", mean_[i],
                "must be finite (is the transformation's scale tiny?)");
      best_theta_ = std::move(mean0);
      parameters_.resize(en, static_cast<Eigen::Index>(lambda_));
      refresh_mean_parameters();
    }
    start_mean_ = mean_;
    reset_distribution();
    population_.resize(en, static_cast<Eigen::Index>(lambda_));
    steps_.resize(en, static_cast<Eigen::Index>(lambda_));
  }

  /// The population of the current generation, one candidate per column.
  /// Idempotent until tell(): candidate k of generation g is drawn from its own
  /// stream (seed, g, k), so the population is a pure function of the state and does
  /// not depend on the order in which candidates are evaluated. The reference stays
  /// valid; the first ask() after tell() overwrites it with the next generation.
  /// In θ units: the samples mapped through the transformation.
  const Eigen::MatrixXd& ask() {
    if (!sampled_) sample();
    return candidates();
  }

  /// Receives one loss per column of ask() and updates the distribution.
  void tell(const Eigen::VectorXd& losses) {
    if (static_cast<std::size_t>(losses.size()) != lambda_)
      throw invalid_configuration("cmaes.losses.size()", std::to_string(losses.size()),
                                  "must equal population_size " + std::to_string(lambda_));
    if (!sampled_) sample();  // the population is deterministic, so telling without asking is well defined

    // Rank: finite losses ascending, then non-finite ones; ties by index so the order is total
    // (a NaN inside a comparator would break strict weak ordering).
    std::vector<Eigen::Index> order(lambda_);
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    std::sort(order.begin(), order.end(), [&losses](Eigen::Index a, Eigen::Index b) {
      const bool fa = std::isfinite(losses[a]), fb = std::isfinite(losses[b]);
      if (fa != fb) return fa;
      if (fa && losses[a] != losses[b]) return losses[a] < losses[b];
      return a < b;
    });

    non_finite_count_ = 0;
    for (Eigen::Index k = 0; k < losses.size(); ++k)
      if (!std::isfinite(losses[k])) ++non_finite_count_;
    total_non_finite_ += non_finite_count_;
    evaluations_ += lambda_;

    const bool any_finite = non_finite_count_ < lambda_;
    double generation_best = std::numeric_limits<double>::infinity();
    double generation_worst = -std::numeric_limits<double>::infinity();
    if (any_finite) {
      generation_best = losses[order.front()];
      generation_worst = losses[order[lambda_ - non_finite_count_ - 1]];
      if (generation_best < best_loss_) {
        best_loss_ = generation_best;
        best_theta_ = candidates().col(order.front());
        has_best_ = true;
      }
      update(order);
      if (start_generations_ < tolfun_generations_) start_first_loss_ = std::min(start_first_loss_, generation_best);
      start_best_loss_ = std::min(start_best_loss_, generation_best);
    }
    ++start_generations_;

    best_history_.push_back(generation_best);
    while (best_history_.size() > tolfun_generations_) best_history_.pop_front();
    ++generation_;
    sampled_ = false;
    if (status_.running()) status_ = check_stop(any_finite ? generation_worst - generation_best
                                                           : std::numeric_limits<double>::infinity());
    if (status_.running() && stalled()) restart();
  }

  /// Pruning outside the ranking (callbacks/prune.hpp): sets the mean's coordinates `indices`
  /// to 0 and narrows the search there. Each one's standard deviation √C_kk is cut to at most
  /// `relative_std` × the root mean variance of the other coordinates (those not in `indices`)
  /// by scaling its row and column of C (C stays positive
  /// definite), and its component of p_c is cleared; B, D and C^{-1/2} are recomputed and the
  /// next ask() redraws. A narrowed coordinate still moves, by ≈ relative_std of a step per
  /// generation, until the next pruning sets it to 0 again; a coordinate already that narrow
  /// is not narrowed further (pruning it again with C unchanged changes only the mean). p_σ, σ, the counters and the best-so-far are unchanged. For the
  /// identity transformation (θ = search space) only.
  void prune(const std::vector<Eigen::Index>& indices, double relative_std = 0.01)
    requires Transformation::is_identity
  {
    require(std::isfinite(relative_std) && relative_std > 0.0 && relative_std <= 1.0, "cmaes.prune relative_std",
            relative_std, "must be in (0, 1]");
    const auto en = static_cast<Eigen::Index>(n_);
    for (const Eigen::Index k : indices)
      require(k >= 0 && k < en, "cmaes.prune index", k, "must be in [0, " + std::to_string(n_) + ")");
    // The reference scale: the mean variance of the coordinates not pruned now (of all, if every one is).
    std::vector<bool> now(n_, false);
    for (const Eigen::Index k : indices) now[static_cast<std::size_t>(k)] = true;
    double variance = 0.0;
    std::size_t others = 0;
    for (Eigen::Index j = 0; j < en; ++j)
      if (!now[static_cast<std::size_t>(j)]) {
        variance += C_(j, j);
        ++others;
      }
    const double target =
        relative_std * std::sqrt(others > 0 ? variance / static_cast<double>(others) : C_.trace() / static_cast<double>(n_));
    for (const Eigen::Index k : indices) {
      mean_[k] = 0.0;
      p_c_[k] = 0.0;
      const double sd = std::sqrt(C_(k, k));
      if (!(sd > target)) continue;
      const double scale = target / sd;
      C_.row(k) *= scale;
      C_.col(k) *= scale;  // C_kk scaled by scale², so √C_kk = target
    }
    if (C_.allFinite()) decompose();
    sampled_ = false;
  }

  /// Running, or why the search stopped. Latched: once stopped it stays stopped
  /// (further ask/tell calls still work but do not clear it).
  const Status& status() const noexcept { return status_; }

  /// The centre of the search in θ units (the transformation of the search mean).
  const Eigen::VectorXd& mean() const noexcept {
    if constexpr (Transformation::is_identity) return mean_;
    else return mean_parameters_;
  }
  /// The centre in the search space (z); mean() for Cmaes.
  const Eigen::VectorXd& search_mean() const noexcept { return mean_; }
  const Transformation& transformation() const noexcept { return transformation_; }
  double step_size() const noexcept { return sigma_; }
  const Eigen::MatrixXd& covariance() const noexcept { return C_; }
  const Eigen::VectorXd& p_sigma() const noexcept { return p_sigma_; }
  const Eigen::VectorXd& p_c() const noexcept { return p_c_; }
  /// Eigenvalues of C (ascending), as used for the current sampling.
  const Eigen::VectorXd& eigenvalues() const noexcept { return eigenvalues_; }
  /// λ_max / λ_min of C; +inf if C lost positive definiteness.
  double condition_number() const noexcept {
    const double lo = eigenvalues_.minCoeff();
    return lo > 0.0 ? eigenvalues_.maxCoeff() / lo : std::numeric_limits<double>::infinity();
  }

  std::size_t dimension() const noexcept { return n_; }
  std::size_t population_size() const noexcept { return lambda_; }
  std::size_t parents() const noexcept { return mu_; }
  /// Number of completed tell() calls.
  std::size_t generation() const noexcept { return generation_; }
  /// Losses received so far (λ per generation, non-finite ones included).
  std::size_t evaluations() const noexcept { return evaluations_; }
  /// Non-finite losses in the last generation told.
  std::size_t non_finite_count() const noexcept { return non_finite_count_; }
  std::size_t total_non_finite() const noexcept { return total_non_finite_; }
  /// Restarts after stalls so far (CmaesOptions::restart_sigma_fraction).
  std::size_t restarts() const noexcept { return restarts_; }
  /// The best loss of the current start's first tolfun_generations generations, and of the whole
  /// current start (+inf before any): the search has left its starting plateau once the second
  /// is well below the first (the restart criterion's test; callbacks/prune.hpp's gate).
  double start_first_loss() const noexcept { return start_first_loss_; }
  double start_best_loss() const noexcept { return start_best_loss_; }
  /// Completed generations since the current start: since the last restart, or generation()
  /// if there was none (or restarts are off).
  std::size_t generations_since_start() const noexcept { return restarts_ > 0 ? start_generations_ : generation_; }

  /// Best finite loss seen so far (+inf before any) and the candidate that produced it,
  /// in θ units (mean0 before any; see has_best()).
  double best_loss() const noexcept { return best_loss_; }
  const Eigen::VectorXd& best_theta() const noexcept { return best_theta_; }
  bool has_best() const noexcept { return has_best_; }

  const Eigen::VectorXd& weights() const noexcept { return weights_; }
  double mu_eff() const noexcept { return mu_eff_; }
  double c_sigma() const noexcept { return c_sigma_; }
  double d_sigma() const noexcept { return d_sigma_; }
  double c_c() const noexcept { return c_c_; }
  double c_1() const noexcept { return c_1_; }
  double c_mu() const noexcept { return c_mu_; }
  double chi_n() const noexcept { return chi_n_; }
  std::size_t tolfun_generations() const noexcept { return tolfun_generations_; }
  const CmaesOptions& options() const noexcept { return options_; }

  /// A copy of the state (see CmaesState).
  CmaesState state() const {
    return {mean_, sigma_, C_, B_, inv_sqrt_C_, D_, eigenvalues_, p_sigma_, p_c_, updates_, generation_,
            evaluations_, non_finite_count_, total_non_finite_, best_loss_, best_theta_, has_best_,
            std::vector<double>(best_history_.begin(), best_history_.end()), status_, restarts_, start_generations_,
            start_first_loss_, start_best_loss_};
  }

  /// Continues from `s`, which must come from a BasicCmaes with the same dimension, options and transformation
  /// (strategy parameters are recomputed from them). Sizes are checked before anything changes.
  void restore(const CmaesState& s) {
    const auto n = static_cast<Eigen::Index>(n_);
    auto vector_ok = [n](const Eigen::VectorXd& v) { return v.size() == n; };
    auto matrix_ok = [n](const Eigen::MatrixXd& m) { return m.rows() == n && m.cols() == n; };
    require(vector_ok(s.mean) && vector_ok(s.D) && vector_ok(s.eigenvalues) && vector_ok(s.p_sigma) &&
                vector_ok(s.p_c) && vector_ok(s.best_theta) && matrix_ok(s.C) && matrix_ok(s.B) &&
                matrix_ok(s.inv_sqrt_C),
            "cmaes state dimension", s.mean.size(), "must equal the optimiser's dimension " + std::to_string(n_));
    require(s.best_history.size() <= tolfun_generations_, "cmaes state best_history.size()", s.best_history.size(),
            "must be <= tolfun_generations " + std::to_string(tolfun_generations_));
    require(s.evaluations == s.generation * lambda_, "cmaes state evaluations", s.evaluations,
            "must equal generation * population_size (" + std::to_string(s.generation * lambda_) + ")");
    mean_ = s.mean;
    sigma_ = s.sigma;
    C_ = s.C;
    B_ = s.B;
    inv_sqrt_C_ = s.inv_sqrt_C;
    D_ = s.D;
    eigenvalues_ = s.eigenvalues;
    p_sigma_ = s.p_sigma;
    p_c_ = s.p_c;
    updates_ = s.updates;
    generation_ = s.generation;
    evaluations_ = s.evaluations;
    non_finite_count_ = s.non_finite_count;
    total_non_finite_ = s.total_non_finite;
    best_loss_ = s.best_loss;
    best_theta_ = s.best_theta;
    has_best_ = s.has_best;
    best_history_.assign(s.best_history.begin(), s.best_history.end());
    status_ = s.status;
    restarts_ = s.restarts;
    start_generations_ = s.start_generations;
    start_first_loss_ = s.start_first_loss;
    start_best_loss_ = s.start_best_loss;
    sampled_ = false;  // the population is a function of the state: the next ask() redraws it
    if constexpr (!Transformation::is_identity) refresh_mean_parameters();
  }

  // --- Checkpointable (core/concepts/checkpointable.hpp) ------------------------------

  /// "cmaes" for Cmaes (as in checkpoints written before transformations existed),
  /// "cmaes+<transformation name>" otherwise: a resume across them is refused.
  static std::string kind() {
    if constexpr (Transformation::is_identity) return "cmaes";
    else return "cmaes+" + Transformation::name();
  }

  /// Settings that change a run's trajectory: a checkpoint written under others is refused.
  std::vector<std::pair<std::string, std::string>> identity_fields() const {
    std::vector<std::pair<std::string, std::string>> fields{
        {"optimiser.seed", std::to_string(options_.seed)}, {"optimiser.sigma0", detail::format_value(options_.sigma0)}};
    for (auto& field : transformation_.identity_fields()) fields.push_back(std::move(field));
    if (restarts_enabled()) {  // only then, so checkpoints written before restarts existed still resume
      fields.emplace_back("optimiser.restart_sigma_fraction", detail::format_value(options_.restart_sigma_fraction));
      fields.emplace_back("optimiser.restart_loss_fraction", detail::format_value(options_.restart_loss_fraction));
    }
    return fields;
  }

  /// Saves or loads the state (CmaesState::serialize lists the fields). Loading reads every
  /// field first and then restore()s, which checks sizes before anything changes.
  template <class Archive>
  void serialize(Archive& archive) {
    CmaesState s = state();
    s.serialize(archive);
    // The current start's counters: always saved (callbacks/prune.hpp reads them); a checkpoint
    // written before they were saved without restarts lacks them, and then they keep the values
    // of a search that never made progress (which only restarts and pruning read).
    bool with_start_fields = true;
    if constexpr (Archive::is_loading) with_start_fields = restarts_enabled() || archive.record().has("cmaes.start_generations");
    if (with_start_fields) {
      archive.field("cmaes.restarts", s.restarts);
      archive.field("cmaes.start_generations", s.start_generations);
      archive.field("cmaes.start_first_loss", s.start_first_loss);
      archive.field("cmaes.start_best_loss", s.start_best_loss);
    }
    if constexpr (Archive::is_loading) restore(s);
  }

 private:
  static void validate(const Eigen::VectorXd& mean0, const CmaesOptions& o) {
    require_count("cmaes.mean0.size()", static_cast<long long>(mean0.size()), 1, max_dimension);
    for (Eigen::Index i = 0; i < mean0.size(); ++i)
      if (!std::isfinite(mean0[i]))
        throw invalid_configuration("cmaes.mean0[" + std::to_string(i) + "]", detail::format_value(mean0[i]),
                                    "must be finite");
    require_positive("cmaes.sigma0", o.sigma0);
    require(o.population_size == 0 ||
                (o.population_size >= 2 && o.population_size <= static_cast<std::size_t>(max_population_size)),
            "cmaes.population_size", o.population_size,
            "must be 0 (default 4 + floor(3 ln n)) or an integer in [2, " +
                std::to_string(max_population_size) + "]");
    require(!std::isnan(o.target_loss), "cmaes.target_loss", o.target_loss, "must not be NaN");
    require_non_negative("cmaes.tolfun", o.tolfun);
    require_non_negative("cmaes.tolx", o.tolx);
    require(!std::isnan(o.max_condition) && o.max_condition >= 1.0, "cmaes.max_condition", o.max_condition,
            "must be >= 1 (+inf disables the criterion)");
    require(!std::isnan(o.tolupsigma) && o.tolupsigma > 0.0, "cmaes.tolupsigma", o.tolupsigma,
            "must be > 0 (+inf disables the criterion)");
    require(o.restart_sigma_fraction >= 0.0 && o.restart_sigma_fraction < 1.0, "cmaes.restart_sigma_fraction",
            o.restart_sigma_fraction, "must be in [0, 1) (0: no restarts)");
    require(o.restart_loss_fraction > 0.0 && o.restart_loss_fraction <= 1.0, "cmaes.restart_loss_fraction",
            o.restart_loss_fraction, "must be in (0, 1]");
  }

  bool restarts_enabled() const noexcept { return options_.restart_sigma_fraction > 0.0; }

  // A stall: σ shrank below restart_sigma_fraction·σ0 while this start's best loss did not
  // fall below restart_loss_fraction × the best of its first tolfun_generations generations
  // (a window, not the first generation alone, whose candidates may all be far off, e.g.
  // diverging networks with a penalty loss).
  bool stalled() const noexcept {
    return restarts_enabled() && start_generations_ >= tolfun_generations_ &&
           sigma_ < options_.restart_sigma_fraction * options_.sigma0 && std::isfinite(start_first_loss_) &&
           start_best_loss_ > options_.restart_loss_fraction * start_first_loss_;
  }

  // σ = σ0, C = B = I, D = 1 and empty evolution paths: the search distribution of a start.
  void reset_distribution() {
    const auto en = static_cast<Eigen::Index>(n_);
    sigma_ = options_.sigma0;
    C_ = Eigen::MatrixXd::Identity(en, en);
    B_ = Eigen::MatrixXd::Identity(en, en);
    D_ = Eigen::VectorXd::Ones(en);
    eigenvalues_ = Eigen::VectorXd::Ones(en);
    inv_sqrt_C_ = Eigen::MatrixXd::Identity(en, en);
    p_sigma_ = Eigen::VectorXd::Zero(en);
    p_c_ = Eigen::VectorXd::Zero(en);
  }

  // A new start: its mean is a draw of the initial distribution N(mean0, σ0² I), from the
  // stream (seed, generation, restart number, 1) (candidates use dataset index 0), so it is a
  // function of the seed and the generation. generation_, evaluations_ and the best-so-far
  // carry on (the samples of generation g come from the streams of g).
  void restart() {
    const auto en = static_cast<Eigen::Index>(n_);
    ++restarts_;
    Eigen::VectorXd z(en);
    RandomStream stream(StreamKey{options_.seed, generation_, restarts_, 1, Purpose::optimiser});
    stream.fill_normal(z);
    mean_ = start_mean_ + options_.sigma0 * z;
    reset_distribution();
    updates_ = 0;
    best_history_.clear();
    start_first_loss_ = start_best_loss_ = std::numeric_limits<double>::infinity();
    start_generations_ = 0;
    if constexpr (!Transformation::is_identity) refresh_mean_parameters();
  }

  void sample() {
    const auto en = static_cast<Eigen::Index>(n_);
    Eigen::VectorXd z(en);
    for (std::size_t k = 0; k < lambda_; ++k) {
      RandomStream stream(StreamKey{options_.seed, generation_, k, 0, Purpose::optimiser});
      stream.fill_normal(z);
      const auto col = static_cast<Eigen::Index>(k);
      steps_.col(col).noalias() = B_ * D_.cwiseProduct(z);  // y ~ N(0, C)
      population_.col(col) = mean_ + sigma_ * steps_.col(col);
    }
    if constexpr (!Transformation::is_identity) transformation_.to_parameters(population_, parameters_);
    sampled_ = true;
  }

  // The candidates in θ units.
  const Eigen::MatrixXd& candidates() const noexcept {
    if constexpr (Transformation::is_identity) return population_;
    else return parameters_;
  }

  void refresh_mean_parameters() {
    Eigen::MatrixXd theta;
    transformation_.to_parameters(mean_, theta);
    mean_parameters_ = theta.col(0);
  }

  void update(const std::vector<Eigen::Index>& order) {
    const auto en = static_cast<Eigen::Index>(n_);
    Eigen::MatrixXd y_sel(en, static_cast<Eigen::Index>(mu_));
    for (std::size_t i = 0; i < mu_; ++i) y_sel.col(static_cast<Eigen::Index>(i)) = steps_.col(order[i]);
    const Eigen::VectorXd y_w = y_sel * weights_;

    mean_ += sigma_ * y_w;  // (41) with c_m = 1

    // (43): conjugate path uses C^{-1/2} of the distribution the candidates came from.
    p_sigma_ = (1.0 - c_sigma_) * p_sigma_ +
               std::sqrt(c_sigma_ * (2.0 - c_sigma_) * mu_eff_) * (inv_sqrt_C_ * y_w);
    ++updates_;

    // h_σ stalls p_c when ‖p_σ‖ is large, which prevents C growing too fast along p_c
    // right after a σ increase; the denominator corrects the zero initialisation of p_σ.
    const double norm_ps = p_sigma_.norm();
    const double bias = std::sqrt(1.0 - std::pow(1.0 - c_sigma_, 2.0 * static_cast<double>(updates_)));
    const bool h_sigma = norm_ps / bias < (1.4 + 2.0 / (static_cast<double>(n_) + 1.0)) * chi_n_;

    // (45)
    p_c_ = (1.0 - c_c_) * p_c_;
    if (h_sigma) p_c_ += std::sqrt(c_c_ * (2.0 - c_c_) * mu_eff_) * y_w;

    // (47) with Σw = 1; δ(h_σ) compensates the variance lost by stalling p_c.
    const double delta_h = h_sigma ? 0.0 : c_c_ * (2.0 - c_c_);
    C_ *= 1.0 + c_1_ * delta_h - c_1_ - c_mu_;
    C_.noalias() += c_1_ * p_c_ * p_c_.transpose();
    C_.noalias() += c_mu_ * (y_sel * weights_.asDiagonal() * y_sel.transpose());
    C_ = 0.5 * (C_ + C_.transpose()).eval();  // rounding makes C slightly asymmetric

    // (44)
    sigma_ *= std::exp(c_sigma_ / d_sigma_ * (norm_ps / chi_n_ - 1.0));

    if (C_.allFinite()) decompose();
    if constexpr (!Transformation::is_identity) refresh_mean_parameters();
  }

  // C = B diag(D²) Bᵀ. Eigenvalues that rounding pushed to ≤ 0 are floored for sampling
  // only; condition_number() still reports them (as +inf) so the run stops.
  void decompose() {
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(C_);
    if (solver.info() != Eigen::Success) {
      eigenvalues_.setConstant(std::numeric_limits<double>::quiet_NaN());
      return;
    }
    eigenvalues_ = solver.eigenvalues();
    B_ = solver.eigenvectors();
    D_ = eigenvalues_.cwiseMax(std::numeric_limits<double>::min()).cwiseSqrt();
    inv_sqrt_C_.noalias() = B_ * D_.cwiseInverse().asDiagonal() * B_.transpose();
  }

  static std::string fmt(double value) {
    std::ostringstream out;
    out.precision(6);
    out << value;
    return out.str();
  }

  Status check_stop(double generation_range) const {
    if (!mean_.allFinite() || !std::isfinite(sigma_) || !C_.allFinite() || !eigenvalues_.allFinite())
      return {StopCode::non_finite_state,
              "mean, sigma or covariance became non-finite in generation " + std::to_string(generation_)};
    if (best_loss_ <= options_.target_loss)
      return {StopCode::target_loss,
              "best loss " + fmt(best_loss_) + " <= target_loss " + fmt(options_.target_loss)};
    if (options_.max_evaluations != 0 && evaluations_ >= options_.max_evaluations)
      return {StopCode::max_evaluations, std::to_string(evaluations_) + " evaluations reached max_evaluations " +
                                             std::to_string(options_.max_evaluations)};
    if (options_.max_generations != 0 && generation_ >= options_.max_generations)
      return {StopCode::max_generations, std::to_string(generation_) + " generations reached max_generations " +
                                             std::to_string(options_.max_generations)};
    if (best_history_.size() >= tolfun_generations_) {
      const auto [lo, hi] = std::minmax_element(best_history_.begin(), best_history_.end());
      const double history_range = std::isfinite(*lo) && std::isfinite(*hi)
                                       ? *hi - *lo
                                       : std::numeric_limits<double>::infinity();
      if (history_range < options_.tolfun && generation_range < options_.tolfun)
        return {StopCode::tolfun, "best losses of the last " + std::to_string(tolfun_generations_) +
                                      " generations vary by " + fmt(history_range) +
                                      " and the last generation's losses by " + fmt(generation_range) +
                                      ", both < tolfun " + fmt(options_.tolfun)};
    }
    const double x_scale = sigma_ * std::max(p_c_.lpNorm<Eigen::Infinity>(), std::sqrt(C_.diagonal().maxCoeff()));
    if (x_scale < options_.tolx)
      return {StopCode::tolx,
              "sigma * max(|p_c|_inf, sqrt(max C_ii)) = " + fmt(x_scale) + " < tolx " + fmt(options_.tolx)};
    const double condition = condition_number();
    if (condition > options_.max_condition)
      return {StopCode::condition_number,
              "condition number of C " + fmt(condition) + " > max_condition " + fmt(options_.max_condition)};
    const double growth = sigma_ / options_.sigma0;
    const double growth_limit = options_.tolupsigma * std::sqrt(eigenvalues_.maxCoeff());
    if (growth > growth_limit)
      return {StopCode::sigma_blowup, "sigma / sigma0 = " + fmt(growth) +
                                          " > tolupsigma * sqrt(max eigenvalue of C) = " + fmt(growth_limit) +
                                          " (sigma0 probably far too small)"};
    return {};
  }

  CmaesOptions options_;
  Transformation transformation_;

  // Strategy parameters (fixed after construction).
  std::size_t n_ = 0;
  std::size_t lambda_ = 0;
  std::size_t mu_ = 0;
  Eigen::VectorXd weights_;
  double mu_eff_ = 0.0;
  double c_sigma_ = 0.0;
  double d_sigma_ = 0.0;
  double c_c_ = 0.0;
  double c_1_ = 0.0;
  double c_mu_ = 0.0;
  double chi_n_ = 0.0;
  std::size_t tolfun_generations_ = 0;

  // Distribution state (what a checkpoint needs, with generation_ and evaluations_).
  Eigen::VectorXd mean_;
  double sigma_ = 0.0;
  Eigen::MatrixXd C_;
  Eigen::VectorXd p_sigma_;
  Eigen::VectorXd p_c_;
  std::size_t updates_ = 0;  // updates of p_σ; differs from generation_ after all-non-finite generations

  // Derived from C by decompose().
  Eigen::MatrixXd B_;
  Eigen::VectorXd D_;
  Eigen::VectorXd eigenvalues_;
  Eigen::MatrixXd inv_sqrt_C_;

  // Current generation.
  Eigen::MatrixXd population_;  // x_k = m + σ y_k (search space)
  Eigen::MatrixXd parameters_;  // θ_k = transformation(x_k); unused for the identity
  Eigen::VectorXd mean_parameters_;  // transformation(m); unused for the identity
  Eigen::MatrixXd steps_;       // y_k = B D z_k
  bool sampled_ = false;

  // Bookkeeping.
  std::size_t generation_ = 0;
  std::size_t evaluations_ = 0;
  std::size_t non_finite_count_ = 0;
  std::size_t total_non_finite_ = 0;
  double best_loss_ = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best_theta_;
  bool has_best_ = false;
  std::deque<double> best_history_;  // best finite loss per generation (+inf if none)
  Status status_;
  Eigen::VectorXd start_mean_;  // mean0 in the search space: the centre of a restart's mean
  std::size_t restarts_ = 0;
  std::size_t start_generations_ = 0;  // generations told since this start
  double start_first_loss_ = std::numeric_limits<double>::infinity();  // best of this start's first tolfun_generations
  double start_best_loss_ = std::numeric_limits<double>::infinity();   // best since this start
};

/// Plain CMA-ES over θ.
using Cmaes = BasicCmaes<>;

static_assert(check_optimiser<Cmaes>());
static_assert(check_optimiser<BasicCmaes<ScaledBoxTransformation>>());

}  // namespace metahebb
