#include "pharmacy/dispensing_label.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/json_reader.h"
#include "core/knowledge_files.h"
#include "pharmacy/label.h"

namespace ldn::pharmacy {
namespace {

constexpr std::string_view kFile = "dispensing_labels.json";
const char* const kCounsellingIds[] = {"what_is_ldn",  "when_to_take", "missed_dose",
                                       "side_effects", "emergency",    "bud"};

Status Prefixed(const Status& s) {
  if (s.ok()) return s;
  return Status::InvalidArgument(s.field().empty() ? std::string(kFile) : fmt::format("{}: {}", kFile, s.field()),
                                 s.message());
}

Result<JurisdictionText> ParseLine(const nlohmann::json& j, const std::string& path) {
  LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of(j, path));
  JurisdictionText t;
  LDN_ASSIGN_OR_RETURN(t.id, o.String("id"));
  LDN_ASSIGN_OR_RETURN(t.text, o.String("text"));
  LDN_ASSIGN_OR_RETURN(t.verified, o.Bool("verified"));
  LDN_ASSIGN_OR_RETURN(t.source, o.String("source"));
  if (t.text.empty()) return Status::InvalidArgument(o.PathOf("text"), "empty text");
  if (t.source.empty()) return Status::InvalidArgument(o.PathOf("source"), "every text cites its source");
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  return t;
}

Status ParseDocument(const nlohmann::json& doc, DispensingKnowledge& k) {
  LDN_ASSIGN_OR_RETURN(JsonObject root, JsonObject::Of(doc, ""));
  LDN_ASSIGN_OR_RETURN(std::string version, root.String("version"));
  k.version = fmt::format("{} {}", kFile, version);
  LDN_ASSIGN_OR_RETURN(std::string description, root.String("description"));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* entries, root.Array("entries"));
  LDN_RETURN_IF_ERROR(root.RejectUnknownKeys());
  std::set<std::string> family_ids, counselling_ids;
  std::map<std::string, std::string> owner;  // jurisdiction -> family
  for (size_t i = 0; i < entries->size(); ++i) {
    const std::string path = IndexPath("entries", i);
    LDN_ASSIGN_OR_RETURN(JsonObject e, JsonObject::Of((*entries)[i], path));
    LDN_ASSIGN_OR_RETURN(std::string kind, e.String("kind"));
    LDN_ASSIGN_OR_RETURN(std::string id, e.String("id"));
    LDN_ASSIGN_OR_RETURN(std::string source, e.String("source"));
    LDN_ASSIGN_OR_RETURN(std::string trust, e.String("trust"));
    if (trust != "H" && trust != "M" && trust != "L") {
      return Status::InvalidArgument(e.PathOf("trust"), "trust must be H, M or L");
    }
    if (kind == "family") {
      if (!family_ids.insert(id).second) return Status::InvalidArgument(e.PathOf("id"), "duplicate family id");
      LabelFamily f;
      f.id = id;
      f.source = source;
      LDN_ASSIGN_OR_RETURN(f.name, e.String("name"));
      LDN_ASSIGN_OR_RETURN(const nlohmann::json* js, e.Array("jurisdictions"));
      if (js->empty()) return Status::InvalidArgument(e.PathOf("jurisdictions"), "a family lists its jurisdictions");
      for (size_t n = 0; n < js->size(); ++n) {
        const std::string jpath = IndexPath(e.PathOf("jurisdictions"), n);
        LDN_ASSIGN_OR_RETURN(std::string j, ReadString((*js)[n], jpath));
        auto [it, fresh] = owner.emplace(j, id);
        if (!fresh) {
          return Status::InvalidArgument(jpath,
                                         fmt::format("jurisdiction '{}' is already in family '{}'", j, it->second));
        }
        f.jurisdictions.push_back(j);
      }
      LDN_ASSIGN_OR_RETURN(const nlohmann::json* lines, e.Array("lines"));
      bool compounded = false;
      for (size_t n = 0; n < lines->size(); ++n) {
        LDN_ASSIGN_OR_RETURN(JurisdictionText t, ParseLine((*lines)[n], IndexPath(e.PathOf("lines"), n)));
        compounded = compounded || t.id == "compounded";
        f.lines.push_back(std::move(t));
      }
      LDN_ASSIGN_OR_RETURN(const nlohmann::json* notes, e.Array("notes"));
      for (size_t n = 0; n < notes->size(); ++n) {
        LDN_ASSIGN_OR_RETURN(JurisdictionText t, ParseLine((*notes)[n], IndexPath(e.PathOf("notes"), n)));
        f.notes.push_back(std::move(t));
      }
      if (!compounded) {
        return Status::InvalidArgument(e.PathOf("lines"), "a family needs a 'compounded' line (USP <795> section 12)");
      }
      k.families.push_back(std::move(f));
    } else if (kind == "counselling_text") {
      if (std::find(std::begin(kCounsellingIds), std::end(kCounsellingIds), id) == std::end(kCounsellingIds)) {
        return Status::InvalidArgument(e.PathOf("id"), fmt::format("unknown counselling text '{}'", id));
      }
      if (!counselling_ids.insert(id).second) return Status::InvalidArgument(e.PathOf("id"), "duplicate id");
      CounsellingText c;
      c.id = id;
      c.source = source;
      c.verified = trust != "L";
      LDN_ASSIGN_OR_RETURN(c.text, e.String("text"));
      k.counselling.push_back(std::move(c));
    } else {
      return Status::InvalidArgument(e.PathOf("kind"), fmt::format("unknown kind '{}'", kind));
    }
    LDN_RETURN_IF_ERROR(e.RejectUnknownKeys());
  }
  for (const char* id : kCounsellingIds) {
    if (!counselling_ids.contains(id)) {
      return Status::InvalidArgument("entries", fmt::format("the counselling text '{}' is missing", id));
    }
  }
  if (k.families.empty()) return Status::InvalidArgument("entries", "no label family");
  return Status::Ok();
}

