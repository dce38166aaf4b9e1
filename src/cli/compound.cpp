// `ldn compound capsules|liquid|home-dilution|bud`: compounding calculations, beyond-use dates, labels and
// batch worksheets (src/pharmacy, docs/pharmacy.md). Text (the worksheet) by default, --json for
// machines, --format text|html|pdf -o FILE for the worksheet document; --placebo-twin adds the blinded
// placebo batch and the pharmacy-only linking record.
#include <system_error>

#include <charconv>
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/cli_support.h"
#include "clinical/titration/plan.h"
#include "clinical/titration/protocols.h"
#include "core/calendar.h"
#include "core/dose.h"
#include "pharmacy/bud.h"
#include "pharmacy/capsules.h"
#include "pharmacy/liquid.h"
#include "pharmacy/twin.h"
#include "pharmacy/worksheet.h"
#include "report/worksheet_pdf.h"

namespace ldn::cli {
namespace {

namespace ph = ::ldn::pharmacy;

// Options every compound verb shares.
struct CommonArgs {
  std::string date;
  std::string tz = "UTC";
  std::vector<std::string> component_expiry;
  std::string batch_id;
  std::string patient;
  std::string pharmacy;
  std::string directions;
  std::string time = "bedtime";
  bool json = false;
  std::string format;
  std::string output;
};

// Options of the placebo twin.
struct TwinArgs {
  bool placebo_twin = false;
  std::string blinding_code;
  std::string twin_blinding_code;
  std::string twin_batch_id;
};

struct CapsuleArgs {
  CommonArgs common;
  TwinArgs twin;
  std::string strength, count, source, assay, water, tablet_weight, capsule_size, fill_weight, filler, overage;
  std::string balance = "class-a";
  std::string mwq;
  std::string storage = "room";
};

struct LiquidArgs {
  CommonArgs common;
  TwinArgs twin;
  std::string concentration, volume, source, assay, water, formula = "fawcett-1997";
  bool preserved = false, unpreserved = false;
  std::string storage = "fridge";
  std::string balance = "class-a";
  std::string mwq;
  std::string protocol, start, target, max, step_days, dose;
};

struct HomeArgs {
  CommonArgs common;
  std::string volume, storage = "fridge";
  std::string protocol, start, target, max, step_days, dose;
};

struct BudArgs {
  CommonArgs common;
  std::string type, storage = "room";
};

// ---- Parsing -----------------------------------------------------------------------------------

// A decimal number with nothing after it ("4.5", not "4.5mg" or "nan").
Result<double> ParseNumber(const std::string& text, std::string_view field) {
  double v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v, std::chars_format::fixed);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(v)) {
    return Status::InvalidArgument(std::string(field), fmt::format("'{}' is not a number", text));
  }
  return v;
}

Result<std::optional<double>> OptionalNumber(const std::string& text, std::string_view field) {
  if (text.empty()) return std::optional<double>();
  LDN_ASSIGN_OR_RETURN(double v, ParseNumber(text, field));
  return std::optional<double>(v);
}

Result<int64_t> ParseWhole(const std::string& text, std::string_view field) {
  int64_t v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return Status::InvalidArgument(std::string(field), fmt::format("'{}' is not a whole number", text));
  }
  return v;
}

// Milligrams of naltrexone HCl (a strength or a concentration per mL); a negative amount is an error
// of the field, zero is left to the domain's own message.
Result<Dose> ParseMg(const std::string& text, std::string_view field) {
  LDN_ASSIGN_OR_RETURN(double mg, ParseNumber(text, field));
  if (mg < 0) return Status::InvalidArgument(std::string(field), fmt::format("must be above 0 (got {})", text));
  return Dose::FromMilligramsHcl(mg, field);
}

Status Required(const std::string& value, std::string_view field, std::string_view what) {
  if (value.empty()) return Status::InvalidArgument(std::string(field), fmt::format("is required ({})", what));
  return Status::Ok();
}

