// Hostile configuration (issue 7, item 4): every field of every public configuration is
// walked through bad values (zero, negative, NaN, ±inf, sizes that would exhaust memory);
// each must throw invalid_configuration before any work, with a message naming the field
// and the value: "metahebb: invalid <field> = <value> (<what is expected>)".
//
// Fields with no invalid value (seeds, counters where 0 means "unlimited", flags) are listed
// in `unconstrained` below so that the walk is visibly complete.
#include <catch2/catch.hpp>

#include <functional>
#include <limits>
#include <metahebb/execution/threads.hpp>
#include <metahebb/io/command_line.hpp>
#include <metahebb/losses/l1_penalty.hpp>
#include <metahebb/losses/principal_vector_distance.hpp>
#include <metahebb/losses/principal_vectors_distance.hpp>
#include <metahebb/losses/target_rate.hpp>
#include <metahebb/meta_learner.hpp>
#include <metahebb/optim/adam_fd.hpp>
#include <metahebb/optim/cmaes.hpp>
#include <metahebb/tasks/hierarchical_pca.hpp>
#include <metahebb/tasks/inhibitory_balance.hpp>
#include <metahebb/tasks/principal_vector.hpp>
#include <string>
#include <vector>

using namespace metahebb;

namespace {
constexpr double nan_ = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_ = std::numeric_limits<double>::infinity();
constexpr std::size_t absurd = 1'000'000'000'000ULL;  // 1e12 elements: terabytes
constexpr std::size_t negative = static_cast<std::size_t>(-1);  // what "-1" becomes in a size_t

const std::vector<double> positive_bad{0.0, -1.0, nan_, inf_, -inf_};  // for "finite and > 0"
const std::vector<double> non_negative_bad{-1.0, nan_, inf_, -inf_};   // for "finite and >= 0"
const std::vector<double> finite_bad{nan_, inf_, -inf_};               // for "finite"

struct Case {
  std::string label;  // configuration.field = value
  std::string field;  // expected in the message
  std::string value;  // expected in the message
  std::function<void()> attempt;
};

std::string shown(double v) { return detail::format_value(v); }
std::string shown(std::size_t v) { return detail::format_value(static_cast<long long>(v)); }  // as require_count prints

// One case per bad value: `set` writes the value into a default configuration, `make` uses it.
template <class Config, class V, class Set, class Make>
void walk(std::vector<Case>& cases, const std::string& config, const std::string& field, const std::vector<V>& bad,
          Set set, Make make, std::string expected_field = "") {
  for (const V v : bad) {
    cases.push_back({config + "." + field + " = " + shown(v), expected_field.empty() ? field : expected_field,
                     shown(v), [=] {
                       Config c{};
                       set(c, v);
                       make(c);
                     }});
  }
}

void check(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    INFO(c.label);
    try {
      c.attempt();
      FAIL_CHECK("accepted");
    } catch (const invalid_configuration& e) {
      const std::string message = e.what();
      CHECK_THAT(message, Catch::StartsWith("metahebb: invalid " + c.field + " = " + c.value + " ("));
    }
  }
}
}  // namespace

