#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <metahebb/callbacks/csv_recorder.hpp>
#include <metahebb/callbacks/early_stop.hpp>
#include <metahebb/callbacks/history.hpp>
#include <metahebb/callbacks/progress_line.hpp>
#include <metahebb/execution/threads.hpp>
#include <metahebb/losses/principal_vector_distance.hpp>
#include <metahebb/meta_learner.hpp>
#include <metahebb/optim/cmaes.hpp>
#include <metahebb/tasks/principal_vector.hpp>
#include <sstream>
#include <string>
#include <vector>

using namespace metahebb;

namespace {
PrincipalVectorTask small_task() {
  PrincipalVectorConfig config;
  config.input.inputs = 3;
  config.datasets = 4;
  config.steps = 40;
  config.batch_size = 50;
  return PrincipalVectorTask(config);
}

Cmaes small_cmaes(std::uint64_t seed = 3) {
  CmaesOptions options;
  options.sigma0 = 0.1;
  options.seed = seed;
  return Cmaes(Eigen::VectorXd::Zero(27), options);
}

struct Spy {
  int begins = 0, generations = 0, ends = 0;
  std::size_t last_generation = 0;
  bool report_consistent = true;
  void on_begin(const RunInfo& info) {
    ++begins;
    report_consistent = report_consistent && info.num_parameters == 27 && info.parameter_names->size() == 27;
  }
  void on_generation(const GenerationReport& r) {
    ++generations;
    report_consistent = report_consistent && r.generation == last_generation + 1 && r.losses.size() == r.thetas.cols() &&
                        r.best_loss == r.losses.minCoeff() && r.best_loss_so_far <= r.best_loss;
    last_generation = r.generation;
  }
  void on_end(const RunResult&) { ++ends; }
};
}  // namespace

TEST_CASE("every hook fires as documented and max_generations stops the run", "[meta_learner]") {
  MetaLearner learner(small_task(), PrincipalVectorDistance(), small_cmaes(), SerialExecutor{}, {.seed = 1, .max_generations = 5});
  Spy spy;
  const RunResult result = learner.run(spy);
  CHECK(spy.begins == 1);
  CHECK(spy.generations == 5);
  CHECK(spy.ends == 1);
  CHECK(spy.report_consistent);
  CHECK(result.generations == 5);
  CHECK(result.evaluations == 5 * learner.optimiser().population_size());
  CHECK(result.simulations == result.evaluations * 4);
  CHECK(result.status.code == StopCode::max_generations);
  CHECK_FALSE(result.status.reason.empty());
  CHECK(std::isfinite(result.best_loss));
  CHECK(result.final_theta == learner.optimiser().mean());
}

TEST_CASE("a callback returning true stops the run and the reason says so", "[meta_learner]") {
  MetaLearner learner(small_task(), PrincipalVectorDistance(), small_cmaes(), SerialExecutor{}, {.seed = 1, .max_generations = 50});
  callbacks::StopWhen stop([](const GenerationReport& r) { return r.generation == 3; });
  const RunResult result = learner.run(stop);
  CHECK(result.generations == 3);
  CHECK(result.status.code == StopCode::callback);
  CHECK_THAT(result.status.reason, Catch::Contains("callback"));
}

TEST_CASE("results are bitwise identical for 1 and 2 threads", "[meta_learner][determinism]") {
  const auto run = [](auto executor) {
    MetaLearner learner(small_task(), PrincipalVectorDistance(), small_cmaes(), executor, {.seed = 11, .max_generations = 6});
    callbacks::History history;
    const RunResult result = learner.run(history);
    return std::pair{result, history.entries()};
  };
  const auto [serial, serial_history] = run(SerialExecutor{});
  const auto [threaded, threaded_history] = run(ThreadExecutor(2));
  CHECK(serial.final_theta == threaded.final_theta);
  CHECK(serial.best_loss == threaded.best_loss);
  REQUIRE(serial_history.size() == threaded_history.size());
  for (std::size_t g = 0; g < serial_history.size(); ++g) {
    CHECK(serial_history[g].best_loss == threaded_history[g].best_loss);
    CHECK(serial_history[g].mean_loss == threaded_history[g].mean_loss);
  }
  // and another seed gives another run
  MetaLearner other(small_task(), PrincipalVectorDistance(), small_cmaes(), SerialExecutor{}, {.seed = 12, .max_generations = 6});
  CHECK(other.run().final_theta != serial.final_theta);
}

