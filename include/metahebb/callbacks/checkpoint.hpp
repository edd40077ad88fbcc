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
#include <typeinfo>
#include <utility>
#include <vector>

#if __has_include(<cxxabi.h>)
#include <cxxabi.h>
#endif

#include "../core/errors.hpp"
#include "../core/run_report.hpp"
#include "../io/atomic_file.hpp"
#include "../io/checkpoint_record.hpp"
#include "../optim/adam_fd.hpp"
#include "../optim/cmaes.hpp"
#include "../optim/status.hpp"

namespace metahebb {

// --- optimiser states as checkpoint fields (overload these for your own optimiser) ---------

inline std::string optimiser_kind(const Cmaes&) { return "cmaes"; }
inline std::string optimiser_kind(const AdamFd&) { return "adam_fd"; }

/// Settings that change a run's trajectory: a checkpoint written under others is refused.
inline std::vector<std::pair<std::string, std::string>> optimiser_identity(const Cmaes& o) {
  return {{"optimiser.seed", std::to_string(o.options().seed)},
          {"optimiser.sigma0", detail::format_value(o.options().sigma0)}};
}
inline std::vector<std::pair<std::string, std::string>> optimiser_identity(const AdamFd& o) {
  return {{"optimiser.learning_rate", detail::format_value(o.options().learning_rate)},
          {"optimiser.fd_step", detail::format_value(o.options().fd_step)}};
}

namespace detail {
inline void save_status(io::CheckpointRecord& r, const std::string& prefix, const Status& s) {
  r.put_uint(prefix + ".status_code", static_cast<std::uint64_t>(s.code));
  r.put_string(prefix + ".status_reason", s.reason);
}
inline Status load_status(const io::CheckpointRecord& r, const std::string& prefix) {
  const std::uint64_t code = r.get_uint(prefix + ".status_code");
  if (code > static_cast<std::uint64_t>(StopCode::callback))
    throw io::checkpoint_error("metahebb: refusing checkpoint " + r.source() + ": field '" + prefix +
                               ".status_code' = " + std::to_string(code) + " is not a stop code");
  return {static_cast<StopCode>(code), r.get_string(prefix + ".status_reason")};
}
}  // namespace detail

inline void save_optimiser(io::CheckpointRecord& r, const Cmaes& o) {
  const CmaesState s = o.state();
  r.put_vector("cmaes.mean", s.mean);
  r.put_double("cmaes.sigma", s.sigma);
  r.put_matrix("cmaes.C", s.C);
  r.put_matrix("cmaes.B", s.B);
  r.put_matrix("cmaes.inv_sqrt_C", s.inv_sqrt_C);
  r.put_vector("cmaes.D", s.D);
  r.put_vector("cmaes.eigenvalues", s.eigenvalues);
  r.put_vector("cmaes.p_sigma", s.p_sigma);
  r.put_vector("cmaes.p_c", s.p_c);
  r.put_uint("cmaes.updates", s.updates);
  r.put_uint("cmaes.generation", s.generation);
  r.put_uint("cmaes.evaluations", s.evaluations);
  r.put_uint("cmaes.non_finite_count", s.non_finite_count);
  r.put_uint("cmaes.total_non_finite", s.total_non_finite);
  r.put_double("cmaes.best_loss", s.best_loss);
  r.put_vector("cmaes.best_theta", s.best_theta);
  r.put_bool("cmaes.has_best", s.has_best);
  r.put_vector("cmaes.best_history", s.best_history);
  detail::save_status(r, "cmaes", s.status);
}

/// Reads the state and restores it into `o` (which checks sizes before changing anything).
inline void load_optimiser(const io::CheckpointRecord& r, Cmaes& o) {
  CmaesState s;
  s.mean = r.get_vector("cmaes.mean");
  s.sigma = r.get_double("cmaes.sigma");
  s.C = r.get_matrix("cmaes.C");
  s.B = r.get_matrix("cmaes.B");
  s.inv_sqrt_C = r.get_matrix("cmaes.inv_sqrt_C");
  s.D = r.get_vector("cmaes.D");
  s.eigenvalues = r.get_vector("cmaes.eigenvalues");
  s.p_sigma = r.get_vector("cmaes.p_sigma");
  s.p_c = r.get_vector("cmaes.p_c");
  s.updates = r.get_uint("cmaes.updates");
  s.generation = r.get_uint("cmaes.generation");
  s.evaluations = r.get_uint("cmaes.evaluations");
  s.non_finite_count = r.get_uint("cmaes.non_finite_count");
  s.total_non_finite = r.get_uint("cmaes.total_non_finite");
  s.best_loss = r.get_double("cmaes.best_loss");
  s.best_theta = r.get_vector("cmaes.best_theta");
  s.has_best = r.get_bool("cmaes.has_best");
  s.best_history = r.get_doubles("cmaes.best_history");
  s.status = detail::load_status(r, "cmaes");
  o.restore(s);
}

inline void save_optimiser(io::CheckpointRecord& r, const AdamFd& o) {
  const AdamFdState s = o.state();
  r.put_vector("adam.theta", s.theta);
  r.put_vector("adam.m", s.m);
  r.put_vector("adam.v", s.v);
  r.put_vector("adam.gradient", s.gradient);
  r.put_uint("adam.generation", s.generation);
  r.put_uint("adam.non_finite_count", s.non_finite_count);
  r.put_double("adam.best_loss", s.best_loss);
  r.put_vector("adam.best_theta", s.best_theta);
  detail::save_status(r, "adam", s.status);
}

inline void load_optimiser(const io::CheckpointRecord& r, AdamFd& o) {
  AdamFdState s;
  s.theta = r.get_vector("adam.theta");
  s.m = r.get_vector("adam.m");
  s.v = r.get_vector("adam.v");
  s.gradient = r.get_vector("adam.gradient");
  s.generation = r.get_uint("adam.generation");
  s.non_finite_count = r.get_uint("adam.non_finite_count");
  s.best_loss = r.get_double("adam.best_loss");
  s.best_theta = r.get_vector("adam.best_theta");
  s.status = detail::load_status(r, "adam");
  o.restore(s);
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
      {"optimiser", optimiser_kind(learner.optimiser())},
      {"configuration", std::string(configuration)}};
  for (auto& field : optimiser_identity(learner.optimiser())) id.push_back(std::move(field));
  return id;
}

