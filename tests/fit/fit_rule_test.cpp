// The reward Volterra rule's names and parser, the MLP rule, recorded data as CSV, and Adam on
// exact gradients recovering Oja's rule from activity (fit/, rules/reward_volterra.hpp,
// rules/mlp_rule.hpp).
#include <catch2/catch.hpp>

#include <metahebb/core/angle.hpp>
#include <metahebb/core/errors.hpp>
#include <metahebb/fit/activity_data.hpp>
#include <metahebb/fit/behaviour_data.hpp>
#include <metahebb/fit/fit_rule.hpp>
#include <metahebb/fit/trajectory_csv.hpp>
#include <metahebb/io/npy.hpp>
#include <metahebb/rules/mlp_rule.hpp>
#include <metahebb/rules/reward_volterra.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

using namespace metahebb;
using namespace metahebb::fit;

TEST_CASE("reward Volterra: 81 terms named X_Y_W_R_, index 27a + 9b + 3c + d, parsed back") {
  const VolterraBasis b = reward_volterra_basis();
  REQUIRE(b.size() == 81);
  CHECK(compact_term_name(b, 0) == "X0Y0W0R0");
  CHECK(compact_term_name(b, 27 * 1 + 9 * 0 + 3 * 0 + 1) == "X1Y0W0R1");
  CHECK(compact_term_name(b, 80) == "X2Y2W2R2");
  for (std::size_t k = 0; k < b.size(); ++k) CHECK(term_index(b, compact_term_name(b, k)) == k);
  CHECK(term_index(b, "x1y1w0r1") == 27 + 9 + 1);
  const Eigen::VectorXd oja = rules::oja_reward_basis(b);
  CHECK(oja.sum() == 0.0);
  CHECK(oja[27 + 9] == 1.0);
  CHECK(oja[2 * 9 + 3] == -1.0);
  const Eigen::VectorXd forget = rules::forgetting_teacher(b);
  CHECK(forget[27 + 1] == 1.0);
  CHECK(forget[3] == -0.5);
  CHECK(forget.cwiseAbs().sum() == 1.5);
}

TEST_CASE("reward Volterra: bad coefficient text throws naming the part") {
  const VolterraBasis b = reward_volterra_basis();
  CHECK_THROWS_WITH(term_index(b, "X3Y0W0R0"), Catch::Contains("X3Y0W0R0"));
  CHECK_THROWS_WITH(theta_from_terms(b, "X1Y1W0R0"), Catch::Contains("TERM=VALUE"));
  CHECK_THROWS_WITH(theta_from_terms(b, "X1Y1W0R0=abc"), Catch::Contains("abc"));
  CHECK_THROWS_WITH(theta_from_terms(b, ""), Catch::Contains("rule coefficients"));
  CHECK_THROWS_WITH(theta_from_terms(b, "X1Y1W0R0=1,"), Catch::Contains("TERM=VALUE"));
}

TEST_CASE("MLP rule: 61 coefficients for [4, 10, 1], tanh-bounded output, a closed form for one hidden unit") {
  const MlpRule mlp;
  CHECK(mlp.size() == 61);
  CHECK(mlp.term_name(0) == "A[0][0]");
  CHECK(mlp.term_name(60) == "c");
  // One hidden unit: f = tanh(b · lrelu(A z + a) + c).
  const MlpRule one(2, 1);
  Eigen::VectorXd theta(5);
  theta << 1.0, -2.0, 0.5, 3.0, 0.1;  // A = (1, −2), a = 0.5, b = 3, c = 0.1
  const std::array<double, 2> pos{1.0, 0.2}, neg{0.0, 1.0};
  CHECK(one.evaluate<double>(theta, pos) == Approx(std::tanh(3.0 * (1.0 - 0.4 + 0.5) + 0.1)).epsilon(1e-15));
  CHECK(one.evaluate<double>(theta, neg) == Approx(std::tanh(3.0 * 0.01 * (-2.0 + 0.5) + 0.1)).epsilon(1e-15));
  CHECK_THROWS_WITH(MlpRule(0, 10), Catch::Contains("mlp_rule.factors"));
}

