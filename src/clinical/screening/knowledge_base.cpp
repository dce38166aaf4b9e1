#include "clinical/screening/knowledge_base.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cstdlib>
#include <utility>

#include <fmt/format.h>

#include "core/json_reader.h"
#include "core/knowledge_files.h"
#include "core/text.h"

namespace ldn::clinical {
namespace {

using WordSet = std::set<std::string, std::less<>>;

constexpr size_t kMaxWindow = 8;  // tokens in the longest name looked up

constexpr OpioidClass kAllClasses[] = {OpioidClass::kShortActing, OpioidClass::kLongActing, OpioidClass::kMethadone,
                                       OpioidClass::kBuprenorphine};

Result<OpioidClass> ParseOpioidClass(std::string_view id, std::string_view field) {
  for (OpioidClass c : kAllClasses) {
    if (OpioidClassId(c) == id) return c;
  }
  return Status::InvalidArgument(std::string(field), fmt::format("unknown opioid class '{}'", id));
}

constexpr std::pair<std::string_view, DrugCategory> kCategories[] = {
    {"opioid", DrugCategory::kOpioid},
    {"opioid_theoretical", DrugCategory::kOpioidTheoretical},
    {"opioid_antagonist", DrugCategory::kOpioidAntagonist},
    {"pamora", DrugCategory::kPamora},
    {"thyroid", DrugCategory::kThyroid},
    {"immunosuppressant", DrugCategory::kImmunosuppressant},
    {"anticoagulant", DrugCategory::kAnticoagulant},
    {"interacting", DrugCategory::kInteracting},
    {"no_interaction", DrugCategory::kNoInteraction}};

Result<DrugCategory> ParseCategory(std::string_view id, std::string_view field) {
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
    if (s.empty()) return Status::InvalidArgument(IndexPath(o.PathOf(key), i), "must not be empty");
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::string> NonEmptyString(JsonObject& o, std::string_view key) {
  LDN_ASSIGN_OR_RETURN(std::string s, o.String(key));
  if (s.empty()) return Status::InvalidArgument(o.PathOf(key), "must not be empty");
  return s;
}

Result<std::string> OptionalText(JsonObject& o, std::string_view key) {
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> s, o.OptionalString(key));
  return s.value_or("");
}

Status CheckSeverity(const std::string& s, const std::string& field) {
  if (s != "info" && s != "review" && s != "not_eligible") {
    return Status::InvalidArgument(field, "must be info, review or not_eligible");
  }
  return Status::Ok();
}

bool AllNumbers(const std::vector<Token>& t, size_t b, size_t e) {
  for (size_t k = b; k < e; ++k) {
    if (!t[k].number) return false;
  }
  return true;
}

// Words of condition texts that carry no condition: severity and time words that are not part of
// a known phrase, and filler.
const WordSet& ConditionFillers() {
  static const WordSet k = {
      "well",      "controlled", "stable",    "managed",  "treated", "untreated", "diagnosed", "dx",      "confirmed",
      "suspected", "possible",   "probable",  "likely",   "known",   "type",      "grade",     "class",   "score",
      "left",      "right",      "bilateral", "since",    "year",    "years",     "yr",        "yrs",     "month",
      "months",    "ago",        "recent",    "recently", "current", "currently", "ongoing",   "active",  "mild",
      "moderate",  "secondary",  "primary",   "chronic",  "due",     "related",   "induced",   "with",    "and",
      "of",        "the",        "a",         "an",       "in",      "on",        "for",       "to",      "at",
      "by",        "is",         "was",       "has",      "had",     "have",      "patient",   "pt",      "reports",
      "reported",  "since",      "from",      "x",        "ml",      "min",       "mlmin",     "umol",    "l",
      "iu",        "u",          "value",     "level",    "levels",  "result",    "results",   "test",    "tests",
      "mg",        "dl",         "per",       "m2",       "m",       "approx",    "about",     "around",  "than",
      "less",      "more",       "greater",   "under",    "over",    "below",     "above",     "high",    "low",
      "raised",    "elevated",   "normal",    "abnormal", "some",    "severity",  "condition", "disease", "disorder",
      "syndrome",  "issues",     "problems",  "problem",  "history", "hx",        "family",    "risk",    "status",
      "post",      "s",          "mmol",      "g",        "week",    "weeks",     "day",       "days",    "baseline",
      "also",      "or",         "who",       "not",      "yes",     "y",         "n",         "unit",    "units",
      "times",     "fold",       "ratio",     "per",      "range",   "reference", "upper",     "limit",   "lower",
      "end",       "stage",      "uln",       "normal",   "the",     "times",     "item",      "question"};
  return k;
}

// Words that make a condition severe when no known phrase holds them.
const WordSet& SeverityWords() {
  static const WordSet k = {"severe", "severely", "advanced", "decompensated", "endstage", "terminal"};
  return k;
}

const WordSet& PastWords() {
  static const WordSet k = {"history", "hx",           "former",    "formerly", "previous",  "previously", "past",
                            "prior",   "ex",           "remission", "remitted", "recovered", "resolved",   "stopped",
                            "quit",    "discontinued", "completed", "tapered",  "weaned",    "old",        "childhood"};
  return k;
}

const WordSet& NegationWords() {
  static const WordSet k = {"no", "not", "denies", "denied", "without", "negative", "none", "nil", "never", "free"};
  return k;
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

std::string_view DrugCategoryId(DrugCategory c) {
  for (const auto& [name, category] : kCategories) {
    if (category == c) return name;
  }
  return "unknown";
}

bool NameAnalysis::Opioid() const {
  return std::any_of(spans.begin(), spans.end(), [](const SpanMatch& s) { return s.opioid; });
}

std::string NormalizeName(std::string_view name) {
  std::string out;
  for (char ch : FoldToAscii(name)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 128 && std::isalnum(c) != 0) out += static_cast<char>(std::tolower(c));
  }
  return out;
}

bool HasExtendedReleaseMarker(std::string_view name) {
  for (const Token& t : Tokenize(name)) {
    if (!t.number && t.word_class == WordClass::kRelease) return true;
  }
  return false;
}

// ---- Loading ------------------------------------------------------------------------------------

Status DrugKnowledgeBase::AddDrugKey(const std::string& name, const EntryRef& ref, const std::string& field) {
  const std::vector<Token> tokens = Tokenize(name);
  const bool has_word = std::any_of(tokens.begin(), tokens.end(), [](const Token& t) {
    return !t.number && (t.word_class == WordClass::kContent || t.word_class == WordClass::kSoft);
  });
  if (!has_word) {
    return Status::InvalidArgument(field, fmt::format("'{}' has no word that could name a product (only numbers, "
                                                      "units, forms or filler)",
                                                      name));
  }
  const std::string key = JoinTokens(tokens, 0, tokens.size());
  IndexValue& v = drug_index_[key];
  if (std::find(v.entries.begin(), v.entries.end(), ref) != v.entries.end()) return Status::Ok();
  for (const EntryRef& other : v.entries) {
    // A name may mean different products in different markets (different ingredients); anything
    // else sharing a key is a data error.
    const bool both_products = other.kind == EntryRef::Kind::kProduct && ref.kind == EntryRef::Kind::kProduct;
    auto ids = [&](const EntryRef& r) {
      std::set<std::string> s;
      for (const ProductIngredient& pi : EntryIngredients(r)) s.insert(pi.ingredient);
      return s;
    };
    if (!both_products || ids(other) == ids(ref)) {
      return Status::InvalidArgument(field, fmt::format("'{}' is also a name of '{}'{}", name, EntryName(other),
                                                        both_products ? " with the same ingredients: merge the markets "
                                                                        "into one entry"
                                                                      : ""));
    }
  }
  v.entries.push_back(ref);
  v.displays.push_back(name);
  v.tokens = tokens.size();
  max_key_tokens_ = std::max(max_key_tokens_, std::min(tokens.size(), kMaxWindow));
  return Status::Ok();
}

void DrugKnowledgeBase::BuildFamilies() {
  // Every opioid key whose leading tokens are a non-opioid key: that key is a family stem.
  for (const auto& [key, value] : drug_index_) {
    bool opioid = false;
    for (const EntryRef& r : value.entries) opioid = opioid || EntryIsOpioid(r);
    if (!opioid) continue;
    for (const std::string& display : value.displays) {
      const std::vector<Token> t = Tokenize(display);
      for (size_t p = 1; p < t.size(); ++p) {
        const std::string base = JoinTokens(t, 0, p);
        auto it = drug_index_.find(base);
        if (it == drug_index_.end()) continue;
        bool base_opioid = false;
        for (const EntryRef& r : it->second.entries) base_opioid = base_opioid || EntryIsOpioid(r);
        if (base_opioid) continue;
        // The word that tells the opioid member from the plain brand: the first one after the stem
        // that is not noise. An opioid name itself ("Tylenol with Codeine") needs no family: the
        // opioid is found wherever it is written.
        size_t q = p;
        while (q < t.size() && !t[q].number && t[q].IsNoise()) ++q;
        if (q >= t.size()) continue;
        Family& f = families_[base];
        if (t[q].number) {
          f.numbers.insert(t[q].text);
        } else {
          auto own = drug_index_.find(t[q].text);
          bool names_opioid = false;
          if (own != drug_index_.end()) {
            for (const EntryRef& r : own->second.entries) names_opioid = names_opioid || EntryIsOpioid(r);
          }
          if (!names_opioid) f.word_members = true;
        }
        for (const EntryRef& r : value.entries) {
          if (EntryIsOpioid(r) && std::find(f.members.begin(), f.members.end(), r) == f.members.end()) {
            f.members.push_back(r);
          }
        }
      }
    }
  }
}

Result<DrugKnowledgeBase> DrugKnowledgeBase::FromDocuments(const KnowledgeDocuments& docs) {
  DrugKnowledgeBase kb;

  // --- jurisdictions (products name their markets) ---
  {
    LDN_ASSIGN_OR_RETURN(nlohmann::json doc, ParseJson(docs.jurisdictions));
    LDN_ASSIGN_OR_RETURN(JsonObject top, JsonObject::Of(doc, "jurisdictions.json"));
    LDN_ASSIGN_OR_RETURN(kb.jurisdictions_version_, NonEmptyString(top, "version"));
    LDN_RETURN_IF_ERROR(NonEmptyString(top, "description").status());
    LDN_ASSIGN_OR_RETURN(const nlohmann::json* entries, top.Array("entries"));
    LDN_RETURN_IF_ERROR(top.RejectUnknownKeys());
    for (size_t i = 0; i < entries->size(); ++i) {
      LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of((*entries)[i], IndexPath("jurisdictions.json entries", i)));
      Jurisdiction j;
      LDN_ASSIGN_OR_RETURN(j.id, NonEmptyString(o, "id"));
      LDN_ASSIGN_OR_RETURN(j.name, NonEmptyString(o, "name"));
      LDN_ASSIGN_OR_RETURN(j.label, NonEmptyString(o, "label"));
      LDN_ASSIGN_OR_RETURN(j.label_name, OptionalText(o, "label_name"));
      LDN_ASSIGN_OR_RETURN(std::optional<bool> verified, o.OptionalBool("verified"));
      j.verified = verified.value_or(true);
      LDN_ASSIGN_OR_RETURN(j.source, NonEmptyString(o, "source"));
      LDN_RETURN_IF_ERROR(OptionalText(o, "note").status());
      LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
      if (j.id != NormalizeName(j.id)) return Status::InvalidArgument(o.PathOf("id"), "must be lower-case letters");
      if (kb.FindJurisdiction(j.id) != nullptr) return Status::InvalidArgument(o.PathOf("id"), "duplicate id");
      kb.jurisdictions_.push_back(std::move(j));
    }
    for (const Jurisdiction& j : kb.jurisdictions_) {
      const Jurisdiction* family = kb.FindJurisdiction(j.label);
      if (family == nullptr || family->label != family->id) {
        return Status::InvalidArgument("jurisdictions.json " + j.id,
                                       fmt::format("label '{}' must be the id of a jurisdiction whose label is "
                                                   "itself",
                                                   j.label));
      }
      if (family->label_name.empty()) {
        return Status::InvalidArgument("jurisdictions.json " + family->id, "a label family needs its label_name");
      }
    }
  }

