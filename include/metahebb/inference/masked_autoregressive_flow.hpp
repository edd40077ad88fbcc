#pragma once
/// A conditional masked autoregressive flow (Papamakarios, Pavlakou & Murray 2017, "Masked
/// Autoregressive Flow for Density Estimation", §3; MADE blocks: Germain et al. 2015) with a
/// hand-written backward pass. It is the density q(y | c) of a standardised y ∈ R^D given a
/// standardised context c ∈ R^C; `ConditionalFlow` adds the support map, the z-scores, the
/// training loop and the ensemble.
///
/// Block b (of B) reads y_b, reorders it by its permutation π_b (identity for b = 0, a seeded
/// random permutation otherwise) into y = y_b[π_b], and computes with a MADE network of L
/// hidden layers of H tanh units
///
///   h_1 = tanh((W_1 ∘ M_1) y + V c + a_1),   h_l = tanh((W_l ∘ M_l) h_{l−1} + a_l),
///   μ = (W_μ ∘ M_o) h_L + a_μ,   s = s_max · tanh(((W_s ∘ M_o) h_L + a_s) / s_max),
///   z = (y − μ) ∘ exp(−s),       y_{b+1} = z.
///
/// The masks make μ_i and s_i depend only on y_1 … y_{i−1} (and on c): input i has degree i,
/// hidden unit k has degree m_k = k mod D ∈ [0, D − 1] (degree-0 units see only the context,
/// so the first coordinate is conditioned on c too), M_1[k, i] = [m_k ≥ i],
/// M_l[k, j] = [m_k ≥ m_j], M_o[i, k] = [i > m_k]. The Jacobian of each block is triangular,
/// log|det ∂z/∂y| = −Σ_i s_i, and with z_B ~ N(0, I):
///
///   log q(y | c) = Σ_i log N(z_{B,i}; 0, 1) − Σ_b Σ_i s_{b,i}.
///
/// The bound s_max on the log-scales keeps every block's scale in [e^−s_max, e^s_max].
/// Training minimises the mean negative log-likelihood of a batch; `loss_and_gradient`
/// returns it with its exact gradient (backpropagation written out below, checked against
/// finite differences in tests/inference/conditional_flow_test.cpp). Sampling inverts each
/// block with D passes (after pass k the first k coordinates in the block's order are exact).
///
/// All parameters live in one vector (`parameters()`), so Adam and the finite-difference
/// check see a flat θ. A sample's column is one pair; batches are D × N matrices.

#include <metahebb/core/random.hpp>

#include <Eigen/Core>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <numeric>
#include <utility>
#include <vector>

namespace metahebb::inference {

/// Shape of one flow: D, C, B blocks of L hidden layers of H units, and s_max.
struct FlowShape {
  Eigen::Index features = 1;       ///< D, the dimension of y (θ)
  Eigen::Index context = 0;        ///< C, the dimension of c (x)
  Eigen::Index blocks = 5;         ///< B, MADE blocks
  Eigen::Index hidden_layers = 2;  ///< L, hidden layers per block
  Eigen::Index hidden_units = 50;  ///< H, units per hidden layer
  double max_log_scale = 3.0;      ///< s_max, bound on every log-scale
};

class MaskedAutoregressiveFlow {
 public:
  using Matrix = Eigen::MatrixXd;
  using Vector = Eigen::VectorXd;

