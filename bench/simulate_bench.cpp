// Benchmarks of synthetic patients (src/analysis/simulate.h) and of the analysis run on them
// (src/analysis/response.h), plus the diary writers and readers the simulator's files go through.
// A cohort of 1000 patients x (28 baseline + 112 treatment days) is the unit of `ldn simulate
// patients 1000` and of the end-to-end agreement check in docs/simulation.md.
#include <cstdlib>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "analysis/diary.h"
#include "analysis/diary_csv.h"
#include "analysis/response.h"
#include "analysis/simulate.h"

namespace {

using ldn::analysis::SimulatedPatient;
using ldn::analysis::SimulationParameters;
using ldn::analysis::SimulationRequest;

const SimulationParameters& Params() {
  const auto& p = ldn::analysis::LoadSimulationParameters();
  if (!p.ok()) std::abort();
  return *p;
}

SimulatedPatient Patient(int index) {
  SimulationRequest r;
  r.seed = 1;
  auto p = ldn::analysis::SimulatePatient(Params(), r, index);
  if (!p.ok()) std::abort();
  return std::move(*p);
}

// Simulate and analyse a cohort of state.range(0) patients.
void BM_SimulateAndAnalyze(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  SimulationRequest r;
  r.seed = 1;
  for (auto _ : state) {
    int responders_called = 0;
    for (int i = 0; i < n; ++i) {
      auto p = ldn::analysis::SimulatePatient(Params(), r, i);
      if (!p.ok()) std::abort();
      auto report = ldn::analysis::AnalyzeDiary(p->diary);
      if (!report.ok()) std::abort();
      responders_called += report->pain_change_pct && *report->pain_change_pct <= -30 ? 1 : 0;
    }
    benchmark::DoNotOptimize(responders_called);
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_SimulateAndAnalyze)->Arg(1000)->Unit(benchmark::kMillisecond);

// Simulation alone, per patient.
void BM_SimulatePatient(benchmark::State& state) {
  int i = 0;
  for (auto _ : state) {
    SimulatedPatient p = Patient(i++ % 1000);
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_SimulatePatient)->Unit(benchmark::kMicrosecond);

// The files of one patient: writing and reading both diary forms.
void BM_DiaryToJson(benchmark::State& state) {
  const SimulatedPatient p = Patient(0);
  for (auto _ : state) benchmark::DoNotOptimize(ldn::analysis::DiaryToJson(p.diary));
}
BENCHMARK(BM_DiaryToJson)->Unit(benchmark::kMicrosecond);

void BM_DiaryToCsv(benchmark::State& state) {
  const SimulatedPatient p = Patient(0);
  for (auto _ : state) benchmark::DoNotOptimize(ldn::analysis::DiaryToCsv(p.diary));
}
BENCHMARK(BM_DiaryToCsv)->Unit(benchmark::kMicrosecond);

void BM_ParseDiaryCsv(benchmark::State& state) {
  const std::string csv = ldn::analysis::DiaryToCsv(Patient(0).diary);
  for (auto _ : state) {
    auto d = ldn::analysis::ParseDiaryCsv(csv);
    if (!d.ok()) std::abort();
    benchmark::DoNotOptimize(d);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(csv.size()));
}
BENCHMARK(BM_ParseDiaryCsv)->Unit(benchmark::kMicrosecond);

// Issue 3's aim: the full JSON report of one diary file in under 5 ms on one core. From the
// diary's JSON text to the report's JSON text: parse, analyse, serialise. Arg = diary days after
// the first dose (112: 12 weeks after titration; 730: two years), plus the 28-day baseline.
void BM_JsonReportFromDiaryText(benchmark::State& state) {
  SimulationRequest r;
  r.seed = 1;
  r.days = static_cast<int>(state.range(0));
  auto p = ldn::analysis::SimulatePatient(Params(), r, 0);
  if (!p.ok()) std::abort();
  const std::string text = ldn::analysis::DiaryToJson(p->diary);
  for (auto _ : state) {
    auto diary = ldn::analysis::ParseDiaryJson(text);
    if (!diary.ok()) std::abort();
    auto report = ldn::analysis::AnalyzeDiary(*diary);
    if (!report.ok()) std::abort();
    std::string out = ldn::analysis::ReportToJson(*report).dump();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
  state.counters["diary_kb"] = static_cast<double>(text.size()) / 1024.0;
}
BENCHMARK(BM_JsonReportFromDiaryText)->Arg(112)->Arg(730)->Unit(benchmark::kMillisecond);

// 10,000 patients' reports: analysis and JSON serialisation of 10,000 simulated diaries (12 weeks
// after titration each) already in memory, one thread.
void BM_Reports10000(benchmark::State& state) {
  constexpr int kPatients = 10000;
  SimulationRequest r;
  r.seed = 1;
  std::vector<ldn::analysis::Diary> diaries;
  diaries.reserve(kPatients);
  for (int i = 0; i < kPatients; ++i) {
    auto p = ldn::analysis::SimulatePatient(Params(), r, i);
    if (!p.ok()) std::abort();
    diaries.push_back(std::move(p->diary));
  }
  for (auto _ : state) {
    size_t bytes = 0;
    for (const auto& d : diaries) {
      auto report = ldn::analysis::AnalyzeDiary(d);
      if (!report.ok()) std::abort();
      bytes += ldn::analysis::ReportToJson(*report).dump().size();
    }
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * kPatients);
}
BENCHMARK(BM_Reports10000)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