TEST_CASE("rate-task configurations reject every bad field, naming field and value", "[hostile][config]") {
  std::vector<Case> cases;
  const auto pv = [](const PrincipalVectorConfig& c) { PrincipalVectorTask task(c); };
  using PV = PrincipalVectorConfig;
  // RotatedGaussianConfig, through the task that owns it
  walk<PV>(cases, "PrincipalVectorConfig", "input.inputs", std::vector<std::size_t>{0, negative, absurd},
           [](PV& c, std::size_t v) { c.input.inputs = v; }, pv, "inputs");
  walk<PV>(cases, "PrincipalVectorConfig", "input.spectrum_ratio", std::vector<double>{0, -1, 1, 2, nan_, inf_},
           [](PV& c, double v) { c.input.spectrum_ratio = v; }, pv, "spectrum_ratio");
  walk<PV>(cases, "PrincipalVectorConfig", "input.spectrum_floor", std::vector<double>{0, -1, 1, nan_, inf_},
           [](PV& c, double v) { c.input.spectrum_floor = v; }, pv, "spectrum_floor");
  walk<PV>(cases, "PrincipalVectorConfig", "input.rescale_min", positive_bad,
           [](PV& c, double v) { c.input.rescale_min = v; }, pv, "rescale_min");
  walk<PV>(cases, "PrincipalVectorConfig", "input.rescale_max", std::vector<double>{0.1, -1, nan_, inf_},
           [](PV& c, double v) { c.input.rescale_max = v; }, pv, "rescale_max");
  walk<PV>(cases, "PrincipalVectorConfig", "datasets", std::vector<std::size_t>{0, negative, absurd},
           [](PV& c, std::size_t v) { c.datasets = v; }, pv);
  walk<PV>(cases, "PrincipalVectorConfig", "batch_size", std::vector<std::size_t>{0, negative, absurd},
           [](PV& c, std::size_t v) { c.batch_size = v; }, pv);
  cases.push_back({"PrincipalVectorConfig.batch_size = 1e6 with 1e4 inputs", "batch_size * inputs", "10000000000", [] {
                     PV c;
                     c.batch_size = 1'000'000, c.input.inputs = 10000;
                     PrincipalVectorTask task(c);
                   }});
  walk<PV>(cases, "PrincipalVectorConfig", "steps", std::vector<std::size_t>{0, negative, absurd},
           [](PV& c, std::size_t v) { c.steps = v; }, pv);
  walk<PV>(cases, "PrincipalVectorConfig", "eta", positive_bad, [](PV& c, double v) { c.eta = v; }, pv);
  walk<PV>(cases, "PrincipalVectorConfig", "weight_bound", positive_bad, [](PV& c, double v) { c.weight_bound = v; },
           pv);

  const auto hp = [](const HierarchicalPcaConfig& c) { HierarchicalPcaTask task(c); };
  using HP = HierarchicalPcaConfig;
  walk<HP>(cases, "HierarchicalPcaConfig", "input.inputs", std::vector<std::size_t>{0, absurd},
           [](HP& c, std::size_t v) { c.input.inputs = v; }, hp, "inputs");
  walk<HP>(cases, "HierarchicalPcaConfig", "input.spectrum_ratio", finite_bad,
           [](HP& c, double v) { c.input.spectrum_ratio = v; }, hp, "spectrum_ratio");
  walk<HP>(cases, "HierarchicalPcaConfig", "outputs", std::vector<std::size_t>{0, 6, negative, absurd},  // M ≤ N = 5
           [](HP& c, std::size_t v) { c.outputs = v; }, hp);
  walk<HP>(cases, "HierarchicalPcaConfig", "datasets", std::vector<std::size_t>{0, absurd},
           [](HP& c, std::size_t v) { c.datasets = v; }, hp);
  walk<HP>(cases, "HierarchicalPcaConfig", "batch_size", std::vector<std::size_t>{0, absurd},
           [](HP& c, std::size_t v) { c.batch_size = v; }, hp);
  walk<HP>(cases, "HierarchicalPcaConfig", "steps", std::vector<std::size_t>{0, absurd},
           [](HP& c, std::size_t v) { c.steps = v; }, hp);
  walk<HP>(cases, "HierarchicalPcaConfig", "eta", positive_bad, [](HP& c, double v) { c.eta = v; }, hp);
  walk<HP>(cases, "HierarchicalPcaConfig", "eta_lateral", positive_bad, [](HP& c, double v) { c.eta_lateral = v; }, hp);
  walk<HP>(cases, "HierarchicalPcaConfig", "weight_bound", positive_bad, [](HP& c, double v) { c.weight_bound = v; },
           hp);
  check(cases);
  CHECK(cases.size() >= 70);  // the table is not accidentally empty
}