const CounsellingText& Counselling(const DispensingKnowledge& k, std::string_view id) {
  for (const CounsellingText& c : k.counselling) {
    if (c.id == id) return c;
  }
  // ParseDispensingKnowledge guarantees every id of kCounsellingIds.
  std::abort();
}

// "1", "1.5", "0.25": millilitres to at most two decimals (a 0.1 mL oral syringe reads them).
std::string FormatMl(double ml) {
  std::string s = fmt::format("{:.2f}", ml);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

bool HasLineBreak(const std::string& s) {
  return s.find_first_of("\r\n") != std::string::npos;
}

Status CheckInput(const DispensingInput& in) {
  const std::pair<const char*, const std::string*> texts[] = {
      {"patient_name", &in.patient_name},     {"prescriber", &in.prescriber},
      {"pharmacy_name", &in.pharmacy_name},   {"pharmacy_address", &in.pharmacy_address},
      {"pharmacy_phone", &in.pharmacy_phone}, {"rx_number", &in.rx_number},
      {"batch_number", &in.batch_number},     {"when", &in.when}};
  const bool blinded = !in.pack_code.empty();
  for (const auto& [field, value] : texts) {
    if (blinded && value == &in.batch_number) continue;
    if (value->empty()) return Status::InvalidArgument(field, "required on a dispensing label");
    if (HasLineBreak(*value)) return Status::InvalidArgument(field, "must be one line");
  }
  if (blinded) {
    if (!in.batch_number.empty()) {
      return Status::InvalidArgument("batch_number",
                                     "a blinded pack's label carries its pack code, never a batch number (the two "
                                     "packs' batch numbers differ and would unblind)");
    }
    if (HasLineBreak(in.pack_code)) return Status::InvalidArgument("pack_code", "must be one line");
    if (in.pack_code == in.rx_number) return Status::InvalidArgument("pack_code", "must differ from the Rx number");
  } else if (in.batch_number == in.rx_number) {
    return Status::InvalidArgument("batch_number",
                                   "the batch number must differ from the Rx number: the batch is the compounding "
                                   "record, the Rx is the order");
  }
  if (in.strength.micrograms_hcl() <= 0) return Status::InvalidArgument("strength", "must be positive");
  if (in.quantity <= 0) return Status::InvalidArgument("quantity", "must be positive");
  if (in.patient_birth_date > in.dispensed) {
    return Status::InvalidArgument("patient_birth_date", "is after the dispensing date");
  }
  if (in.bud < in.dispensed) {
    return Status::InvalidArgument("bud", fmt::format("the beyond-use date {} is before the dispensing date {}",
                                                      FormatDate(in.bud), FormatDate(in.dispensed)));
  }
  if (in.steps.empty()) return Status::InvalidArgument("steps", "the directions need at least one titration step");
  for (size_t i = 0; i < in.steps.size(); ++i) {
    const DispensingStep& s = in.steps[i];
    const std::string path = IndexPath("steps", i);
    if (s.to && *s.to < s.from) return Status::InvalidArgument(path + ".to", "ends before the step starts");
    if (!s.to && i + 1 < in.steps.size()) {
      return Status::InvalidArgument(path + ".to", "only the last step may be open-ended");
    }
    if (i > 0 && in.steps[i - 1].to && s.from <= *in.steps[i - 1].to) {
      return Status::InvalidArgument(path + ".from", "overlaps the step before");
    }
    if (s.from > in.bud) {
      return Status::InvalidArgument(path + ".from",
                                     fmt::format("starts on {}, after the beyond-use date {}: this preparation may "
                                                 "not be used then",
                                                 FormatDate(s.from), FormatDate(in.bud)));
    }
    if (s.dose.micrograms_hcl() <= 0) return Status::InvalidArgument(path + ".dose", "must be positive");
    if (!(s.units_per_dose > 0) || !std::isfinite(s.units_per_dose)) {
      return Status::InvalidArgument(path + ".units_per_dose", "must be positive");
    }
    const double held = s.units_per_dose * static_cast<double>(in.strength.micrograms_hcl());
    if (in.form == DispensedForm::kCapsule) {
      if (s.units_per_dose != std::floor(s.units_per_dose)) {
        return Status::InvalidArgument(path + ".units_per_dose", "capsules are taken whole: a whole number");
      }
      if (static_cast<int64_t>(std::llround(held)) != s.dose.micrograms_hcl()) {
        return Status::InvalidArgument(
            path + ".units_per_dose",
            fmt::format("{} x {} mg capsules hold {} mg, not the step's {} mg", FormatMl(s.units_per_dose),
                        in.strength.FormatMg(), FormatMilligrams(held / 1000.0), s.dose.FormatMg()));
      }
    } else if (std::fabs(held - static_cast<double>(s.dose.micrograms_hcl())) > 1.0) {
      return Status::InvalidArgument(
          path + ".units_per_dose",
          fmt::format("{} mL at {} mg/mL holds {} mg, not the step's {} mg", FormatMl(s.units_per_dose),
                      in.strength.FormatMg(), FormatMilligrams(held / 1000.0), s.dose.FormatMg()));
    }
  }
  return Status::Ok();
}

std::string StepDates(const DispensingStep& s) {
  if (!s.to) return fmt::format("From {}", FormatDate(s.from));
  if (*s.to == s.from) return fmt::format("On {}", FormatDate(s.from));
  return fmt::format("{} to {}", FormatDate(s.from), FormatDate(*s.to));
}

// "1.5 mg = 1.5 mL" / "3 mg = 2 capsules".
std::string StepAmount(const DispensingInput& in, const DispensingStep& s) {
  if (in.form == DispensedForm::kOralLiquid)
    return fmt::format("{} mg = {} mL", s.dose.FormatMg(), FormatMl(s.units_per_dose));
  const auto n = static_cast<int64_t>(s.units_per_dose);
  return fmt::format("{} mg = {} capsule{}", s.dose.FormatMg(), n, n == 1 ? "" : "s");
}

// A blinded pack says "or placebo" (the pack may hold naltrexone: the opioid warning stays).
std::string Product(const DispensingInput& in) {
  const char* blind = in.pack_code.empty() ? "" : " or placebo";
  return in.form == DispensedForm::kCapsule
             ? fmt::format("Naltrexone hydrochloride {} mg{} capsules", in.strength.FormatMg(), blind)
             : fmt::format("Naltrexone hydrochloride {} mg/mL{} oral liquid", in.strength.FormatMg(), blind);
}

std::string Strength(const DispensingInput& in) {
  return fmt::format("{}: naltrexone hydrochloride {} mg (= {} mg naltrexone base){}",
                     in.form == DispensedForm::kCapsule ? "Each capsule" : "Each mL", in.strength.FormatMg(),
                     FormatBaseMg(in.strength.milligrams_base()), in.pack_code.empty() ? "" : ", or no naltrexone");
}

// "Batch B-2026-0007" or, for a blinded pack, "Pack K0007-A".
std::string Internal(const DispensingInput& in) {
  return in.pack_code.empty() ? fmt::format("Batch {}", in.batch_number) : fmt::format("Pack {}", in.pack_code);
}

// On a blinded pack the warning may not state that the pack holds naltrexone: it may.
std::string BlindedWarning(const DispensingInput& in, const std::string& warning) {
  constexpr std::string_view kFact = "Contains naltrexone";
  if (in.pack_code.empty() || warning.rfind(kFact, 0) != 0) return warning;
  return "May contain naltrexone" + warning.substr(kFact.size());
}

// The blinded pack's own lines: the same for both packs of a kit (twin.h, label.h).
constexpr char kBlindedUse[] =
    "Blinded trial pack: use it only in the periods your trial schedule gives for this pack code.";
constexpr char kBlindedKey[] =
    "Neither you nor your doctor knows whether this pack holds naltrexone. The pharmacy holds the key and can "
    "tell your doctor at once in an emergency: treat it as if it holds naltrexone (opioid warning below).";

std::string Quantity(const DispensingInput& in) {
  if (in.form == DispensedForm::kOralLiquid) return fmt::format("{} mL", in.quantity);
  return fmt::format("{} capsule{}", in.quantity, in.quantity == 1 ? "" : "s");
}

std::vector<std::string> Auxiliaries(const DispensingInput& in, const CompoundingKnowledge& k) {
  if (in.form == DispensedForm::kCapsule) return {};
  return {k.labels.shake_well, k.labels.protect_from_light, k.labels.oral_syringe};
}

}  // namespace

