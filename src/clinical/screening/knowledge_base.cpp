#include "clinical/screening/knowledge_base.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "core/json_reader.h"
#include "core/knowledge_files.h"

namespace ldn::clinical {
namespace {

// Words dropped by StripStrengthAndForm: units, salts and dosage forms. They never distinguish
// one active ingredient from another, so dropping them cannot turn one opioid into another.
const std::set<std::string, std::less<>>& StripWords() {
  static const std::set<std::string, std::less<>> kWords = {
      // units
      "mg", "mcg", "ug", "g", "ml", "microgram", "micrograms", "milligram", "milligrams", "unit", "units", "h", "hr",
      "hour", "hours", "per", "dose", "doses",
      // salts
      "hcl", "hydrochloride", "sulfate", "sulphate", "tartrate", "bitartrate", "phosphate", "citrate", "acetate",
      "bromide", "hydrobromide", "sodium", "potassium", "maleate", "mesylate", "besylate", "succinate", "fumarate",
      "tosylate", "napsylate", "polistirex", "pamoate", "base", "salt",
      // forms and routes
      "tablet", "tablets", "tab", "tabs", "capsule", "capsules", "cap", "caps", "oral", "solution", "liquid",
      "injection", "inj", "patch", "patches", "film", "films", "spray", "nasal", "sublingual", "buccal", "er", "ir",
      "sr", "xr", "cr", "la", "mr", "xl", "pr", "extended", "immediate", "modified", "sustained", "controlled",
      "prolonged", "release", "transdermal", "drops", "elixir", "suspension", "lozenge", "lozenges", "daily", "po",
      "prn", "generic", "brand", "strength", "suppository", "suppositories", "granules", "sachet", "sachets",
      "dispersible", "effervescent", "chewable", "orodispersible", "soluble", "depot"};
  return kWords;
}

// Unit words: a number followed by one is a strength ("5 mg"), not part of a product name.
const std::set<std::string, std::less<>>& UnitWords() {
  static const std::set<std::string, std::less<>> kWords = {
      "mg",         "mcg",  "ug",    "g", "ml", "microgram", "micrograms", "milligram",
      "milligrams", "unit", "units", "h", "hr", "hour",      "hours"};
  return kWords;
}

// Marker words of modified-release or transdermal forms: a long-acting washout applies.
const std::set<std::string, std::less<>>& ExtendedReleaseWords() {
  static const std::set<std::string, std::less<>> kWords = {
      "er",      "sr",          "xr",       "cr",        "la",         "mr",        "xl",
      "pr",      "extended",    "modified", "sustained", "controlled", "prolonged", "patch",
      "patches", "transdermal", "depot",    "contin",    "continus"};
  return kWords;
}

// Lower-case ASCII words of `name` (split at anything not a letter or digit; "5mg" -> "5mg").
std::vector<std::string> Words(std::string_view name) {
  std::vector<std::string> words;
  std::string current;
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 && c < 128) {
      current += static_cast<char>(std::tolower(c));
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

bool IsNumber(std::string_view w) {
  return !w.empty() &&
         std::all_of(w.begin(), w.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// "5mg", "12mcg", "100ml": a number glued to a unit.
bool IsNumberWithUnit(std::string_view w) {
  size_t i = 0;
  while (i < w.size() && std::isdigit(static_cast<unsigned char>(w[i]))) ++i;
  return i > 0 && i < w.size() && UnitWords().count(w.substr(i)) > 0;
}

// `name` without its strength ("Palexia SR 50 mg" -> "palexiasr"): numbers with units and unit
// words go, form words stay so that brand names containing them ("Palexia SR") still match.
std::string StripStrengthOnly(std::string_view name) {
  const std::vector<std::string> words = Words(name);
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (UnitWords().count(w) > 0 || IsNumberWithUnit(w)) continue;
    if (IsNumber(w) && i + 1 < words.size() && UnitWords().count(words[i + 1]) > 0) continue;
    out += w;
  }
  return out;
}

Result<OpioidClass> ParseOpioidClass(std::string_view id, std::string_view field) {
  for (OpioidClass c :
       {OpioidClass::kShortActing, OpioidClass::kLongActing, OpioidClass::kMethadone, OpioidClass::kBuprenorphine}) {
    if (OpioidClassId(c) == id) return c;
  }
  return Status::InvalidArgument(std::string(field), fmt::format("unknown opioid class '{}'", id));
}

Result<DrugCategory> ParseCategory(std::string_view id, std::string_view field) {
  static const std::pair<std::string_view, DrugCategory> kCategories[] = {
      {"opioid", DrugCategory::kOpioid},
      {"opioid_product", DrugCategory::kOpioidProduct},
      {"opioid_theoretical", DrugCategory::kOpioidTheoretical},
      {"opioid_antagonist", DrugCategory::kOpioidAntagonist},
      {"thyroid", DrugCategory::kThyroid},
      {"immunosuppressant", DrugCategory::kImmunosuppressant},
      {"anticoagulant", DrugCategory::kAnticoagulant},
      {"interacting", DrugCategory::kInteracting},
      {"no_interaction", DrugCategory::kNoInteraction}};
  for (const auto& [name, category] : kCategories) {
    if (name == id) return category;
  }
  return Status::InvalidArgument(std::string(field), fmt::format("unknown category '{}'", id));
}

Result<std::vector<std::string>> ReadStrings(JsonObject& o, std::string_view key) {
  std::vector<std::string> out;
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* arr, o.OptionalArray(key));
  if (arr == nullptr) return out;
  for (size_t i = 0; i < arr->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(std::string s, ReadString((*arr)[i], IndexPath(o.PathOf(key), i)));
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::string> NonEmptyString(JsonObject& o, std::string_view key) {
  LDN_ASSIGN_OR_RETURN(std::string s, o.String(key));
  if (s.empty()) return Status::InvalidArgument(o.PathOf(key), "must not be empty");
  return s;
}

}  // namespace

std::string_view OpioidClassId(OpioidClass c) {
  switch (c) {
    case OpioidClass::kShortActing: return "short_acting";
    case OpioidClass::kLongActing: return "long_acting";
    case OpioidClass::kMethadone: return "methadone";
    case OpioidClass::kBuprenorphine: return "buprenorphine";
  }
  return "unknown";
}

std::string NormalizeName(std::string_view name) {
  std::string out;
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 128 && std::isalnum(c) != 0) out += static_cast<char>(std::tolower(c));
  }
  return out;
}

std::string StripStrengthAndForm(std::string_view name, bool keep_bare_numbers) {
  const std::vector<std::string> words = Words(name);
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (StripWords().count(w) > 0 || IsNumberWithUnit(w)) continue;
    if (IsNumber(w)) {
      // A number followed by a unit word is a strength ("5 mg"); a bare number may be part of
      // the name ("Tylenol #4") and is dropped only in the second pass.
      const bool unit_follows = i + 1 < words.size() && UnitWords().count(words[i + 1]) > 0;
      if (!keep_bare_numbers || unit_follows) continue;
    }
    out += w;
  }
  return out;
}

bool HasExtendedReleaseMarker(std::string_view name) {
  for (const std::string& w : Words(name)) {
    if (ExtendedReleaseWords().count(w) > 0) return true;
  }
  return false;
}

int EditDistance(std::string_view a, std::string_view b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      const int substitution = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitution});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