  // --- drugs: washout classes and ingredients ---
  {
    LDN_ASSIGN_OR_RETURN(nlohmann::json doc, ParseJson(docs.drugs));
    LDN_ASSIGN_OR_RETURN(JsonObject drugs, JsonObject::Of(doc, "drugs.json"));
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
    for (OpioidClass c : kAllClasses) {
      if (std::none_of(kb.washouts_.begin(), kb.washouts_.end(),
                       [c](const WashoutClass& w) { return w.opioid_class == c; })) {
        return Status::InvalidArgument(drugs.PathOf("washout_classes"),
                                       fmt::format("class '{}' is missing", OpioidClassId(c)));
      }
    }
    {
      LDN_ASSIGN_OR_RETURN(JsonObject w, drugs.Object("recent_opioid_window"));
      LDN_ASSIGN_OR_RETURN(int64_t days, w.Integer("days", 1, 3650));
      kb.recent_window_.days = static_cast<int>(days);
      LDN_ASSIGN_OR_RETURN(kb.recent_window_.source, NonEmptyString(w, "source"));
      LDN_RETURN_IF_ERROR(w.RejectUnknownKeys());
    }
    LDN_ASSIGN_OR_RETURN(const nlohmann::json* entries, drugs.Array("entries"));
    LDN_RETURN_IF_ERROR(drugs.RejectUnknownKeys());
    for (size_t i = 0; i < entries->size(); ++i) {
      LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of((*entries)[i], IndexPath("drugs.json entries", i)));
      Ingredient e;
      LDN_ASSIGN_OR_RETURN(e.id, NonEmptyString(o, "id"));
      LDN_ASSIGN_OR_RETURN(e.name, NonEmptyString(o, "name"));
      LDN_ASSIGN_OR_RETURN(e.aliases, ReadStrings(o, "aliases"));
      LDN_ASSIGN_OR_RETURN(std::string category, o.String("category"));
      LDN_ASSIGN_OR_RETURN(e.category, ParseCategory(category, o.PathOf("category")));
      LDN_ASSIGN_OR_RETURN(e.action, OptionalText(o, "action"));
      LDN_ASSIGN_OR_RETURN(std::optional<std::string> cls, o.OptionalString("opioid_class"));
      if (cls) {
        LDN_ASSIGN_OR_RETURN(e.opioid_class, ParseOpioidClass(*cls, o.PathOf("opioid_class")));
      }
      LDN_ASSIGN_OR_RETURN(e.severity, OptionalText(o, "severity"));
      LDN_ASSIGN_OR_RETURN(e.finding, NonEmptyString(o, "finding"));
      LDN_ASSIGN_OR_RETURN(e.source, NonEmptyString(o, "source"));
      LDN_ASSIGN_OR_RETURN(e.note, OptionalText(o, "note"));
      LDN_ASSIGN_OR_RETURN(e.depot_product, OptionalText(o, "depot_product"));
      LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
      if (e.IsOpioid() && (!e.opioid_class || e.action.empty())) {
        return Status::InvalidArgument(o.PathOf("opioid_class"), "an opioid needs its action and washout class");
      }
      if (!e.IsOpioid() && e.opioid_class) {
        return Status::InvalidArgument(o.PathOf("opioid_class"), "only an opioid has a washout class");
      }
      if (kb.FindIngredient(e.id) != nullptr) return Status::InvalidArgument(o.PathOf("id"), "duplicate id");
      kb.ingredients_.push_back(std::move(e));
    }
  }

