#include <catch2/catch.hpp>

#include <metahebb/io/command_line.hpp>
#include <sstream>

using metahebb::CommandLine;

namespace {
CommandLine parse(std::vector<const char*> args) {
  args.insert(args.begin(), "prog");
  return CommandLine(static_cast<int>(args.size()), args.data(), "test program",
                     {{"inputs", "3", "number of inputs"},
                      {"rate", "0.5", "a rate"},
                      {"csv", "", "output"},
                      {"quiet", "", "no output", true}});
}
}  // namespace

TEST_CASE("defaults, values, --name=value and flags", "[cli]") {
  const auto defaults = parse({});
  CHECK(defaults.get<std::size_t>("inputs") == 3);
  CHECK(defaults.get<double>("rate") == 0.5);
  CHECK(defaults.get<std::string>("csv").empty());
  CHECK_FALSE(defaults.get<bool>("quiet"));
  const auto given = parse({"--inputs", "100", "--rate=2e-3", "--quiet", "--csv", "out.csv"});
  CHECK(given.get<std::size_t>("inputs") == 100);
  CHECK(given.get<double>("rate") == 2e-3);
  CHECK(given.get<bool>("quiet"));
  CHECK(given.get<std::string>("csv") == "out.csv");
  const auto empty = parse({"--csv=", "--inputs", "5"});
  CHECK(empty.get<std::string>("csv").empty());
  CHECK(empty.get<std::size_t>("inputs") == 5);
}

TEST_CASE("bad command lines name the option and the value", "[cli]") {
  CHECK_THROWS_WITH(parse({"--inptus", "3"}), Catch::Contains("--inptus") && Catch::Contains("unknown"));
  CHECK_THROWS_WITH(parse({"--inputs"}), Catch::Contains("--inputs") && Catch::Contains("needs a value"));
  CHECK_THROWS_WITH(parse({"inputs"}), Catch::Contains("inputs"));
  CHECK_THROWS_WITH(parse({"--inputs", "-4"}).get<std::size_t>("inputs"), Catch::Contains("--inputs") && Catch::Contains("-4"));
  CHECK_THROWS_WITH(parse({"--inputs", "3x"}).get<std::size_t>("inputs"), Catch::Contains("3x"));
  CHECK_THROWS_WITH(parse({"--rate", "fast"}).get<double>("rate"), Catch::Contains("--rate") && Catch::Contains("fast"));
}

TEST_CASE("--help prints every option", "[cli]") {
  const auto cli = parse({"--help"});
  std::ostringstream out;
  REQUIRE(cli.help(out));
  CHECK_THAT(out.str(), Catch::Contains("--inputs") && Catch::Contains("--quiet") && Catch::Contains("default 3"));
  std::ostringstream none;
  CHECK_FALSE(parse({}).help(none));
  CHECK(none.str().empty());
}

TEST_CASE("help(print) stops every process but prints on one", "[cli]") {
  // Under mpirun each rank calls cli.help(processes.writer()): all must stop, one prints.
  std::ostringstream captured;
  std::streambuf* const saved = std::cout.rdbuf(captured.rdbuf());
  const bool silent = parse({"--help"}).help(false);
  const std::string after_silent = captured.str();
  const bool printed = parse({"--help"}).help(true);
  const bool none = parse({}).help(true);
  std::cout.rdbuf(saved);
  CHECK(silent);
  CHECK(after_silent.empty());
  CHECK(printed);
  CHECK_THAT(captured.str(), Catch::Contains("usage:") && Catch::Contains("--inputs"));
  CHECK_FALSE(none);
}
