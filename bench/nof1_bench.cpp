// N-of-1 trial engine (issue 16): one exact fit per model on a designed trial (3 pairs x 14
// analysed days, tests/golden/nof1/clear_effect.csv), the whole `ldn trial analyze` analysis,
// pooling 10,000 trials and a 200-trial design simulation. scripts/bench_nof1 sets these beside
// the JAGS engine's time on the same data (docs/benchmarks.md).
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <benchmark/benchmark.h>

#include "analysis/nof1_analysis.h"
#include "analysis/nof1_data.h"
#include "analysis/nof1_models.h"
#include "analysis/nof1_pool.h"
#include "analysis/nof1_simulate.h"

namespace {

using namespace ldn::analysis;

TrialData Load(const char* name) {
  std::ifstream in(std::filesystem::path(LDN_SOURCE_DIR) / "tests/golden/nof1" / name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseTrialCsv(ss.str()).value();
}

// One model's posterior of the difference with its summary (what `ldn trial analyze --model M`
// computes for the Bayesian part).
void BM_TrialFit(benchmark::State& state) {
  const auto model = static_cast<Nof1Model>(state.range(0));
  const Nof1Series series = ToNof1Series(Load("clear_effect.csv"));
  for (auto _ : state) {
    auto fit = FitNof1Model(series, model);
    PosteriorSummary s = Summarize(fit->diff);
    benchmark::DoNotOptimize(s);
  }
  state.SetLabel(std::string(Nof1ModelName(model)));
}
BENCHMARK(BM_TrialFit)->DenseRange(0, 3)->Unit(benchmark::kMicrosecond);

// The whole analysis: ar1 with model 1 beside it, randomization test, paired t, AR(1) interval.
void BM_TrialAnalyze(benchmark::State& state) {
  const TrialData data = Load("clear_effect.csv");
  for (auto _ : state) {
    auto a = AnalyzeTrial(data, TrialAnalysisOptions{});
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_TrialAnalyze)->Unit(benchmark::kMicrosecond);

// Pooling N completed trials with every trial's shrunken estimate.
void BM_TrialPool(benchmark::State& state) {
  std::mt19937_64 rng(1);
  std::normal_distribution<double> effect(-0.8, 0.6);
  std::uniform_real_distribution<double> se(0.2, 0.7);
  std::vector<PooledTrialInput> trials;
  for (int i = 0; i < state.range(0); ++i) {
    const double s = se(rng);
    trials.push_back({"t" + std::to_string(i), effect(rng) + s * std::normal_distribution<double>()(rng), s});
  }
  for (auto _ : state) {
    auto r = PoolTrials(trials, PoolOptions{});
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_TrialPool)->Arg(10'000)->Unit(benchmark::kMillisecond);

// The design form: 200 simulated trials under the effect and 200 under the null (ar1).
void BM_TrialSimulate(benchmark::State& state) {
  DesignSimulationOptions o;
  o.trials = static_cast<int>(state.range(0));
  for (auto _ : state) {
    auto oc = SimulateTrialDesign(TrialProtocol{}, TrialScenario{}, o);
    benchmark::DoNotOptimize(oc);
  }
}
BENCHMARK(BM_TrialSimulate)->Arg(200)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
