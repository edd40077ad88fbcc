#pragma once
/// Moved to core/status.hpp (Status is shared by optimisers, run reports and callbacks).
#include "../core/status.hpp"  // IWYU pragma: export
