// `ldn simulate patients N --seed S`: synthetic patients' diaries with their ground truth
// (src/analysis/simulate.h, docs/simulation.md). The model is pure; this door parses the
// arguments, writes the files and prints a summary.
#include "analysis/simulate.h"

#include <system_error>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "analysis/diary_csv.h"
#include "cli/cli_support.h"

namespace ldn::cli {
namespace {

constexpr std::string_view kVerb = "simulate patients";

struct SimulateArgs {
  std::string count;
  std::string seed;
  std::string days;
  std::string output;
  bool csv = false;
  bool json = false;
};

// A whole number in [min, max] written in decimal digits, named `field` in errors. Options are
// read as text so that "-3", "1e3" and "seven" get a message naming the option.
Result<uint64_t> ParseWhole(const std::string& text, std::string_view field, uint64_t min, uint64_t max) {
  uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || v < min || v > max) {
    return Status::InvalidArgument(std::string(field),
                                   fmt::format("expected a whole number {}-{}, got \"{}\"", min, max, text));
  }
  return v;
}

struct Realised {
  int patients = 0;
  int responders = 0;
  double placebo_pct_sum = 0;
  std::vector<int> with_effect;  // per parameters.side_effects
  int doses_planned = 0;
  int doses_taken = 0;
  int diary_days = 0;
  int diary_days_missing = 0;
};

nlohmann::json SummaryJson(const Realised& r, const analysis::SimulationParameters& p) {
  const double n = r.patients;
  nlohmann::json effects = nlohmann::json::object();
  for (size_t k = 0; k < p.side_effects.size(); ++k) {
    effects[p.side_effects[k].name] = {{"patients", r.with_effect[k]},
                                       {"share", Round(r.with_effect[k] / n, 4)},
                                       {"model_share", p.side_effects[k].ldn_rate}};
  }
  return {{"responders", r.responders},
          {"responder_share", Round(r.responders / n, 4)},
          {"model_responder_share", p.responder_share},
          {"mean_placebo_pct", Round(r.placebo_pct_sum / n, 2)},
          {"model_placebo_mean_pct", p.placebo_mean_pct},
          {"side_effects", effects},
          {"doses_taken_share", Round(static_cast<double>(r.doses_taken) / r.doses_planned, 4)},
          {"diary_days_missing_share", Round(static_cast<double>(r.diary_days_missing) / r.diary_days, 4)}};
}

Status WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::InvalidArgument("-o", fmt::format("cannot write '{}'", path.string()));
  return Status::Ok();
}

