// Compile-fail case: a loss that cannot score the task's observation is rejected.
#include <Eigen/Core>

#include <metahebb/core/concepts/loss.hpp>

struct Observed {
  double rate = 0;
};

struct Loss {
#ifdef METAHEBB_SHOULD_COMPILE
  double operator()(const Observed& o, const Eigen::VectorXd&) const { return o.rate; }
#else
  double operator()(const Observed& o) const { return o.rate; }  // forgot θ
#endif
};

static_assert(metahebb::check_loss<Loss, Observed>());