Result<DispensingKnowledge> ParseDispensingKnowledge(std::string_view json) {
  auto doc = ParseJson(json);
  if (!doc.ok()) return Prefixed(doc.status());
  DispensingKnowledge k;
  Status s = ParseDocument(*doc, k);
  if (!s.ok()) return Prefixed(s);
  return k;
}

const Result<DispensingKnowledge>& LoadDispensingKnowledge() {
  static const Result<DispensingKnowledge> kKnowledge = []() -> Result<DispensingKnowledge> {
    auto text = KnowledgeFileText(kFile);
    if (!text.ok()) return Status::Internal(fmt::format("data/{} is not embedded", kFile));
    auto k = ParseDispensingKnowledge(*text);
    if (!k.ok()) return Status::Internal("dispensing labels: " + k.status().ToString());
    return k;
  }();
  return kKnowledge;
}

Result<LabelFamily> FindLabelFamily(const DispensingKnowledge& k, std::string_view jurisdiction,
                                    std::string_view field) {
  std::set<std::string> known;
  for (const LabelFamily& f : k.families) {
    for (const std::string& j : f.jurisdictions) {
      if (j == jurisdiction) return f;
      known.insert(j);
    }
  }
  return Status::InvalidArgument(
      std::string(field),
      fmt::format("no dispensing-label text for jurisdiction '{}'; known: {}", jurisdiction, fmt::join(known, ", ")));
}

