#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <metahebb/callbacks/checkpoint.hpp>
#include <metahebb/core/concepts/checkpointable.hpp>
#include <metahebb/losses/principal_vector_distance.hpp>
#include <metahebb/meta_learner.hpp>
#include <metahebb/optim/adam_fd.hpp>
#include <metahebb/optim/cmaes.hpp>
#include <metahebb/tasks/principal_vector.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace metahebb;
namespace fs = std::filesystem;

namespace {
static_assert(io::crc32("123456789") == 0xCBF43926U, "CRC-32 check value of the IEEE polynomial");

PrincipalVectorTask small_task(std::size_t inputs = 3) {
  PrincipalVectorConfig config;
  config.input.inputs = inputs;
  config.datasets = 3;
  config.steps = 30;
  config.batch_size = 40;
  return PrincipalVectorTask(config);
}

Cmaes small_cmaes(std::size_t n = 27, std::uint64_t seed = 3) {
  return Cmaes(Eigen::VectorXd::Constant(static_cast<Eigen::Index>(n), 0.01), {.sigma0 = 0.1, .seed = seed});
}

std::string temp_path(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / "metahebb_checkpoint_test";
  fs::create_directories(dir);
  const fs::path p = dir / name;
  fs::remove(p);
  return p.string();
}

std::string slurp(const std::string& path) { return io::read_file(path); }
void spit(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Records every generation's losses and centre, keyed by the run-wide generation number.
struct Trace {
  std::vector<std::size_t> generation;
  std::vector<Eigen::VectorXd> losses, mean;
  void on_generation(const GenerationReport& r) {
    generation.push_back(r.generation);
    losses.push_back(r.losses);
    mean.push_back(r.mean_theta);
  }
};

// Stands for `kill -9` after generation `at`: the run ends with an exception, so on_end never runs.
struct Kill {
  std::size_t at;
  void on_generation(const GenerationReport& r) {
    if (r.generation == at) throw std::runtime_error("killed");
  }
};

bool bitwise_equal(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.size()) * sizeof(double)) == 0;
}

template <class MakeOptimiser>
void check_kill_and_resume(MakeOptimiser make, const std::string& name) {
  constexpr std::size_t total = 9, every = 3, kill_at = 7;  // the last checkpoint before the kill is generation 6
  const MetaLearnerOptions options{.seed = 5, .max_generations = total};
  const std::string path = temp_path(name);

  MetaLearner uninterrupted(small_task(), PrincipalVectorDistance(), make(), SerialExecutor{}, options);
  Trace reference;
  const RunResult expected = uninterrupted.run(reference);
  REQUIRE(expected.generations == total);

  {
    MetaLearner killed(small_task(), PrincipalVectorDistance(), make(), SerialExecutor{}, options);
    callbacks::Checkpoint checkpoint(killed, path, every);
    Kill kill{kill_at};
    REQUIRE_THROWS_WITH(killed.run(checkpoint, kill), "killed");
    CHECK(checkpoint.writes() == 2);  // generations 3 and 6
  }

  MetaLearner resumed(small_task(), PrincipalVectorDistance(), make(), SerialExecutor{}, options);
  const auto info = callbacks::resume(resumed, path);
  CHECK(info.generation == 6);
  callbacks::Checkpoint checkpoint(resumed, path, every);
  Trace after;
  const RunResult result = resumed.run(checkpoint, after);

  REQUIRE(after.generation == std::vector<std::size_t>{7, 8, 9});
  for (std::size_t i = 0; i < after.generation.size(); ++i) {
    CHECK(bitwise_equal(after.losses[i], reference.losses[6 + i]));
    CHECK(bitwise_equal(after.mean[i], reference.mean[6 + i]));
  }
  CHECK(bitwise_equal(result.final_theta, expected.final_theta));
  CHECK(bitwise_equal(result.best_theta, expected.best_theta));
  CHECK(std::memcmp(&result.best_loss, &expected.best_loss, sizeof(double)) == 0);
  CHECK(result.generations == expected.generations);
  CHECK(result.evaluations == expected.evaluations);
  CHECK(result.simulations == expected.simulations);
  CHECK(result.diverged_simulations == expected.diverged_simulations);
  CHECK(result.status.code == expected.status.code);
  CHECK(resumed.optimiser().generation() == uninterrupted.optimiser().generation());
  fs::remove(path);
}
}  // namespace

