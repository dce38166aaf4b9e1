#include "clinical/screening/screening.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "core/json_reader.h"
#include "core/text.h"

namespace ldn::clinical {
namespace {

constexpr size_t kSuggestions = 3;

// Practice advice and label basis for the surgery rule (clinical-facts.md §5 Interactions).
constexpr char kSurgerySource[] =
    "Naltrexone blocks opioid analgesics (naltrexone label); practice advice: stop LDN about 2 days before surgery "
    "(Boyle) -- clinical-facts.md §5 Interactions";
constexpr char kDependenceSource[] =
    "Naltrexone label: failed naloxone challenge or positive urine opioid screen are contraindications; naloxone "
    "challenge if dependence is suspected -- clinical-facts.md §5 (Washout, Screen before start)";
constexpr char kUnknownSource[] =
    "Unknown names are never ignored or matched automatically (product brief, screening); opioids including "
    "combination products and kratom must be excluded -- clinical-facts.md §5 Screen before start";

// "1 day", "3 days".
std::string DaysText(int n) {
  return fmt::format("{} day{}", n, n == 1 ? "" : "s");
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

// How the input name relates to the entry, when not obvious: "'Oxycodone HCl 5 mg tablets' matched
// 'oxycodone' (strength, salt and form words ignored). " or "'Ultram' is listed under tramadol. ".
std::string MatchPrefix(std::string_view input, const NameMatch& m, std::string_view entry_name) {
  if (m.after_stripping) {
    return fmt::format("'{}' matched '{}' (strength, salt and form words ignored). ", input, m.matched_key);
  }
  if (NormalizeName(input) != NormalizeName(entry_name)) {
    return fmt::format("'{}' is listed under {}. ", input, entry_name);
  }
  return "";
}

// "Percocet contains oxycodone (short-acting opioid)" or "oxycodone is an opioid (short-acting
// opioid washout)", with a note when an extended-release marker changed the class.
std::string DescribeOpioid(const DrugEntry& e, const NameMatch& m, const DrugKnowledgeBase& kb) {
  auto class_of = [&](OpioidClass c) {
    if (c == OpioidClass::kShortActing && m.extended_release) c = OpioidClass::kLongActing;
    return kb.Washout(c).label;
  };
  std::string text;
  if (e.category == DrugCategory::kOpioid) {
    text = fmt::format("{} is an opioid ({} washout class)", e.name, class_of(*e.opioid_class));
  } else {
    std::vector<std::string> parts;
    for (const std::string& id : e.components) {
      const DrugEntry* c = kb.Drug(id);
      parts.push_back(fmt::format("{} ({})", c->name, class_of(e.opioid_class.value_or(*c->opioid_class))));
    }
    text = fmt::format("{} contains {}", e.name, Join(parts, " and "));
  }
  if (m.extended_release) {
    text += "; named as a modified-release or transdermal form, so the long-acting washout applies";
  }
  return text;
}

Severity SeverityFromName(std::string_view s) {
  if (s == "not_eligible") return Severity::kNotEligible;
  if (s == "review") return Severity::kReview;
  if (s == "wait") return Severity::kWait;
  return Severity::kInfo;
}

struct Screener {
  const ScreeningInput& input;
  const DrugKnowledgeBase& kb;
  ScreeningReport report;
  std::optional<LocalDate> latest_wait_end;
  bool opioid_history = false;

  void Add(std::string rule, Severity severity, std::string subject, std::string message, std::string source) {
    report.findings.push_back({std::move(rule), severity, std::move(subject), std::move(message), std::move(source)});
  }

  void ScreenOpioid(const MedicationInput& med, const DrugEntry& e, const NameMatch& m, const std::string& subject) {
    opioid_history = true;
    const std::optional<WashoutClass> w = kb.WashoutFor(m);
    assert(w.has_value());
    const std::string desc = MatchPrefix(med.name, m, e.name) + DescribeOpioid(e, m, kb) + ". ";
    const std::string source = e.source + "; washout " + std::to_string(w->days) + " days: " + w->source;
    if (med.current) {
      Add("opioid.current_use", Severity::kNotEligible, subject,
          desc + fmt::format("Current opioid use is a contraindication to naltrexone (label): not eligible until it "
                             "is stopped and {} days have passed since the last dose ({}). {}",
                             w->days, w->label, e.finding),
          source);
      return;
    }
    if (!med.last_taken) {
      if (e.severity == "review") Add("opioid.depot", Severity::kReview, subject, desc + e.finding, e.source);
      Add("opioid.last_dose_unknown", Severity::kReview, subject,
          desc + fmt::format("Past use, date of last dose unknown: confirm it; naltrexone may start {} days after "
                             "the last dose ({}). {}",
                             w->days, w->label, e.finding),
          source);
      return;
    }
    if (e.severity == "review") {
      // Depot products: the class washout after the last injection is not enough on its own.
      Add("opioid.depot", Severity::kReview, subject, desc + e.finding, e.source);
    }
    const LocalDate end = AddDays(*med.last_taken, w->days);
    if (end > input.today) {
      if (!latest_wait_end || end > *latest_wait_end) latest_wait_end = end;
      Add("opioid.washout", Severity::kWait, subject,
          desc + fmt::format("Last dose {}; washout {} days ({}): earliest start {} ({} from today). {}",
                             FormatDate(*med.last_taken), w->days, w->label, FormatDate(end),
                             DaysText(DaysBetween(input.today, end)), e.finding),
          source);
    } else {
      Add("opioid.washout_complete", Severity::kInfo, subject,
          desc + fmt::format("Last dose {}; the {}-day washout ({}) was complete on {}. {}",
                             FormatDate(*med.last_taken), w->days, w->label, FormatDate(end), e.finding),
          source);
    }
  }

  void ScreenMedication(const MedicationInput& med, size_t i) {
    const std::string subject = IndexPath("medications", i);
    const std::optional<NameMatch> m = kb.LookupDrug(med.name);
    if (!m) {
      std::string message = fmt::format(
          "'{}' is not in the medication knowledge base (version {}) and was not matched automatically. Closest "
          "known names: {}. Confirm the drug; an unrecognised product may contain an opioid.",
          med.name, kb.drugs_version(), Join(kb.SuggestDrugs(med.name, kSuggestions), ", "));
      const std::vector<std::string> opioid_words = kb.OpioidWordsIn(med.name);
      if (!opioid_words.empty()) {
        opioid_history = true;
        message += fmt::format(" The name contains {}, an opioid: treat it as an opioid until checked.",
                               Join(opioid_words, " and "));
      }
      Add("medication.unknown", Severity::kReview, subject, std::move(message), kUnknownSource);
      return;
    }
    const DrugEntry& e = *kb.Drug(m->entry_id);
    const std::string prefix = MatchPrefix(med.name, *m, e.name);
    const std::string use = med.current ? "current use" : "past use";
    switch (e.category) {
      case DrugCategory::kOpioid:
      case DrugCategory::kOpioidProduct: ScreenOpioid(med, e, *m, subject); return;
      case DrugCategory::kOpioidTheoretical:
        Add("medication.theoretical_interaction", med.current ? Severity::kReview : Severity::kInfo, subject,
            prefix + fmt::format("{} ({}). {}", e.name, use, e.finding), e.source);
        return;
      case DrugCategory::kOpioidAntagonist:
      case DrugCategory::kThyroid:
      case DrugCategory::kImmunosuppressant:
      case DrugCategory::kAnticoagulant:
      case DrugCategory::kInteracting: {
        const Severity severity = med.current ? SeverityFromName(e.severity) : Severity::kInfo;
        std::string tail = med.current ? "" : " Listed as past use: relevant only if it is restarted.";
        Add("medication." + std::string(CategoryRule(e.category)), severity, subject,
            prefix + fmt::format("{} ({}). {}{}", e.name, use, e.finding, tail), e.source);
        return;
      }
      case DrugCategory::kNoInteraction:
        Add("medication.no_interaction", Severity::kInfo, subject, prefix + e.finding, e.source);
        return;
    }
  }

  static std::string_view CategoryRule(DrugCategory c) {
    switch (c) {
      case DrugCategory::kOpioidAntagonist: return "opioid_antagonist";
      case DrugCategory::kThyroid: return "thyroid_hormone";
      case DrugCategory::kImmunosuppressant: return "immunosuppressant";
      case DrugCategory::kAnticoagulant: return "anticoagulant";
      case DrugCategory::kInteracting: return "interaction";
      default: return "other";
    }
  }

  void ScreenCondition(const std::string& name, size_t i) {
    const std::string subject = IndexPath("conditions", i);
    const std::optional<NameMatch> m = kb.LookupCondition(name);
    if (!m) {
      Add("condition.unknown", Severity::kReview, subject,
          fmt::format("Condition '{}' is not in the knowledge base (version {}) and was not matched automatically. "
                      "Closest known conditions: {}. Review it clinically.",
                      name, kb.conditions_version(), Join(kb.SuggestConditions(name, kSuggestions), ", ")),
          kUnknownSource);
      return;
    }
    const ConditionEntry& c = *kb.Condition(m->entry_id);
    Add("condition." + c.id, SeverityFromName(c.severity), subject, MatchPrefix(name, *m, c.name) + c.finding,
        c.source);
  }

  void ScreenSurgery(LocalDate date) {
    const int days = DaysBetween(input.today, date);
    if (days >= 0) {
      Add("surgery.planned", Severity::kReview, "planned_surgery",
          fmt::format("Surgery planned on {} ({} from today): naltrexone blocks opioid analgesia. Practice "
                      "advice is to stop LDN about 2 days before surgery; consider starting LDN after recovery.",
                      FormatDate(date), DaysText(days)),
          kSurgerySource);
    } else {
      Add("surgery.past", Severity::kInfo, "planned_surgery",
          fmt::format("planned_surgery {} is in the past: no surgical conflict. If opioids were given for it, list "
                      "them as medications.",
                      FormatDate(date)),
          kSurgerySource);
    }
  }
};

}  // namespace

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo: return "info";
    case Severity::kWait: return "wait";
    case Severity::kReview: return "review";
    case Severity::kNotEligible: return "not_eligible";
  }
  return "info";
}

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kEligible: return "eligible";
    case Verdict::kWait: return "wait";
    case Verdict::kReview: return "review";
    case Verdict::kNotEligible: return "not_eligible";
  }
  return "review";
}

