#pragma once
/// The conditional flow of inference/ (a masked autoregressive flow, or an ensemble of them)
/// as the proposal of the filtering rounds (sweep/rounds.hpp, issue 13), as neural posterior
/// estimation does in filter SBI. The flow's x dimension is fixed at construction while the
/// rounds' x is "the metrics the current constraints name", which may change between rounds,
/// so this adapter builds a fresh flow with x.cols() inputs in every fit().
///
/// fit() leaves out pairs whose x is not finite (a metric that could not be computed, e.g. the
/// rate of an exploded rule; as sbi does by default) and pairs whose θ lies on the boundary of the prior's box (the flow's map to
/// R^d is defined on the open interior; a uniform draw lands on a bound with probability
/// ~2^−53 per coordinate, a clamped log-uniform one after rounding) and reports how many.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "../core/concepts/proposal.hpp"
#include "../core/errors.hpp"
#include "../inference/conditional_flow.hpp"

namespace metahebb::sweep {

class FlowProposal {
 public:
  FlowProposal(inference::Box support, inference::FlowSettings settings,
               std::function<void(const inference::TrainingReport::Epoch&)> progress = {})
      : support_(std::move(support)), settings_(settings), progress_(std::move(progress)) {
    settings_.validate();
    support_.validate(static_cast<std::size_t>(support_.lower.size()));
  }

  void fit(const Eigen::MatrixXd& theta, const Eigen::MatrixXd& x) {
    require(theta.rows() == x.rows(), "x.rows()", x.rows(), "must equal theta.rows()");
    std::vector<Eigen::Index> keep;
    boundary_rows_ = 0;
    for (Eigen::Index i = 0; i < theta.rows(); ++i) {
      bool inside = true;
      for (Eigen::Index d = 0; d < theta.cols(); ++d) {
        const double v = theta(i, d), lo = support_.lower[d], hi = support_.upper[d];
        inside = inside && (lo == hi ? v == lo : (v > lo && v < hi));
      }
      if (inside && x.row(i).allFinite()) keep.push_back(i);
      boundary_rows_ += inside ? 0 : 1;
    }
    dropped_rows_ = static_cast<std::size_t>(theta.rows()) - keep.size();
    Eigen::MatrixXd t(static_cast<Eigen::Index>(keep.size()), theta.cols()), y(static_cast<Eigen::Index>(keep.size()), x.cols());
    for (std::size_t r = 0; r < keep.size(); ++r) {
      t.row(static_cast<Eigen::Index>(r)) = theta.row(keep[r]);
      y.row(static_cast<Eigen::Index>(r)) = x.row(keep[r]);
    }
    flow_.emplace(static_cast<std::size_t>(theta.cols()), static_cast<std::size_t>(x.cols()), support_, settings_);
    report_ = flow_->fit(t, y, progress_);
  }

  Eigen::MatrixXd sample(const Eigen::VectorXd& x, std::size_t n, std::uint64_t seed) const {
    require(flow_.has_value(), "flow_proposal", "(not fitted)", "needs fit() before sample()");
    return flow_->sample(x, n, seed);
  }

  const inference::TrainingReport& report() const noexcept { return report_; }
  std::size_t boundary_rows() const noexcept { return boundary_rows_; }
  /// Rows left out by the last fit(): on the boundary, or with a non-finite x.
  std::size_t dropped_rows() const noexcept { return dropped_rows_; }

 private:
  inference::Box support_;
  inference::FlowSettings settings_;
  std::function<void(const inference::TrainingReport::Epoch&)> progress_;
  std::optional<inference::ConditionalFlow> flow_;
  inference::TrainingReport report_;
  std::size_t boundary_rows_ = 0, dropped_rows_ = 0;
};

static_assert(check_proposal<FlowProposal>());

}  // namespace metahebb::sweep
