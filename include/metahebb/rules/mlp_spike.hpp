#pragma once
/// A plasticity rule as a small multilayer perceptron over plasticity factors: the MLP rule
/// family of filter SBI (Confavreux et al., NeurIPS 2023; "T4wvceciMLP" in
/// github.com/VogelsLab/fSBI, fsbi/simulator/cpp_simulators/T4wvceciMLPConnection.h/.cpp,
/// tasks_configs/bg_CVAIF_EEIE_T4wvceciMLP.yaml).
///
/// Four traces, one pair per presynaptic neuron and one per postsynaptic neuron:
///   dx_pre,k/dt = −x_pre,k/τ_pre,k + S_pre,   dx_post,k/dt = −x_post,k/τ_post,k + S_post,
///   τ_pre1 = τ_post1 = 10 ms (fast), τ_pre2 = τ_post2 = 100 ms (slow)   (fSBI rule_cst_part[0:4]).
/// With the postsynaptic neuron's factors V̄, C_exc, C_inh (core/post_factors.hpp, provided by
/// CodependentAif, neurons/codependent_aif.hpp), the inputs are
///   at a presynaptic spike   u = (x_pre2, x_post1, w, V̄, C_exc, C_inh),
///   at a postsynaptic spike  u = (x_pre1, x_post2, w, V̄, C_exc, C_inh),
/// each multiplied by its scale s = (2, 2, 1, 15, 15, 15) (fSBI rescale_trace, rescale_w,
/// rescale_v, rescale_cexc, rescale_cinh: V̄ and C are in volts), and
///   h1 = σ(W1 (s ∘ u))        W1: 50 × 6, no bias      (shared by both heads)
///   h2 = σ(W2 h1)             W2: 4 × 50, no bias
///   Δw = η (a · h2 + b)       (a, b) = the pre head at a presynaptic spike, the post head at a
///                             postsynaptic one: 4 weights and a bias each
///   w ← clip(w + Δw, 0, w_max)
/// with σ(z) = 1/(1 + e^{−z}). W1 and W2 are fixed: drawn once from `hidden_seed` (a
/// counter-based stream, core/random.hpp), uniform in ±1/√6 and ±1/√50 — the ranges of
/// PyTorch's default Linear initialisation, which fit every value of fSBI's rule_cst_part
/// (max |W1| 0.407, max |W2| 0.141). θ is what is searched: (η, pre head 0–3, pre bias,
/// post head 0–3, post bias), 11 coefficients. (fSBI orders a pair of rules
/// [η_EE, η_IE, a_EE, b_EE, a'_EE, b'_EE, a_IE, …]; we keep one rule's θ contiguous.)
///
/// Order of updates (as SpikeTraceRule and T4wvceciMLPConnection::propagate): at a presynaptic
/// spike the conductance gets the old w, then w is updated with the traces as they were just
/// before this spike, then x_pre1, x_pre2 += 1 (presynaptic traces decay lazily: exact); at a
/// postsynaptic spike every incoming synapse is updated, then x_post1, x_post2 += 1; every
/// step the postsynaptic traces decay by e^{−dt/τ}. The factors are those the postsynaptic
/// neuron had after its latest step.
///
/// The kernel runs one synapse per Scalar (SparseSynapses); inside it the 50 hidden units are
/// computed in xsimd batches (padded with zero output weights), with lanes::exp, so the result
/// does not depend on the batch width beyond the order of the sum over hidden units.
/// η = 0 leaves every weight unchanged without evaluating the network.

#include <Eigen/Core>
#include <xsimd/xsimd.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../core/concepts/event_rule.hpp"
#include "../core/errors.hpp"
#include "../core/lane_thetas.hpp"
#include "../core/lanes.hpp"
#include "../core/post_factors.hpp"
#include "../core/random.hpp"

namespace metahebb {

struct MlpSpikeRule {
  static constexpr std::size_t inputs = 6;    ///< (x_pre, x_post, w, V̄, C_exc, C_inh)
  static constexpr std::size_t hidden1 = 50;  ///< fSBI yaml nh1
  static constexpr std::size_t hidden2 = 4;   ///< fSBI yaml nh2
  static constexpr std::size_t head = hidden2 + 1;
  static constexpr std::size_t num_coefficients = 1 + 2 * head;  ///< η, pre head, post head: 11
  enum Index : std::size_t { eta = 0, pre_head = 1, post_head = 1 + head };

