// `ldn analyze`: "is LDN working for me?" from a diary -- the response analysis as text, JSON, or
// the clinic report as HTML or PDF (docs/analysis.md, docs/report.md).
#include <unistd.h>

#include <algorithm>
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
  std::vector<std::string> inputs;
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
  if (o.inputs.size() > 1 && o.format != "json") {
    return Status::InvalidArgument("input", "several diaries are analysed with --json only (one JSON line each)");
  }
  if (o.inputs.size() > 1 && std::count(o.inputs.begin(), o.inputs.end(), "-") > 0) {
    return Status::InvalidArgument("input", "standard input (-) is read for a single diary only");
  }
  if (o.input_format != "" && o.input_format != "json" && o.input_format != "csv") {
    return Status::InvalidArgument("--input-format",
                                   fmt::format("unknown input format '{}': use json or csv", o.input_format));
  }

  analysis::AnalysisOptions options;
  if (o.baseline_days) options.baseline_days = *o.baseline_days;
  if (o.bootstrap_seed) {
    if (*o.bootstrap_seed < 0) return Status::InvalidArgument("--bootstrap-seed", "must be 0 or more");
    options.bootstrap_seed = static_cast<uint64_t>(*o.bootstrap_seed);
  }

  // Several diaries (a folder of simulated patients, a research export): one compact JSON document
  // per line, each with its "input"; the first diary that cannot be analysed stops the run, named.
  const bool lines = o.inputs.size() > 1;
  std::string out;
  for (const std::string& input : o.inputs) {
    std::string input_format = o.input_format;
    if (input_format.empty()) input_format = EndsWith(input, ".csv") || EndsWith(input, ".CSV") ? "csv" : "json";
    // Which of several diaries failed: said on standard error before the error itself.
    const auto named = [&](const Status& s) {
      if (lines)
        std::cerr << "ldn analyze: " << input << " (file " << (&input - o.inputs.data()) + 1 << " of "
                  << o.inputs.size() << "):\n";
      return s;
    };
    auto text = ReadInput(input, "FILE");
    if (!text.ok()) return named(text.status());
    auto diary = input_format == "csv" ? analysis::ParseDiaryCsv(*text) : analysis::ParseDiaryJson(*text);
    if (!diary.ok()) return named(diary.status());
    if (diary->days.empty()) {
      return named(Status::InvalidArgument("diary", "the diary has no entries: there is no baseline to compare with"));
    }
    auto report = analysis::AnalyzeDiary(*diary, options);
    if (!report.ok()) return named(InFlagTerms(report.status()));
    if (lines) {
      nlohmann::json j = analysis::ReportToJson(*report);
      j["patient"] = {{"id", diary->patient_id}, {"time_zone", diary->time_zone.name()}};
      j["input"] = input;
      out += j.dump() + "\n";
    } else {
      LDN_ASSIGN_OR_RETURN(out, Render(o, *diary, *report, options, ctx));
    }
  }
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
  cmd->add_option("input", opts->inputs,
                  "Diary file (JSON, or CSV when it ends in .csv; docs/diary-format.md), or - "
                  "for standard input; several files with --json give one JSON line each")
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
