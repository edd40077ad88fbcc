#pragma once
/// Sparse connectivity between a presynaptic population of n_pre neurons and a postsynaptic
/// one of n_post: which (pre, post) pairs have a synapse. Immutable once built; synapse
/// groups (simulation/sparse_synapses.hpp) keep their per-synapse state in its order.
///
/// Two views of the same synapses:
///   CSR, by presynaptic neuron: the synapses of pre i are s = row_offsets[i] .. row_offsets[i+1],
///        synapse s goes to post_indices[s]; within a row the posts are strictly increasing.
///        A synapse's id is its position s in this order (weights are stored in it).
///        Used on a presynaptic spike: deliver along the row.
///   CSC, by postsynaptic neuron: the synapses onto post j are c = col_offsets[j] .. col_offsets[j+1],
///        entry c is synapse col_synapses[c] from pre col_pre[c]; within a column the pres are
///        strictly increasing. Used on a postsynaptic spike: update every incoming synapse.
///
/// Built
///   (a) from an explicit list of (pre, post) pairs (any order; validated: indices in range,
///       no duplicates);
///   (b) at random: each pair independently with probability p (Erdős–Rényi / Bernoulli
///       connectivity, as in Brian2's `connect(p=…)`, Auryn's SparseConnection and the
///       recurrent E/I networks of fSBI: p = 0.1), optionally without autapses (i → i) when
///       pre and post are one population. In-degrees are then Binomial(n_pre, p) (n_pre − 1
///       without autapses);
///   (c) all to all.
///
/// Random construction costs O(synapses), not O(n_pre · n_post): it walks the pairs in
/// row-major order (pre · n_post + post) and jumps from one synapse to the next by a geometric
/// number of skipped pairs, G = ⌊ln U / ln(1 − p)⌋ with U uniform on (0, 1], P(G = k) =
/// (1 − p)^k p — exactly the gaps between successes of independent Bernoulli(p) trials.
/// Without autapses the walk runs over the n·(n − 1) off-diagonal pairs (post index j' of
/// row i maps to j' + [j' ≥ i]), so every remaining pair is still independent with probability p.
/// The matrix is a pure function of (n_pre, n_post, p, autapses, stream state): the stream is
/// counter-based (core/random.hpp) and the only floating-point functions are std::log/log1p
/// on IEEE doubles, as in the library's other generators, so the same seed gives the same
/// matrix on any platform whose libm rounds log the same way (glibc, musl and libc++ platforms
/// agree to the last bit for these; the golden test in tests/simulation pins one matrix).
///
/// Indices are 32-bit. Sizes are refused before anything is allocated: n_pre, n_post ≤ 2^31,
/// and at most max_synapses = 2^31 synapses (≈ 26 GB of connectivity and state at that size;
/// a random matrix whose expected size exceeds it is refused up front, and generation stops
/// with an error if a draw exceeds it).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../core/errors.hpp"
#include "../core/random.hpp"

namespace metahebb {

class SparseConnectivity {
 public:
  using index_type = std::uint32_t;
  /// Upper bound on the number of synapses (and on n_pre, n_post).
  static constexpr std::uint64_t max_synapses = std::uint64_t{1} << 31;
  static constexpr std::uint64_t max_neurons = std::uint64_t{1} << 31;

  /// An empty 0 × 0 matrix.
  SparseConnectivity() : row_offsets_(1, 0), col_offsets_(1, 0) {}

  /// (a) The synapses listed in `pairs` as (pre, post), in any order. Throws
  /// invalid_configuration naming the pair (e.g. "connectivity.pairs[3].post") for an index
  /// out of range and for a pair listed twice.
  static SparseConnectivity from_pairs(std::size_t n_pre, std::size_t n_post,
                                       std::span<const std::pair<index_type, index_type>> pairs) {
    check_sizes(n_pre, n_post);
    require(pairs.size() <= max_synapses, "connectivity.pairs.size()", pairs.size(),
            "must be <= 2^31 synapses");
    for (std::size_t k = 0; k < pairs.size(); ++k) {  // messages are built only on failure
      if (pairs[k].first >= n_pre)
        require(false, pair_field(k, "pre"), pairs[k].first, bound("n_pre", n_pre));
      if (pairs[k].second >= n_post)
        require(false, pair_field(k, "post"), pairs[k].second, bound("n_post", n_post));
    }
    std::vector<std::pair<index_type, index_type>> sorted(pairs.begin(), pairs.end());
    std::sort(sorted.begin(), sorted.end());
    const auto dup = std::adjacent_find(sorted.begin(), sorted.end());
    if (dup != sorted.end())
      require(false, "connectivity.pairs", pair_value(dup->first, dup->second),
              "each (pre, post) pair may be listed once");
    SparseConnectivity c(n_pre, n_post);
    c.post_.reserve(sorted.size());
    for (const auto& [i, j] : sorted) c.push(i, j);
    c.finish();
    return c;
  }

