#pragma once
/// The checkpoint file format: a line-oriented text record, read back exactly.
///
///   metahebb-checkpoint 1              magic and format version
///   <key> <value>                      one field per line, in the order written
///   ...
///   crc32 <8 hex digits>               CRC-32 of every byte before this line
///
/// Doubles are stored as the 16 hex digits of their IEEE-754 bits: exact (NaN payloads
/// and signed zeros included), locale-independent, and a resumed run gets the very bits
/// the interrupted one had. Vectors are "<n> <bits>...", matrices "<rows> <cols> <bits>..."
/// in column-major order, strings are escaped (\\, \n, \r). A file without its checksum
/// line is reported as truncated, one whose checksum differs as corrupt.

#include <Eigen/Core>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crc32.hpp"

namespace metahebb::io {

/// Thrown when a checkpoint cannot be used: unreadable, truncated, corrupt, of another
/// format version, or written by a different run. Nothing has been changed when it is thrown.
class checkpoint_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CheckpointRecord {
 public:
  static constexpr std::uint64_t format_version = 1;
  static constexpr std::string_view magic = "metahebb-checkpoint";

  /// `source` names the record in error messages (usually the file path).
  explicit CheckpointRecord(std::string source = "checkpoint") : source_(std::move(source)) {}

  const std::string& source() const noexcept { return source_; }
  bool has(const std::string& key) const { return index_.count(key) != 0; }
  const std::vector<std::pair<std::string, std::string>>& fields() const noexcept { return fields_; }

  void put_string(const std::string& key, std::string_view text) {
    std::string escaped;
    for (const char c : text) {
      if (c == '\\') escaped += "\\\\";
      else if (c == '\n') escaped += "\\n";
      else if (c == '\r') escaped += "\\r";
      else escaped += c;
    }
    put_raw(key, std::move(escaped));
  }
  void put_uint(const std::string& key, std::uint64_t value) { put_raw(key, std::to_string(value)); }
  void put_bool(const std::string& key, bool value) { put_uint(key, value ? 1 : 0); }
  void put_double(const std::string& key, double value) { put_raw(key, hex(value)); }
  void put_vector(const std::string& key, const double* data, std::size_t n) {
    std::string text = std::to_string(n);
    for (std::size_t i = 0; i < n; ++i) text += ' ' + hex(data[i]);
    put_raw(key, std::move(text));
  }
  void put_vector(const std::string& key, const Eigen::VectorXd& v) {
    put_vector(key, v.data(), static_cast<std::size_t>(v.size()));
  }
  void put_vector(const std::string& key, const std::vector<double>& v) { put_vector(key, v.data(), v.size()); }
  void put_matrix(const std::string& key, const Eigen::MatrixXd& m) {  // Eigen's default storage is column-major
    std::string text = std::to_string(m.rows()) + ' ' + std::to_string(m.cols());
    for (Eigen::Index i = 0; i < m.size(); ++i) text += ' ' + hex(m.data()[i]);
    put_raw(key, std::move(text));
  }

