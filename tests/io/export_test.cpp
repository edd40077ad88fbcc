#include <catch2/catch.hpp>

#include <cstdlib>
#include <metahebb/io/export_brian2.hpp>
#include <metahebb/io/export_nestml.hpp>
#include <metahebb/neurons/conductance_lif.hpp>
#include <string>
#include <vector>

using namespace metahebb;

namespace {
io::LearnedSpikeTraceRule learned() {
  Eigen::VectorXd theta(6);
  theta << -0.28, 0.125, 1.0, 0.75, 0.02, 0.035;
  // The rule, its initial weight and the neuron it drives: no task is needed to export it.
  return io::LearnedSpikeTraceRule::from(SpikeTraceRule{}, 0.1, ConductanceLifParameters{}, theta);
}

// The number after `prefix` in `text`, parsed back.
double value_after(const std::string& text, const std::string& prefix) {
  const auto at = text.find(prefix);
  REQUIRE(at != std::string::npos);
  return std::strtod(text.c_str() + at + prefix.size(), nullptr);
}

std::size_t position(const std::string& text, const std::string& what) {
  const auto at = text.find(what);
  INFO("missing: " << what);
  CHECK(at != std::string::npos);
  return at;
}
}  // namespace

TEST_CASE("the Brian2 export holds the rule's coefficients exactly and metahebb's update order", "[export]") {
  const auto rule = learned();
  const std::string py = io::export_brian2(rule);
  CHECK(value_after(py, "'alpha': ") == rule.theta[0]);
  CHECK(value_after(py, "'beta': ") == rule.theta[1]);
  CHECK(value_after(py, "'gamma': ") == rule.theta[2]);
  CHECK(value_after(py, "'kappa': ") == rule.theta[3]);
  CHECK(value_after(py, "'tau_pre': ") == rule.theta[4]);
  CHECK(value_after(py, "'tau_post': ") == rule.theta[5]);
  CHECK(value_after(py, "'eta': ") == rule.eta);
  CHECK(value_after(py, "'w_max': ") == rule.w_max);
  CHECK(value_after(py, "'g_bar': ") == rule.g_bar);
  CHECK(value_after(py, "w_initial = ") == rule.w_initial);
  CHECK(position(py, "dpre_trace/dt = -pre_trace / tau_pre : 1 (event-driven)") > 0);
  CHECK(position(py, "dpost_trace/dt = -post_trace / tau_post : 1 (event-driven)") > 0);
  // on_pre: conductance with the old weight, then the update, then the trace.
  const auto pre = position(py, "on_pre = '''");
  CHECK(pre < position(py, "g_inh_post += g_bar * w"));
  CHECK(position(py, "g_inh_post += g_bar * w") < position(py, "w = clip(w + eta * (alpha + kappa * post_trace), 0, w_max)"));
  CHECK(position(py, "w = clip(w + eta * (alpha + kappa * post_trace), 0, w_max)") < position(py, "pre_trace += 1"));
  const auto post = position(py, "on_post = '''");
  CHECK(post < position(py, "w = clip(w + eta * (beta + gamma * pre_trace), 0, w_max)"));
  CHECK(position(py, "w = clip(w + eta * (beta + gamma * pre_trace), 0, w_max)") < position(py, "post_trace += 1"));
  CHECK(position(py, "def make_synapses(source, target, **kwargs):") > 0);
  CHECK(io::export_brian2(rule, {.conductance = "gi"}).find("gi_post += g_bar * w") != std::string::npos);
}

TEST_CASE("the NESTML export has the blocks of a synapse model, in order", "[export]") {
  const auto rule = learned();
  const std::string m = io::export_nestml(rule, {.name = "learned_istdp", .delay_ms = 1.0});
  std::vector<std::string> blocks{"model learned_istdp:\n",      "    state:\n",        "    parameters:\n",
                                  "    equations:\n",             "    input:\n",        "    output:\n",
                                  "    onReceive(pre_spikes):\n", "    onReceive(post_spikes):\n", "    update:\n"};
  std::size_t last = 0;
  for (const auto& block : blocks) {
    const auto at = position(m, block);
    CHECK(at >= last);
    last = at;
  }
  CHECK(value_after(m, "alpha real = ") == rule.theta[0]);
  CHECK(value_after(m, "kappa real = ") == rule.theta[3]);
  CHECK(value_after(m, "tau_pre ms = ") == Approx(rule.theta[4] * 1e3).epsilon(1e-15));
  CHECK(value_after(m, "tau_post ms = ") == Approx(rule.theta[5] * 1e3).epsilon(1e-15));
  CHECK(value_after(m, "w_scale nS = ") == Approx(rule.g_bar * rule.g_leak * 1e9).epsilon(1e-15));
  CHECK(position(m, "pre_trace' = -pre_trace / tau_pre") > 0);
  CHECK(position(m, "post_spikes <- spike") > 0);
  CHECK(position(m, "emit_spike(w_scale * w, d)") < position(m, "w = min(w_max, max(0., w + eta * (alpha + kappa * post_trace)))"));
  CHECK(position(m, "onReceive(post_spikes):\n        w = min(w_max, max(0., w + eta * (beta + gamma * pre_trace)))\n"
                    "        post_trace += 1") > 0);
  CHECK(position(m, "integrate_odes()") > 0);
  // Indentation: 4 spaces per level, no tabs (NESTML is indentation-sensitive).
  CHECK(m.find('\t') == std::string::npos);
}

TEST_CASE("exports validate the rule and their options", "[export]") {
  auto rule = learned();
  rule.theta[4] = -0.01;
  CHECK_THROWS_WITH(io::export_brian2(rule), Catch::Contains("rule.theta"));
  rule = learned();
  rule.eta = 0;
  CHECK_THROWS_WITH(io::export_nestml(rule), Catch::Contains("rule.eta = 0"));
  CHECK_THROWS_WITH(io::export_brian2(learned(), {.conductance = "g inh"}), Catch::Contains("brian2.conductance = g inh"));
  CHECK_THROWS_WITH(io::export_nestml(learned(), {.name = "bad-name"}), Catch::Contains("nestml.name = bad-name"));
  CHECK_THROWS_WITH(io::export_nestml(learned(), {.delay_ms = 0.0}), Catch::Contains("nestml.delay_ms"));
}
