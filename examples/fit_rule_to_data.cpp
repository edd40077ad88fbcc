// Inferring a plasticity rule from recorded activity or behaviour by gradient descent through
// whole trajectories (Mehta et al. 2024, "Model-based inference of synaptic plasticity rules").
//
// A teacher rule (Oja, a reward rule, a reward rule with forgetting, or coefficients such as
// "X1Y0W0R1=1,X0Y0W1R0=-0.5") generates training and held-out trajectories, each with its own
// initial weights; the 81-term Volterra rule over (x, y, w, r) (or an MLP rule) is fitted by
// Adam on exact gradients. --data-file fits recorded data instead (format:
// fit/trajectory_csv.hpp, docs/fitting-to-data.md). Progress goes to stderr; the last stdout
// line is a JSON summary.

#include <metahebb/core/angle.hpp>
#include <metahebb/fit/activity_data.hpp>
#include <metahebb/fit/behaviour_data.hpp>
#include <metahebb/fit/fit_rule.hpp>
#include <metahebb/fit/trajectory_csv.hpp>
#include <metahebb/io/command_line.hpp>
#include <metahebb/rules/mlp_rule.hpp>
#include <metahebb/rules/reward_volterra.hpp>

#include <cstdio>
#include <iostream>
#include <string>

using namespace metahebb;
using namespace metahebb::fit;

namespace {

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char b[32];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}

FitOptions fit_options(const CommandLine& cli) {
  FitOptions options;
  options.epochs = cli.get<std::size_t>("epochs");
  options.learning_rate = cli.get<double>("lr");
  options.final_learning_rate = cli.get<double>("final-lr");
  options.l1 = cli.get<double>("l1");
  options.batch_size = cli.get<std::size_t>("batch");
  options.seed = cli.get<std::uint64_t>("seed");
  return options;
}

