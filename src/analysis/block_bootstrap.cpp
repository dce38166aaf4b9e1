#include "analysis/block_bootstrap.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace ldn::analysis {
namespace {

// One moving-block resample of x (Kunsch 1989): ceil(n / l) blocks x[s..s+l-1] with s uniform on
// 0..n-l, concatenated and cut to length n; returns its mean.
double ResampleMean(const std::vector<double>& x, int l, std::mt19937_64& engine) {
  const int n = static_cast<int>(x.size());
  const uint64_t starts = static_cast<uint64_t>(n - l + 1);
  double sum = 0;
  int taken = 0;
  while (taken < n) {
    const int s = static_cast<int>(UniformIndex(engine, starts));
    for (int k = 0; k < l && taken < n; ++k, ++taken) sum += x[s + k];
  }
  return sum / n;
}

// R's default quantile (type 7) of sorted values.
double Quantile7(const std::vector<double>& sorted, double p) {
  const double h = (static_cast<double>(sorted.size()) - 1) * p;
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

uint64_t UniformIndex(std::mt19937_64& engine, uint64_t n) {
  assert(n > 0);
  // Accept only draws below the largest multiple of n, so every residue is equally likely.
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  const uint64_t limit = max - (max % n + 1) % n;
  for (;;) {
    const uint64_t v = engine();
    if (v <= limit) return v % n;
  }
}

int DefaultBlockLength(int n) {
  if (n <= 1) return 1;
  int l = static_cast<int>(std::ceil(std::cbrt(static_cast<double>(n)) - 1e-12));
  return std::clamp(l, 1, n);
}

std::optional<BootstrapInterval> MovingBlockBootstrapDifference(const std::vector<double>& before,
                                                                const std::vector<double>& after, uint64_t seed,
                                                                int replicates, double level) {
  assert(level > 0 && level < 1);
  assert(replicates >= 100);
  if (before.size() < 2 || after.size() < 2) return std::nullopt;
  BootstrapInterval out;
  out.seed = seed;
  out.level = level;
  out.replicates = replicates;
  out.block_length_before = DefaultBlockLength(static_cast<int>(before.size()));
  out.block_length_after = DefaultBlockLength(static_cast<int>(after.size()));
  double mb = 0, ma = 0;
  for (double v : before) mb += v;
  for (double v : after) ma += v;
  out.difference = ma / static_cast<double>(after.size()) - mb / static_cast<double>(before.size());
  std::mt19937_64 engine(seed);
  std::vector<double> diffs;
  diffs.reserve(static_cast<size_t>(replicates));
  for (int i = 0; i < replicates; ++i) {
    const double b = ResampleMean(before, out.block_length_before, engine);
    const double a = ResampleMean(after, out.block_length_after, engine);
    diffs.push_back(a - b);
  }
  std::sort(diffs.begin(), diffs.end());
  out.lower = Quantile7(diffs, (1 - level) / 2);
  out.upper = Quantile7(diffs, 1 - (1 - level) / 2);
  return out;
}

}  // namespace ldn::analysis
