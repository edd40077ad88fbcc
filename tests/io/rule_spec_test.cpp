#include <catch2/catch.hpp>

#include <metahebb/io/rule_spec.hpp>
#include <string>

using namespace metahebb;

TEST_CASE("rule specs: six numbers or vogels", "[rule_spec]") {
  const Eigen::VectorXd theta = parse_spike_trace_rule("-0.2,0,1,1.5,0.02,3e-2");
  REQUIRE(theta.size() == 6);
  CHECK(theta[0] == -0.2);
  CHECK(theta[3] == 1.5);
  CHECK(theta[5] == 3e-2);
  CHECK(parse_spike_trace_rule("vogels", 7.0, 0.01) == rules::vogels2011(7.0, 0.01));
}

TEST_CASE("bad rule specs name the field and the text", "[rule_spec]") {
  const auto rejected = [](const std::string& text, const std::string& why) {
    INFO("text: " << text);
    CHECK_THROWS_WITH(parse_spike_trace_rule(text, 5.0, 0.02, "--rule"),
                      Catch::Contains("invalid --rule = " + text) && Catch::Contains(why));
  };
  rejected("", "not a number");
  rejected("1,2,3,4,5", "exactly 6");
  rejected("1,2,3,4,5,6,7", "exactly 6");
  rejected("1,2,3,4,5,6,", "exactly 6");       // a trailing comma is a seventh, empty entry
  rejected("1,,3,4,5,6", "entry 2 is not a number");
  rejected(" 1,2,3,4,5,6", "entry 1 is not a number");  // no whitespace
  rejected("+1,2,3,4,5,6", "entry 1 is not a number");
  rejected("1,2,3,4,5,6x", "entry 6 is not a number");
  rejected("1e400,0,0,0,1,1", "entry 1 is not a number");  // out of range
  rejected("nan,0,0,0,1,1", "finite");
  rejected("inf,0,0,0,1,1", "finite");
  rejected("-1,4,0,0,-0.02,0.02", "tau_pre, tau_post > 0");
  rejected("-1,4,0,0,0.02,0", "tau_pre, tau_post > 0");
  rejected("Vogels", "not a number");
  CHECK_THROWS_WITH(parse_spike_trace_rule(std::string(5000, '1')), Catch::Contains("5000 characters"));
  CHECK_THROWS_WITH(parse_spike_trace_rule("vogels", -1.0), Catch::Contains("vogels2011.rho0"));
}
