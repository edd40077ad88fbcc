#pragma once
/// Checkpoints of a meta-learning run, and resuming from one.
///
///   MetaLearner learner(task, loss, Cmaes(theta0, options), executor, {.seed = 1, .max_generations = 2000});
///   if (std::filesystem::exists("run.ckpt")) callbacks::resume(learner, "run.ckpt");
///   callbacks::Checkpoint checkpoint(learner, "run.ckpt", 10);   // every 10 generations and at the end
///   RunResult result = learner.run(checkpoint, progress);
///
/// A checkpoint holds the optimiser's whole state, the run's counters and best-so-far,
/// and the identity of the run (task type, coefficient names, dimension, population,
/// datasets, seeds, optimiser settings, and an optional user-given configuration string).
/// Random streams are counter-based (core/random.hpp): a stream is a function of
/// (seed, generation, candidate, dataset, purpose), so the generation counter is the only
/// random-number state there is. A resumed run is therefore bitwise the same as one never
/// interrupted (same build, same flags; see docs/running-long-searches.md).
///
/// Files are written atomically (io/atomic_file.hpp); a corrupt, truncated, foreign or
/// mismatched checkpoint is refused with io::checkpoint_error before anything changes.
/// Callbacks keep their own state (EarlyStop's patience, CsvRecorder's file): it is not
/// part of the checkpoint.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#if __has_include(<cxxabi.h>)
#include <cxxabi.h>
#endif

#include "../core/concepts/checkpointable.hpp"
#include "../core/errors.hpp"
#include "../core/run_report.hpp"
#include "../core/status.hpp"
#include "../io/atomic_file.hpp"
#include "../io/checkpoint_archive.hpp"
#include "../io/checkpoint_record.hpp"

namespace metahebb {

// --- optimiser states as checkpoint fields ------------------------------------------------
// Any Checkpointable optimiser (core/concepts/checkpointable.hpp): its serialize(Archive&)
// lists its fields once for both directions; this file names no concrete optimiser.

/// Writes `o`'s fields into `r`. serialize() only reads the object when the archive is
/// saving (the Checkpointable contract), so calling it through a const_cast is safe.
template <Checkpointable O>
void save_optimiser(io::CheckpointRecord& r, const O& o) {
  io::SavingArchive archive(r);
  const_cast<O&>(o).serialize(archive);
}

/// Reads `o`'s fields from `r` (Cmaes and AdamFd check sizes before anything changes).
template <Checkpointable O>
void load_optimiser(const io::CheckpointRecord& r, O& o) {
  io::LoadingArchive archive(r);
  o.serialize(archive);
}

namespace callbacks {

namespace detail {
template <class T>
std::string type_name() {
  const char* mangled = typeid(T).name();
#if __has_include(<cxxabi.h>)
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> readable(abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
  if (status == 0 && readable) return readable.get();
#endif
  return mangled;
}

template <class Learner>
std::vector<std::pair<std::string, std::string>> run_identity(const Learner& learner, std::string_view configuration) {
  const auto& task = learner.task();
  std::string basis;
  for (const auto& name : task.parameter_names()) basis += (basis.empty() ? "" : ",") + name;
  std::vector<std::pair<std::string, std::string>> id{
      {"task", type_name<std::remove_cvref_t<decltype(task)>>()},
      {"basis", basis},
      {"dimension", std::to_string(task.num_parameters())},
      {"population_size", std::to_string(learner.optimiser().population_size())},
      {"datasets", std::to_string(task.num_datasets())},
      {"seed", std::to_string(learner.options().seed)},
      {"optimiser", std::remove_cvref_t<decltype(learner.optimiser())>::kind()},
      {"configuration", std::string(configuration)}};
  for (auto& field : learner.optimiser().identity_fields()) id.push_back(std::move(field));
  return id;
}

/// The run's counters and best-so-far (RunResult), for both directions.
template <class Archive, class Progress>
void serialize_progress(Archive& archive, Progress& p) {
  archive.field("run.generations", p.generations);
  archive.field("run.evaluations", p.evaluations);
  archive.field("run.simulations", p.simulations);
  archive.field("run.diverged_simulations", p.diverged_simulations);
  archive.field("run.non_finite_losses", p.non_finite_losses);
  archive.field("run.seconds", p.seconds);
  archive.field("run.best_loss", p.best_loss);
  archive.field("run.best_theta", p.best_theta);
  archive.field("run.status", p.status);
}
}  // namespace detail

/// Writes `learner`'s state to `path` every `every` generations (counted over the whole
/// run, resumed parts included) and when the run ends.
template <class Learner>
class Checkpoint {
  static_assert(check_checkpointable<std::remove_cvref_t<decltype(std::declval<Learner&>().optimiser())>>());