TEST_CASE("a killed CMA-ES run resumed from its checkpoint ends bitwise where an uninterrupted run ends", "[checkpoint]") {
  check_kill_and_resume([] { return small_cmaes(); }, "cmaes.ckpt");
}

TEST_CASE("a killed Adam run resumed from its checkpoint ends bitwise where an uninterrupted run ends", "[checkpoint]") {
  check_kill_and_resume(
      [] {
        AdamFdOptions options;
        options.learning_rate = 0.01;
        options.fd_step = 0.01;
        return AdamFd(Eigen::VectorXd::Constant(27, 0.01), options);
      },
      "adam.ckpt");
}

namespace {
BasicCmaes<ScaledBoxTransformation> bounded_cmaes(double scale = 0.5) {
  return BasicCmaes(Eigen::VectorXd::Constant(27, 0.01), {.sigma0 = 0.2, .seed = 3},
                    ScaledBoxTransformation(Eigen::VectorXd::Constant(27, scale), Eigen::VectorXd::Constant(27, -0.05),
                                            Eigen::VectorXd::Constant(27, 0.05)));
}
}  // namespace

// The checkpoint names no optimiser: each one describes itself through serialize(Archive&).
static_assert(check_checkpointable<Cmaes>());
static_assert(check_checkpointable<AdamFd>());
static_assert(check_checkpointable<BasicCmaes<ScaledBoxTransformation>>());

TEST_CASE("a killed bounded, scaled CMA-ES run resumed from its checkpoint ends bitwise where an uninterrupted run ends",
          "[checkpoint]") {
  check_kill_and_resume([] { return bounded_cmaes(); }, "bounded.ckpt");
}

TEST_CASE("checkpoints keep the field names of the first format, so older files still load", "[checkpoint]") {
  // The keys, in order, of a file written before optimisers serialised themselves
  // (commit 66ad056; checked then by resuming such a file bitwise).
  const std::vector<std::string> run_keys{
      "identity.task", "identity.basis", "identity.dimension", "identity.population_size", "identity.datasets",
      "identity.seed", "identity.optimiser", "identity.configuration", "identity.optimiser.seed",
      "identity.optimiser.sigma0", "run.generations", "run.evaluations", "run.simulations",
      "run.diverged_simulations", "run.non_finite_losses", "run.seconds", "run.best_loss", "run.best_theta",
      "run.status_code", "run.status_reason"};
  const std::vector<std::string> cmaes_keys{
      "cmaes.mean", "cmaes.sigma", "cmaes.C", "cmaes.B", "cmaes.inv_sqrt_C", "cmaes.D", "cmaes.eigenvalues",
      "cmaes.p_sigma", "cmaes.p_c", "cmaes.updates", "cmaes.generation", "cmaes.evaluations",
      "cmaes.non_finite_count", "cmaes.total_non_finite", "cmaes.best_loss", "cmaes.best_theta", "cmaes.has_best",
      "cmaes.best_history", "cmaes.status_code", "cmaes.status_reason"};
  const std::vector<std::string> adam_keys{"adam.theta", "adam.m", "adam.v", "adam.gradient", "adam.generation",
                                           "adam.non_finite_count", "adam.best_loss", "adam.best_theta",
                                           "adam.status_code", "adam.status_reason"};
  const std::string path = temp_path("keys.ckpt");
  auto keys_of = [&](auto optimiser) {
    MetaLearner learner(small_task(), PrincipalVectorDistance(), std::move(optimiser), SerialExecutor{},
                        {.seed = 5, .max_generations = 1});
    callbacks::Checkpoint checkpoint(learner, path, 1);
    learner.run(checkpoint);
    std::vector<std::string> keys;
    const io::CheckpointRecord record = io::CheckpointRecord::parse(slurp(path), path);
    for (const auto& [key, value] : record.fields()) keys.push_back(key);
    return keys;
  };
  std::vector<std::string> expected = run_keys;
  expected.insert(expected.end(), cmaes_keys.begin(), cmaes_keys.end());
  // Added after the first format, at the end (saved since restarts and pruning read them;
  // a file without them still loads: "a CMA-ES checkpoint without the start counters ..." below).
  for (const char* key : {"cmaes.restarts", "cmaes.start_generations", "cmaes.start_first_loss", "cmaes.start_best_loss"})
    expected.emplace_back(key);
  CHECK(keys_of(small_cmaes()) == expected);
  expected = run_keys;
  expected[8] = "identity.optimiser.learning_rate";
  expected[9] = "identity.optimiser.fd_step";
  expected.insert(expected.end(), adam_keys.begin(), adam_keys.end());
  CHECK(keys_of(AdamFd(Eigen::VectorXd::Zero(27))) == expected);
  fs::remove(path);
}