Result<ph::Dispensing> ToDispensing(const CommonArgs& a, const Context& ctx) {
  ph::Dispensing d;
  if (a.date.empty()) {
    LDN_ASSIGN_OR_RETURN(TimeZone tz, TimeZone::Named(a.tz, "--tz"));
    d.prepared = tz.LocalDateAt(ctx.clock->Now());
  } else {
    LDN_ASSIGN_OR_RETURN(d.prepared, ParseDate(a.date, "--date"));
  }
  for (const std::string& e : a.component_expiry) {
    LDN_ASSIGN_OR_RETURN(LocalDate date, ParseDate(e, "--component-expiry"));
    d.component_expiries.push_back(date);
  }
  d.batch_id = a.batch_id;
  d.patient = a.patient;
  d.pharmacy = a.pharmacy;
  d.directions = a.directions;
  LDN_ASSIGN_OR_RETURN(clinical::DoseTime t, clinical::ParseDoseTime(a.time, "--time"));
  d.when = t == clinical::DoseTime::kMorning ? "in the morning" : "at bedtime";
  return d;
}

Result<std::optional<ph::Coa>> ToCoa(const std::string& assay, const std::string& water) {
  if (assay.empty()) {
    if (!water.empty()) return Status::InvalidArgument("--water", "needs --assay (both come from the CoA)");
    return std::optional<ph::Coa>();
  }
  LDN_ASSIGN_OR_RETURN(double a, ParseNumber(assay, "--assay"));
  double w = 0;
  if (water.empty()) return Status::InvalidArgument("--water", "is required with --assay (the CoA's water content, %)");
  LDN_ASSIGN_OR_RETURN(w, ParseNumber(water, "--water"));
  return std::optional<ph::Coa>(ph::Coa{a, w});
}

Status CheckOutput(const CommonArgs& a) {
  if (!a.format.empty() && a.format != "text" && a.format != "html" && a.format != "pdf") {
    return Status::InvalidArgument("--format", fmt::format("'{}' is not a format; valid: text, html, pdf", a.format));
  }
  if (a.format == "pdf" && a.output.empty()) {
    return Status::InvalidArgument("--output", "is required with --format pdf (a file, or - for standard output)");
  }
  if (a.json && !a.format.empty() && (a.output.empty() || a.output == "-")) {
    return Status::InvalidArgument("--output", "a file is required when --json and --format both print");
  }
  if (!a.output.empty() && a.format.empty() && !a.json) {
    return Status::InvalidArgument("--output", "needs --format text|html|pdf");
  }
  return Status::Ok();
}

// The titration steps of --protocol (BuildPlan), or the single --dose, or none (common strengths).
struct DoseArgs {
  std::string protocol, start, target, max, step_days, dose, time;
};

Result<std::vector<ph::ScheduledDose>> ToDoses(const DoseArgs& a, LocalDate prepared,
                                               std::vector<std::string>& plan_notes) {
  std::vector<ph::ScheduledDose> out;
  if (!a.dose.empty()) {
    if (!a.protocol.empty()) return Status::InvalidArgument("--dose", "use either --dose or --protocol");
    LDN_ASSIGN_OR_RETURN(Dose d, ParseMg(a.dose, "--dose"));
    if (d.micrograms_hcl() == 0) return Status::InvalidArgument("--dose", "must be above 0 mg");
    out.push_back({d, std::nullopt, std::nullopt});
    return out;
  }
  if (a.protocol.empty()) {
    const std::pair<const char*, const std::string*> options[] = {
        {"--start", &a.start}, {"--target", &a.target}, {"--max", &a.max}, {"--step-days", &a.step_days}};
    for (const auto& [name, value] : options) {
      if (!value->empty()) return Status::InvalidArgument(name, "only with --protocol");
    }
    return out;
  }
  clinical::PlanRequest r;
  r.protocol = a.protocol;
  if (a.start.empty()) {
    r.start = prepared;
  } else {
    LDN_ASSIGN_OR_RETURN(r.start, ParseDate(a.start, "--start"));
  }
  auto optional_mg = [](const std::string& text, std::string_view field) -> Result<std::optional<Dose>> {
    if (text.empty()) return std::optional<Dose>();
    LDN_ASSIGN_OR_RETURN(Dose d, ParseMg(text, field));
    return std::optional<Dose>(d);
  };
  LDN_ASSIGN_OR_RETURN(r.target, optional_mg(a.target, "--target"));
  LDN_ASSIGN_OR_RETURN(r.max, optional_mg(a.max, "--max"));
  LDN_ASSIGN_OR_RETURN(r.time, clinical::ParseDoseTime(a.time, "--time"));
  if (!a.step_days.empty()) {
    LDN_ASSIGN_OR_RETURN(int64_t days, ParseWhole(a.step_days, "--step-days"));
    if (days < 1 || days > 60) return Status::InvalidArgument("--step-days", "must be 1-60");
    r.step_days = static_cast<int>(days);
  }
  // The plan's own liquid volumes are not requested: the pharmacy computes them with the same rule.
  LDN_ASSIGN_OR_RETURN(clinical::Plan plan, clinical::BuildPlan(r));
  for (const clinical::PlanStep& s : plan.steps) out.push_back({s.dose, s.start, s.end});
  plan_notes.push_back(fmt::format("Titration: {} ({}) from {}; source: {}", plan.protocol.name, plan.protocol.id,
                                   FormatDate(plan.request.start), plan.protocol.source));
  for (const std::string& w : plan.warnings) plan_notes.push_back("Titration plan: " + w);
  return out;
}

