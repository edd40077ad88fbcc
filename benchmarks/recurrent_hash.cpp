// A fingerprint of recurrent-network runs, for speed changes that must keep the numbers bit for
// bit (docs/benchmarks.md, "Recurrent E/I network"): build it before and after a change and
// compare the lines. Not a test: the hashes are not pinned anywhere (they may differ between
// compilers or standard libraries); what must hold is that a change leaves them as they were.
//
//   recurrent_hash [scaled|reference] [training seconds (default 1)]
//
// Runs the task (seed 1, generation 0, dataset 0) with the Vogels-type quartet of
// benchmarks/recurrent_network.cpp for the given training time + 1 s of scoring, through the
// SIMD path (simulate) and, at the scaled size, the scalar path too (simulate_scalar), and prints
// per path the spike counts and a 64-bit FNV-1a hash of every E and I spike (step, neuron) of
// the scoring window and of every final weight of the four plastic groups.

#include <metahebb/tasks/recurrent_network.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

using namespace metahebb;

namespace {

std::uint64_t fnv1a(std::uint64_t h, const void* data, std::size_t bytes) {
  const auto* b = static_cast<const unsigned char*>(data);
  for (std::size_t k = 0; k < bytes; ++k) {
    h ^= b[k];
    h *= 1099511628211ULL;
  }
  return h;
}

std::uint64_t fingerprint(const RecurrentObservation& o) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const auto& s : o.exc_spikes) {
    h = fnv1a(h, &s.step, sizeof s.step);
    h = fnv1a(h, &s.neuron, sizeof s.neuron);
  }
  for (const auto& s : o.inh_spikes) {
    h = fnv1a(h, &s.step, sizeof s.step);
    h = fnv1a(h, &s.neuron, sizeof s.neuron);
  }
  for (const auto& w : o.weights) h = fnv1a(h, w.data(), w.size() * sizeof(w[0]));
  return h;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string size = argc > 1 ? argv[1] : "scaled";
  if (size != "scaled" && size != "reference") {
    std::fprintf(stderr, "size: '%s' must be scaled or reference\n", size.c_str());
    return 2;
  }
  const double training = argc > 2 ? std::strtod(argv[2], nullptr) : 1.0;
  if (!(training >= 0.0 && training <= 3600.0)) {
    std::fprintf(stderr, "training seconds: '%s' must be in [0, 3600]\n", argv[2]);
    return 2;
  }
  RecurrentNetworkConfig config = size == "reference" ? RecurrentNetworkConfig::reference() : RecurrentNetworkConfig{};
  config.training_time = training;
  config.scoring_time = 1.0;
  const RecurrentNetworkTask task(config);
  const Eigen::VectorXd v = rules::vogels2011(10.0, 0.02);
  Eigen::MatrixXd theta(24, 1);
  theta.col(0) = task.quartet(rules::vogels2011(20.0, 0.02), v, v, v);
  const RecurrentNetworkDataset d = task.dataset({1, 0, 0});
  for (const bool scalar : {false, true}) {
    if (scalar && size == "reference") break;  // the scalar path at the reference size is slow
    const auto o = scalar ? task.simulate_scalar(theta, d) : task.simulate(theta, d);
    std::printf("%s %g+1 s %s: %zu E and %zu I spikes, hash %016llx\n", size.c_str(), training,
                scalar ? "scalar" : "simd", o[0].exc_spikes.size(), o[0].inh_spikes.size(),
                static_cast<unsigned long long>(fingerprint(o[0])));
  }
  return 0;
}
