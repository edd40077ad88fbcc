#pragma once
/// q(θ | x): a conditional density estimator for neural posterior estimation (as in the filter
/// SBI method, Confavreux et al. 2023, which uses sbi's SNPE), an ensemble of K masked
/// autoregressive flows (inference/masked_autoregressive_flow.hpp) mixed with equal weights.
///
/// θ is mapped from the prior's support to R^d by T (inference/support.hpp), then z-scored;
/// x is z-scored. With v = (T(θ) − m_u) / σ_u and c = (x − m_x) / σ_x,
///
///   q(θ | x) = (1/K) Σ_k q_k(v | c) · Π_i |dT_i/dθ_i| / σ_{u,i},
///
/// so log_prob is a density in θ's units, and samples θ = T⁻¹(m_u + σ_u v) lie in the support.
/// The z-scores are those of the training split. Each flow is trained by Adam on minibatches
/// of the mean negative log-likelihood; a held-out split (validation_fraction of the pairs,
/// the same for every member) is scored after each epoch, training stops after `patience`
/// epochs without improvement, and the parameters of the best held-out epoch are kept.
/// Everything random (split, initial weights, permutations, batch order, samples) comes from
/// counter-based streams keyed by the seed, the member and the epoch: the same seed gives the
/// same numbers, whatever `threads` (members train in parallel, each on its own streams).
/// Pairs whose x has a non-finite entry (a diverged simulation) are left out when
/// `drop_non_finite_x` (as sbi does by default); fixed coordinates (lower = upper) are not
/// modelled and are returned as their value. docs/density-estimation.md has the equations,
/// the validation and the speed.

#include <metahebb/core/concepts/proposal.hpp>
#include <metahebb/core/errors.hpp>
#include <metahebb/core/random.hpp>
#include <metahebb/inference/adam.hpp>
#include <metahebb/inference/masked_autoregressive_flow.hpp>
#include <metahebb/inference/support.hpp>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace metahebb::inference {

/// Settings of the estimator; validate() throws invalid_configuration naming the field.
struct FlowSettings {
  int blocks = 5;                     ///< MADE blocks per flow (sbi's MAF default: 5)
  int hidden_layers = 2;              ///< hidden layers per block
  int hidden_units = 50;              ///< units per hidden layer (sbi's default: 50)
  int ensemble_size = 1;              ///< K flows mixed with equal weights
  int max_epochs = 200;               ///< upper bound on epochs per flow
  int patience = 20;                  ///< epochs without held-out improvement before stopping (sbi: 20)
  int batch_size = 128;               ///< pairs per Adam step
  double learning_rate = 1e-3;        ///< Adam's step size α (sbi: 5e-4)
  double max_gradient_norm = 5.0;     ///< clip of the gradient's norm, 0: none (sbi: 5)
  double validation_fraction = 0.1;   ///< share of the pairs held out (sbi: 0.1)
  double max_log_scale = 3.0;         ///< s_max: each block scales by at most e^{±s_max}
  std::uint64_t seed = 0;             ///< key of every random stream
  int threads = 1;                    ///< ensemble members trained at once (results do not depend on it)
  bool drop_non_finite_x = true;      ///< leave out pairs whose x is not finite (false: throw)

  void validate() const {
    require_count("FlowSettings.blocks", blocks, 1, 64);
    require_count("FlowSettings.hidden_layers", hidden_layers, 1, 16);
    require_count("FlowSettings.hidden_units", hidden_units, 1, 4096);
    require_count("FlowSettings.ensemble_size", ensemble_size, 1, 1000);
    require_count("FlowSettings.max_epochs", max_epochs, 1, 1000000);
    require_count("FlowSettings.patience", patience, 1, 1000000);
    require_count("FlowSettings.batch_size", batch_size, 1, 1 << 24);
    require_positive("FlowSettings.learning_rate", learning_rate);
    require_non_negative("FlowSettings.max_gradient_norm", max_gradient_norm);
    require(std::isfinite(validation_fraction) && validation_fraction > 0.0 && validation_fraction < 1.0,
            "FlowSettings.validation_fraction", validation_fraction, "must be in (0, 1)");
    require(std::isfinite(max_log_scale) && max_log_scale > 0.0 && max_log_scale <= 20.0,
            "FlowSettings.max_log_scale", max_log_scale, "must be in (0, 20]");
    require_count("FlowSettings.threads", threads, 1, 1024);
  }
};

