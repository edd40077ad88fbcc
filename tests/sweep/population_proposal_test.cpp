#include <catch2/catch.hpp>

#include <cmath>
#include <metahebb/sweep/constraints.hpp>
#include <metahebb/sweep/population_proposal.hpp>
#include <stdexcept>

using namespace metahebb;
using namespace metahebb::sweep;

namespace {
// A toy problem whose accepted set is known: θ ∈ [−1, 1]⁴, the metrics are θ itself, and the
// constraints are the box c ± 0.05 — a prior acceptance of (0.1 / 2)⁴ = 6.25e-6, so the
// prior's 200 rules of round 0 accept none (expected 0.00125) and only a search finds it.
const Eigen::Vector4d target(0.6, -0.3, 0.1, 0.85);
constexpr double half = 0.05;

struct ToyRun {
  Eigen::MatrixXd theta;               // every rule so far
  std::vector<std::size_t> accepted;   // per round
  std::vector<double> tolerance;       // ε before each round ≥ 1
};

ToyRun climb(std::uint64_t seed, std::size_t rounds, std::size_t per_round, ViolationScale scale) {
  const Eigen::Vector4d lower = Eigen::Vector4d::Constant(-1), upper = Eigen::Vector4d::Constant(1);
  PopulationProposal q(lower, upper, {.parents = 40, .scale = scale});
  q.constrain(target.array() - half, target.array() + half);
  ToyRun run;
  run.theta.resize(0, 4);  // an empty first block must have the columns (Eigen asserts it)
  RandomStream prior(seed, Purpose::user, 1);
  Eigen::MatrixXd theta(static_cast<Eigen::Index>(per_round), 4);
  for (Eigen::Index i = 0; i < theta.rows(); ++i)
    for (Eigen::Index d = 0; d < 4; ++d) theta(i, d) = prior.uniform(-1, 1);
  for (std::size_t r = 0;; ++r) {
    std::size_t in = 0;
    for (Eigen::Index i = 0; i < theta.rows(); ++i)
      in += ((theta.row(i).transpose() - target).array().abs() <= half).all() ? 1 : 0;
    run.accepted.push_back(in);
    Eigen::MatrixXd all(run.theta.rows() + theta.rows(), 4);
    all << run.theta, theta;
    run.theta = all;
    if (r + 1 == rounds) break;
    q.fit(run.theta, run.theta);  // x = θ
    run.tolerance.push_back(q.tolerance());
    theta = q.sample(Eigen::VectorXd(), per_round, seed * 1000 + r);
  }
  return run;
}
}  // namespace

TEST_CASE("the population proposal finds a small accepted box the prior misses, and covers it",
          "[sweep][population]") {
  const ToyRun run = climb(7, 12, 200, ViolationScale::relative);
  INFO("accepted per round: " << Catch::Detail::stringify(run.accepted) << ", tolerance: " << Catch::Detail::stringify(run.tolerance));
  CHECK(run.accepted.front() == 0);
  // The tolerance reaches 0 (more than 40 rules accepted), and then the children of accepted
  // parents land inside with the probability that a uniform point of the box, moved by the
  // kernel N(0, 2 Cov), stays in it: ≈ 0.73 per coordinate, 0.73⁴ ≈ 0.28 (the seed gives
  // 65 / 200, see INFO); ≥ 20 % (≈ 3 standard deviations of a binomial(200, 0.28) below it)
  // is 30,000× the prior's 6.25e-6.
  CHECK(run.tolerance.back() == 0.0);
  CHECK(run.accepted.back() >= 40);
  // Every child lies in the prior's box.
  CHECK((run.theta.array() >= -1.0).all());
  CHECK((run.theta.array() <= 1.0).all());
  // Coverage: the accepted rules span most of the target box in every coordinate (a search
  // collapsed onto one point would span ~0; uniform coverage of 0.1 by > 100 points spans
  // > 0.09 with overwhelming probability; 0.07 allows the kernel's thinner edges).
  for (Eigen::Index d = 0; d < 4; ++d) {
    double lo = 1, hi = -1;
    for (Eigen::Index i = 0; i < run.theta.rows(); ++i)
      if (((run.theta.row(i).transpose() - target).array().abs() <= half).all())
        lo = std::min(lo, run.theta(i, d)), hi = std::max(hi, run.theta(i, d));
    CHECK(hi - lo > 0.07);
  }
  // Same seed, same rules.
  CHECK(climb(7, 12, 200, ViolationScale::relative).theta == run.theta);
}

TEST_CASE("the population proposal's parents, tolerance and kernel", "[sweep][population]") {
  PopulationProposal q(Eigen::Vector2d(0, 0), Eigen::Vector2d(1, 1), {.parents = 3});
  Eigen::MatrixXd theta(6, 2);
  theta << 0.1, 0.1, 0.2, 0.3, 0.9, 0.9, 0.5, 0.5, 0.3, 0.2, 0.7, 0.7;
  Eigen::VectorXd v(6);
  v << 0.0, 0.4, 3.0, INFINITY, 0.2, 1.0;
  q.fit_violation(theta, v);
  // ε = the 3rd smallest violation: rows 0, 4, 1 are the parents, least violating first.
  CHECK(q.tolerance() == 0.4);
  CHECK(q.accepted() == 1);
  REQUIRE(q.parents().rows() == 3);
  CHECK(q.parents().row(0) == theta.row(0));
  CHECK(q.parents().row(1) == theta.row(4));
  CHECK(q.parents().row(2) == theta.row(1));
  // Σ = 2 Cov(parents) + ridge (1e-3 of the width 1, squared).
  const Eigen::MatrixXd p = q.parents();
  const Eigen::MatrixXd c = p.rowwise() - p.colwise().mean();
  const Eigen::MatrixXd expected = 2.0 * c.transpose() * c / 3.0 + 1e-6 * Eigen::Matrix2d::Identity();
  CHECK((q.kernel_covariance() - expected).cwiseAbs().maxCoeff() < 1e-12);
  const Eigen::MatrixXd s = q.sample(Eigen::VectorXd(), 500, 3);
  CHECK((s.array() >= 0.0).all());
  CHECK((s.array() <= 1.0).all());
  // x* is ignored: the same seed gives the same rules for any x*.
  CHECK(q.sample(Eigen::Vector2d(5, 5), 500, 3) == s);
}

