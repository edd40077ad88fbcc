// Writes every kind of output a run produces (npy arrays, JSON summary, CSV) into the
// directory given as argv[1]; tests/python/read_outputs.py loads them with numpy and
// checks their contents. Not a Catch2 test: the checks live on the Python side.

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <limits>
#include <metahebb/callbacks/csv_recorder.hpp>
#include <metahebb/callbacks/json_summary.hpp>
#include <metahebb/callbacks/theta_history.hpp>
#include <metahebb/io/npy.hpp>
#include <metahebb/losses/principal_vector_distance.hpp>
#include <metahebb/meta_learner.hpp>
#include <metahebb/optim/cmaes.hpp>
#include <metahebb/tasks/principal_vector.hpp>
#include <string>
#include <vector>

using namespace metahebb;

int main(int argc, char** argv) try {
  if (argc != 2) {
    std::cerr << "usage: write_outputs <existing directory>\n";
    return 2;
  }
  const std::string dir = std::string(argv[1]) + "/";

  // Arrays with known contents, one per element type and layout.
  Eigen::MatrixXd m(2, 3);  // column-major in memory: written with fortran_order
  m << 1.5, -2.0, 3.25, 4.0, 0.1, -0.0;
  io::write_npy(dir + "matrix_f8.npy", m);
  Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> r(3, 2);
  r << 1, 2, 3, 4, 5, 6;
  io::write_npy(dir + "rowmajor_f4.npy", r);
  io::write_npy(dir + "vector_i8.npy", std::vector<std::int64_t>{-3, 0, 1LL << 40});
  io::write_npy(dir + "vector_u4.npy", std::vector<std::uint32_t>{7, 4000000000U});
  io::write_npy(dir + "empty_f8.npy", std::vector<double>{});
  std::vector<double> cube(24);
  for (std::size_t i = 0; i < cube.size(); ++i) cube[i] = static_cast<double>(i);
  io::write_npy(dir + "cube_f8.npy", cube.data(), {2, 3, 4});
  io::write_npy(dir + "special_f8.npy", std::vector<double>{std::numeric_limits<double>::quiet_NaN(),
                                                            -std::numeric_limits<double>::infinity(), 1e-310, 0.1});

  // A short run with every output callback.
  PrincipalVectorConfig config;
  config.input.inputs = 3;
  config.datasets = 2;
  config.steps = 30;
  config.batch_size = 40;
  MetaLearner learner(PrincipalVectorTask(config), PrincipalVectorDistance(),
                      Cmaes(Eigen::VectorXd::Zero(27), {.sigma0 = 0.1, .seed = 4}), SerialExecutor{},
                      {.seed = 4, .max_generations = 6});
  callbacks::ThetaHistory history(dir + "run_", 2);
  io::JsonObject extra;
  extra.add("note", "quote \" backslash \\ newline \n tab \t control \x01 unicode \xc3\xa9")
      .add("nan", std::numeric_limits<double>::quiet_NaN())
      .add("tiny", 5e-324);
  callbacks::JsonSummary summary(dir + "run_summary.json", extra);
  learner.run(history, summary, callbacks::CsvRecorder(dir + "run.csv"));
  std::puts("write_outputs: done");
  return 0;
} catch (const std::exception& e) {
  std::cerr << e.what() << '\n';
  return 1;
}
