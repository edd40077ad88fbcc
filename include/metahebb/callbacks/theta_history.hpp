#pragma once
/// Records the search trajectory and writes it as NumPy arrays (io/npy.hpp):
///
///   <prefix>generation.npy  (G,)     int64, run-wide generation numbers
///   <prefix>theta.npy       (G, n)   the optimiser's centre θ after each generation
///   <prefix>best_theta.npy  (G, n)   best candidate so far
///   <prefix>losses.npy      (G, λ)   every candidate's loss, as told (NaN/inf where a candidate failed)
///   <prefix>best_loss.npy   (G,)     best loss of the generation
///   <prefix>sigma.npy       (G,)     step size (σ for CMA-ES, the learning rate for Adam)
///
/// Written when the run ends and, with `every` > 0, every `every` generations (so a killed
/// run keeps its trajectory up to then). Arrays are C-ordered: theta[g] is one θ.

#include <Eigen/Core>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "../core/errors.hpp"
#include "../core/run_report.hpp"
#include "../io/npy.hpp"

namespace metahebb::callbacks {

class ThetaHistory {
 public:
  explicit ThetaHistory(std::string prefix, std::size_t every = 0) : prefix_(std::move(prefix)), every_(every) {
    require(!prefix_.empty(), "theta history prefix", "\"\"", "must name a directory and/or a file-name prefix");
    const auto parent = std::filesystem::path(prefix_ + "x").parent_path();
    require(parent.empty() || std::filesystem::is_directory(parent), "theta history prefix", prefix_,
            "must be in an existing directory");
  }

  void on_generation(const GenerationReport& r) {
    if (generation_.empty()) n_ = static_cast<std::size_t>(r.mean_theta.size()), lambda_ = static_cast<std::size_t>(r.losses.size());
    require(static_cast<std::size_t>(r.losses.size()) == lambda_, "theta history losses.size()", r.losses.size(),
            "must stay the same every generation");
    generation_.push_back(static_cast<std::int64_t>(r.generation));
    theta_.insert(theta_.end(), r.mean_theta.data(), r.mean_theta.data() + r.mean_theta.size());
    best_theta_.insert(best_theta_.end(), r.best_theta_so_far.data(), r.best_theta_so_far.data() + r.best_theta_so_far.size());
    losses_.insert(losses_.end(), r.losses.data(), r.losses.data() + r.losses.size());
    best_loss_.push_back(r.best_loss);
    sigma_.push_back(r.step_size);
    writer_ = r.writer;
    if (writer_ && every_ != 0 && r.generation % every_ == 0) write();
  }

  void on_end(const RunResult&) {
    if (writer_) write();  // under MPI only rank 0 writes (every rank records)
  }

  /// Writes every array now.
  void write() const {
    const std::size_t g = generation_.size();
    io::write_npy(prefix_ + "generation.npy", generation_);
    io::write_npy(prefix_ + "theta.npy", theta_.data(), {g, n_});
    io::write_npy(prefix_ + "best_theta.npy", best_theta_.data(), {g, n_});
    io::write_npy(prefix_ + "losses.npy", losses_.data(), {g, lambda_});
    io::write_npy(prefix_ + "best_loss.npy", best_loss_);
    io::write_npy(prefix_ + "sigma.npy", sigma_);
  }

  std::size_t generations() const noexcept { return generation_.size(); }

 private:
  std::string prefix_;
  std::size_t every_;
  std::size_t n_ = 0, lambda_ = 0;
  std::vector<std::int64_t> generation_;
  std::vector<double> theta_, best_theta_, losses_, best_loss_, sigma_;
  bool writer_ = true;  // GenerationReport::writer
};

}  // namespace metahebb::callbacks
