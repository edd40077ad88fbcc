#pragma once
/// A small JSON writer for run summaries: objects keep the order fields were added,
/// strings are escaped per RFC 8259, and numbers are written so that they read back
/// to the same double (shortest round-trip form). JSON has no NaN or infinity: they
/// are written as null, which numpy/pandas/json.load read as None.

#include <Eigen/Core>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "atomic_file.hpp"

namespace metahebb::io {

/// `text` as a quoted JSON string.
inline std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += escaped;
        } else {
          out += c;  // UTF-8 bytes pass through
        }
    }
  }
  return out + '"';
}

/// `value` as a JSON number (shortest form that reads back exactly), or null if not finite.
inline std::string json_number(double value) {
  if (!std::isfinite(value)) return "null";
  char text[32];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return ec == std::errc{} ? std::string(text, end) : std::string("null");
}

/// A JSON object under construction; add() returns *this for chaining.
class JsonObject {
 public:
  JsonObject& add(std::string_view key, std::string_view text) { return raw(key, json_string(text)); }
  JsonObject& add(std::string_view key, const char* text) { return raw(key, json_string(text)); }
  JsonObject& add(std::string_view key, const std::string& text) { return raw(key, json_string(text)); }
  JsonObject& add(std::string_view key, double value) { return raw(key, json_number(value)); }
  JsonObject& add(std::string_view key, bool value) { return raw(key, value ? "true" : "false"); }
  JsonObject& add(std::string_view key, std::uint64_t value) { return raw(key, std::to_string(value)); }
  JsonObject& add(std::string_view key, std::int64_t value) { return raw(key, std::to_string(value)); }
  JsonObject& add(std::string_view key, int value) { return raw(key, std::to_string(value)); }
  JsonObject& add(std::string_view key, unsigned value) { return raw(key, std::to_string(value)); }
  JsonObject& add(std::string_view key, unsigned long long value) { return raw(key, std::to_string(value)); }
  JsonObject& add(std::string_view key, long long value) { return raw(key, std::to_string(value)); }
  JsonObject& add(std::string_view key, const JsonObject& object) { return raw(key, object.str()); }
  JsonObject& add(std::string_view key, const Eigen::VectorXd& values) {
    std::string out = "[";
    for (Eigen::Index i = 0; i < values.size(); ++i) out += (i ? ", " : "") + json_number(values[i]);
    return raw(key, out + ']');
  }
  JsonObject& add(std::string_view key, const std::vector<double>& values) {
    return add(key, Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()))));
  }
  JsonObject& add(std::string_view key, const std::vector<std::string>& values) {
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + json_string(values[i]);
    return raw(key, out + ']');
  }
  /// A value already in JSON form.
  JsonObject& raw(std::string_view key, std::string json) {
    fields_.emplace_back(json_string(key), std::move(json));
    return *this;
  }

  /// One field per line, two-space indentation at the top level.
  std::string str() const {
    if (fields_.empty()) return "{}";
    std::string out = "{\n";
    for (std::size_t i = 0; i < fields_.size(); ++i)
      out += "  " + fields_[i].first + ": " + fields_[i].second + (i + 1 < fields_.size() ? ",\n" : "\n");
    return out + '}';
  }

  void write(const std::string& path) const { write_file_atomically(path, str() + '\n'); }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace metahebb::io
