#pragma once
/// A named number computed from each generation's report, shown by ProgressLine and
/// recorded by CsvRecorder (e.g. the angle between θ and a reference rule).

#include <Eigen/Core>
#include <functional>
#include <string>

#include "../core/angle.hpp"
#include "../core/run_report.hpp"

namespace metahebb::callbacks {

struct Metric {
  std::string name;
  std::function<double(const GenerationReport&)> value;
};

/// Angle in degrees between the optimiser's centre θ (or the part of it picked by
/// `select`) and a reference rule.
inline Metric angle_to(std::string name, Eigen::VectorXd reference) {
  return {std::move(name), [reference = std::move(reference)](const GenerationReport& r) {
            return angle_deg(r.mean_theta, reference);
          }};
}

inline Metric angle_to(std::string name, Eigen::VectorXd reference, Eigen::Index offset) {
  return {std::move(name), [reference = std::move(reference), offset](const GenerationReport& r) {
            return angle_deg(r.mean_theta.segment(offset, reference.size()), reference);
          }};
}

}  // namespace metahebb::callbacks
