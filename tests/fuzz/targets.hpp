#pragma once
// The fuzz targets' bodies, shared by the libFuzzer executables (fuzz_<target>, clang
// only, tests/fuzz/CMakeLists.txt) and by fuzz_corpus_test, which replays the committed
// corpora (tests/fuzz/corpus/<target>/) in every build, sanitizers included.
//
// Contract checked on every input: a parser either returns a valid value or throws
// metahebb::invalid_configuration whose message names the field; any other exception,
// crash, sanitizer report or broken invariant is a bug (std::abort, which libFuzzer reports).
//
// Parsers covered: io/rule_spec.hpp (rule_spec), io/command_line.hpp (command_line),
// the checkpoint reader io/checkpoint_record.hpp (checkpoint; rejections must be
// io::checkpoint_error) and the sweep constraints sweep/constraints.hpp (constraints). A further parser gets: a body here, a <name>_fuzz.cpp wrapper,
// its name in tests/fuzz/CMakeLists.txt and .ci/run, seeds in tests/fuzz/corpus/<name>/,
// and a replay case in corpus_replay_test.cpp.

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <metahebb/core/errors.hpp>
#include <metahebb/io/checkpoint_record.hpp>
#include <metahebb/io/command_line.hpp>
#include <metahebb/io/crc32.hpp>
#include <metahebb/io/rule_spec.hpp>
#include <metahebb/sweep/constraints.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace metahebb_fuzz {

inline void expect(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
    std::abort();
  }
}

/// io/rule_spec.hpp: parse; an accepted rule is simulable and survives a text round trip bit for bit.
inline int rule_spec(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Eigen::VectorXd theta;
  try {
    theta = metahebb::parse_spike_trace_rule(text);
  } catch (const metahebb::invalid_configuration& e) {
    expect(e.field() == "rule", "the error names the field");
    expect(std::string_view(e.what()).find("invalid rule") != std::string_view::npos, "the message names the field");
    return 0;
  }
  expect(theta.size() == 6 && metahebb::SpikeTraceBasis::simulable(theta), "an accepted rule is simulable");
  std::string again;
  for (Eigen::Index i = 0; i < theta.size(); ++i) {
    char buffer[64];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, theta[i]);
    expect(error == std::errc{}, "to_chars");
    if (i) again += ',';
    again.append(buffer, end);
  }
  const Eigen::VectorXd reparsed = metahebb::parse_spike_trace_rule(again);
  for (Eigen::Index i = 0; i < theta.size(); ++i)
    expect(reparsed[i] == theta[i] || (theta[i] == 0 && reparsed[i] == 0), "round trip");
  return 0;
}

/// io/command_line.hpp: the input is argv (NUL-separated); every declared option is then read
/// as every type; each step either succeeds or throws invalid_configuration.
inline int command_line(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args{"prog"};
  std::string current;
  for (std::size_t i = 0; i < size && args.size() < 64; ++i) {
    if (data[i] == 0) {
      args.push_back(current);
      current.clear();
    } else {
      current += static_cast<char>(data[i]);
    }
  }
  if (!current.empty() && args.size() < 64) args.push_back(current);
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  const std::vector<metahebb::CommandLine::Option> options{
      {"inputs", "3", "a count"}, {"rate", "0.5", "a real"}, {"csv", "", "a path"},
      {"seed", "1", "a seed"},    {"quiet", "", "a flag", true}};
  try {
    const metahebb::CommandLine cli(static_cast<int>(argv.size()), argv.data(), "fuzz", options);
    std::ostringstream sink;
    cli.help(sink);
    for (const auto& o : options) {
      const auto read = [&](auto tag) {
        try {
          (void)cli.get<decltype(tag)>(o.name);
        } catch (const metahebb::invalid_configuration& e) {
          expect(std::string_view(e.what()).find(o.name) != std::string_view::npos, "the message names the option");
        }
      };
      read(std::size_t{});
      read(int{});
      read(std::uint64_t{});
      read(double{});
      read(bool{});
      read(std::string{});
    }
  } catch (const metahebb::invalid_configuration& e) {
    expect(std::string_view(e.what()).starts_with("metahebb: invalid "), "the message has the library's form");
  }
  return 0;
}

