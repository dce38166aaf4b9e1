// Moving-block bootstrap interval for a difference of two window means of a daily series.
//
// An alternative to the AR(1) interval (ar1_interval.h) that assumes no parametric form for the
// serial dependence: each window is resampled by concatenating randomly chosen overlapping blocks
// of consecutive observations (Kunsch, Ann Stat 1989;17:1217), which keeps short-range
// autocorrelation inside each block. Reproducible for a seed on every platform: uses
// std::mt19937_64 (whose output sequence the C++ standard fixes) with its own uniform mapping,
// not std::uniform_int_distribution (whose mapping differs between standard libraries).
#ifndef LDN_ANALYSIS_BLOCK_BOOTSTRAP_H_
#define LDN_ANALYSIS_BLOCK_BOOTSTRAP_H_

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

namespace ldn::analysis {

// A uniformly distributed integer in [0, n) by rejection sampling (no modulo bias).
// REQUIRES: n > 0.
uint64_t UniformIndex(std::mt19937_64& engine, uint64_t n);

// Default block length: ceil(n^(1/3)), the order that minimises the mean squared error of a
// bootstrap variance estimate (Hall, Horowitz & Jing, Biometrika 1995;82:561).
int DefaultBlockLength(int n);

struct BootstrapInterval {
  double difference = 0;  // mean(after) - mean(before) of the original data
  double lower = 0;       // percentile interval of the bootstrap differences
  double upper = 0;
  double level = 0.95;
  int replicates = 0;
  int block_length_before = 0;
  int block_length_after = 0;
  uint64_t seed = 0;
};

// Percentile interval (R's quantile type 7 on the sorted replicates) of mean(after*) -
// mean(before*), each window resampled independently with moving blocks of DefaultBlockLength.
// Values are treated as consecutive (missing days are dropped, not imputed).
// Returns std::nullopt when either window has fewer than 2 values.
// REQUIRES: 0 < level < 1, replicates >= 100.
std::optional<BootstrapInterval> MovingBlockBootstrapDifference(const std::vector<double>& before,
                                                                const std::vector<double>& after, uint64_t seed,
                                                                int replicates = 2000, double level = 0.95);

}  // namespace ldn::analysis

#endif  // LDN_ANALYSIS_BLOCK_BOOTSTRAP_H_