TEST_CASE("data configurations reject bad values naming the field") {
  ActivityDataConfig a;
  a.sparsity = 0.0;
  CHECK_THROWS_WITH(a.validate(), Catch::Contains("sparsity"));
  a.sparsity = 1.0;
  a.noise = -1.0;
  CHECK_THROWS_WITH(a.validate(), Catch::Contains("noise"));
  BehaviourDataConfig b;
  b.reward_probabilities = {{0.2, 1.5}};
  CHECK_THROWS_WITH(b.validate(), Catch::Contains("reward probability"));
  FitOptions o;
  o.learning_rate = 0.0;
  CHECK_THROWS_WITH(o.validate(81), Catch::Contains("learning_rate"));
}

TEST_CASE("behaviour data: blocks of trials, one update per accepted presentation, replayable teacher") {
  BehaviourDataConfig c;
  c.trials_per_block = 40;
  const VolterraBasis b = reward_volterra_basis();
  const auto s = simulate_behaviour(c, b, rules::reward_teacher(b), 2, 0);
  std::size_t accepted = 0;
  for (Eigen::Index t = 0; t < s.data.choice.size(); ++t) accepted += s.data.choice[t] == 1.0;
  CHECK(accepted == 3 * 40);  // every trial ends with one acceptance (p never vanishes here)
  CHECK(s.data.steps() >= accepted);
  CHECK_FALSE(s.truth.diverged);
  // A reward rule changes the weights; the zero rule would not.
  CHECK((s.truth.w.back() - s.data.w0).norm() > 0.1);
}

TEST_CASE("trajectories survive a CSV and a .npy round trip (activity with unrecorded neurons, behaviour)") {
  const auto dir = std::filesystem::temp_directory_path();
  const VolterraBasis b = reward_volterra_basis();
  ActivityDataConfig a;
  a.layer.inputs = 3;
  a.layer.outputs = 4;
  a.steps = 7;
  a.sparsity = 0.5;
  a.noise = 0.1;
  std::vector<Trajectory> act{simulate_activity(a, b, rules::oja_reward_basis(b), 1, 0).data,
                              simulate_activity(a, b, rules::oja_reward_basis(b), 1, 1).data};
  const std::string path = (dir / "metahebb_fit_activity.csv").string();
  write_trajectories_csv(path, path + ".w0.csv", act, false);
  auto back = read_trajectories_csv(path, a.layer, false);
  read_initial_weights_csv(path + ".w0.csv", back, a.layer);
  REQUIRE(back.size() == 2);
  for (std::size_t k = 0; k < 2; ++k) {
    CHECK(back[k].x == act[k].x);  // %.17g: exact
    CHECK(back[k].w0 == act[k].w0);
    CHECK(back[k].r == act[k].r);
    CHECK(back[k].plastic == act[k].plastic);
    CHECK((back[k].y.array().isNaN() == act[k].y.array().isNaN()).all());
    CHECK((back[k].y.array().isNaN() || back[k].y.array() == act[k].y.array()).all());
  }
  BehaviourDataConfig c;
  c.trials_per_block = 5;
  std::vector<Trajectory> beh{simulate_behaviour(c, b, rules::reward_teacher(b), 3, 0).data};
  const std::string bpath = (dir / "metahebb_fit_behaviour.csv").string();
  write_trajectories_csv(bpath, "", beh, true);
  const auto bback = read_trajectories_csv(bpath, c.layer, true);
  REQUIRE(bback.size() == 1);
  CHECK(bback[0].choice == beh[0].choice);
  CHECK(bback[0].r == beh[0].r);
  CHECK(bback[0].plastic == beh[0].plastic);
  // The same trajectories as a .npy table (column-major: numpy's Fortran order), read back.
  {
    const auto& tr = act[1];
    const Eigen::Index T = tr.x.rows(), N = tr.x.cols(), M = tr.y.cols();
    Eigen::MatrixXd table(T, 2 + N + M + 2);
    for (Eigen::Index t = 0; t < T; ++t) {
      table(t, 0) = 7.0;  // any id
      table(t, 1) = static_cast<double>(t);
      table.row(t).segment(2, N) = tr.x.row(t);
      table.row(t).segment(2 + N, M) = tr.y.row(t);
      table(t, 2 + N + M) = tr.plastic[static_cast<std::size_t>(t)];
      table(t, 3 + N + M) = tr.r[t];
    }
    const std::string npy = (dir / "metahebb_fit_activity.npy").string();
    io::write_npy(npy, table);
    const auto from_npy = read_trajectories(npy, a.layer, false);
    REQUIRE(from_npy.size() == 1);
    CHECK(from_npy[0].x == tr.x);
    CHECK((from_npy[0].y.array().isNaN() == tr.y.array().isNaN()).all());
    CHECK((from_npy[0].y.array().isNaN() || from_npy[0].y.array() == tr.y.array()).all());
    CHECK(from_npy[0].plastic == tr.plastic);
    Eigen::MatrixXd narrow = table.leftCols(table.cols() - 1);
    io::write_npy(npy, narrow);
    CHECK_THROWS_WITH(read_trajectories(npy, a.layer, false), Catch::Contains("columns"));
    std::filesystem::remove(npy);
  }
  // A malformed file names the line and the column.
  {
    std::ofstream bad(bpath);
    bad << "trajectory,step,x_0,x_1,choice\n0,0,0.1,0.2,2\n";
  }
  CHECK_THROWS_WITH(read_trajectories_csv(bpath, c.layer, true), Catch::Contains("line 2") && Catch::Contains("choice"));
  std::filesystem::remove(path);
  std::filesystem::remove(path + ".w0.csv");
  std::filesystem::remove(bpath);
}

