#pragma once
/// A plastic layer run through a recorded trajectory, with the exact gradient of a loss on its
/// activity with respect to the rule's coefficients (Mehta et al. 2024, "Model-based inference
/// of synaptic plasticity rules", §2: the rule is fitted through the whole trajectory).
///
/// Step t = 0 … T−1, inputs x_t (N), reward factor r_t = R_t − E[R_t], weights W_t (M × N):
///
///   u_t = W_t x_t,   y_t = φ(u_t)   (φ = identity or tanh),   L = Σ_t ℓ_t(y_t)
///   W_{t+1,ij} = W_{t,ij} + η f_θ(x_tj, y_ti, W_tij, r_t)   if the layer learns after step t,
///                W_t otherwise
///
/// (a rule over three factors reads (x, y, w), over four (x, y, w, r)). ∂L/∂θ is computed by
/// the adjoint (reverse-mode) recursion, from W̄_T = 0 backwards:
///
///   g_ij = η W̄_{t+1,ij}:   θ̄ += g_ij ∂f/∂θ,  W̄_{t,ij} = W̄_{t+1,ij} + g_ij ∂f/∂w,  ȳ_ti = ∂ℓ_t/∂y_ti + Σ_j g_ij ∂f/∂y
///   ū_t = ȳ_t ∘ φ'(u_t),   W̄_t += ū_t x_tᵀ
///
/// so one gradient costs about two forward passes whatever the number of coefficients (finite
/// differences cost 2·P passes). A VolterraBasis is evaluated factored (detail::FactoredVolterra),
/// any other rule synapse by synapse through rule_gradient. The forward pass stores W_t, u_t, y_t (T·M·(N+2) doubles).
/// A trajectory whose weights become non-finite or leave ±weight_bound after the update of step
/// d is diverged: its loss is +inf, and its gradient is that of the loss over steps 0 … d (the
/// steps it still predicts), which pulls θ back toward rules that fit them.

#include <Eigen/Core>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <iterator>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "../core/concepts/differentiable_rate_rule.hpp"
#include "../core/errors.hpp"
#include "../rules/volterra_gradient.hpp"

namespace metahebb::fit {

enum class Activation { linear, tanh };

struct PlasticLayerConfig {
  std::size_t inputs = 10;   ///< N
  std::size_t outputs = 20;  ///< M
  Activation activation = Activation::linear;
  double eta = 0.05;           ///< η (the reference's behavioural model uses 1/N)
  double weight_bound = 1e3;   ///< |w| above this counts as divergence

  void validate() const {
    require_count("plastic_layer.inputs", static_cast<long long>(inputs), 1, 100000);
    require_count("plastic_layer.outputs", static_cast<long long>(outputs), 1, 100000);
    require_positive("plastic_layer.eta", eta);
    require_positive("plastic_layer.weight_bound", weight_bound);
  }
};

/// One recorded experiment. Row t of `x` is the input at step t. `y` holds recorded activity
/// (T × M, NaN where a neuron was not recorded; empty for behaviour), `choice` the observed
/// decisions (T, 0 or 1; empty for activity).
struct Trajectory {
  Eigen::MatrixXd x;                  ///< T × N inputs
  Eigen::VectorXd r;                  ///< T reward factors R − E[R] (zeros for activity data)
  std::vector<std::uint8_t> plastic;  ///< T: 1 if the weights update after step t
  Eigen::MatrixXd w0;                 ///< M × N initial weights
  Eigen::MatrixXd y;                  ///< T × M recorded activity (NaN: not recorded)
  Eigen::VectorXd choice;             ///< T decisions

  std::size_t steps() const noexcept { return static_cast<std::size_t>(x.rows()); }