  /// Weights drawn from N(0, 1/fan_in) (output layers scaled by 0.01, so that the flow starts
  /// close to the identity), masked; permutations drawn from the same keyed stream.
  MaskedAutoregressiveFlow(const FlowShape& shape, const StreamKey& key) : shape_(shape) {
    layout();
    RandomStream stream(key);
    params_.resize(size_);
    stream.fill_normal(params_);
    for (Eigen::Index b = 0; b < shape_.blocks; ++b) {
      const Block& k = blocks_[static_cast<std::size_t>(b)];
      const double fan0 = 1.0 / std::sqrt(static_cast<double>(shape_.features + shape_.context));
      const double fanh = 1.0 / std::sqrt(static_cast<double>(shape_.hidden_units));
      params_.segment(k.layer[0].w, H() * D()).array() *= fan0;
      params_.segment(k.context_w, H() * C()).array() *= fan0;
      for (std::size_t l = 0; l < k.layer.size(); ++l) {
        params_.segment(k.layer[l].a, H()).setZero();
        if (l > 0) params_.segment(k.layer[l].w, H() * H()).array() *= fanh;
      }
      params_.segment(k.mu_w, D() * H()).array() *= 0.01 * fanh;
      params_.segment(k.s_w, D() * H()).array() *= 0.01 * fanh;
      params_.segment(k.mu_a, D()).setZero();
      params_.segment(k.s_a, D()).setZero();
    }
    params_.array() *= mask_.array();
    // Permutations: identity for block 0, Fisher-Yates for the others.
    for (Eigen::Index b = 0; b < shape_.blocks; ++b) {
      auto& perm = blocks_[static_cast<std::size_t>(b)].perm;
      perm.resize(static_cast<std::size_t>(D()));
      std::iota(perm.begin(), perm.end(), Eigen::Index{0});
      if (b == 0) continue;
      for (std::size_t i = perm.size(); i > 1; --i) {
        const auto j = static_cast<std::size_t>(stream.uniform() * static_cast<double>(i));
        std::swap(perm[i - 1], perm[j < i ? j : i - 1]);
      }
    }
  }

  const FlowShape& shape() const noexcept { return shape_; }
  Eigen::Index num_parameters() const noexcept { return size_; }
  const Vector& parameters() const noexcept { return params_; }
  /// Sets the parameters (masked entries are forced to zero).
  void set_parameters(const Vector& p) { params_ = p.cwiseProduct(mask_); }
  /// 1 where a parameter is free, 0 where a mask removes it.
  const Vector& mask() const noexcept { return mask_; }

  /// log q(y | c) for each column of Y (D × N) and C (C × N).
  Vector log_prob(const Matrix& Y, const Matrix& Cx) const {
    Matrix y = Y;
    Vector sum_s = Vector::Zero(Y.cols());
    Matrix u(D(), Y.cols()), mu, s, hidden;
    for (std::size_t b = 0; b < blocks_.size(); ++b) {
      permute(blocks_[b], y, u);
      conditioner(blocks_[b], u, Cx, mu, s, hidden);
      y = ((u - mu).array() * (-s.array()).exp()).matrix();
      sum_s += s.colwise().sum().transpose();
    }
    const double log_norm = 0.5 * static_cast<double>(D()) * std::log(2.0 * std::numbers::pi);
    return (-0.5 * y.colwise().squaredNorm().transpose().array() - log_norm - sum_s.array()).matrix();
  }

  /// y = f⁻¹(z | c) for each column of Z (D × N): the flow's samples when z ~ N(0, I).
  Matrix inverse(const Matrix& Z, const Matrix& Cx) const {
    Matrix y = Z, u(D(), Z.cols()), mu, s, hidden;
    for (std::size_t bb = blocks_.size(); bb-- > 0;) {
      const Block& k = blocks_[bb];
      u.setZero();
      for (Eigen::Index pass = 0; pass < D(); ++pass) {
        conditioner(k, u, Cx, mu, s, hidden);
        u = (y.array() * s.array().exp() + mu.array()).matrix();
      }
      for (Eigen::Index i = 0; i < D(); ++i) y.row(k.perm[static_cast<std::size_t>(i)]) = u.row(i);
    }
    return y;
  }

