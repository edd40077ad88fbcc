// A program that uses metahebb the way a research project would; it returns 0
// only if the library behaves as documented.
#include <metahebb/core/errors.hpp>
#include <metahebb/core/random.hpp>

#include <cstdio>
#include <string>

int main() {
  int failures = 0;
  const auto check = [&failures](bool ok, const char* what) {
    if (!ok) {
      std::fprintf(stderr, "consumer check failed: %s\n", what);
      ++failures;
    }
  };

  // Streams are pure functions of their key.
  metahebb::RandomStream a(42, metahebb::Purpose::dataset, /*generation=*/3, /*candidate=*/7);
  metahebb::RandomStream b(metahebb::StreamKey{42, 3, 7, 0, metahebb::Purpose::dataset});
  metahebb::RandomStream c(42, metahebb::Purpose::dataset, 3, /*candidate=*/8);
  bool same = true;
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const double x = a.normal();
    same = same && x == b.normal();
    differs = differs || x != c.normal();
  }
  check(same, "two streams with the same key give the same numbers");
  check(differs, "streams of different candidates differ");

  // Invalid configuration is reported with the field's name.
  try {
    metahebb::require_positive("tau_pre", -1.0);
    check(false, "require_positive rejects -1");
  } catch (const metahebb::invalid_configuration& error) {
    check(error.field() == "tau_pre", "the exception names the field");
    check(std::string(error.what()).find("tau_pre") != std::string::npos,
          "the message names the field");
  }

  if (failures == 0) std::puts("metahebb consumer: ok");
  return failures == 0 ? 0 : 1;
}