Result<DrugKnowledgeBase> DrugKnowledgeBase::FromJsonText(std::string_view drugs_json,
                                                          std::string_view conditions_json) {
  DrugKnowledgeBase kb;
  // Indexes `key` for entry `id`; suggestions show `display` (the entry's name for its id key).
  auto add_key = [](Index& index, const std::string& key, const std::string& id, const std::string& field,
                    const std::string& display) -> Status {
    const std::string n = NormalizeName(key);
    if (n.empty()) return Status::InvalidArgument(field, fmt::format("name '{}' has no letters or digits", key));
    auto [it, inserted] = index.emplace(n, Key{id, display});
    if (!inserted && it->second.entry_id != id) {
      return Status::InvalidArgument(field, fmt::format("'{}' is also a name of entry '{}'", key, it->second.entry_id));
    }
    return Status::Ok();
  };

  // --- drugs ---
  LDN_ASSIGN_OR_RETURN(nlohmann::json drugs_doc, ParseJson(drugs_json));
  LDN_ASSIGN_OR_RETURN(JsonObject drugs, JsonObject::Of(drugs_doc, "drugs.json"));
  LDN_ASSIGN_OR_RETURN(kb.drugs_version_, NonEmptyString(drugs, "version"));
  LDN_RETURN_IF_ERROR(NonEmptyString(drugs, "description").status());
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* classes, drugs.Array("washout_classes"));
  for (size_t i = 0; i < classes->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of((*classes)[i], IndexPath(drugs.PathOf("washout_classes"), i)));
    WashoutClass w;
    LDN_ASSIGN_OR_RETURN(std::string id, o.String("id"));
    LDN_ASSIGN_OR_RETURN(w.opioid_class, ParseOpioidClass(id, o.PathOf("id")));
    LDN_ASSIGN_OR_RETURN(w.label, NonEmptyString(o, "label"));
    LDN_ASSIGN_OR_RETURN(int64_t days, o.Integer("days", 1, 365));
    w.days = static_cast<int>(days);
    LDN_ASSIGN_OR_RETURN(w.source, NonEmptyString(o, "source"));
    LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
    kb.washouts_.push_back(std::move(w));
  }
  for (OpioidClass c :
       {OpioidClass::kShortActing, OpioidClass::kLongActing, OpioidClass::kMethadone, OpioidClass::kBuprenorphine}) {
    if (std::none_of(kb.washouts_.begin(), kb.washouts_.end(),
                     [c](const WashoutClass& w) { return w.opioid_class == c; })) {
      return Status::InvalidArgument(drugs.PathOf("washout_classes"),
                                     fmt::format("class '{}' is missing", OpioidClassId(c)));
    }
  }
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* entries, drugs.Array("entries"));
  LDN_RETURN_IF_ERROR(drugs.RejectUnknownKeys());
  for (size_t i = 0; i < entries->size(); ++i) {
    const std::string path = IndexPath(drugs.PathOf("entries"), i);
    LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of((*entries)[i], path));
    DrugEntry e;
    LDN_ASSIGN_OR_RETURN(e.id, NonEmptyString(o, "id"));
    LDN_ASSIGN_OR_RETURN(e.name, NonEmptyString(o, "name"));
    LDN_ASSIGN_OR_RETURN(e.aliases, ReadStrings(o, "aliases"));
    LDN_ASSIGN_OR_RETURN(std::string category, o.String("category"));
    LDN_ASSIGN_OR_RETURN(e.category, ParseCategory(category, o.PathOf("category")));
    LDN_ASSIGN_OR_RETURN(std::optional<std::string> cls, o.OptionalString("opioid_class"));
    if (cls) {
      LDN_ASSIGN_OR_RETURN(e.opioid_class, ParseOpioidClass(*cls, o.PathOf("opioid_class")));
    }
    LDN_ASSIGN_OR_RETURN(e.components, ReadStrings(o, "components"));
    LDN_ASSIGN_OR_RETURN(std::optional<std::string> severity, o.OptionalString("severity"));
    e.severity = severity.value_or("");
    LDN_ASSIGN_OR_RETURN(e.finding, NonEmptyString(o, "finding"));
    LDN_ASSIGN_OR_RETURN(e.source, NonEmptyString(o, "source"));
    LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
    if (e.category == DrugCategory::kOpioid && !e.opioid_class) {
      return Status::InvalidArgument(o.PathOf("opioid_class"), "an opioid needs its washout class");
    }
    if (e.category == DrugCategory::kOpioidProduct && e.components.empty()) {
      return Status::InvalidArgument(o.PathOf("components"), "an opioid product needs its opioid components");
    }
    LDN_RETURN_IF_ERROR(add_key(kb.drug_index_, e.id, e.id, o.PathOf("id"), e.name));
    LDN_RETURN_IF_ERROR(add_key(kb.drug_index_, e.name, e.id, o.PathOf("name"), e.name));
    for (size_t a = 0; a < e.aliases.size(); ++a) {
      LDN_RETURN_IF_ERROR(add_key(kb.drug_index_, e.aliases[a], e.id, IndexPath(o.PathOf("aliases"), a), e.aliases[a]));
    }
    kb.drugs_.push_back(std::move(e));
  }
  for (const DrugEntry& e : kb.drugs_) {
    for (const std::string& c : e.components) {
      const DrugEntry* component = kb.Drug(c);
      if (component == nullptr || component->category != DrugCategory::kOpioid) {
        return Status::InvalidArgument("drugs.json " + e.id, fmt::format("component '{}' is not an opioid entry", c));
      }
    }
  }

  // --- conditions ---
  LDN_ASSIGN_OR_RETURN(nlohmann::json cond_doc, ParseJson(conditions_json));
  LDN_ASSIGN_OR_RETURN(JsonObject conds, JsonObject::Of(cond_doc, "conditions.json"));
  LDN_ASSIGN_OR_RETURN(kb.conditions_version_, NonEmptyString(conds, "version"));
  LDN_RETURN_IF_ERROR(NonEmptyString(conds, "description").status());
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* centries, conds.Array("entries"));
  LDN_RETURN_IF_ERROR(conds.RejectUnknownKeys());
  for (size_t i = 0; i < centries->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of((*centries)[i], IndexPath(conds.PathOf("entries"), i)));
    ConditionEntry e;
    LDN_ASSIGN_OR_RETURN(e.id, NonEmptyString(o, "id"));
    LDN_ASSIGN_OR_RETURN(e.name, NonEmptyString(o, "name"));
    LDN_ASSIGN_OR_RETURN(e.aliases, ReadStrings(o, "aliases"));
    LDN_ASSIGN_OR_RETURN(e.severity, o.String("severity"));
    if (e.severity != "info" && e.severity != "review" && e.severity != "not_eligible") {
      return Status::InvalidArgument(o.PathOf("severity"), "must be info, review or not_eligible");
    }
    LDN_ASSIGN_OR_RETURN(e.finding, NonEmptyString(o, "finding"));
    LDN_ASSIGN_OR_RETURN(e.source, NonEmptyString(o, "source"));
    LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
    LDN_RETURN_IF_ERROR(add_key(kb.condition_index_, e.id, e.id, o.PathOf("id"), e.id));
    LDN_RETURN_IF_ERROR(add_key(kb.condition_index_, e.name, e.id, o.PathOf("name"), e.name));
    for (size_t a = 0; a < e.aliases.size(); ++a) {
      LDN_RETURN_IF_ERROR(
          add_key(kb.condition_index_, e.aliases[a], e.id, IndexPath(o.PathOf("aliases"), a), e.aliases[a]));
    }
    kb.conditions_.push_back(std::move(e));
  }
  return kb;
}

