#pragma once
/// Errors raised for invalid user configuration.
///
/// Bad input is rejected before any work starts, with a message that names the
/// field and the offending value. A diverging candidate rule inside a search is
/// *not* an error: tasks turn it into a finite penalty (see docs/architecture.md).

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace metahebb {

/// Thrown when a configuration field holds a value the library cannot use.
class invalid_configuration : public std::invalid_argument {
 public:
  invalid_configuration(std::string field, std::string value, std::string_view expectation)
      : std::invalid_argument("metahebb: invalid " + field + " = " + value + " (" +
                              std::string(expectation) + ")"),
        field_(std::move(field)),
        value_(std::move(value)) {}

  const std::string& field() const noexcept { return field_; }
  const std::string& value() const noexcept { return value_; }

 private:
  std::string field_;
  std::string value_;
};

namespace detail {
template <class V>
std::string format_value(const V& value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}
}  // namespace detail

/// Throws invalid_configuration unless `ok`; `expectation` says what a valid value is.
template <class V>
void require(bool ok, std::string_view field, const V& value, std::string_view expectation) {
  if (!ok) throw invalid_configuration(std::string(field), detail::format_value(value), expectation);
}

/// A strictly positive, finite real (time constants, learning rates, step sizes).
inline void require_positive(std::string_view field, double value) {
  require(std::isfinite(value) && value > 0.0, field, value, "must be finite and > 0");
}

/// A finite, non-negative real (penalty weights, tolerances).
inline void require_non_negative(std::string_view field, double value) {
  require(std::isfinite(value) && value >= 0.0, field, value, "must be finite and >= 0");
}

/// A count in [min, max]; the upper bound guards against sizes that would exhaust memory.
inline void require_count(std::string_view field, long long value, long long min, long long max) {
  require(value >= min && value <= max, field, value,
          "must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
}

}  // namespace metahebb
