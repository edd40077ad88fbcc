#pragma once
/// Fitting a rule's coefficients to recorded trajectories by Adam on exact gradients (Mehta et
/// al. 2024, §2), and the held-out scores of a fitted rule.
///
/// Objective for a batch B of trajectories (each with its own initial weights):
///
///   J(θ) = (1/|B|) Σ_{k∈B} L_k(θ) / L_k(0)  +  λ Σ_{trainable i} |θ_i|
///
/// L_k is the trajectory's loss (plastic_layer.hpp: activity MSE or choice BCE) and L_k(0) the
/// loss of the zero rule (no plasticity), so the data term is 1 for "no learning" and the L1
/// weight λ is relative to it whatever the loss's units ("L1 scaled to the loss"). Adam (Kingma
/// & Ba 2015; step size decaying geometrically to `final_learning_rate` if set) takes one step per batch, batches in a seeded shuffled order every epoch (one
/// thread; the gradients of a batch are summed in trajectory order). Coefficients not
/// trainable stay at their initial value. A diverged trajectory (rules with w² terms blow up in
/// finite time once a coefficient crosses a threshold) is counted, left out of J, and contributes
/// the gradient of its loss before it diverged (plastic_layer.hpp).
///
/// Scores on held-out trajectories (teacher run known): R² = 1 − Σ(a − â)² / Σ(a − ā)², pooled
/// over every entry, with ā the per-column (per-neuron or per-synapse) mean over the trajectory
/// (sklearn's "variance_weighted" R²); percent deviance = 100 (D_0 − D_θ) / D_0 with D the
/// choices' summed cross-entropy and D_0 that of the zero rule.

#include <Eigen/Core>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <type_traits>
#include <vector>

#include "../core/errors.hpp"
#include "../core/random.hpp"
#include "activity_data.hpp"
#include "plastic_layer.hpp"

namespace metahebb::fit {

struct FitOptions {
  std::size_t epochs = 100;
  std::size_t batch_size = 1;    ///< trajectories per Adam step (1: the reference's per-trajectory steps)
  double learning_rate = 1e-2;   ///< Adam's step size α in the first epoch
  double final_learning_rate = 0.0;  ///< α in the last epoch, geometric in between (0: constant α)
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
  double l1 = 1e-3;              ///< λ, relative to the normalised data loss
  std::uint64_t seed = 1;        ///< the order of batches
  Eigen::Array<bool, Eigen::Dynamic, 1> trainable;  ///< empty: every coefficient