  double w_max = 20.0;           ///< weights are clipped to [0, w_max] (fSBI wmax)
  std::uint64_t hidden_seed = 1; ///< the fixed hidden layers W1, W2 are drawn from it
  double tau_pre1 = 10e-3;       ///< s
  double tau_pre2 = 100e-3;      ///< s
  double tau_post1 = 10e-3;      ///< s
  double tau_post2 = 100e-3;     ///< s
  std::array<double, inputs> input_scale{2.0, 2.0, 1.0, 15.0, 15.0, 15.0};  ///< s (fSBI rescale_*)

  void validate() const {
    require_positive("rule.w_max", w_max);
    require_positive("rule.tau_pre1", tau_pre1);
    require_positive("rule.tau_pre2", tau_pre2);
    require_positive("rule.tau_post1", tau_post1);
    require_positive("rule.tau_post2", tau_post2);
    for (std::size_t k = 0; k < inputs; ++k)
      require(std::isfinite(input_scale[k]), "rule.input_scale[" + std::to_string(k) + "]", input_scale[k],
              "must be finite");
  }

  std::vector<std::string> term_names() const {
    std::vector<std::string> names{"eta"};
    for (const char* side : {"pre", "post"}) {
      for (std::size_t m = 0; m < hidden2; ++m) names.push_back(std::string(side) + " head " + std::to_string(m));
      names.push_back(std::string(side) + " bias");
    }
    return names;
  }

  /// θ has 11 entries, all finite in Scalar.
  template <class Scalar>
  bool simulable(const Eigen::VectorXd& theta, double /*dt*/) const {
    if (theta.size() != static_cast<Eigen::Index>(num_coefficients)) return false;
    for (Eigen::Index k = 0; k < theta.size(); ++k)
      if (!std::isfinite(static_cast<Scalar>(theta[k]))) return false;
    return true;
  }
  /// η = 0 and zero heads: no plasticity.
  Eigen::VectorXd inert_theta() const { return Eigen::VectorXd::Zero(num_coefficients); }

  /// The fixed hidden layers, row-major: w1[i][k] (hidden unit i, input k), w2[m][i].
  struct HiddenLayers {
    std::array<std::array<double, inputs>, hidden1> w1;
    std::array<std::array<double, hidden1>, hidden2> w2;
  };
  /// W1 then W2, row by row, uniform in ±1/√6 and ±1/√50, from the stream (hidden_seed,
  /// Purpose::initial_weights, generation 0, candidate 0x6d6c70 ("mlp"), dataset 0).
  HiddenLayers hidden_layers() const {
    RandomStream stream(hidden_seed, Purpose::initial_weights, 0, 0x6d6c70, 0);
    HiddenLayers h{};
    const double r1 = 1.0 / std::sqrt(static_cast<double>(inputs)), r2 = 1.0 / std::sqrt(static_cast<double>(hidden1));
    for (auto& row : h.w1)
      for (double& v : row) v = stream.uniform(-r1, r1);
    for (auto& row : h.w2)
      for (double& v : row) v = stream.uniform(-r2, r2);
    return h;
  }

  /// kernel<T> for T = float or double (one synapse per scalar, as SparseSynapses runs it); the
  /// hidden units fill the SIMD lanes of xsimd::batch<T>.
  template <class T>
  class kernel {
   public:
    using scalar = T;
    using post_factors = PostFactors<T>;
    struct pre_trace {
      T x1 = T(0), x2 = T(0);  ///< x_pre1, x_pre2 as of this synapse's last presynaptic spike
    };
    struct post_trace {
      T x1 = T(0), x2 = T(0);  ///< x_post1, x_post2
    };

    kernel(const MlpSpikeRule& rule, const LaneThetas<T>& theta, double dt)
        : eta_(theta.gather([](const double* t) { return t[MlpSpikeRule::eta]; })),
          neg_inv_tau_pre1_(static_cast<T>(-1.0 / rule.tau_pre1)),
          neg_inv_tau_pre2_(static_cast<T>(-1.0 / rule.tau_pre2)),
          decay_post1_(static_cast<T>(std::exp(-dt / rule.tau_post1))),
          decay_post2_(static_cast<T>(std::exp(-dt / rule.tau_post2))),
          w_max_(static_cast<T>(rule.w_max)) {
      for (std::size_t m = 0; m < head; ++m) {
        pre_head_[m] = theta.gather([m](const double* t) { return t[MlpSpikeRule::pre_head + m]; });
        post_head_[m] = theta.gather([m](const double* t) { return t[MlpSpikeRule::post_head + m]; });
      }
      const HiddenLayers h = rule.hidden_layers();
      w1_ = {};
      w2_ = {};
      for (std::size_t i = 0; i < hidden1; ++i) {
        for (std::size_t k = 0; k < inputs; ++k) w1_[k * padded + i] = static_cast<T>(h.w1[i][k] * rule.input_scale[k]);
        for (std::size_t m = 0; m < hidden2; ++m) w2_[m * padded + i] = static_cast<T>(h.w2[m][i]);
      }
    }

