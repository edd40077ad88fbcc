#pragma once
/// The prior of a rule sweep: one distribution per named coordinate of θ (issue 13).
///
///   uniform(a, b):      θ_k = a + (b − a) u,             u ~ U[0, 1)
///   log_uniform(a, b):  θ_k = exp(ln a + (ln b − ln a) u), 0 < a < b (time constants, in s)
///   fixed(v):           θ_k = v
///
/// Rule i of a sweep with seed s draws its θ from the counter-based stream keyed
/// (s, purpose prior_stream, candidate i) and nothing else, so rule i's θ is the same whatever
/// the thread count, the order of work or how the sweep is split. Its simulation seed is
/// `rule_seed(s, i, rules_per_seed)`: rules i and j share an input realisation exactly when
/// ⌊i / rules_per_seed⌋ = ⌊j / rules_per_seed⌋ (1: every rule its own seed).

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "../core/errors.hpp"
#include "../core/random.hpp"

namespace metahebb::sweep {

/// Purposes of the sweep's random streams (keys beyond Purpose::user).
inline constexpr Purpose prior_stream = static_cast<Purpose>(static_cast<std::uint64_t>(Purpose::user) + 13);
inline constexpr Purpose seed_stream = static_cast<Purpose>(static_cast<std::uint64_t>(Purpose::user) + 14);
inline constexpr Purpose proposal_stream = static_cast<Purpose>(static_cast<std::uint64_t>(Purpose::user) + 15);

/// One coordinate of θ and its marginal prior.
struct Coordinate {
  enum class Kind { uniform, log_uniform, fixed };
  std::string name;
  Kind kind = Kind::uniform;
  double lower = 0.0;  ///< fixed: the value
  double upper = 1.0;  ///< fixed: the value

  static Coordinate uniform(std::string name, double a, double b) { return {std::move(name), Kind::uniform, a, b}; }
  static Coordinate log_uniform(std::string name, double a, double b) {
    return {std::move(name), Kind::log_uniform, a, b};
  }
  static Coordinate fixed(std::string name, double value) { return {std::move(name), Kind::fixed, value, value}; }

  static const char* kind_name(Kind k) noexcept {
    return k == Kind::uniform ? "uniform" : k == Kind::log_uniform ? "log_uniform" : "fixed";
  }

  void validate() const {
    require(!name.empty(), "prior coordinate name", "\"\"", "must not be empty");
    const std::string field = "prior." + name;
    switch (kind) {
      case Kind::uniform:
        require(std::isfinite(lower), field + ".lower", lower, "must be finite");
        require(std::isfinite(upper) && upper > lower, field + ".upper", upper,
                "must be finite and > lower = " + metahebb::detail::format_value(lower));
        break;
      case Kind::log_uniform:
        require(std::isfinite(lower) && lower > 0.0, field + ".lower", lower, "must be finite and > 0 (log-uniform)");
        require(std::isfinite(upper) && upper > lower, field + ".upper", upper,
                "must be finite and > lower = " + metahebb::detail::format_value(lower));
        break;
      case Kind::fixed:
        require(std::isfinite(lower) && lower == upper, field + ".value", lower, "must be finite");
        break;
    }
  }
};

/// rule i's simulation seed in a sweep with seed `sweep_seed` (see the header comment).
inline std::uint64_t rule_seed(std::uint64_t sweep_seed, std::uint64_t rule_id, std::uint64_t rules_per_seed = 1) {
  require(rules_per_seed >= 1, "rules_per_seed", rules_per_seed, "must be >= 1");
  RandomStream stream(sweep_seed, seed_stream, 0, rule_id / rules_per_seed);
  return stream();
}

class Prior {
 public:
  explicit Prior(std::vector<Coordinate> coordinates) : coordinates_(std::move(coordinates)) {
    require(!coordinates_.empty(), "prior", "(no coordinates)", "needs at least one coordinate");
    std::set<std::string> seen;
    for (const auto& c : coordinates_) {
      c.validate();
      require(seen.insert(c.name).second, "prior coordinate name", c.name, "appears twice");
    }
  }

  std::size_t size() const noexcept { return coordinates_.size(); }
  const std::vector<Coordinate>& coordinates() const noexcept { return coordinates_; }
  std::vector<std::string> names() const {
    std::vector<std::string> n;
    for (const auto& c : coordinates_) n.push_back(c.name);
    return n;
  }
  /// The support [lower, upper] per coordinate (fixed: lower = upper = the value).
  Eigen::VectorXd lower() const {
    Eigen::VectorXd v(static_cast<Eigen::Index>(size()));
    for (std::size_t k = 0; k < size(); ++k) v[static_cast<Eigen::Index>(k)] = coordinates_[k].lower;
    return v;
  }
  Eigen::VectorXd upper() const {
    Eigen::VectorXd v(static_cast<Eigen::Index>(size()));
    for (std::size_t k = 0; k < size(); ++k) v[static_cast<Eigen::Index>(k)] = coordinates_[k].upper;
    return v;
  }
  bool contains(const Eigen::Ref<const Eigen::VectorXd>& theta) const {
    if (theta.size() != static_cast<Eigen::Index>(size())) return false;
    for (std::size_t k = 0; k < size(); ++k) {
      const double v = theta[static_cast<Eigen::Index>(k)];
      if (!(v >= coordinates_[k].lower && v <= coordinates_[k].upper)) return false;
    }
    return true;
  }

  /// θ of rule `rule_id` in a sweep with seed `seed`: a function of (seed, rule_id) alone.
  Eigen::VectorXd sample(std::uint64_t seed, std::uint64_t rule_id) const {
    RandomStream stream(seed, prior_stream, 0, rule_id);
    Eigen::VectorXd theta(static_cast<Eigen::Index>(size()));
    for (std::size_t k = 0; k < size(); ++k) {
      const auto& c = coordinates_[k];
      const double u = stream.uniform();  // drawn for fixed coordinates too: the others keep their numbers
      double v = c.lower;
      if (c.kind == Coordinate::Kind::uniform) v = c.lower + (c.upper - c.lower) * u;
      if (c.kind == Coordinate::Kind::log_uniform)
        v = std::exp(std::log(c.lower) + (std::log(c.upper) - std::log(c.lower)) * u);
      theta[static_cast<Eigen::Index>(k)] = std::min(std::max(v, c.lower), c.upper);  // rounding stays inside
    }
    return theta;
  }
  /// Rules first, …, first + count − 1 as rows (count × size()).
  Eigen::MatrixXd sample_rows(std::uint64_t seed, std::uint64_t first, std::size_t count) const {
    Eigen::MatrixXd rows(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(size()));
    for (std::size_t i = 0; i < count; ++i) rows.row(static_cast<Eigen::Index>(i)) = sample(seed, first + i).transpose();
    return rows;
  }

  /// The names must be `expected` in this order (a task's parameter_names()).
  void require_names(const std::vector<std::string>& expected) const {
    const auto n = names();
    require(n.size() == expected.size(), "prior size", n.size(),
            "must equal the task's number of parameters (" + std::to_string(expected.size()) + ")");
    for (std::size_t k = 0; k < n.size(); ++k)
      require(n[k] == expected[k], "prior coordinate " + std::to_string(k), n[k],
              "must be the task's parameter \"" + expected[k] + "\"");
  }

 private:
  std::vector<Coordinate> coordinates_;
};

}  // namespace metahebb::sweep
