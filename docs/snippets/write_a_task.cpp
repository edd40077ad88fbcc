// A tiny task satisfying the Task concept, scored with evaluate() and searched with CMA-ES
// by the MetaLearner (docs/write-a-task.md).
#include <metahebb/callbacks/history.hpp>
#include <metahebb/core/concepts/task.hpp>
#include <metahebb/core/errors.hpp>
#include <metahebb/core/random.hpp>
#include <metahebb/evaluate.hpp>
#include <metahebb/execution/threads.hpp>
#include <metahebb/losses/divergence_penalty.hpp>
#include <metahebb/meta_learner.hpp>
#include <metahebb/optim/cmaes.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

using namespace metahebb;

// A linear rate neuron y = w x, x ~ N(0, 1), learns with Δw = η (θ0 x y + θ1 w + θ2).
// Where does w end up after `steps` updates?
struct WeightDriftConfig {
  std::size_t steps = 200;
  std::size_t datasets = 4;
  double eta = 0.05;
  double weight_bound = 1e3;  // |w| above it counts as divergence

  void validate() const {  // errors name the field and the value
    require_count("steps", static_cast<long long>(steps), 1, 100000000);
    require_count("datasets", static_cast<long long>(datasets), 1, 1000000);
    require_positive("eta", eta);
    require_positive("weight_bound", weight_bound);
  }
};

// What the task reports per candidate and dataset: it satisfies WeightsObservation.
struct WeightObservation {
  double weight = 0.0;
  std::size_t diverged_at_step = 0;  // 0: never
  std::size_t steps = 0;
  bool diverged() const noexcept { return diverged_at_step != 0; }
};
static_assert(WeightsObservation<WeightObservation>);

class WeightDriftTask {
 public:
  using observation = WeightObservation;

  explicit WeightDriftTask(WeightDriftConfig config = {}) : config_(config) { config_.validate(); }

  std::size_t num_parameters() const noexcept { return 3; }
  std::size_t num_datasets() const noexcept { return config_.datasets; }
  std::vector<std::string> parameter_names() const { return {"x y", "w", "1"}; }

  // Every candidate (a column of thetas) learns on the same inputs: the stream is keyed by
  // (seed, generation, dataset) alone, never by the candidate or the thread.
  std::vector<observation> simulate(const Eigen::MatrixXd& thetas, const EvaluationContext& ctx) const {
    RandomStream stream(ctx.seed, Purpose::dataset, ctx.generation, 0, ctx.dataset);
    std::vector<double> x(config_.steps);
    for (double& value : x) value = stream.normal();

    std::vector<observation> out(static_cast<std::size_t>(thetas.cols()));
    for (Eigen::Index c = 0; c < thetas.cols(); ++c) {
      observation& o = out[static_cast<std::size_t>(c)];
      o.steps = config_.steps;
      double w = 0.1;
      for (std::size_t t = 0; t < config_.steps; ++t) {
        const double y = w * x[t];
        w += config_.eta * (thetas(0, c) * x[t] * y + thetas(1, c) * w + thetas(2, c));
        if (!(std::abs(w) <= config_.weight_bound)) {  // also catches NaN
          o.diverged_at_step = t + 1;
          w = 0.0;
          break;
        }
      }
      o.weight = w;
    }
    return out;
  }

 private:
  WeightDriftConfig config_;
};
static_assert(check_task<WeightDriftTask>());

// The loss: squared distance to a target weight, capped; a diverged candidate gets the
// library's divergence penalty, worse than any bounded one.
struct TargetWeight {
  double target = 1.0, cap = 10.0;
  double operator()(const WeightObservation& o, const Eigen::VectorXd& /*theta*/) const {
    if (o.diverged()) return divergence_penalty(cap, o.diverged_at_step, o.steps);
    return std::min((o.weight - target) * (o.weight - target), cap);
  }
};

int main() {
  try {  // a bad setting is refused before any work, naming the field
    WeightDriftTask bad({.steps = 0});
    return 1;
  } catch (const invalid_configuration& e) {
    if (e.field() != "steps") return 1;
  }

  const WeightDriftTask task;
  Eigen::MatrixXd thetas(3, 2);
  thetas.col(0) << -0.5, -0.5, 1.0;  // mean drift θ0 w + θ1 w + θ2 = 0 at w = 1
  thetas.col(1) << 5.0, 5.0, 0.0;    // w grows without bound

  // Held-out scoring needs no optimiser: losses are means over the task's datasets.
  const Evaluation e = evaluate(task, TargetWeight(), thetas, {.seed = 1});
  if (!(e.losses[0] < 0.01) || e.losses[1] < TargetWeight().cap) return 1;
  if (e.diverged != task.num_datasets()) return 1;  // candidate 1 diverged on every dataset

  // The same numbers, bit for bit, with the datasets spread over two threads.
  const Evaluation threaded = evaluate(task, TargetWeight(), thetas, {.seed = 1}, ThreadExecutor(2));
  if (threaded.per_dataset != e.per_dataset) return 1;

  // A search: CMA-ES from θ = 0 (w stays at 0.1, loss 0.81), 40 generations.
  MetaLearner learner(task, TargetWeight(), Cmaes(Eigen::VectorXd::Zero(3), {.sigma0 = 0.3, .seed = 1}),
                      SerialExecutor(), {.seed = 1, .max_generations = 40});
  callbacks::History history;
  const RunResult result = learner.run(history);
  if (history.entries().size() != 40) return 1;
  // Held out (datasets of another seed), the final mean θ scores below 0.01 (w about 1 ± 0.1).
  return evaluate(task, TargetWeight(), result.final_theta, {.seed = 99}).losses[0] < 0.01 ? 0 : 1;
}
