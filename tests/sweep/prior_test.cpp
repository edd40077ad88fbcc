#include <catch2/catch.hpp>

#include <cmath>
#include <metahebb/sweep/prior.hpp>
#include <metahebb/sweep/theta_table.hpp>
#include <metahebb/io/npy.hpp>
#include <filesystem>
#include <fstream>

using namespace metahebb;
using namespace metahebb::sweep;

namespace {
Prior three() {
  return Prior({Coordinate::uniform("alpha", -1, 2), Coordinate::log_uniform("tau", 0.005, 0.1),
                Coordinate::fixed("eta", 0.25)});
}
std::string error_of(auto&& f) {
  try {
    f();
  } catch (const invalid_configuration& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST_CASE("prior coordinates are validated with errors naming the coordinate", "[sweep][prior]") {
  CHECK_THAT(error_of([] { Prior({Coordinate::uniform("alpha", 1, 1)}); }), Catch::Contains("prior.alpha.upper"));
  CHECK_THAT(error_of([] { Prior({Coordinate::log_uniform("tau", 0, 1)}); }),
             Catch::Contains("prior.tau.lower") && Catch::Contains("> 0"));
  CHECK_THAT(error_of([] { Prior({Coordinate::uniform("a", 0, INFINITY)}); }), Catch::Contains("prior.a.upper = inf"));
  CHECK_THAT(error_of([] { Prior({Coordinate::fixed("k", NAN)}); }), Catch::Contains("prior.k.value"));
  CHECK_THAT(error_of([] { Prior({Coordinate::uniform("a", 0, 1), Coordinate::uniform("a", 0, 2)}); }),
             Catch::Contains("appears twice"));
  CHECK_THAT(error_of([] { Prior(std::vector<Coordinate>{}); }), Catch::Contains("at least one"));
  CHECK_THAT(error_of([] { three().require_names({"alpha", "beta", "eta"}); }),
             Catch::Contains("prior coordinate 1 = tau") && Catch::Contains("\"beta\""));
}

TEST_CASE("rule i's theta depends on (seed, i) only and stays in the support", "[sweep][prior]") {
  const Prior p = three();
  const Eigen::MatrixXd block = p.sample_rows(7, 100, 50);
  for (Eigen::Index i = 0; i < 50; ++i) {
    const Eigen::VectorXd alone = p.sample(7, 100 + static_cast<std::uint64_t>(i));
    CHECK(alone == block.row(i).transpose());  // bitwise: the same numbers however rules are grouped
    CHECK(p.contains(alone));
    CHECK(alone[2] == 0.25);
  }
  CHECK(p.sample(7, 3) != p.sample(8, 3));
  CHECK(p.sample(7, 3) != p.sample(7, 4));
  // Marginals of 4000 draws: uniform mean (−1 + 2)/2 = 0.5 with sd 3/√12/√4000 ≈ 0.014; the
  // log-uniform's log has mean (ln 0.005 + ln 0.1)/2 ≈ −3.80 with sd 3.0/√12/√4000 ≈ 0.014.
  // 0.06 is > 4 standard errors.
  const Eigen::MatrixXd many = p.sample_rows(1, 0, 4000);
  CHECK(std::abs(many.col(0).mean() - 0.5) < 0.06);
  CHECK(std::abs(many.col(1).array().log().mean() - 0.5 * (std::log(0.005) + std::log(0.1))) < 0.06);
  CHECK(many.col(1).minCoeff() >= 0.005);
  CHECK(many.col(1).maxCoeff() <= 0.1);
}

TEST_CASE("rule seeds are shared by groups of rules_per_seed consecutive ids", "[sweep][prior]") {
  CHECK(rule_seed(3, 0, 16) == rule_seed(3, 15, 16));
  CHECK(rule_seed(3, 15, 16) != rule_seed(3, 16, 16));
  CHECK(rule_seed(3, 4) != rule_seed(3, 5));
  CHECK(rule_seed(3, 4) != rule_seed(4, 4));
  CHECK_THROWS_AS(rule_seed(3, 4, 0), invalid_configuration);
}

TEST_CASE("theta tables load from CSV by name and from .npy", "[sweep][prior]") {
  const auto dir = std::filesystem::temp_directory_path() / "metahebb_sweep_theta_table";
  std::filesystem::create_directories(dir);
  const std::vector<std::string> names{"alpha", "beta", "tau"};
  {
    std::ofstream("" + (dir / "t.csv").string()) << "# two rules\ntau, alpha, beta\n0.02, -1, 4\n\n0.01, 0.5, 2.5\n";
  }
  const Eigen::MatrixXd csv = read_theta_table((dir / "t.csv").string(), names);
  REQUIRE(csv.rows() == 2);
  CHECK(csv.row(0) == Eigen::RowVector3d(-1, 4, 0.02));
  CHECK(csv.row(1) == Eigen::RowVector3d(0.5, 2.5, 0.01));
  io::write_npy((dir / "t.npy").string(), csv);  // Eigen's column-major: fortran_order True
  CHECK(read_theta_table((dir / "t.npy").string(), names) == csv);
  {
    std::ofstream((dir / "bad.csv").string()) << "alpha, beta, tau\n1, x, 0.02\n";
    std::ofstream((dir / "missing.csv").string()) << "alpha, tau\n1, 0.02\n";
  }
  CHECK_THAT(error_of([&] { read_theta_table((dir / "bad.csv").string(), names); }),
             Catch::Contains("line 2 column beta = x"));
  CHECK_THAT(error_of([&] { read_theta_table((dir / "missing.csv").string(), names); }),
             Catch::Contains("header = beta") && Catch::Contains("missing"));
  std::filesystem::remove_all(dir);
}