  void validate(std::size_t parameters) const {
    require_count("epochs", static_cast<long long>(epochs), 0, 100000000);
    require_count("batch_size", static_cast<long long>(batch_size), 1, 100000000);
    require_positive("learning_rate", learning_rate);
    require(std::isfinite(final_learning_rate) && final_learning_rate >= 0.0, "final_learning_rate",
            final_learning_rate, "must be finite and >= 0 (0: constant learning rate)");
    require(beta1 >= 0.0 && beta1 < 1.0, "beta1", beta1, "must be in [0, 1)");
    require(beta2 >= 0.0 && beta2 < 1.0, "beta2", beta2, "must be in [0, 1)");
    require_positive("epsilon", epsilon);
    require(std::isfinite(l1) && l1 >= 0.0, "l1", l1, "must be finite and >= 0");
    require(trainable.size() == 0 || trainable.size() == static_cast<Eigen::Index>(parameters), "trainable size",
            trainable.size(), "must be 0 or the number of coefficients (" + std::to_string(parameters) + ")");
  }
};

struct FitResult {
  Eigen::VectorXd theta;
  std::vector<double> objective;  ///< J averaged over each epoch's batches with a finite loss (+inf: none)
  std::size_t epochs = 0;
  std::size_t diverged = 0;       ///< trajectory evaluations that diverged
  double seconds = 0.0;
};

/// The normalised data term of one trajectory and its gradient (zero and counted if diverged).
template <class Rule, class Head>
double normalised_loss(const PlasticLayerConfig& layer, const Rule& rule, const Eigen::Ref<const Eigen::VectorXd>& theta,
                       const Trajectory& tr, const Head& head, double null_loss, Eigen::VectorXd* grad) {
  const double loss = loss_and_gradient(layer, rule, theta, tr, head, grad);
  if (grad) *grad /= null_loss;
  return loss / null_loss;
}

/// Fits θ from θ0. `on_epoch(epoch, theta, objective)` is called after every epoch; returning
/// false stops the fit.
template <class Rule, class Head, class OnEpoch = bool (*)(std::size_t, const Eigen::VectorXd&, double)>
FitResult fit_rule(const PlasticLayerConfig& layer, const Rule& rule, const Eigen::Ref<const Eigen::VectorXd>& theta0,
                   const std::vector<Trajectory>& train, const Head& head, const FitOptions& options,
                   OnEpoch on_epoch = nullptr) {
  static_assert(check_differentiable_rate_rule<Rule>());
  const auto P = static_cast<Eigen::Index>(rule.size());
  layer.validate();
  options.validate(rule.size());
  require(theta0.size() == P, "theta0 size", theta0.size(), "must equal the rule's number of coefficients");
  require(!train.empty(), "training trajectories", 0, "must be >= 1");
  for (const auto& tr : train) {
    tr.validate(layer);
    head.check(tr, layer);
  }
  const auto start = std::chrono::steady_clock::now();
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(P);
  std::vector<double> null(train.size());
  for (std::size_t k = 0; k < train.size(); ++k) null[k] = loss_and_gradient(layer, rule, zero, train[k], head, nullptr);
  for (std::size_t k = 0; k < train.size(); ++k)
    require(std::isfinite(null[k]) && null[k] > 0.0, "loss of the zero rule on trajectory " + std::to_string(k),
            null[k], "must be finite and > 0 (the data must not be reproduced exactly without plasticity)");
  Eigen::ArrayXd mask = Eigen::ArrayXd::Ones(P);
  if (options.trainable.size())
    for (Eigen::Index i = 0; i < P; ++i) mask[i] = options.trainable[i] ? 1.0 : 0.0;

  FitResult result;
  result.theta = theta0;
  Eigen::VectorXd m = Eigen::VectorXd::Zero(P), v = Eigen::VectorXd::Zero(P);
  std::size_t step = 0;
  std::vector<std::size_t> order(train.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  RandomStream shuffle(options.seed, Purpose::optimiser);
  std::vector<Eigen::VectorXd> grads(options.batch_size, Eigen::VectorXd::Zero(P));
  std::vector<double> losses(options.batch_size);
  for (std::size_t epoch = 0; epoch < options.epochs; ++epoch) {
    const double alpha =
        options.final_learning_rate > 0.0 && options.epochs > 1
            ? options.learning_rate * std::pow(options.final_learning_rate / options.learning_rate,
                                               static_cast<double>(epoch) / static_cast<double>(options.epochs - 1))
            : options.learning_rate;
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[static_cast<std::size_t>(shuffle() % i)]);
    double epoch_objective = 0.0;
    std::size_t batches = 0;
    for (std::size_t b0 = 0; b0 < order.size(); b0 += options.batch_size) {
      const std::size_t n = std::min(options.batch_size, order.size() - b0);
      for (std::size_t s = 0; s < n; ++s) {
        const std::size_t k = order[b0 + s];
        losses[s] = normalised_loss(layer, rule, result.theta, train[k], head, null[k], &grads[s]);
      }
      Eigen::VectorXd g = Eigen::VectorXd::Zero(P);
      double data = 0.0;
      std::size_t finite = 0;
      for (std::size_t s = 0; s < n; ++s) {  // fixed order
        g += grads[s];  // a diverged trajectory: the gradient of its loss before it diverged
        if (!std::isfinite(losses[s])) {
          ++result.diverged;
          continue;
        }
        data += losses[s];
        ++finite;
      }
      g /= static_cast<double>(n);
      const Eigen::ArrayXd theta_masked = result.theta.array() * mask;
      if (finite) {
        epoch_objective += data / static_cast<double>(finite) + options.l1 * theta_masked.abs().sum();
        ++batches;
      }
      const Eigen::ArrayXd sign = (theta_masked > 0.0).cast<double>() - (theta_masked < 0.0).cast<double>();
      const Eigen::ArrayXd grad = (g.array() + options.l1 * sign) * mask;
      ++step;
      m = options.beta1 * m + (1.0 - options.beta1) * grad.matrix();
      v = options.beta2 * v + (1.0 - options.beta2) * grad.square().matrix();
      const double c1 = 1.0 - std::pow(options.beta1, static_cast<double>(step));
      const double c2 = 1.0 - std::pow(options.beta2, static_cast<double>(step));
      result.theta.array() -=
          alpha * (m.array() / c1) / ((v.array() / c2).sqrt() + options.epsilon) * mask;
    }
    result.objective.push_back(batches ? epoch_objective / static_cast<double>(batches)
                                       : std::numeric_limits<double>::infinity());
    result.epochs = epoch + 1;
    if constexpr (std::is_pointer_v<OnEpoch>) {
      if (on_epoch && !on_epoch(epoch, result.theta, result.objective.back())) break;
    } else {
      if (!on_epoch(epoch, result.theta, result.objective.back())) break;
    }
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

/// Pooled R² of `model` against `truth` (same shape), each column centred on its own mean.
inline double r2_score(const Eigen::Ref<const Eigen::MatrixXd>& truth, const Eigen::Ref<const Eigen::MatrixXd>& model) {
  require(truth.rows() == model.rows() && truth.cols() == model.cols(), "r2 shapes",
          std::to_string(model.rows()) + "x" + std::to_string(model.cols()), "must equal the truth's");
  const Eigen::RowVectorXd mean = truth.colwise().mean();
  const double total = (truth.rowwise() - mean).squaredNorm();
  const double residual = (truth - model).squaredNorm();
  return total > 0.0 ? 1.0 - residual / total : (residual == 0.0 ? 1.0 : -std::numeric_limits<double>::infinity());
}

/// Every W_t of a run as one row each (T+1 rows, M·N columns).
inline Eigen::MatrixXd weight_rows(const LayerRun& run) {
  Eigen::MatrixXd rows(static_cast<Eigen::Index>(run.w.size()), run.w.front().size());
  for (std::size_t t = 0; t < run.w.size(); ++t)
    rows.row(static_cast<Eigen::Index>(t)) = Eigen::Map<const Eigen::RowVectorXd>(run.w[t].data(), run.w[t].size());
  return rows;
}

struct HeldOutScores {
  double r2_activity = 0.0;  ///< of the teacher's noise-free activity (all neurons), pooled over trajectories
  double r2_weights = 0.0;   ///< of the teacher's weight trajectory
  double percent_deviance = std::numeric_limits<double>::quiet_NaN();  ///< choices only
  std::size_t diverged = 0;
};

/// Scores θ on held-out simulated trajectories. `choices`: also the percent deviance explained
/// under the readout `readout`.
template <class Rule>
HeldOutScores score_held_out(const PlasticLayerConfig& layer, const Rule& rule, const Eigen::Ref<const Eigen::VectorXd>& theta,
                             const std::vector<SimulatedTrajectory>& held_out, const Eigen::VectorXd* readout = nullptr) {
  HeldOutScores s;
  std::vector<Eigen::MatrixXd> y_true, y_model, w_true, w_model;
  double d_model = 0.0, d_null = 0.0;
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(rule.size()));
  for (const auto& h : held_out) {
    const LayerRun run = run_layer(layer, rule, theta, h.data);
    if (run.diverged) {
      ++s.diverged;
      continue;
    }
    y_true.push_back(h.truth.y);
    y_model.push_back(run.y);
    w_true.push_back(weight_rows(h.truth));
    w_model.push_back(weight_rows(run));
    if (readout) {
      const ChoiceBce bce{*readout};
      const LayerRun null_run = run_layer(layer, rule, zero, h.data);
      for (Eigen::Index t = 0; t < static_cast<Eigen::Index>(h.data.steps()); ++t) {
        d_model += bce.step(h.data, t, run.y.row(t), 1.0, nullptr);
        d_null += bce.step(h.data, t, null_run.y.row(t), 1.0, nullptr);
      }
    }
  }
  if (y_true.empty()) {
    s.r2_activity = s.r2_weights = -std::numeric_limits<double>::infinity();
    return s;
  }
  // Stack trajectories under each other; each column is centred on its mean per trajectory.
  double res_y = 0, tot_y = 0, res_w = 0, tot_w = 0;
  for (std::size_t k = 0; k < y_true.size(); ++k) {
    res_y += (y_true[k] - y_model[k]).squaredNorm();
    tot_y += (y_true[k].rowwise() - y_true[k].colwise().mean()).squaredNorm();
    res_w += (w_true[k] - w_model[k]).squaredNorm();
    tot_w += (w_true[k].rowwise() - w_true[k].colwise().mean()).squaredNorm();
  }
  s.r2_activity = 1.0 - res_y / tot_y;
  s.r2_weights = 1.0 - res_w / tot_w;
  if (readout) s.percent_deviance = 100.0 * (d_null - d_model) / d_null;
  return s;
}

}  // namespace metahebb::fit