Result<ScreeningInput> ParseScreeningInput(const nlohmann::json& j) {
  ScreeningInput in;
  LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of(j, ""));
  LDN_ASSIGN_OR_RETURN(in.today, o.Date("today"));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* meds, o.Array("medications", kMaxScreeningMedications));
  for (size_t i = 0; i < meds->size(); ++i) {
    const std::string path = IndexPath("medications", i);
    LDN_ASSIGN_OR_RETURN(JsonObject m, JsonObject::Of((*meds)[i], path));
    MedicationInput med;
    LDN_ASSIGN_OR_RETURN(med.name, m.String("name"));
    if (NormalizeName(med.name).empty()) {
      return Status::InvalidArgument(m.PathOf("name"), "must name a medication (no letters or digits given)");
    }
    LDN_RETURN_IF_ERROR(CheckLine(med.name, m.PathOf("name"), kMaxNameChars));
    LDN_ASSIGN_OR_RETURN(med.last_taken, m.OptionalDate("last_taken"));
    LDN_ASSIGN_OR_RETURN(med.current, m.Bool("current"));
    LDN_RETURN_IF_ERROR(m.RejectUnknownKeys());
    if (med.last_taken && *med.last_taken > in.today) {
      return Status::InvalidArgument(
          m.PathOf("last_taken"),
          fmt::format("{} is after today ({})", FormatDate(*med.last_taken), FormatDate(in.today)));
    }
    in.medications.push_back(std::move(med));
  }
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* conds, o.Array("conditions", kMaxScreeningConditions));
  for (size_t i = 0; i < conds->size(); ++i) {
    const std::string path = IndexPath("conditions", i);
    LDN_ASSIGN_OR_RETURN(std::string c, ReadString((*conds)[i], path));
    if (NormalizeName(c).empty()) {
      return Status::InvalidArgument(path, "must name a condition (no letters or digits given)");
    }
    LDN_RETURN_IF_ERROR(CheckLine(c, path, kMaxNameChars));
    in.conditions.push_back(std::move(c));
  }
  LDN_ASSIGN_OR_RETURN(in.planned_surgery, o.OptionalDate("planned_surgery"));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  return in;
}

