// Evaluations CMA-ES needs to reach f <= 1e-8 on sphere, ellipsoid and Rosenbrock,
// printed as a markdown table next to those of an independent NumPy implementation of the
// tutorial's non-active CMA-ES, `scripts/cmaes_tutorial_reference.py 21` (same protocol:
// default λ, no restarts, whole generations counted, median [min–max] over successful runs).
//
// Build and run (from the repository root):
//   g++ -std=c++20 -O2 -DNDEBUG -I include -I /usr/include/eigen3 benchmarks/cmaes_evaluation_counts.cpp -o /tmp/cmaes_counts
//   /tmp/cmaes_counts [seeds=21]

#include "metahebb/optim/cmaes.hpp"  // first: it includes Eigen (see the note there)

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace {

using Objective = std::function<double(const Eigen::VectorXd&)>;

double sphere(const Eigen::VectorXd& x) { return x.squaredNorm(); }

double ellipsoid(const Eigen::VectorXd& x) {
  const auto n = x.size();
  double f = 0.0;
  for (Eigen::Index i = 0; i < n; ++i)
    f += std::pow(10.0, 6.0 * static_cast<double>(i) / static_cast<double>(n - 1)) * x[i] * x[i];
  return f;
}

double rosenbrock(const Eigen::VectorXd& x) {
  double f = 0.0;
  for (Eigen::Index i = 0; i + 1 < x.size(); ++i) {
    const double a = x[i] * x[i] - x[i + 1], b = x[i] - 1.0;
    f += 100.0 * a * a + b * b;
  }
  return f;
}

struct Problem {
  const char* name;
  Objective f;
  double x0;
  double sigma0;
  // Reference medians [min–max], successes, printed by scripts/cmaes_tutorial_reference.py 21;
  // indexed by n = 10, 20.
  const char* tutorial[2];
};

struct Run {
  bool success;
  std::size_t evaluations;
};

Run run(const Problem& p, int n, std::uint64_t seed) {
  metahebb::CmaesOptions options;
  options.sigma0 = p.sigma0;
  options.seed = seed;
  options.target_loss = 1e-8;
  options.max_evaluations = 1000000;
  metahebb::Cmaes es(Eigen::VectorXd::Constant(n, p.x0), options);
  Eigen::VectorXd losses(static_cast<Eigen::Index>(es.population_size()));
  while (es.status().running()) {
    const Eigen::MatrixXd& x = es.ask();
    for (Eigen::Index k = 0; k < x.cols(); ++k) losses[k] = p.f(x.col(k));
    es.tell(losses);
  }
  return {es.status().code == metahebb::StopCode::target_loss, es.evaluations()};
}

}  // namespace

int main(int argc, char** argv) {
  const int seeds = argc > 1 ? std::atoi(argv[1]) : 21;
  const Problem problems[] = {
      {"sphere", sphere, 3.0, 2.0, {"1480 [1320–1640], 21/21", "2772 [2508–2916], 21/21"}},
      {"ellipsoid", ellipsoid, 3.0, 2.0, {"5870 [5350–6580], 21/21", "18612 [17904–19248], 21/21"}},
      {"Rosenbrock", rosenbrock, 0.0, 0.5, {"6100 [5260–8330], 18/21", "20136 [18252–22668], 21/21"}},
  };
  std::printf("| problem | n | λ | metahebb (seeds 1..%d) | successes | tutorial CMA-ES, NumPy (seeds 1..21) |\n", seeds);
  std::printf("|---|---|---|---|---|---|\n");
  for (const Problem& p : problems) {
    for (int ni = 0; ni < 2; ++ni) {
      const int n = ni == 0 ? 10 : 20;
      std::vector<std::size_t> counts;
      for (int s = 1; s <= seeds; ++s) {
        const Run r = run(p, n, static_cast<std::uint64_t>(s));
        if (r.success) counts.push_back(r.evaluations);
      }
      std::sort(counts.begin(), counts.end());
      std::string cell = "none";
      if (!counts.empty()) {
        const std::size_t m = counts.size();
        const double median = m % 2 == 1 ? static_cast<double>(counts[m / 2])
                                         : 0.5 * static_cast<double>(counts[m / 2 - 1] + counts[m / 2]);
        cell = std::to_string(static_cast<long long>(median)) + " [" + std::to_string(counts.front()) + "–" +
               std::to_string(counts.back()) + "]";
      }
      const std::size_t lambda = metahebb::Cmaes(Eigen::VectorXd::Zero(n)).population_size();
      std::printf("| %s | %d | %zu | %s | %zu/%d | %s |\n", p.name, n, lambda, cell.c_str(), counts.size(), seeds,
                  p.tutorial[ni]);
    }
  }
  return 0;
}
