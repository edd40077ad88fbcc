// libFuzzer entry point for the constraints target (body and contract in targets.hpp).
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return metahebb_fuzz::constraints(data, size);
}
