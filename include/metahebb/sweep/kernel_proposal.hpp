#pragma once
/// A simple conditional density q(θ | x) for the filtering rounds: a Gaussian kernel mixture
/// on the θ of the simulations whose metrics are nearest to x (nearest-neighbour conditional
/// density estimation, as in ABC with a regression-free kernel; issue 13, sweep/rounds.hpp).
///
///   fit(θ, x):  stores the pairs; x is standardised per column by its mean and standard deviation
///               (rows whose x is not finite are ignored);
///   q(θ | x*) = (1/k) Σ_{j ∈ N_k(x*)} N_box(θ; θ_j, diag(h²)),
///               N_k(x*) the k rows nearest to x* in standardised Euclidean distance (ties: lower
///               row first), h_d = bandwidth · std_{j ∈ N_k}(θ_{j,d}), at least
///               min_bandwidth · (upper_d − lower_d), and N_box the normal truncated to the
///               prior's support [lower, upper] (by rejection; a coordinate with lower = upper
///               is that value).
/// It is the fallback of the Proposal concept (core/concepts/proposal.hpp) and what the tests
/// and the example use while the neural flow (inference/) is optional: it is deterministic,
/// needs no training, and concentrates proposals where accepted rules were found.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

#include "../core/concepts/proposal.hpp"
#include "../core/errors.hpp"
#include "../core/random.hpp"

namespace metahebb::sweep {

struct KernelProposalSettings {
  std::size_t neighbours = 32;  ///< k
  double bandwidth = 0.5;       ///< h as a multiple of the neighbours' spread
  double min_bandwidth = 1e-3;  ///< h floor as a fraction of the support's width

  void validate() const {
    require_count("kernel_proposal.neighbours", static_cast<long long>(neighbours), 1, 1000000);
    require_positive("kernel_proposal.bandwidth", bandwidth);
    require_positive("kernel_proposal.min_bandwidth", min_bandwidth);
  }
};

class KernelProposal {
 public:
  KernelProposal(Eigen::VectorXd lower, Eigen::VectorXd upper, KernelProposalSettings settings = {})
      : lower_(std::move(lower)), upper_(std::move(upper)), settings_(settings) {
    settings_.validate();
    require(lower_.size() == upper_.size() && lower_.size() > 0, "kernel_proposal.upper.size()", upper_.size(),
            "must equal lower.size() > 0");
    for (Eigen::Index d = 0; d < lower_.size(); ++d)
      require(std::isfinite(lower_[d]) && std::isfinite(upper_[d]) && lower_[d] <= upper_[d],
              "kernel_proposal.upper[" + std::to_string(d) + "]", upper_[d], "must be finite and >= lower (finite)");
  }

  void fit(const Eigen::MatrixXd& theta, const Eigen::MatrixXd& x) {
    require(theta.rows() == x.rows(), "x.rows()", x.rows(), "must equal theta.rows()");
    require(theta.cols() == lower_.size(), "theta.cols()", theta.cols(), "must equal the support's dimension");
    std::vector<Eigen::Index> keep;
    for (Eigen::Index i = 0; i < x.rows(); ++i)
      if (x.row(i).allFinite() && theta.row(i).allFinite()) keep.push_back(i);
    require(!keep.empty(), "fit rows", x.rows(), "must include at least one row with finite x");
    theta_.resize(static_cast<Eigen::Index>(keep.size()), theta.cols());
    x_.resize(static_cast<Eigen::Index>(keep.size()), x.cols());
    for (std::size_t r = 0; r < keep.size(); ++r) {
      theta_.row(static_cast<Eigen::Index>(r)) = theta.row(keep[r]);
      x_.row(static_cast<Eigen::Index>(r)) = x.row(keep[r]);
    }
    mean_ = x_.colwise().mean();
    scale_ = ((x_.rowwise() - mean_).array().square().colwise().mean()).sqrt();
    for (Eigen::Index j = 0; j < scale_.size(); ++j)
      if (!(scale_[j] > 0.0)) scale_[j] = 1.0;
    z_ = (x_.rowwise() - mean_).array().rowwise() / scale_.array();
  }

  std::size_t rows() const noexcept { return static_cast<std::size_t>(theta_.rows()); }

  Eigen::MatrixXd sample(const Eigen::VectorXd& x, std::size_t n, std::uint64_t seed) const {
    require(theta_.rows() > 0, "kernel_proposal", "(not fitted)", "needs fit() before sample()");
    require(x.size() == x_.cols(), "x.size()", x.size(), "must equal the fitted x dimension");
    const Eigen::RowVectorXd z = (x.transpose() - mean_).array() / scale_.array();
    const Eigen::VectorXd distance = (z_.rowwise() - z).rowwise().squaredNorm();
    std::vector<Eigen::Index> order(static_cast<std::size_t>(theta_.rows()));
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    const std::size_t k = std::min(settings_.neighbours, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                      [&](Eigen::Index a, Eigen::Index b) { return distance[a] < distance[b] || (distance[a] == distance[b] && a < b); });
    const auto dim = theta_.cols();
    Eigen::RowVectorXd mean = Eigen::RowVectorXd::Zero(dim), h(dim);
    for (std::size_t j = 0; j < k; ++j) mean += theta_.row(order[j]);
    mean /= static_cast<double>(k);
    Eigen::RowVectorXd var = Eigen::RowVectorXd::Zero(dim);
    for (std::size_t j = 0; j < k; ++j) var += (theta_.row(order[j]) - mean).array().square().matrix();
    for (Eigen::Index d = 0; d < dim; ++d)
      h[d] = std::max(settings_.bandwidth * std::sqrt(var[d] / static_cast<double>(k)),
                      settings_.min_bandwidth * (upper_[d] - lower_[d]));
    RandomStream stream(seed, Purpose::user, 0, 0, 0);
    Eigen::MatrixXd out(static_cast<Eigen::Index>(n), dim);
    for (std::size_t s = 0; s < n; ++s) {
      const Eigen::Index centre = order[static_cast<std::size_t>(stream() % k)];
      for (Eigen::Index d = 0; d < dim; ++d) {
        double v = lower_[d];
        if (upper_[d] > lower_[d]) {
          int tries = 0;
          do v = theta_(centre, d) + h[d] * stream.normal();
          while (!(v >= lower_[d] && v <= upper_[d]) && ++tries < 1000);
          v = std::clamp(v, lower_[d], upper_[d]);
        }
        out(static_cast<Eigen::Index>(s), d) = v;
      }
    }
    return out;
  }

 private:
  Eigen::VectorXd lower_, upper_;
  KernelProposalSettings settings_;
  Eigen::MatrixXd theta_, x_, z_;
  Eigen::RowVectorXd mean_, scale_;
};

static_assert(check_proposal<KernelProposal>());

}  // namespace metahebb::sweep