TEST_CASE("spiking configurations reject every bad field, naming field and value", "[hostile][config]") {
  std::vector<Case> cases;
  using IB = InhibitoryBalanceConfig;
  const auto ib = [](const IB& c) { InhibitoryBalanceTask task(c); };
  // ConductanceLifParameters, through the task (fields prefixed "neuron.") ...
  const auto neuron_positive = [&](const std::string& name, double ConductanceLifParameters::*member) {
    walk<IB>(cases, "InhibitoryBalanceConfig", "neuron." + name, positive_bad,
             [member](IB& c, double v) { c.neuron.*member = v; }, ib);
  };
  neuron_positive("tau_m", &ConductanceLifParameters::tau_m);
  neuron_positive("tau_ref", &ConductanceLifParameters::tau_ref);
  neuron_positive("tau_exc", &ConductanceLifParameters::tau_exc);
  neuron_positive("tau_inh", &ConductanceLifParameters::tau_inh);
  neuron_positive("dt", &ConductanceLifParameters::dt);
  neuron_positive("g_leak", &ConductanceLifParameters::g_leak);
  for (auto [name, member] : {std::pair{"g_exc_bar", &ConductanceLifParameters::g_exc_bar},
                              {"g_inh_bar", &ConductanceLifParameters::g_inh_bar}})
    walk<IB>(cases, "InhibitoryBalanceConfig", std::string("neuron.") + name, non_negative_bad,
             [m = member](IB& c, double v) { c.neuron.*m = v; }, ib);
  for (auto [name, member] : {std::pair{"v_rest", &ConductanceLifParameters::v_rest},
                              {"v_threshold", &ConductanceLifParameters::v_threshold},
                              {"v_reset", &ConductanceLifParameters::v_reset},
                              {"e_exc", &ConductanceLifParameters::e_exc},
                              {"e_inh", &ConductanceLifParameters::e_inh}})
    walk<IB>(cases, "InhibitoryBalanceConfig", std::string("neuron.") + name, finite_bad,
             [m = member](IB& c, double v) { c.neuron.*m = v; }, ib);
  walk<IB>(cases, "InhibitoryBalanceConfig", "neuron.v_reset", std::vector<double>{-50e-3, 0.0},  // ≥ v_threshold
           [](IB& c, double v) { c.neuron.v_reset = v; }, ib);
  walk<IB>(cases, "InhibitoryBalanceConfig", "neuron.e_inh", std::vector<double>{0.0, 0.1},  // ≥ e_exc
           [](IB& c, double v) { c.neuron.e_inh = v; }, ib);
  walk<IB>(cases, "InhibitoryBalanceConfig", "neuron.dt", std::vector<double>{5e-3, 1.0},  // ≥ tau_ref
           [](IB& c, double v) { c.neuron.dt = v; }, ib);
  // ... and the neuron on its own (fields prefixed "neuron." too)
  walk<ConductanceLifParameters>(cases, "ConductanceLifParameters", "neuron.tau_m", positive_bad,
                                 [](ConductanceLifParameters& p, double v) { p.tau_m = v; },
                                 [](const ConductanceLifParameters& p) { ConductanceLif<float> neuron(p); });
  // A step so small that the protocol would need ~1e14 steps (and terabytes of input).
  for (double dt : {1e-12, 1e-300})
    cases.push_back({"InhibitoryBalanceConfig.neuron.dt = " + shown(dt), "(training_time + scoring_time) / neuron.dt",
                     shown((60.0 + 30.0) / dt), [dt] {
                       IB c;
                       c.neuron.dt = dt;
                       InhibitoryBalanceTask task(c);
                     }});

  // VogelsInputConfig (fields prefixed "input.")
  using IC = VogelsInputConfig;
  const auto input_count = [&](const std::string& name, std::size_t IC::*member, std::vector<std::size_t> bad) {
    walk<IB>(cases, "InhibitoryBalanceConfig", "input." + name, bad, [member](IB& c, std::size_t v) { c.input.*member = v; },
             ib);
  };
  input_count("groups", &IC::groups, {0, negative, absurd});
  input_count("exc_per_group", &IC::exc_per_group, {negative, absurd});
  input_count("inh_per_group", &IC::inh_per_group, {negative, absurd});
  input_count("preferred_group", &IC::preferred_group, {0, 9, negative});  // 1-based, ≤ groups = 8
  cases.push_back({"InhibitoryBalanceConfig.input with 8 x 2e6 afferents", "input afferents", "16000000", [] {
                     IB c;
                     c.input.exc_per_group = c.input.inh_per_group = 1'000'000;
                     InhibitoryBalanceTask task(c);
                   }});
  const auto input_real = [&](const std::string& name, double IC::*member, const std::vector<double>& bad) {
    walk<IB>(cases, "InhibitoryBalanceConfig", "input." + name, bad, [member](IB& c, double v) { c.input.*member = v; },
             ib);
  };
  input_real("baseline_rate", &IC::baseline_rate, non_negative_bad);
  input_real("bump_rate", &IC::bump_rate, non_negative_bad);
  input_real("signal_norm", &IC::signal_norm, positive_bad);
  input_real("tau_input", &IC::tau_input, positive_bad);
  input_real("bump_gap", &IC::bump_gap, non_negative_bad);
  input_real("tau_refractory", &IC::tau_refractory, non_negative_bad);
  input_real("w_exc_base", &IC::w_exc_base, finite_bad);
  input_real("w_exc_tuned", &IC::w_exc_tuned, finite_bad);
  input_real("w_exc_noise", &IC::w_exc_noise, non_negative_bad);

  // InhibitoryBalanceConfig's own fields
  const auto real = [&](const std::string& name, double IB::*member, const std::vector<double>& bad) {
    walk<IB>(cases, "InhibitoryBalanceConfig", name, bad, [member](IB& c, double v) { c.*member = v; }, ib);
  };
  walk<IB>(cases, "InhibitoryBalanceConfig", "rule.eta", positive_bad, [](IB& c, double v) { c.rule.eta = v; }, ib);
  real("w_inh_initial", &IB::w_inh_initial, std::vector<double>{-1, nan_, inf_, -inf_, 101});  // ≤ w_max = 100
  real("w_inh_initial_spread", &IB::w_inh_initial_spread, std::vector<double>{-1, nan_, inf_, -inf_, 0.2});  // ≤ w_inh_initial = 0.1
  walk<IB>(cases, "InhibitoryBalanceConfig", "rule.w_max", positive_bad, [](IB& c, double v) { c.rule.w_max = v; }, ib);
  real("training_time", &IB::training_time, non_negative_bad);
  real("scoring_time", &IB::scoring_time, positive_bad);
  real("window", &IB::window, std::vector<double>{0, -1, nan_, inf_, 0.5, 31});  // ≥ 1 s, ≤ scoring_time = 30
  real("max_rate", &IB::max_rate, positive_bad);
  real("explosion_window", &IB::explosion_window, std::vector<double>{0, 0.5, -1, nan_, inf_, 1e6});
  real("explosion_grace", &IB::explosion_grace, non_negative_bad);
  cases.push_back({"InhibitoryBalanceConfig.training_time = 1e6", "training_time + scoring_time", shown(1e6 + 30.0), [] {
                     IB c;
                     c.training_time = 1e6;
                     InhibitoryBalanceTask task(c);
                   }});
  walk<IB>(cases, "InhibitoryBalanceConfig", "datasets", std::vector<std::size_t>{0, negative, absurd},
           [](IB& c, std::size_t v) { c.datasets = v; }, ib);
  check(cases);
  CHECK(cases.size() >= 120);
}

