#pragma once
/// Writes a JSON summary of a run when it ends: why it stopped, the counters, the best
/// and final θ with the coefficient names, the run's settings, and any fields the caller
/// adds (`extra`). Loads with Python's json.load; non-finite numbers are null.

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "../core/errors.hpp"
#include "../core/run_report.hpp"
#include "../io/json.hpp"

namespace metahebb::callbacks {

class JsonSummary {
 public:
  /// `path` is checked now (its directory must exist), so a typo fails before the run.
  explicit JsonSummary(std::string path, io::JsonObject extra = {}) : path_(std::move(path)), extra_(std::move(extra)) {
    require(!path_.empty(), "json summary path", "\"\"", "must name a file");
    const auto parent = std::filesystem::path(path_).parent_path();
    require(parent.empty() || std::filesystem::is_directory(parent), "json summary path", path_,
            "must be in an existing directory");
  }

  void on_begin(const RunInfo& info) {
    info_ = info;
    names_ = info.parameter_names ? *info.parameter_names : std::vector<std::string>{};
  }

  void on_end(const RunResult& r) {
    if (!info_.writer) return;  // under MPI only rank 0 writes
    io::JsonObject summary;
    summary.add("format", "metahebb-run-summary")
        .add("version", 1)
        .add("status", std::string(to_string(r.status.code)))
        .add("stop_reason", r.status.reason)
        .add("generations", static_cast<std::uint64_t>(r.generations))
        .add("evaluations", static_cast<std::uint64_t>(r.evaluations))
        .add("simulations", static_cast<std::uint64_t>(r.simulations))
        .add("diverged_simulations", static_cast<std::uint64_t>(r.diverged_simulations))
        .add("non_finite_losses", static_cast<std::uint64_t>(r.non_finite_losses))
        .add("seconds", r.seconds)
        .add("best_loss", r.best_loss)
        .add("parameter_names", names_)
        .add("best_theta", r.best_theta)
        .add("final_theta", r.final_theta)
        .add("population_size", static_cast<std::uint64_t>(info_.population_size))
        .add("datasets", static_cast<std::uint64_t>(info_.num_datasets))
        .add("seed", static_cast<std::uint64_t>(info_.seed))
        .add("threads", static_cast<std::uint64_t>(info_.threads))
        .add("extra", extra_);
    summary.write(path_);
  }

 private:
  std::string path_;
  io::JsonObject extra_;
  RunInfo info_;
  std::vector<std::string> names_;
};

}  // namespace metahebb::callbacks
