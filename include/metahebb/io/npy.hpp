#pragma once
/// NumPy .npy files (format version 1.0), written by hand so that users load our arrays
/// with numpy.load and no parser of ours:
///
///   "\x93NUMPY" 0x01 0x00 <uint16 LE header length> "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }"
///   padded with spaces and a final '\n' so that the data starts at a multiple of 64 bytes,
///   then the raw little-endian data (C order, or Fortran order for Eigen's column-major matrices).
///
/// Element types: double '<f8', float '<f4', std::int64_t '<i8', std::uint32_t '<u4', std::uint8_t '|u1'.
/// Files are written atomically (io/atomic_file.hpp).

#include <Eigen/Core>
#include <bit>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "../core/errors.hpp"
#include "atomic_file.hpp"

namespace metahebb::io {

static_assert(std::endian::native == std::endian::little, "metahebb's .npy writer assumes a little-endian machine");

template <class T> constexpr std::string_view npy_descr() = delete;
template <> constexpr std::string_view npy_descr<double>() { return "<f8"; }
template <> constexpr std::string_view npy_descr<float>() { return "<f4"; }
template <> constexpr std::string_view npy_descr<std::int64_t>() { return "<i8"; }
template <> constexpr std::string_view npy_descr<std::uint32_t>() { return "<u4"; }
template <> constexpr std::string_view npy_descr<std::uint8_t>() { return "|u1"; }

/// The header of a version 1.0 file, padding included.
inline std::string npy_header(std::string_view descr, const std::vector<std::size_t>& shape, bool fortran_order) {
  std::string dict = "{'descr': '" + std::string(descr) + "', 'fortran_order': " + (fortran_order ? "True" : "False") +
                     ", 'shape': (";
  for (std::size_t i = 0; i < shape.size(); ++i) dict += (i ? ", " : "") + std::to_string(shape[i]);
  dict += shape.size() == 1 ? ",), }" : "), }";
  const std::size_t unpadded = 10 + dict.size() + 1;  // magic(6) + version(2) + length(2) + dict + '\n'
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict += '\n';
  require(dict.size() <= 65535, "npy header length", dict.size(), "must fit in 16 bits (format 1.0)");
  std::string header("\x93NUMPY\x01\x00", 8);
  header += static_cast<char>(dict.size() & 0xFF);
  header += static_cast<char>(dict.size() >> 8);
  return header + dict;
}

/// Writes `count` = product(shape) elements from `data` to `path`.
template <class T>
void write_npy(const std::string& path, const T* data, const std::vector<std::size_t>& shape, bool fortran_order = false) {
  require(!path.empty(), "npy path", "\"\"", "must name a file");
  std::size_t count = 1;
  for (const std::size_t extent : shape) count *= extent;
  std::string bytes = npy_header(npy_descr<T>(), shape, fortran_order);
  bytes.append(reinterpret_cast<const char*>(data), count * sizeof(T));
  write_file_atomically(path, bytes);
}

/// A 1-D array.
template <class T>
void write_npy(const std::string& path, const std::vector<T>& values) {
  write_npy(path, values.data(), {values.size()});
}

/// A 1-D array (Eigen vector) or a 2-D array (Eigen matrix, stored column-major: fortran_order).
template <class Derived>
void write_npy(const std::string& path, const Eigen::DenseBase<Derived>& array) {
  using Scalar = typename Derived::Scalar;
  const auto evaluated = array.derived().eval();  // plain, contiguous storage
  if constexpr (Derived::ColsAtCompileTime == 1) {
    write_npy(path, evaluated.data(), {static_cast<std::size_t>(evaluated.size())});
  } else {
    constexpr bool column_major = !(std::remove_cvref_t<decltype(evaluated)>::IsRowMajor);
    write_npy<Scalar>(path, evaluated.data(),
                      {static_cast<std::size_t>(evaluated.rows()), static_cast<std::size_t>(evaluated.cols())},
                      column_major);
  }
}

}  // namespace metahebb::io
