#include <catch2/catch.hpp>

#include <metahebb/callbacks/progress_bar.hpp>
#include <metahebb/losses/principal_vector_distance.hpp>
#include <metahebb/meta_learner.hpp>
#include <metahebb/optim/cmaes.hpp>
#include <metahebb/tasks/principal_vector.hpp>
#include <sstream>
#include <string>

using namespace metahebb;

namespace {
RunResult run_with(callbacks::ProgressBar& bar, std::size_t generations) {
  PrincipalVectorConfig config;
  config.input.inputs = 3;
  config.datasets = 2;
  config.steps = 20;
  config.batch_size = 20;
  MetaLearner learner(PrincipalVectorTask(config), PrincipalVectorDistance(),
                      Cmaes(Eigen::VectorXd::Zero(27), {.sigma0 = 0.1, .seed = 1}), SerialExecutor{},
                      {.seed = 1, .max_generations = generations});
  return learner.run(bar);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}
}  // namespace

TEST_CASE("the bar redraws in place, ends with a newline and says why the run stopped", "[progress]") {
  std::ostringstream out;
  callbacks::ProgressBar bar(10, out, callbacks::ProgressBar::Mode::bar);
  CHECK(bar.is_bar());
  run_with(bar, 4);
  const std::string text = out.str();
  CHECK(count(text, "\r[") >= 2);  // the first and the last generation are always drawn
  CHECK(text.find("[####################]     4/4 gen") != std::string::npos);
  CHECK(text.find("\n", text.rfind('\r')) != std::string::npos);
  CHECK(text.find("metahebb: stopped after 4 generations") != std::string::npos);
  CHECK(text.find("[max_generations]: reached max_generations = 4") != std::string::npos);
}

TEST_CASE("away from a terminal the bar falls back to plain lines", "[progress]") {
  std::ostringstream out;
  callbacks::ProgressBar bar(2, out);  // automatic mode: a string stream is no terminal
  CHECK_FALSE(bar.is_bar());
  run_with(bar, 4);
  const std::string text = out.str();
  CHECK(text.find('\r') == std::string::npos);
  CHECK(count(text, "\ngen ") == 3);  // generations 1, 2 and 4
  CHECK(text.find("[max_generations]") != std::string::npos);
}

TEST_CASE("durations read like a person would write them", "[progress]") {
  CHECK(callbacks::ProgressBar::duration(42.04) == "42.0 s");
  CHECK(callbacks::ProgressBar::duration(185) == "3m 05s");
  CHECK(callbacks::ProgressBar::duration(7620) == "2h 07m");
  CHECK(callbacks::ProgressBar::duration(-1) == "?");
}