TEST_CASE("optimiser, learner, executor and loss options reject every bad field", "[hostile][config]") {
  std::vector<Case> cases;
  const auto cmaes = [](const CmaesOptions& o) { Cmaes c(Eigen::VectorXd::Zero(3), o); };
  const auto cm_real = [&](const std::string& name, double CmaesOptions::*member, const std::vector<double>& bad) {
    walk<CmaesOptions>(cases, "CmaesOptions", "cmaes." + name, bad, [member](CmaesOptions& o, double v) { o.*member = v; },
                       cmaes);
  };
  cm_real("sigma0", &CmaesOptions::sigma0, positive_bad);
  cm_real("target_loss", &CmaesOptions::target_loss, {nan_});
  cm_real("tolfun", &CmaesOptions::tolfun, non_negative_bad);
  cm_real("tolx", &CmaesOptions::tolx, non_negative_bad);
  cm_real("max_condition", &CmaesOptions::max_condition, {0.5, 0, -1, nan_, -inf_});
  cm_real("tolupsigma", &CmaesOptions::tolupsigma, {0, -1, nan_, -inf_});
  walk<CmaesOptions>(cases, "CmaesOptions", "cmaes.population_size", std::vector<std::size_t>{1, absurd},
                     [](CmaesOptions& o, std::size_t v) { o.population_size = v; }, cmaes);
  cases.push_back({"Cmaes mean0 of size 0", "cmaes.mean0.size()", "0", [] { Cmaes c(Eigen::VectorXd(0)); }});
  cases.push_back({"Cmaes mean0 of size 20000", "cmaes.mean0.size()", "20000",
                   [] { Cmaes c(Eigen::VectorXd::Zero(20000)); }});
  for (double v : finite_bad)
    cases.push_back({"Cmaes mean0[1] = " + shown(v), "cmaes.mean0[1]", shown(v), [v] {
                       Eigen::VectorXd m = Eigen::VectorXd::Zero(3);
                       m[1] = v;
                       Cmaes c(m);
                     }});

  const auto adam = [](const AdamFdOptions& o) { AdamFd a(Eigen::VectorXd::Zero(3), o); };
  const auto ad_real = [&](const std::string& name, double AdamFdOptions::*member, const std::vector<double>& bad) {
    walk<AdamFdOptions>(cases, "AdamFdOptions", "adam." + name, bad,
                        [member](AdamFdOptions& o, double v) { o.*member = v; }, adam);
  };
  ad_real("learning_rate", &AdamFdOptions::learning_rate, positive_bad);
  ad_real("fd_step", &AdamFdOptions::fd_step, positive_bad);
  ad_real("beta1", &AdamFdOptions::beta1, {-0.1, 1, 2, nan_, inf_});
  ad_real("beta2", &AdamFdOptions::beta2, {-0.1, 1, 2, nan_, inf_});
  ad_real("epsilon", &AdamFdOptions::epsilon, positive_bad);
  ad_real("target_loss", &AdamFdOptions::target_loss, {nan_});
  for (auto [name, member] : {std::pair{"scale", &AdamFdOptions::scale}, {"lower", &AdamFdOptions::lower},
                              {"upper", &AdamFdOptions::upper}})
    cases.push_back({std::string("AdamFdOptions.") + name + " of size 2", std::string("adam.") + name + ".size()", "2",
                     [m = member] {
                       AdamFdOptions o;
                       o.*m = Eigen::VectorXd::Ones(2);
                       AdamFd a(Eigen::VectorXd::Zero(3), o);
                     }});
  walk<AdamFdOptions>(cases, "AdamFdOptions", "adam.scale[1]", positive_bad,
                      [](AdamFdOptions& o, double v) { o.scale = Eigen::VectorXd::Ones(3), o.scale[1] = v; }, adam);
  walk<AdamFdOptions>(cases, "AdamFdOptions", "adam.lower[2]", std::vector<double>{nan_},
                      [](AdamFdOptions& o, double v) { o.lower = Eigen::VectorXd::Constant(3, -1), o.lower[2] = v; }, adam,
                      "adam.upper[2] - adam.lower[2]");
  cases.push_back({"AdamFdOptions bounds narrower than a central difference", "adam.upper[0] - adam.lower[0]", shown(0.05),
                   [] {
                     AdamFdOptions o;
                     o.lower = Eigen::VectorXd::Constant(3, 0.0);
                     o.upper = Eigen::VectorXd::Constant(3, 0.05);  // < 2 · fd_step · scale = 0.1
                     AdamFd a(Eigen::VectorXd::Zero(3), o);
                   }});
  cases.push_back({"AdamFd theta0 of size 0", "adam.theta0.size()", "0", [] { AdamFd a(Eigen::VectorXd(0)); }});
  for (double v : finite_bad)
    cases.push_back({"AdamFd theta0[0] = " + shown(v), "adam.theta0[0]", shown(v), [v] {
                       AdamFd a(Eigen::VectorXd::Constant(2, v));
                     }});

  // MetaLearnerOptions and the learner's own checks
  PrincipalVectorConfig small;
  small.input.inputs = 2, small.datasets = 1, small.steps = 1, small.batch_size = 2;
  for (std::size_t v : {std::size_t{100'000'001}, absurd})
    cases.push_back({"MetaLearnerOptions.max_generations = " + shown(v), "max_generations", shown(v), [=] {
                       MetaLearner l(PrincipalVectorTask(small), PrincipalVectorDistance(), Cmaes(Eigen::VectorXd::Zero(27)),
                                     SerialExecutor{}, {.seed = 0, .max_generations = v});
                     }});
  cases.push_back({"MetaLearner with an optimiser of dimension 5", "optimiser.dimension()", "5", [=] {
                     MetaLearner l(PrincipalVectorTask(small), PrincipalVectorDistance(), Cmaes(Eigen::VectorXd::Zero(5)));
                   }});
  cases.push_back({"MetaLearner::evaluate with 4 rows", "thetas.rows()", "4", [=] {
                     MetaLearner l(PrincipalVectorTask(small), PrincipalVectorDistance(), Cmaes(Eigen::VectorXd::Zero(27)));
                     l.evaluate(Eigen::MatrixXd::Zero(4, 2), 0);
                   }});

  // ThreadExecutor
  for (std::size_t v : {std::size_t{4097}, absurd, negative})
    cases.push_back({"ThreadExecutor(" + std::to_string(v) + ")", "threads", std::to_string(v), [v] { ThreadExecutor t(v); }});

  // Losses
  for (double v : positive_bad) {
    cases.push_back({"PrincipalVectorDistance(" + shown(v) + ")", "distance_cap", shown(v), [v] { PrincipalVectorDistance l(v); }});
    cases.push_back({"PrincipalVectorsDistance(" + shown(v) + ")", "distance_cap", shown(v), [v] { PrincipalVectorsDistance l(v); }});
    cases.push_back({"TargetRate(5, " + shown(v) + ")", "target_rate.offset", shown(v), [v] { TargetRate l(5.0, v); }});
  }
  for (double v : non_negative_bad) {
    cases.push_back({"TargetRate(" + shown(v) + ")", "target_rate", shown(v), [v] { TargetRate l(v); }});
    cases.push_back({"L1Penalty(" + shown(v) + ")", "l1_weight", shown(v), [v] { L1Penalty l(v); }});
  }
  check(cases);
  CHECK(cases.size() >= 70);
}