/// What fit() did: one entry per member and epoch, and each member's outcome.
struct TrainingReport {
  struct Epoch {
    int member = 0;              ///< which flow of the ensemble (0-based)
    int epoch = 0;               ///< 1-based
    double train_nll = 0.0;      ///< mean −log q(θ | x) over the epoch's minibatches (θ units)
    double heldout_nll = 0.0;    ///< mean −log q(θ | x) of the held-out pairs after the epoch
  };
  struct Member {
    int epochs = 0;              ///< epochs run
    int best_epoch = 0;          ///< epoch whose parameters were kept
    double best_heldout_nll = std::numeric_limits<double>::infinity();
    bool stopped_early = false;  ///< patience ran out before max_epochs
  };
  std::vector<Epoch> epochs;
  std::vector<Member> members;
  double heldout_nll = 0.0;      ///< mean −log q(θ | x) of the held-out pairs under the mixture
  std::size_t train_pairs = 0, heldout_pairs = 0;
  std::size_t dropped_pairs = 0;  ///< pairs left out because their x was not finite
};

class ConditionalFlow {
 public:
  using Progress = std::function<void(const TrainingReport::Epoch&)>;

  ConditionalFlow(std::size_t theta_dim, std::size_t x_dim, Box support, FlowSettings settings)
      : theta_dim_(static_cast<Eigen::Index>(theta_dim)), x_dim_(static_cast<Eigen::Index>(x_dim)),
        support_(std::move(support)), settings_(settings) {
    require_count("theta_dim", static_cast<long long>(theta_dim), 1, 100000);
    require_count("x_dim", static_cast<long long>(x_dim), 1, 100000);
    support_.validate(theta_dim);
    settings_.validate();
    for (Eigen::Index i = 0; i < theta_dim_; ++i)
      if (!support_.fixed(i)) free_.push_back(i);
    require(!free_.empty(), "support", "every coordinate fixed", "needs at least one coordinate with lower < upper");
  }

  std::size_t theta_dim() const noexcept { return static_cast<std::size_t>(theta_dim_); }
  std::size_t x_dim() const noexcept { return static_cast<std::size_t>(x_dim_); }
  const Box& support() const noexcept { return support_; }
  const FlowSettings& settings() const noexcept { return settings_; }
  bool trained() const noexcept { return !flows_.empty(); }
  /// The trained flows (one per ensemble member), in standardised coordinates of the free θ.
  const std::vector<MaskedAutoregressiveFlow>& flows() const noexcept { return flows_; }