// Fits `rule` and prints the summary; `teacher` is empty for recorded data.
template <class Rule, class Head>
int run(const CommandLine& cli, const PlasticLayerConfig& layer, const Rule& rule, const VolterraBasis& basis,
        const Eigen::VectorXd& teacher, const std::vector<Trajectory>& train,
        const std::vector<SimulatedTrajectory>& held_out, const Head& head, const Eigen::VectorXd* readout,
        const Eigen::Array<bool, Eigen::Dynamic, 1>& identifiable, bool volterra, const std::string& teacher_label) {
  FitOptions options = fit_options(cli);
  options.trainable = identifiable;
  RandomStream start(options.seed, Purpose::user);
  Eigen::VectorXd theta0(static_cast<Eigen::Index>(rule.size()));
  start.fill_normal(theta0);
  theta0 *= cli.get<double>("init-scale");  // the random start θ ~ N(0, s²) on the fitted terms, 0 elsewhere
  theta0 = (theta0.array() * identifiable.cast<double>()).matrix();
  const std::size_t report = std::max<std::size_t>(1, options.epochs / 20);
  const FitResult fit = fit_rule(layer, rule, theta0, train, head, options,
                                 [&](std::size_t epoch, const Eigen::VectorXd& theta, double objective) {
                                   if ((epoch + 1) % report == 0) {
                                     std::cerr << "epoch " << epoch + 1 << "  objective " << objective;
                                     if (volterra && teacher.size())
                                       std::cerr << "  angle " << angle_deg(theta, teacher, identifiable);
                                     std::cerr << '\n';
                                   }
                                   return std::isfinite(objective);  // +inf: every trajectory diverged
                                 });
  HeldOutScores s, t;
  s.r2_activity = s.r2_weights = t.r2_activity = t.r2_weights = std::numeric_limits<double>::quiet_NaN();
  if (!held_out.empty()) {
    s = score_held_out(layer, rule, fit.theta, held_out, readout);
    t = score_held_out(layer, basis, teacher, held_out, readout);  // the teacher itself: the ceiling
  }
  if (readout && held_out.empty()) {  // recorded choices: deviance on the fitted trajectories
    const Eigen::VectorXd zero = Eigen::VectorXd::Zero(fit.theta.size());
    double d = 0, d0 = 0;
    for (const auto& tr : train) {
      d += loss_and_gradient(layer, rule, fit.theta, tr, head, nullptr) * head.count(tr);
      d0 += loss_and_gradient(layer, rule, zero, tr, head, nullptr) * head.count(tr);
    }
    s.percent_deviance = 100.0 * (d0 - d) / d0;
  }
  const bool angles = volterra && teacher.size();
  std::printf("{\"data\": \"%s\", \"rule\": \"%s\", \"teacher\": \"%s\", \"noise\": %s, \"sparsity\": %s, "
              "\"r2_activity\": %s, \"r2_weights\": %s, \"percent_deviance\": %s, \"angle_to_teacher_deg\": %s, "
              "\"angle_all_terms_deg\": %s, \"teacher_percent_deviance\": %s, \"final_objective\": %s, \"diverged\": %zu, \"epochs\": %zu, "
              "\"seconds\": %.2f",
              cli.get<std::string>("data").c_str(), cli.get<std::string>("rule").c_str(),
              teacher_label.c_str(),
              json_number(cli.get<double>("noise")).c_str(), json_number(cli.get<double>("sparsity")).c_str(),
              json_number(s.r2_activity).c_str(), json_number(s.r2_weights).c_str(),
              json_number(s.percent_deviance).c_str(),
              json_number(angles ? angle_deg(fit.theta, teacher, identifiable) : NAN).c_str(),
              json_number(angles ? angle_deg(fit.theta, teacher) : NAN).c_str(), json_number(t.percent_deviance).c_str(),
              json_number(fit.objective.empty() ? NAN : fit.objective.back()).c_str(), fit.diverged + s.diverged,
              fit.epochs, fit.seconds);
  if (volterra) {  // the largest coefficients, by name
    std::vector<std::size_t> idx(rule.size());
    std::iota(idx.begin(), idx.end(), std::size_t{0});
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
      return std::abs(fit.theta[static_cast<Eigen::Index>(a)]) > std::abs(fit.theta[static_cast<Eigen::Index>(b)]);
    });
    std::printf(", \"largest\": {");
    for (std::size_t k = 0; k < 6; ++k)
      std::printf("%s\"%s\": %s", k ? ", " : "", compact_term_name(basis, idx[k]).c_str(),
                  json_number(fit.theta[static_cast<Eigen::Index>(idx[k])]).c_str());
    std::printf("}, \"terms\": {");
    const std::string names = cli.get<std::string>("report-terms");
    for (std::size_t start = 0, n = 0; !names.empty() && start <= names.size(); ++n) {
      const std::size_t end = std::min(names.find(',', start), names.size());
      const std::size_t k = term_index(basis, std::string_view(names).substr(start, end - start));
      std::printf("%s\"%s\": %s", n ? ", " : "", compact_term_name(basis, k).c_str(),
                  json_number(fit.theta[static_cast<Eigen::Index>(k)]).c_str());
      start = end + 1;
    }
    std::printf("}");
  }
  std::printf("}\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) try {
  const CommandLine cli(
      argc, argv, "Fit a plasticity rule to activity or choices by exact gradients (Mehta et al. 2024).",
      {{"data", "activity", "activity (recorded outputs of a plastic layer) or behaviour (choices)"},
       {"teacher", "", "oja, reward, forgetting or coefficients \"X1Y1W0R0=1,...\" (default: oja for activity, reward for behaviour)"},
       {"rule", "volterra", "the fitted rule: volterra (81 terms over x, y, w, r) or mlp ([4, 10, 1])"},
       {"noise", "0", "measurement noise s.d. (activity)"},
       {"sparsity", "1", "fraction of outputs recorded, in (0, 1] (activity)"},
       {"epochs", "100", "passes over the training trajectories"},
       {"train", "20", "training trajectories (each its own initial weights)"},
       {"held-out", "5", "held-out trajectories for R2 (and deviance)"},
       {"steps", "100", "samples per activity trajectory"},
       {"inputs", "0", "N (0: 10 for activity, 2 for behaviour)"},
       {"outputs", "0", "M (0: 20 for activity, 10 hidden units for behaviour)"},
       {"eta", "0", "learning rate of the plastic layer (0: 0.05 for activity, 1/N for behaviour)"},
       {"lr", "0.01", "Adam step size"},
       {"final-lr", "0", "Adam step size in the last epoch, geometric decay from --lr (0: constant)"},
       {"l1", "0.001", "L1 weight, relative to the data loss of the zero rule"},
       {"batch", "1", "trajectories per Adam step"},
       {"terms", "", "fit only these Volterra terms, e.g. X1Y0W0R1,X0Y0W1R0 (default: every term that acts on the data)"},
       {"init-scale", "0.01", "the fit starts from theta ~ N(0, s^2)"},
       {"seed", "1", "random seed (data, start, order)"},
       {"report-terms", "X1Y1W0R0,X0Y2W1R0,X1Y0W0R1,X0Y0W1R0", "coefficients printed in the summary's \"terms\""},
       {"data-file", "", "fit recorded trajectories from this CSV or .npy file instead (docs/fitting-to-data.md)"},
       {"weights-file", "", "initial weights of the --data-file trajectories (CSV: trajectory,i,w_0,...)"},
       {"write-data", "", "write the simulated training trajectories to this CSV (and <file>.w0.csv)"}});
  if (cli.help()) return 0;

  const std::string data = cli.get<std::string>("data"), rule_name = cli.get<std::string>("rule");
  require(data == "activity" || data == "behaviour", "--data", data, "must be activity or behaviour");
  require(rule_name == "volterra" || rule_name == "mlp", "--rule", rule_name, "must be volterra or mlp");
  const bool behaviour = data == "behaviour";
  const auto seed = cli.get<std::uint64_t>("seed");
  const auto n_train = cli.get<std::size_t>("train"), n_held = cli.get<std::size_t>("held-out");
  require_count("--train", static_cast<long long>(n_train), 1, 100000);

  const VolterraBasis basis = reward_volterra_basis();
  // With --data-file the rule that made the data is unknown: no angle unless --teacher names one.
  std::string teacher_name = cli.get<std::string>("teacher");
  const std::string file = cli.get<std::string>("data-file");
  if (teacher_name.empty() && file.empty()) teacher_name = behaviour ? "reward" : "oja";
  const Eigen::VectorXd teacher = teacher_name.empty()          ? Eigen::VectorXd()
                                  : teacher_name == "oja"        ? rules::oja_reward_basis(basis)
                                  : teacher_name == "reward"     ? rules::reward_teacher(basis)
                                  : teacher_name == "forgetting" ? rules::forgetting_teacher(basis)
                                                                 : theta_from_terms(basis, teacher_name);

  ActivityDataConfig activity;
  activity.noise = cli.get<double>("noise");
  activity.sparsity = cli.get<double>("sparsity");
  activity.steps = cli.get<std::size_t>("steps");
  BehaviourDataConfig choices;
  PlasticLayerConfig& layer = behaviour ? choices.layer : activity.layer;
  if (const auto n = cli.get<std::size_t>("inputs")) layer.inputs = n;
  if (const auto m = cli.get<std::size_t>("outputs")) layer.outputs = m;
  layer.eta = cli.get<double>("eta") > 0 ? cli.get<double>("eta")
              : behaviour                 ? 1.0 / static_cast<double>(layer.inputs)
                                          : layer.eta;
  activity.validate();
  choices.validate();
  fit_options(cli).validate(basis.size());  // bad optimiser settings fail before any data are made

  std::vector<Trajectory> train;
  std::vector<SimulatedTrajectory> held_out;
  if (!file.empty()) {
    train = read_trajectories(file, layer, behaviour);  // .npy or CSV
    for (std::size_t k = 0; k < train.size(); ++k) {  // W_0 as for simulated data, unless given
      RandomStream w(seed, Purpose::initial_weights, 0, 0, k);
      w.fill_normal(train[k].w0);
      train[k].w0 *= behaviour ? choices.initial_weight_std : activity.weight_std();
    }
    if (!cli.get<std::string>("weights-file").empty())
      read_initial_weights_csv(cli.get<std::string>("weights-file"), train, layer);
  } else {
    for (std::size_t k = 0; k < n_train + n_held; ++k) {
      SimulatedTrajectory s = behaviour ? simulate_behaviour(choices, basis, teacher, seed, k)
                                        : simulate_activity(activity, basis, teacher, seed, k);
      if (k < n_train) train.push_back(std::move(s.data));
      else held_out.push_back(std::move(s));
    }
    if (const std::string out = cli.get<std::string>("write-data"); !out.empty())
      write_trajectories_csv(out, out + ".w0.csv", train, behaviour);
  }

  // The fitted (and compared) terms: --terms, or every term that can act on the data (activity
  // data have r = 0, so only the 27 R0 terms).
  Eigen::Array<bool, Eigen::Dynamic, 1> identifiable(static_cast<Eigen::Index>(basis.size()));
  const std::string terms = cli.get<std::string>("terms");
  for (std::size_t k = 0; k < basis.size(); ++k)
    identifiable[static_cast<Eigen::Index>(k)] = terms.empty() && (behaviour || basis.exponent(k, 3) == 0);
  for (std::size_t start = 0; !terms.empty() && start <= terms.size();) {
    const std::size_t end = std::min(terms.find(',', start), terms.size());
    identifiable[static_cast<Eigen::Index>(term_index(basis, std::string_view(terms).substr(start, end - start)))] = true;
    start = end + 1;
  }
  if (rule_name == "mlp") identifiable = Eigen::Array<bool, Eigen::Dynamic, 1>::Constant(61, true);

  const Eigen::VectorXd readout = choices.readout();
  const std::string label = file.empty() ? teacher_name : "(recorded)";  // --teacher with a file: only the angle
  auto fit_with = [&](const auto& rule) {
    const bool volterra = rule_name == "volterra";
    return behaviour ? run(cli, layer, rule, basis, teacher, train, held_out, ChoiceBce{readout}, &readout,
                           identifiable, volterra, label)
                     : run(cli, layer, rule, basis, teacher, train, held_out, ActivityMse{}, nullptr, identifiable,
                           volterra, label);
  };
  return rule_name == "mlp" ? fit_with(MlpRule(4, 10)) : fit_with(basis);
} catch (const std::exception& e) {
  std::cerr << e.what() << '\n';
  return 2;
}
