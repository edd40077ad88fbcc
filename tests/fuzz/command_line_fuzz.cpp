// libFuzzer entry point for the command_line target (body and contract in targets.hpp).
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return metahebb_fuzz::command_line(data, size);
}
