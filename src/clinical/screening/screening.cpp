#include "clinical/screening/screening.h"

#include <algorithm>
#include <cassert>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "core/json_reader.h"
#include "core/text.h"

namespace ldn::clinical {
namespace {

constexpr size_t kSuggestions = 3;

// Surgery: naltrexone blocks opioid analgesia (label); how long before surgery to stop it is
// practice advice (clinical-facts.md §5 Interactions).
constexpr char kSurgerySource[] =
    "Naltrexone blocks opioid analgesics (naltrexone labels); practice advice: stop LDN 2-3 days before surgery "
    "(LDN Research Trust pharmacists: S. Dickson at least two days, M. Moser three days); SPAQI consensus for oral "
    "naltrexone: hold about 72 hours -- clinical-facts.md §5 Interactions";
constexpr char kDependenceSource[] =
    "Naltrexone labels: a failed naloxone challenge or a positive urine opioid screen is a contraindication; a "
    "naloxone challenge if dependence is suspected (Revia PI, Dosage and Administration; Vivitrol PI §5.3) -- "
    "clinical-facts.md §5 Washout";
constexpr char kUnknownSource[] =
    "Unknown names are never ignored or matched automatically (product brief, screening); opioids including "
    "combination products and kratom must be excluded -- clinical-facts.md §5 Screen before start";
constexpr char kAmbiguousSource[] =
    "Fail-safe matching (issue 11): a reading that drops a word may only make a verdict stricter; where the dropped "
    "word separates a non-opioid brand from an opioid member of its family, both readings are shown";

std::string DaysText(int n) {
  return fmt::format("{} day{}", n, n == 1 ? "" : "s");
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

// "'a', 'b'".
std::string Quoted(const std::vector<std::string>& items) {
  std::vector<std::string> q;
  for (const std::string& s : items) q.push_back("'" + s + "'");
  return Join(q, ", ");
}

int SeverityRank(std::string_view s) {
  if (s == "not_eligible") return 3;
  if (s == "review") return 2;
  if (s == "wait") return 1;
  return 0;
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
  const Jurisdiction* jurisdiction;  // nullptr: most restrictive
  ScreeningReport report;
  std::optional<LocalDate> latest_wait_end;
  bool opioid_history = false;

  Finding& Add(std::string rule, Severity severity, std::string subject, std::string message, std::string source) {
    report.findings.push_back({std::move(rule), severity, std::move(subject), std::move(message), std::move(source),
                               nlohmann::json::object()});
    return report.findings.back();
  }

  void NoteWaitEnd(LocalDate end) {
    if (end > input.today && (!latest_wait_end || end > *latest_wait_end)) latest_wait_end = end;
  }

  // ---- Readings ----

  nlohmann::json ReadingJson(const SpanMatch& s, const EntryRef& r, bool extended_release) const {
    nlohmann::json ingredients = nlohmann::json::array();
    for (const ProductIngredient& pi : kb.EntryIngredients(r)) {
      const Ingredient* i = kb.FindIngredient(pi.ingredient);
      nlohmann::json ij = {{"inn", i->name}, {"category", DrugCategoryId(i->category)}};
      if (!pi.salt.empty()) ij["salt"] = pi.salt;
      if (i->IsOpioid()) {
        OpioidClass c = pi.opioid_class.value_or(*i->opioid_class);
        if (c == OpioidClass::kShortActing && extended_release) c = OpioidClass::kLongActing;
        ij["opioid_class"] = OpioidClassId(c);
      }
      ingredients.push_back(std::move(ij));
    }
    nlohmann::json j = {{"text", s.text},
                        {"kind", r.kind == EntryRef::Kind::kProduct ? "product" : "ingredient"},
                        {"name", kb.EntryName(r)},
                        {"opioid", kb.EntryIsOpioid(r)},
                        {"ingredients", std::move(ingredients)}};
    if (r.kind == EntryRef::Kind::kProduct) {
      const Product& p = kb.products()[r.index];
      j["id"] = p.id;
      j["markets"] = p.markets;
    } else {
      j["id"] = kb.ingredients()[r.index].id;
    }
    return j;
  }

  nlohmann::json Readings(const NameAnalysis& a) const {
    nlohmann::json out = nlohmann::json::array();
    for (const SpanMatch& s : a.spans) {
      for (const EntryRef& r : s.entries) out.push_back(ReadingJson(s, r, a.extended_release && s.opioid));
    }
    return out;
  }

  // "Tylenol No. 3 contains codeine (short-acting opioid)" / "codeine is an opioid (short-acting
  // opioid washout class)". Several entries of one span (a name used in several markets) are
  // joined with " or ".
  std::string DescribeOpioidSpan(const SpanMatch& s, bool extended_release) const {
    std::vector<std::string> parts;
    for (const EntryRef& r : s.entries) {
      if (!kb.EntryIsOpioid(r)) {
        parts.push_back(fmt::format("{} has no opioid", kb.DescribeEntry(r)));
        continue;
      }
      std::vector<std::string> opioids;
      for (const ProductIngredient& pi : kb.EntryIngredients(r)) {
        const Ingredient* i = kb.FindIngredient(pi.ingredient);
        if (!i->IsOpioid()) continue;
        OpioidClass c = pi.opioid_class.value_or(*i->opioid_class);
        if (c == OpioidClass::kShortActing && extended_release) c = OpioidClass::kLongActing;
        opioids.push_back(fmt::format("{} ({})", i->name, kb.Washout(c).label));
      }
      if (r.kind == EntryRef::Kind::kIngredient) {
        const Ingredient& i = kb.ingredients()[r.index];
        OpioidClass c = *i.opioid_class;
        if (c == OpioidClass::kShortActing && extended_release) c = OpioidClass::kLongActing;
        parts.push_back(fmt::format("{} is an opioid, {} ({} washout class)", i.name, i.action, kb.Washout(c).label));
      } else {
        const Product& p = kb.products()[r.index];
        parts.push_back(fmt::format("{} contains {} [{}]", p.name, Join(opioids, " and "), Join(p.markets, ", ")));
      }
    }
    return Join(parts, " or ");
  }

  // How the input name was read, when it was not read whole: "'Oxycodone HCl 5 mg tablets' was read
  // as 'oxycodone' (strength, salt, form and route words ignored). ".
  static std::string ReadAs(const std::string& name, const NameAnalysis& a) {
    std::vector<std::string> texts;
    for (const SpanMatch& s : a.spans) texts.push_back(s.text);
    const std::string joined = Join(texts, " + ");
    if (NormalizeName(joined) == NormalizeName(name)) return "";
    return fmt::format("'{}' was read as {} (strength, salt, form, route and filler words ignored). ", name,
                       Quoted(texts));
  }

  static std::string RemainderText(const NameAnalysis& a) {
    if (a.remainder.empty()) return "";
    return fmt::format(" Not recognised in the name: {}: confirm the whole product with the patient.",
                       Quoted(a.remainder));
  }

  // ---- Medications ----

  // A word the screen does not know, next to a recognised name: it may name another ingredient, so
  // a clinician confirms the whole product (a lossy reading may only make a verdict stricter).
  void AddRemainderFinding(const MedicationInput& med, const NameAnalysis& a, const std::string& subject) {
    std::vector<std::string> texts;
    for (const SpanMatch& s : a.spans) texts.push_back(s.text);
    Finding& f = Add("medication.unknown_remainder", Severity::kReview, subject,
                     fmt::format("'{}': the screen recognised {} but not {}. An unrecognised word may name another "
                                 "product or ingredient (possibly another opioid, with a longer washout): confirm the "
                                 "whole product.",
                                 med.name, Quoted(texts), Quoted(a.remainder)),
                     kUnknownSource);
    f.details["unknown_remainder"] = a.remainder;
    f.details["readings"] = Readings(a);
  }

  void ScreenOpioid(const MedicationInput& med, const NameAnalysis& a, const std::string& subject) {
    opioid_history = true;
    const std::optional<WashoutClass> w = kb.WashoutFor(a);
    assert(w.has_value());
    std::vector<std::string> descriptions;
    std::vector<std::string> sources;
    bool depot = false;
    std::string depot_finding;
    for (const SpanMatch& s : a.spans) {
      if (!s.opioid) continue;
      descriptions.push_back(DescribeOpioidSpan(s, a.extended_release));
      for (const EntryRef& r : s.entries) {
        sources.push_back(kb.EntrySource(r));
        if (r.kind == EntryRef::Kind::kProduct && kb.products()[r.index].severity == "review") {
          depot = true;
          depot_finding = kb.products()[r.index].finding;
        }
      }
    }
    std::sort(sources.begin(), sources.end());
    sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
    std::string desc = ReadAs(med.name, a) + Join(descriptions, "; ");
    if (a.extended_release)
      desc += "; named with a modified-release or transdermal word, so the long-acting washout applies";
    desc += ".";
    const std::string source = Join(sources, "; ") + "; washout " + std::to_string(w->days) + " days: " + w->source;
    const std::string remainder = RemainderText(a);
    auto details = [&](Finding& f) {
      f.details["readings"] = Readings(a);
      f.details["washout_days"] = w->days;
      f.details["opioid_class"] = OpioidClassId(w->opioid_class);
      if (!a.remainder.empty()) f.details["unknown_remainder"] = a.remainder;
    };
    if (depot) {
      Finding& f = Add("opioid.depot", Severity::kReview, subject, desc + " " + depot_finding, Join(sources, "; "));
      f.details["readings"] = Readings(a);
    }
    if (!a.remainder.empty()) AddRemainderFinding(med, a, subject);
    if (med.current) {
      Finding& f =
          Add("opioid.current_use", Severity::kNotEligible, subject,
              desc + fmt::format(" Current opioid use is a contraindication to naltrexone (every label): not eligible "
                                 "until it is stopped and {} days have passed since the last dose ({}).{}",
                                 w->days, w->label, remainder),
              source);
      details(f);
      return;
    }
    if (!med.last_taken) {
      Finding& f =
          Add("opioid.last_dose_unknown", Severity::kReview, subject,
              desc + fmt::format(" Past use, date of last dose unknown: confirm it; naltrexone may start {} days after "
                                 "the last dose ({}).{}",
                                 w->days, w->label, remainder),
              source);
      details(f);
      return;
    }
    const LocalDate end = AddDays(*med.last_taken, w->days);
    if (end > input.today) {
      NoteWaitEnd(end);
      Finding& f =
          Add("opioid.washout", Severity::kWait, subject,
              desc + fmt::format(" Last dose {}; washout {} days ({}): earliest start {} ({} from today). "
                                 "Trials also excluded opioid use in the last 3 months (INNOVA), so a screen "
                                 "before {} will ask for review.{}",
                                 FormatDate(*med.last_taken), w->days, w->label, FormatDate(end),
                                 DaysText(DaysBetween(input.today, end)),
                                 FormatDate(AddDays(*med.last_taken, kb.recent_opioid_window().days)), remainder),
              source);
      details(f);
      f.details["washout_end"] = FormatDate(end);
    } else {
      Finding& f = Add("opioid.washout_complete", Severity::kInfo, subject,
                       desc + fmt::format(" Last dose {}; the {}-day washout ({}) was complete on {}.{}",
                                          FormatDate(*med.last_taken), w->days, w->label, FormatDate(end), remainder),
                       source);
      details(f);
      f.details["washout_end"] = FormatDate(end);
    }
    // Trials excluded opioid use in the months before inclusion: after the washout, still a review.
    const RecentUseWindow& window = kb.recent_opioid_window();
    const LocalDate window_end = AddDays(*med.last_taken, window.days);
    if (end <= input.today && window_end > input.today) {
      Finding& f =
          Add("opioid.recent_use", Severity::kReview, subject,
              fmt::format("'{}' was last taken {} ({} ago): the washout is over, but the trials of LDN in "
                          "fibromyalgia excluded opioid use this recent (INNOVA: the last 3 months; FINAL: the "
                          "last 4 weeks). Confirm that no opioid is taken now and why it was needed -- "
                          "clinician review until {}.",
                          med.name, FormatDate(*med.last_taken), DaysText(DaysBetween(*med.last_taken, input.today)),
                          FormatDate(window_end)),
              window.source);
      f.details["window_end"] = FormatDate(window_end);
    }
  }

  // Both readings of a non-opioid brand followed by a word or number that only an opioid member of
  // its family carries.
  void ScreenAmbiguity(const MedicationInput& med, const NameAnalysis& a, const FamilyAmbiguity& amb,
                       const std::string& subject) {
    opioid_history = true;
    const SpanMatch& base = a.spans[amb.span];
    std::vector<std::string> plain;
    for (const EntryRef& r : base.entries) plain.push_back(kb.DescribeEntry(r));
    std::vector<std::string> members;
    std::optional<WashoutClass> longest;
    nlohmann::json readings = Readings(a);
    for (const EntryRef& r : amb.opioid_members) {
      const Product* p = r.kind == EntryRef::Kind::kProduct ? &kb.products()[r.index] : nullptr;
      members.push_back(kb.DescribeEntry(r) + (p != nullptr ? " [" + Join(p->markets, ", ") + "]" : ""));
      const std::optional<WashoutClass> w = kb.WashoutForEntry(r, a.extended_release);
      if (w && (!longest || w->days > longest->days)) longest = w;
      SpanMatch alt = base;
      alt.text = base.text + " " + amb.dropped;
      nlohmann::json rj = ReadingJson(alt, r, a.extended_release);
      rj["alternative"] = true;
      readings.push_back(std::move(rj));
    }
    std::string message = fmt::format(
        "'{}' has two readings. Without '{}' it is {}, which has no opioid; but '{}' is also the name of a family "
        "with opioid products: {}. '{}' is not a known member, so the screen cannot tell which was meant: confirm "
        "the exact product (and its ingredients) with the patient or the pharmacy.",
        med.name, amb.dropped, Join(plain, " or "), base.text, Join(members, "; "), base.text + " " + amb.dropped);
    Finding& f = Add("medication.ambiguous_name", Severity::kReview, subject, "", kAmbiguousSource);
    if (longest) {
      if (med.current) {
        message += fmt::format(
            " If it is the opioid product, current use is a contraindication ({}-day washout after "
            "the last dose).",
            longest->days);
      } else if (med.last_taken) {
        const LocalDate end = AddDays(*med.last_taken, longest->days);
        NoteWaitEnd(end);
        message += fmt::format(
            " If it is the opioid product, the {}-day washout ({}) ends on {}; the earliest start "
            "is counted from that reading.",
            longest->days, longest->label, FormatDate(end));
        f.details["washout_end"] = FormatDate(end);
      } else {
        message += fmt::format(" If it is the opioid product, naltrexone may start {} days after the last dose.",
                               longest->days);
      }
      f.details["washout_days"] = longest->days;
    }
    f.message = message + RemainderText(a);
    f.details["readings"] = std::move(readings);
    f.details["dropped"] = amb.dropped;
    if (!a.remainder.empty()) f.details["unknown_remainder"] = a.remainder;
  }

  static std::string_view CategoryRule(DrugCategory c) {
    switch (c) {
      case DrugCategory::kOpioidTheoretical: return "theoretical_interaction";
      case DrugCategory::kOpioidAntagonist: return "opioid_antagonist";
      case DrugCategory::kPamora: return "pamora";
      case DrugCategory::kThyroid: return "thyroid_hormone";
      case DrugCategory::kImmunosuppressant: return "immunosuppressant";
      case DrugCategory::kAnticoagulant: return "anticoagulant";
      case DrugCategory::kInteracting: return "interaction";
      default: return "no_interaction";
    }
  }

  void ScreenEntry(const MedicationInput& med, const NameAnalysis& a, const SpanMatch& s, const EntryRef& r,
                   const std::string& subject, std::string prefix) {
    const std::string use = med.current ? "current use" : "past use";
    const Product* product = r.kind == EntryRef::Kind::kProduct ? &kb.products()[r.index] : nullptr;
    if (product == nullptr && (a.injectable || a.extended_release)) {
      // "naltrexone injection", "naltrexone ER": the depot product's rules (its blockade) apply.
      const Ingredient& ing = kb.ingredients()[r.index];
      if (!ing.depot_product.empty()) {
        product = kb.FindProduct(ing.depot_product);
        prefix += fmt::format("'{}' names {} with an injection, depot or release word: read as {} ({}). ", med.name,
                              ing.name, product->name, product->form);
      }
    }
    const std::string name = kb.DescribeEntry(r);
    bool flagged = false;
    std::set<DrugCategory> seen;
    for (const ProductIngredient& pi : kb.EntryIngredients(r)) {
      const Ingredient& ing = *kb.FindIngredient(pi.ingredient);
      if (ing.category == DrugCategory::kNoInteraction || !seen.insert(ing.category).second) continue;
      flagged = true;
      Severity severity = med.current ? SeverityFromName(ing.severity) : Severity::kInfo;
      std::string tail = med.current ? "" : " Listed as past use: relevant only if it is restarted.";
      std::string text = ing.finding;
      std::string source = ing.source;
      if (product != nullptr && !product->finding.empty()) text += " " + product->finding;
      if (product != nullptr) source = product->source + "; " + ing.source;
      nlohmann::json extra = nlohmann::json::object();
      if (ing.category == DrugCategory::kOpioidAntagonist) {
        if (product != nullptr && product->blockade_days > 0) {
          // Extended-release antagonist: one dose blocks for weeks.
          if (med.current || !med.last_taken) {
            severity = Severity::kReview;
            tail = fmt::format(" One dose blocks opioid receptors for about {} days{}.", product->blockade_days,
                               med.last_taken ? "" : "; the date of the last dose is unknown");
          } else {
            const LocalDate until = AddDays(*med.last_taken, product->blockade_days);
            extra["blocked_until"] = FormatDate(until);
            if (until > input.today) {
              severity = Severity::kReview;
              tail = fmt::format(" Last dose {}: still blocking until about {} ({} days per dose).",
                                 FormatDate(*med.last_taken), FormatDate(until), product->blockade_days);
            } else {
              tail = fmt::format(" Last dose {}: the about {}-day blockade ended about {}.",
                                 FormatDate(*med.last_taken), product->blockade_days, FormatDate(until));
            }
          }
        } else if (!med.current && product != nullptr && product->past_use_review) {
          severity = Severity::kReview;
          tail = " Past use of an overdose-rescue antagonist implies opioid exposure: ask when and why it was used.";
        }
      }
      if (ing.category == DrugCategory::kPamora) {
        opioid_history = true;
        const int window = kb.Washout(OpioidClass::kLongActing).days;
        if (med.current || !med.last_taken || DaysBetween(*med.last_taken, input.today) < window) {
          severity = Severity::kReview;
          tail = med.current ? ""
                             : fmt::format(
                                   " Used within the last {} days or on an unknown date: the opioid it "
                                   "was given with may still be in use.",
                                   window);
        }
      }
      Finding& f = Add("medication." + std::string(CategoryRule(ing.category)), severity, subject,
                       prefix + fmt::format("{} ({}): {}{}", name, use, text, tail) + RemainderText(a), source);
      f.details = extra;
      f.details["readings"] = nlohmann::json::array({ReadingJson(s, r, false)});
      if (!a.remainder.empty()) f.details["unknown_remainder"] = a.remainder;
    }
    if (!flagged) {
      std::vector<std::string> findings;
      std::vector<std::string> sources;
      for (const ProductIngredient& pi : kb.EntryIngredients(r)) {
        const Ingredient& ing = *kb.FindIngredient(pi.ingredient);
        findings.push_back(ing.finding);
        sources.push_back(ing.source);
      }
      if (product != nullptr) sources.insert(sources.begin(), product->source);
      std::sort(findings.begin(), findings.end());
      findings.erase(std::unique(findings.begin(), findings.end()), findings.end());
      Finding& f = Add("medication.no_interaction", Severity::kInfo, subject,
                       prefix + fmt::format("{}: {}", name, Join(findings, " ")), Join(sources, "; "));
      f.details["readings"] = nlohmann::json::array({ReadingJson(s, r, false)});
    }
  }

  void ScreenMedication(const MedicationInput& med, size_t i) {
    const std::string subject = IndexPath("medications", i);
    const NameAnalysis a = kb.AnalyseMedication(med.name);
    if (!a.Recognised()) {
      Finding& f = Add("medication.unknown", Severity::kReview, subject,
                       fmt::format("'{}' is not in the medication knowledge base (version {}) and was not matched "
                                   "automatically. Closest known names: {}. Confirm the drug; an unrecognised product "
                                   "may contain an opioid.",
                                   med.name, kb.drugs_version(), Join(kb.SuggestDrugs(med.name, kSuggestions), ", ")),
                       kUnknownSource);
      f.details["unknown_remainder"] = a.remainder;
      return;
    }
    if (a.Opioid()) {
      ScreenOpioid(med, a, subject);
      return;
    }
    for (const FamilyAmbiguity& amb : a.ambiguities) ScreenAmbiguity(med, a, amb, subject);
    const std::string prefix = ReadAs(med.name, a);
    for (const SpanMatch& s : a.spans) {
      for (const EntryRef& r : s.entries) ScreenEntry(med, a, s, r, subject, prefix);
    }
    if (!a.remainder.empty() && a.ambiguities.empty()) AddRemainderFinding(med, a, subject);
  }

  // ---- Conditions ----

  // The severity a condition gets under the jurisdiction, and the label facts for the finding.
  struct LabelDecision {
    Severity severity = Severity::kInfo;
    std::string text;  // appended to the message
    nlohmann::json labels = nullptr;
  };

  LabelDecision DecideLabels(const ConditionEntry& c) const {
    LabelDecision d;
    d.severity = SeverityFromName(c.severity);
    if (c.label_rules.empty()) return d;
    nlohmann::json by_kind = nlohmann::json::object();
    const LabelRule* strictest = nullptr;
    std::vector<std::string> parts;
    for (const LabelRule& r : c.label_rules) {
      if (strictest == nullptr || SeverityRank(r.severity) > SeverityRank(strictest->severity)) strictest = &r;
      std::vector<std::string> names;
      for (const std::string& l : r.labels) {
        const Jurisdiction* j = kb.LabelJurisdiction(l);
        by_kind[r.kind].push_back(
            {{"label", l}, {"name", j->label_name}, {"text", r.text}, {"source", r.source}, {"verified", j->verified}});
        names.push_back(fmt::format("{} ({})", j->name, j->label_name));
      }
      parts.push_back(fmt::format("{} in {}: {}", r.kind, Join(names, "; "), r.text));
    }
    const LabelRule* applied = nullptr;
    std::string why;
    if (jurisdiction != nullptr) {
      const Jurisdiction* family = kb.LabelJurisdiction(jurisdiction->label);
      for (const LabelRule& r : c.label_rules) {
        if (std::find(r.labels.begin(), r.labels.end(), jurisdiction->label) != r.labels.end()) applied = &r;
      }
      if (applied != nullptr && family->verified) {
        why = fmt::format("Jurisdiction {} ({}): the {} applies: {}.", jurisdiction->name, jurisdiction->id,
                          family->label_name, applied->kind);
      } else {
        applied = nullptr;
        why = fmt::format(
            "Jurisdiction {} ({}): no verified rule of the {} for this condition, so the most "
            "restrictive label rule applies: {}.",
            jurisdiction->name, jurisdiction->id, family->label_name, strictest->kind);
      }
    } else {
      why = fmt::format("No jurisdiction given: the most restrictive label rule applies ({}).", strictest->kind);
    }
    const LabelRule& rule = applied != nullptr ? *applied : *strictest;
    d.severity = SeverityFromName(rule.severity);
    d.text = " Labels differ: " + Join(parts, "; ") + ". " + why;
    d.labels = {{"applied", jurisdiction != nullptr ? nlohmann::json(jurisdiction->id) : nlohmann::json()},
                {"applied_label", applied != nullptr ? nlohmann::json(jurisdiction->label) : nlohmann::json()},
                {"most_restrictive", applied == nullptr},
                {"by_kind", std::move(by_kind)}};
    return d;
  }

  void ScreenCondition(const std::string& text, size_t i) {
    const std::string subject = IndexPath("conditions", i);
    const ConditionAnalysis ca = kb.AnalyseCondition(text);
    if (ca.hits.empty() && ca.opioid_mentions.empty()) {
      Finding& f = Add("condition.unknown", Severity::kReview, subject,
                       fmt::format("Condition '{}' is not in the knowledge base (version {}) and was not matched "
                                   "automatically. Closest known conditions: {}. Review it clinically.",
                                   text, kb.conditions_version(), Join(kb.SuggestConditions(text, kSuggestions), ", ")),
                       kUnknownSource);
      f.details["unknown_remainder"] = ca.remainder;
      return;
    }
    const std::string negation =
        ca.negated
            ? fmt::format("'{}' reads as negated; if the patient does not have it, remove it from the record. ", text)
            : "";
    bool opioid_use_hit = false;
    for (const ConditionHit& h : ca.hits) {
      const ConditionEntry& c = *kb.Condition(h.condition);
      LabelDecision d = DecideLabels(c);
      std::string prefix = negation;
      if (NormalizeName(h.text) != NormalizeName(c.name)) {
        prefix += fmt::format("'{}' was read as {}{}. ", h.text, c.name,
                              h.via.starts_with("implied") ? " (" + h.via + ")" : "");
      }
      std::string tail;
      if (c.opioid_use) {
        opioid_use_hit = true;
        opioid_history = true;
        if ((ca.past || ca.negated) && d.severity == Severity::kNotEligible) {
          d.severity = Severity::kReview;
          tail = ca.past
                     ? " The entry says this is past ('history of', 'former', 'in remission'...): confirm that no "
                       "opioid is taken now and when the last dose was."
                     : " The entry reads as negated: confirm that no opioid is taken now and when the last dose was.";
        }
      }
      Finding& f = Add("condition." + c.id, d.severity, subject, prefix + c.finding + d.text + tail, c.source);
      f.details["matched"] = h.text;
      if (!d.labels.is_null()) f.details["labels"] = std::move(d.labels);
      if (!c.recommended_protocol.empty()) f.details["recommended_protocol"] = c.recommended_protocol;
      if (!ca.remainder.empty()) f.details["unknown_remainder"] = ca.remainder;
    }
    if (!ca.opioid_mentions.empty() && !opioid_use_hit) {
      opioid_history = true;
      std::vector<std::string> names;
      std::vector<std::string> sources;
      for (const SpanMatch& s : ca.opioid_mentions) {
        for (const EntryRef& r : s.entries) {
          names.push_back(fmt::format("'{}' ({})", s.text, kb.DescribeEntry(r)));
          sources.push_back(kb.EntrySource(r));
        }
      }
      std::sort(sources.begin(), sources.end());
      sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
      const Severity severity = ca.past || ca.negated ? Severity::kReview : Severity::kNotEligible;
      Finding& f = Add(
          "condition.opioid_mentioned", severity, subject,
          negation +
              fmt::format("The condition '{}' names an opioid: {}. {} List the opioid under medications with its "
                          "last dose so that its washout is computed.",
                          text, Join(names, ", "),
                          ca.past || ca.negated
                              ? "It reads as past or negated: confirm that no opioid is taken now and when the "
                                "last dose was."
                              : "Read as current opioid use or maintenance (e.g. 'on methadone'), which is "
                                "a contraindication to naltrexone (every label)."),
          Join(sources, "; ") + "; naltrexone labels: current opioid use and opioid maintenance are contraindications");
      f.details["matched"] = [&] {
        std::vector<std::string> t;
        for (const SpanMatch& s : ca.opioid_mentions) t.push_back(s.text);
        return t;
      }();
    }
    if (!ca.remainder.empty()) {
      Finding& f = Add("condition.unknown_remainder", Severity::kReview, subject,
                       fmt::format("'{}': part of the entry was not recognised: {}. Review it clinically.", text,
                                   Quoted(ca.remainder)),
                       kUnknownSource);
      f.details["unknown_remainder"] = ca.remainder;
    }
  }

  void ScreenSurgery(LocalDate date) {
    const int days = DaysBetween(input.today, date);
    if (days >= 0) {
      Add("surgery.planned", Severity::kReview, "planned_surgery",
          fmt::format("Surgery planned on {} ({} from today): naltrexone blocks opioid analgesia. Practice advice is "
                      "to stop LDN 2-3 days (about 72 hours) before surgery; consider starting LDN after recovery.",
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
  LDN_ASSIGN_OR_RETURN(in.jurisdiction, o.OptionalString("jurisdiction"));
  if (in.jurisdiction && NormalizeName(*in.jurisdiction).empty()) {
    return Status::InvalidArgument("jurisdiction", "must name a jurisdiction (us, ca, uk, eu, au, ...) or be null");
  }
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  return in;
}

Result<ScreeningReport> Screen(const ScreeningInput& input, const DrugKnowledgeBase& kb,
                               const std::optional<std::string>& jurisdiction) {
  const Jurisdiction* j = nullptr;
  if (jurisdiction) {
    j = kb.FindJurisdiction(*jurisdiction);
    if (j == nullptr) {
      std::vector<std::string> ids;
      for (const Jurisdiction& x : kb.jurisdictions()) ids.push_back(x.id);
      return Status::InvalidArgument(
          "jurisdiction", fmt::format("unknown jurisdiction '{}'; known: {}", *jurisdiction, Join(ids, ", ")));
    }
  }
  Screener s{input, kb, j, {}, std::nullopt, false};
  s.report.drugs_version = kb.drugs_version();
  s.report.conditions_version = kb.conditions_version();
  s.report.jurisdictions_version = kb.jurisdictions_version();
  s.report.product_versions = kb.product_versions();
  if (j != nullptr) {
    const Jurisdiction* family = kb.LabelJurisdiction(j->label);
    s.report.jurisdiction = j->id;
    s.report.jurisdiction_label = j->label;
    s.report.jurisdiction_rule =
        family->verified ? fmt::format("{} ({}): label rules of the {}.", j->name, j->id, family->label_name)
                         : fmt::format("{} ({}): the {} was not verified, so the most restrictive label rule applies.",
                                       j->name, j->id, family->label_name);
  } else {
    s.report.jurisdiction_rule =
        "No jurisdiction: where labels differ, the most restrictive rule applies and each finding says which label "
        "makes it a contraindication and which only a warning.";
  }
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
    nlohmann::json fj = f.details.is_object() ? f.details : nlohmann::json::object();
    fj["rule"] = f.rule;
    fj["severity"] = SeverityName(f.severity);
    fj["subject"] = f.subject;
    fj["message"] = f.message;
    fj["source"] = f.source;
    findings.push_back(std::move(fj));
  }
  return {
      {"verdict", VerdictName(report.verdict)},
      {"earliest_start", report.earliest_start ? nlohmann::json(FormatDate(*report.earliest_start)) : nlohmann::json()},
      {"findings", std::move(findings)},
      {"knowledge_base",
       {{"drugs", report.drugs_version},
        {"conditions", report.conditions_version},
        {"jurisdictions", report.jurisdictions_version},
        {"products", report.product_versions}}},
      {"jurisdiction",
       {{"code", report.jurisdiction ? nlohmann::json(*report.jurisdiction) : nlohmann::json()},
        {"label", report.jurisdiction_label.empty() ? nlohmann::json() : nlohmann::json(report.jurisdiction_label)},
        {"rule", report.jurisdiction_rule}}}};
}

std::string FormatScreeningText(const ScreeningReport& report) {
  std::string out;
  out += fmt::format("Verdict: {}\n", VerdictName(report.verdict));
  out += fmt::format("Earliest start: {}\n",
                     report.earliest_start ? FormatDate(*report.earliest_start) : "not determined");
  out += fmt::format("Jurisdiction: {}\n", report.jurisdiction_rule);
  std::string products;
  for (const auto& [file, version] : report.product_versions) {
    products += fmt::format("{}{} {}", products.empty() ? "" : ", ", file, version);
  }
  out += fmt::format("Knowledge base: drugs {}, conditions {}, jurisdictions {}; {}\n", report.drugs_version,
                     report.conditions_version, report.jurisdictions_version, products);
  out += fmt::format("\nFindings ({}):\n", report.findings.size());
  for (const Finding& f : report.findings) {
    out += fmt::format("- [{}] {}{}\n  {}\n", SeverityName(f.severity), f.rule,
                       f.subject.empty() ? "" : " (" + f.subject + ")", f.message);
    if (f.details.contains("readings") && f.details["readings"].size() > 1) {
      for (const auto& r : f.details["readings"]) {
        std::vector<std::string> inns;
        for (const auto& i : r["ingredients"]) inns.push_back(i["inn"].get<std::string>());
        out += fmt::format("  Reading{}: '{}' = {} ({}){}\n", r.value("alternative", false) ? " (alternative)" : "",
                           r["text"].get<std::string>(), r["name"].get<std::string>(), Join(inns, " + "),
                           r["opioid"].get<bool>() ? ", opioid" : "");
      }
    }
    out += fmt::format("  Source: {}\n", f.source);
  }
  out += "\nDecision support only: the prescriber decides.\n";
  return out;
}

}  // namespace ldn::clinical