TEST_CASE("a CMA-ES checkpoint without the start counters (written before they were saved) still resumes", "[checkpoint]") {
  const std::string path = temp_path("no_start_fields.ckpt");
  {
    MetaLearner learner(small_task(), PrincipalVectorDistance(), small_cmaes(), SerialExecutor{}, {.seed = 5, .max_generations = 2});
    callbacks::Checkpoint checkpoint(learner, path, 1);
    learner.run(checkpoint);
  }
  std::string text;
  {
    std::istringstream in(slurp(path));
    for (std::string line; std::getline(in, line);)
      if (line.rfind("cmaes.restarts", 0) != 0 && line.rfind("cmaes.start_", 0) != 0 && line.rfind("crc32 ", 0) != 0)
        text += line + "\n";
  }
  REQUIRE(text.find("cmaes.start_generations") == std::string::npos);
  char crc[32];
  std::snprintf(crc, sizeof crc, "crc32 %08x\n", static_cast<unsigned>(io::crc32(text)));
  text += crc;
  { std::ofstream(path, std::ios::trunc) << text; }
  MetaLearner resumed(small_task(), PrincipalVectorDistance(), small_cmaes(), SerialExecutor{}, {.seed = 5, .max_generations = 4});
  CHECK(callbacks::resume(resumed, path).generation == 2);
  CHECK(resumed.optimiser().generations_since_start() == 2);
  CHECK(resumed.run().generations == 4);
  fs::remove(path);
}

TEST_CASE("a checkpoint of a bounded CMA-ES is refused by a plain one, or by one with other bounds", "[checkpoint]") {
  const std::string path = temp_path("bounded_refuse.ckpt");
  {
    MetaLearner learner(small_task(), PrincipalVectorDistance(), bounded_cmaes(), SerialExecutor{}, {.seed = 5, .max_generations = 2});
    callbacks::Checkpoint checkpoint(learner, path, 1);
    learner.run(checkpoint);
    for (Eigen::Index k = 0; k < learner.optimiser().ask().cols(); ++k)
      CHECK(learner.optimiser().ask().col(k).cwiseAbs().maxCoeff() <= 0.05);
  }
  MetaLearner plain(small_task(), PrincipalVectorDistance(), small_cmaes(), SerialExecutor{}, {.seed = 5});
  CHECK_THROWS_WITH(callbacks::resume(plain, path),
                    Catch::Contains("optimiser differs (checkpoint: 'cmaes+scaled_box', this run: 'cmaes')"));
  MetaLearner rescaled(small_task(), PrincipalVectorDistance(), bounded_cmaes(0.25), SerialExecutor{}, {.seed = 5});
  CHECK_THROWS_WITH(callbacks::resume(rescaled, path), Catch::Contains("optimiser.scale differs"));
  CHECK(rescaled.optimiser().generation() == 0);
  MetaLearner same(small_task(), PrincipalVectorDistance(), bounded_cmaes(), SerialExecutor{}, {.seed = 5});
  CHECK(callbacks::resume(same, path).generation == 2);
  fs::remove(path);
}

