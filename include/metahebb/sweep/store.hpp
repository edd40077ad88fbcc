#pragma once
/// An append-only, resumable store of simulated rules on disk (issue 13):
/// one record per rule = (rule_id, round, seed, θ…, metrics…), loadable by numpy directly.
///
/// Layout of the directory:
///   header.json        written once: the columns (θ names, metric names), the numpy dtype and
///                      the sweep's identity (task, seed, prior); a store is only ever resumed
///                      by a sweep with the same header, byte for byte.
///   chunk-000000.npy … each a 1-D structured array (numpy format 1.0) with fields
///                      rule_id '<u8', round '<u8', seed '<u8', then one '<f8' per θ coordinate
///                      and per metric (np.load(path)["alpha"] is a column), written atomically;
///   manifest.txt       one line per committed chunk, "file first_row rows", rewritten
///                      atomically after each chunk.
/// A chunk is committed when the manifest names it. A run killed at any instant leaves the
/// manifest's previous version and at most an uncommitted chunk file, which the next append
/// overwrites: records are never lost once committed and never duplicated. In Python:
///
///   files = [line.split()[0] for line in open(d + "/manifest.txt")]
///   table = np.concatenate([np.load(d + "/" + f) for f in files])
///
/// (scripts/plot_rule_family.py has a `load_store(directory)` doing this).

#include <Eigen/Core>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "../core/errors.hpp"
#include "../io/atomic_file.hpp"
#include "../io/json.hpp"

namespace metahebb::sweep {

/// Records of simulated rules, one row per rule.
struct Records {
  std::vector<std::uint64_t> rule_id, round, seed;
  Eigen::MatrixXd theta;    ///< rows × θ coordinates
  Eigen::MatrixXd metrics;  ///< rows × metrics (NaN where a metric is undefined)

  std::size_t size() const noexcept { return rule_id.size(); }
  void resize(std::size_t rows, std::size_t theta_dim, std::size_t metric_dim) {
    rule_id.assign(rows, 0);
    round.assign(rows, 0);
    seed.assign(rows, 0);
    theta.setZero(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(theta_dim));
    metrics.setZero(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(metric_dim));
  }
  /// Appends the rows of `other` (same columns).
  void append(const Records& other) {
    if (other.size() == 0) return;
    if (size() == 0) {
      *this = other;
      return;
    }
    rule_id.insert(rule_id.end(), other.rule_id.begin(), other.rule_id.end());
    round.insert(round.end(), other.round.begin(), other.round.end());
    seed.insert(seed.end(), other.seed.begin(), other.seed.end());
    Eigen::MatrixXd t(theta.rows() + other.theta.rows(), theta.cols()), m(metrics.rows() + other.metrics.rows(), metrics.cols());
    t << theta, other.theta;
    m << metrics, other.metrics;
    theta.swap(t);
    metrics.swap(m);
  }
};

/// What a store holds: its columns and the identity of the sweep that fills it.
struct StoreLayout {
  std::vector<std::string> theta_names;
  std::vector<std::string> metric_names;
  std::string identity;  ///< free text (JSON) naming the task, seed and prior; must match on resume