  /// Trains on θ rows and x rows (one pair per row), replacing any previous training.
  /// Throws invalid_configuration for mismatched shapes, θ outside the support (its open
  /// interior, where T is defined; a fixed coordinate must equal its value), non-finite x
  /// unless drop_non_finite_x, or fewer than 2 usable pairs. `progress` is called after every
  /// epoch of every member (from the training threads, one call at a time). If fit throws
  /// (bad data, or an exception from `progress`), the previous training is kept unchanged.
  TrainingReport fit(const Eigen::MatrixXd& theta, const Eigen::MatrixXd& x, const Progress& progress = {}) {
    validate_pairs(theta, x);
    std::vector<Eigen::Index> rows;
    for (Eigen::Index r = 0; r < theta.rows(); ++r)
      if (x.row(r).allFinite()) rows.push_back(r);
    const auto n = static_cast<Eigen::Index>(rows.size());
    require(n >= 2, "x", std::to_string(n) + " rows with finite values",
            "needs >= 2 pairs with finite x (a training and a held-out pair)");
    const auto heldout = std::clamp<Eigen::Index>(
        static_cast<Eigen::Index>(std::llround(settings_.validation_fraction * static_cast<double>(n))), 1, n - 1);
    const Eigen::Index train = n - heldout;

    // Split by a seeded shuffle; z-scores from the training split.
    RandomStream split_stream(settings_.seed, purpose_split);
    shuffle(rows, split_stream);
    Data data;
    data.u_train.resize(free_dim(), train);
    data.x_train.resize(x_dim_, train);
    data.u_held.resize(free_dim(), heldout);
    data.x_held.resize(x_dim_, heldout);
    double jac_train = 0.0, jac_held = 0.0;
    for (Eigen::Index c = 0; c < n; ++c) {
      const Eigen::Index r = rows[static_cast<std::size_t>(c)];
      double lj = 0.0;
      const bool is_train = c < train;
      auto u = is_train ? data.u_train.col(c) : data.u_held.col(c - train);
      for (Eigen::Index f = 0; f < free_dim(); ++f) {
        const Eigen::Index i = free_[static_cast<std::size_t>(f)];
        u[f] = to_unbounded(theta(r, i), support_.lower[i], support_.upper[i]);
        lj += log_abs_jacobian(theta(r, i), support_.lower[i], support_.upper[i]);
      }
      (is_train ? data.x_train.col(c) : data.x_held.col(c - train)) = x.row(r).transpose();
      (is_train ? jac_train : jac_held) += lj;
    }
    jac_train /= static_cast<double>(train);
    jac_held /= static_cast<double>(heldout);
    Eigen::VectorXd u_mean, u_std, x_mean, x_std;  // committed to the members only on success
    zscore(data.u_train, u_mean, u_std);
    zscore(data.x_train, x_mean, x_std);
    data.u_train = standardise(data.u_train, u_mean, u_std);
    data.x_train = standardise(data.x_train, x_mean, x_std);
    data.u_held = standardise(data.u_held, u_mean, u_std);
    data.x_held = standardise(data.x_held, x_mean, x_std);
    // −log q(θ | x) = −log q_k(v | c) − Σ log|dT/dθ| + Σ log σ_u: the last two are constants of each pair.
    const double log_std_u = u_std.array().log().sum();
    data.offset_train = log_std_u - jac_train;
    data.offset_held = log_std_u - jac_held;

    TrainingReport report;
    report.train_pairs = static_cast<std::size_t>(train);
    report.heldout_pairs = static_cast<std::size_t>(heldout);
    report.dropped_pairs = static_cast<std::size_t>(theta.rows() - n);
    const auto K = static_cast<std::size_t>(settings_.ensemble_size);
    std::vector<Member> members(K);
    std::mutex progress_mutex;
    const Progress* callback = progress ? &progress : nullptr;
    const auto threads = std::min<std::size_t>(K, static_cast<std::size_t>(settings_.threads));
    if (threads <= 1) {
      for (std::size_t k = 0; k < K; ++k) members[k] = train_member(static_cast<int>(k), data, callback, progress_mutex);
    } else {
      // Member k runs on thread k mod threads; each member uses only its own streams. An
      // exception (from the callback, or out of memory) is rethrown here, the first by thread.
      std::vector<std::thread> pool;
      std::vector<std::exception_ptr> errors(threads);
      for (std::size_t t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
          try {
            for (std::size_t k = t; k < K; k += threads)
              members[k] = train_member(static_cast<int>(k), data, callback, progress_mutex);
          } catch (...) {
            errors[t] = std::current_exception();
          }
        });
      for (auto& thread : pool) thread.join();
      for (const auto& error : errors)
        if (error) std::rethrow_exception(error);
    }
    std::vector<MaskedAutoregressiveFlow> flows;
    for (Member& m : members) {
      report.epochs.insert(report.epochs.end(), m.epochs.begin(), m.epochs.end());
      report.members.push_back(m.outcome);
      flows.push_back(std::move(*m.flow));
    }
    flows_ = std::move(flows);
    u_mean_ = std::move(u_mean);
    u_std_ = std::move(u_std);
    x_mean_ = std::move(x_mean);
    x_std_ = std::move(x_std);
    report.heldout_nll = -mixture_log_prob(data.u_held, data.x_held).mean() + data.offset_held;
    return report;
  }

  /// log q(θ | x) for each row of θ at one x; −∞ for rows outside the support's interior.
  Eigen::VectorXd log_prob(const Eigen::MatrixXd& theta, const Eigen::VectorXd& x) const {
    require_trained("log_prob");
    require(x.size() == x_dim_, "x.size()", x.size(), "must equal x_dim = " + std::to_string(x_dim_));
    Eigen::MatrixXd xs = x.transpose().replicate(theta.rows(), 1);
    return log_prob_pairs(theta, xs);
  }

  /// log q(θ_r | x_r) for pairs given as rows; −∞ where θ_r is outside the support's interior.
  /// With fixed coordinates it is the density of the free ones (the fixed ones must match).
  Eigen::VectorXd log_prob_pairs(const Eigen::MatrixXd& theta, const Eigen::MatrixXd& x) const {
    require_trained("log_prob_pairs");
    require(theta.cols() == theta_dim_, "theta.cols()", theta.cols(), "must equal theta_dim = " + std::to_string(theta_dim_));
    require(x.cols() == x_dim_, "x.cols()", x.cols(), "must equal x_dim = " + std::to_string(x_dim_));
    require(x.rows() == theta.rows(), "x.rows()", x.rows(), "must equal theta.rows() = " + std::to_string(theta.rows()));
    require(x.allFinite(), "x", "a non-finite value", "must be finite");
    const Eigen::Index n = theta.rows();
    Eigen::VectorXd out = Eigen::VectorXd::Constant(n, -std::numeric_limits<double>::infinity());
    std::vector<Eigen::Index> inside;
    for (Eigen::Index r = 0; r < n; ++r)
      if (support_.contains_strictly(theta.row(r).transpose())) inside.push_back(r);
    if (inside.empty()) return out;
    const auto m = static_cast<Eigen::Index>(inside.size());
    Eigen::MatrixXd v(free_dim(), m), c(x_dim_, m);
    Eigen::VectorXd log_jac(m);
    for (Eigen::Index j = 0; j < m; ++j) {
      const Eigen::Index r = inside[static_cast<std::size_t>(j)];
      double lj = 0.0;
      for (Eigen::Index f = 0; f < free_dim(); ++f) {
        const Eigen::Index i = free_[static_cast<std::size_t>(f)];
        const double lo = support_.lower[i], hi = support_.upper[i];
        v(f, j) = (to_unbounded(theta(r, i), lo, hi) - u_mean_[f]) / u_std_[f];
        lj += log_abs_jacobian(theta(r, i), lo, hi);
      }
      log_jac[j] = lj;
      c.col(j) = ((x.row(r).transpose() - x_mean_).array() / x_std_.array()).matrix();
    }
    const Eigen::VectorXd lp = mixture_log_prob(v, c);
    const double log_std_u = u_std_.array().log().sum();
    for (Eigen::Index j = 0; j < m; ++j) out[inside[static_cast<std::size_t>(j)]] = lp[j] + log_jac[j] - log_std_u;
    return out;
  }

  /// n samples of θ | x as rows, all inside the support; the same seed gives the same rows.
  /// Sample r draws its member, then its D normal variates, from one stream keyed by `seed`.
  Eigen::MatrixXd sample(const Eigen::VectorXd& x, std::size_t n, std::uint64_t seed) const {
    require_trained("sample");
    require(x.size() == x_dim_, "x.size()", x.size(), "must equal x_dim = " + std::to_string(x_dim_));
    require(x.allFinite(), "x", "a non-finite value", "must be finite");
    require_count("n", static_cast<long long>(n), 0, 1LL << 32);
    const auto rows = static_cast<Eigen::Index>(n);
    RandomStream stream(seed, purpose_sample);
    const auto K = static_cast<Eigen::Index>(flows_.size());
    std::vector<Eigen::Index> member(n);
    Eigen::MatrixXd z(free_dim(), rows);
    for (Eigen::Index r = 0; r < rows; ++r) {
      member[static_cast<std::size_t>(r)] =
          std::min<Eigen::Index>(K - 1, static_cast<Eigen::Index>(stream.uniform() * static_cast<double>(K)));
      for (Eigen::Index f = 0; f < free_dim(); ++f) z(f, r) = stream.normal();
    }
    const Eigen::VectorXd c = ((x - x_mean_).array() / x_std_.array()).matrix();
    Eigen::MatrixXd out(rows, theta_dim_);
    for (Eigen::Index i = 0; i < theta_dim_; ++i)
      if (support_.fixed(i)) out.col(i).setConstant(support_.lower[i]);
    for (Eigen::Index k = 0; k < K; ++k) {
      std::vector<Eigen::Index> mine;
      for (Eigen::Index r = 0; r < rows; ++r)
        if (member[static_cast<std::size_t>(r)] == k) mine.push_back(r);
      if (mine.empty()) continue;
      const auto m = static_cast<Eigen::Index>(mine.size());
      Eigen::MatrixXd zk(free_dim(), m);
      for (Eigen::Index j = 0; j < m; ++j) zk.col(j) = z.col(mine[static_cast<std::size_t>(j)]);
      const Eigen::MatrixXd v = flows_[static_cast<std::size_t>(k)].inverse(zk, c.replicate(1, m));
      for (Eigen::Index j = 0; j < m; ++j)
        for (Eigen::Index f = 0; f < free_dim(); ++f) {
          const Eigen::Index i = free_[static_cast<std::size_t>(f)];
          out(mine[static_cast<std::size_t>(j)], i) =
              to_bounded(u_mean_[f] + u_std_[f] * v(f, j), support_.lower[i], support_.upper[i]);
        }
    }
    return out;
  }

 private:
  // Stream purposes of the estimator (outside the values core/random.hpp names).
  static constexpr Purpose purpose_split = static_cast<Purpose>(0x5b1'0001);
  static constexpr Purpose purpose_init = static_cast<Purpose>(0x5b1'0002);
  static constexpr Purpose purpose_batches = static_cast<Purpose>(0x5b1'0003);
  static constexpr Purpose purpose_sample = static_cast<Purpose>(0x5b1'0004);

  // The standardised splits: v (free coordinates) and c, one pair per column.
  struct Data {
    Eigen::MatrixXd u_train, x_train, u_held, x_held;
    double offset_train = 0.0, offset_held = 0.0;
  };
  struct Member {
    std::vector<TrainingReport::Epoch> epochs;
    TrainingReport::Member outcome;
    std::optional<MaskedAutoregressiveFlow> flow;
  };

  Eigen::Index free_dim() const noexcept { return static_cast<Eigen::Index>(free_.size()); }

  // Adam on minibatches of one member until max_epochs or `patience` epochs without a better
  // held-out NLL; keeps the best epoch's parameters.
  Member train_member(int k, const Data& data, const Progress* progress, std::mutex& progress_mutex) const {
    const FlowShape shape{free_dim(), x_dim_, settings_.blocks, settings_.hidden_layers, settings_.hidden_units,
                          settings_.max_log_scale};
    Member out;
    MaskedAutoregressiveFlow flow(shape, StreamKey{settings_.seed, 0, static_cast<std::uint64_t>(k), 0, purpose_init});
    Adam adam(flow.num_parameters(), settings_.learning_rate, settings_.max_gradient_norm);
    const Eigen::Index train = data.u_train.cols();
    const auto batch = std::min<Eigen::Index>(settings_.batch_size, train);
    Eigen::MatrixXd vb, cb;
    Eigen::VectorXd gradient, best = flow.parameters(), params;
    std::vector<Eigen::Index> index(static_cast<std::size_t>(train));
    TrainingReport::Member& member = out.outcome;
    for (int epoch = 1; epoch <= settings_.max_epochs; ++epoch) {
      std::iota(index.begin(), index.end(), Eigen::Index{0});
      RandomStream batch_stream(settings_.seed, purpose_batches, static_cast<std::uint64_t>(epoch),
                                static_cast<std::uint64_t>(k));
      shuffle(index, batch_stream);
      double sum = 0.0;
      for (Eigen::Index first = 0; first < train; first += batch) {
        const Eigen::Index count = std::min(batch, train - first);
        vb.resize(free_dim(), count);
        cb.resize(x_dim_, count);
        for (Eigen::Index c = 0; c < count; ++c) {
          const Eigen::Index j = index[static_cast<std::size_t>(first + c)];
          vb.col(c) = data.u_train.col(j);
          cb.col(c) = data.x_train.col(j);
        }
        sum += flow.loss_and_gradient(vb, cb, gradient) * static_cast<double>(count);
        params = flow.parameters();
        adam.step(params, gradient);
        flow.set_parameters(params);
      }
      TrainingReport::Epoch e;
      e.member = k;
      e.epoch = epoch;
      e.train_nll = sum / static_cast<double>(train) + data.offset_train;
      e.heldout_nll = -flow.log_prob(data.u_held, data.x_held).mean() + data.offset_held;
      out.epochs.push_back(e);
      member.epochs = epoch;
      if (progress) {
        const std::lock_guard lock(progress_mutex);
        (*progress)(e);
      }
      if (e.heldout_nll < member.best_heldout_nll) {
        member.best_heldout_nll = e.heldout_nll;
        member.best_epoch = epoch;
        best = flow.parameters();
      } else if (!std::isfinite(e.heldout_nll) || epoch - member.best_epoch >= settings_.patience) {
        member.stopped_early = epoch < settings_.max_epochs;
        break;
      }
    }
    flow.set_parameters(best);
    out.flow.emplace(std::move(flow));
    return out;
  }

  void require_trained(const char* what) const {
    if (flows_.empty()) throw std::logic_error(std::string("metahebb: ConditionalFlow::") + what + " before fit()");
  }

  void validate_pairs(const Eigen::MatrixXd& theta, const Eigen::MatrixXd& x) const {
    require(theta.cols() == theta_dim_, "theta.cols()", theta.cols(), "must equal theta_dim = " + std::to_string(theta_dim_));
    require(x.cols() == x_dim_, "x.cols()", x.cols(), "must equal x_dim = " + std::to_string(x_dim_));
    require(x.rows() == theta.rows(), "x.rows()", x.rows(), "must equal theta.rows() = " + std::to_string(theta.rows()));
    require(theta.rows() >= 2, "theta.rows()", theta.rows(), "must be >= 2 (a training and a held-out pair)");
    for (Eigen::Index r = 0; r < theta.rows(); ++r) {
      for (Eigen::Index c = 0; c < x_dim_ && !settings_.drop_non_finite_x; ++c)
        require(std::isfinite(x(r, c)), "x(" + std::to_string(r) + ", " + std::to_string(c) + ")", x(r, c),
                "must be finite (or set FlowSettings.drop_non_finite_x)");
      require(support_.contains_strictly(theta.row(r).transpose()), "theta.row(" + std::to_string(r) + ")",
              Eigen::RowVectorXd(theta.row(r)), "must be finite and strictly inside the support");
    }
  }

  static void shuffle(std::vector<Eigen::Index>& v, RandomStream& stream) {
    for (std::size_t i = v.size(); i > 1; --i) {
      const auto j = std::min(i - 1, static_cast<std::size_t>(stream.uniform() * static_cast<double>(i)));
      std::swap(v[i - 1], v[j]);
    }
  }

  // Column means and standard deviations of a D × N matrix (σ = 1 where a row is constant).
  static void zscore(const Eigen::MatrixXd& m, Eigen::VectorXd& mean, Eigen::VectorXd& std) {
    mean = m.rowwise().mean();
    std = ((m.colwise() - mean).array().square().rowwise().sum() / static_cast<double>(m.cols())).sqrt().matrix();
    for (Eigen::Index i = 0; i < std.size(); ++i)
      if (!(std[i] > 1e-12 * std::max(1.0, std::abs(mean[i])))) std[i] = 1.0;
  }

  static Eigen::MatrixXd standardise(const Eigen::MatrixXd& m, const Eigen::VectorXd& mean, const Eigen::VectorXd& std) {
    return ((m.colwise() - mean).array().colwise() / std.array()).matrix();
  }

  // log((1/K) Σ_k q_k(v | c)) per column, by log-sum-exp.
  Eigen::VectorXd mixture_log_prob(const Eigen::MatrixXd& v, const Eigen::MatrixXd& c) const {
    const auto K = flows_.size();
    if (K == 1) return flows_[0].log_prob(v, c);
    Eigen::MatrixXd lp(v.cols(), static_cast<Eigen::Index>(K));
    for (std::size_t k = 0; k < K; ++k) lp.col(static_cast<Eigen::Index>(k)) = flows_[k].log_prob(v, c);
    Eigen::VectorXd out(v.cols());
    for (Eigen::Index r = 0; r < v.cols(); ++r) {
      const double top = lp.row(r).maxCoeff();
      out[r] = std::isfinite(top) ? top + std::log((lp.row(r).array() - top).exp().mean()) : top;
    }
    return out;
  }

  Eigen::Index theta_dim_, x_dim_;
  Box support_;
  FlowSettings settings_;
  Eigen::VectorXd u_mean_, u_std_, x_mean_, x_std_;
  std::vector<Eigen::Index> free_;  // coordinates with lower < upper, the ones the flows model
  std::vector<MaskedAutoregressiveFlow> flows_;
};

static_assert(check_proposal<ConditionalFlow>());

}  // namespace metahebb::inference
