// Compile-fail case: a task without a sweep::TaskMetrics specialisation cannot be swept.
#include <Eigen/Core>
#include <string>
#include <vector>

#include <metahebb/core/concepts/sweep_task.hpp>

struct Observation {
  bool diverged() const { return false; }
};
struct MyTask {
  using observation = Observation;
  std::size_t num_parameters() const { return 1; }
  std::size_t num_datasets() const { return 1; }
  std::vector<std::string> parameter_names() const { return {"a"}; }
  std::vector<Observation> simulate(const Eigen::MatrixXd& t, const metahebb::EvaluationContext&) const {
    return std::vector<Observation>(static_cast<std::size_t>(t.cols()));
  }
};

#ifdef METAHEBB_SHOULD_COMPILE
template <>
struct metahebb::sweep::TaskMetrics<MyTask> {
  static std::vector<std::string> names(const MyTask&) { return {"x"}; }
  static std::size_t rules_per_call(const MyTask&) { return 1; }
  static void simulate(const MyTask&, const Eigen::MatrixXd&, std::uint64_t, double* out) { out[0] = 0; }
};
#endif

static_assert(metahebb::check_sweep_task<MyTask>());