TEST_CASE("the violation measures: relative to the bound crossed, or to the interval's width", "[sweep][population]") {
  const Eigen::Vector2d lower(1, 0), upper(50, 0.05);
  // E rate 0.5 Hz against [1, 50]; w_creep 0.1 against [0, 0.05].
  const Eigen::Vector2d x(0.5, 0.1);
  CHECK(interval_violation(x, lower, upper, ViolationScale::relative) == Approx(0.5 / 1 + 0.05 / 0.05));
  CHECK(interval_violation(x, lower, upper, ViolationScale::width) == Approx(0.5 / 49 + 0.05 / 0.05));
  CHECK(interval_violation(Eigen::Vector2d(2, 0.01), lower, upper, ViolationScale::relative) == 0.0);
  CHECK(std::isinf(interval_violation(Eigen::Vector2d(NAN, 0.01), lower, upper, ViolationScale::relative)));
  // The constraints' intervals, in their order, are what constrain(Constraints) uses.
  const auto c = Constraints::parse("b <= 0.05\na in [1, 50]", {"a", "b"});
  PopulationProposal q(Eigen::Vector2d(0, 0), Eigen::Vector2d(1, 1));
  q.constrain(c);
  Eigen::MatrixXd theta(2, 2), metrics(2, 2);
  theta << 0.2, 0.2, 0.4, 0.4;
  metrics << 0.1, 0.5, 0.0, 2.0;  // (b, a): row 1 passes
  q.fit(theta, metrics);
  CHECK(q.accepted() == 1);
}

TEST_CASE("the population proposal rejects bad settings and input by name", "[sweep][population]") {
  const Eigen::Vector2d lo(0, 0), hi(1, 1);
  CHECK_THROWS_WITH(PopulationProposal(lo, hi, {.parents = 0}), Catch::Contains("parents"));
  CHECK_THROWS_WITH(PopulationProposal(lo, hi, {.min_bandwidth = -1}), Catch::Contains("min_bandwidth"));
  CHECK_THROWS_WITH(PopulationProposal(hi, lo), Catch::Contains("upper[0]"));
  PopulationProposal q(lo, hi);
  CHECK_THROWS_WITH(q.fit(Eigen::MatrixXd::Zero(2, 2), Eigen::MatrixXd::Zero(2, 1)), Catch::Contains("constrain"));
  CHECK_THROWS_WITH(q.sample(Eigen::VectorXd(), 1, 1), Catch::Contains("fit"));
  CHECK_THROWS_WITH(q.fit_violation(Eigen::MatrixXd::Constant(2, 2, NAN), Eigen::VectorXd::Zero(2)),
                    Catch::Contains("finite theta"));
  // No finite violation (every network stopped): every rule parents, ε = inf.
  q.fit_violation(Eigen::MatrixXd::Identity(2, 2) * 0.5, Eigen::VectorXd::Constant(2, INFINITY));
  CHECK(q.parents().rows() == 2);
  CHECK(std::isinf(q.tolerance()));
  CHECK_THROWS_WITH(q.constrain(Eigen::Vector2d(1, 0), Eigen::Vector2d(0, 1)), Catch::Contains("upper_x[0]"));
}

TEST_CASE("a restricted population proposal draws only admissible children", "[sweep][population]") {
  PopulationProposal q(Eigen::Vector2d(0, 0), Eigen::Vector2d(1, 1), {.parents = 4});
  Eigen::MatrixXd theta(4, 2);
  theta << 0.2, 0.2, 0.4, 0.3, 0.3, 0.5, 0.6, 0.6;
  q.fit_violation(theta, Eigen::VectorXd::Zero(4));
  // Admissible: a thin band |a − b| ≤ 0.02, where about 10 % of unrestricted children fall.
  auto band = [](const Eigen::VectorXd& t) { return std::abs(t[0] - t[1]) <= 0.02; };
  const Eigen::MatrixXd free = q.sample(Eigen::VectorXd(), 400, 9);
  std::size_t in_band = 0;
  for (Eigen::Index i = 0; i < free.rows(); ++i) in_band += band(free.row(i).transpose()) ? 1 : 0;
  CHECK(in_band < 200);  // without the restriction most children leave the band
  q.restrict_to(band);
  const Eigen::MatrixXd s = q.sample(Eigen::VectorXd(), 400, 9);
  for (Eigen::Index i = 0; i < s.rows(); ++i) CHECK(band(s.row(i).transpose()));
  CHECK((s.array() >= 0.0).all());
  CHECK((s.array() <= 1.0).all());
  q.restrict_to({});
  CHECK(q.sample(Eigen::VectorXd(), 400, 9) == free);
}