  std::string get_string(const std::string& key) const {
    const std::string& raw = field(key);
    std::string text;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '\\') {
        text += raw[i];
        continue;
      }
      if (++i == raw.size()) malformed(key, "a string ending in a lone backslash");
      text += raw[i] == 'n' ? '\n' : raw[i] == 'r' ? '\r' : raw[i];
    }
    return text;
  }
  std::uint64_t get_uint(const std::string& key) const {
    const std::string& raw = field(key);
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), value);
    if (ec != std::errc{} || end != raw.data() + raw.size()) malformed(key, "an unsigned integer");
    return value;
  }
  bool get_bool(const std::string& key) const {
    const std::uint64_t v = get_uint(key);
    if (v > 1) malformed(key, "0 or 1");
    return v == 1;
  }
  double get_double(const std::string& key) const {
    const std::string& raw = field(key);
    std::size_t at = 0;
    const double value = next_double(key, raw, at);
    if (at != raw.size()) malformed(key, "one double");
    return value;
  }
  std::vector<double> get_doubles(const std::string& key) const {
    const std::string& raw = field(key);
    std::size_t at = 0;
    const std::uint64_t n = next_count(key, raw, at);
    if (n > (raw.size() + 1) / 17) malformed(key, "a vector with as many values as its length says");
    std::vector<double> out(n);
    for (auto& x : out) x = next_double(key, raw, at);
    if (at != raw.size()) malformed(key, "a vector with as many values as its length says");
    return out;
  }
  Eigen::VectorXd get_vector(const std::string& key) const {
    const std::vector<double> v = get_doubles(key);
    return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
  }
  Eigen::MatrixXd get_matrix(const std::string& key) const {
    const std::string& raw = field(key);
    std::size_t at = 0;
    const std::uint64_t rows = next_count(key, raw, at), cols = next_count(key, raw, at);
    if (rows != 0 && cols > (raw.size() + 1) / 17 / rows) malformed(key, "a matrix with rows * cols values");
    Eigen::MatrixXd m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = next_double(key, raw, at);
    if (at != raw.size()) malformed(key, "a matrix with rows * cols values");
    return m;
  }

  /// The file's bytes: magic line, fields, checksum line.
  std::string serialize() const {
    std::string out = std::string(magic) + ' ' + std::to_string(format_version) + '\n';
    for (const auto& [key, value] : fields_) out += key + ' ' + value + '\n';
    char line[32];
    std::snprintf(line, sizeof line, "crc32 %08x\n", static_cast<unsigned>(crc32(out)));
    return out + line;
  }

  /// Parses and verifies `bytes`; throws checkpoint_error naming `source` and the problem.
  static CheckpointRecord parse(std::string_view bytes, std::string source) {
    auto refuse = [&source](const std::string& why) -> void {
      throw checkpoint_error("metahebb: refusing checkpoint " + source + ": " + why);
    };
    const std::string first_line = std::string(magic) + ' ';
    if (bytes.substr(0, first_line.size()) != first_line) refuse("not a metahebb checkpoint (no '" + std::string(magic) + "' header)");
    // The checksum line is last: "crc32 " + 8 hex digits + '\n'.
    constexpr std::size_t tail = 15;
    if (bytes.size() < first_line.size() + tail || bytes.back() != '\n' ||
        bytes.substr(bytes.size() - tail, 6) != "crc32 " || bytes[bytes.size() - tail - 1] != '\n')
      refuse("the file is truncated (it does not end with its crc32 line; was the writer killed, or the file cut?)");
    const std::string_view body = bytes.substr(0, bytes.size() - tail);
    std::uint32_t stored = 0;
    const std::string_view digits = bytes.substr(bytes.size() - 9, 8);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), stored, 16);
    if (ec != std::errc{} || end != digits.data() + digits.size()) refuse("its crc32 line is malformed");
    if (const std::uint32_t computed = crc32(body); computed != stored) {
      char text[96];
      std::snprintf(text, sizeof text, "the file is corrupt (crc32 %08x stored, %08x computed)",
                    static_cast<unsigned>(stored), static_cast<unsigned>(computed));
      refuse(text);
    }
    CheckpointRecord record(source);  // a copy: refuse() below still names the source
    std::size_t at = 0;
    bool header = true;
    while (at < body.size()) {
      const std::size_t eol = body.find('\n', at);
      const std::string_view line = body.substr(at, eol - at);
      at = eol + 1;
      const std::size_t space = line.find(' ');
      if (space == std::string_view::npos) refuse("line '" + std::string(line.substr(0, 60)) + "' has no value");
      const std::string key(line.substr(0, space)), value(line.substr(space + 1));
      if (key.empty() || key.find('\r') != std::string::npos)
        refuse("a line has no valid key: '" + std::string(line.substr(0, 60)) + "'");
      if (header) {
        header = false;
        if (value != std::to_string(format_version))
          refuse("it has format version " + value + "; this build reads version " + std::to_string(format_version));
        continue;
      }
      if (key.empty() || key.find('\r') != std::string::npos)  // put_raw would throw std::invalid_argument
        refuse("line '" + std::string(line.substr(0, 60)) + "' has no valid key");
      if (record.has(key)) refuse("field '" + key + "' appears twice");
      record.put_raw(key, value);
    }
    return record;
  }

 private:
  void put_raw(const std::string& key, std::string value) {
    if (key.empty() || key.find_first_of(" \n\r") != std::string::npos)
      throw std::invalid_argument("metahebb: invalid checkpoint key '" + key + "' (must be non-empty, no spaces)");
    if (auto it = index_.find(key); it != index_.end()) {
      fields_[it->second].second = std::move(value);
      return;
    }
    index_.emplace(key, fields_.size());
    fields_.emplace_back(key, std::move(value));
  }

  const std::string& field(const std::string& key) const {
    const auto it = index_.find(key);
    if (it == index_.end())
      throw checkpoint_error("metahebb: refusing checkpoint " + source_ + ": field '" + key +
                             "' is missing (written by another kind of run or another version?)");
    return fields_[it->second].second;
  }

  [[noreturn]] void malformed(const std::string& key, const char* expected) const {
    throw checkpoint_error("metahebb: refusing checkpoint " + source_ + ": field '" + key + "' is not " + expected);
  }

  static std::string hex(double value) {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(value)));
    return text;
  }

  std::uint64_t next_count(const std::string& key, const std::string& raw, std::size_t& at) const {
    std::uint64_t n = 0;
    const auto [end, ec] = std::from_chars(raw.data() + at, raw.data() + raw.size(), n);
    if (ec != std::errc{} || n > (std::uint64_t{1} << 40)) malformed(key, "a length followed by values");
    at = static_cast<std::size_t>(end - raw.data());
    if (at < raw.size()) {
      if (raw[at] != ' ') malformed(key, "a length followed by values");
      ++at;
    }
    return n;
  }

  double next_double(const std::string& key, const std::string& raw, std::size_t& at) const {
    std::uint64_t bits = 0;
    if (raw.size() - at < 16) malformed(key, "16-hex-digit doubles");
    const auto [end, ec] = std::from_chars(raw.data() + at, raw.data() + at + 16, bits, 16);
    if (ec != std::errc{} || end != raw.data() + at + 16) malformed(key, "16-hex-digit doubles");
    at += 16;
    if (at < raw.size()) {
      if (raw[at] != ' ') malformed(key, "space-separated 16-hex-digit doubles");
      ++at;
    }
    return std::bit_cast<double>(bits);
  }

  std::string source_;
  std::vector<std::pair<std::string, std::string>> fields_;
  std::map<std::string, std::size_t> index_;
};

}  // namespace metahebb::io