TEST_CASE("the CMA-ES state round-trips exactly, eigen-decomposition included", "[checkpoint]") {
  MetaLearner learner(small_task(), PrincipalVectorDistance(), small_cmaes(), SerialExecutor{}, {.seed = 2, .max_generations = 4});
  const std::string path = temp_path("state.ckpt");
  callbacks::Checkpoint checkpoint(learner, path, 100);
  learner.run(checkpoint);  // written once, at the end
  CHECK(checkpoint.writes() == 1);

  MetaLearner copy(small_task(), PrincipalVectorDistance(), small_cmaes(), SerialExecutor{}, {.seed = 2, .max_generations = 4});
  callbacks::resume(copy, path);
  const CmaesState a = learner.optimiser().state(), b = copy.optimiser().state();
  CHECK(bitwise_equal(a.mean, b.mean));
  CHECK(bitwise_equal(a.C, b.C));
  CHECK(bitwise_equal(a.B, b.B));
  CHECK(bitwise_equal(a.D, b.D));
  CHECK(bitwise_equal(a.inv_sqrt_C, b.inv_sqrt_C));
  CHECK(bitwise_equal(a.p_sigma, b.p_sigma));
  CHECK(bitwise_equal(a.p_c, b.p_c));
  CHECK(a.sigma == b.sigma);
  CHECK(a.best_history == b.best_history);
  CHECK(a.generation == 4);
  CHECK(b.generation == 4);
  CHECK(bitwise_equal(learner.optimiser().ask(), copy.optimiser().ask()));
  // The run had stopped at max_generations = 4: the resumed learner stops at once too.
  CHECK(copy.run().generations == 4);
  fs::remove(path);
}

TEST_CASE("damaged, foreign and mismatched checkpoints are refused and change nothing", "[checkpoint]") {
  const std::string path = temp_path("refuse.ckpt");
  {
    MetaLearner learner(small_task(), PrincipalVectorDistance(), small_cmaes(), SerialExecutor{}, {.seed = 5, .max_generations = 2});
    callbacks::Checkpoint checkpoint(learner, path, 1, "inputs=3");
    learner.run(checkpoint);
  }
  const std::string good = slurp(path);
  const std::string damaged = temp_path("damaged.ckpt");
  MetaLearner fresh(small_task(), PrincipalVectorDistance(), small_cmaes(), SerialExecutor{}, {.seed = 5, .max_generations = 2});
  auto refused = [&](const std::string& bytes, const std::string& configuration = "inputs=3") {
    spit(damaged, bytes);
    try {
      callbacks::resume(fresh, damaged, configuration);
    } catch (const io::checkpoint_error& e) {
      CHECK(fresh.optimiser().generation() == 0);  // unchanged
      CHECK(fresh.progress().generations == 0);
      return std::string(e.what());
    }
    return std::string("accepted");
  };

  SECTION("the intact file is accepted") { CHECK(refused(good) == "accepted"); }
  SECTION("a flipped byte") {
    std::string bytes = good;
    bytes[bytes.size() / 2] ^= 0x01;
    CHECK_THAT(refused(bytes), Catch::Contains("corrupt") && Catch::Contains("crc32"));
  }
  SECTION("a truncated file, at any length") {
    for (std::size_t keep : {std::size_t{0}, std::size_t{10}, good.size() / 3, good.size() - 5, good.size() - 1})
      CHECK_THAT(refused(good.substr(0, keep)), Catch::Contains("refusing checkpoint"));
    CHECK_THAT(refused(good.substr(0, good.size() / 2)), Catch::Contains("truncated"));
  }
  SECTION("another format version") {
    std::string bytes = good;
    bytes.replace(bytes.find(" 1\n"), 3, " 9\n");
    const std::string body = bytes.substr(0, bytes.size() - 15);
    char crc[32];
    std::snprintf(crc, sizeof crc, "crc32 %08x\n", static_cast<unsigned>(io::crc32(body)));
    CHECK_THAT(refused(body + crc), Catch::Contains("format version 9"));
  }
  SECTION("not a checkpoint") { CHECK_THAT(refused("generation,loss\n1,0.5\n"), Catch::Contains("not a metahebb checkpoint")); }
  SECTION("another configuration string") {
    CHECK_THAT(refused(good, "inputs=4"), Catch::Contains("configuration differs") && Catch::Contains("inputs=4"));
  }
  SECTION("another seed") {
    MetaLearner other(small_task(), PrincipalVectorDistance(), small_cmaes(), SerialExecutor{}, {.seed = 6});
    CHECK_THROWS_WITH(callbacks::resume(other, path, "inputs=3"),
                      Catch::Contains("different run") && Catch::Contains("seed differs (checkpoint: '5', this run: '6')"));
    CHECK(other.optimiser().generation() == 0);
  }
  SECTION("another optimiser seed") {
    MetaLearner other(small_task(), PrincipalVectorDistance(), small_cmaes(27, 4), SerialExecutor{}, {.seed = 5});
    CHECK_THROWS_WITH(callbacks::resume(other, path, "inputs=3"), Catch::Contains("optimiser.seed differs"));
  }
  SECTION("another task type, and another number of datasets") {
    struct OtherTask : PrincipalVectorTask {
      using PrincipalVectorTask::PrincipalVectorTask;
    };
    PrincipalVectorConfig config = small_task().config();
    config.datasets = 4;
    MetaLearner other(OtherTask(config), PrincipalVectorDistance(), small_cmaes(), SerialExecutor{}, {.seed = 5});
    CHECK_THROWS_WITH(callbacks::resume(other, path, "inputs=3"),
                      Catch::Contains("task differs") && Catch::Contains("OtherTask") &&
                          Catch::Contains("datasets differs (checkpoint: '3', this run: '4')"));
  }
  SECTION("another optimiser") {
    MetaLearner other(small_task(), PrincipalVectorDistance(), AdamFd(Eigen::VectorXd::Zero(27)), SerialExecutor{}, {.seed = 5});
    CHECK_THROWS_WITH(callbacks::resume(other, path, "inputs=3"), Catch::Contains("optimiser differs"));
  }
  SECTION("a missing file") {
    CHECK_THROWS_AS(callbacks::resume(fresh, path + ".missing"), io::checkpoint_error);
    CHECK_THROWS_WITH(callbacks::resume(fresh, path + ".missing"), Catch::Contains("cannot read"));
  }
  fs::remove(damaged);
  fs::remove(path);
}

