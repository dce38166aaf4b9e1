// Benchmarks of the clinical core: one screening, one titration plan, one FIQR score.
// These run on every API call that screens, plans or scores, so they should stay far below a
// millisecond; the numbers go to docs/benchmarks.md (make bench), never into tests.
#include <cstdlib>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "clinical/instruments/fiqr.h"
#include "clinical/screening/screening.h"
#include "clinical/titration/plan.h"
#include "core/calendar.h"

namespace {

using ldn::LocalDate;

LocalDate Date(const char* text) {
  auto d = ldn::ParseDate(text, "date");
  if (!d.ok()) std::abort();
  return *d;
}

const ldn::clinical::DrugKnowledgeBase& Kb() {
  auto kb = ldn::clinical::DrugKnowledgeBase::Embedded();
  if (!kb.ok()) std::abort();
  return **kb;
}

// A realistic screening: two opioids (one a brand combination), three other drugs, one unknown
// name (so the fuzzy suggestion search runs), two conditions.
void BM_Screen(benchmark::State& state) {
  ldn::clinical::ScreeningInput in;
  in.today = Date("2026-11-22");
  in.medications = {{.name = "Tylenol #3", .last_taken = Date("2026-11-18"), .current = false},
                    {.name = "OxyContin 20 mg", .last_taken = Date("2026-11-01"), .current = false},
                    {.name = "duloxetine", .last_taken = std::nullopt, .current = true},
                    {.name = "levothyroxine", .last_taken = std::nullopt, .current = true},
                    {.name = "pregabalin", .last_taken = std::nullopt, .current = true},
                    {.name = "tramadoll", .last_taken = std::nullopt, .current = false}};
  in.conditions = {"thyroid_replacement", "liver_disease"};
  const auto& kb = Kb();
  for (auto _ : state) {
    auto report = ldn::clinical::Screen(in, kb, std::nullopt);
    if (!report.ok()) state.SkipWithError("screen failed");
    benchmark::DoNotOptimize(report);
  }
}
BENCHMARK(BM_Screen)->Unit(benchmark::kMicrosecond);

void BM_PlanWithLiquid(benchmark::State& state) {
  ldn::clinical::PlanRequest request;
  request.protocol = "sensitive";
  request.start = Date("2026-12-01");
  request.liquid_per_ml = ldn::Dose::FromMicrogramsHcl(1000);
  for (auto _ : state) {
    auto plan = ldn::clinical::BuildPlan(request);
    if (!plan.ok()) state.SkipWithError("plan failed");
    benchmark::DoNotOptimize(plan);
  }
}
BENCHMARK(BM_PlanWithLiquid)->Unit(benchmark::kMicrosecond);

void BM_FiqrFromJson(benchmark::State& state) {
  const auto input =
      nlohmann::json::parse(R"({"function":[3,4,5,2,6,7,3,4,5],"impact":[6,null],"symptoms":[7,6,5,8,4,6,7,5,6,3]})");
  for (auto _ : state) {
    auto answers = ldn::clinical::ReadFiqrAnswers(input);
    if (!answers.ok()) state.SkipWithError("read failed");
    auto score = ldn::clinical::ScoreFiqr(*answers);
    benchmark::DoNotOptimize(score);
  }
}
BENCHMARK(BM_FiqrFromJson)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