  /// Throws naming the field when the shapes do not fit `layer`.
  void validate(const PlasticLayerConfig& layer) const {
    const auto T = x.rows();
    require(x.cols() == static_cast<Eigen::Index>(layer.inputs), "trajectory.x columns", x.cols(),
            "must equal the number of inputs (" + std::to_string(layer.inputs) + ")");
    require(T >= 1, "trajectory steps", T, "must be >= 1");
    require(r.size() == T, "trajectory.r size", r.size(), "must equal the number of steps");
    require(static_cast<Eigen::Index>(plastic.size()) == T, "trajectory.plastic size", plastic.size(),
            "must equal the number of steps");
    require(w0.rows() == static_cast<Eigen::Index>(layer.outputs) && w0.cols() == static_cast<Eigen::Index>(layer.inputs),
            "trajectory.w0 shape", std::to_string(w0.rows()) + "x" + std::to_string(w0.cols()),
            "must be outputs x inputs");
    require(x.allFinite() && r.allFinite() && w0.allFinite(), "trajectory inputs", "non-finite", "must be finite");
  }
};

/// The activity trajectory of one run: weights before every step, pre-activations, outputs.
struct LayerRun {
  std::vector<Eigen::MatrixXd> w;  ///< W_t for t = 0 … T (T+1 matrices; the last after the final update)
  Eigen::MatrixXd u;               ///< T × M
  Eigen::MatrixXd y;               ///< T × M
  bool diverged = false;
  std::size_t diverged_at = 0;
};

/// The factors of synapse (i, j) at step t as the rule reads them.
inline std::size_t fill_factors(double* z, std::size_t num_factors, double x, double y, double w, double r) {
  z[0] = x;
  if (num_factors > 1) z[1] = y;
  if (num_factors > 2) z[2] = w;
  if (num_factors > 3) z[3] = r;
  return num_factors;
}

namespace detail {

/// The Volterra rule over (x, y, w[, r]) factored for a layer: r is shared by every synapse of
/// a step and x_j by every synapse of input j, so
///
///   f = Σ_{bc} B_bc(x_j, r) y^b w^c,   B_bc = Σ_a x_j^a A_abc(r),   A_abc = Σ_d θ_abcd r^d
///
/// costs (o_y+1)(o_w+1) multiply-adds per synapse instead of one product per term; the
/// coefficient gradient is gathered the same way, θ̄_abcd = Σ_t r_t^d Σ_j x_tj^a Σ_i g_ij y_i^b w_ij^c.
/// Used for every VolterraBasis whose orders are ≤ 4 (any other rule: rule_gradient per synapse).
class FactoredVolterra {
 public:
  static constexpr int max_order = 4;
  static bool applies(const VolterraBasis& b) {
    if (b.num_factors() < 3 || b.num_factors() > 4) return false;
    for (std::size_t f = 0; f < b.num_factors(); ++f)
      if (b.factor(f).max_order > max_order) return false;
    return true;
  }
  explicit FactoredVolterra(const VolterraBasis& b)
      : nx_(b.factor(0).max_order + 1), ny_(b.factor(1).max_order + 1), nw_(b.factor(2).max_order + 1),
        nr_(b.num_factors() > 3 ? b.factor(3).max_order + 1 : 1) {}