  // --- products ---
  for (const auto& [file, text] : docs.products) {
    LDN_ASSIGN_OR_RETURN(nlohmann::json doc, ParseJson(text));
    LDN_ASSIGN_OR_RETURN(JsonObject top, JsonObject::Of(doc, file));
    LDN_ASSIGN_OR_RETURN(std::string version, NonEmptyString(top, "version"));
    kb.product_versions_[file] = version;
    LDN_RETURN_IF_ERROR(NonEmptyString(top, "description").status());
    LDN_ASSIGN_OR_RETURN(const nlohmann::json* entries, top.Array("entries"));
    LDN_RETURN_IF_ERROR(top.RejectUnknownKeys());
    for (size_t i = 0; i < entries->size(); ++i) {
      LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of((*entries)[i], IndexPath(file + " entries", i)));
      Product p;
      p.file = file;
      LDN_ASSIGN_OR_RETURN(p.id, NonEmptyString(o, "id"));
      LDN_ASSIGN_OR_RETURN(p.name, NonEmptyString(o, "name"));
      LDN_ASSIGN_OR_RETURN(p.aliases, ReadStrings(o, "aliases"));
      LDN_ASSIGN_OR_RETURN(const nlohmann::json* ings, o.Array("ingredients"));
      for (size_t k = 0; k < ings->size(); ++k) {
        LDN_ASSIGN_OR_RETURN(JsonObject io, JsonObject::Of((*ings)[k], IndexPath(o.PathOf("ingredients"), k)));
        ProductIngredient pi;
        LDN_ASSIGN_OR_RETURN(pi.ingredient, NonEmptyString(io, "inn"));
        LDN_ASSIGN_OR_RETURN(pi.salt, OptionalText(io, "salt"));
        LDN_ASSIGN_OR_RETURN(std::optional<std::string> cls, io.OptionalString("class"));
        if (cls) {
          LDN_ASSIGN_OR_RETURN(pi.opioid_class, ParseOpioidClass(*cls, io.PathOf("class")));
        }
        LDN_RETURN_IF_ERROR(io.RejectUnknownKeys());
        const Ingredient* ing = kb.FindIngredient(pi.ingredient);
        if (ing == nullptr) {
          return Status::InvalidArgument(io.PathOf("inn"),
                                         fmt::format("'{}' is not an ingredient of drugs.json", pi.ingredient));
        }
        if (ing->IsOpioid() && !pi.opioid_class) {
          return Status::InvalidArgument(
              io.PathOf("class"),
              fmt::format("the opioid '{}' needs the washout class it has in this product", pi.ingredient));
        }
        if (!ing->IsOpioid() && pi.opioid_class) {
          return Status::InvalidArgument(io.PathOf("class"), "only an opioid ingredient has a class");
        }
        p.ingredients.push_back(std::move(pi));
      }
      if (p.ingredients.empty()) return Status::InvalidArgument(o.PathOf("ingredients"), "names no ingredient");
      LDN_ASSIGN_OR_RETURN(p.markets, ReadStrings(o, "markets"));
      if (p.markets.empty()) return Status::InvalidArgument(o.PathOf("markets"), "names no market");
      for (size_t k = 0; k < p.markets.size(); ++k) {
        if (kb.FindJurisdiction(p.markets[k]) == nullptr) {
          return Status::InvalidArgument(IndexPath(o.PathOf("markets"), k),
                                         fmt::format("'{}' is not a jurisdiction of jurisdictions.json", p.markets[k]));
        }
      }
      LDN_ASSIGN_OR_RETURN(p.form, OptionalText(o, "form"));
      LDN_ASSIGN_OR_RETURN(std::optional<int64_t> blockade, o.OptionalInteger("blockade_days", 1, 3650));
      p.blockade_days = static_cast<int>(blockade.value_or(0));
      LDN_ASSIGN_OR_RETURN(p.severity, OptionalText(o, "severity"));
      if (!p.severity.empty() && p.severity != "review") {
        return Status::InvalidArgument(o.PathOf("severity"), "only 'review' is allowed");
      }
      LDN_ASSIGN_OR_RETURN(std::optional<bool> past_review, o.OptionalBool("past_use_review"));
      p.past_use_review = past_review.value_or(false);
      LDN_ASSIGN_OR_RETURN(p.finding, OptionalText(o, "finding"));
      LDN_ASSIGN_OR_RETURN(p.source, NonEmptyString(o, "source"));
      LDN_ASSIGN_OR_RETURN(p.note, OptionalText(o, "note"));
      LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
      if (kb.FindProduct(p.id) != nullptr || kb.FindIngredient(p.id) != nullptr) {
        return Status::InvalidArgument(o.PathOf("id"), fmt::format("duplicate id '{}'", p.id));
      }
      kb.products_.push_back(std::move(p));
    }
  }

  for (const Ingredient& e : kb.ingredients_) {
    if (e.depot_product.empty()) continue;
    const Product* p = kb.FindProduct(e.depot_product);
    const bool holds = p != nullptr && std::any_of(p->ingredients.begin(), p->ingredients.end(),
                                                   [&](const ProductIngredient& pi) { return pi.ingredient == e.id; });
    if (!holds || p->blockade_days == 0) {
      return Status::InvalidArgument(
          "drugs.json " + e.id + ".depot_product",
          fmt::format("'{}' must be a product with blockade_days that contains '{}'", e.depot_product, e.id));
    }
  }

  // --- the name index (after all entries exist: duplicates compare ingredients) ---
  for (size_t i = 0; i < kb.ingredients_.size(); ++i) {
    const Ingredient& e = kb.ingredients_[i];
    const EntryRef ref{EntryRef::Kind::kIngredient, i};
    const std::string path = "drugs.json " + e.id;
    LDN_RETURN_IF_ERROR(kb.AddDrugKey(e.name, ref, path + ".name"));
    for (const std::string& a : e.aliases) LDN_RETURN_IF_ERROR(kb.AddDrugKey(a, ref, path + ".aliases"));
  }
  for (size_t i = 0; i < kb.products_.size(); ++i) {
    const Product& p = kb.products_[i];
    const EntryRef ref{EntryRef::Kind::kProduct, i};
    const std::string path = p.file + " " + p.id;
    LDN_RETURN_IF_ERROR(kb.AddDrugKey(p.name, ref, path + ".name"));
    for (const std::string& a : p.aliases) LDN_RETURN_IF_ERROR(kb.AddDrugKey(a, ref, path + ".aliases"));
  }
  kb.BuildFamilies();

  // --- conditions ---
  {
    LDN_ASSIGN_OR_RETURN(nlohmann::json doc, ParseJson(docs.conditions));
    LDN_ASSIGN_OR_RETURN(JsonObject conds, JsonObject::Of(doc, "conditions.json"));
    LDN_ASSIGN_OR_RETURN(kb.conditions_version_, NonEmptyString(conds, "version"));
    LDN_RETURN_IF_ERROR(NonEmptyString(conds, "description").status());
    LDN_ASSIGN_OR_RETURN(const nlohmann::json* centries, conds.Array("entries"));
    LDN_ASSIGN_OR_RETURN(const nlohmann::json* patterns, conds.Array("patterns"));
    LDN_RETURN_IF_ERROR(conds.RejectUnknownKeys());
    const std::vector<std::string> labels = kb.LabelFamilies();
    for (size_t i = 0; i < centries->size(); ++i) {
      LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of((*centries)[i], IndexPath("conditions.json entries", i)));
      ConditionEntry e;
      LDN_ASSIGN_OR_RETURN(e.id, NonEmptyString(o, "id"));
      LDN_ASSIGN_OR_RETURN(e.name, NonEmptyString(o, "name"));
      LDN_ASSIGN_OR_RETURN(e.aliases, ReadStrings(o, "aliases"));
      LDN_ASSIGN_OR_RETURN(e.severity, o.String("severity"));
      LDN_RETURN_IF_ERROR(CheckSeverity(e.severity, o.PathOf("severity")));
      LDN_ASSIGN_OR_RETURN(e.finding, NonEmptyString(o, "finding"));
      LDN_ASSIGN_OR_RETURN(e.source, NonEmptyString(o, "source"));
      LDN_ASSIGN_OR_RETURN(e.note, OptionalText(o, "note"));
      LDN_ASSIGN_OR_RETURN(e.implies, ReadStrings(o, "implies"));
      LDN_ASSIGN_OR_RETURN(e.recommended_protocol, OptionalText(o, "recommended_protocol"));
      LDN_ASSIGN_OR_RETURN(std::optional<bool> opioid_use, o.OptionalBool("opioid_use"));
      e.opioid_use = opioid_use.value_or(false);
      LDN_ASSIGN_OR_RETURN(e.severe_form, OptionalText(o, "if_severe"));
      LDN_ASSIGN_OR_RETURN(const nlohmann::json* rules, o.OptionalArray("label_rules"));
      if (rules != nullptr) {
        for (size_t k = 0; k < rules->size(); ++k) {
          LDN_ASSIGN_OR_RETURN(JsonObject r, JsonObject::Of((*rules)[k], IndexPath(o.PathOf("label_rules"), k)));
          LabelRule lr;
          LDN_ASSIGN_OR_RETURN(lr.labels, ReadStrings(r, "labels"));
          for (const std::string& l : lr.labels) {
            if (std::find(labels.begin(), labels.end(), l) == labels.end()) {
              return Status::InvalidArgument(r.PathOf("labels"), fmt::format("'{}' is not a label family", l));
            }
          }
          LDN_ASSIGN_OR_RETURN(lr.severity, r.String("severity"));
          LDN_RETURN_IF_ERROR(CheckSeverity(lr.severity, r.PathOf("severity")));
          LDN_ASSIGN_OR_RETURN(lr.kind, NonEmptyString(r, "kind"));
          LDN_ASSIGN_OR_RETURN(lr.text, NonEmptyString(r, "text"));
          LDN_ASSIGN_OR_RETURN(lr.source, NonEmptyString(r, "source"));
          LDN_RETURN_IF_ERROR(r.RejectUnknownKeys());
          e.label_rules.push_back(std::move(lr));
        }
      }
      LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
      if (kb.Condition(e.id) != nullptr) return Status::InvalidArgument(o.PathOf("id"), "duplicate id");
      kb.conditions_.push_back(std::move(e));
    }
    for (const ConditionEntry& e : kb.conditions_) {
      if (!e.severe_form.empty() && kb.Condition(e.severe_form) == nullptr) {
        return Status::InvalidArgument("conditions.json " + e.id + ".if_severe",
                                       fmt::format("no condition '{}'", e.severe_form));
      }
      for (const std::string& id : e.implies) {
        if (kb.Condition(id) == nullptr) {
          return Status::InvalidArgument("conditions.json " + e.id + ".implies", fmt::format("no condition '{}'", id));
        }
      }
      auto add = [&](const std::string& name, const std::string& field) -> Status {
        const std::vector<Token> t = Tokenize(name);
        const std::string key = JoinTokens(t, 0, t.size());
        if (key.empty()) return Status::InvalidArgument(field, fmt::format("'{}' has no letters or digits", name));
        auto [it, inserted] = kb.condition_index_.emplace(key, ConditionKey{e.id, name, t.size()});
        if (!inserted && it->second.id != e.id) {
          return Status::InvalidArgument(field,
                                         fmt::format("'{}' is also a name of condition '{}'", name, it->second.id));
        }
        return Status::Ok();
      };
      LDN_RETURN_IF_ERROR(add(e.id, "conditions.json " + e.id + ".id"));
      LDN_RETURN_IF_ERROR(add(e.name, "conditions.json " + e.id + ".name"));
      for (const std::string& a : e.aliases) LDN_RETURN_IF_ERROR(add(a, "conditions.json " + e.id + ".aliases"));
    }
    for (size_t i = 0; i < patterns->size(); ++i) {
      LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of((*patterns)[i], IndexPath("conditions.json patterns", i)));
      ConditionPattern p;
      LDN_ASSIGN_OR_RETURN(p.id, NonEmptyString(o, "id"));
      LDN_ASSIGN_OR_RETURN(p.kind, NonEmptyString(o, "kind"));
      if (p.kind != "threshold" && p.kind != "uln_multiple" && p.kind != "grade") {
        return Status::InvalidArgument(o.PathOf("kind"), "expected threshold, uln_multiple or grade");
      }
      LDN_ASSIGN_OR_RETURN(p.analytes, ReadStrings(o, "analytes"));
      if (p.analytes.empty()) return Status::InvalidArgument(o.PathOf("analytes"), "names no analyte");
      LDN_ASSIGN_OR_RETURN(p.unit, OptionalText(o, "unit"));
      LDN_ASSIGN_OR_RETURN(const nlohmann::json* rules, o.Array("rules"));
      for (size_t k = 0; k < rules->size(); ++k) {
        LDN_ASSIGN_OR_RETURN(JsonObject r, JsonObject::Of((*rules)[k], IndexPath(o.PathOf("rules"), k)));
        ConditionPattern::Rule rule;
        LDN_ASSIGN_OR_RETURN(rule.below, r.OptionalNumber("below", -1e9, 1e9));
        LDN_ASSIGN_OR_RETURN(rule.above, r.OptionalNumber("above", -1e9, 1e9));
        LDN_ASSIGN_OR_RETURN(rule.grade, OptionalText(r, "grade"));
        LDN_ASSIGN_OR_RETURN(rule.condition, NonEmptyString(r, "condition"));
        LDN_RETURN_IF_ERROR(r.RejectUnknownKeys());
        if (kb.Condition(rule.condition) == nullptr) {
          return Status::InvalidArgument(r.PathOf("condition"), fmt::format("no condition '{}'", rule.condition));
        }
        p.rules.push_back(std::move(rule));
      }
      LDN_ASSIGN_OR_RETURN(p.unreadable, OptionalText(o, "unreadable"));
      if (p.kind == "uln_multiple" && kb.Condition(p.unreadable) == nullptr) {
        return Status::InvalidArgument(o.PathOf("unreadable"), "a uln_multiple pattern needs its unreadable condition");
      }
      LDN_ASSIGN_OR_RETURN(p.source, NonEmptyString(o, "source"));
      LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
      kb.patterns_.push_back(std::move(p));
    }
  }
  return kb;
}