 public:
  /// `configuration`: optional text naming settings the task type does not show (e.g. the
  /// command line); a resume with another text is refused.
  Checkpoint(Learner& learner, std::string path, std::size_t every = 10, std::string configuration = {})
      : learner_(&learner), path_(std::move(path)), every_(every), configuration_(std::move(configuration)) {
    require(!path_.empty(), "checkpoint path", "\"\"", "must name a file");
    require(every_ >= 1, "checkpoint every", every_, "must be >= 1 generation");
    const auto parent = std::filesystem::path(path_).parent_path();
    require(parent.empty() || std::filesystem::is_directory(parent), "checkpoint path", path_,
            "must be in an existing directory");
    require(!std::filesystem::is_directory(path_), "checkpoint path", path_, "is a directory; must name a file");
  }

  // Under MPI every rank holds the same state; only the writing rank (rank 0) writes it.
  void on_begin(const RunInfo& info) { writer_ = info.writer; }
  void on_generation(const GenerationReport& r) {
    if (r.writer && r.generation % every_ == 0) write(learner_->progress());
  }
  void on_end(const RunResult& result) {
    if (writer_) write(result);
  }

  /// Writes a checkpoint now (on whichever process calls it).
  void write(const RunResult& progress) {
    io::CheckpointRecord record(path_);
    for (const auto& [key, value] : detail::run_identity(*learner_, configuration_)) record.put_string("identity." + key, value);
    io::SavingArchive archive(record);
    detail::serialize_progress(archive, progress);
    save_optimiser(record, learner_->optimiser());
    io::write_file_atomically(path_, record.serialize());
    ++writes_;
  }

  const std::string& path() const noexcept { return path_; }
  std::size_t writes() const noexcept { return writes_; }

 private:
  Learner* learner_;
  std::string path_;
  std::size_t every_;
  std::string configuration_;
  std::size_t writes_ = 0;
  bool writer_ = true;  // RunInfo::writer
};

/// What resume() restored.
struct ResumeInfo {
  std::size_t generation = 0;   ///< completed generations in the checkpoint
  std::size_t evaluations = 0;
  double best_loss = 0.0;
};

/// Restores `learner` (optimiser state and run counters) from the checkpoint at `path`;
/// the next learner.run() continues the checkpointed run. Throws io::checkpoint_error,
/// naming what is wrong, if the file is unreadable, truncated, corrupt, of another format
/// version, or was written by a run that differs (listing each differing field);
/// `learner` is unchanged then. `configuration` must match the Checkpoint's.
template <class Learner>
ResumeInfo resume(Learner& learner, const std::string& path, std::string_view configuration = {}) {
  std::string bytes;
  try {
    bytes = io::read_file(path);
  } catch (const io::file_error& e) {
    throw io::checkpoint_error(e.what());
  }
  const io::CheckpointRecord record = io::CheckpointRecord::parse(bytes, path);

  std::string differences;
  for (const auto& [key, expected] : detail::run_identity(learner, configuration)) {
    const std::string field = "identity." + key;
    const std::string stored = record.has(field) ? record.get_string(field) : "(absent)";
    if (stored != expected)
      differences += (differences.empty() ? "" : "; ") + key + " differs (checkpoint: '" + stored + "', this run: '" +
                     expected + "')";
  }
  if (!differences.empty())
    throw io::checkpoint_error("metahebb: refusing checkpoint " + path + ": it was written by a different run: " +
                               differences);

  static_assert(check_checkpointable<std::remove_cvref_t<decltype(learner.optimiser())>>());
  RunResult progress;
  const io::LoadingArchive archive(record);
  detail::serialize_progress(archive, progress);
  if (progress.best_theta.size() != static_cast<Eigen::Index>(learner.task().num_parameters()))
    throw io::checkpoint_error("metahebb: refusing checkpoint " + path + ": run.best_theta has " +
                               std::to_string(progress.best_theta.size()) + " values, the task " +
                               std::to_string(learner.task().num_parameters()));
  auto optimiser = learner.optimiser();  // restore into a copy first: learner stays unchanged on failure
  try {
    load_optimiser(record, optimiser);
  } catch (const invalid_configuration& e) {
    throw io::checkpoint_error("metahebb: refusing checkpoint " + path + ": " + e.what());
  }
  learner.optimiser() = std::move(optimiser);
  const ResumeInfo info{progress.generations, progress.evaluations, progress.best_loss};
  learner.restore_progress(std::move(progress));
  return info;
}

}  // namespace callbacks
}  // namespace metahebb