Result<ScreeningReport> Screen(const ScreeningInput& input, const DrugKnowledgeBase& kb) {
  Screener s{input, kb, {}, std::nullopt, false};
  s.report.drugs_version = kb.drugs_version();
  s.report.conditions_version = kb.conditions_version();
  for (size_t i = 0; i < input.medications.size(); ++i) s.ScreenMedication(input.medications[i], i);
  for (size_t i = 0; i < input.conditions.size(); ++i) s.ScreenCondition(input.conditions[i], i);
  if (input.planned_surgery) s.ScreenSurgery(*input.planned_surgery);
  if (s.opioid_history) {
    s.Add("opioid.dependence_check", Severity::kInfo, "",
          "Opioid history: if opioid dependence is suspected, confirm opioid-free status with a urine drug screen "
          "and a naloxone challenge before the first dose. After stopping naltrexone, opioid sensitivity is "
          "increased.",
          kDependenceSource);
  }
  Severity worst = Severity::kInfo;
  for (const Finding& f : s.report.findings) worst = std::max(worst, f.severity);
  switch (worst) {
    case Severity::kInfo: s.report.verdict = Verdict::kEligible; break;
    case Severity::kWait: s.report.verdict = Verdict::kWait; break;
    case Severity::kReview: s.report.verdict = Verdict::kReview; break;
    case Severity::kNotEligible: s.report.verdict = Verdict::kNotEligible; break;
  }
  if (s.report.verdict == Verdict::kEligible) {
    s.report.earliest_start = input.today;
  } else {
    s.report.earliest_start = s.latest_wait_end;
  }
  return std::move(s.report);
}

