// libFuzzer entry point for the rule_spec target (body and contract in targets.hpp).
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return metahebb_fuzz::rule_spec(data, size);
}