Result<DispensingDocument> DispensingLabel(const DispensingInput& in, const CompoundingKnowledge& compounding,
                                           const DispensingKnowledge& dispensing) {
  LDN_ASSIGN_OR_RETURN(LabelFamily family, FindLabelFamily(dispensing, in.jurisdiction, "jurisdiction"));
  LDN_RETURN_IF_ERROR(CheckInput(in));
  DispensingDocument d;
  d.jurisdiction = in.jurisdiction;
  d.family = family.id;
  auto& l = d.lines;
  // Who supplied it, and which order and batch: the particulars every family requires
  // (HMR 2012 Sch 26 Pt 2 paras 5-7; FOR-2022-06-02-977 § 15-2; USP <795> section 12 internal id).
  l.push_back(fmt::format("{}, {}, tel. {}", in.pharmacy_name, in.pharmacy_address, in.pharmacy_phone));
  l.push_back(fmt::format("Rx {}    {}    Dispensed {}", in.rx_number, Internal(in), FormatDate(in.dispensed)));
  l.push_back(fmt::format("Patient: {}    Born {}", in.patient_name, FormatDate(in.patient_birth_date)));
  // What it is: the salt is explicit with its base equivalent (pharmacology-facts.md B5).
  l.push_back(Product(in));
  l.push_back(Strength(in));
  l.push_back(fmt::format("Quantity: {}", Quantity(in)));
  l.push_back(fmt::format("Take by mouth once a day {}:", in.when));
  for (const DispensingStep& s : in.steps) l.push_back(fmt::format("  {}: {}", StepDates(s), StepAmount(in, s)));
  l.push_back(fmt::format("Prescriber: {}", in.prescriber));
  l.push_back(fmt::format("Use by {} (beyond-use date)    {}", FormatDate(in.bud), StorageInstruction(in.storage)));
  for (const std::string& a : Auxiliaries(in, compounding)) l.push_back(fmt::format("[{}]", a));
  if (!in.pack_code.empty()) {
    l.push_back(kBlindedUse);
    l.push_back(kBlindedKey);
  }
  l.push_back(BlindedWarning(in, compounding.labels.opioid_warning));
  d.texts.push_back({"opioid_warning", true, compounding.labels.opioid_source});
  for (const JurisdictionText& t : family.lines) {
    l.push_back(t.text);
    d.texts.push_back({"jurisdiction." + t.id, t.verified, t.source});
  }
  for (const JurisdictionText& t : family.notes) d.pharmacist_notes.push_back(t.text);
  return d;
}

