// Many stabilising rules from a sequential proposal (familiarity/sequential.hpp): round 0 is the
// prior's draws, later rounds propose inside the box around the rules that passed, and the run
// is the same whatever the thread count.
#include <catch2/catch.hpp>

#include <Eigen/Core>
#include <string>
#include <vector>

#include <metahebb/familiarity/experiment.hpp>
#include <metahebb/familiarity/sequential.hpp>

using namespace metahebb;
using namespace metahebb::familiarity;

namespace {

// Feedforward rate network of 8 neurons, 2 seeds, 8 s of background: a run takes milliseconds.
ExperimentConfig small() {
  ExperimentConfig e;
  e.sizes = {8};
  e.seeds = 2;
  e.protocol.background = 8;
  e.protocol.test_times = {1, 3};
  e.stability.settle = 0.2;
  return e;
}

// The box [-1, 1] over the 12 Volterra coefficients.
sweep::Prior box(const ExperimentConfig& e) {
  std::vector<sweep::Coordinate> c;
  for (std::size_t k = 0; k < RateNetwork::num_parameters(e.network); ++k)
    c.push_back(sweep::Coordinate::uniform("theta" + std::to_string(k), -1.0, 1.0));
  return sweep::Prior(c);
}

}  // namespace

TEST_CASE("sequential proposal: round 0 is the prior, later rounds stay in the box, threads change nothing", "[familiarity]") {
  const ExperimentConfig e = small();
  const sweep::Prior prior = box(e);
  SequentialSettings settings;
  settings.rounds = 3;
  settings.draws = 40;
  settings.screened = 4;
  settings.min_fit = 2;
  std::vector<RoundReport> one_reports, two_reports;
  std::size_t calls = 0;
  const ExperimentResult one = run_sequential(e, prior, settings, ThreadExecutor(1), one_reports,
                                              [&](const ExperimentResult& so_far, const RoundReport& report) {
                                                ++calls;
                                                CHECK(so_far.summaries.size() == so_far.rules.size());
                                                CHECK(report.round + 1 == calls);
                                              });
  const ExperimentResult two = run_sequential(e, prior, settings, ThreadExecutor(2), two_reports, [](const auto&, const auto&) {});
  CHECK(calls == 3);
  REQUIRE(one_reports.size() == 3);
  REQUIRE(one.rules.size() == two.rules.size());
  for (std::size_t r = 0; r < one.rules.size(); ++r) {
    CHECK(one.rules[r] == two.rules[r]);
    CHECK(one.indices[r] == two.indices[r]);
    CHECK(one.summaries[r][0].delta_rate == two.summaries[r][0].delta_rate);
    CHECK(prior.contains(one.rules[r]));
  }
  std::size_t screened = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    CHECK(one_reports[k].drawn == two_reports[k].drawn);
    CHECK(one_reports[k].screened <= settings.screened);
    screened += one_reports[k].screened;
  }
  CHECK(screened == one.rules.size());
  // Round 0: the prior's rules, at their draw indices.
  REQUIRE(one_reports[0].screened > 0);
  CHECK(std::string(one_reports[0].fitted_on) == "prior");
  for (std::size_t r = 0; r < one_reports[0].screened; ++r) {
    CHECK(one.indices[r] < round_stride);
    CHECK(one.rules[r] == prior.sample(e.seed, one.indices[r]));
  }
  // Round 1 proposes around round 0's rules: not the prior's draws at those indices.
  CHECK(std::string(one_reports[1].fitted_on) != "prior");
  CHECK(one_reports[1].fitted_rules == (one_reports[0].stabilising >= 2 ? one_reports[0].stabilising : one_reports[0].screened));
  REQUIRE(one_reports[1].screened > 0);
  const std::size_t r1 = one_reports[0].screened;
  CHECK(one.indices[r1] / round_stride == 1);
  CHECK(one.rules[r1] != prior.sample(e.seed, one.indices[r1]));
  // Rule i of a round depends on (seed, round, i) only: asking for fewer screened rules per round
  // keeps round 0's first rules.
  settings.screened = 2;
  settings.rounds = 1;
  std::vector<RoundReport> fewer_reports;
  const ExperimentResult fewer = run_sequential(e, prior, settings, ThreadExecutor(1), fewer_reports, [](const auto&, const auto&) {});
  for (std::size_t r = 0; r < fewer.rules.size(); ++r) CHECK(fewer.rules[r] == one.rules[r]);
  settings.bandwidth = 0;
  CHECK_THROWS_WITH(settings.validate(), Catch::Contains("sequential.bandwidth"));
}
