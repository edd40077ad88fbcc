#pragma once
/// Archives over io::CheckpointRecord: one `serialize(Archive&)` describes an object's
/// checkpoint fields once, and serves both directions (as in pagmo and cereal).
///
///   template <class Archive>
///   void serialize(Archive& archive) {
///     archive.field("adam.theta", theta_);        // saving: written; loading: read back
///     archive.field("adam.generation", generation_);
///   }
///
/// SavingArchive::field(name, value) puts the value into the record; LoadingArchive::field
/// reads it back into `value`, or throws io::checkpoint_error naming the record and the
/// field (missing, malformed, out of range). Names are the record's keys, so files written
/// before the archives existed load unchanged. `Archive::is_loading` lets an object check
/// and commit what it read (e.g. read into a state struct, then restore() it).
///
/// Supported values: double, bool, unsigned integers, std::string, Eigen::VectorXd,
/// Eigen::MatrixXd, std::vector<double>, and metahebb::Status (stored as the two fields
/// `<name>_code` and `<name>_reason`).

#include <Eigen/Core>
#include <concepts>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "../core/status.hpp"
#include "checkpoint_record.hpp"

namespace metahebb::io {

/// Writes fields into a CheckpointRecord.
class SavingArchive {
 public:
  static constexpr bool is_saving = true;
  static constexpr bool is_loading = false;

  explicit SavingArchive(CheckpointRecord& record) noexcept : record_(&record) {}

  void field(const std::string& name, const double& value) { record_->put_double(name, value); }
  void field(const std::string& name, const bool& value) { record_->put_bool(name, value); }
  template <std::unsigned_integral U>
    requires(!std::same_as<U, bool>)
  void field(const std::string& name, const U& value) {
    record_->put_uint(name, static_cast<std::uint64_t>(value));
  }
  void field(const std::string& name, const std::string& value) { record_->put_string(name, value); }
  void field(const std::string& name, const Eigen::VectorXd& value) { record_->put_vector(name, value); }
  void field(const std::string& name, const Eigen::MatrixXd& value) { record_->put_matrix(name, value); }
  void field(const std::string& name, const std::vector<double>& value) { record_->put_vector(name, value); }
  void field(const std::string& name, const Status& value) {
    record_->put_uint(name + "_code", static_cast<std::uint64_t>(value.code));
    record_->put_string(name + "_reason", value.reason);
  }

  CheckpointRecord& record() noexcept { return *record_; }

 private:
  CheckpointRecord* record_;
};

/// Reads fields from a CheckpointRecord; every failure is an io::checkpoint_error.
class LoadingArchive {
 public:
  static constexpr bool is_saving = false;
  static constexpr bool is_loading = true;

  explicit LoadingArchive(const CheckpointRecord& record) noexcept : record_(&record) {}

  void field(const std::string& name, double& value) const { value = record_->get_double(name); }
  void field(const std::string& name, bool& value) const { value = record_->get_bool(name); }
  template <std::unsigned_integral U>
    requires(!std::same_as<U, bool>)
  void field(const std::string& name, U& value) const {
    const std::uint64_t stored = record_->get_uint(name);
    if (stored > std::numeric_limits<U>::max())
      refuse(name, std::to_string(stored), "does not fit in " + std::to_string(8 * sizeof(U)) + " bits");
    value = static_cast<U>(stored);
  }
  void field(const std::string& name, std::string& value) const { value = record_->get_string(name); }
  void field(const std::string& name, Eigen::VectorXd& value) const { value = record_->get_vector(name); }
  void field(const std::string& name, Eigen::MatrixXd& value) const { value = record_->get_matrix(name); }
  void field(const std::string& name, std::vector<double>& value) const { value = record_->get_doubles(name); }
  void field(const std::string& name, Status& value) const {
    const std::uint64_t code = record_->get_uint(name + "_code");
    if (code > static_cast<std::uint64_t>(StopCode::callback))
      refuse(name + "_code", std::to_string(code), "is not a stop code");
    value = {static_cast<StopCode>(code), record_->get_string(name + "_reason")};
  }

  const CheckpointRecord& record() const noexcept { return *record_; }

 private:
  [[noreturn]] void refuse(const std::string& name, const std::string& value, const std::string& why) const {
    throw checkpoint_error("metahebb: refusing checkpoint " + record_->source() + ": field '" + name + "' = " + value +
                           " " + why);
  }

  const CheckpointRecord* record_;
};

}  // namespace metahebb::io
