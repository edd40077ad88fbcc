#pragma once
/// Prints one progress line per `every` generations on a stream (stderr by default),
/// and why the run stopped at the end. Only the writing process prints (RunInfo::writer).

#include <Eigen/Core>
#include <cstdio>
#include <iostream>
#include <ostream>
#include <vector>

#include "../core/angle.hpp"
#include "../core/run_report.hpp"
#include "metric.hpp"

namespace metahebb::callbacks {

class ProgressLine {
 public:
  explicit ProgressLine(std::size_t every = 1, std::ostream& out = std::cerr) : every_(every ? every : 1), out_(&out) {}

  /// Also print the angle between the optimiser's centre θ and `reference` (e.g. Oja's rule).
  ProgressLine& with_reference(Eigen::VectorXd reference, std::string label = "angle") {
    return with(angle_to(std::move(label), std::move(reference)));
  }

  /// Also print `metric` on every line.
  ProgressLine& with(Metric metric) {
    metrics_.push_back(std::move(metric));
    return *this;
  }

  void on_begin(const RunInfo& info) {
    writer_ = info.writer;
    if (!writer_) return;  // under MPI only rank 0 prints
    *out_ << "metahebb: " << info.num_parameters << " coefficients, population " << info.population_size << ", "
          << info.num_datasets << " datasets, ";
    if (info.processes > 1) *out_ << info.processes << " processes x " << info.threads / info.processes << " thread(s)";
    else *out_ << info.threads << " thread(s)";
    *out_ << ", seed " << info.seed << '\n';
  }

  void on_generation(const GenerationReport& r) {
    if (!r.writer || (r.generation % every_ != 0 && r.generation != 1)) return;
    char line[256];
    std::snprintf(line, sizeof line, "gen %5zu", r.generation);
    *out_ << line;
    if (r.max_generations) *out_ << '/' << r.max_generations;
    std::snprintf(line, sizeof line, "  best %.4g  mean %.4g  best-so-far %.4g  sigma %.3g  diverged %zu/%zu",
                  r.best_loss, r.mean_loss, r.best_loss_so_far, r.step_size, r.diverged,
                  static_cast<std::size_t>(r.losses.size()) * (r.simulations / std::max<std::size_t>(r.evaluations, 1)));
    *out_ << line;
    for (const auto& metric : metrics_) {
      std::snprintf(line, sizeof line, "  %s %.3g", metric.name.c_str(), metric.value(r));
      *out_ << line;
    }
    std::snprintf(line, sizeof line, "  %.1f s", r.elapsed_seconds);
    *out_ << line;
    if (r.max_generations > r.generation) {
      const double left = r.elapsed_seconds / static_cast<double>(r.generation) *
                          static_cast<double>(r.max_generations - r.generation);
      std::snprintf(line, sizeof line, " (~%.0f s left)", left);
      *out_ << line;
    }
    *out_ << '\n' << std::flush;
  }

  void on_end(const RunResult& result) {
    if (!writer_) return;
    *out_ << "metahebb: stopped after " << result.generations << " generations (" << result.seconds
          << " s): " << result.status.reason << '\n'
          << std::flush;
  }

 private:
  std::size_t every_;
  std::ostream* out_;
  std::vector<Metric> metrics_;
  bool writer_ = true;  // RunInfo::writer
};

}  // namespace metahebb::callbacks
