#pragma once
/// Recorded trajectories as CSV (or .npy, the same columns in a fixed order: read_trajectories_npy),
/// for fitting a rule to data recorded elsewhere (docs/fitting-to-data.md, "Your own data").
///
/// One row per step, a header naming the columns (any order, extra columns are an error):
///
///   trajectory   integer id; rows of one trajectory are consecutive and in step order
///   step         0, 1, 2, … within the trajectory
///   x_0 … x_{N−1}   the inputs (presynaptic rates) at the step
///   y_0 … y_{M−1}   activity data: the recorded outputs; empty or "nan" = not recorded
///   choice       behaviour data: the decision, 0 or 1
///   plastic      optional: 1 if the plastic layer updates after the step (default: activity 1,
///                behaviour = choice, the update at an acceptance)
///   r            optional: the reward factor R − E[R] of that update (default 0)
///
/// Initial weights, optional, in a second file: `trajectory,i,w_0,…,w_{N−1}` (row i of W_0).
/// Without it W_0 is drawn as for simulated data (the reference does the same for fly data).

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../core/errors.hpp"
#include "plastic_layer.hpp"

namespace metahebb::fit {

namespace detail {
inline std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) {
    while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
    while (!cell.empty() && cell.front() == ' ') cell.erase(cell.begin());
    out.push_back(cell);
  }
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}
inline double parse_cell(const std::string& cell, const std::string& where, bool allow_missing) {
  if (cell.empty() || cell == "nan" || cell == "NaN") {
    require(allow_missing, where, cell.empty() ? "(empty)" : cell, "must be a number");
    return std::numeric_limits<double>::quiet_NaN();
  }
  std::size_t used = 0;
  double v = 0.0;
  try {
    v = std::stod(cell, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  require(used == cell.size() && std::isfinite(v), where, cell, "must be a finite number");
  return v;
}
}  // namespace detail

namespace detail {
/// Trajectories from a table whose columns are named by `header`; `where[k]` names row k in
/// messages (e.g. "--data-file f.csv line 7").
inline std::vector<Trajectory> trajectories_from_table(const std::string& source, const std::vector<std::string>& header,
                                                       const std::vector<std::vector<double>>& table,
                                                       const std::vector<std::string>& where,
                                                       const PlasticLayerConfig& layer, bool behaviour) {
  std::map<std::string, std::size_t> col;
  for (std::size_t c = 0; c < header.size(); ++c) col[header[c]] = c;
  auto need = [&](const std::string& name) {
    require(col.count(name) == 1, source + " column", name, "is missing from the header");
    return col[name];
  };
  const std::size_t c_traj = need("trajectory"), c_step = need("step");
  std::vector<std::size_t> c_x, c_y;
  for (std::size_t j = 0; j < layer.inputs; ++j) c_x.push_back(need("x_" + std::to_string(j)));
  if (!behaviour)
    for (std::size_t i = 0; i < layer.outputs; ++i) c_y.push_back(need("y_" + std::to_string(i)));
  const bool has_plastic = col.count("plastic"), has_r = col.count("r");
  const std::size_t c_choice = behaviour ? need("choice") : 0;
  const std::size_t known = 2 + c_x.size() + c_y.size() + (behaviour ? 1 : 0) + has_plastic + has_r;
  std::string names;
  for (const auto& h : header) names += (names.empty() ? "" : ",") + h;
  require(known == header.size(), source + " header", names,
          "has columns other than trajectory, step, x_0..x_" + std::to_string(layer.inputs - 1) +
              (behaviour ? ", choice" : ", y_0..y_" + std::to_string(layer.outputs - 1)) + ", plastic, r");

  std::vector<Trajectory> out;
  std::vector<const std::vector<double>*> rows;
  auto flush = [&]() {
    if (rows.empty()) return;
    Trajectory tr;
    const auto T = static_cast<Eigen::Index>(rows.size());
    tr.x.resize(T, static_cast<Eigen::Index>(layer.inputs));
    tr.r = Eigen::VectorXd::Zero(T);
    tr.plastic.assign(rows.size(), 1);
    if (behaviour) tr.choice.resize(T);
    else tr.y.resize(T, static_cast<Eigen::Index>(layer.outputs));
    for (Eigen::Index t = 0; t < T; ++t) {
      const auto& row = *rows[static_cast<std::size_t>(t)];
      for (std::size_t j = 0; j < c_x.size(); ++j) tr.x(t, static_cast<Eigen::Index>(j)) = row[c_x[j]];
      for (std::size_t i = 0; i < c_y.size(); ++i) tr.y(t, static_cast<Eigen::Index>(i)) = row[c_y[i]];
      if (behaviour) tr.choice[t] = row[c_choice];
      if (has_r) tr.r[t] = row[col["r"]];
      tr.plastic[static_cast<std::size_t>(t)] =
          has_plastic ? (row[col["plastic"]] != 0.0) : (behaviour ? tr.choice[t] != 0.0 : 1);
    }
    tr.w0 = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(layer.outputs), static_cast<Eigen::Index>(layer.inputs));
    out.push_back(std::move(tr));
    rows.clear();
  };
  double current = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t k = 0; k < table.size(); ++k) {
    const auto& row = table[k];
    require(row.size() == header.size(), where[k] + " cells", row.size(),
            "must equal the header's " + std::to_string(header.size()));
    for (std::size_t c = 0; c < row.size(); ++c)
      require(std::isfinite(row[c]) || std::find(c_y.begin(), c_y.end(), c) != c_y.end(), where[k] + " " + header[c],
              row[c], "must be a finite number (only y_i may be missing)");
    if (row[c_traj] != current) {
      flush();
      current = row[c_traj];
    }
    require(row[c_step] == static_cast<double>(rows.size()), where[k] + " step", row[c_step],
            "must count 0, 1, 2, ... within its trajectory");
    if (behaviour) require(row[c_choice] == 0.0 || row[c_choice] == 1.0, where[k] + " choice", row[c_choice], "must be 0 or 1");
    rows.push_back(&row);
  }
  flush();
  require(!out.empty(), source, "(no rows)", "must hold at least one step");
  return out;
}
}  // namespace detail

