#pragma once
/// Constraints on named metrics: which simulated rules belong to the family (issue 13; the
/// "filters" of filter SBI, Confavreux, Harrington et al., NeurIPS 2023).
///
/// A small text format, one constraint per line, `#` starts a comment:
///
///   rate_e_hz in [1, 50]      # lower ≤ x ≤ upper (Hz)
///   cv_isi >= 0.7
///   w_blow <= 0.1
///
/// Forms: `name in [a, b]`, `name >= a`, `name <= b` (all bounds inclusive; a, b finite or
/// `inf`/`-inf`). A rule passes a constraint when its metric is a number inside the interval
/// (NaN — a metric that could not be computed, e.g. of an exploded network — fails), and
/// belongs to the family when it passes all of them. Errors name the line, the metric and the
/// value: an unknown metric (the store's metric names are the vocabulary), a bound that is not
/// a number, an empty interval (a > b), a metric constrained twice.

#include <Eigen/Core>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "../core/errors.hpp"
#include "../io/atomic_file.hpp"

namespace metahebb::sweep {

struct Constraint {
  std::string metric;
  std::size_t column = 0;  ///< index of the metric in the vocabulary
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
  std::size_t line = 0;    ///< 1-based line of the file (0: built in code)

  bool passes(double value) const noexcept { return value >= lower && value <= upper; }  // NaN fails
  std::string text() const {
    auto number = [](double v) {  // the shortest text that reads back as v
      if (std::isinf(v)) return std::string(v < 0 ? "-inf" : "inf");
      char text[32];
      const auto [end, ec] = std::to_chars(text, text + sizeof text, v);
      return ec == std::errc{} ? std::string(text, end) : metahebb::detail::format_value(v);
    };
    return metric + " in [" + number(lower) + ", " + number(upper) + "]";
  }
};

/// How many rules pass each constraint and all of them.
struct ConstraintReport {
  std::size_t rules = 0;
  std::vector<std::size_t> passing;  ///< per constraint, in the file's order
  std::size_t passing_all = 0;
  double acceptance() const noexcept { return rules == 0 ? 0.0 : static_cast<double>(passing_all) / static_cast<double>(rules); }
};

class Constraints {
 public:
  Constraints() = default;

  /// Parses `text` against the metric names `vocabulary`; `source` names the text in errors.
  static Constraints parse(std::string_view text, const std::vector<std::string>& vocabulary,
                           const std::string& source = "constraints") {
    Constraints c;
    c.vocabulary_ = vocabulary;
    std::set<std::string> seen;
    std::size_t number = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(start, end - start);
      ++number;
      start = end + 1;
      if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
      line = trim(line);
      if (line.empty()) continue;
      const std::string where = source + " line " + std::to_string(number);
      Constraint k;
      k.line = number;
      std::string_view rest;
      if (const auto op = line.find_first_of(" \t<>=["); op != std::string_view::npos) {
        k.metric = std::string(trim(line.substr(0, op)));
        rest = trim(line.substr(op));
      } else {
        require(false, where, std::string(line), "expected `metric in [a, b]`, `metric >= a` or `metric <= b`");
      }
      std::size_t column = vocabulary.size();
      for (std::size_t i = 0; i < vocabulary.size(); ++i)
        if (vocabulary[i] == k.metric) column = i;
      require(column < vocabulary.size(), where + ": metric", k.metric, "is unknown; known metrics: " + join(vocabulary));
      k.column = column;
      if (rest.substr(0, 2) == ">=") {
        k.lower = number_at(trim(rest.substr(2)), where + ": " + k.metric + " lower bound");
      } else if (rest.substr(0, 2) == "<=") {
        k.upper = number_at(trim(rest.substr(2)), where + ": " + k.metric + " upper bound");
      } else if (rest.substr(0, 2) == "in") {
        std::string_view interval = trim(rest.substr(2));
        const auto comma = interval.find(',');
        require(interval.size() >= 2 && interval.front() == '[' && interval.back() == ']' &&
                    comma != std::string_view::npos,
                where + ": " + k.metric + " interval", std::string(interval), "expected [a, b]");
        k.lower = number_at(trim(interval.substr(1, comma - 1)), where + ": " + k.metric + " lower bound");
        k.upper = number_at(trim(interval.substr(comma + 1, interval.size() - comma - 2)),
                            where + ": " + k.metric + " upper bound");
        require(k.lower <= k.upper, where + ": " + k.metric + " interval", std::string(interval),
                "is empty (lower > upper)");
      } else {
        require(false, where + ": " + k.metric, std::string(rest), "expected `in [a, b]`, `>= a` or `<= b`");
      }
      require(seen.insert(k.metric).second, where + ": metric", k.metric, "is constrained twice");
      c.constraints_.push_back(k);
    }
    return c;
  }

  static Constraints load(const std::string& path, const std::vector<std::string>& vocabulary) {
    return parse(io::read_file(path), vocabulary, path);
  }

  const std::vector<Constraint>& list() const noexcept { return constraints_; }
  std::size_t size() const noexcept { return constraints_.size(); }
  bool empty() const noexcept { return constraints_.empty(); }
  const std::vector<std::string>& vocabulary() const noexcept { return vocabulary_; }

  /// Whether one rule's metrics (in vocabulary order) pass every constraint.
  bool passes(const Eigen::Ref<const Eigen::RowVectorXd>& metrics) const {
    for (const auto& k : constraints_)
      if (!k.passes(metrics[static_cast<Eigen::Index>(k.column)])) return false;
    return true;
  }

  /// Rows of `metrics` (rules × vocabulary) that pass; counts per constraint and for all.
  ConstraintReport report(const Eigen::MatrixXd& metrics, std::vector<char>* accepted = nullptr) const {
    require(static_cast<std::size_t>(metrics.cols()) == vocabulary_.size(), "metrics.cols()", metrics.cols(),
            "must equal the number of metric names (" + std::to_string(vocabulary_.size()) + ")");
    ConstraintReport r;
    r.rules = static_cast<std::size_t>(metrics.rows());
    r.passing.assign(constraints_.size(), 0);
    if (accepted) accepted->assign(r.rules, 0);
    for (Eigen::Index i = 0; i < metrics.rows(); ++i) {
      bool all = true;
      for (std::size_t k = 0; k < constraints_.size(); ++k) {
        const bool ok = constraints_[k].passes(metrics(i, static_cast<Eigen::Index>(constraints_[k].column)));
        r.passing[k] += ok ? 1 : 0;
        all = all && ok;
      }
      r.passing_all += all ? 1 : 0;
      if (accepted) (*accepted)[static_cast<std::size_t>(i)] = all ? 1 : 0;
    }
    return r;
  }

  /// The constraints back in the file format (one per line).
  std::string str() const {
    std::string s;
    for (const auto& k : constraints_) s += k.text() + "\n";
    return s;
  }

 private:
  static std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
  }
  static std::string join(const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
    return s;
  }
  static double number_at(std::string_view text, const std::string& field) {
    if (text == "inf" || text == "+inf") return std::numeric_limits<double>::infinity();
    if (text == "-inf") return -std::numeric_limits<double>::infinity();
    double v = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    require(ec == std::errc{} && end == text.data() + text.size() && std::isfinite(v), field, std::string(text),
            "must be a finite number, inf or -inf");
    return v;
  }

  std::vector<std::string> vocabulary_;
  std::vector<Constraint> constraints_;
};

}  // namespace metahebb::sweep