Status Run(const SimulateArgs& args) {
  LDN_ASSIGN_OR_RETURN(uint64_t count, ParseWhole(args.count, "N", 1, analysis::kMaxSimulatedPatients));
  if (args.seed.empty()) return Status::InvalidArgument("--seed", "is required (a whole number)");
  LDN_ASSIGN_OR_RETURN(uint64_t seed, ParseWhole(args.seed, "--seed", 0, UINT64_MAX));
  analysis::SimulationRequest request;
  request.seed = seed;
  if (!args.days.empty()) {
    LDN_ASSIGN_OR_RETURN(uint64_t days,
                         ParseWhole(args.days, "--days", analysis::kMinSimulationDays, analysis::kMaxSimulationDays));
    request.days = static_cast<int>(days);
  }
  const auto& params = analysis::LoadSimulationParameters();
  if (!params.ok()) return params.status();

  // With --json and no -o only the summary is printed; otherwise the files are written.
  const bool write_files = !args.json || !args.output.empty();
  const std::filesystem::path dir(args.output.empty() ? std::string("simulated") : args.output);
  if (write_files) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir, ec)) {
      return Status::InvalidArgument("-o", fmt::format("cannot create the directory '{}': {}", dir.string(),
                                                       ec ? ec.message() : std::string("a file of that name exists")));
    }
  }

  Realised realised;
  realised.with_effect.assign(params->side_effects.size(), 0);
  nlohmann::json files = nlohmann::json::array();
  nlohmann::json truths = nlohmann::json::array();
  for (uint64_t i = 0; i < count; ++i) {
    LDN_ASSIGN_OR_RETURN(analysis::SimulatedPatient p,
                         analysis::SimulatePatient(*params, request, static_cast<int>(i)));
    const analysis::GroundTruth& t = p.truth;
    ++realised.patients;
    realised.responders += t.responder ? 1 : 0;
    realised.placebo_pct_sum += t.placebo_pct;
    for (size_t k = 0; k < params->side_effects.size(); ++k) {
      for (const analysis::SimulatedSideEffect& e : t.side_effects) {
        if (e.name == params->side_effects[k].name) ++realised.with_effect[k];
      }
    }
    realised.doses_planned += t.doses_planned;
    realised.doses_taken += t.doses_taken;
    realised.diary_days += params->baseline_days + request.days;
    realised.diary_days_missing += t.diary_days_missing;
    nlohmann::json truth = analysis::GroundTruthToJson(t);
    if (write_files) {
      const std::string diary_name = t.patient_id + (args.csv ? ".csv" : ".json");
      const std::string truth_name = t.patient_id + ".truth.json";
      LDN_RETURN_IF_ERROR(
          WriteFile(dir / diary_name, args.csv ? analysis::DiaryToCsv(p.diary) : analysis::DiaryToJson(p.diary)));
      LDN_RETURN_IF_ERROR(WriteFile(dir / truth_name, truth.dump(2) + "\n"));
      files.push_back(
          {{"patient_id", t.patient_id}, {"diary", diary_name}, {"truth", truth_name}, {"responder", t.responder}});
    } else {
      truths.push_back(std::move(truth));
    }
  }

  nlohmann::json out = {{"generator", "ldn simulate patients"},
                        {"seed", seed},
                        {"patients", count},
                        {"days", request.days},
                        {"baseline_days", params->baseline_days},
                        {"protocol", params->protocol},
                        {"parameters_version", params->version},
                        {"summary", SummaryJson(realised, *params)}};
  if (write_files) {
    out["diary_format"] = args.csv ? "csv" : "json";
    out["files"] = std::move(files);
    LDN_RETURN_IF_ERROR(WriteFile(dir / "manifest.json", out.dump(2) + "\n"));
  } else {
    out["truth"] = std::move(truths);
  }
  if (args.json) {
    PrintJson(out);
    return Status::Ok();
  }
  const nlohmann::json& s = out["summary"];
  std::cout << fmt::format(
      "Simulated {} patients (seed {}): {} baseline diary days, then {} days from the first dose on the {} "
      "titration (parameters {}).\n",
      count, seed, params->baseline_days, request.days, params->protocol, params->version);
  std::cout << fmt::format("Wrote {} {} diaries, their ground truth (*.truth.json) and manifest.json to {}\n", count,
                           args.csv ? "CSV" : "JSON", dir.string());
  std::cout << fmt::format(
      "Realised: responders {} ({:.1f}%; model {:.0f}%), mean placebo response {:.1f}% (model "
      "{:.0f}%)",
      realised.responders, 100.0 * s["responder_share"].get<double>(), 100.0 * params->responder_share,
      s["mean_placebo_pct"].get<double>(), params->placebo_mean_pct);
  for (size_t k = 0; k < params->side_effects.size(); ++k) {
    std::cout << fmt::format(", {} {} ({:.1f}%; model {:.0f}%)", params->side_effects[k].name, realised.with_effect[k],
                             100.0 * realised.with_effect[k] / static_cast<double>(count),
                             100.0 * params->side_effects[k].ldn_rate);
  }
  std::cout << fmt::format(", doses taken {:.1f}%, diary days missing {:.1f}%.\n",
                           100.0 * s["doses_taken_share"].get<double>(),
                           100.0 * s["diary_days_missing_share"].get<double>());
  if (!args.csv) {
    std::cout << fmt::format("Analyse one with: ldn analyze {}\n",
                             (dir / (out["files"][0]["diary"].get<std::string>())).string());
  }
  return Status::Ok();
}

}  // namespace

void AddSimulateCommand(CLI::App& app, Context& ctx) {
  CLI::App* simulate = app.add_subcommand(
      "simulate", "Synthetic data with a known answer, for demos, tests and benchmarks (docs/simulation.md)");
  simulate->require_subcommand(1);
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* patients = simulate->add_subcommand(
      "patients",
      "Simulate N fibromyalgia patients starting LDN: each one's diary (baseline, titration, daily 0-10 items, "
      "doses, side effects, missing days) plus the ground truth it hides (true LDN effect, responder or not, onset, "
      "placebo response, side effects drawn). Deterministic for a seed. Model parameters and their sources: "
      "data/simulation.json.");
  patients->add_option("N", args->count, "Number of patients, 1-100000")->required();
  patients->add_option("--seed", args->seed, "Random seed, a whole number 0-18446744073709551615 (required)");
  patients->add_option("-o,--output", args->output,
                       "Directory for the files (created if needed; default ./simulated). Without -o, --json prints "
                       "the summary and ground truth instead of writing files");
  patients->add_option("--days", args->days,
                       fmt::format("Diary days from the first dose, {}-{} (default 112: titration plus 12 weeks)",
                                   analysis::kMinSimulationDays, analysis::kMaxSimulationDays));
  patients->add_flag("--csv", args->csv, "Write the diaries in CSV form (docs/diary-format.md) instead of JSON");
  patients->add_flag("--json", args->json, "Print the manifest (or, without -o, the summary and truth) as JSON");
  patients->callback([args, &ctx] {
    const Status s = Run(*args);
    ctx.exit_code = s.ok() ? kExitOk : ReportError(kVerb, s);
  });
}

}  // namespace ldn::cli