TEST_CASE("a failed write leaves the previous checkpoint intact", "[checkpoint]") {
  const std::string path = temp_path("atomic.ckpt");
  MetaLearner learner(small_task(), PrincipalVectorDistance(), small_cmaes(), SerialExecutor{}, {.seed = 5, .max_generations = 2});
  callbacks::Checkpoint checkpoint(learner, path, 1);
  learner.run(checkpoint);
  const std::string before = slurp(path);
  CHECK_FALSE(fs::exists(path + ".tmp"));  // renamed away after every write

  fs::create_directory(path + ".tmp");  // the temporary file cannot be created now
  CHECK_THROWS_AS(checkpoint.write(learner.progress()), io::file_error);
  CHECK(slurp(path) == before);
  fs::remove(path + ".tmp");
  fs::remove(path);
}

TEST_CASE("Checkpoint validates its settings before the run", "[checkpoint]") {
  MetaLearner learner(small_task(), PrincipalVectorDistance(), small_cmaes(), SerialExecutor{}, {.seed = 5});
  CHECK_THROWS_WITH(callbacks::Checkpoint(learner, temp_path("x.ckpt"), 0), Catch::Contains("checkpoint every = 0"));
  CHECK_THROWS_WITH(callbacks::Checkpoint(learner, "/nonexistent-directory/x.ckpt", 5),
                    Catch::Contains("checkpoint path = /nonexistent-directory/x.ckpt"));
  CHECK_THROWS_WITH(callbacks::Checkpoint(learner, "", 5), Catch::Contains("checkpoint path"));
}

TEST_CASE("checkpoint records keep doubles bit for bit and strings verbatim", "[checkpoint]") {
  io::CheckpointRecord record("memory");
  Eigen::VectorXd v(6);
  v << -0.0, std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::infinity(), 0.1,
      std::numeric_limits<double>::quiet_NaN(), -1e308;
  Eigen::MatrixXd m(2, 3);
  m << 1, 2, 3, 4, 5, 6;
  record.put_vector("v", v);
  record.put_matrix("m", m);
  record.put_vector("empty", Eigen::VectorXd());
  record.put_string("s", "a b\\n\nc\r");
  const auto back = io::CheckpointRecord::parse(record.serialize(), "memory");
  CHECK(bitwise_equal(back.get_vector("v"), v));
  CHECK(bitwise_equal(back.get_matrix("m"), m));
  CHECK(back.get_vector("empty").size() == 0);
  CHECK(back.get_string("s") == "a b\\n\nc\r");
  CHECK_THROWS_WITH(back.get_vector("missing"), Catch::Contains("field 'missing' is missing"));
  CHECK_THROWS_WITH(back.get_vector("s"), Catch::Contains("field 's' is not"));
}

