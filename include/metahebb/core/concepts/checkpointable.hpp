#pragma once
/// Checkpointable policy: an object (an optimiser) that a checkpoint can save and restore
/// without knowing its type (callbacks/checkpoint.hpp names no concrete optimiser).
///
///   static std::string kind();                 // "cmaes", "adam_fd": a checkpoint of another kind is refused
///   std::vector<std::pair<std::string, std::string>> identity_fields() const;
///                                              // settings that change the trajectory ("optimiser.seed", ...):
///                                              // a resume under other values is refused, naming each field
///   template <class Archive> void serialize(Archive& archive);
///                                              // one function for both directions (io/checkpoint_archive.hpp):
///                                              // archive.field("cmaes.mean", mean); ...
///
/// serialize() is called on the object itself for loading, and (through a const_cast) on
/// the object being saved: with a saving archive it must only read. A loading serialize
/// should check what it read before changing anything, or be called on a copy
/// (callbacks::resume does the latter).
///
/// The concept is checked against the real archives (io::SavingArchive, io::LoadingArchive),
/// so an object may also provide two non-template overloads.

#include <concepts>
#include <string>
#include <utility>
#include <vector>

#include "../../io/checkpoint_archive.hpp"

namespace metahebb {

template <class T>
concept Checkpointable = requires(T& t, const T& ct, io::SavingArchive& save, io::LoadingArchive& load) {
  { T::kind() } -> std::convertible_to<std::string>;
  { ct.identity_fields() } -> std::convertible_to<std::vector<std::pair<std::string, std::string>>>;
  t.serialize(save);
  t.serialize(load);
};

/// Entry-point check: one readable diagnostic per missing member (see docs/architecture.md).
template <class T>
constexpr bool check_checkpointable() {
  static_assert(requires { { T::kind() } -> std::convertible_to<std::string>; },
                "metahebb: the checkpointed optimiser needs a static kind() naming its type in checkpoints "
                "(e.g. \"cmaes\")");
  static_assert(requires(const T& t) {
    { t.identity_fields() } -> std::convertible_to<std::vector<std::pair<std::string, std::string>>>;
  }, "metahebb: the checkpointed optimiser needs identity_fields() const returning "
     "std::vector<std::pair<std::string, std::string>> (the settings a resumed run must share)");
  static_assert(requires(T& t, io::SavingArchive& save, io::LoadingArchive& load) {
    t.serialize(save);
    t.serialize(load);
  }, "metahebb: the checkpointed optimiser needs serialize(Archive&) for io::SavingArchive and "
     "io::LoadingArchive (one template <class Archive> member listing archive.field(name, value) "
     "calls; see io/checkpoint_archive.hpp)");
  return Checkpointable<T>;
}

}  // namespace metahebb
