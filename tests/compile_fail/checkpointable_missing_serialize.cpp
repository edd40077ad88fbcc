// Compile-fail case: an optimiser without serialize(Archive&) cannot be checkpointed and
// must be rejected with "metahebb: the checkpointed optimiser needs serialize(Archive&) ...".
// With -DMETAHEBB_SHOULD_COMPILE the same file defines serialize() and must compile
// (see tests/CMakeLists.txt).

#include <Eigen/Core>
#include <string>
#include <utility>
#include <vector>

#include <metahebb/core/concepts/checkpointable.hpp>

struct Fake {
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(2);
  std::size_t generation = 0;

  static std::string kind() { return "fake"; }
  std::vector<std::pair<std::string, std::string>> identity_fields() const { return {}; }
#ifdef METAHEBB_SHOULD_COMPILE
  template <class Archive>
  void serialize(Archive& archive) {
    archive.field("fake.theta", theta);
    archive.field("fake.generation", generation);
  }
#endif
};

static_assert(metahebb::check_checkpointable<Fake>());