inline void save_progress(io::CheckpointRecord& r, const RunResult& p) {
  r.put_uint("run.generations", p.generations);
  r.put_uint("run.evaluations", p.evaluations);
  r.put_uint("run.simulations", p.simulations);
  r.put_uint("run.diverged_simulations", p.diverged_simulations);
  r.put_uint("run.non_finite_losses", p.non_finite_losses);
  r.put_double("run.seconds", p.seconds);
  r.put_double("run.best_loss", p.best_loss);
  r.put_vector("run.best_theta", p.best_theta);
  metahebb::detail::save_status(r, "run", p.status);
}

inline RunResult load_progress(const io::CheckpointRecord& r) {
  RunResult p;
  p.generations = r.get_uint("run.generations");
  p.evaluations = r.get_uint("run.evaluations");
  p.simulations = r.get_uint("run.simulations");
  p.diverged_simulations = r.get_uint("run.diverged_simulations");
  p.non_finite_losses = r.get_uint("run.non_finite_losses");
  p.seconds = r.get_double("run.seconds");
  p.best_loss = r.get_double("run.best_loss");
  p.best_theta = r.get_vector("run.best_theta");
  p.status = metahebb::detail::load_status(r, "run");
  return p;
}
}  // namespace detail

/// Writes `learner`'s state to `path` every `every` generations (counted over the whole
/// run, resumed parts included) and when the run ends.
template <class Learner>
class Checkpoint {
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

  void on_generation(const GenerationReport& r) {
    if (r.generation % every_ == 0) write(learner_->progress());
  }
  void on_end(const RunResult& result) { write(result); }

  /// Writes a checkpoint now.
  void write(const RunResult& progress) {
    io::CheckpointRecord record(path_);
    for (const auto& [key, value] : detail::run_identity(*learner_, configuration_)) record.put_string("identity." + key, value);
    detail::save_progress(record, progress);
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

  RunResult progress = detail::load_progress(record);
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
