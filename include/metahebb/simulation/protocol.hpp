#pragma once
/// A protocol: named phases of a simulation, one after the other, each with a duration and
/// whether plasticity is on — training then scoring (Confavreux et al. 2020, §3.3), or
/// background, familiar stimulus, break, probe (the familiarity protocol of issue 14).
///
///   const Protocol p(1e-4, {{"training", 60.0, true}, {"scoring", 30.0, true}});
///   p.steps();                 // 900 000
///   p.begin("scoring");        // 600 000: the first step of that phase
///   p.phase_at(650000).name;   // "scoring"
///
/// Phase boundaries are whole steps: a phase of duration T lasts round(T / dt) steps.
/// Invalid phases (empty or duplicate name, duration not finite or not > 0, a phase
/// shorter than one step) are refused with the phase's name and the value.

#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "../core/errors.hpp"

namespace metahebb {

struct Phase {
  std::string name;     ///< e.g. "training", "familiar", "break"
  double duration = 0;  ///< s
  bool plastic = true;  ///< whether synapses learn during this phase
};

class Protocol {
 public:
  Protocol(double dt, std::vector<Phase> phases) : dt_(dt), phases_(std::move(phases)) {
    require_positive("protocol.dt", dt_);
    require(!phases_.empty(), "protocol.phases.size()", phases_.size(), "must be >= 1");
    std::size_t step = 0;
    for (std::size_t p = 0; p < phases_.size(); ++p) {
      const Phase& phase = phases_[p];
      require(!phase.name.empty(), "protocol.phases[" + std::to_string(p) + "].name", "\"\"", "must not be empty");
      for (std::size_t q = 0; q < p; ++q)
        require(phases_[q].name != phase.name, "protocol phase name", phase.name, "must be unique");
      const std::string field = "protocol phase '" + phase.name + "' duration";
      require(std::isfinite(phase.duration) && phase.duration > 0.0, field, phase.duration, "must be finite and > 0");
      require(phase.duration / dt_ <= 4e9, field + " / dt", phase.duration / dt_, "must be <= 4e9 steps");
      const auto steps = static_cast<std::size_t>(std::lround(phase.duration / dt_));
      require(steps >= 1, field, phase.duration, "must be at least one step (dt = " + detail::format_value(dt_) + " s)");
      begins_.push_back(step);
      step += steps;
    }
    begins_.push_back(step);
  }

  double dt() const noexcept { return dt_; }
  const std::vector<Phase>& phases() const noexcept { return phases_; }
  /// Steps of the whole protocol.
  std::size_t steps() const noexcept { return begins_.back(); }
  /// First step of phase p (by position or name), and one past its last.
  std::size_t begin(std::size_t p) const { return begins_.at(p); }
  std::size_t end(std::size_t p) const { return begins_.at(p + 1); }
  std::size_t begin(const std::string& name) const { return begins_[index(name)]; }
  std::size_t end(const std::string& name) const { return begins_[index(name) + 1]; }

  /// Position of the phase called `name`; throws if there is none.
  std::size_t index(const std::string& name) const {
    for (std::size_t p = 0; p < phases_.size(); ++p)
      if (phases_[p].name == name) return p;
    throw invalid_configuration("protocol phase", name, "no phase has this name");
  }
  /// The phase step n belongs to (n < steps()).
  const Phase& phase_at(std::size_t n) const {
    require(n < steps(), "protocol step", n, "must be < steps() (" + std::to_string(steps()) + ")");
    std::size_t p = 0;
    while (begins_[p + 1] <= n) ++p;
    return phases_[p];
  }

 private:
  double dt_;
  std::vector<Phase> phases_;
  std::vector<std::size_t> begins_;  // begins_[p]: first step of phase p; begins_.back(): steps()
};

}  // namespace metahebb