nlohmann::json ToJson(const ScreeningReport& report) {
  nlohmann::json findings = nlohmann::json::array();
  for (const Finding& f : report.findings) {
    findings.push_back({{"rule", f.rule},
                        {"severity", SeverityName(f.severity)},
                        {"subject", f.subject},
                        {"message", f.message},
                        {"source", f.source}});
  }
  return {
      {"verdict", VerdictName(report.verdict)},
      {"earliest_start", report.earliest_start ? nlohmann::json(FormatDate(*report.earliest_start)) : nlohmann::json()},
      {"findings", std::move(findings)},
      {"knowledge_base", {{"drugs", report.drugs_version}, {"conditions", report.conditions_version}}}};
}

std::string FormatScreeningText(const ScreeningReport& report) {
  std::string out;
  out += fmt::format("Verdict: {}\n", VerdictName(report.verdict));
  out += fmt::format("Earliest start: {}\n",
                     report.earliest_start ? FormatDate(*report.earliest_start) : "not determined");
  out += fmt::format("Knowledge base: drugs {}, conditions {}\n", report.drugs_version, report.conditions_version);
  out += fmt::format("\nFindings ({}):\n", report.findings.size());
  for (const Finding& f : report.findings) {
    out += fmt::format("- [{}] {}{}\n  {}\n  Source: {}\n", SeverityName(f.severity), f.rule,
                       f.subject.empty() ? "" : " (" + f.subject + ")", f.message, f.source);
  }
  out += "\nDecision support only: the prescriber decides.\n";
  return out;
}

}  // namespace ldn::clinical
