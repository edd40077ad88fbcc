#include <catch2/catch.hpp>

#include <cstdlib>
#include <limits>
#include <metahebb/io/json.hpp>
#include <string>

using namespace metahebb;

TEST_CASE("JSON strings are escaped per RFC 8259", "[json]") {
  CHECK(io::json_string("plain") == "\"plain\"");
  CHECK(io::json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(io::json_string("line\nnext\ttab\r") == "\"line\\nnext\\ttab\\r\"");
  CHECK(io::json_string(std::string("nul\0x", 5)) == "\"nul\\u0000x\"");
  CHECK(io::json_string("\x1f") == "\"\\u001f\"");
  CHECK(io::json_string("\xc3\xa9") == "\"\xc3\xa9\"");  // UTF-8 passes through
}

TEST_CASE("JSON numbers read back exactly and non-finite ones become null", "[json]") {
  for (double x : {0.1, -2.5e-300, 5e-324, 1.7976931348623157e308, 123456789.0, -0.0})
    CHECK(std::strtod(io::json_number(x).c_str(), nullptr) == x);
  CHECK(io::json_number(std::numeric_limits<double>::quiet_NaN()) == "null");
  CHECK(io::json_number(std::numeric_limits<double>::infinity()) == "null");
  CHECK(io::json_number(-std::numeric_limits<double>::infinity()) == "null");
}

TEST_CASE("JsonObject keeps field order and nests", "[json]") {
  io::JsonObject inner;
  inner.add("x", 1.5);
  io::JsonObject o;
  Eigen::VectorXd v(2);
  v << 1.0, std::numeric_limits<double>::quiet_NaN();
  o.add("b", true).add("a", "text").add("v", v).add("n", std::uint64_t{3}).add("inner", inner).add(
      "names", std::vector<std::string>{"alpha", "be\"ta"});
  CHECK(o.str() ==
        "{\n  \"b\": true,\n  \"a\": \"text\",\n  \"v\": [1, null],\n  \"n\": 3,\n  \"inner\": {\n  \"x\": 1.5\n},\n"
        "  \"names\": [\"alpha\", \"be\\\"ta\"]\n}");
  CHECK(io::JsonObject().str() == "{}");
}