namespace detail {
// Reads every field of an accepted record as every type; each read returns or throws checkpoint_error.
inline void read_every_field(const metahebb::io::CheckpointRecord& record, std::string_view body) {
  std::size_t at = 0;
  while (at < body.size()) {
    const std::size_t eol = std::min(body.find('\n', at), body.size());
    const std::string_view line = body.substr(at, eol - at);
    at = eol + 1;
    const std::string key(line.substr(0, line.find(' ')));
    if (!record.has(key)) continue;  // the header line, or a line the parser refused
    const auto attempt = [](auto read) {
      try {
        read();
      } catch (const metahebb::io::checkpoint_error& e) {
        expect(std::string_view(e.what()).starts_with("metahebb: refusing checkpoint "), "checkpoint message form");
      }
    };
    attempt([&] { (void)record.get_string(key); });
    attempt([&] { (void)record.get_uint(key); });
    attempt([&] { (void)record.get_bool(key); });
    attempt([&] { (void)record.get_double(key); });
    attempt([&] { (void)record.get_vector(key); });
    attempt([&] { (void)record.get_matrix(key); });
  }
}

inline void parse_checkpoint(std::string_view bytes) {
  try {
    const auto record = metahebb::io::CheckpointRecord::parse(bytes, "fuzz");
    read_every_field(record, bytes);
    // An accepted record serialises back to bytes that parse to the same record.
    const std::string again = record.serialize();
    expect(metahebb::io::CheckpointRecord::parse(again, "fuzz").serialize() == again, "serialize round trip");
  } catch (const metahebb::io::checkpoint_error& e) {
    expect(std::string_view(e.what()).starts_with("metahebb: refusing checkpoint fuzz: "), "checkpoint message form");
  }
}
}  // namespace detail

/// io/checkpoint_record.hpp: the input as a file, and the input with a valid crc32 line
/// appended (random mutations almost never keep the checksum right, so without this the
/// field parser behind it would go unexplored).
inline int checkpoint(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  detail::parse_checkpoint(bytes);
  std::string body(bytes);
  if (body.empty() || body.back() != '\n') body += '\n';
  char line[32];
  std::snprintf(line, sizeof line, "crc32 %08x\n", static_cast<unsigned>(metahebb::io::crc32(body)));
  detail::parse_checkpoint(body + line);
  return 0;
}

/// sweep/constraints.hpp: parse against a fixed vocabulary; accepted constraints name known
/// metrics once each, have ordered bounds that are not NaN, and read back from their own
/// text to the same bounds, bit for bit. Rejections name a line of the source.
inline int constraints(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string> vocabulary{"rate_e_hz", "rate_i_hz", "cv_isi", "w_blow", "exploded"};
  metahebb::sweep::Constraints c;
  try {
    c = metahebb::sweep::Constraints::parse(text, vocabulary, "constraints");
  } catch (const metahebb::invalid_configuration& e) {
    expect(e.field().rfind("constraints line ", 0) == 0, "the error names the line");
    return 0;
  }
  std::vector<int> seen(vocabulary.size(), 0);
  for (const auto& k : c.list()) {
    expect(k.column < vocabulary.size() && vocabulary[k.column] == k.metric, "a known metric");
    expect(seen[k.column]++ == 0, "each metric once");
    expect(!std::isnan(k.lower) && !std::isnan(k.upper) && k.lower <= k.upper, "ordered bounds");
  }
  const auto again = metahebb::sweep::Constraints::parse(c.str(), vocabulary, "constraints");
  expect(again.size() == c.size(), "the text reads back");
  for (std::size_t i = 0; i < c.size(); ++i)
    expect(again.list()[i].column == c.list()[i].column && again.list()[i].lower == c.list()[i].lower &&
               again.list()[i].upper == c.list()[i].upper,
           "the text reads back to the same bounds");
  return 0;
}

}  // namespace metahebb_fuzz