  void validate() const {
    std::set<std::string> seen{"rule_id", "round", "seed"};
    auto check = [&](const std::string& kind, const std::string& name) {
      require(!name.empty(), kind + " name", "\"\"", "must not be empty");
      for (const char c : name)
        require(c != '\'' && c != '\\' && c != '\n' && c != '"', kind + " name", name,
                "must not contain quotes, backslashes or newlines (it is a numpy field name)");
      require(seen.insert(name).second, kind + " name", name, "names a column twice (rule_id, round, seed are taken)");
    };
    require(!theta_names.empty(), "store.theta_names", "(empty)", "needs at least one θ coordinate");
    for (const auto& n : theta_names) check("θ coordinate", n);
    for (const auto& n : metric_names) check("metric", n);
  }
  std::size_t record_bytes() const { return 8 * (3 + theta_names.size() + metric_names.size()); }
  /// The numpy dtype, as written in the .npy header.
  std::string descr() const {
    std::string d = "[('rule_id', '<u8'), ('round', '<u8'), ('seed', '<u8')";
    for (const auto& n : theta_names) d += ", ('" + n + "', '<f8')";
    for (const auto& n : metric_names) d += ", ('" + n + "', '<f8')";
    return d + "]";
  }
  std::string header_json() const {
    io::JsonObject o;
    o.add("format", "metahebb rule store 1");
    o.add("theta_names", theta_names);
    o.add("metric_names", metric_names);
    o.add("dtype", descr());
    o.raw("identity", identity.empty() ? "null" : identity);
    return o.str() + "\n";
  }
};

namespace detail {
/// A numpy 1.0 header for `rows` records of a structured dtype.
inline std::string structured_npy_header(const std::string& descr, std::size_t rows) {
  std::string dict = "{'descr': " + descr + ", 'fortran_order': False, 'shape': (" + std::to_string(rows) + ",), }";
  const std::size_t unpadded = 10 + dict.size() + 1;
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict += '\n';
  require(dict.size() <= 65535, "store header length", dict.size(),
          "must fit in 16 bits (numpy format 1.0): too many or too long column names");
  std::string header("\x93NUMPY\x01\x00", 8);
  header += static_cast<char>(dict.size() & 0xFF);
  header += static_cast<char>(dict.size() >> 8);
  return header + dict;
}
}  // namespace detail

class RuleStore {
 public:
  /// Opens `directory`, creating it (and header.json) if needed. An existing store must have
  /// the same header (columns and identity); its committed chunks are read back.
  RuleStore(std::string directory, StoreLayout layout) : directory_(std::move(directory)), layout_(std::move(layout)) {
    layout_.validate();
    require(!directory_.empty(), "store directory", "\"\"", "must name a directory");
    std::filesystem::create_directories(directory_);
    const std::string header = layout_.header_json();
    const std::string header_path = path("header.json");
    if (std::filesystem::exists(header_path)) {
      const std::string existing = io::read_file(header_path);
      require(existing == header, "store " + header_path, "(another sweep's header)",
              "must describe the same columns, task, seed and prior as this sweep; use another --store directory");
    } else {
      io::write_file_atomically(header_path, header);
    }
    load_manifest();
  }

  const std::string& directory() const noexcept { return directory_; }
  const StoreLayout& layout() const noexcept { return layout_; }
  /// Every committed record, in commit order (concatenated once after each append).
  const Records& records() const {
    if (records_.size() != rows_) {
      Records all;
      all.resize(rows_, layout_.theta_names.size(), layout_.metric_names.size());
      std::size_t r = 0;
      for (const auto& block : blocks_) {
        std::copy(block.rule_id.begin(), block.rule_id.end(), all.rule_id.begin() + static_cast<std::ptrdiff_t>(r));
        std::copy(block.round.begin(), block.round.end(), all.round.begin() + static_cast<std::ptrdiff_t>(r));
        std::copy(block.seed.begin(), block.seed.end(), all.seed.begin() + static_cast<std::ptrdiff_t>(r));
        all.theta.middleRows(static_cast<Eigen::Index>(r), block.theta.rows()) = block.theta;
        all.metrics.middleRows(static_cast<Eigen::Index>(r), block.metrics.rows()) = block.metrics;
        r += block.size();
      }
      records_ = std::move(all);
    }
    return records_;
  }
  std::size_t size() const noexcept { return rows_; }
  std::size_t chunks() const noexcept { return chunks_.size(); }
  bool contains(std::uint64_t rule_id) const { return ids_.count(rule_id) != 0; }

