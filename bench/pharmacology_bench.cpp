// Benchmarks of the PK / occupancy simulation (src/pharmacology/simulation.h).
// Target (brief): 100,000 virtual patients x 24 h at 5-minute steps, with percentile bands, under 1 s on
// 2 cores.
#include <cstdlib>

#include <benchmark/benchmark.h>

#include "pharmacology/pk_parameters.h"
#include "pharmacology/simulation.h"

namespace {

using ldn::pharmacology::PkParameters;

const PkParameters& Params() {
  static const PkParameters* p = [] {
    auto r = ldn::pharmacology::DefaultPkParameters();
    if (!r.ok()) std::abort();
    return new PkParameters(*r);
  }();
  return *p;
}

ldn::pharmacology::SimulationRequest Request(int days) {
  ldn::pharmacology::SimulationRequest r;
  r.dose = ldn::Dose::FromMicrogramsHcl(4500);
  r.dose_time = ldn::TimeOfDay{22 * 60};
  r.days = days;
  return r;
}

void BM_SinglePatient(benchmark::State& state) {
  const auto request = Request(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto profile = ldn::pharmacology::SimulateTypical(Params(), request);
    benchmark::DoNotOptimize(profile);
  }
}
BENCHMARK(BM_SinglePatient)->Arg(1)->Arg(30);

void BM_Population(benchmark::State& state) {
  const auto request = Request(1);
  ldn::pharmacology::PopulationOptions options;
  options.patients = static_cast<int>(state.range(0));
  options.seed = 1;
  options.bands = state.range(1) != 0;
  options.threads = 2;  // the target machine has 2 cores
  for (auto _ : state) {
    auto result = ldn::pharmacology::SimulatePopulation(Params(), request, options);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
// {patients, bands}: 100,000 x 289 time points with percentile bands is the headline case.
BENCHMARK(BM_Population)->Args({1000, 1})->Args({100000, 1})->Args({100000, 0})->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
