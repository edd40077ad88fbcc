// Compile-fail case: a hook named on_generation with the wrong signature is an error,
// never a silently skipped hook.
#include <metahebb/core/concepts/callback.hpp>

struct Callback {
#ifdef METAHEBB_SHOULD_COMPILE
  bool on_generation(const metahebb::GenerationReport& report) { return report.generation > 10; }
#else
  bool on_generation(int generation) { return generation > 10; }
#endif
};

static_assert(metahebb::check_callback<Callback>());
