#pragma once
/// Stopping callbacks: on a plateau of the best loss, or when a predicate holds.

#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>

#include "../core/errors.hpp"
#include "../core/run_report.hpp"

namespace metahebb::callbacks {

/// Stops when the best loss so far has not improved by more than `min_delta` for `patience` generations.
class EarlyStop {
 public:
  explicit EarlyStop(std::size_t patience = 50, double min_delta = 0.0) : patience_(patience), min_delta_(min_delta) {
    require(patience_ >= 1, "early_stop.patience", patience_, "must be >= 1");
    require_non_negative("early_stop.min_delta", min_delta_);
  }

  bool on_generation(const GenerationReport& r) {
    if (r.best_loss_so_far < best_ - min_delta_) {
      best_ = r.best_loss_so_far;
      since_improvement_ = 0;
      return false;
    }
    return ++since_improvement_ >= patience_;
  }

 private:
  std::size_t patience_;
  double min_delta_;
  double best_ = std::numeric_limits<double>::infinity();
  std::size_t since_improvement_ = 0;
};

/// Stops as soon as `predicate(report)` is true, e.g. once θ is within 5° of a reference.
template <class Predicate>
class StopWhen {
 public:
  explicit StopWhen(Predicate predicate) : predicate_(std::move(predicate)) {}
  bool on_generation(const GenerationReport& r) { return static_cast<bool>(predicate_(r)); }

 private:
  Predicate predicate_;
};

}  // namespace metahebb::callbacks