TEST_CASE("command-line values that do not parse name the option and the text", "[hostile][config][cli]") {
  const auto parse = [](const char* option, const char* value) {
    const char* argv[] = {"prog", option, value};
    return CommandLine(3, argv, "test", {{"count", "3", ""}, {"offset", "0", ""}, {"rate", "0.5", ""}, {"flag", "false", ""}});
  };
  struct Bad { const char* option; const char* text; std::function<void(const CommandLine&)> get; };
  const auto as_size = [](const CommandLine& c) { (void)c.get<std::size_t>("count"); };
  const auto as_int = [](const CommandLine& c) { (void)c.get<int>("offset"); };
  const auto as_double = [](const CommandLine& c) { (void)c.get<double>("rate"); };
  const auto as_bool = [](const CommandLine& c) { (void)c.get<bool>("flag"); };
  const std::vector<Bad> table{
      {"--count", "-1", as_size},   {"--count", "1.5", as_size},  {"--count", "", as_size},
      {"--count", " 3", as_size},   {"--count", "3 ", as_size},   {"--count", "0x10", as_size},
      {"--count", "99999999999999999999999", as_size},            {"--count", "nan", as_size},
      {"--offset", "2147483648", as_int},                         {"--offset", "-2147483649", as_int},
      {"--offset", "1e3", as_int},  {"--rate", "", as_double},    {"--rate", "fast", as_double},
      {"--rate", "1e999", as_double}, {"--rate", "-1e999", as_double}, {"--rate", "0.5.1", as_double},
      {"--rate", "1,5", as_double}, {"--rate", "nan", as_double}, {"--rate", "inf", as_double},
      {"--rate", "-inf", as_double}, {"--flag", "yes", as_bool},  {"--flag", "1", as_bool},
      {"--flag", "", as_bool}};
  for (const auto& bad : table) {
    INFO(bad.option << " '" << bad.text << "'");
    CHECK_THROWS_MATCHES(bad.get(parse(bad.option, bad.text)), invalid_configuration,
                         Catch::Matchers::Predicate<invalid_configuration>([&](const invalid_configuration& e) {
                           return e.field() == bad.option && e.value() == bad.text;
                         }, "names the option and the text"));
  }
}

