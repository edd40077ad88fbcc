// Compile-fail case: a rule basis without term_name(i) is rejected by name.
#include <cstddef>
#include <string>

#include <metahebb/core/concepts/rule_basis.hpp>

struct Basis {
  std::size_t size() const { return 3; }
#ifdef METAHEBB_SHOULD_COMPILE
  std::string term_name(std::size_t i) const { return "t" + std::to_string(i); }
#endif
};

static_assert(metahebb::check_rule_basis<Basis>());