namespace {
// `bytes` with its crc32 line recomputed: damage that a checksum cannot catch (a buggy writer).
std::string with_valid_crc(const std::string& bytes) {
  const std::string body = bytes.substr(0, bytes.size() - 15);
  char crc[32];
  std::snprintf(crc, sizeof crc, "crc32 %08x\n", static_cast<unsigned>(io::crc32(body)));
  return body + crc;
}
}  // namespace

TEST_CASE("fields that pass the checksum but do not fit the run are refused, never misread", "[checkpoint]") {
  const std::string path = temp_path("fields.ckpt");
  {
    MetaLearner learner(small_task(), PrincipalVectorDistance(), small_cmaes(), SerialExecutor{}, {.seed = 5, .max_generations = 2});
    callbacks::Checkpoint checkpoint(learner, path, 1);
    learner.run(checkpoint);
  }
  const std::string good = slurp(path);
  MetaLearner fresh(small_task(), PrincipalVectorDistance(), small_cmaes(), SerialExecutor{}, {.seed = 5, .max_generations = 2});
  auto resume_bytes = [&](const std::string& bytes) {
    spit(path, with_valid_crc(bytes));
    try {
      callbacks::resume(fresh, path);
    } catch (const io::checkpoint_error& e) {
      CHECK(fresh.optimiser().generation() == 0);
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  auto line_of = [&](const std::string& key) {
    const auto begin = good.find("\n" + key + " ") + 1;
    return std::pair{begin, good.find('\n', begin) - begin};
  };

  SECTION("a vector one value short") {
    std::string bytes = good;
    const auto [begin, length] = line_of("cmaes.mean");
    bytes.erase(begin + length - 17, 17);
    CHECK_THAT(resume_bytes(bytes), Catch::Contains("field 'cmaes.mean' is not a vector"));
  }
  SECTION("a covariance of the wrong size") {
    std::string bytes = good;
    const auto [begin, length] = line_of("cmaes.C");
    bytes.replace(begin, length, "cmaes.C 1 1 3ff0000000000000");
    CHECK_THAT(resume_bytes(bytes), Catch::Contains("cmaes state dimension"));
  }
  SECTION("an unknown stop code") {
    std::string bytes = good;
    const auto [begin, length] = line_of("cmaes.status_code");
    bytes.replace(begin, length, "cmaes.status_code 99");
    CHECK_THAT(resume_bytes(bytes), Catch::Contains("field 'cmaes.status_code' = 99 is not a stop code"));
  }
  SECTION("a missing field") {
    std::string bytes = good;
    const auto [begin, length] = line_of("cmaes.p_c");
    bytes.erase(begin, length + 1);
    CHECK_THAT(resume_bytes(bytes), Catch::Contains("field 'cmaes.p_c' is missing"));
  }
  SECTION("random byte damage: refused with checkpoint_error or read, nothing else") {
    RandomStream random(7, Purpose::user);
    std::size_t refused = 0;
    for (int trial = 0; trial < 300; ++trial) {
      std::string bytes = good;
      const auto at = 20 + static_cast<std::size_t>(random.uniform() * static_cast<double>(bytes.size() - 40));
      bytes[at] = " \n0f-x9"[random() % 7];
      spit(path, with_valid_crc(bytes));
      MetaLearner learner(small_task(), PrincipalVectorDistance(), small_cmaes(), SerialExecutor{}, {.seed = 5});
      try {
        callbacks::resume(learner, path);
      } catch (const io::checkpoint_error&) {
        ++refused;  // any other exception type fails the test
      }
    }
    CHECK(refused > 0);  // most damage breaks the structure; a changed hex digit inside a value reads as another number
  }
  fs::remove(path);
}