  /// Commits `block` as one chunk: the chunk file first, then the manifest naming it.
  /// A rule id already in the store is an error (nothing is ever duplicated).
  /// `write_files` = false keeps the chunk in memory only: under MPI every rank appends the
  /// same gathered records and only the writing rank (rank 0) writes them, so one store on
  /// disk holds every rank's rules (docs/running-on-a-cluster.md).
  void append(const Records& block, bool write_files = true) {
    if (block.size() == 0) return;
    require(static_cast<std::size_t>(block.theta.cols()) == layout_.theta_names.size(), "records.theta.cols()",
            block.theta.cols(), "must equal the store's θ size");
    require(static_cast<std::size_t>(block.metrics.cols()) == layout_.metric_names.size(), "records.metrics.cols()",
            block.metrics.cols(), "must equal the store's number of metrics");
    std::set<std::uint64_t> fresh;
    for (const auto id : block.rule_id)
      require(!contains(id) && fresh.insert(id).second, "rule_id", id, "is already in the store " + directory_);
    char name[32];
    std::snprintf(name, sizeof name, "chunk-%06zu.npy", chunks_.size());
    std::string bytes = detail::structured_npy_header(layout_.descr(), block.size());
    const std::size_t start = bytes.size();
    bytes.resize(start + block.size() * layout_.record_bytes());
    char* out = bytes.data() + start;
    auto put = [&out](const auto value) {
      std::memcpy(out, &value, 8);
      out += 8;
    };
    for (std::size_t r = 0; r < block.size(); ++r) {
      const auto row = static_cast<Eigen::Index>(r);
      put(block.rule_id[r]);
      put(block.round[r]);
      put(block.seed[r]);
      for (Eigen::Index k = 0; k < block.theta.cols(); ++k) put(block.theta(row, k));
      for (Eigen::Index k = 0; k < block.metrics.cols(); ++k) put(block.metrics(row, k));
    }
    if (write_files) io::write_file_atomically(path(name), bytes);
    chunks_.push_back({name, rows_, block.size()});
    std::string manifest;
    for (const auto& c : chunks_)
      manifest += c.file + " " + std::to_string(c.first_row) + " " + std::to_string(c.rows) + "\n";
    if (write_files) io::write_file_atomically(path("manifest.txt"), manifest);
    blocks_.push_back(block);
    rows_ += block.size();
    for (const auto id : block.rule_id) ids_.insert(id);
  }

 private:
  struct Chunk {
    std::string file;
    std::size_t first_row = 0, rows = 0;
  };

  std::string path(std::string_view file) const { return (std::filesystem::path(directory_) / file).string(); }

  void load_manifest() {
    const std::string manifest_path = path("manifest.txt");
    if (!std::filesystem::exists(manifest_path)) return;
    std::istringstream lines(io::read_file(manifest_path));
    std::string line;
    std::size_t number = 0;
    while (std::getline(lines, line)) {
      ++number;
      std::istringstream fields(line);
      Chunk c;
      require(static_cast<bool>(fields >> c.file >> c.first_row >> c.rows) && c.first_row == rows_,
              manifest_path + " line " + std::to_string(number), line, "must be \"file first_row rows\" in order");
      read_chunk(c);
      chunks_.push_back(c);
    }
  }

  void read_chunk(const Chunk& c) {
    const std::string file = path(c.file);
    const std::string bytes = io::read_file(file);
    const std::string header = detail::structured_npy_header(layout_.descr(), c.rows);
    require(bytes.size() == header.size() + c.rows * layout_.record_bytes() && bytes.compare(0, header.size(), header) == 0,
            "store chunk " + file, bytes.size(), "does not hold " + std::to_string(c.rows) + " records of this store's dtype");
    Records block;
    block.resize(c.rows, layout_.theta_names.size(), layout_.metric_names.size());
    const char* in = bytes.data() + header.size();
    auto get = [&in](auto& value) {
      std::memcpy(&value, in, 8);
      in += 8;
    };
    for (std::size_t r = 0; r < c.rows; ++r) {
      const auto row = static_cast<Eigen::Index>(r);
      get(block.rule_id[r]);
      get(block.round[r]);
      get(block.seed[r]);
      for (Eigen::Index k = 0; k < block.theta.cols(); ++k) get(block.theta(row, k));
      for (Eigen::Index k = 0; k < block.metrics.cols(); ++k) get(block.metrics(row, k));
      require(ids_.insert(block.rule_id[r]).second, "store chunk " + file + " rule_id", block.rule_id[r],
              "appears twice in the store");
    }
    rows_ += block.size();
    blocks_.push_back(std::move(block));
  }

  std::string directory_;
  StoreLayout layout_;
  std::vector<Records> blocks_;  // one per committed chunk
  std::size_t rows_ = 0;
  mutable Records records_;      // their concatenation, rebuilt when rows_ changed
  std::vector<Chunk> chunks_;
  std::set<std::uint64_t> ids_;
};

}  // namespace metahebb::sweep
