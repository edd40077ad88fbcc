#pragma once
/// A small `--name value` parser for example programs and research scripts.
///
/// Every option is declared with a default and a help text; an unknown option, a
/// missing value or a value that does not parse throws invalid_configuration naming
/// the option and the value, before any work starts.

#include <charconv>
#include <cstdint>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "../core/errors.hpp"

namespace metahebb {

class CommandLine {
 public:
  struct Option {
    std::string name;           ///< without the leading "--"
    std::string default_value;  ///< "" for flags
    std::string help;
    bool flag = false;          ///< takes no value; get<bool> is true when given
  };

  CommandLine(int argc, const char* const* argv, std::string description, std::vector<Option> options)
      : program_(argc > 0 ? argv[0] : "program"), description_(std::move(description)), options_(std::move(options)) {
    for (const auto& o : options_) values_[o.name] = o.flag ? "false" : o.default_value;
    for (int i = 1; i < argc; ++i) {
      std::string_view arg = argv[i];
      if (arg == "--help" || arg == "-h") {
        help_ = true;
        continue;
      }
      require(arg.size() > 2 && arg.substr(0, 2) == "--", "command-line argument", arg, "expected --option");
      std::string name(arg.substr(2));
      std::string value;
      bool has_value = false;  // "--csv=" is an explicit empty value, not a request for the next argument
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_value = true;
      }
      const Option* option = find(name);
      require(option != nullptr, "command-line option", "--" + name, "unknown option; see --help");
      if (option->flag) {
        value = "true";
      } else if (!has_value) {
        require(i + 1 < argc, "--" + name, "(missing)", "needs a value");
        value = argv[++i];
      }
      values_[name] = value;
    }
  }

  /// True when --help was given; the usage text has then been printed.
  bool help(std::ostream& out = std::cout) const {
    if (help_) print_usage(out);
    return help_;
  }

  /// As help(), but prints only when `print` is true: under mpirun every rank parses the
  /// command line and stops, and one prints (`cli.help(processes.writer())`).
  bool help(bool print) const {
    if (help_ && print) print_usage(std::cout);
    return help_;
  }

  void print_usage(std::ostream& out) const {
    out << description_ << "\n\nusage: " << program_ << " [options]\n\noptions:\n";
    for (const auto& o : options_) {
      std::string left = "  --" + o.name + (o.flag ? "" : " VALUE");
      out << left << std::string(left.size() < 24 ? 24 - left.size() : 1, ' ') << o.help;
      if (!o.flag && !o.default_value.empty()) out << " (default " << o.default_value << ')';
      out << '\n';
    }
    out << "  --help                show this text\n";
  }

  /// The option's value converted to T (integers, floating point, bool, std::string).
  template <class T>
  T get(const std::string& name) const {
    const auto it = values_.find(name);
    require(it != values_.end(), "command-line option", "--" + name, "was not declared by the program");
    const std::string& text = it->second;
    if constexpr (std::is_same_v<T, std::string>) {
      return text;
    } else if constexpr (std::is_same_v<T, bool>) {
      require(text == "true" || text == "false", "--" + name, text, "must be true or false");
      return text == "true";
    } else if constexpr (std::is_integral_v<T>) {
      T value{};
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      require(error == std::errc{} && end == text.data() + text.size(), "--" + name, text,
              std::is_unsigned_v<T> ? "must be a non-negative integer" : "must be an integer");
      return value;
    } else {
      std::istringstream in(text);
      T value{};
      in >> value;
      require(!in.fail() && in.eof(), "--" + name, text, "must be a number");
      return value;
    }
  }

 private:
  const Option* find(const std::string& name) const {
    for (const auto& o : options_)
      if (o.name == name) return &o;
    return nullptr;
  }

  std::string program_;
  std::string description_;
  std::vector<Option> options_;
  std::map<std::string, std::string> values_;
  bool help_ = false;
};

}  // namespace metahebb