Result<DispensingDocument> CounsellingSheet(const DispensingInput& in, const CompoundingKnowledge& compounding,
                                            const DispensingKnowledge& dispensing) {
  LDN_ASSIGN_OR_RETURN(LabelFamily family, FindLabelFamily(dispensing, in.jurisdiction, "jurisdiction"));
  LDN_RETURN_IF_ERROR(CheckInput(in));
  DispensingDocument d;
  d.jurisdiction = in.jurisdiction;
  d.family = family.id;
  auto& l = d.lines;
  auto text = [&](std::string_view id) {
    const CounsellingText& c = Counselling(dispensing, id);
    d.texts.push_back({"counselling." + c.id, c.verified, c.source});
    return c.text;
  };
  l.push_back(fmt::format("Your medicine: {}", Product(in)));
  l.push_back(fmt::format("For {} (born {}), prescribed by {}. Rx {}, {}, dispensed {}.", in.patient_name,
                          FormatDate(in.patient_birth_date), in.prescriber, in.rx_number,
                          in.pack_code.empty() ? "batch " + in.batch_number : "pack " + in.pack_code,
                          FormatDate(in.dispensed)));
  if (!in.pack_code.empty()) {
    l.push_back(kBlindedUse);
    l.push_back(kBlindedKey);
  }
  l.push_back("What it is");
  l.push_back(text("what_is_ldn"));
  l.push_back("Your doses");
  const bool liquid = in.form == DispensedForm::kOralLiquid;
  for (const DispensingStep& s : in.steps) {
    const std::string amount = liquid
                                   ? fmt::format("{} mL (that is {} mg)", FormatMl(s.units_per_dose), s.dose.FormatMg())
                                   : fmt::format("{} capsule{} (that is {} mg)", static_cast<int64_t>(s.units_per_dose),
                                                 s.units_per_dose == 1 ? "" : "s", s.dose.FormatMg());
    l.push_back(fmt::format("  {}: take {} once a day {}.", StepDates(s), amount, in.when));
  }
  if (liquid) l.push_back(fmt::format("  {}. {}.", compounding.labels.oral_syringe, compounding.labels.shake_well));
  l.push_back("When to take it");
  l.push_back(text("when_to_take"));
  l.push_back("Important: opioid medicines");
  l.push_back(BlindedWarning(in, compounding.labels.opioid_warning));
  d.texts.push_back({"opioid_warning", true, compounding.labels.opioid_source});
  l.push_back(text("emergency"));
  l.push_back("Keeping it");
  l.push_back(fmt::format("{}.{} Use by {}.", StorageInstruction(in.storage),
                          liquid ? fmt::format(" {}.", compounding.labels.protect_from_light) : std::string(),
                          FormatDate(in.bud)));
  l.push_back(text("bud"));
  l.push_back("If you miss a dose");
  l.push_back(text("missed_dose"));
  l.push_back("Side effects");
  l.push_back(text("side_effects"));
  l.push_back("Questions");
  l.push_back(
      fmt::format("Call {} on {}, or your prescriber, {}.", in.pharmacy_name, in.pharmacy_phone, in.prescriber));
  return d;
}

Result<DispensingDocument> DispensingLabel(const DispensingInput& in) {
  const auto& c = LoadCompoundingKnowledge();
  if (!c.ok()) return c.status();
  const auto& d = LoadDispensingKnowledge();
  if (!d.ok()) return d.status();
  return DispensingLabel(in, *c, *d);
}

Result<DispensingDocument> CounsellingSheet(const DispensingInput& in) {
  const auto& c = LoadCompoundingKnowledge();
  if (!c.ok()) return c.status();
  const auto& d = LoadDispensingKnowledge();
  if (!d.ok()) return d.status();
  return CounsellingSheet(in, *c, *d);
}

nlohmann::json DispensingDocumentToJson(const DispensingDocument& d) {
  nlohmann::json j;
  j["jurisdiction"] = d.jurisdiction;
  j["family"] = d.family;
  j["lines"] = d.lines;
  j["pharmacist_notes"] = d.pharmacist_notes;
  j["texts"] = nlohmann::json::array();
  for (const TextSource& t : d.texts) {
    j["texts"].push_back({{"id", t.id}, {"verified", t.verified}, {"source", t.source}});
  }
  return j;
}

}  // namespace ldn::pharmacy
