// Compile-fail case: a proposal without sample(x, n, seed) is rejected by name.
#include <Eigen/Core>
#include <cstdint>

#include <metahebb/core/concepts/proposal.hpp>

struct Proposal {
  void fit(const Eigen::MatrixXd&, const Eigen::MatrixXd&) {}
#ifdef METAHEBB_SHOULD_COMPILE
  Eigen::MatrixXd sample(const Eigen::VectorXd&, std::size_t n, std::uint64_t) const { return Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n), 1); }
#endif
};

static_assert(metahebb::check_proposal<Proposal>());