    /// Presynaptic spike, `elapsed` s after this synapse's previous one.
    void on_pre(T& w, pre_trace& pre, const post_trace& post, const T& elapsed, const post_factors& f) const noexcept {
      const T x_pre1 = pre.x1 * lanes::exp(elapsed * neg_inv_tau_pre1_);
      const T x_pre2 = pre.x2 * lanes::exp(elapsed * neg_inv_tau_pre2_);
      if (eta_ != T(0))
        w = lanes::clamp(w + eta_ * forward(pre_head_, {x_pre2, post.x1, w, f.v_trace, f.c_exc, f.c_inh}), T(0), w_max_);
      pre.x1 = x_pre1 + T(1);
      pre.x2 = x_pre2 + T(1);
    }
    /// Postsynaptic spike: the new weight of a synapse whose last presynaptic spike was `elapsed` s ago.
    T on_post(const T& w, const pre_trace& pre, const post_trace& post, const T& elapsed,
              const post_factors& f) const noexcept {
      if (eta_ == T(0)) return w;
      const T x_pre1 = pre.x1 * lanes::exp(elapsed * neg_inv_tau_pre1_);
      return lanes::clamp(w + eta_ * forward(post_head_, {x_pre1, post.x2, w, f.v_trace, f.c_exc, f.c_inh}), T(0),
                          w_max_);
    }
    void post_spiked(post_trace& post, bool spiked) const noexcept {
      if (spiked) post.x1 += T(1), post.x2 += T(1);
    }
    void decay(post_trace& post) const noexcept {
      post.x1 = lanes::flush_subnormal(post.x1 * decay_post1_);
      post.x2 = lanes::flush_subnormal(post.x2 * decay_post2_);
    }

    /// The pre head's output a · h2 + b for unscaled inputs u (Δw = η times it).
    T forward_pre(const std::array<T, inputs>& u) const noexcept { return forward(pre_head_, u); }
    /// The post head's output.
    T forward_post(const std::array<T, inputs>& u) const noexcept { return forward(post_head_, u); }

   private:
    using batch = xsimd::batch<lanes::scalar_t<T>>;  // (kernel<batch> is a valid type but has no use)
    static constexpr std::size_t width = batch::size;
    static constexpr std::size_t blocks = (hidden1 + width - 1) / width;
    static constexpr std::size_t padded = blocks * width;

    template <class V>
    static V sigmoid(const V& z) noexcept {  // stable on both sides: e^{−|z|} ≤ 1
      const V e = lanes::exp(lanes::select(z > V(0), -z, z));
      const V one_plus = V(1) + e;
      return lanes::select(z > V(0), V(1) / one_plus, e / one_plus);
    }

    T forward(const std::array<T, head>& out, const std::array<T, inputs>& u) const noexcept {
      std::array<batch, hidden2> acc;
      acc.fill(batch(T(0)));
      for (std::size_t b = 0; b < blocks; ++b) {
        batch z = batch::load_aligned(&w1_[b * width]) * batch(u[0]);
        for (std::size_t k = 1; k < inputs; ++k) z = z + batch::load_aligned(&w1_[k * padded + b * width]) * batch(u[k]);
        const batch h = sigmoid(z);
        for (std::size_t m = 0; m < hidden2; ++m) acc[m] = acc[m] + h * batch::load_aligned(&w2_[m * padded + b * width]);
      }
      T dw = T(0);
      for (std::size_t m = 0; m < hidden2; ++m) dw = dw + sigmoid(xsimd::hadd(acc[m])) * out[m];
      return dw + out[hidden2];
    }

    alignas(64) std::array<T, inputs * padded> w1_;   // w1_[k · padded + i] = W1[i][k] s_k; padding 0
    alignas(64) std::array<T, hidden2 * padded> w2_;  // w2_[m · padded + i] = W2[m][i]; padding 0
    std::array<T, head> pre_head_{}, post_head_{};
    T eta_, neg_inv_tau_pre1_, neg_inv_tau_pre2_, decay_post1_, decay_post2_, w_max_;
  };
};

static_assert(check_event_rule<MlpSpikeRule, float>());
static_assert(check_event_rule<MlpSpikeRule, double>());

}  // namespace metahebb
