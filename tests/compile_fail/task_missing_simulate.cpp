// Compile-fail case: a task without simulate(thetas, context) is rejected by name.
#include <string>
#include <vector>

#include <metahebb/core/concepts/task.hpp>

struct Observed {
  bool diverged() const { return false; }
};

struct Task {
  using observation = Observed;
  std::size_t num_parameters() const { return 2; }
  std::size_t num_datasets() const { return 1; }
  std::vector<std::string> parameter_names() const { return {"a", "b"}; }
#ifdef METAHEBB_SHOULD_COMPILE
  std::vector<Observed> simulate(const Eigen::MatrixXd& thetas, const metahebb::EvaluationContext&) const {
    return std::vector<Observed>(static_cast<std::size_t>(thetas.cols()));
  }
#endif
};

static_assert(metahebb::check_task<Task>());
