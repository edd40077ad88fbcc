// A symmetric STDP rule with three coefficients, written once over a lane type T and
// plugged into the unchanged §3.3 task (docs/write-a-rule.md).
#include <metahebb/core/errors.hpp>
#include <metahebb/tasks/inhibitory_balance.hpp>

#include <cmath>
#include <string>
#include <vector>

using namespace metahebb;

// dw/dt = η (α S_pre + A (x_pre S_post + x_post S_pre)), both traces with one time constant τ:
// θ = (alpha, amplitude, tau). Vogels et al. 2011 is α = −2ρ0τ, A = 1.
struct SymmetricStdp {
  static constexpr std::size_t num_coefficients = 3;
  double eta = 1e-2;     // settings of the rule, not searched
  double w_max = 100.0;

  void validate() const {
    require_positive("rule.eta", eta);
    require_positive("rule.w_max", w_max);
  }
  std::vector<std::string> term_names() const { return {"alpha", "amplitude", "tau"}; }
  template <class Scalar>
  bool simulable(const Eigen::VectorXd& theta, double /*dt*/) const {
    return theta.size() == 3 && theta.allFinite() && theta[2] > 0.0 &&
           std::isfinite(static_cast<Scalar>(-1.0 / theta[2]));
  }
  Eigen::VectorXd inert_theta() const { return Eigen::Vector3d(0.0, 0.0, 1.0); }

  template <class T>
  class kernel {  // the rule for the candidates in the lanes of T
   public:
    using scalar = lanes::scalar_t<T>;
    struct pre_trace { T x = T(0); };   // one per synapse, as of its last presynaptic spike
    struct post_trace { T x = T(0); };  // one per postsynaptic neuron

    kernel(const SymmetricStdp& rule, const LaneThetas<T>& theta, double dt)
        : alpha_(theta.gather([](const double* t) { return t[0]; })),
          amplitude_(theta.gather([](const double* t) { return t[1]; })),
          neg_inv_tau_(theta.gather([](const double* t) { return -1.0 / t[2]; })),
          decay_(theta.gather([dt](const double* t) { return std::exp(-dt / t[2]); })),
          eta_(static_cast<scalar>(rule.eta)), w_max_(static_cast<scalar>(rule.w_max)) {}

    void on_pre(T& w, pre_trace& pre, const post_trace& post, const T& elapsed) const noexcept {
      w = lanes::clamp(w + eta_ * (alpha_ + amplitude_ * post.x), T(0), w_max_);
      pre.x = pre.x * lanes::exp(elapsed * neg_inv_tau_) + T(1);  // lazy, exact decay
    }
    T on_post(const T& w, const pre_trace& pre, const post_trace&, const T& elapsed) const noexcept {
      const T x_pre = pre.x * lanes::exp(elapsed * neg_inv_tau_);
      return lanes::clamp(w + eta_ * (amplitude_ * x_pre), T(0), w_max_);
    }
    void post_spiked(post_trace& post, const lanes::mask_t<T>& spiked) const noexcept {
      post.x = lanes::select(spiked, post.x + T(1), post.x);
    }
    void decay(post_trace& post) const noexcept { post.x *= decay_; }

   private:
    T alpha_, amplitude_, neg_inv_tau_, decay_, eta_, w_max_;
  };
};

static_assert(check_event_rule<SymmetricStdp, float>());
static_assert(check_event_rule<SymmetricStdp, xsimd::batch<float>>());

template <class Config>
Config short_protocol() {  // 1 s of training, a 1 s scoring window, one dataset
  Config config;
  config.training_time = 1.0;
  config.scoring_time = 1.0;
  config.window = 1.0;
  config.datasets = 1;
  return config;
}

int main() {
  // The §3.3 task, unchanged, with the conductance-based LIF and this rule.
  using Task = InhibitoryBalance<ConductanceLif, SymmetricStdp>;
  const Task task(short_protocol<Task::config_type>());
  if (task.parameter_names() != std::vector<std::string>{"alpha", "amplitude", "tau"}) return 1;

  Eigen::MatrixXd thetas(3, 3);
  thetas.col(0) << -2 * 5.0 * 0.02, 1.0, 0.02;  // Vogels et al. 2011, ρ0 = 5 Hz, τ = 20 ms
  thetas.col(1) << -0.1, 2.0, 0.01;
  thetas.col(2) << -0.1, 2.0, 0.0;              // τ = 0: cannot be simulated
  const InhibitoryBalanceDataset dataset = task.dataset({.seed = 3});
  const auto lanes = task.simulate(thetas, dataset);
  const auto reference = task.simulate_scalar(thetas, dataset);
  for (int c = 0; c < 3; ++c)  // SIMD lanes equal the scalar path bit for bit
    if (lanes[c].spike_steps != reference[c].spike_steps || lanes[c].w_inh_final != reference[c].w_inh_final)
      return 1;
  if (!lanes[2].exploded || lanes[2].stopped_at_step != 0) return 1;

  // The same semantics as the shipped spike-trace rule with γ = κ = A, β = 0, τ_pre = τ_post = τ:
  // the two rules give the same spikes and weights, bit for bit.
  const InhibitoryBalanceTask lif(short_protocol<InhibitoryBalanceConfig>());
  const auto vogels = lif.simulate(Eigen::MatrixXd(rules::vogels2011(5.0, 0.02)), dataset);
  if (vogels[0].spike_steps != lanes[0].spike_steps || vogels[0].w_inh_final != lanes[0].w_inh_final) return 1;
  return lanes[0].spike_steps.empty();
}