  /// A_abc for the step's r.
  void step(const Eigen::Ref<const Eigen::VectorXd>& theta, double r) {
    double rp[max_order + 1];
    powers(rp, nr_, r);
    for (int a = 0; a < nx_; ++a)
      for (int b = 0; b < ny_; ++b)
        for (int c = 0; c < nw_; ++c) {
          double sum = 0.0;
          for (int d = 0; d < nr_; ++d) sum += theta[index(a, b, c, d)] * rp[d];
          A_[(a * ny_ + b) * nw_ + c] = sum;
        }
  }
  /// B_bc for input x_j.
  void pre(double x) {
    powers(xp_, nx_, x);
    for (int bc = 0; bc < ny_ * nw_; ++bc) {
      double sum = 0.0;
      for (int a = 0; a < nx_; ++a) sum += A_[a * ny_ * nw_ + bc] * xp_[a];
      B_[bc] = sum;
    }
  }
  double value(double y, double w) const {
    double yp[max_order + 1], wp[max_order + 1];
    powers(yp, ny_, y);
    powers(wp, nw_, w);
    double f = 0.0;
    for (int b = 0; b < ny_; ++b) {
      double inner = 0.0;
      for (int c = 0; c < nw_; ++c) inner += B_[b * nw_ + c] * wp[c];
      f += inner * yp[b];
    }
    return f;
  }
  /// ∂f/∂y and ∂f/∂w at (y, w) for the current x_j; adds g y^b w^c to H_bc.
  void adjoint(double y, double w, double g, double& df_dy, double& df_dw) {
    double yp[max_order + 1], wp[max_order + 1];
    powers(yp, ny_, y);
    powers(wp, nw_, w);
    df_dy = df_dw = 0.0;
    for (int b = 0; b < ny_; ++b)
      for (int c = 0; c < nw_; ++c) {
        const double B = B_[b * nw_ + c];
        if (b > 0) df_dy += B * b * yp[b - 1] * wp[c];
        if (c > 0) df_dw += B * c * yp[b] * wp[c - 1];
        H_[b * nw_ + c] += g * yp[b] * wp[c];
      }
  }
  void begin_adjoint_step() { std::fill(std::begin(G_), std::end(G_), 0.0); }
  void begin_adjoint_pre() { std::fill(std::begin(H_), std::end(H_), 0.0); }
  /// G_abc += x_j^a H_bc (after the synapses of input j).
  void end_adjoint_pre() {
    for (int a = 0; a < nx_; ++a)
      for (int bc = 0; bc < ny_ * nw_; ++bc) G_[a * ny_ * nw_ + bc] += xp_[a] * H_[bc];
  }
  /// θ̄_abcd += r^d G_abc (after every synapse of the step).
  void end_adjoint_step(double r, double* d_theta) const {
    double rp[max_order + 1];
    powers(rp, nr_, r);
    for (int a = 0; a < nx_; ++a)
      for (int b = 0; b < ny_; ++b)
        for (int c = 0; c < nw_; ++c)
          for (int d = 0; d < nr_; ++d) d_theta[index(a, b, c, d)] += rp[d] * G_[(a * ny_ + b) * nw_ + c];
  }

