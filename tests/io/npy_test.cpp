#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <metahebb/io/npy.hpp>
#include <string>
#include <vector>

using namespace metahebb;

// The byte layout is checked here; tests/python/read_outputs.py checks that numpy loads it.
TEST_CASE("npy headers follow format 1.0 and align the data to 64 bytes", "[npy]") {
  for (const auto& shape : {std::vector<std::size_t>{}, {0}, {5}, {3, 4}, {2, 3, 4}, {123456789, 2}}) {
    const std::string h = io::npy_header("<f8", shape, false);
    CHECK(h.size() % 64 == 0);
    CHECK(h.compare(0, 8, std::string("\x93NUMPY\x01\x00", 8)) == 0);
    const std::size_t length = static_cast<unsigned char>(h[8]) | (static_cast<std::size_t>(static_cast<unsigned char>(h[9])) << 8);
    CHECK(length + 10 == h.size());
    CHECK(h.back() == '\n');
  }
  CHECK(io::npy_header("<i8", {7}, false).find("{'descr': '<i8', 'fortran_order': False, 'shape': (7,), }") == 10);
  CHECK(io::npy_header("<f4", {2, 3}, true).find("'fortran_order': True, 'shape': (2, 3), }") != std::string::npos);
  CHECK(io::npy_header("<f8", {}, false).find("'shape': (), }") != std::string::npos);
}

TEST_CASE("write_npy stores the raw little-endian data after the header", "[npy]") {
  const auto path = (std::filesystem::temp_directory_path() / "metahebb_npy_test.npy").string();
  Eigen::MatrixXd m(2, 2);
  m << 1, 2, 3, 4;
  io::write_npy(path, m);
  const std::string bytes = io::read_file(path);
  const std::string header = io::npy_header("<f8", {2, 2}, true);
  REQUIRE(bytes.size() == header.size() + 4 * sizeof(double));
  CHECK(bytes.compare(0, header.size(), header) == 0);
  double data[4];
  std::memcpy(data, bytes.data() + header.size(), sizeof data);
  CHECK(data[0] == 1.0);  // column-major: 1, 3, 2, 4
  CHECK(data[1] == 3.0);
  CHECK(data[2] == 2.0);
  CHECK(data[3] == 4.0);
  std::filesystem::remove(path);
  CHECK_THROWS_WITH(io::write_npy("", std::vector<double>{1.0}), Catch::Contains("npy path"));
  CHECK_THROWS_AS(io::write_npy("/nonexistent-directory/a.npy", std::vector<double>{1.0}), io::file_error);
}
