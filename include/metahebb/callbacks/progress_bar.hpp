#pragma once
/// A progress bar for long runs, redrawn in place on a terminal:
///
///   [##########..........]  512/1500 gen  best 3.2e-04  sigma 0.021  1m 40s elapsed, ~3m 13s left
///
/// When the stream is not a terminal (a log file, CI), it prints ProgressLine's plain
/// lines every `every` generations instead, since carriage returns make logs unreadable.
/// Either way the run ends with one line saying after how many generations and why it stopped.

#include <algorithm>
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

#include "../core/run_report.hpp"
#include "progress_line.hpp"

namespace metahebb::callbacks {

class ProgressBar {
 public:
  enum class Mode { automatic, bar, lines };

  /// `automatic`: a bar if `out` is std::cerr and stderr is a terminal, else lines.
  explicit ProgressBar(std::size_t every = 10, std::ostream& out = std::cerr, Mode mode = Mode::automatic)
      : out_(&out), lines_(every, out), bar_(mode == Mode::bar || (mode == Mode::automatic && &out == &std::cerr && stderr_is_terminal())) {}

  bool is_bar() const noexcept { return bar_; }

  void on_begin(const RunInfo& info) {
    writer_ = info.writer;
    lines_.on_begin(info);
  }

  void on_generation(const GenerationReport& r) {
    if (!bar_ || !r.writer) return lines_.on_generation(r);  // ProgressLine prints nothing where !r.writer
    // Redraw at most ~10 times a second: a fast search would otherwise spend its time printing.
    const auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100) && r.generation != r.max_generations) return;
    last_draw_ = now;
    drawn_ = true;
    std::string line = "\r";
    char text[160];
    if (r.max_generations != 0) {
      constexpr std::size_t width = 20;
      const std::size_t filled = std::min(width, r.generation * width / r.max_generations);
      line += '[' + std::string(filled, '#') + std::string(width - filled, '.') + "] ";
      std::snprintf(text, sizeof text, "%5zu/%zu gen", r.generation, r.max_generations);
    } else {
      std::snprintf(text, sizeof text, "gen %5zu", r.generation);
    }
    line += text;
    std::snprintf(text, sizeof text, "  best %.3g  sigma %.3g  %s elapsed", r.best_loss_so_far, r.step_size,
                  duration(r.elapsed_seconds).c_str());
    line += text;
    if (r.max_generations > r.generation && r.generation > 0)
      line += ", ~" + duration(r.elapsed_seconds / static_cast<double>(r.generation) *
                               static_cast<double>(r.max_generations - r.generation)) + " left";
    line += "\x1b[K";  // clear what a longer previous line left behind
    *out_ << line << std::flush;
  }

  void on_end(const RunResult& result) {
    if (!writer_) return;  // under MPI only rank 0 prints
    if (bar_ && drawn_) *out_ << '\n';
    *out_ << "metahebb: stopped after " << result.generations << " generations (" << duration(result.seconds)
          << ") [" << to_string(result.status.code) << "]: " << result.status.reason << '\n'
          << std::flush;
  }

  /// "42.0 s", "3m 05s", "2h 07m".
  static std::string duration(double seconds) {
    char text[32];
    if (!(seconds >= 0.0)) return "?";
    if (seconds < 60.0) std::snprintf(text, sizeof text, "%.1f s", seconds);
    else if (seconds < 3600.0) std::snprintf(text, sizeof text, "%dm %02ds", static_cast<int>(seconds / 60), static_cast<int>(seconds) % 60);
    else std::snprintf(text, sizeof text, "%.0fh %02dm", std::floor(seconds / 3600), static_cast<int>(seconds / 60) % 60);
    return text;
  }

 private:
  static bool stderr_is_terminal() noexcept {
#if __has_include(<unistd.h>)
    return ::isatty(STDERR_FILENO) == 1;
#else
    return false;
#endif
  }

  std::ostream* out_;
  ProgressLine lines_;
  bool bar_;
  bool drawn_ = false;
  bool writer_ = true;  // RunInfo::writer
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace metahebb::callbacks
