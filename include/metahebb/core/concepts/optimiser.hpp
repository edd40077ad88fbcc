#pragma once
/// Optimiser policy: ask/tell over a population of rule coefficients θ.
///
/// `ask()` returns the population as a (dimension × population_size) matrix, one
/// candidate θ per column; `tell(losses)` receives one loss per column. Losses may be
/// NaN or infinite: an optimiser must rank them last and keep a finite state.

#include <Eigen/Core>
#include <concepts>
#include <cstddef>

#include "../status.hpp"

namespace metahebb {

template <class O>
concept Optimiser = requires(O& o, const O& co, const Eigen::VectorXd& losses) {
  { o.ask() } -> std::convertible_to<const Eigen::MatrixXd&>;
  o.tell(losses);
  { co.status() } -> std::convertible_to<Status>;
  { co.mean() } -> std::convertible_to<Eigen::VectorXd>;
  { co.step_size() } -> std::convertible_to<double>;
  { co.dimension() } -> std::convertible_to<std::size_t>;
  { co.population_size() } -> std::convertible_to<std::size_t>;
  { co.generation() } -> std::convertible_to<std::size_t>;
};

}  // namespace metahebb

namespace metahebb {

/// Entry-point check: one readable diagnostic per missing member (see docs/architecture.md).
template <class O>
constexpr bool check_optimiser() {
  static_assert(requires(O& o) { { o.ask() } -> std::convertible_to<const Eigen::MatrixXd&>; },
                "metahebb: the optimiser needs ask() returning the population as an Eigen::MatrixXd "
                "(one candidate theta per column)");
  static_assert(requires(O& o, const Eigen::VectorXd& l) { o.tell(l); },
                "metahebb: the optimiser needs tell(const Eigen::VectorXd& losses)");
  static_assert(requires(const O& o) { { o.status() } -> std::convertible_to<Status>; },
                "metahebb: the optimiser needs status() returning metahebb::Status");
  static_assert(requires(const O& o) { { o.mean() } -> std::convertible_to<Eigen::VectorXd>; },
                "metahebb: the optimiser needs mean() returning its current centre theta");
  static_assert(requires(const O& o) { { o.step_size() } -> std::convertible_to<double>; },
                "metahebb: the optimiser needs step_size() (sigma for CMA-ES, the learning rate for Adam)");
  static_assert(requires(const O& o) {
    { o.dimension() } -> std::convertible_to<std::size_t>;
    { o.population_size() } -> std::convertible_to<std::size_t>;
    { o.generation() } -> std::convertible_to<std::size_t>;
  }, "metahebb: the optimiser needs dimension(), population_size() and generation()");
  return Optimiser<O>;
}

}  // namespace metahebb