TEST_CASE("fields without an invalid value are listed, so the walk above is complete", "[hostile][config]") {
  // Any value of these is meaningful: seeds, "0 = unlimited/default" counters, and flags.
  const std::vector<std::string> unconstrained{
      "PrincipalVectorConfig.fresh_datasets", "RotatedGaussianConfig.rescale_covariance",
      "HierarchicalPcaConfig.lateral_plastic", "HierarchicalPcaConfig.fresh_datasets",
      "InhibitoryBalanceConfig.fresh_datasets", "VogelsInputConfig.omit_every_second_bump",
      "CmaesOptions.seed", "CmaesOptions.max_generations", "CmaesOptions.max_evaluations",
      "CmaesOptions.tolfun_generations", "AdamFdOptions.max_generations", "MetaLearnerOptions.seed"};
  // rescale_min/rescale_max are read only when rescale_covariance is true, and validated then.
  PrincipalVectorConfig c;
  c.input.rescale_covariance = false;
  c.input.rescale_min = nan_;
  CHECK_NOTHROW(PrincipalVectorTask(c));
  c.input.rescale_covariance = true;
  CHECK_THROWS_WITH(PrincipalVectorTask(c), Catch::Contains("rescale_min = nan"));
  CHECK(unconstrained.size() == 12);
}
