// A quadratic integrate-and-fire neuron with the LIF's conductance synapses, written once
// over a lane type T and plugged into the unchanged §3.3 task (docs/write-a-neuron.md).
#include <metahebb/core/errors.hpp>
#include <metahebb/tasks/inhibitory_balance.hpp>

#include <cmath>
#include <string_view>

using namespace metahebb;

// τ_m dV/dt = −(V − V_rest) + (V − V_rest)² / (V_c − V_rest) − g_E (V − E_E) − g_I (V − E_I)
// Below V_c the neuron relaxes to V_rest; above V_c it runs away, and a spike is cut at V_peak.
struct QuadraticIfParameters {
  double tau_m = 20e-3, v_rest = -60e-3, v_critical = -50e-3, v_peak = -40e-3, v_reset = -60e-3;
  double tau_ref = 5e-3, e_exc = 0.0, e_inh = -80e-3, tau_exc = 5e-3, tau_inh = 10e-3;
  double g_exc_bar = 0.014, g_inh_bar = 0.035;  // jump per unit weight (units of g_leak)
  double dt = 1e-4;

  void validate() const {  // errors name the field and the value
    require_positive("neuron.tau_m", tau_m);
    require_positive("neuron.tau_exc", tau_exc);
    require_positive("neuron.tau_inh", tau_inh);
    require_positive("neuron.dt", dt);
    require(dt < tau_ref, "neuron.dt", dt, "must be < tau_ref");
    require(v_rest < v_critical && v_critical < v_peak, "neuron.v_critical", v_critical,
            "must lie in (v_rest, v_peak)");
    require(v_reset < v_critical, "neuron.v_reset", v_reset, "must be < v_critical");
  }
};

template <class T>
class QuadraticIf {
 public:
  using scalar = lanes::scalar_t<T>;
  using mask = lanes::mask_t<T>;
  using parameters_type = QuadraticIfParameters;
  struct state_type {
    T v, g_exc, g_inh, refractory;  // v, g_exc and g_inh are what synapse groups use
  };

  static constexpr std::string_view name() noexcept { return "conductance-based quadratic IF"; }

  explicit QuadraticIf(const QuadraticIfParameters& p)
      : v_rest_(static_cast<scalar>(p.v_rest)), inv_width_(static_cast<scalar>(1.0 / (p.v_critical - p.v_rest))),
        v_peak_(static_cast<scalar>(p.v_peak)), v_reset_(static_cast<scalar>(p.v_reset)),
        e_exc_(static_cast<scalar>(p.e_exc)), e_inh_(static_cast<scalar>(p.e_inh)),
        minus_dt_over_tau_m_(static_cast<scalar>(-p.dt / p.tau_m)),
        decay_exc_(static_cast<scalar>(std::exp(-p.dt / p.tau_exc))),
        decay_inh_(static_cast<scalar>(std::exp(-p.dt / p.tau_inh))),
        refractory_steps_(static_cast<scalar>(std::lround(p.tau_ref / p.dt))) {
    p.validate();
  }

  state_type resting() const noexcept { return {T(v_rest_), T(0), T(0), T(0)}; }

  // One dt: the conductances (this step's jumps already added) and the quadratic term are held,
  // V relaxes exactly towards V_inf; then threshold, reset, refractory clamp, conductance decay.
  // Only +, −, ×, ÷ and lanes:: functions: a SIMD lane gives the scalar path's bits.
  mask step(state_type& s) const noexcept {
    const T d = s.v - T(v_rest_);
    const T g_total = (T(1) + s.g_exc) + s.g_inh;
    const T v_inf = ((T(v_rest_) + d * d * T(inv_width_)) + s.g_exc * T(e_exc_) + s.g_inh * T(e_inh_)) / g_total;
    const T v_free = v_inf + (s.v - v_inf) * lanes::exp(g_total * T(minus_dt_over_tau_m_));
    const mask clamped = s.refractory > T(0);
    s.refractory = lanes::select(clamped, s.refractory - T(1), s.refractory);
    const mask spiked = lanes::and_not(v_free >= T(v_peak_), clamped);
    s.v = lanes::select(lanes::either(clamped, spiked), T(v_reset_), v_free);
    s.refractory = lanes::select(spiked, T(refractory_steps_), s.refractory);
    s.g_exc *= T(decay_exc_);
    s.g_inh *= T(decay_inh_);
    return spiked;
  }

 private:
  scalar v_rest_, inv_width_, v_peak_, v_reset_, e_exc_, e_inh_;
  scalar minus_dt_over_tau_m_, decay_exc_, decay_inh_, refractory_steps_;
};

static_assert(check_spiking_neuron_model<QuadraticIf<float>>());
static_assert(check_spiking_neuron_model<QuadraticIf<xsimd::batch<float>>>());

int main() {
  // A bad setting is refused before any work, naming the field.
  QuadraticIfParameters bad;
  bad.v_critical = -70e-3;
  try {
    (void)QuadraticIf<float>(bad);
    return 1;
  } catch (const invalid_configuration& e) {
    if (e.field() != "neuron.v_critical") return 1;
  }

  // The §3.3 task, unchanged, with this neuron and the spike-trace rule; 2 s of protocol.
  using Task = InhibitoryBalance<QuadraticIf, SpikeTraceRule>;
  Task::config_type config;
  config.training_time = 1.0;
  config.scoring_time = 1.0;
  config.window = 1.0;
  config.datasets = 1;
  const Task task(config);

  Eigen::MatrixXd thetas(6, 3);
  thetas.col(0) = rules::vogels2011(5.0, 0.02);
  thetas.col(1) = rules::vogels2011(10.0, 0.02);
  thetas.col(2) << -1, 4, 0, 0, -0.02, 0.02;  // τ_pre < 0: cannot be simulated
  const InhibitoryBalanceDataset dataset = task.dataset({.seed = 7});
  const auto lanes = task.simulate(thetas, dataset);            // 16 candidates per SIMD block
  const auto reference = task.simulate_scalar(thetas, dataset);  // one at a time, plain float

  for (int c = 0; c < 3; ++c)  // bit for bit the same spikes and weights
    if (lanes[c].spike_steps != reference[c].spike_steps || lanes[c].w_inh_final != reference[c].w_inh_final)
      return 1;
  if (lanes[0].exploded || lanes[0].spike_steps.empty() || !(lanes[0].rate_hz < config.max_rate)) return 1;
  if (!lanes[2].exploded || lanes[2].stopped_at_step != 0) return 1;  // diverged at once
  return 0;
}
