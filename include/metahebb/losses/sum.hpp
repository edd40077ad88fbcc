#pragma once
/// Sum of losses: `Sum{PrincipalVectorDistance{}, L1Penalty{0.03}}`.

#include <Eigen/Core>
#include <tuple>

namespace metahebb {

template <class... Losses>
struct Sum {
  std::tuple<Losses...> parts;

  explicit Sum(Losses... losses) : parts(std::move(losses)...) {}

  template <class Observation>
  double operator()(const Observation& o, const Eigen::VectorXd& theta) const {
    return std::apply([&](const auto&... loss) { return (0.0 + ... + static_cast<double>(loss(o, theta))); }, parts);
  }
};

}  // namespace metahebb
