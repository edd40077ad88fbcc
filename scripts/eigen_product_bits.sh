#!/usr/bin/env bash
# Does Eigen's float product give the same bits at every SIMD width? (docs/oja.md, issue 17,
# item 6: could a wider ISA speed up the §3.1 generation without changing its numbers?)
#
#   scripts/eigen_product_bits.sh [EIGEN_INCLUDE_DIR]     (default /usr/include/eigen3)
#
# Compiles one product of the §3.1 moment product's shape at N = 100, P = 13 —
# (200 × 201)ᵀ · (200 × 27): [1, X, X∘X]ᵀ [1, Y, Y∘Y] — with -ffp-contract=off under SSE2 (the
# release preset), AVX2 without FMA and -march=native, and prints a hash of the result's bits
# and its sum. Different hashes: the ISA changes the numbers, so every pinned result with it.
set -euo pipefail
eigen="${1:-/usr/include/eigen3}"
cxx="${CXX:-c++}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cat > "$dir/product.cpp" <<'CPP'
#include <Eigen/Core>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
int main() {
  std::mt19937 engine(1);
  std::normal_distribution<float> normal;
  Eigen::MatrixXf rows(200, 201), columns(200, 27);
  for (Eigen::Index i = 0; i < rows.size(); ++i) rows.data()[i] = normal(engine);
  for (Eigen::Index i = 0; i < columns.size(); ++i) columns.data()[i] = normal(engine);
  Eigen::MatrixXf moments;
  moments.noalias() = rows.transpose() * columns;
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a over the entries' bits
  for (Eigen::Index i = 0; i < moments.size(); ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, moments.data() + i, sizeof bits);
    hash = (hash ^ bits) * 1099511628211ULL;
  }
  std::printf("hash %016llx  sum %.9g\n", static_cast<unsigned long long>(hash), static_cast<double>(moments.sum()));
}
CPP
for flags in "-msse2" "-march=native -mno-fma -mno-avx512f" "-march=native"; do
  # shellcheck disable=SC2086
  "$cxx" -std=c++20 -O3 -ffp-contract=off $flags -I"$eigen" "$dir/product.cpp" -o "$dir/product"
  printf '%-40s %s\n' "$flags" "$("$dir/product")"
done