  /// (b) Every pair independently with probability `p`, drawn from `stream` (advanced).
  /// `autapses = false` leaves out i → i; it needs n_pre == n_post (one population).
  static SparseConnectivity random(std::size_t n_pre, std::size_t n_post, double p, RandomStream& stream,
                                   bool autapses = true) {
    check_sizes(n_pre, n_post);
    require(std::isfinite(p) && p >= 0.0 && p <= 1.0, "connectivity.p", p, "must be in [0, 1]");
    require(autapses || n_pre == n_post, "connectivity.autapses", "false",
            "leaving out autapses needs one population: n_pre == n_post (here " + std::to_string(n_pre) +
                " and " + std::to_string(n_post) + ")");
    // Candidate pairs per presynaptic neuron.
    const std::uint64_t row = autapses || n_post == 0 ? n_post : n_post - 1;
    const std::uint64_t pairs = static_cast<std::uint64_t>(n_pre) * row;  // < 2^62: no overflow
    const double expected = p * static_cast<double>(pairs);
    require(expected <= static_cast<double>(max_synapses), "connectivity.p", p,
            "the expected number of synapses p·" + std::to_string(pairs) + " must be <= 2^31");

    SparseConnectivity c(n_pre, n_post);
    if (p == 0.0 || pairs == 0) {
      c.finish();
      return c;
    }
    // Room for the mean plus 4 standard deviations: one allocation in all but rare cases.
    c.post_.reserve(static_cast<std::size_t>(
        std::min(static_cast<double>(max_synapses), expected + 4.0 * std::sqrt(expected) + 16.0)));
    RandomStream r = stream;  // a local copy can live in registers
    const double log_q = std::log1p(-p);  // ln(1 − p) < 0 for p in (0, 1); −inf for p = 1
    // Number of pairs skipped before the next synapse (0 for p = 1).
    auto skip = [&]() -> double { return p == 1.0 ? 0.0 : std::floor(std::log(1.0 - r.uniform()) / log_q); };
    std::uint64_t k = 0;  // linear index of the next candidate pair: i · row + j'
    for (;;) {
      const double s = skip();
      if (!(s < static_cast<double>(pairs - k))) break;  // beyond the last pair (also catches huge skips)
      k += static_cast<std::uint64_t>(s);
      if (k >= pairs) break;  // pairs − k > 2^53 was rounded in the comparison above
      const auto i = static_cast<index_type>(k / row);
      auto j = static_cast<index_type>(k % row);
      if (!autapses && j >= i) ++j;
      require(c.post_.size() < max_synapses, "connectivity synapses", c.post_.size() + 1,
              "a random draw exceeded 2^31 synapses");
      c.push(i, j);
      if (++k == pairs) break;
    }
    stream = r;
    c.finish();
    return c;
  }

  /// (c) Every presynaptic neuron onto every postsynaptic one (autapses included).
  static SparseConnectivity all_to_all(std::size_t n_pre, std::size_t n_post) {
    check_sizes(n_pre, n_post);
    require(n_post == 0 || n_pre <= max_synapses / n_post, "connectivity.n_pre * n_post",
            std::to_string(n_pre) + " * " + std::to_string(n_post), "must be <= 2^31 synapses");
    SparseConnectivity c(n_pre, n_post);
    c.post_.reserve(n_pre * n_post);
    for (std::size_t i = 0; i < n_pre; ++i)
      for (std::size_t j = 0; j < n_post; ++j) c.push(static_cast<index_type>(i), static_cast<index_type>(j));
    c.finish();
    return c;
  }

  std::size_t n_pre() const noexcept { return n_pre_; }
  std::size_t n_post() const noexcept { return n_post_; }
  /// Number of synapses.
  std::size_t size() const noexcept { return post_.size(); }

