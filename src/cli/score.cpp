// `ldn score <instrument> FILE|- [--json]`: scores one questionnaire (FIQR, ACR 2010/2011/2016,
// PGIC) read as JSON. Formulas, sources and missing-item rules: docs/instruments.md.
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/cli_support.h"
#include "clinical/instruments/acr.h"
#include "clinical/instruments/fiqr.h"
#include "clinical/instruments/pgic.h"
#include "core/json_reader.h"

namespace ldn::cli {
namespace {

using clinical::AcrVersion;

constexpr char kVerb[] = "score";
constexpr char kInstruments[] = "fiqr, acr2010, acr2011, acr2016, pgic";

std::string Num(double v) {
  std::string s = fmt::format("{:.2f}", Round(v, 2));
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

void PrintSources(const nlohmann::json& j) {
  std::cout << "Sources:\n";
  for (const auto& s : j.at("sources")) std::cout << "  - " << s.get<std::string>() << "\n";
}

void PrintFiqr(const clinical::FiqrScore& s, const nlohmann::json& j) {
  std::cout << fmt::format("FIQR total: {} / 100 ({})\n", Num(s.total), clinical::FiqrSeverityName(s.severity));
  std::cout << fmt::format("  function  {:>6} / 30  ({} of 9 items answered)\n", Num(s.function), s.function_answered);
  std::cout << fmt::format("  impact    {:>6} / 20  ({} of 2 items answered)\n", Num(s.impact), s.impact_answered);
  std::cout << fmt::format("  symptoms  {:>6} / 50  ({} of 10 items answered)\n", Num(s.symptoms), s.symptoms_answered);
  std::cout << (s.prorated ? "Missing items were prorated. " : "") << "Missing-item rule: " << s.missing_rule << "\n";
  std::cout << "Severity: " << j.at("severity_rule").get<std::string>() << "\n";
  PrintSources(j);
}

std::string YesNo(bool b) {
  return b ? "yes" : "no";
}

void PrintAcr(const clinical::AcrScore& s, const nlohmann::json& j) {
  const auto& c = j.at("criteria");
  std::cout << fmt::format("ACR {} fibromyalgia criteria: {}\n", clinical::AcrVersionName(s.version),
                           s.meets_criteria ? "MET" : "NOT MET");
  std::cout << fmt::format("  WPI {} / 19, SSS {} / 12, PSD {} / 31 ({})\n", s.wpi, s.sss, s.psd, s.psd_category);
  const std::string regions =
      s.regions_with_pain.empty() ? std::string("none") : fmt::format("{}", fmt::join(s.regions_with_pain, ", "));
  std::cout << fmt::format("  regions with pain ({} of 5): {}\n", s.regions_with_pain.size(), regions);
  std::cout << fmt::format("  [{}] {}\n", YesNo(s.wpi_sss_met), c.at("wpi_sss").at("rule").get<std::string>());
  if (c.contains("generalized_pain")) {
    std::cout << fmt::format("  [{}] {}\n", YesNo(s.generalized_pain),
                             c.at("generalized_pain").at("rule").get<std::string>());
  }
  std::cout << fmt::format("  [{}] {}\n", YesNo(s.duration_met),
                           c.at("symptom_duration").at("rule").get<std::string>());
  if (c.contains("no_other_disorder")) {
    std::cout << fmt::format("  [clinician] {}\n", c.at("no_other_disorder").at("rule").get<std::string>());
  }
  for (const auto& n : s.notes) std::cout << "Note: " << n << "\n";
  PrintSources(j);
}

void PrintPgic(const clinical::PgicScore& s, const nlohmann::json& j) {
  std::cout << fmt::format("PGIC {}: {}\n", s.score, s.label);
  std::cout << fmt::format("  IMMPACT level: {}\n", s.immpact_level);
  std::cout << fmt::format("  responder: {} ({})\n", YesNo(s.responder), j.at("responder_rule").get<std::string>());
  PrintSources(j);
}

Status Run(const std::string& instrument, const std::string& file, bool json, bool lenient) {
  const bool is_acr = instrument == "acr2010" || instrument == "acr2011" || instrument == "acr2016";
  if (instrument != "fiqr" && instrument != "pgic" && !is_acr) {
    return Status::InvalidArgument("INSTRUMENT",
                                   fmt::format("unknown instrument '{}' (known: {})", instrument, kInstruments));
  }
  if (lenient && instrument != "fiqr") {
    return Status::InvalidArgument("--lenient-missing", "applies to fiqr only");
  }
  LDN_ASSIGN_OR_RETURN(std::string text, ReadInput(file, "FILE"));
  LDN_ASSIGN_OR_RETURN(nlohmann::json input, ParseJson(text));
  if (instrument == "fiqr") {
    LDN_ASSIGN_OR_RETURN(clinical::FiqrAnswers a, clinical::ReadFiqrAnswers(input));
    clinical::FiqrOptions options;
    options.lenient_missing = lenient;
    LDN_ASSIGN_OR_RETURN(clinical::FiqrScore s, clinical::ScoreFiqr(a, options));
    const nlohmann::json j = clinical::FiqrScoreToJson(s);
    json ? PrintJson(j) : PrintFiqr(s, j);
  } else if (instrument == "pgic") {
    LDN_ASSIGN_OR_RETURN(int v, clinical::ReadPgic(input));
    const clinical::PgicScore s = clinical::ScorePgic(v);
    const nlohmann::json j = clinical::PgicScoreToJson(s);
    json ? PrintJson(j) : PrintPgic(s, j);
  } else {
    const AcrVersion version = instrument == "acr2010"   ? AcrVersion::k2010
                               : instrument == "acr2011" ? AcrVersion::k2011
                                                         : AcrVersion::k2016;
    LDN_ASSIGN_OR_RETURN(clinical::AcrAnswers a, clinical::ReadAcrAnswers(input));
    LDN_ASSIGN_OR_RETURN(clinical::AcrScore s, clinical::ScoreAcr(a, version));
    const nlohmann::json j = clinical::AcrScoreToJson(s);
    json ? PrintJson(j) : PrintAcr(s, j);
  }
  return Status::Ok();
}

}  // namespace

void AddScoreCommand(CLI::App& app, Context& ctx) {
  struct Args {
    std::string instrument;
    std::string file;
    bool json = false;
    bool lenient = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "score",
      "Score a questionnaire: fiqr (Revised Fibromyalgia Impact Questionnaire), acr2010 / acr2011 / acr2016 "
      "(fibromyalgia criteria: WPI, SSS, PSD), pgic (Patient Global Impression of Change). Input formats and "
      "formulas: docs/instruments.md");
  cmd->add_option("INSTRUMENT", args->instrument, std::string("One of: ") + kInstruments)->required();
  cmd->add_option("FILE", args->file, std::string("JSON answers file, or - for standard input"))->required();
  cmd->add_flag("--json", args->json, std::string("Machine-readable output"));
  cmd->add_flag("--lenient-missing", args->lenient,
                std::string("FIQR only: prorate missing items in every domain under ldn's own rule (at least half "
                            "of each domain answered) instead of the published validity rule"));
  cmd->callback([&ctx, args] {
    const Status st = Run(args->instrument, args->file, args->json, args->lenient);
    ctx.exit_code = st.ok() ? kExitOk : ReportError(kVerb, st);
  });
}

}  // namespace ldn::cli
