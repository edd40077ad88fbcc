// Compile-fail case: an optimiser without tell() must be rejected with
// "metahebb: the optimiser needs tell(...)". With -DMETAHEBB_SHOULD_COMPILE the
// same file defines tell() and must compile (see tests/CMakeLists.txt).

#include <Eigen/Core>
#include <cstddef>

#include <metahebb/core/concepts/optimiser.hpp>

struct Fake {
  Eigen::MatrixXd population = Eigen::MatrixXd::Zero(2, 4);

  const Eigen::MatrixXd& ask() { return population; }
#ifdef METAHEBB_SHOULD_COMPILE
  void tell(const Eigen::VectorXd&) {}
#endif
  metahebb::Status status() const { return {}; }
  Eigen::VectorXd mean() const { return Eigen::VectorXd::Zero(2); }
  double step_size() const { return 1.0; }
  std::size_t dimension() const { return 2; }
  std::size_t population_size() const { return 4; }
  std::size_t generation() const { return 0; }
};

static_assert(metahebb::check_optimiser<Fake>());
