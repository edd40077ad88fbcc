#pragma once
/// Progress of a sweep on stderr: rules done, rules per second and the time left.
///
///   [########............]  412/1000 rules  3.2 rules/s  2m 08s elapsed, ~3m 04s left
///
/// Redrawn in place when stderr is a terminal (at most ten times a second); otherwise one
/// plain line every `every_seconds` and at the end, so that logs stay readable.

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <iostream>
#include <ostream>
#include <string>

#if __has_include(<unistd.h>)
#include <unistd.h>
#endif

namespace metahebb::sweep {

/// Called by the sweep after every committed chunk: (rules done, rules in total, seconds elapsed).
struct NoProgress {
  void operator()(std::size_t, std::size_t, double) const noexcept {}
};

class SweepProgressBar {
 public:
  explicit SweepProgressBar(std::string label = "rules", std::ostream& out = std::cerr, double every_seconds = 10.0)
      : label_(std::move(label)), out_(&out), every_(every_seconds) {
#if __has_include(<unistd.h>)
    bar_ = &out == &std::cerr && ::isatty(2) != 0;
#endif
  }

  void operator()(std::size_t done, std::size_t total, double seconds) {
    const auto now = std::chrono::steady_clock::now();
    const bool last = done >= total;
    const double since = std::chrono::duration<double>(now - last_).count();
    if (drawn_ && !last && since < (bar_ ? 0.1 : every_)) return;
    last_ = now;
    drawn_ = true;
    const double rate = seconds > 0.0 ? static_cast<double>(done) / seconds : 0.0;
    const double left = rate > 0.0 ? static_cast<double>(total - done) / rate : 0.0;
    std::string line;
    if (total > 0) {
      constexpr std::size_t width = 20;
      const std::size_t filled = done * width / total;
      line = "[" + std::string(filled, '#') + std::string(width - filled, '.') + "]  ";
    }
    char text[200];
    std::snprintf(text, sizeof text, "%zu/%zu %s  %.3g %s/s  %s elapsed, ~%s left", done, total, label_.c_str(), rate,
                  label_.c_str(), duration(seconds).c_str(), duration(left).c_str());
    line += text;
    if (bar_) {
      *out_ << '\r' << line << "\x1b[K";
      if (last) *out_ << '\n';
    } else {
      *out_ << line << '\n';
    }
    out_->flush();
  }

  static std::string duration(double seconds) {
    if (!std::isfinite(seconds)) return "?";
    const auto s = static_cast<long long>(std::llround(seconds));
    char text[48];
    if (s >= 3600) std::snprintf(text, sizeof text, "%lldh %02lldm", s / 3600, (s / 60) % 60);
    else if (s >= 60) std::snprintf(text, sizeof text, "%lldm %02llds", s / 60, s % 60);
    else std::snprintf(text, sizeof text, "%llds", s);
    return text;
  }

 private:
  std::string label_;
  std::ostream* out_;
  double every_ = 10.0;
  bool bar_ = false;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace metahebb::sweep
