#pragma once
/// Several plastic synapse groups, each with its own rule basis and learning rate.
///
/// θ is the concatenation of the groups' coefficients, in declaration order; every
/// coefficient is named "<group>: <term>" (e.g. "lateral: x^1 y^1 w^0"), so reports and
/// CSV columns speak per group, and `slice(theta, "lateral")` gives one group's part.
/// A PlasticGroups is itself a RuleBasis. `BasicPlasticGroups<Rule>` holds groups whose
/// rules are any RateRule (core/concepts/rate_rule.hpp); `PlasticGroups` is the Volterra case.

#include <Eigen/Core>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "../core/concepts/rule_basis.hpp"
#include "../core/errors.hpp"
#include "volterra.hpp"

namespace metahebb {

template <class Rule>
struct BasicPlasticGroup {
  std::string name;  ///< e.g. "feedforward", "lateral"
  Rule basis;        ///< the rule's terms for this group
  double eta;        ///< the group's learning rate
};

template <class Rule>
class BasicPlasticGroups {
 public:
  using PlasticGroup = BasicPlasticGroup<Rule>;

  explicit BasicPlasticGroups(std::vector<PlasticGroup> groups) : groups_(std::move(groups)) {
    require(!groups_.empty(), "plastic groups", groups_.size(), "need at least one group");
    std::size_t offset = 0;
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      require(!groups_[g].name.empty(), "plastic group " + std::to_string(g) + " name", "\"\"", "must not be empty");
      for (std::size_t h = 0; h < g; ++h)
        require(groups_[h].name != groups_[g].name, "plastic group name", groups_[g].name, "must be unique");
      require_positive("eta of plastic group " + groups_[g].name, groups_[g].eta);
      offsets_.push_back(offset);
      offset += groups_[g].basis.size();
    }
    size_ = offset;
  }

  std::size_t size() const noexcept { return size_; }
  std::size_t num_groups() const noexcept { return groups_.size(); }
  const PlasticGroup& group(std::size_t g) const { return groups_.at(g); }
  const PlasticGroup& group(const std::string& name) const { return groups_[index(name)]; }
  std::size_t offset(std::size_t g) const { return offsets_.at(g); }

  /// Position of the group called `name`; throws if there is none.
  std::size_t index(const std::string& name) const {
    for (std::size_t g = 0; g < groups_.size(); ++g)
      if (groups_[g].name == name) return g;
    throw invalid_configuration("plastic group", name, "no group has this name");
  }

  std::string term_name(std::size_t k) const {
    std::size_t g = groups_.size() - 1;
    while (offsets_[g] > k) --g;
    return groups_[g].name + ": " + groups_[g].basis.term_name(k - offsets_[g]);
  }

  std::vector<std::string> term_names() const {
    std::vector<std::string> names;
    for (std::size_t k = 0; k < size_; ++k) names.push_back(term_name(k));
    return names;
  }

  /// The coefficients of one group, as a view into θ.
  template <class Theta>
  auto slice(Theta& theta, const std::string& name) const {
    require(static_cast<std::size_t>(theta.size()) == size_, "theta.size()", theta.size(),
            "must equal the total number of coefficients (" + std::to_string(size_) + ")");
    const std::size_t g = index(name);
    return theta.segment(static_cast<Eigen::Index>(offsets_[g]), static_cast<Eigen::Index>(groups_[g].basis.size()));
  }

  /// θ from one coefficient vector per group, given by name; groups not given are zero.
  Eigen::VectorXd join(std::initializer_list<std::pair<std::string, Eigen::VectorXd>> parts) const {
    Eigen::VectorXd theta = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(size_));
    for (const auto& [name, coefficients] : parts) {
      const std::size_t g = index(name);
      require(static_cast<std::size_t>(coefficients.size()) == groups_[g].basis.size(),
              "coefficients of group " + name + ".size()", coefficients.size(),
              "must equal the group's basis size (" + std::to_string(groups_[g].basis.size()) + ")");
      theta.segment(static_cast<Eigen::Index>(offsets_[g]), coefficients.size()) = coefficients;
    }
    return theta;
  }

 private:
  std::vector<PlasticGroup> groups_;
  std::vector<std::size_t> offsets_;
  std::size_t size_ = 0;
};

using PlasticGroup = BasicPlasticGroup<VolterraBasis>;
using PlasticGroups = BasicPlasticGroups<VolterraBasis>;

static_assert(check_rule_basis<PlasticGroups>());

}  // namespace metahebb
