// `ldn analyze`: "is LDN working for me?" from a diary -- the response analysis as text, JSON, or
// the clinic report as HTML or PDF (docs/analysis.md, docs/report.md).
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "analysis/diary.h"
#include "analysis/diary_csv.h"
#include "analysis/response.h"
#include "cli/cli_support.h"
#include "report/clinic_report.h"
#include "report/html_report.h"
#include "report/report_model.h"
#include "report/text_report.h"

namespace ldn::cli {
namespace {

struct AnalyzeOptions {
  std::string input;
  bool json = false;
  std::string format = "text";
  std::string output;
  std::optional<int> baseline_days;
  std::string input_format;  // "", "json" or "csv"
  std::string paper = "a4";
  std::optional<int64_t> bootstrap_seed;
};

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The analysis reports option errors in its own terms ("options.baseline_days"); the user typed
// a flag.
Status InFlagTerms(const Status& s) {
  if (s.field() == "options.baseline_days") return Status::InvalidArgument("--baseline-days", s.message());
  if (s.field() == "options.min_baseline_days_with_data") {
    return Status::InvalidArgument("--baseline-days", "must be at least 7 days: " + s.message());
  }
  return s;
}

Status WriteOutput(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::InvalidArgument("--output", fmt::format("cannot write file '{}'", path));
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return Status::InvalidArgument("--output", fmt::format("cannot write file '{}'", path));
  return Status::Ok();
}

Result<std::string> Render(const AnalyzeOptions& o, const analysis::Diary& diary,
                           const analysis::AnalysisReport& report, const analysis::AnalysisOptions& analysis_options,
                           const Context& ctx) {
  if (o.format == "json") {
    nlohmann::json j = analysis::ReportToJson(report);
    j["patient"] = {{"id", diary.patient_id}, {"time_zone", diary.time_zone.name()}};
    return j.dump(2) + "\n";
  }
  report::ReportModelOptions model_options;
  model_options.generated_on = FormatDate(diary.time_zone.LocalDateAt(ctx.clock->Now()));
  model_options.analysis = analysis_options;
  const report::ReportModel model = report::BuildReportModel(diary, report, model_options);
  if (o.format == "text") return report::FormatClinicReportText(model);
  if (o.format == "html") return report::RenderClinicReportHtml(model);
  LDN_ASSIGN_OR_RETURN(report::Paper paper, report::ParsePaper(o.paper, "--paper"));
  return report::RenderClinicReportPdf(model, paper);
}

Status Run(AnalyzeOptions o, const Context& ctx) {
  if (o.json) {
    if (o.format != "text" && o.format != "json") {
      return Status::InvalidArgument("--format", fmt::format("--json and --format {} ask for two outputs", o.format));
    }
    o.format = "json";
  }
  if (o.format != "text" && o.format != "json" && o.format != "html" && o.format != "pdf") {
    return Status::InvalidArgument("--format",
                                   fmt::format("unknown format '{}': use text, json, html or pdf", o.format));
  }
  LDN_RETURN_IF_ERROR(report::ParsePaper(o.paper, "--paper").status());
  if (o.format == "pdf" && o.output.empty() && isatty(STDOUT_FILENO)) {
    return Status::InvalidArgument("--output", "a PDF is binary: name a file with -o FILE (or redirect stdout)");
  }
  std::string input_format = o.input_format;
  if (input_format.empty()) input_format = EndsWith(o.input, ".csv") || EndsWith(o.input, ".CSV") ? "csv" : "json";
  if (input_format != "json" && input_format != "csv") {
    return Status::InvalidArgument("--input-format",
                                   fmt::format("unknown input format '{}': use json or csv", input_format));
  }

  analysis::AnalysisOptions options;
  if (o.baseline_days) options.baseline_days = *o.baseline_days;
  if (o.bootstrap_seed) {
    if (*o.bootstrap_seed < 0) return Status::InvalidArgument("--bootstrap-seed", "must be 0 or more");
    options.bootstrap_seed = static_cast<uint64_t>(*o.bootstrap_seed);
  }

  LDN_ASSIGN_OR_RETURN(std::string text, ReadInput(o.input, "FILE"));
  LDN_ASSIGN_OR_RETURN(analysis::Diary diary,
                       input_format == "csv" ? analysis::ParseDiaryCsv(text) : analysis::ParseDiaryJson(text));
  if (diary.days.empty()) {
    return Status::InvalidArgument("diary", "the diary has no entries: there is no baseline to compare with");
  }
  auto report = analysis::AnalyzeDiary(diary, options);
  if (!report.ok()) return InFlagTerms(report.status());
  LDN_ASSIGN_OR_RETURN(std::string out, Render(o, diary, *report, options, ctx));
  if (!o.output.empty() && o.output != "-") return WriteOutput(o.output, out);
  std::cout << out;
  std::cout.flush();
  if (!std::cout) return Status::Unavailable("cannot write to standard output");
  return Status::Ok();
}

}  // namespace

void AddAnalyzeCommand(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<AnalyzeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "analyze",
      "Is LDN working? Compare a diary's evaluation windows with its pre-LDN baseline (IMMPACT and Farrar "
      "responder classes, AR(1)-adjusted intervals, time to response, side effects, adherence) and state what an "
      "open before/after comparison cannot tell. Text by default; --json for machines; --format html|pdf for the "
      "clinic report (docs/analysis.md, docs/report.md).");
  cmd->add_option("input", opts->input,
                  "Diary file (JSON, or CSV when it ends in .csv; docs/diary-format.md), or - "
                  "for standard input")
      ->required();
  cmd->add_flag("--json", opts->json, "Print the analysis as JSON (same as --format json)");
  cmd->add_option("--format", opts->format, "text (default), json, html (self-contained page) or pdf (clinic report)");
  cmd->add_option("-o,--output", opts->output, "Write to FILE instead of standard output");
  cmd->add_option("--baseline-days", opts->baseline_days,
                  "Baseline: this many days before the first dose (default 14; at least 7)");
  cmd->add_option("--input-format", opts->input_format, "json or csv (default: csv for *.csv, else json)");
  cmd->add_option("--paper", opts->paper, "PDF paper size: a4 (default) or letter");
  cmd->add_option("--bootstrap-seed", opts->bootstrap_seed,
                  "Also compute moving-block bootstrap intervals with this seed (JSON output)");
  cmd->callback([opts, &ctx]() {
    const Status s = Run(*opts, ctx);
    ctx.exit_code = s.ok() ? kExitOk : ReportError("analyze", s);
  });
}

}  // namespace ldn::cli