Result<const DrugKnowledgeBase*> DrugKnowledgeBase::Embedded() {
  // Loaded once; a function-local static is initialised thread-safely.
  static const Result<DrugKnowledgeBase> kLoaded = []() -> Result<DrugKnowledgeBase> {
    auto drugs = KnowledgeFileText("drugs.json");
    if (!drugs.ok()) return drugs.status();
    auto conditions = KnowledgeFileText("conditions.json");
    if (!conditions.ok()) return conditions.status();
    return FromJsonText(*drugs, *conditions);
  }();
  if (!kLoaded.ok()) {
    return Status::Internal("the embedded screening knowledge base is invalid: " + kLoaded.status().ToString());
  }
  return &kLoaded.value();
}

const DrugEntry* DrugKnowledgeBase::Drug(std::string_view id) const {
  for (const DrugEntry& e : drugs_) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

const ConditionEntry* DrugKnowledgeBase::Condition(std::string_view id) const {
  for (const ConditionEntry& e : conditions_) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

const WashoutClass& DrugKnowledgeBase::Washout(OpioidClass c) const {
  for (const WashoutClass& w : washouts_) {
    if (w.opioid_class == c) return w;
  }
  assert(false && "FromJsonText guarantees every class");
  return washouts_.front();
}

std::optional<NameMatch> DrugKnowledgeBase::Lookup(const Index& index, std::string_view name) {
  auto found = [&](const std::string& key, bool stripped) -> std::optional<NameMatch> {
    if (key.empty()) return std::nullopt;
    auto it = index.find(key);
    if (it == index.end()) return std::nullopt;
    return NameMatch{it->second.entry_id, it->second.display, stripped, HasExtendedReleaseMarker(name)};
  };
  if (auto m = found(NormalizeName(name), false)) return m;
  if (auto m = found(StripStrengthOnly(name), true)) return m;
  if (auto m = found(StripStrengthAndForm(name, /*keep_bare_numbers=*/true), true)) return m;
  return found(StripStrengthAndForm(name, /*keep_bare_numbers=*/false), true);
}

std::vector<std::string> DrugKnowledgeBase::Suggest(const Index& index, std::string_view name, size_t n) {
  std::string query = StripStrengthAndForm(name, false);
  if (query.empty()) query = NormalizeName(name);
  // Best distance per entry, then the n best entries.
  std::map<std::string, std::pair<int, std::string>> best;  // entry id -> (distance, display)
  for (const auto& [key, value] : index) {
    const int d = EditDistance(query, key);
    auto it = best.find(value.entry_id);
    if (it == best.end() || d < it->second.first || (d == it->second.first && value.display < it->second.second)) {
      best[value.entry_id] = {d, value.display};
    }
  }
  std::vector<std::pair<int, std::string>> ranked;
  for (const auto& [id, v] : best) ranked.push_back(v);
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < ranked.size() && i < n; ++i) out.push_back(ranked[i].second);
  return out;
}

std::optional<NameMatch> DrugKnowledgeBase::LookupDrug(std::string_view name) const {
  return Lookup(drug_index_, name);
}
std::optional<NameMatch> DrugKnowledgeBase::LookupCondition(std::string_view name) const {
  return Lookup(condition_index_, name);
}
std::vector<std::string> DrugKnowledgeBase::SuggestDrugs(std::string_view name, size_t n) const {
  return Suggest(drug_index_, name, n);
}
std::vector<std::string> DrugKnowledgeBase::SuggestConditions(std::string_view name, size_t n) const {
  return Suggest(condition_index_, name, n);
}

std::vector<std::string> DrugKnowledgeBase::OpioidWordsIn(std::string_view name) const {
  std::vector<std::string> out;
  for (const std::string& w : Words(name)) {
    auto it = drug_index_.find(w);
    if (it == drug_index_.end()) continue;
    const DrugEntry* e = Drug(it->second.entry_id);
    if (e == nullptr || !e->IsOpioid()) continue;
    if (std::find(out.begin(), out.end(), e->name) == out.end()) out.push_back(e->name);
  }
  return out;
}

std::optional<WashoutClass> DrugKnowledgeBase::WashoutFor(const NameMatch& match) const {
  const DrugEntry* e = Drug(match.entry_id);
  if (e == nullptr || !e->IsOpioid()) return std::nullopt;
  std::vector<OpioidClass> classes;
  if (e->opioid_class) classes.push_back(*e->opioid_class);
  for (const std::string& c : e->components) classes.push_back(*Drug(c)->opioid_class);
  std::optional<WashoutClass> longest;
  for (OpioidClass c : classes) {
    // A short-acting opioid named as a modified-release or transdermal form gets the long-acting
    // washout (conservative: the data's generic entries are the immediate-release forms).
    if (c == OpioidClass::kShortActing && match.extended_release) c = OpioidClass::kLongActing;
    const WashoutClass& w = Washout(c);
    if (!longest || w.days > longest->days) longest = w;
  }
  return longest;
}

std::optional<std::pair<const DrugEntry*, NameMatch>> LookupDrug(std::string_view name) {
  auto kb = DrugKnowledgeBase::Embedded();
  if (!kb.ok()) return std::nullopt;
  auto match = (*kb)->LookupDrug(name);
  if (!match) return std::nullopt;
  return std::make_pair((*kb)->Drug(match->entry_id), *match);
}

}  // namespace ldn::clinical