TEST_CASE("CSV recorder writes a header and one flushed row per generation", "[meta_learner][callbacks]") {
  const std::string path = "meta_learner_test.csv";
  {
    MetaLearner learner(small_task(), PrincipalVectorDistance(), small_cmaes(), SerialExecutor{}, {.seed = 1, .max_generations = 4});
    callbacks::CsvRecorder csv(path, rules::oja(VolterraBasis::pre_post_weight()));
    learner.run(csv);
  }
  std::ifstream in(path);
  std::string header, line;
  std::getline(in, header);
  CHECK_THAT(header, Catch::StartsWith("generation,evaluations,best_loss") && Catch::Contains("\"x^1 y^1 w^0\""));
  int rows = 0;
  while (std::getline(in, line)) {
    ++rows;
    CHECK(std::count(line.begin(), line.end(), ',') == std::count(header.begin(), header.end(), ','));
  }
  CHECK(rows == 4);
  std::remove(path.c_str());
  CHECK_THROWS_WITH(callbacks::CsvRecorder("/nonexistent-dir/x.csv"), Catch::Contains("csv path"));
}

TEST_CASE("CSV recorder resuming keeps the rows up to the checkpoint and writes no second header",
          "[meta_learner][callbacks]") {
  const std::string path = "meta_learner_resume_test.csv";
  auto run = [](std::size_t generations, callbacks::CsvRecorder csv) {
    MetaLearner learner(small_task(), PrincipalVectorDistance(), small_cmaes(), SerialExecutor{},
                        {.seed = 1, .max_generations = generations});
    learner.run(csv);
  };
  auto first_fields = [&path] {
    std::ifstream in(path);
    std::vector<std::string> fields;
    for (std::string line; std::getline(in, line);) fields.push_back(line.substr(0, line.find(',')));
    return fields;
  };
  std::remove(path.c_str());
  run(2, callbacks::CsvRecorder::resuming(path, 0));  // no file yet: starts afresh, with a header
  CHECK(first_fields() == std::vector<std::string>{"generation", "1", "2"});
  run(6, callbacks::CsvRecorder(path));  // an interrupted run wrote 6 rows, its checkpoint was at 4
  run(2, callbacks::CsvRecorder::resuming(path, 4));
  CHECK(first_fields() == std::vector<std::string>{"generation", "1", "2", "3", "4", "1", "2"});
  { std::ofstream(path) << "not a csv\n"; }
  CHECK_THROWS_WITH(callbacks::CsvRecorder::resuming(path, 4), Catch::Contains("csv file") && Catch::Contains(path));
  std::remove(path.c_str());
}

TEST_CASE("progress lines go to the given stream and end with the reason", "[meta_learner][callbacks]") {
  std::ostringstream out;
  MetaLearner learner(small_task(), PrincipalVectorDistance(), small_cmaes(), SerialExecutor{}, {.seed = 1, .max_generations = 3});
  callbacks::ProgressLine progress(1, out);
  progress.with_reference(rules::oja(VolterraBasis::pre_post_weight()), "angle to Oja");
  learner.run(progress);
  CHECK_THAT(out.str(), Catch::Contains("gen     3/3") && Catch::Contains("angle to Oja ") &&
                            Catch::Contains("stopped after 3 generations") && Catch::Contains("max_generations = 3"));
}

TEST_CASE("early stop fires after `patience` generations without improvement", "[callbacks]") {
  callbacks::EarlyStop stop(3);
  const Eigen::MatrixXd thetas = Eigen::MatrixXd::Zero(1, 1);
  const Eigen::VectorXd losses = Eigen::VectorXd::Zero(1);
  const std::vector<std::string> names{"a"};
  const auto report = [&](double best) {
    return GenerationReport{.thetas = thetas, .losses = losses, .mean_theta = losses, .best_loss_so_far = best,
                            .best_theta_so_far = losses, .parameter_names = names};
  };
  CHECK_FALSE(stop.on_generation(report(1.0)));
  CHECK_FALSE(stop.on_generation(report(0.5)));
  CHECK_FALSE(stop.on_generation(report(0.5)));
  CHECK_FALSE(stop.on_generation(report(0.5)));
  CHECK(stop.on_generation(report(0.5)));
  CHECK_THROWS_WITH(callbacks::EarlyStop(0), Catch::Contains("early_stop.patience"));
}

TEST_CASE("an optimiser of the wrong dimension is refused before any work", "[meta_learner]") {
  CHECK_THROWS_WITH(MetaLearner(small_task(), PrincipalVectorDistance(), Cmaes(Eigen::VectorXd::Zero(5))),
                    Catch::Contains("optimiser.dimension()") && Catch::Contains("5") && Catch::Contains("27"));
}
