#pragma once
/// Keeps the per-generation log in memory (the structured counterpart of ProgressLine).

#include <Eigen/Core>
#include <cstddef>
#include <vector>

#include "../core/run_report.hpp"

namespace metahebb::callbacks {

class History {
 public:
  struct Entry {
    std::size_t generation;
    double best_loss;
    double mean_loss;
    double best_loss_so_far;
    double step_size;
    std::size_t diverged;
    Eigen::VectorXd mean_theta;
  };

  void on_generation(const GenerationReport& r) {
    entries_.push_back({r.generation, r.best_loss, r.mean_loss, r.best_loss_so_far, r.step_size, r.diverged,
                        r.mean_theta});
  }

  const std::vector<Entry>& entries() const noexcept { return entries_; }

 private:
  std::vector<Entry> entries_;
};

}  // namespace metahebb::callbacks