Result<const DrugKnowledgeBase*> DrugKnowledgeBase::Embedded() {
  // Loaded once; a function-local static is initialised thread-safely.
  static const Result<DrugKnowledgeBase> kLoaded = []() -> Result<DrugKnowledgeBase> {
    KnowledgeDocuments docs;
    LDN_ASSIGN_OR_RETURN(docs.drugs, KnowledgeFileText("drugs.json"));
    LDN_ASSIGN_OR_RETURN(docs.conditions, KnowledgeFileText("conditions.json"));
    LDN_ASSIGN_OR_RETURN(docs.jurisdictions, KnowledgeFileText("jurisdictions.json"));
    for (const KnowledgeFile& f : KnowledgeFiles()) {
      if (f.path.starts_with("products_") && f.path.ends_with(".json")) docs.products.emplace_back(f.path, f.text);
    }
    std::sort(docs.products.begin(), docs.products.end());
    if (docs.products.empty()) return Status::NotFound("no data/products_*.json file is embedded");
    return FromDocuments(docs);
  }();
  if (!kLoaded.ok()) {
    return Status::Internal("the embedded screening knowledge base is invalid: " + kLoaded.status().ToString());
  }
  return &kLoaded.value();
}

// ---- Lookups ------------------------------------------------------------------------------------

