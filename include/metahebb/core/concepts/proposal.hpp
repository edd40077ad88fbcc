#pragma once
/// Proposal: a conditional density q(θ | x) that the filtering rounds fit on every simulation
/// so far and sample conditioned on metric values x* inside the constraints
/// (sweep/rounds.hpp, issue 13). Required members:
///
///   fit(const Eigen::MatrixXd& theta, const Eigen::MatrixXd& x);   // one (θ, x) pair per row
///   sample(const Eigen::VectorXd& x, std::size_t n, std::uint64_t seed) const -> Eigen::MatrixXd
///                                                                  // n × dim θ, inside the prior's support,
///                                                                  // a function of (fit data, x, n, seed)
///
/// Shipped: sweep::KernelProposal (sweep/kernel_proposal.hpp); the conditional flow of
/// inference/ has the same two members (sweep/flow_proposal.hpp). Optional: constrain(constraints),
/// which the rounds call before fit — sweep::PopulationProposal (sweep/population_proposal.hpp)
/// measures the constraint violation itself and ignores x*.

#include <Eigen/Core>
#include <concepts>
#include <cstddef>
#include <cstdint>

namespace metahebb {

template <class P>
concept Proposal = requires(P& p, const P& cp, const Eigen::MatrixXd& theta, const Eigen::MatrixXd& x,
                            const Eigen::VectorXd& x_star, std::size_t n, std::uint64_t seed) {
  p.fit(theta, x);
  { cp.sample(x_star, n, seed) } -> std::convertible_to<Eigen::MatrixXd>;
};

template <class P>
constexpr bool check_proposal() {
  static_assert(requires(P& p, const Eigen::MatrixXd& theta, const Eigen::MatrixXd& x) { p.fit(theta, x); },
                "metahebb: the proposal needs fit(const Eigen::MatrixXd& theta, const Eigen::MatrixXd& x)");
  static_assert(requires(const P& p, const Eigen::VectorXd& x_star, std::size_t n, std::uint64_t seed) {
    { p.sample(x_star, n, seed) } -> std::convertible_to<Eigen::MatrixXd>;
  }, "metahebb: the proposal needs sample(const Eigen::VectorXd& x, std::size_t n, std::uint64_t seed) const "
     "returning an Eigen::MatrixXd of n rows");
  return Proposal<P>;
}

}  // namespace metahebb
