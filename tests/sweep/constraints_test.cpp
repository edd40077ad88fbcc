#include <catch2/catch.hpp>

#include <cmath>
#include <metahebb/sweep/constraints.hpp>

using namespace metahebb;
using namespace metahebb::sweep;

namespace {
const std::vector<std::string> vocabulary{"rate_e_hz", "cv_isi", "w_blow"};
std::string error_of(std::string_view text) {
  try {
    Constraints::parse(text, vocabulary, "c.txt");
  } catch (const invalid_configuration& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST_CASE("constraints parse intervals, bounds and comments", "[sweep][constraints]") {
  const auto c = Constraints::parse("# the paper's filters\n\nrate_e_hz in [1, 50]   # Hz\n  cv_isi >= 0.7\nw_blow <= 1e-1\n",
                                    vocabulary);
  REQUIRE(c.size() == 3);
  CHECK(c.list()[0].metric == "rate_e_hz");
  CHECK(c.list()[0].lower == 1.0);
  CHECK(c.list()[0].upper == 50.0);
  CHECK(c.list()[0].line == 3);
  CHECK(c.list()[1].column == 1);
  CHECK(c.list()[1].lower == 0.7);
  CHECK(std::isinf(c.list()[1].upper));
  CHECK(c.list()[2].upper == 0.1);
  CHECK(c.str() == "rate_e_hz in [1, 50]\ncv_isi in [0.7, inf]\nw_blow in [-inf, 0.1]\n");
  CHECK(Constraints::parse(c.str(), vocabulary).str() == c.str());  // the text reads back as itself
  CHECK(Constraints::parse("rate_e_hz in [-inf, 3]", vocabulary).list()[0].upper == 3.0);
}

TEST_CASE("constraint errors name the line, the metric and the value", "[sweep][constraints]") {
  CHECK_THAT(error_of("rate_e_hz in [1, 50]\nrate_hz >= 1\n"),
             Catch::Contains("c.txt line 2: metric = rate_hz") && Catch::Contains("unknown"));
  CHECK_THAT(error_of("\n\ncv_isi in [2, 1]"), Catch::Contains("c.txt line 3: cv_isi interval = [2, 1]") &&
                                                   Catch::Contains("empty"));
  CHECK_THAT(error_of("cv_isi >= high"), Catch::Contains("line 1: cv_isi lower bound = high"));
  CHECK_THAT(error_of("cv_isi in [1, 2"), Catch::Contains("cv_isi interval = [1, 2"));
  CHECK_THAT(error_of("cv_isi == 2"), Catch::Contains("line 1: cv_isi = == 2"));
  CHECK_THAT(error_of("cv_isi >= 1\ncv_isi <= 2"), Catch::Contains("line 2: metric = cv_isi") &&
                                                       Catch::Contains("twice"));
  CHECK_THAT(error_of("cv_isi"), Catch::Contains("line 1 = cv_isi"));
  CHECK_THAT(error_of("w_blow <= nan"), Catch::Contains("w_blow upper bound = nan"));
}

TEST_CASE("a report counts rules passing each constraint and all of them, and NaN fails", "[sweep][constraints]") {
  const auto c = Constraints::parse("rate_e_hz in [1, 50]\ncv_isi >= 0.7\n", vocabulary);
  Eigen::MatrixXd m(5, 3);
  m << 5, 0.9, 0,     // passes both
      0.5, 0.9, 0,    // rate too low
      5, 0.5, 0,      // too regular
      NAN, NAN, 0,    // exploded: NaN fails
      50, 0.7, 1;     // on both bounds: inclusive
  std::vector<char> accepted;
  const ConstraintReport r = c.report(m, &accepted);
  CHECK(r.rules == 5);
  CHECK(r.passing == std::vector<std::size_t>{3, 3});
  CHECK(r.passing_all == 2);
  CHECK(accepted == std::vector<char>{1, 0, 0, 0, 1});
  CHECK(r.acceptance() == 0.4);
  CHECK(c.passes(m.row(0)));
  CHECK_FALSE(c.passes(m.row(3)));
  CHECK_THROWS_AS(c.report(Eigen::MatrixXd(2, 2)), invalid_configuration);
}
