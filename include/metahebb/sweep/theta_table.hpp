#pragma once
/// θ given as a table instead of a prior (issue 13): one rule per row, as
///   * CSV: a header line of coordinate names (any order; each of the task's names exactly
///     once), then one row of numbers per rule; `#` lines and blank lines are skipped;
///   * .npy: a 2-D '<f8' array of shape (rules, dim θ), C or Fortran order, columns in the
///     task's parameter order (what numpy.save writes for a float64 matrix).
/// Errors name the file, the line or column and the value.

#include <Eigen/Core>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "../core/errors.hpp"
#include "../io/atomic_file.hpp"

namespace metahebb::sweep {

/// A 2-D float64 .npy file as a matrix (rows × cols).
inline Eigen::MatrixXd read_npy_matrix(const std::string& path) {
  const std::string bytes = io::read_file(path);
  require(bytes.size() >= 10 && bytes.compare(0, 6, "\x93NUMPY") == 0 && bytes[6] == 1, path, "(header)",
          "must be a numpy .npy file of format version 1.0");
  const std::size_t length = static_cast<unsigned char>(bytes[8]) | (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8);
  require(bytes.size() >= 10 + length, path, bytes.size(), "is shorter than its header says");
  const std::string dict = bytes.substr(10, length);
  require(dict.find("'descr': '<f8'") != std::string::npos, path + " descr", dict, "must be '<f8' (float64)");
  const bool fortran = dict.find("'fortran_order': True") != std::string::npos;
  const auto open = dict.find("'shape': (");
  require(open != std::string::npos, path + " shape", dict, "must be given");
  const auto close = dict.find(')', open);
  std::vector<long long> shape;
  std::string inside = dict.substr(open + 10, close - open - 10);
  for (char& ch : inside) ch = ch == ',' ? ' ' : ch;
  std::istringstream values(inside);
  for (long long v; values >> v;) shape.push_back(v);
  require(shape.size() == 2 && shape[0] >= 0 && shape[1] >= 1, path + " shape", inside, "must be 2-D (rules, dim)");
  const auto rows = static_cast<std::size_t>(shape[0]), cols = static_cast<std::size_t>(shape[1]);
  require(bytes.size() == 10 + length + rows * cols * 8, path, bytes.size(),
          "must hold exactly rows × cols float64 values after its header");
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
  const char* data = bytes.data() + 10 + length;
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) {
      double v;
      std::memcpy(&v, data + 8 * (fortran ? j * rows + i : i * cols + j), 8);
      m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = v;
    }
  return m;
}

/// θ rows from a CSV (header of names) or a .npy file, in the order of `names`.
inline Eigen::MatrixXd read_theta_table(const std::string& path, const std::vector<std::string>& names) {
  if (path.size() >= 4 && path.compare(path.size() - 4, 4, ".npy") == 0) {
    Eigen::MatrixXd m = read_npy_matrix(path);
    require(static_cast<std::size_t>(m.cols()) == names.size(), path + " columns", m.cols(),
            "must equal the task's number of parameters (" + std::to_string(names.size()) + ")");
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      for (Eigen::Index j = 0; j < m.cols(); ++j)
        require(std::isfinite(m(i, j)), path + " row " + std::to_string(i) + " column " + names[static_cast<std::size_t>(j)],
                m(i, j), "must be finite");
    return m;
  }
  std::istringstream lines(io::read_file(path));
  std::string line;
  std::size_t number = 0;
  std::vector<std::size_t> column_of;  // CSV column → task coordinate
  std::vector<Eigen::VectorXd> rows;
  auto cells = [](const std::string& text) {
    std::vector<std::string> out;
    std::string cell;
    std::istringstream in(text);
    while (std::getline(in, cell, ',')) {
      const auto b = cell.find_first_not_of(" \t\r"), e = cell.find_last_not_of(" \t\r");
      out.push_back(b == std::string::npos ? std::string() : cell.substr(b, e - b + 1));
    }
    return out;
  };
  while (std::getline(lines, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos || line[line.find_first_not_of(" \t\r")] == '#') continue;
    const auto c = cells(line);
    const std::string where = path + " line " + std::to_string(number);
    if (column_of.empty()) {
      std::vector<int> seen(names.size(), 0);
      for (const auto& name : c) {
        std::size_t k = names.size();
        for (std::size_t j = 0; j < names.size(); ++j)
          if (names[j] == name) k = j;
        require(k < names.size(), where + " column", name, "is not a parameter of the task");
        require(seen[k]++ == 0, where + " column", name, "appears twice");
        column_of.push_back(k);
      }
      for (std::size_t j = 0; j < names.size(); ++j)
        require(seen[j] == 1, path + " header", names[j], "is missing (every parameter needs a column)");
      continue;
    }
    require(c.size() == column_of.size(), where, line, "must have " + std::to_string(column_of.size()) + " values");
    Eigen::VectorXd theta(static_cast<Eigen::Index>(names.size()));
    for (std::size_t j = 0; j < c.size(); ++j) {
      double v = 0.0;
      const auto [end, ec] = std::from_chars(c[j].data(), c[j].data() + c[j].size(), v);
      require(ec == std::errc{} && end == c[j].data() + c[j].size() && std::isfinite(v),
              where + " column " + names[column_of[j]], c[j], "must be a finite number");
      theta[static_cast<Eigen::Index>(column_of[j])] = v;
    }
    rows.push_back(theta);
  }
  require(!column_of.empty(), path, "(empty)", "needs a header line naming the parameters");
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(names.size()));
  for (std::size_t i = 0; i < rows.size(); ++i) m.row(static_cast<Eigen::Index>(i)) = rows[i].transpose();
  return m;
}

}  // namespace metahebb::sweep