/// Reads trajectories from the CSV file `path`; `behaviour` selects the choice column over y_*.
/// The layer's inputs (and outputs for activity data) must match the file's x_* (y_*) columns.
inline std::vector<Trajectory> read_trajectories_csv(const std::string& path, const PlasticLayerConfig& layer,
                                                     bool behaviour) {
  std::ifstream in(path);
  require(static_cast<bool>(in), "--data-file", path, "must be a readable CSV file");
  std::string line;
  require(static_cast<bool>(std::getline(in, line)), "--data-file " + path, "(empty)", "must start with a header");
  const auto header = detail::split_csv(line);
  std::vector<std::vector<double>> table;
  std::vector<std::string> where;
  std::size_t number = 1;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line == "\r") continue;
    const auto cells = detail::split_csv(line);
    const std::string at = "--data-file " + path + " line " + std::to_string(number);
    require(cells.size() == header.size(), at + " cells", cells.size(),
            "must equal the header's " + std::to_string(header.size()));
    std::vector<double> row(cells.size());
    for (std::size_t c = 0; c < cells.size(); ++c)
      row[c] = detail::parse_cell(cells[c], at + " column " + header[c], header[c].rfind("y_", 0) == 0);
    table.push_back(std::move(row));
    where.push_back(at);
  }
  return detail::trajectories_from_table("--data-file " + path, header, table, where, layer, behaviour);
}

/// Reads trajectories from a NumPy .npy file: a 2-D float64 array (C or Fortran order) whose
/// columns are, in this order, trajectory, step, x_0 … x_{N−1}, then y_0 … y_{M−1} (activity; NaN
/// = not recorded) or choice (behaviour), then plastic, r: the CSV columns in the order
/// write_trajectories_csv writes them (`numpy.save(path, table)` of such a table).
inline std::vector<Trajectory> read_trajectories_npy(const std::string& path, const PlasticLayerConfig& layer,
                                                     bool behaviour) {
  std::ifstream in(path, std::ios::binary);
  require(static_cast<bool>(in), "--data-file", path, "must be a readable .npy file");
  char magic[10] = {};
  in.read(magic, 10);
  require(in.gcount() == 10 && std::string(magic, 6) == "\x93NUMPY", "--data-file " + path, "(not .npy)",
          "must start with the .npy magic string");
  const int major = static_cast<unsigned char>(magic[6]);
  std::size_t header_length = static_cast<unsigned char>(magic[8]) | (static_cast<std::size_t>(static_cast<unsigned char>(magic[9])) << 8);
  if (major >= 2) {  // version 2/3: a 4-byte length; the first two bytes were read already
    char more[2] = {};
    in.read(more, 2);
    header_length |= (static_cast<std::size_t>(static_cast<unsigned char>(more[0])) << 16) |
                     (static_cast<std::size_t>(static_cast<unsigned char>(more[1])) << 24);
  }
  std::string dict(header_length, '\0');
  in.read(dict.data(), static_cast<std::streamsize>(header_length));
  require(in.good(), "--data-file " + path, "(truncated header)", "must hold a complete .npy header");
  require(dict.find("'descr': '<f8'") != std::string::npos, "--data-file " + path + " dtype", dict,
          "must be float64 ('<f8')");
  const bool fortran = dict.find("'fortran_order': True") != std::string::npos;
  const std::size_t open = dict.find("'shape': (");
  require(open != std::string::npos, "--data-file " + path + " header", dict, "must give a shape");
  std::size_t rows = 0, cols = 0;
  require(std::sscanf(dict.c_str() + open + 10, "%zu, %zu)", &rows, &cols) == 2, "--data-file " + path + " shape",
          dict.substr(open), "must be 2-D (rows, columns)");
  std::vector<double> data(rows * cols);
  in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(data.size() * sizeof(double)));
  require(static_cast<std::size_t>(in.gcount()) == data.size() * sizeof(double), "--data-file " + path, "(truncated)",
          "must hold rows x columns float64 values");
  std::vector<std::string> header{"trajectory", "step"};
  for (std::size_t j = 0; j < layer.inputs; ++j) header.push_back("x_" + std::to_string(j));
  if (behaviour) header.emplace_back("choice");
  else
    for (std::size_t i = 0; i < layer.outputs; ++i) header.push_back("y_" + std::to_string(i));
  header.emplace_back("plastic");
  header.emplace_back("r");
  require(cols == header.size(), "--data-file " + path + " columns", cols,
          "must be " + std::to_string(header.size()) + " (trajectory, step, x_*, " + (behaviour ? "choice" : "y_*") +
              ", plastic, r)");
  std::vector<std::vector<double>> table(rows, std::vector<double>(cols));
  std::vector<std::string> where(rows);
  for (std::size_t k = 0; k < rows; ++k) {
    for (std::size_t c = 0; c < cols; ++c) table[k][c] = fortran ? data[c * rows + k] : data[k * cols + c];
    where[k] = "--data-file " + path + " row " + std::to_string(k);
  }
  return detail::trajectories_from_table("--data-file " + path, header, table, where, layer, behaviour);
}

