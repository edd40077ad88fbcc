// A search composed from policies: the §3.3 task, the target-rate loss, CMA-ES with a
// scaling and bounds policy, an executor and callbacks (docs/architecture.md).
#include <metahebb/callbacks/early_stop.hpp>
#include <metahebb/callbacks/history.hpp>
#include <metahebb/core/concepts/checkpointable.hpp>
#include <metahebb/execution/threads.hpp>
#include <metahebb/losses/target_rate.hpp>
#include <metahebb/meta_learner.hpp>
#include <metahebb/optim/cmaes.hpp>
#include <metahebb/tasks/inhibitory_balance.hpp>

using namespace metahebb;

// A callback is any object with the optional hooks; this one checks what the task was given.
struct InsideBounds {
  Eigen::VectorXd lower, upper;
  bool ok = true;
  void on_generation(const GenerationReport& r) {
    for (Eigen::Index k = 0; k < r.thetas.cols(); ++k)
      ok = ok && (r.thetas.col(k).array() >= lower.array()).all() && (r.thetas.col(k).array() <= upper.array()).all();
  }
};

using ScaledCmaes = BasicCmaes<ScaledBoxTransformation>;
static_assert(check_checkpointable<ScaledCmaes>());  // callbacks::Checkpoint can save and resume it

int main() {
  InhibitoryBalanceConfig config;  // a short protocol: 1 s of training, a 1 s scoring window
  config.training_time = 1.0;
  config.scoring_time = 1.0;
  config.window = 1.0;
  config.datasets = 2;
  const InhibitoryBalanceTask task(config);

  // α ≤ 0, β ≥ 0, τ in [1 ms, 1 s]; CMA-ES searches θ / scale and reflects samples into the box.
  const auto [lower, upper] = InhibitoryBalanceTask::parameter_bounds(true);
  Eigen::VectorXd scale(6), theta0(6);
  scale << 0.2, 0.2, 1.0, 1.0, 0.01, 0.01;
  theta0 << -0.2, 0.2, 1.0, 1.0, 0.02, 0.02;
  ScaledCmaes cmaes(theta0, {.sigma0 = 0.5, .population_size = 8, .seed = 1},
                    ScaledBoxTransformation(scale, lower, upper));
  if (ScaledCmaes::kind() != "cmaes+scaled_box") return 1;

  MetaLearner learner(task, TargetRate(5.0), cmaes, ThreadExecutor(2), {.seed = 1, .max_generations = 3});
  callbacks::History history;
  callbacks::EarlyStop plateau(50);
  InsideBounds bounds{lower, upper};
  const RunResult result = learner.run(history, plateau, bounds);

  return bounds.ok && result.generations == 3 && history.entries().size() == 3 &&
                 result.simulations == 3 * 8 * config.datasets && std::isfinite(result.best_loss)
             ? 0
             : 1;
}