// The blinding options mean nothing without --placebo-twin.
Status NoTwinOptions(const TwinArgs& t) {
  const std::pair<const char*, const std::string*> options[] = {{"--blinding-code", &t.blinding_code},
                                                                {"--twin-blinding-code", &t.twin_blinding_code},
                                                                {"--twin-batch-id", &t.twin_batch_id}};
  for (const auto& [name, value] : options) {
    if (!value->empty()) return Status::InvalidArgument(name, "only with --placebo-twin");
  }
  return Status::Ok();
}

int64_t MinSyringeCentiMl() {
  const auto& k = clinical::LoadTitrationKnowledge();
  return k.ok() ? k->rules.min_syringe_volume_centi_ml : 20;
}

// ---- Output ------------------------------------------------------------------------------------

Status WriteOutput(const std::string& path, const std::string& bytes) {
  if (path.empty() || path == "-") {
    std::cout << bytes;
    return Status::Ok();
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  out.close();
  if (!out) return Status::InvalidArgument("--output", fmt::format("cannot write '{}'", path));
  return Status::Ok();
}

std::string LinkRecordText(const ph::LinkRecord& r) {
  return fmt::format(
      "\f\nBLINDING LINK RECORD -- PHARMACY ONLY (file it in the blinding log; do not send)\n"
      "{}\n",
      LinkRecordToJson(r).dump(2));
}

// Prints the worksheets (and link record) in the requested format, and the JSON when asked.
Status Emit(const CommonArgs& a, const std::vector<const ph::Preparation*>& preps, const nlohmann::json& json,
            const std::optional<ph::LinkRecord>& link) {
  std::vector<ph::Worksheet> sheets;
  for (const ph::Preparation* p : preps) sheets.push_back(ph::BuildWorksheet(*p));
  if (a.json) PrintJson(json);
  const std::string format = a.format.empty() ? (a.json ? "" : "text") : a.format;
  if (format == "text") {
    std::string text = ph::WorksheetText(sheets);
    if (link) text += LinkRecordText(*link);
    return WriteOutput(a.output, text);
  }
  if (format == "html") {
    std::string html = ph::WorksheetHtml(sheets);
    if (link) {
      const std::string record = "<section class=\"sheet\"><h1>Blinding link record - PHARMACY ONLY</h1><pre>" +
                                 ph::HtmlEscape(LinkRecordToJson(*link).dump(2)) + "</pre></section>\n";
      html.insert(html.rfind("</body>"), record);
    }
    return WriteOutput(a.output, html);
  }
  if (format == "pdf") {
    if (link) {
      ph::Worksheet record;
      record.title = "BLINDING LINK RECORD";
      record.subtitle = link->product;
      record.confidentiality = "PHARMACY ONLY - file in the blinding log; never send to the clinic or the patient.";
      record.header = {{"Active batch", link->active_batch_id},  {"Active pack code", link->active_code},
                       {"Placebo batch", link->twin_batch_id},   {"Placebo pack code", link->twin_code},
                       {"Prepared", FormatDate(link->prepared)}, {"Shared BUD", link->shared_bud}};
      record.signatures = {"Recorded by (pharmacist)", "Second pharmacist"};
      record.sources = {"product.md capability 7: the allocation is held by the pharmacy"};
      sheets.push_back(std::move(record));
    }
    LDN_ASSIGN_OR_RETURN(std::string pdf, report::RenderWorksheetPdf(sheets));
    return WriteOutput(a.output, pdf);
  }
  return Status::Ok();
}

// ---- Verbs -------------------------------------------------------------------------------------

Status RunCapsules(const CapsuleArgs& a, const Context& ctx) {
  LDN_RETURN_IF_ERROR(CheckOutput(a.common));
  LDN_RETURN_IF_ERROR(Required(a.strength, "--strength", "mg naltrexone HCl per capsule"));
  LDN_RETURN_IF_ERROR(Required(a.count, "--count", "number of capsules"));
  LDN_RETURN_IF_ERROR(Required(a.source, "--source", "api or tablets"));
  LDN_RETURN_IF_ERROR(Required(a.capsule_size, "--capsule-size", "000 to 5"));
  LDN_RETURN_IF_ERROR(Required(a.fill_weight, "--fill-weight", "mg of filler one capsule holds, calibrated"));
  const auto& kb = ph::LoadCompoundingKnowledge();
  if (!kb.ok()) return kb.status();
  const ph::CompoundingKnowledge* k = &*kb;
  ph::CapsuleRequest r;
  LDN_ASSIGN_OR_RETURN(r.strength, ParseMg(a.strength, "--strength"));
  LDN_ASSIGN_OR_RETURN(r.count, ParseWhole(a.count, "--count"));
  LDN_ASSIGN_OR_RETURN(r.source, ph::ParseDrugSource(a.source, "--source"));
  LDN_ASSIGN_OR_RETURN(r.coa, ToCoa(a.assay, a.water));
  LDN_ASSIGN_OR_RETURN(r.tablet_weight_mg, OptionalNumber(a.tablet_weight, "--tablet-weight"));
  r.capsule_size = a.capsule_size;
  LDN_ASSIGN_OR_RETURN(r.fill_weight_mg, ParseNumber(a.fill_weight, "--fill-weight"));
  r.filler = a.filler;
  LDN_ASSIGN_OR_RETURN(std::optional<double> overage, OptionalNumber(a.overage, "--overage"));
  r.overage_pct = overage.value_or(0);
  r.balance = a.balance;
  LDN_ASSIGN_OR_RETURN(r.mwq_mg, OptionalNumber(a.mwq, "--mwq"));
  LDN_ASSIGN_OR_RETURN(r.storage, ph::ParseStorage(a.storage, "--storage"));
  LDN_ASSIGN_OR_RETURN(r.dispensing, ToDispensing(a.common, ctx));
  LDN_ASSIGN_OR_RETURN(ph::CapsuleBatch active, ph::CompoundCapsules(*k, r));
  if (!a.twin.placebo_twin) {
    LDN_RETURN_IF_ERROR(NoTwinOptions(a.twin));
    return Emit(a.common, {&active.prep}, ph::CapsuleBatchToJson(active), std::nullopt);
  }
  ph::CapsuleRequest tr = r;
  tr.placebo = true;
  tr.dispensing.batch_id = a.twin.twin_batch_id;
  LDN_ASSIGN_OR_RETURN(ph::CapsuleBatch twin, ph::CompoundCapsules(*k, tr));
  LDN_ASSIGN_OR_RETURN(ph::LinkRecord link,
                       ph::BlindPair(*k, active.prep, twin.prep, a.twin.blinding_code, a.twin.twin_blinding_code));
  nlohmann::json j = ph::CapsuleBatchToJson(active);
  j["placebo_twin"] = ph::CapsuleBatchToJson(twin);
  j["link_record"] = ph::LinkRecordToJson(link);
  return Emit(a.common, {&active.prep, &twin.prep}, j, link);
}

Status RunLiquid(const LiquidArgs& a, const Context& ctx) {
  LDN_RETURN_IF_ERROR(CheckOutput(a.common));
  LDN_RETURN_IF_ERROR(Required(a.concentration, "--concentration", "mg naltrexone HCl per mL"));
  LDN_RETURN_IF_ERROR(Required(a.volume, "--volume", "mL to make"));
  LDN_RETURN_IF_ERROR(Required(a.source, "--source", "api or tablets"));
  if (a.preserved && a.unpreserved) return Status::InvalidArgument("--unpreserved", "conflicts with --preserved");
  const auto& kb = ph::LoadCompoundingKnowledge();
  if (!kb.ok()) return kb.status();
  ph::LiquidRequest r;
  LDN_ASSIGN_OR_RETURN(r.concentration_per_ml, ParseMg(a.concentration, "--concentration"));
  LDN_ASSIGN_OR_RETURN(r.volume_ml, ParseWhole(a.volume, "--volume"));
  LDN_ASSIGN_OR_RETURN(r.source, ph::ParseDrugSource(a.source, "--source"));
  LDN_ASSIGN_OR_RETURN(r.coa, ToCoa(a.assay, a.water));
  r.preserved = !a.unpreserved;
  LDN_ASSIGN_OR_RETURN(r.storage, ph::ParseStorage(a.storage, "--storage"));
  r.formula = a.formula;
  r.balance = a.balance;
  LDN_ASSIGN_OR_RETURN(r.mwq_mg, OptionalNumber(a.mwq, "--mwq"));
  LDN_ASSIGN_OR_RETURN(r.dispensing, ToDispensing(a.common, ctx));
  std::vector<std::string> plan_notes;
  LDN_ASSIGN_OR_RETURN(r.doses, ToDoses({a.protocol, a.start, a.target, a.max, a.step_days, a.dose, a.common.time},
                                        r.dispensing.prepared, plan_notes));
  r.min_syringe_centi_ml = MinSyringeCentiMl();
  LDN_ASSIGN_OR_RETURN(ph::LiquidBatch active, ph::CompoundLiquid(*kb, r));
  for (const std::string& n : plan_notes) active.prep.notes.push_back(n);
  if (!a.twin.placebo_twin) {
    LDN_RETURN_IF_ERROR(NoTwinOptions(a.twin));
    return Emit(a.common, {&active.prep}, ph::LiquidBatchToJson(active), std::nullopt);
  }
  ph::LiquidRequest tr = r;
  tr.placebo = true;
  tr.dispensing.batch_id = a.twin.twin_batch_id;
  LDN_ASSIGN_OR_RETURN(ph::LiquidBatch twin, ph::CompoundLiquid(*kb, tr));
  LDN_ASSIGN_OR_RETURN(ph::LinkRecord link,
                       ph::BlindPair(*kb, active.prep, twin.prep, a.twin.blinding_code, a.twin.twin_blinding_code));
  nlohmann::json j = ph::LiquidBatchToJson(active);
  j["placebo_twin"] = ph::LiquidBatchToJson(twin);
  j["link_record"] = ph::LinkRecordToJson(link);
  return Emit(a.common, {&active.prep, &twin.prep}, j, link);
}

Status RunHome(const HomeArgs& a, const Context& ctx) {
  LDN_RETURN_IF_ERROR(CheckOutput(a.common));
  const auto& kb = ph::LoadCompoundingKnowledge();
  if (!kb.ok()) return kb.status();
  ph::HomeDilutionRequest r;
  if (!a.volume.empty()) {
    LDN_ASSIGN_OR_RETURN(int64_t v, ParseWhole(a.volume, "--volume"));
    r.water_ml = v;
  }
  LDN_ASSIGN_OR_RETURN(r.storage, ph::ParseStorage(a.storage, "--storage"));
  LDN_ASSIGN_OR_RETURN(r.dispensing, ToDispensing(a.common, ctx));
  std::vector<std::string> plan_notes;
  LDN_ASSIGN_OR_RETURN(r.doses, ToDoses({a.protocol, a.start, a.target, a.max, a.step_days, a.dose, a.common.time},
                                        r.dispensing.prepared, plan_notes));
  r.min_syringe_centi_ml = MinSyringeCentiMl();
  LDN_ASSIGN_OR_RETURN(ph::HomeDilution h, ph::PrepareHomeDilution(*kb, r));
  for (const std::string& n : plan_notes) h.prep.notes.push_back(n);
  return Emit(a.common, {&h.prep}, ph::HomeDilutionToJson(h), std::nullopt);
}

Status RunBud(const BudArgs& a, const Context& ctx) {
  LDN_RETURN_IF_ERROR(Required(a.type, "--type", "aqueous-unpreserved, aqueous-preserved, nonaqueous-liquid, solid"));
  const auto& kb = ph::LoadCompoundingKnowledge();
  if (!kb.ok()) return kb.status();
  ph::BudRequest r;
  LDN_ASSIGN_OR_RETURN(r.category, ph::ParseBudCategory(a.type, "--type"));
  LDN_ASSIGN_OR_RETURN(r.storage, ph::ParseStorage(a.storage, "--storage"));
  LDN_ASSIGN_OR_RETURN(ph::Dispensing d, ToDispensing(a.common, ctx));
  r.prepared = d.prepared;
  r.component_expiries = d.component_expiries;
  LDN_ASSIGN_OR_RETURN(ph::BudResult b, ph::ComputeBud(*kb, r));
  if (a.common.json) {
    nlohmann::json j = ph::BudToJson(b);
    j["bud_days"] = b.days;
    j["bud_date"] = FormatDate(b.date);
    PrintJson(j);
    return Status::Ok();
  }
  std::cout << fmt::format("Beyond-use date: {} ({} days from {})\n  {}\n  {}\n", FormatDate(b.date), b.days,
                           FormatDate(b.prepared), b.basis, ph::StorageInstruction(b.storage));
  for (const std::string& s : b.sources) std::cout << "  Source: " << s << "\n";
  for (const std::string& n : b.notes) std::cout << "  Note: " << n << "\n";
  return Status::Ok();
}

// ---- Registration ------------------------------------------------------------------------------

void AddCommon(CLI::App* cmd, CommonArgs& a, bool worksheet) {
  cmd->add_option("--date", a.date, "Preparation date, YYYY-MM-DD (default: today in --tz)");
  cmd->add_option("--tz", a.tz, "Time zone of the pharmacy for 'today' (IANA name, default UTC)");
  cmd->add_option("--component-expiry", a.component_expiry,
                  "Expiry date of a component, YYYY-MM-DD; repeat for each: the BUD is never later");
  cmd->add_flag("--json", a.json, "Print JSON");
  if (!worksheet) return;
  cmd->add_option("--batch-id", a.batch_id, "Batch / Rx id (default: LDN-YYYYMMDD-XXXXXX from the request)");
  cmd->add_option("--patient", a.patient, "Patient name or id for the label (default: a blank to fill in)");
  cmd->add_option("--pharmacy", a.pharmacy, "Pharmacy name and phone for the label");
  cmd->add_option("--directions", a.directions, "Directions for the label (default: generated)");
  cmd->add_option("--time", a.time, "bedtime (default) or morning: the dose time in the directions and plan");
  cmd->add_option("--format", a.format, "Worksheet document: text (default), html or pdf");
  cmd->add_option("-o,--output", a.output, "Write the worksheet to FILE (required for pdf; - for stdout)");
}

void AddTwin(CLI::App* cmd, TwinArgs& t) {
  cmd->add_flag("--placebo-twin", t.placebo_twin,
                "Also make the identical placebo batch for a blinded trial: blinded labels and a pharmacy-only "
                "linking record");
  cmd->add_option("--blinding-code", t.blinding_code, "Pack code printed on the active pack's blinded label");
  cmd->add_option("--twin-blinding-code", t.twin_blinding_code, "Pack code printed on the placebo pack's label");
  cmd->add_option("--twin-batch-id", t.twin_batch_id, "Batch id of the placebo batch (default: generated)");
}

void AddDoseOptions(CLI::App* cmd, std::string& protocol, std::string& start, std::string& target, std::string& max,
                    std::string& step_days, std::string& dose) {
  cmd->add_option("--protocol", protocol, "Titration protocol (see `ldn plan protocols`): volume of every step");
  cmd->add_option("--start", start, "First day of the titration, YYYY-MM-DD (default: the preparation date)");
  cmd->add_option("--target", target, "Final dose of the titration, mg (default: the protocol's)");
  cmd->add_option("--max", max, "Ceiling, mg; required for a final dose above 4.5 mg");
  cmd->add_option("--step-days", step_days, "Days per titration step");
  cmd->add_option("--dose", dose, "One daily dose, mg (instead of --protocol)");
}

template <typename Args, typename Run>
void SetCallback(CLI::App* cmd, std::shared_ptr<Args> args, Context& ctx, const char* verb, Run run) {
  cmd->callback([args, &ctx, verb, run] {
    const Status s = run(*args, ctx);
    ctx.exit_code = s.ok() ? kExitOk : ReportError(verb, s);
  });
}

}  // namespace