const Ingredient* DrugKnowledgeBase::FindIngredient(std::string_view id) const {
  for (const Ingredient& e : ingredients_) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

const Product* DrugKnowledgeBase::FindProduct(std::string_view id) const {
  for (const Product& e : products_) {
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

const Jurisdiction* DrugKnowledgeBase::FindJurisdiction(std::string_view id) const {
  const std::string lower = NormalizeName(id);
  for (const Jurisdiction& j : jurisdictions_) {
    if (j.id == lower) return &j;
  }
  return nullptr;
}

const Jurisdiction* DrugKnowledgeBase::LabelJurisdiction(std::string_view label) const {
  return FindJurisdiction(label);
}

std::vector<std::string> DrugKnowledgeBase::LabelFamilies() const {
  std::vector<std::string> out;
  for (const Jurisdiction& j : jurisdictions_) {
    if (j.label == j.id) out.push_back(j.id);
  }
  return out;
}

const WashoutClass& DrugKnowledgeBase::Washout(OpioidClass c) const {
  for (const WashoutClass& w : washouts_) {
    if (w.opioid_class == c) return w;
  }
  assert(false && "FromDocuments guarantees every class");
  return washouts_.front();
}

std::string DrugKnowledgeBase::EntryName(const EntryRef& r) const {
  return r.kind == EntryRef::Kind::kIngredient ? ingredients_[r.index].name : products_[r.index].name;
}

const std::string& DrugKnowledgeBase::EntrySource(const EntryRef& r) const {
  return r.kind == EntryRef::Kind::kIngredient ? ingredients_[r.index].source : products_[r.index].source;
}

std::vector<ProductIngredient> DrugKnowledgeBase::EntryIngredients(const EntryRef& r) const {
  if (r.kind == EntryRef::Kind::kProduct) return products_[r.index].ingredients;
  const Ingredient& i = ingredients_[r.index];
  return {ProductIngredient{i.id, "", i.opioid_class}};
}

bool DrugKnowledgeBase::EntryIsOpioid(const EntryRef& r) const {
  for (const ProductIngredient& pi : EntryIngredients(r)) {
    const Ingredient* i = FindIngredient(pi.ingredient);
    if (i != nullptr && i->IsOpioid()) return true;
  }
  return false;
}

std::string DrugKnowledgeBase::DescribeEntry(const EntryRef& r) const {
  if (r.kind == EntryRef::Kind::kIngredient) return ingredients_[r.index].name;
  const Product& p = products_[r.index];
  std::string parts;
  for (const ProductIngredient& pi : p.ingredients) {
    const Ingredient* i = FindIngredient(pi.ingredient);
    parts += (parts.empty() ? "" : " + ") + (i != nullptr ? i->name : pi.ingredient);
  }
  return fmt::format("{} ({})", p.name, parts);
}

// ---- Matching -----------------------------------------------------------------------------------

std::vector<SpanMatch> DrugKnowledgeBase::FindSpans(const std::vector<Token>& tokens, const std::string& folded) const {
  std::vector<SpanMatch> all;
  const size_t n = tokens.size();
  for (size_t b = 0; b < n; ++b) {
    for (size_t e = b + 1; e <= n && e - b <= max_key_tokens_; ++e) {
      if (AllNumbers(tokens, b, e)) continue;
      auto it = drug_index_.find(JoinTokens(tokens, b, e));
      if (it == drug_index_.end()) continue;
      SpanMatch m;
      m.begin = b;
      m.end = e;
      m.text = folded.substr(tokens[b].begin, tokens[e - 1].end - tokens[b].begin);
      m.entries = it->second.entries;
      for (const EntryRef& r : m.entries) m.opioid = m.opioid || EntryIsOpioid(r);
      all.push_back(std::move(m));
    }
  }
  // The longest runs cover the name first (ties: leftmost).
  std::vector<size_t> order(all.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const size_t la = all[a].end - all[a].begin, lb = all[b].end - all[b].begin;
    return la != lb ? la > lb : all[a].begin < all[b].begin;
  });
  std::vector<bool> covered(n, false);
  std::vector<SpanMatch> chosen;
  for (size_t i : order) {
    const SpanMatch& m = all[i];
    bool free = true;
    for (size_t k = m.begin; k < m.end; ++k) free = free && !covered[k];
    if (!free) continue;
    for (size_t k = m.begin; k < m.end; ++k) covered[k] = true;
    chosen.push_back(m);
  }
  // Safety net: an opioid named inside a longer non-opioid run is kept too, unless an opioid run
  // already chosen contains it.
  for (size_t i : order) {
    const SpanMatch& m = all[i];
    if (!m.opioid) continue;
    bool inside_opioid = false, same = false;
    for (const SpanMatch& c : chosen) {
      same = same || (c.begin == m.begin && c.end == m.end);
      inside_opioid = inside_opioid || (c.opioid && c.begin <= m.begin && m.end <= c.end);
    }
    if (!same && !inside_opioid) chosen.push_back(m);
  }
  std::sort(chosen.begin(), chosen.end(), [](const SpanMatch& a, const SpanMatch& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  return chosen;
}

NameAnalysis DrugKnowledgeBase::AnalyseMedication(std::string_view name) const {
  NameAnalysis a;
  const std::string folded = FoldToAscii(name);
  a.tokens = Tokenize(name);
  a.spans = FindSpans(a.tokens, folded);
  const size_t n = a.tokens.size();
  std::vector<bool> covered(n, false);
  for (const SpanMatch& s : a.spans) {
    for (size_t k = s.begin; k < s.end; ++k) covered[k] = true;
  }
  // Family ambiguity: a non-opioid stem followed by a product number or variant word.
  std::vector<bool> used(n, false);
  for (size_t si = 0; si < a.spans.size(); ++si) {
    const SpanMatch& s = a.spans[si];
    if (s.opioid) continue;
    auto fam = families_.find(JoinTokens(a.tokens, s.begin, s.end));
    if (fam == families_.end()) continue;
    size_t k = s.end;
    while (k < n && !covered[k] && a.tokens[k].IsNoise()) ++k;
    if (k >= n || covered[k]) continue;
    const Token& t = a.tokens[k];
    bool ambiguous = false;
    std::string dropped = t.text;
    if (t.number) {
      const bool product_number =
          t.role == NumberRole::kMarker || (t.role == NumberRole::kBare && std::atof(t.text.c_str()) < 10);
      ambiguous = product_number && !fam->second.numbers.empty();
      if (t.role == NumberRole::kMarker) dropped = "#" + t.text;
    } else {
      ambiguous = fam->second.word_members && (t.word_class == WordClass::kSoft || t.word_class == WordClass::kContent);
    }
    if (!ambiguous) continue;
    used[k] = true;
    a.ambiguities.push_back(FamilyAmbiguity{si, dropped, fam->second.members});
  }
  for (size_t k = 0; k < n; ++k) {
    const Token& t = a.tokens[k];
    if (covered[k] || t.number) continue;
    if (t.word_class == WordClass::kRelease) a.extended_release = true;
    if (t.text == "injection" || t.text == "injections" || t.text == "injectable" || t.text == "inj" ||
        t.text == "im" || t.text == "intramuscular" || t.text == "implant" || t.text == "depot") {
      a.injectable = true;
    }
    if (t.word_class == WordClass::kContent) a.remainder.push_back(folded.substr(t.begin, t.end - t.begin));
  }
  return a;
}

std::optional<WashoutClass> DrugKnowledgeBase::WashoutForEntry(const EntryRef& r, bool extended_release) const {
  std::optional<WashoutClass> longest;
  for (const ProductIngredient& pi : EntryIngredients(r)) {
    const Ingredient* i = FindIngredient(pi.ingredient);
    if (i == nullptr || !i->IsOpioid()) continue;
    OpioidClass c = pi.opioid_class.value_or(*i->opioid_class);
    // A short-acting opioid named with a modified-release or transdermal word gets the long-acting
    // washout (conservative: generic and brand entries are the immediate-release forms).
    if (c == OpioidClass::kShortActing && extended_release) c = OpioidClass::kLongActing;
    const WashoutClass& w = Washout(c);
    if (!longest || w.days > longest->days) longest = w;
  }
  return longest;
}

std::optional<WashoutClass> DrugKnowledgeBase::WashoutFor(const NameAnalysis& a) const {
  std::optional<WashoutClass> longest;
  for (const SpanMatch& s : a.spans) {
    if (!s.opioid) continue;
    for (const EntryRef& r : s.entries) {
      const std::optional<WashoutClass> w = WashoutForEntry(r, a.extended_release);
      if (w && (!longest || w->days > longest->days)) longest = w;
    }
  }
  return longest;
}

// ---- Conditions ---------------------------------------------------------------------------------

namespace {

// Position of the analyte word sequence `words` in `tokens` at or after `from`; npos if absent.
size_t FindSequence(const std::vector<Token>& tokens, const std::vector<Token>& words, size_t from) {
  if (words.empty()) return std::string::npos;
  for (size_t b = from; b + words.size() <= tokens.size(); ++b) {
    bool match = true;
    for (size_t k = 0; k < words.size() && match; ++k) match = tokens[b + k].text == words[k].text;
    if (match) return b;
  }
  return std::string::npos;
}

}  // namespace

ConditionAnalysis DrugKnowledgeBase::AnalyseCondition(std::string_view text) const {
  ConditionAnalysis out;
  const std::string folded = FoldToAscii(text);
  const std::vector<Token> tokens = Tokenize(text);
  const size_t n = tokens.size();
  std::vector<bool> covered(n, false);
  auto span_text = [&](size_t b, size_t e) {
    return folded.substr(tokens[b].begin, tokens[e - 1].end - tokens[b].begin);
  };
  auto add_hit = [&](const std::string& id, std::string what, std::string via) {
    for (const ConditionHit& h : out.hits) {
      if (h.condition == id) return;
    }
    out.hits.push_back(ConditionHit{id, std::move(what), std::move(via)});
  };

  // 1. Numeric and graded patterns (they claim their tokens first: "CKD stage 4" is a stage).
  struct PatternHit {
    size_t begin;
    std::string id;
    std::string what;
    std::string via;
  };
  std::vector<PatternHit> pattern_hits;
  for (const ConditionPattern& p : patterns_) {
    for (const std::string& analyte : p.analytes) {
      const std::vector<Token> words = Tokenize(analyte);
      size_t at = FindSequence(tokens, words, 0);
      while (at != std::string::npos) {
        bool claimed = false;
        for (size_t k = at; k < at + words.size(); ++k) claimed = claimed || covered[k];
        if (claimed) {
          at = FindSequence(tokens, words, at + 1);
          continue;
        }
        size_t k = at + words.size();
        // Skip filler between the analyte and its value ("eGFR of 25", "Child-Pugh class C").
        while (k < n && !tokens[k].number && k < at + words.size() + 3 &&
               (tokens[k].text == "class" || tokens[k].text == "grade" || tokens[k].text == "score" ||
                tokens[k].text == "stage" || tokens[k].text == "of" || tokens[k].text == "is" ||
                tokens[k].text == "was" || tokens[k].text == "level" || tokens[k].text == "value" ||
                tokens[k].text == "approx" || tokens[k].text == "about" || tokens[k].text == "at")) {
          ++k;
        }
        if (k >= n) break;
        const Token& v = tokens[k];
        std::string id;
        size_t end = k + 1;
        if (v.number) {
          double value = std::atof(v.text.c_str());
          const std::string_view before =
              std::string_view(folded).substr(tokens[k - 1].end, v.begin - tokens[k - 1].end);
          if (before.find('<') != std::string_view::npos) value -= 0.001;
          if (before.find('>') != std::string_view::npos) value += 0.001;
          bool uln = p.kind != "uln_multiple";
          if (p.kind == "uln_multiple") {
            // Only "<value> x ULN", "<value> times the upper limit of normal", "<value>-fold ULN":
            // a raw value followed later by its reference range ("45 U/L (ULN 40)") is not a multiple.
            size_t j = k + 1;
            while (j < n && (tokens[j].text == "x" || tokens[j].text == "times" || tokens[j].text == "fold" ||
                             tokens[j].text == "the" || tokens[j].text == "above" || tokens[j].text == "over")) {
              ++j;
            }
            if (j < n && (tokens[j].text == "uln" || tokens[j].text == "upper")) {
              uln = true;
              end = j + 1;
              while (end < n && (tokens[end].text == "limit" || tokens[end].text == "of" ||
                                 tokens[end].text == "normal" || tokens[end].text == "the")) {
                ++end;
              }
            }
          }
          if (!uln) {
            id = p.unreadable;  // a raw value without its ULN cannot be compared
          } else {
            for (const ConditionPattern::Rule& r : p.rules) {
              if (!r.grade.empty()) {
                if (r.grade == v.text) {
                  id = r.condition;
                  break;
                }
                continue;
              }
              const bool below_ok = !r.below || value < *r.below;
              const bool above_ok = !r.above || value > *r.above;
              if (below_ok && above_ok) {
                id = r.condition;
                break;
              }
            }
          }
        } else {
          for (const ConditionPattern::Rule& r : p.rules) {
            if (!r.grade.empty() && r.grade == v.text) {
              id = r.condition;
              break;
            }
          }
        }
        if (!id.empty() && Condition(id) != nullptr) {
          for (size_t j = at; j < end; ++j) covered[j] = true;
          pattern_hits.push_back(PatternHit{at, id, span_text(at, end), "pattern:" + p.id});
        }
        at = FindSequence(tokens, words, end);
      }
    }
  }

  const std::vector<bool> pattern_covered = covered;

  // 2. Condition names and aliases, longest phrases first.
  struct PhraseHit {
    size_t begin;
    size_t end;
    std::string id;
    bool severity_word = false;
  };
  std::vector<PhraseHit> phrases;
  for (size_t len = std::min<size_t>(n, kMaxWindow); len >= 1; --len) {
    for (size_t b = 0; b + len <= n; ++b) {
      bool free = true;
      for (size_t k = b; k < b + len; ++k) free = free && !covered[k];
      if (!free || AllNumbers(tokens, b, b + len)) continue;
      auto it = condition_index_.find(JoinTokens(tokens, b, b + len));
      if (it == condition_index_.end()) continue;
      for (size_t k = b; k < b + len; ++k) covered[k] = true;
      phrases.push_back(PhraseHit{b, b + len, it->second.id, false});
    }
  }

  // 3. Opioids and other flagged drugs named in the text ("on methadone", "on levothyroxine").
  for (const SpanMatch& s : FindSpans(tokens, folded)) {
    bool free = true;
    for (size_t k = s.begin; k < s.end; ++k) free = free && !covered[k];
    if (s.opioid) {
      out.opioid_mentions.push_back(s);
      for (size_t k = s.begin; k < s.end; ++k) covered[k] = true;
      continue;
    }
    if (!free) continue;
    for (const EntryRef& r : s.entries) {
      for (const ProductIngredient& pi : EntryIngredients(r)) {
        const Ingredient* ing = FindIngredient(pi.ingredient);
        if (ing == nullptr) continue;
        std::string id;
        if (ing->category == DrugCategory::kThyroid) id = "thyroid_replacement";
        if (ing->category == DrugCategory::kImmunosuppressant) id = "immunosuppression";
        if (ing->category == DrugCategory::kAnticoagulant) id = "anticoagulation";
        if (!id.empty() && Condition(id) != nullptr) {
          phrases.push_back(PhraseHit{s.begin, s.end, id, false});
          for (size_t k = s.begin; k < s.end; ++k) covered[k] = true;
        }
      }
    }
  }

  // A severity word outside a known phrase moves a condition to its severe form ("severe CKD",
  // "advanced liver disease").
  bool severe_text = false;
  for (size_t k = 0; k < n; ++k) {
    if (!covered[k] && !tokens[k].number &&
        (SeverityWords().count(tokens[k].text) > 0 ||
         (tokens[k].text == "end" && k + 1 < n && tokens[k + 1].text == "stage"))) {
      severe_text = true;
    }
  }
  if (severe_text) {
    for (PhraseHit& h : phrases) {
      const ConditionEntry* c = Condition(h.id);
      if (c != nullptr && !c->severe_form.empty()) {
        h.id = c->severe_form;
        h.severity_word = true;
      }
    }
  }

  // Hits in text order.
  std::vector<std::pair<size_t, std::pair<std::string, std::pair<std::string, std::string>>>> ordered;
  for (const PatternHit& h : pattern_hits) ordered.push_back({h.begin, {h.id, {h.what, h.via}}});
  for (const PhraseHit& h : phrases) {
    ordered.push_back({h.begin, {h.id, {span_text(h.begin, h.end), h.severity_word ? "severity word" : "name"}}});
  }
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [pos, v] : ordered) add_hit(v.first, v.second.first, v.second.second);
  // Implied conditions ("kidney transplant" -> immunosuppression), breadth first.
  for (size_t i = 0; i < out.hits.size(); ++i) {
    const ConditionEntry* c = Condition(out.hits[i].condition);
    if (c == nullptr) continue;
    for (const std::string& id : c->implies) add_hit(id, out.hits[i].text, "implied by " + c->id);
  }

  for (size_t k = 0; k < n; ++k) {
    const Token& t = tokens[k];
    if (t.number || pattern_covered[k]) continue;
    if (PastWords().count(t.text) > 0) out.past = true;
    if (NegationWords().count(t.text) > 0) out.negated = true;
    if (!covered[k] &&
        (SeverityWords().count(t.text) > 0 || (t.text == "end" && k + 1 < n && tokens[k + 1].text == "stage"))) {
      out.severe = true;
    }
    if (covered[k]) continue;
    if (PastWords().count(t.text) > 0 || NegationWords().count(t.text) > 0) continue;
    if (ConditionFillers().count(t.text) > 0 || SeverityWords().count(t.text) > 0 || t.IsNoise()) continue;
    out.remainder.push_back(folded.substr(t.begin, t.end - t.begin));
  }
  return out;
}

// ---- Suggestions and listings -------------------------------------------------------------------

std::vector<std::string> DrugKnowledgeBase::SuggestDrugs(std::string_view name, size_t n) const {
  const std::string query = NormalizeName(name);
  std::map<std::pair<int, size_t>, std::pair<size_t, std::string>> best;  // entry -> (distance, display)
  for (const auto& [key, value] : drug_index_) {
    const size_t d = EditDistance(query, key);
    for (size_t i = 0; i < value.entries.size(); ++i) {
      const std::pair<int, size_t> id{static_cast<int>(value.entries[i].kind), value.entries[i].index};
      auto it = best.find(id);
      if (it == best.end() || d < it->second.first ||
          (d == it->second.first && value.displays[i] < it->second.second)) {
        best[id] = {d, value.displays[i]};
      }
    }
  }
  std::vector<std::pair<size_t, std::string>> ranked;
  for (const auto& [id, v] : best) ranked.push_back(v);
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < ranked.size() && out.size() < n; ++i) {
    if (std::find(out.begin(), out.end(), ranked[i].second) == out.end()) out.push_back(ranked[i].second);
  }
  return out;
}

std::vector<std::string> DrugKnowledgeBase::SuggestConditions(std::string_view name, size_t n) const {
  const std::string query = NormalizeName(name);
  std::map<std::string, std::pair<size_t, std::string>> best;
  for (const auto& [key, value] : condition_index_) {
    const size_t d = EditDistance(query, key);
    auto it = best.find(value.id);
    if (it == best.end() || d < it->second.first || (d == it->second.first && value.display < it->second.second)) {
      best[value.id] = {d, value.display};
    }
  }
  std::vector<std::pair<size_t, std::string>> ranked;
  for (const auto& [id, v] : best) ranked.push_back(v);
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < ranked.size() && i < n; ++i) out.push_back(ranked[i].second);
  return out;
}

std::vector<std::pair<std::string, std::string>> DrugKnowledgeBase::OpioidNames() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, value] : drug_index_) {
    for (size_t i = 0; i < value.entries.size(); ++i) {
      if (EntryIsOpioid(value.entries[i])) {
        out.emplace_back(key, value.displays[i]);
        break;
      }
    }
  }
  return out;
}

}  // namespace ldn::clinical
