// Two losses written against observation concepts, not tasks: one over any RateObservation,
// one over weight observations; both use the library's divergence penalty (docs/write-a-loss.md).
#include <metahebb/core/concepts/loss.hpp>
#include <metahebb/core/concepts/observation.hpp>
#include <metahebb/core/errors.hpp>
#include <metahebb/evaluate.hpp>
#include <metahebb/losses/divergence_penalty.hpp>
#include <metahebb/losses/l1_penalty.hpp>
#include <metahebb/losses/sum.hpp>
#include <metahebb/observations/principal_vectors.hpp>
#include <metahebb/tasks/inhibitory_balance.hpp>

#include <algorithm>
#include <cmath>

using namespace metahebb;

// Zero for a rate inside [low, high] Hz, the squared distance to the band outside it.
struct RateBand {
  double low_hz, high_hz;

  explicit RateBand(double low = 3.0, double high = 7.0) : low_hz(low), high_hz(high) {
    require_non_negative("rate_band.low", low_hz);
    require(std::isfinite(high_hz) && high_hz >= low_hz, "rate_band.high", high_hz, "must be >= rate_band.low");
  }
  double distance(double rate) const {
    return rate < low_hz ? (low_hz - rate) * (low_hz - rate) : rate > high_hz ? (rate - high_hz) * (rate - high_hz) : 0.0;
  }

  template <RateObservation O>
  double operator()(const O& o, const Eigen::VectorXd& /*theta*/) const {
    // cap: the worst loss of a rate the task lets run, in [0, max_rate]
    const double cap = std::max(distance(0.0), distance(o.max_rate_hz));
    if (o.diverged()) return divergence_penalty(cap, o.stopped_at_step, o.steps);
    const double loss = distance(o.rate_hz);
    return std::isfinite(loss) ? std::min(loss, cap) : 2.0 * cap;
  }
};
static_assert(check_loss<RateBand, SpikingRateObservation>());

// Each output's weight vector should have unit length: Σ_i min((|w_i| − 1)², cap).
struct UnitNorm {
  double cap = 10.0;

  template <WeightsObservation O>
    requires requires(const O& o) { o.weights.col(0).norm(); }
  double operator()(const O& o, const Eigen::VectorXd& /*theta*/) const {
    const auto outputs = static_cast<double>(o.weights.cols());
    if (o.diverged()) return divergence_penalty(outputs * cap, o.diverged_at_step, o.steps);
    double sum = 0.0;
    for (Eigen::Index i = 0; i < o.weights.cols(); ++i) {
      const double d = o.weights.col(i).norm() - 1.0;
      sum += std::isfinite(d) ? std::min(d * d, cap) : 2.0 * cap;
    }
    return sum;
  }
};
static_assert(check_loss<UnitNorm, PrincipalVectorObservation>());   // one output (§3.1)
static_assert(check_loss<UnitNorm, PrincipalVectorsObservation>());  // M outputs (§3.2)

int main() {
  const RateBand band;
  const Eigen::VectorXd theta;
  SpikingRateObservation o;
  o.max_rate_hz = 50.0;
  o.steps = 1000;
  o.rate_hz = 5.0;
  if (band(o, theta) != 0.0) return 1;
  o.rate_hz = 10.0;
  if (band(o, theta) != 9.0) return 1;

  // Diverged: worse than every bounded rate, and worse the earlier it happened.
  const double cap = band.distance(50.0);
  o.exploded = true;
  o.stopped_at_step = 500;
  const double late = band(o, theta);
  o.stopped_at_step = 0;
  const double at_once = band(o, theta);
  if (late != 1.5 * cap || at_once != 2.0 * cap) return 1;

  PrincipalVectorObservation w;
  w.weights = Eigen::Vector2d(0.6, 0.8);
  w.steps = 100;
  if (std::abs(UnitNorm()(w, theta)) > 1e-15) return 1;
  w.diverged_at_step = 50;
  if (UnitNorm()(w, theta) != 15.0) return 1;

  // On the §3.3 task, summed with an L1 penalty on θ, scored by evaluate() (1 s + 1 s protocol).
  InhibitoryBalanceConfig config;
  config.training_time = 1.0;
  config.scoring_time = 1.0;
  config.window = 1.0;
  config.datasets = 1;
  Eigen::MatrixXd thetas(6, 2);
  thetas.col(0) = rules::vogels2011(5.0, 0.02);
  thetas.col(1) << -1, 4, 0, 0, 0.02, -0.02;  // τ_post < 0: diverged at step 0
  const Evaluation e = evaluate(InhibitoryBalanceTask(config), Sum(RateBand(), L1Penalty(0.01)), thetas, {.seed = 5});
  if (!std::isfinite(e.losses[0]) || e.diverged != 1) return 1;
  return e.losses[1] >= 2.0 * band.distance(config.max_rate) ? 0 : 1;
}