 private:
  static void powers(double* p, int n, double v) {
    p[0] = 1.0;
    for (int e = 1; e < n; ++e) p[e] = p[e - 1] * v;
  }
  Eigen::Index index(int a, int b, int c, int d) const { return ((a * ny_ + b) * nw_ + c) * nr_ + d; }
  static constexpr int n_ = max_order + 1;
  int nx_, ny_, nw_, nr_;
  double A_[n_ * n_ * n_] = {}, B_[n_ * n_] = {}, H_[n_ * n_] = {}, G_[n_ * n_ * n_] = {}, xp_[n_] = {};
};

}  // namespace detail

/// Runs the layer with rule θ through the trajectory's inputs (the teacher and the model share it).
template <class Rule>
LayerRun run_layer(const PlasticLayerConfig& layer, const Rule& rule, const Eigen::Ref<const Eigen::VectorXd>& theta,
                   const Trajectory& tr) {
  static_assert(check_rate_rule<Rule>());
  const std::size_t F = rule.num_factors();
  require(F >= 3 && F <= 4, "rule factors", F, "must be 3 (x, y, w) or 4 (x, y, w, r)");
  require(theta.size() == static_cast<Eigen::Index>(rule.size()), "theta size", theta.size(),
          "must equal the rule's number of coefficients (" + std::to_string(rule.size()) + ")");
  layer.validate();
  tr.validate(layer);
  const auto T = static_cast<Eigen::Index>(tr.steps());
  const auto M = static_cast<Eigen::Index>(layer.outputs), N = static_cast<Eigen::Index>(layer.inputs);
  LayerRun run;
  run.w.reserve(static_cast<std::size_t>(T) + 1);
  run.w.push_back(tr.w0);
  run.u.resize(T, M);
  run.y.resize(T, M);
  double z[4];
  std::optional<detail::FactoredVolterra> kernel;
  if constexpr (std::is_same_v<Rule, VolterraBasis>)
    if (detail::FactoredVolterra::applies(rule)) kernel.emplace(rule);
  const bool factored = kernel.has_value();
  for (Eigen::Index t = 0; t < T; ++t) {
    const Eigen::MatrixXd& w = run.w.back();
    run.u.row(t).noalias() = (w * tr.x.row(t).transpose()).transpose();
    for (Eigen::Index i = 0; i < M; ++i)
      run.y(t, i) = layer.activation == Activation::tanh ? std::tanh(run.u(t, i)) : run.u(t, i);
    Eigen::MatrixXd next = w;
    if (tr.plastic[static_cast<std::size_t>(t)] && !run.diverged) {
      bool ok = true;
      if (factored) {
        kernel->step(theta, tr.r[t]);
        for (Eigen::Index j = 0; j < N; ++j) {
          kernel->pre(tr.x(t, j));
          for (Eigen::Index i = 0; i < M; ++i) {
            const double v = w(i, j) + layer.eta * kernel->value(run.y(t, i), w(i, j));
            ok = ok && std::abs(v) <= layer.weight_bound;  // false for NaN too
            next(i, j) = v;
          }
        }
      } else {
        for (Eigen::Index j = 0; j < N; ++j)
          for (Eigen::Index i = 0; i < M; ++i) {
            fill_factors(z, F, tr.x(t, j), run.y(t, i), w(i, j), tr.r[t]);
            const double v = w(i, j) + layer.eta * rule.template evaluate<double>(theta, std::span<const double>(z, F));
            ok = ok && std::abs(v) <= layer.weight_bound;
            next(i, j) = v;
          }
      }
      if (!ok) {
        run.diverged = true;
        run.diverged_at = static_cast<std::size_t>(t);
      }
    }
    run.w.push_back(std::move(next));
  }
  return run;
}

/// Mean squared error over the recorded entries of `tr.y` (NaN = not recorded):
/// ℓ_t = Σ_{i recorded} (y_ti − ŷ_ti)² / (number of recorded entries over the trajectory).
struct ActivityMse {
  static double count(const Trajectory& tr) {
    double n = 0;
    for (Eigen::Index k = 0; k < tr.y.size(); ++k) n += std::isnan(tr.y.data()[k]) ? 0.0 : 1.0;
    return n;
  }
  void check(const Trajectory& tr, const PlasticLayerConfig& layer) const {
    require(tr.y.rows() == tr.x.rows() && tr.y.cols() == static_cast<Eigen::Index>(layer.outputs),
            "trajectory.y shape", std::to_string(tr.y.rows()) + "x" + std::to_string(tr.y.cols()),
            "must be steps x outputs");
    require(count(tr) > 0, "trajectory.y recorded entries", 0, "must be >= 1");
  }
  /// ℓ_t, and ∂ℓ_t/∂y_t added to y_bar when it is not null.
  double step(const Trajectory& tr, Eigen::Index t, const Eigen::Ref<const Eigen::RowVectorXd>& y, double scale,
              double* y_bar) const {
    double loss = 0.0;
    for (Eigen::Index i = 0; i < y.size(); ++i) {
      const double target = tr.y(t, i);
      if (std::isnan(target)) continue;
      const double e = y[i] - target;
      loss += e * e * scale;
      if (y_bar) y_bar[i] += 2.0 * e * scale;
    }
    return loss;
  }
};

/// Binary cross-entropy of the observed choices under p_t = σ(v·y_t) (a fixed readout v):
/// ℓ_t = [softplus(v·y_t) − d_t v·y_t] / T.
struct ChoiceBce {
  Eigen::VectorXd readout;  ///< v (M)