  /// Mean of −log q(y | c) over the columns, and its gradient with respect to parameters()
  /// in `gradient` (resized; masked entries are zero).
  double loss_and_gradient(const Matrix& Y, const Matrix& Cx, Vector& gradient) {
    const Eigen::Index n = Y.cols();
    const double inv_n = 1.0 / static_cast<double>(n);
    auto& tapes = tapes_;
    tapes.resize(blocks_.size());
    // Forward, keeping each block's input, hidden activations, tanh of the log-scales and output.
    Matrix y = Y, mu;
    Vector sum_s = Vector::Zero(n);
    for (std::size_t b = 0; b < blocks_.size(); ++b) {
      Tape& t = tapes[b];
      t.u.resize(D(), n);
      permute(blocks_[b], y, t.u);
      forward(blocks_[b], t.u, Cx, t, mu);
      t.z = ((t.u - mu).array() * (-t.s.array()).exp()).matrix();
      sum_s += t.s.colwise().sum().transpose();
      y = t.z;
    }
    const double log_norm = 0.5 * static_cast<double>(D()) * std::log(2.0 * std::numbers::pi);
    const double loss = (0.5 * y.colwise().squaredNorm().transpose().array() + log_norm + sum_s.array()).mean();

    // Backward: G = ∂loss/∂z of the current block.
    gradient.setZero(size_);
    Matrix G = y * inv_n, gu, g_mu, g_a, g_h, g_pre;
    for (std::size_t bb = blocks_.size(); bb-- > 0;) {
      const Block& k = blocks_[bb];
      const Tape& t = tapes[bb];
      const Eigen::ArrayXXd e = (-t.s.array()).exp();
      gu = (G.array() * e).matrix();                                           // ∂z/∂u direct path
      g_mu = -gu;                                                              // ∂z/∂μ = −e^{−s}
      g_a = ((-G.array() * t.z.array() + inv_n) * (1.0 - t.tanh_s.array().square())).matrix();  // via s
      const Matrix& h_last = t.h.back();
      map(gradient, k.mu_w, D(), H()).noalias() += g_mu * h_last.transpose();
      map(gradient, k.mu_a, D(), 1) += g_mu.rowwise().sum();
      map(gradient, k.s_w, D(), H()).noalias() += g_a * h_last.transpose();
      map(gradient, k.s_a, D(), 1) += g_a.rowwise().sum();
      g_h.noalias() = cmap(params_, k.mu_w, D(), H()).transpose() * g_mu;
      g_h.noalias() += cmap(params_, k.s_w, D(), H()).transpose() * g_a;
      for (std::size_t l = k.layer.size(); l-- > 0;) {
        g_pre = (g_h.array() * (1.0 - t.h[l].array().square())).matrix();
        const Matrix& input = l == 0 ? t.u : t.h[l - 1];
        const Eigen::Index in = l == 0 ? D() : H();
        map(gradient, k.layer[l].w, H(), in).noalias() += g_pre * input.transpose();
        map(gradient, k.layer[l].a, H(), 1) += g_pre.rowwise().sum();
        if (l == 0) {
          if (C() > 0) map(gradient, k.context_w, H(), C()).noalias() += g_pre * Cx.transpose();
          gu.noalias() += cmap(params_, k.layer[0].w, H(), D()).transpose() * g_pre;
        } else {
          g_h.noalias() = cmap(params_, k.layer[l].w, H(), H()).transpose() * g_pre;
        }
      }
      // Undo the permutation: u_i = y_{π(i)}.
      G.resize(D(), n);
      for (Eigen::Index i = 0; i < D(); ++i) G.row(k.perm[static_cast<std::size_t>(i)]) = gu.row(i);
    }
    gradient.array() *= mask_.array();
    return loss;
  }

 private:
  struct Layer {
    Eigen::Index w = 0, a = 0;  // offsets of the weight matrix and the bias
  };
  struct Block {
    std::vector<Layer> layer;
    Eigen::Index context_w = 0, mu_w = 0, mu_a = 0, s_w = 0, s_a = 0;
    std::vector<Eigen::Index> perm;
  };
  struct Tape {
    Matrix u, z, s, tanh_s;
    std::vector<Matrix> h;
  };

  Eigen::Index D() const noexcept { return shape_.features; }
  Eigen::Index C() const noexcept { return shape_.context; }
  Eigen::Index H() const noexcept { return shape_.hidden_units; }

  static Eigen::Map<Matrix> map(Vector& v, Eigen::Index offset, Eigen::Index rows, Eigen::Index cols) {
    return {v.data() + offset, rows, cols};
  }
  static Eigen::Map<const Matrix> cmap(const Vector& v, Eigen::Index offset, Eigen::Index rows,
                                       Eigen::Index cols) {
    return {v.data() + offset, rows, cols};
  }

