#pragma once
/// Parses a spike-trace rule given as text, e.g. on a command line:
///
///   "α,β,γ,κ,τ_pre,τ_post"   six numbers, comma-separated, no spaces (e.g. "-0.2,0,1,1,0.02,0.02")
///   "vogels"                 Vogels et al. 2011 iSTDP: rules::vogels2011(rho0, tau)
///
/// Numbers are read with std::from_chars (locale-independent; decimal or exponent form,
/// an optional leading '-', no '+', no whitespace). The result must be simulable: every
/// entry finite and both time constants > 0 (SpikeTraceBasis::simulable). Anything else
/// throws invalid_configuration naming `field` and the whole text, before any work starts.
/// The parser is fuzzed (tests/fuzz/rule_spec_fuzz.cpp).

#include <Eigen/Core>
#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include "../core/errors.hpp"
#include "../rules/spike_trace.hpp"

namespace metahebb {

/// Longest text accepted (six numbers need far less; this keeps error messages short).
inline constexpr std::size_t max_rule_spec_length = 1024;  // (the message below spells it out)

inline Eigen::VectorXd parse_spike_trace_rule(std::string_view text, double vogels_rho0 = 5.0,
                                              double vogels_tau = 0.02, std::string_view field = "rule") {
  if (text.size() > max_rule_spec_length) {
    // built with append: GCC 12 warns falsely (-Wrestrict) on "(" + std::to_string(...)
    std::string length("(");
    length.append(std::to_string(text.size())).append(" characters)");
    require(false, field, length, "must be at most 1024 characters");
  }
  if (text == "vogels") return rules::vogels2011(vogels_rho0, vogels_tau);
  constexpr std::string_view expected =
      "needs exactly 6 comma-separated numbers: alpha,beta,gamma,kappa,tau_pre,tau_post (or vogels)";
  const std::string shown(text);
  Eigen::VectorXd theta(static_cast<Eigen::Index>(SpikeTraceBasis::num_coefficients));
  std::size_t count = 0, begin = 0;
  while (true) {
    const std::size_t comma = text.find(',', begin);
    const std::string_view item = text.substr(begin, comma == std::string_view::npos ? std::string_view::npos
                                                                                      : comma - begin);
    require(count < SpikeTraceBasis::num_coefficients, field, shown, expected);
    double value = 0.0;
    const char* first = item.data();
    const char* last = item.data() + item.size();
    const auto [end, error] = std::from_chars(first, last, value);
    if (item.empty() || error != std::errc{} || end != last) {
      std::string why("entry ");
      why.append(std::to_string(count + 1)).append(" is not a number; ").append(expected);
      require(false, field, shown, why);
    }
    theta[static_cast<Eigen::Index>(count++)] = value;
    if (comma == std::string_view::npos) break;
    begin = comma + 1;
  }
  require(count == SpikeTraceBasis::num_coefficients, field, shown, expected);
  require(SpikeTraceBasis::simulable(theta), field, shown, "needs finite values and tau_pre, tau_post > 0");
  return theta;
}

}  // namespace metahebb
