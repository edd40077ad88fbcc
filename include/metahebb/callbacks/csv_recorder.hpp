#pragma once
/// Writes one CSV row per generation: generation, evaluations, best_loss, mean_loss,
/// best_loss_so_far, sigma, diverged, non_finite, seconds, one column per metric
/// (e.g. angle_deg to a reference rule), then the optimiser's centre θ, one column per
/// coefficient name.
/// Rows are flushed as they are written, so a killed run keeps what it computed;
/// `CsvRecorder::resuming` continues such a file after a run resumed from a checkpoint.
/// Only the writing process (RunInfo::writer; rank 0 under MPI) touches the file.

#include <Eigen/Core>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../core/angle.hpp"
#include "../core/errors.hpp"
#include "../core/run_report.hpp"
#include "../io/atomic_file.hpp"
#include "metric.hpp"

namespace metahebb::callbacks {

class CsvRecorder {
 public:
  /// Checks now that `path` is writable, so a bad path fails before the run starts; the
  /// file is truncated and its header written in on_begin, by the writing process only
  /// (RunInfo::writer: under MPI every rank constructs the recorder, rank 0 writes).
  explicit CsvRecorder(const std::string& path, std::vector<Metric> metrics = {})
      : path_(path), metrics_(std::move(metrics)) {
    std::ofstream probe(path_, std::ios::out | std::ios::app);  // creates, never truncates
    require(static_cast<bool>(probe), "csv path", path_, "must be a writable file");
  }

  /// With one metric, angle_deg: the angle between θ and `reference`.
  CsvRecorder(const std::string& path, Eigen::VectorXd reference)
      : CsvRecorder(path, std::vector<Metric>{angle_to("angle_deg", std::move(reference))}) {}

  /// For a run resumed at `generation`: keeps the header and the rows up to `generation`
  /// of the file an interrupted run left (later rows were computed after its last
  /// checkpoint and will be computed again), then appends. A missing file starts afresh.
  /// The file is read and checked now; the writing process rewrites it in on_begin.
  static CsvRecorder resuming(const std::string& path, std::size_t generation, std::vector<Metric> metrics = {}) {
    std::ifstream in(path);
    std::string kept, line;
    if (in && std::getline(in, line)) {
      require(line.rfind("generation,", 0) == 0, "csv file", path, "does not start with a metahebb CSV header");
      kept = line + '\n';
      while (std::getline(in, line)) {
        std::size_t row_generation = 0;
        std::istringstream(line.substr(0, line.find(','))) >> row_generation;
        if (row_generation == 0 || row_generation > generation) break;
        kept += line + '\n';
      }
    }
    in.close();
    CsvRecorder recorder(path, std::move(metrics));
    recorder.kept_ = std::move(kept);
    return recorder;
  }

  void on_begin(const RunInfo& info) {
    if (!info.writer || out_.is_open()) return;
    if (kept_.empty()) {
      out_.open(path_, std::ios::out | std::ios::trunc);
    } else {
      io::write_file_atomically(path_, kept_);  // a kill now leaves the old file or the kept rows, never less
      out_.open(path_, std::ios::out | std::ios::app);
    }
    require(static_cast<bool>(out_), "csv path", path_, "must be a writable file");
    out_.precision(10);
    if (!kept_.empty()) return;  // the kept rows start with the header
    out_ << "generation,evaluations,best_loss,mean_loss,best_loss_so_far,sigma,diverged,non_finite,seconds";
    for (const auto& metric : metrics_) out_ << ',' << metric.name;
    if (info.parameter_names)
      for (const auto& name : *info.parameter_names) out_ << ",\"" << name << '"';
    out_ << '\n';
  }

  void on_generation(const GenerationReport& r) {
    if (!r.writer || !out_.is_open()) return;
    out_ << r.generation << ',' << r.evaluations << ',' << r.best_loss << ',' << r.mean_loss << ','
         << r.best_loss_so_far << ',' << r.step_size << ',' << r.diverged << ',' << r.non_finite << ','
         << r.elapsed_seconds;
    for (const auto& metric : metrics_) out_ << ',' << metric.value(r);
    for (Eigen::Index k = 0; k < r.mean_theta.size(); ++k) out_ << ',' << r.mean_theta[k];
    out_ << '\n' << std::flush;
  }

 private:
  std::string path_;
  std::ofstream out_;  // opened in on_begin on the writing process
  std::vector<Metric> metrics_;
  std::string kept_;  // resuming: the header and rows to keep
};

}  // namespace metahebb::callbacks