/// Either reader, by the file's extension (.npy or anything else: CSV).
inline std::vector<Trajectory> read_trajectories(const std::string& path, const PlasticLayerConfig& layer,
                                                 bool behaviour) {
  const bool npy = path.size() >= 4 && path.compare(path.size() - 4, 4, ".npy") == 0;
  return npy ? read_trajectories_npy(path, layer, behaviour) : read_trajectories_csv(path, layer, behaviour);
}

/// Reads initial weights `trajectory,i,w_0..w_{N−1}` into the trajectories (by position of the id).
inline void read_initial_weights_csv(const std::string& path, std::vector<Trajectory>& trajectories,
                                     const PlasticLayerConfig& layer) {
  std::ifstream in(path);
  require(static_cast<bool>(in), "--weights-file", path, "must be a readable CSV file");
  std::string line;
  std::getline(in, line);  // header
  std::size_t number = 1;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line == "\r") continue;
    const auto cells = detail::split_csv(line);
    const std::string where = "--weights-file " + path + " line " + std::to_string(number);
    require(cells.size() == 2 + layer.inputs, where + " cells", cells.size(),
            "must be trajectory, i and " + std::to_string(layer.inputs) + " weights");
    const double k = detail::parse_cell(cells[0], where, false), i = detail::parse_cell(cells[1], where, false);
    require(k >= 0 && k < static_cast<double>(trajectories.size()), where + " trajectory", cells[0],
            "must index a trajectory of the data file (0-based order)");
    require(i >= 0 && i < static_cast<double>(layer.outputs), where + " i", cells[1], "must be an output index");
    for (std::size_t j = 0; j < layer.inputs; ++j)
      trajectories[static_cast<std::size_t>(k)].w0(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
          detail::parse_cell(cells[2 + j], where, false);
  }
}

/// Writes trajectories in the format read_trajectories_csv reads, and (if `weights_path` is not
/// empty) their initial weights.
inline void write_trajectories_csv(const std::string& path, const std::string& weights_path,
                                   const std::vector<Trajectory>& trajectories, bool behaviour) {
  require(!trajectories.empty(), "trajectories to write", 0, "must be >= 1");
  std::ofstream out(path);
  require(static_cast<bool>(out), "--write-data", path, "must be writable");
  const auto N = trajectories.front().x.cols(), M = trajectories.front().w0.rows();
  out << "trajectory,step";
  for (Eigen::Index j = 0; j < N; ++j) out << ",x_" << j;
  if (behaviour) out << ",choice";
  else
    for (Eigen::Index i = 0; i < M; ++i) out << ",y_" << i;
  out << ",plastic,r\n";
  char buffer[32];
  auto number = [&](double v) {
    if (std::isnan(v)) return std::string();
    std::snprintf(buffer, sizeof buffer, "%.17g", v);
    return std::string(buffer);
  };
  for (std::size_t k = 0; k < trajectories.size(); ++k) {
    const Trajectory& tr = trajectories[k];
    for (Eigen::Index t = 0; t < tr.x.rows(); ++t) {
      out << k << ',' << t;
      for (Eigen::Index j = 0; j < N; ++j) out << ',' << number(tr.x(t, j));
      if (behaviour) out << ',' << number(tr.choice[t]);
      else
        for (Eigen::Index i = 0; i < M; ++i) out << ',' << number(tr.y(t, i));
      out << ',' << int(tr.plastic[static_cast<std::size_t>(t)]) << ',' << number(tr.r[t]) << '\n';
    }
  }
  if (weights_path.empty()) return;
  std::ofstream w(weights_path);
  require(static_cast<bool>(w), "weights file", weights_path, "must be writable");
  w << "trajectory,i";
  for (Eigen::Index j = 0; j < N; ++j) w << ",w_" << j;
  w << '\n';
  for (std::size_t k = 0; k < trajectories.size(); ++k)
    for (Eigen::Index i = 0; i < M; ++i) {
      w << k << ',' << i;
      for (Eigen::Index j = 0; j < N; ++j) w << ',' << number(trajectories[k].w0(i, j));
      w << '\n';
    }
}

}  // namespace metahebb::fit