  static double count(const Trajectory& tr) { return static_cast<double>(tr.choice.size()); }
  void check(const Trajectory& tr, const PlasticLayerConfig& layer) const {
    require(readout.size() == static_cast<Eigen::Index>(layer.outputs), "readout size", readout.size(),
            "must equal the number of outputs");
    require(tr.choice.size() == tr.x.rows(), "trajectory.choice size", tr.choice.size(), "must equal the steps");
    for (Eigen::Index t = 0; t < tr.choice.size(); ++t)
      require(tr.choice[t] == 0.0 || tr.choice[t] == 1.0, "trajectory.choice value", tr.choice[t], "must be 0 or 1");
  }
  static double softplus(double a) { return a > 0 ? a + std::log1p(std::exp(-a)) : std::log1p(std::exp(a)); }
  double step(const Trajectory& tr, Eigen::Index t, const Eigen::Ref<const Eigen::RowVectorXd>& y, double scale,
              double* y_bar) const {
    const double logit = y.dot(readout.transpose());
    const double d = tr.choice[t];
    if (y_bar) {
      const double p = 1.0 / (1.0 + std::exp(-logit));
      for (Eigen::Index i = 0; i < y.size(); ++i) y_bar[i] += (p - d) * readout[i] * scale;
    }
    return (softplus(logit) - d * logit) * scale;
  }
};

/// The trajectory's loss L = Σ_t ℓ_t (normalised by the head's count), and ∂L/∂θ written to
/// `grad` when it is not null. +inf (gradient 0) when the run diverges.
template <class Rule, class Head>
double loss_and_gradient(const PlasticLayerConfig& layer, const Rule& rule,
                         const Eigen::Ref<const Eigen::VectorXd>& theta, const Trajectory& tr, const Head& head,
                         Eigen::VectorXd* grad) {
  static_assert(check_differentiable_rate_rule<Rule>());
  head.check(tr, layer);
  const LayerRun run = run_layer(layer, rule, theta, tr);
  const auto T = static_cast<Eigen::Index>(tr.steps());
  const auto M = static_cast<Eigen::Index>(layer.outputs), N = static_cast<Eigen::Index>(layer.inputs);
  const double scale = 1.0 / head.count(tr);
  if (grad) grad->setZero(static_cast<Eigen::Index>(rule.size()));
  // A diverged run is differentiated up to the step whose update left the bounds (that update
  // excluded): the gradient of the loss on the steps it could still predict.
  const Eigen::Index end = run.diverged ? static_cast<Eigen::Index>(run.diverged_at) + 1 : T;
  double loss = 0.0;
  for (Eigen::Index t = 0; t < end; ++t) loss += head.step(tr, t, run.y.row(t), scale, nullptr);
  if (run.diverged) loss = std::numeric_limits<double>::infinity();
  if (!grad) return loss;

  const std::size_t F = rule.num_factors();
  Eigen::MatrixXd w_bar = Eigen::MatrixXd::Zero(M, N);
  Eigen::VectorXd y_bar(M);
  double z[4], dz[4];
  double* d_theta = grad->data();
  std::optional<detail::FactoredVolterra> kernel;
  if constexpr (std::is_same_v<Rule, VolterraBasis>)
    if (detail::FactoredVolterra::applies(rule)) kernel.emplace(rule);
  const bool factored = kernel.has_value();
  for (Eigen::Index t = end; t-- > 0;) {
    y_bar.setZero();
    const Eigen::MatrixXd& w = run.w[static_cast<std::size_t>(t)];
    const bool plastic = tr.plastic[static_cast<std::size_t>(t)] && !(run.diverged && t == end - 1);
    if (plastic && factored) {
      kernel->step(theta, tr.r[t]);
      kernel->begin_adjoint_step();
      for (Eigen::Index j = 0; j < N; ++j) {
        kernel->pre(tr.x(t, j));
        kernel->begin_adjoint_pre();
        for (Eigen::Index i = 0; i < M; ++i) {
          const double g = layer.eta * w_bar(i, j);
          if (g == 0.0) continue;
          double df_dy, df_dw;
          kernel->adjoint(run.y(t, i), w(i, j), g, df_dy, df_dw);
          w_bar(i, j) += g * df_dw;
          y_bar[i] += g * df_dy;
        }
        kernel->end_adjoint_pre();
      }
      kernel->end_adjoint_step(tr.r[t], d_theta);
    } else if (plastic) {
      for (Eigen::Index j = 0; j < N; ++j)
        for (Eigen::Index i = 0; i < M; ++i) {
          const double g = layer.eta * w_bar(i, j);
          if (g == 0.0) continue;
          fill_factors(z, F, tr.x(t, j), run.y(t, i), w(i, j), tr.r[t]);
          dz[0] = dz[1] = dz[2] = dz[3] = 0.0;
          rule_gradient(rule, theta, std::span<const double>(z, F), g, d_theta, dz);
          w_bar(i, j) += dz[2];
          y_bar[i] += dz[1];
        }
    }
    head.step(tr, t, run.y.row(t), scale, y_bar.data());
    if (layer.activation == Activation::tanh)
      for (Eigen::Index i = 0; i < M; ++i) y_bar[i] *= 1.0 - run.y(t, i) * run.y(t, i);
    w_bar.noalias() += y_bar * tr.x.row(t);
  }
  return loss;
}

}  // namespace metahebb::fit
