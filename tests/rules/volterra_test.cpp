#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <metahebb/rules/volterra.hpp>

using metahebb::VolterraBasis;

TEST_CASE("the paper's basis has 27 terms A_abd at index 9a + 3b + d", "[volterra]") {
  const auto basis = VolterraBasis::pre_post_weight();
  REQUIRE(basis.size() == 27);
  for (int a = 0; a <= 2; ++a)
    for (int b = 0; b <= 2; ++b)
      for (int d = 0; d <= 2; ++d) {
        const std::size_t k = basis.index_of({a, b, d});
        CHECK(k == static_cast<std::size_t>(9 * a + 3 * b + d));
        CHECK(basis.exponent(k, 0) == a);
        CHECK(basis.exponent(k, 1) == b);
        CHECK(basis.exponent(k, 2) == d);
      }
  CHECK(basis.term_name(basis.index_of({1, 1, 0})) == "x^1 y^1 w^0");
  CHECK(basis.term_name(0) == "x^0 y^0 w^0");
  CHECK(basis.term_name(26) == "x^2 y^2 w^2");
}

TEST_CASE("Oja's rule is A_110 = 1, A_021 = -1 and nothing else (Eq. 4)", "[volterra]") {
  const auto basis = VolterraBasis::pre_post_weight();
  const Eigen::VectorXd oja = metahebb::rules::oja(basis);
  REQUIRE(oja.size() == 27);
  CHECK(oja[basis.index_of({1, 1, 0})] == 1.0);
  CHECK(oja[basis.index_of({0, 2, 1})] == -1.0);
  CHECK(oja.cwiseAbs().sum() == 2.0);
  const Eigen::VectorXd anti = metahebb::rules::anti_hebbian(basis);
  CHECK(anti[basis.index_of({1, 1, 0})] == -1.0);
  CHECK(anti.cwiseAbs().sum() == 1.0);
}

TEST_CASE("evaluate is the polynomial Σ θ x^a y^b w^d", "[volterra]") {
  const auto basis = VolterraBasis::pre_post_weight();
  Eigen::VectorXd theta(27);
  for (int k = 0; k < 27; ++k) theta[k] = 0.1 * (k - 13);
  const std::array<double, 3> f = {0.7, -1.3, 0.4};
  double expected = 0;
  for (int a = 0; a <= 2; ++a)
    for (int b = 0; b <= 2; ++b)
      for (int d = 0; d <= 2; ++d)
        expected += theta[9 * a + 3 * b + d] * std::pow(f[0], a) * std::pow(f[1], b) * std::pow(f[2], d);
  CHECK(basis.evaluate<double>(theta, f) == Approx(expected).epsilon(1e-12));
  // Oja: y x - y^2 w
  const Eigen::VectorXd oja = metahebb::rules::oja(basis);
  CHECK(basis.evaluate<double>(oja, f) == Approx(f[1] * f[0] - f[1] * f[1] * f[2]).epsilon(1e-12));
}

TEST_CASE("other factor sets and orders", "[volterra]") {
  const VolterraBasis basis({{"v", 1}, {"trace", 3}});
  REQUIRE(basis.size() == 8);
  CHECK(basis.term_name(basis.index_of({1, 2})) == "v^1 trace^2");
  CHECK(basis.term_names().size() == 8);
  CHECK(VolterraBasis::pre_post_weight(1).size() == 8);
}

TEST_CASE("invalid bases and exponents are rejected by name", "[volterra]") {
  CHECK_THROWS_WITH(VolterraBasis({}), Catch::Contains("volterra.factors.size()"));
  CHECK_THROWS_WITH(VolterraBasis({{"x", -1}}), Catch::Contains("volterra.factors[0].max_order") && Catch::Contains("-1"));
  CHECK_THROWS_WITH(VolterraBasis({{"", 1}}), Catch::Contains("volterra.factors[0].name"));
  const auto basis = VolterraBasis::pre_post_weight();
  CHECK_THROWS_WITH(basis.index_of({3, 0, 0}), Catch::Contains("exponent of x") && Catch::Contains("3"));
  CHECK_THROWS_WITH(basis.index_of({1, 0}), Catch::Contains("exponents.size()"));
}
