#pragma once
/// Why an optimiser (or a meta-learning run) stopped. Lives in core/ because optimisers,
/// run reports and callbacks all speak it; optim/status.hpp forwards here.

#include <string>
#include <string_view>

namespace metahebb {

enum class StopCode {
  running,           ///< not stopped
  max_generations,   ///< generation budget used up
  max_evaluations,   ///< evaluation budget used up
  target_loss,       ///< best loss reached the target
  tolfun,            ///< loss range over recent generations below tolfun
  tolx,              ///< step size times every axis below tolx
  condition_number,  ///< covariance condition number above the limit
  sigma_blowup,      ///< step size grew beyond tolupsigma times its start
  non_finite_state,  ///< the optimiser's own state became NaN/inf (never from losses)
  callback           ///< a callback asked to stop
};

constexpr std::string_view to_string(StopCode code) noexcept {
  switch (code) {
    case StopCode::running: return "running";
    case StopCode::max_generations: return "max_generations";
    case StopCode::max_evaluations: return "max_evaluations";
    case StopCode::target_loss: return "target_loss";
    case StopCode::tolfun: return "tolfun";
    case StopCode::tolx: return "tolx";
    case StopCode::condition_number: return "condition_number";
    case StopCode::sigma_blowup: return "sigma_blowup";
    case StopCode::non_finite_state: return "non_finite_state";
    case StopCode::callback: return "callback";
  }
  return "unknown";
}

/// A stop code plus a sentence a person can read ("loss 3.1e-09 <= target 1e-08").
struct Status {
  StopCode code = StopCode::running;
  std::string reason;

  bool running() const noexcept { return code == StopCode::running; }
};

}  // namespace metahebb
