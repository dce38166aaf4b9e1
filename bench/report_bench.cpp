// Benchmarks of the clinic report (src/report): the PDF of a simulated patient's diary, and the
// steps behind it. Target (issue 3): under 100 ms per PDF on one core.
#include <cstdlib>

#include <benchmark/benchmark.h>

#include "analysis/response.h"
#include "analysis/simulate.h"
#include "report/clinic_report.h"
#include "report/html_report.h"
#include "report/report_model.h"

namespace {

// A simulated patient (seed 1, patient 0) whose diary covers `days` days after the first dose,
// plus the baseline before it.
ldn::analysis::Diary SimulatedDiary(int days) {
  const auto& params = ldn::analysis::LoadSimulationParameters();
  if (!params.ok()) std::abort();
  ldn::analysis::SimulationRequest request;
  request.seed = 1;
  request.days = days;
  auto patient = ldn::analysis::SimulatePatient(*params, request, 0);
  if (!patient.ok()) std::abort();
  return patient->diary;
}

ldn::report::ReportModel Model(const ldn::analysis::Diary& diary) {
  auto report = ldn::analysis::AnalyzeDiary(diary);
  if (!report.ok()) std::abort();
  return ldn::report::BuildReportModel(diary, *report);
}

// The whole path from a parsed diary: analysis, report model, PDF bytes.
void BM_ClinicReportPdf(benchmark::State& state) {
  const ldn::analysis::Diary diary = SimulatedDiary(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto pdf = ldn::report::RenderClinicReportPdf(Model(diary));
    if (!pdf.ok()) std::abort();
    benchmark::DoNotOptimize(pdf->data());
  }
}
BENCHMARK(BM_ClinicReportPdf)->Arg(120)->Arg(730)->Unit(benchmark::kMillisecond);

void BM_ClinicReportHtml(benchmark::State& state) {
  const ldn::analysis::Diary diary = SimulatedDiary(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto html = ldn::report::RenderClinicReportHtml(Model(diary));
    if (!html.ok()) std::abort();
    benchmark::DoNotOptimize(html->data());
  }
}
BENCHMARK(BM_ClinicReportHtml)->Arg(120)->Unit(benchmark::kMillisecond);

void BM_ReportModel(benchmark::State& state) {
  const ldn::analysis::Diary diary = SimulatedDiary(static_cast<int>(state.range(0)));
  auto report = ldn::analysis::AnalyzeDiary(diary);
  if (!report.ok()) std::abort();
  for (auto _ : state) {
    auto model = ldn::report::BuildReportModel(diary, *report);
    benchmark::DoNotOptimize(model.items.data());
  }
}
BENCHMARK(BM_ReportModel)->Arg(120)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
