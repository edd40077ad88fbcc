#pragma once
/// Rule-basis policy: which terms a plasticity rule is built from.
///
/// A basis knows how many coefficients θ it has and gives every coefficient a
/// printable name (`x^1 y^1 w^0`, `alpha`, `tau_pre`). How a basis is evaluated
/// depends on its kind (a Volterra monomial is evaluated on rates, a spike-trace
/// term on events), so evaluation is not part of this common concept.

#include <concepts>
#include <cstddef>
#include <string>

namespace metahebb {

template <class B>
concept RuleBasis = requires(const B& b, std::size_t i) {
  { b.size() } -> std::convertible_to<std::size_t>;
  { b.term_name(i) } -> std::convertible_to<std::string>;
};

template <class B>
constexpr bool check_rule_basis() {
  static_assert(requires(const B& b) { { b.size() } -> std::convertible_to<std::size_t>; },
                "metahebb: the rule basis needs size() returning its number of coefficients");
  static_assert(requires(const B& b, std::size_t i) { { b.term_name(i) } -> std::convertible_to<std::string>; },
                "metahebb: the rule basis needs term_name(i) returning a printable name of coefficient i");
  return RuleBasis<B>;
}

}  // namespace metahebb