  // CSR (by presynaptic neuron); synapse ids are positions in this order.
  std::span<const index_type> row_offsets() const noexcept { return row_offsets_; }
  std::span<const index_type> post_indices() const noexcept { return post_; }
  index_type row_begin(std::size_t pre) const noexcept { return row_offsets_[pre]; }
  index_type row_end(std::size_t pre) const noexcept { return row_offsets_[pre + 1]; }
  /// The postsynaptic neurons of `pre`, increasing.
  std::span<const index_type> posts_of(std::size_t pre) const noexcept {
    return {post_.data() + row_offsets_[pre], post_.data() + row_offsets_[pre + 1]};
  }
  std::size_t out_degree(std::size_t pre) const noexcept { return row_offsets_[pre + 1] - row_offsets_[pre]; }

  // CSC (by postsynaptic neuron).
  std::span<const index_type> col_offsets() const noexcept { return col_offsets_; }
  std::span<const index_type> col_synapses() const noexcept { return col_synapse_; }
  std::span<const index_type> col_pre() const noexcept { return col_pre_; }
  /// Synapse ids onto `post`, by increasing presynaptic neuron.
  std::span<const index_type> synapses_onto(std::size_t post) const noexcept {
    return {col_synapse_.data() + col_offsets_[post], col_synapse_.data() + col_offsets_[post + 1]};
  }
  /// The presynaptic neurons of `post`, increasing (aligned with synapses_onto(post)).
  std::span<const index_type> pres_of(std::size_t post) const noexcept {
    return {col_pre_.data() + col_offsets_[post], col_pre_.data() + col_offsets_[post + 1]};
  }
  std::size_t in_degree(std::size_t post) const noexcept { return col_offsets_[post + 1] - col_offsets_[post]; }

  friend bool operator==(const SparseConnectivity&, const SparseConnectivity&) = default;

 private:
  SparseConnectivity(std::size_t n_pre, std::size_t n_post)
      : n_pre_(n_pre), n_post_(n_post), row_offsets_(n_pre + 1, 0) {}

  // Message parts, built by appending (g++ 12 warns falsely on "literal" + std::string&&).
  static std::string pair_field(std::size_t k, const char* end) {
    std::string out = "connectivity.pairs[";
    out.append(std::to_string(k)).append("].").append(end);
    return out;
  }
  static std::string pair_value(index_type i, index_type j) {
    std::string out = "(";
    out.append(std::to_string(i)).append(", ").append(std::to_string(j)).append(")");
    return out;
  }
  static std::string bound(const char* name, std::size_t n) {
    std::string out = "must be < ";
    out.append(name).append(" (").append(std::to_string(n)).append(")");
    return out;
  }

  static void check_sizes(std::size_t n_pre, std::size_t n_post) {
    require(n_pre <= max_neurons, "connectivity.n_pre", n_pre, "must be <= 2^31");
    require(n_post <= max_neurons, "connectivity.n_post", n_post, "must be <= 2^31");
  }

  // Appends synapse (i, j); calls come in row-major order.
  void push(index_type i, index_type j) {
    post_.push_back(j);
    ++row_offsets_[static_cast<std::size_t>(i) + 1];
  }

  // Prefix sums of the row counts, then the CSC view by a counting sort over posts (stable,
  // so each column lists its synapses by increasing pre).
  void finish() {
    for (std::size_t i = 0; i < n_pre_; ++i) row_offsets_[i + 1] += row_offsets_[i];
    col_offsets_.assign(n_post_ + 1, 0);
    for (const index_type j : post_) ++col_offsets_[static_cast<std::size_t>(j) + 1];
    for (std::size_t j = 0; j < n_post_; ++j) col_offsets_[j + 1] += col_offsets_[j];
    col_synapse_.resize(post_.size());
    col_pre_.resize(post_.size());
    std::vector<index_type> fill(col_offsets_.begin(), col_offsets_.end() - 1);
    for (std::size_t i = 0; i < n_pre_; ++i)
      for (index_type s = row_offsets_[i]; s < row_offsets_[i + 1]; ++s) {
        const index_type c = fill[post_[s]]++;
        col_synapse_[c] = s;
        col_pre_[c] = static_cast<index_type>(i);
      }
  }

  std::size_t n_pre_ = 0, n_post_ = 0;
  std::vector<index_type> row_offsets_, post_;
  std::vector<index_type> col_offsets_, col_synapse_, col_pre_;
};

}  // namespace metahebb