  // Offsets of every block's parameters in the flat vector, and the masks.
  void layout() {
    Eigen::Index next = 0;
    auto take = [&next](Eigen::Index count) {
      const Eigen::Index at = next;
      next += count;
      return at;
    };
    blocks_.resize(static_cast<std::size_t>(shape_.blocks));
    for (Block& k : blocks_) {
      k.layer.resize(static_cast<std::size_t>(shape_.hidden_layers));
      for (std::size_t l = 0; l < k.layer.size(); ++l) {
        k.layer[l].w = take(H() * (l == 0 ? D() : H()));
        k.layer[l].a = take(H());
      }
      k.context_w = take(H() * C());
      k.mu_w = take(D() * H());
      k.mu_a = take(D());
      k.s_w = take(D() * H());
      k.s_a = take(D());
    }
    size_ = next;
    mask_ = Vector::Ones(size_);
    auto hidden_degree = [this](Eigen::Index unit) { return unit % D(); };  // in [0, D − 1]
    for (Block& k : blocks_) {
      for (std::size_t l = 0; l < k.layer.size(); ++l) {
        auto m = map(mask_, k.layer[l].w, H(), l == 0 ? D() : H());
        for (Eigen::Index r = 0; r < m.rows(); ++r)
          for (Eigen::Index c = 0; c < m.cols(); ++c)
            m(r, c) = l == 0 ? (hidden_degree(r) >= c + 1 ? 1.0 : 0.0)
                             : (hidden_degree(r) >= hidden_degree(c) ? 1.0 : 0.0);
      }
      for (const Eigen::Index out : {k.mu_w, k.s_w}) {
        auto m = map(mask_, out, D(), H());
        for (Eigen::Index r = 0; r < D(); ++r)
          for (Eigen::Index c = 0; c < H(); ++c) m(r, c) = r + 1 > hidden_degree(c) ? 1.0 : 0.0;
      }
    }
  }

  static void permute(const Block& k, const Matrix& y, Matrix& u) {
    u.resize(y.rows(), y.cols());
    for (Eigen::Index i = 0; i < y.rows(); ++i) u.row(i) = y.row(k.perm[static_cast<std::size_t>(i)]);
  }

  // μ and s of one block (no tape).
  void conditioner(const Block& k, const Matrix& u, const Matrix& Cx, Matrix& mu, Matrix& s, Matrix& h) const {
    Matrix next;
    for (std::size_t l = 0; l < k.layer.size(); ++l) {
      if (l == 0) {
        next.noalias() = cmap(params_, k.layer[0].w, H(), D()) * u;
        if (C() > 0) next.noalias() += cmap(params_, k.context_w, H(), C()) * Cx;
      } else {
        next.noalias() = cmap(params_, k.layer[l].w, H(), H()) * h;
      }
      next.colwise() += cmap(params_, k.layer[l].a, H(), 1).col(0);
      h = next.array().tanh().matrix();
    }
    mu.noalias() = cmap(params_, k.mu_w, D(), H()) * h;
    mu.colwise() += cmap(params_, k.mu_a, D(), 1).col(0);
    s.noalias() = cmap(params_, k.s_w, D(), H()) * h;
    s.colwise() += cmap(params_, k.s_a, D(), 1).col(0);
    const double smax = shape_.max_log_scale;
    s = (smax * (s.array() / smax).tanh()).matrix();
  }

  // μ and s of one block, keeping the hidden activations and tanh(a_s / s_max) in the tape.
  void forward(const Block& k, const Matrix& u, const Matrix& Cx, Tape& t, Matrix& mu) const {
    t.h.resize(k.layer.size());
    for (std::size_t l = 0; l < k.layer.size(); ++l) {
      Matrix& h = t.h[l];
      if (l == 0) {
        h.noalias() = cmap(params_, k.layer[0].w, H(), D()) * u;
        if (C() > 0) h.noalias() += cmap(params_, k.context_w, H(), C()) * Cx;
      } else {
        h.noalias() = cmap(params_, k.layer[l].w, H(), H()) * t.h[l - 1];
      }
      h.colwise() += cmap(params_, k.layer[l].a, H(), 1).col(0);
      h = h.array().tanh().matrix();
    }
    mu.noalias() = cmap(params_, k.mu_w, D(), H()) * t.h.back();
    mu.colwise() += cmap(params_, k.mu_a, D(), 1).col(0);
    t.tanh_s.noalias() = cmap(params_, k.s_w, D(), H()) * t.h.back();
    t.tanh_s.colwise() += cmap(params_, k.s_a, D(), 1).col(0);
    const double smax = shape_.max_log_scale;
    t.tanh_s = (t.tanh_s.array() / smax).tanh().matrix();
    t.s = smax * t.tanh_s;
  }

  FlowShape shape_;
  std::vector<Block> blocks_;
  Eigen::Index size_ = 0;
  Vector params_, mask_;
  std::vector<Tape> tapes_;
};

}  // namespace metahebb::inference