void AddCompoundCommand(CLI::App& app, Context& ctx) {
  CLI::App* compound = app.add_subcommand(
      "compound",
      "Compounding pharmacy: capsules, oral liquid, home dilution, beyond-use dates, labels and batch "
      "worksheets (docs/pharmacy.md)");
  compound->require_subcommand(1);

  auto c = std::make_shared<CapsuleArgs>();
  CLI::App* caps = compound->add_subcommand(
      "capsules",
      "Capsules from API (CoA-corrected) or 50 mg tablets: amounts to weigh, drug load, weighability "
      "and aliquot plan, BUD, label and worksheet");
  caps->add_option("--strength", c->strength, "mg naltrexone HCl per capsule (e.g. 4.5)");
  caps->add_option("--count", c->count, "Number of capsules");
  caps->add_option("--source", c->source, "api or tablets");
  caps->add_option("--assay", c->assay, "API assay from the certificate of analysis, % (anhydrous basis; 90-110)");
  caps->add_option("--water", c->water, "API water content from the certificate of analysis, %");
  caps->add_option("--tablet-weight", c->tablet_weight, "Average weight of one 50 mg tablet, mg (weigh 10)");
  caps->add_option("--capsule-size", c->capsule_size, "Capsule size: 000, 00, 0, 1, 2, 3, 4, 5");
  caps->add_option("--fill-weight", c->fill_weight, "Net fill of one capsule with the filler alone, mg (calibrated)");
  caps->add_option("--filler", c->filler, "Filler (default microcrystalline cellulose; calcium carbonate is refused)");
  caps->add_option("--overage", c->overage, "Extra powder for losses, % (0-25)");
  caps->add_option("--balance", c->balance, "class-a (default; MWQ 120 mg) or analytical");
  caps->add_option("--mwq", c->mwq, "Your balance's minimum weighable quantity, mg (from its calibration)");
  caps->add_option("--storage", c->storage, "room (default) or fridge");
  AddTwin(caps, c->twin);
  AddCommon(caps, c->common, true);
  SetCallback(caps, c, ctx, "compound capsules", RunCapsules);

  auto l = std::make_shared<LiquidArgs>();
  CLI::App* liquid = compound->add_subcommand(
      "liquid",
      "Oral liquid (Fawcett 1997 vehicle, 1 mg/mL or other): quantities, dose volume of each titration "
      "step, BUD, label and worksheet");
  liquid->add_option("--concentration", l->concentration, "mg naltrexone HCl per mL (e.g. 1)");
  liquid->add_option("--volume", l->volume, "mL to make (whole mL)");
  liquid->add_option("--source", l->source, "api or tablets");
  liquid->add_option("--assay", l->assay, "API assay from the certificate of analysis, %");
  liquid->add_option("--water", l->water, "API water content from the certificate of analysis, %");
  liquid->add_flag("--preserved", l->preserved, "With the sodium benzoate preservative (default)");
  liquid->add_flag("--unpreserved", l->unpreserved, "Without preservative: 14 days refrigerated at most");
  liquid->add_option("--storage", l->storage, "fridge (default) or room");
  liquid->add_option("--formula", l->formula, "Liquid formula (default fawcett-1997)");
  liquid->add_option("--balance", l->balance, "class-a (default) or analytical");
  liquid->add_option("--mwq", l->mwq, "Your balance's minimum weighable quantity, mg");
  AddDoseOptions(liquid, l->protocol, l->start, l->target, l->max, l->step_days, l->dose);
  AddTwin(liquid, l->twin);
  AddCommon(liquid, l->common, true);
  SetCallback(liquid, l, ctx, "compound liquid", RunLiquid);

  auto h = std::make_shared<HomeArgs>();
  CLI::App* home = compound->add_subcommand(
      "home-dilution", "One 50 mg tablet in water at home: volumes, the risks, and the shortest defensible BUD");
  home->add_option("--volume", h->volume, "Water, mL (default 50: 1 mg/mL)");
  home->add_option("--storage", h->storage, "fridge (the only choice: no preservative)");
  AddDoseOptions(home, h->protocol, h->start, h->target, h->max, h->step_days, h->dose);
  AddCommon(home, h->common, true);
  SetCallback(home, h, ctx, "compound home-dilution", RunHome);

  auto b = std::make_shared<BudArgs>();
  CLI::App* bud = compound->add_subcommand(
      "bud", "Beyond-use date of a non-sterile preparation by USP <795> (2023) category, capped by component expiry");
  bud->add_option("--type", b->type, "aqueous-unpreserved, aqueous-preserved, nonaqueous-liquid or solid");
  bud->add_option("--storage", b->storage, "room (default) or fridge");
  AddCommon(bud, b->common, false);
  SetCallback(bud, b, ctx, "compound bud", RunBud);
}

}  // namespace ldn::cli