TEST_CASE("Adam on exact gradients recovers Oja's rule from noise-free activity; same seed, same numbers") {
  // Small enough for ~1 s: 6 inputs, 6 outputs, 6 trajectories of 60 samples, 27-term basis.
  ActivityDataConfig c;
  c.layer.inputs = 6;
  c.layer.outputs = 6;
  c.steps = 60;
  const VolterraBasis basis = VolterraBasis::pre_post_weight();
  std::vector<Trajectory> train;
  std::vector<SimulatedTrajectory> held;
  for (std::size_t k = 0; k < 8; ++k) {
    auto s = simulate_activity(c, basis, rules::oja(basis), 5, k);
    if (k < 6) train.push_back(std::move(s.data));
    else held.push_back(std::move(s));
  }
  FitOptions o;
  o.epochs = 300;
  o.learning_rate = 0.005;
  o.l1 = 1e-4;
  RandomStream start(1, Purpose::user);
  Eigen::VectorXd theta0(static_cast<Eigen::Index>(basis.size()));
  start.fill_normal(theta0);
  theta0 *= 0.01;
  const FitResult a = fit_rule(c.layer, basis, theta0, train, ActivityMse{}, o);
  const double angle0 = angle_deg(theta0, rules::oja(basis));
  const double angle = angle_deg(a.theta, rules::oja(basis));
  INFO("angle to Oja " << angle0 << " -> " << angle << " deg; objective " << a.objective.front() << " -> "
                       << a.objective.back());
  CHECK(angle0 > 60.0);  // a random start
  // Measured 1.0 deg after 300 epochs (objective 1.05 -> 6e-4; with lr 0.01 Adam oscillates and
  // ends at 3.6 deg); 10 deg is the criterion, so the margin is wide.
  CHECK(angle < 10.0);
  CHECK(a.objective.back() < 0.1 * a.objective.front());
  const HeldOutScores s = score_held_out(c.layer, basis, a.theta, held);
  CHECK(s.r2_weights > 0.9);
  CHECK(s.r2_activity > 0.9);
  // The zero rule explains no weight change: its weight R² is ≤ 0.
  CHECK(score_held_out(c.layer, basis, Eigen::VectorXd::Zero(27), held).r2_weights <= 0.0);
  const FitResult b = fit_rule(c.layer, basis, theta0, train, ActivityMse{}, o);
  CHECK(a.theta == b.theta);
}
