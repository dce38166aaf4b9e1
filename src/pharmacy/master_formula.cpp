#include "pharmacy/master_formula.h"

#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/json_reader.h"
#include "core/knowledge_files.h"

namespace ldn::pharmacy {
namespace {

constexpr std::string_view kFile = "master_formulas.json";

Status Prefixed(const Status& s) {
  if (s.ok()) return s;
  return Status::InvalidArgument(s.field().empty() ? std::string(kFile) : fmt::format("{}: {}", kFile, s.field()),
                                 s.message());
}

Result<std::vector<std::string>> Strings(JsonObject& o, std::string_view key) {
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* a, o.Array(key));
  std::vector<std::string> out;
  for (size_t i = 0; i < a->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(std::string s, ReadString((*a)[i], IndexPath(o.PathOf(key), i)));
    if (s.empty()) return Status::InvalidArgument(IndexPath(o.PathOf(key), i), "empty");
    out.push_back(std::move(s));
  }
  return out;
}

Result<MasterIngredient> ParseIngredient(const nlohmann::json& j, const std::string& path) {
  LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of(j, path));
  MasterIngredient m;
  LDN_ASSIGN_OR_RETURN(m.name, o.String("name"));
  LDN_ASSIGN_OR_RETURN(m.role, o.String("role"));
  LDN_ASSIGN_OR_RETURN(m.amount_per_unit, o.OptionalNumber("amount_per_unit", 0, 1e6));
  LDN_ASSIGN_OR_RETURN(m.unit, o.String("unit"));
  LDN_ASSIGN_OR_RETURN(std::optional<bool> qs, o.OptionalBool("qs"));
  m.qs = qs.value_or(false);
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> note, o.OptionalString("note"));
  m.note = note.value_or("");
  if (m.qs == m.amount_per_unit.has_value()) {
    return Status::InvalidArgument(o.PathOf("amount_per_unit"), "give either an amount per unit or qs: true");
  }
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  return m;
}

Result<QcTest> ParseQc(const nlohmann::json& j, const std::string& path) {
  LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of(j, path));
  QcTest q;
  LDN_ASSIGN_OR_RETURN(q.id, o.String("id"));
  LDN_ASSIGN_OR_RETURN(q.method, o.String("method"));
  LDN_ASSIGN_OR_RETURN(q.acceptance, o.String("acceptance"));
  LDN_ASSIGN_OR_RETURN(q.source, o.String("source"));
  if (q.source.empty()) return Status::InvalidArgument(o.PathOf("source"), "every QC test cites its source");
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  return q;
}

Result<FormulaBud> ParseBud(JsonObject o) {
  FormulaBud b;
  LDN_ASSIGN_OR_RETURN(std::string category, o.String("category"));
  LDN_ASSIGN_OR_RETURN(b.category, ParseBudCategory(category, o.PathOf("category")));
  LDN_ASSIGN_OR_RETURN(std::string storage, o.String("storage"));
  LDN_ASSIGN_OR_RETURN(b.storage, ParseStorage(storage, o.PathOf("storage")));
  LDN_ASSIGN_OR_RETURN(b.study, o.OptionalString("study"));
  LDN_ASSIGN_OR_RETURN(int64_t days, o.Integer("days", 1, 3650));
  b.days = static_cast<int>(days);
  LDN_ASSIGN_OR_RETURN(b.rationale, o.String("rationale"));
  if (b.rationale.empty()) return Status::InvalidArgument(o.PathOf("rationale"), "the BUD needs its rationale");
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  return b;
}

bool HasQc(const MasterFormula& m, std::string_view id) {
  for (const QcTest& q : m.qc) {
    if (q.id == id) return true;
  }
  return false;
}

bool HasActive(const MasterFormula& m) {
  for (const MasterIngredient& i : m.ingredients) {
    if (i.role == "active") return true;
  }
  return false;
}

Result<MasterFormula> ParseFormula(JsonObject& e) {
  MasterFormula m;
  LDN_ASSIGN_OR_RETURN(m.id, e.String("id"));
  LDN_ASSIGN_OR_RETURN(int64_t version, e.Integer("version", 1, 1'000'000));
  m.version = static_cast<int>(version);
  LDN_ASSIGN_OR_RETURN(std::string status, e.String("status"));
  if (status == "approved") {
    m.status = FormulaStatus::kApproved;
  } else if (status == "superseded") {
    m.status = FormulaStatus::kSuperseded;
  } else {
    return Status::InvalidArgument(e.PathOf("status"), fmt::format("'{}': approved or superseded", status));
  }
  LDN_ASSIGN_OR_RETURN(m.approved_by, e.String("approved_by"));
  if (m.approved_by.empty()) return Status::InvalidArgument(e.PathOf("approved_by"), "who approved it");
  LDN_ASSIGN_OR_RETURN(m.approved_on, e.Date("approved_on"));
  LDN_ASSIGN_OR_RETURN(m.name, e.String("name"));
  LDN_ASSIGN_OR_RETURN(std::string form, e.String("form"));
  if (form == "capsule") {
    m.form = DispensedForm::kCapsule;
  } else if (form == "oral-liquid") {
    m.form = DispensedForm::kOralLiquid;
  } else {
    return Status::InvalidArgument(e.PathOf("form"), fmt::format("'{}': capsule or oral-liquid", form));
  }
  LDN_ASSIGN_OR_RETURN(double mg, e.Number("strength_mg", 0, 1000));
  LDN_ASSIGN_OR_RETURN(m.strength, Dose::FromMilligramsHcl(mg, e.PathOf("strength_mg")));
  LDN_ASSIGN_OR_RETURN(m.placebo, e.Bool("placebo"));
  LDN_ASSIGN_OR_RETURN(m.twin_of, Strings(e, "twin_of"));
  LDN_ASSIGN_OR_RETURN(m.appearance, e.String("appearance"));
  LDN_ASSIGN_OR_RETURN(int64_t units, e.Integer("batch_units", 1, 100000));
  m.batch_units = static_cast<int>(units);
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* ingredients, e.Array("ingredients"));
  for (size_t i = 0; i < ingredients->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(MasterIngredient in,
                         ParseIngredient((*ingredients)[i], IndexPath(e.PathOf("ingredients"), i)));
    m.ingredients.push_back(std::move(in));
  }
  LDN_ASSIGN_OR_RETURN(m.method, Strings(e, "method"));
  if (m.method.empty()) return Status::InvalidArgument(e.PathOf("method"), "the method has no step");
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* qc, e.Array("qc"));
  for (size_t i = 0; i < qc->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(QcTest q, ParseQc((*qc)[i], IndexPath(e.PathOf("qc"), i)));
    m.qc.push_back(std::move(q));
  }
  if (!HasQc(m, "appearance")) return Status::InvalidArgument(e.PathOf("qc"), "an appearance check is required");
  LDN_ASSIGN_OR_RETURN(m.packaging, e.String("packaging"));
  LDN_ASSIGN_OR_RETURN(std::string storage, e.String("storage"));
  LDN_ASSIGN_OR_RETURN(m.storage, ParseStorage(storage, e.PathOf("storage")));
  LDN_ASSIGN_OR_RETURN(JsonObject bud, e.Object("bud"));
  LDN_ASSIGN_OR_RETURN(m.bud, ParseBud(bud));
  if (m.bud.storage != m.storage) {
    return Status::InvalidArgument(e.PathOf("bud") + ".storage", "differs from the formula's storage");
  }
  LDN_ASSIGN_OR_RETURN(m.auxiliary, Strings(e, "auxiliary"));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> note, e.OptionalString("note"));
  m.note = note.value_or("");
  if (m.form == DispensedForm::kCapsule) {
    LDN_ASSIGN_OR_RETURN(m.capsule_size, e.String("capsule_size"));
    LDN_ASSIGN_OR_RETURN(m.filler, e.String("filler"));
    LDN_ASSIGN_OR_RETURN(m.capsule_shell, e.String("capsule_shell"));
    if (!HasQc(m, "weight-variation")) {
      return Status::InvalidArgument(e.PathOf("qc"), "capsules need a weight-variation check (USP <905>)");
    }
  } else {
    LDN_ASSIGN_OR_RETURN(m.liquid_formula, e.String("liquid_formula"));
    LDN_ASSIGN_OR_RETURN(m.preserved, e.Bool("preserved"));
    if (!HasQc(m, "volume")) return Status::InvalidArgument(e.PathOf("qc"), "a liquid needs a volume check");
  }
  if (m.placebo) {
    if (m.strength.micrograms_hcl() != 0) return Status::InvalidArgument(e.PathOf("strength_mg"), "a placebo is 0");
    if (HasActive(m)) return Status::InvalidArgument(e.PathOf("ingredients"), "a placebo has no active ingredient");
    if (m.twin_of.empty()) return Status::InvalidArgument(e.PathOf("twin_of"), "a placebo names the actives it twins");
  } else {
    if (m.strength.micrograms_hcl() == 0) return Status::InvalidArgument(e.PathOf("strength_mg"), "must be positive");
    if (!HasActive(m)) return Status::InvalidArgument(e.PathOf("ingredients"), "no ingredient has role 'active'");
    if (!m.twin_of.empty()) return Status::InvalidArgument(e.PathOf("twin_of"), "only a placebo twins a formula");
  }
  return m;
}

Status ParseDocument(const nlohmann::json& doc, MasterFormulary& f) {
  LDN_ASSIGN_OR_RETURN(JsonObject root, JsonObject::Of(doc, ""));
  LDN_ASSIGN_OR_RETURN(std::string version, root.String("version"));
  f.version = fmt::format("{} {}", kFile, version);
  LDN_ASSIGN_OR_RETURN(std::string description, root.String("description"));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* entries, root.Array("entries"));
  LDN_RETURN_IF_ERROR(root.RejectUnknownKeys());
  std::set<std::pair<std::string, int>> keys;
  std::map<std::string, std::string> paths;  // id -> path of its first entry
  for (size_t i = 0; i < entries->size(); ++i) {
    const std::string path = IndexPath("entries", i);
    LDN_ASSIGN_OR_RETURN(JsonObject e, JsonObject::Of((*entries)[i], path));
    LDN_ASSIGN_OR_RETURN(std::string kind, e.String("kind"));
    if (kind != "master_formula") return Status::InvalidArgument(e.PathOf("kind"), "must be master_formula");
    LDN_ASSIGN_OR_RETURN(std::string trust, e.String("trust"));
    if (trust != "H" && trust != "M" && trust != "L") return Status::InvalidArgument(e.PathOf("trust"), "H, M or L");
    LDN_ASSIGN_OR_RETURN(MasterFormula m, ParseFormula(e));
    LDN_ASSIGN_OR_RETURN(m.source, e.String("source"));
    if (m.source.empty()) return Status::InvalidArgument(e.PathOf("source"), "every record cites its sources");
    LDN_RETURN_IF_ERROR(e.RejectUnknownKeys());
    if (!keys.emplace(m.id, m.version).second) {
      return Status::InvalidArgument(e.PathOf("version"),
                                     fmt::format("{} version {} is already defined", m.id, m.version));
    }
    paths.emplace(m.id, path);
    f.formulas.push_back(std::move(m));
  }
  // One approved version per id, and it is the newest: a superseded version above it would mean
  // the newest recipe is withdrawn while an older one is in use.
  for (const auto& [id, path] : paths) {
    int approved = 0, approved_version = 0, highest = 0;
    for (const MasterFormula& m : f.formulas) {
      if (m.id != id) continue;
      highest = std::max(highest, m.version);
      if (m.status == FormulaStatus::kApproved) {
        ++approved;
        approved_version = m.version;
      }
    }
    if (approved > 1)
      return Status::InvalidArgument(path + ".status", fmt::format("{} has {} approved versions", id, approved));
    if (approved == 1 && approved_version != highest) {
      return Status::InvalidArgument(path + ".status", fmt::format("{}: approved version {} is older than version {}",
                                                                   id, approved_version, highest));
    }
  }
  for (size_t i = 0; i < f.formulas.size(); ++i) {
    const MasterFormula& m = f.formulas[i];
    for (size_t t = 0; t < m.twin_of.size(); ++t) {
      const auto it = paths.find(m.twin_of[t]);
      bool active = false;
      for (const MasterFormula& a : f.formulas) active = active || (a.id == m.twin_of[t] && !a.placebo);
      if (it == paths.end() || !active) {
        return Status::InvalidArgument(fmt::format("entries[{}].twin_of[{}]", i, t),
                                       fmt::format("'{}' is not an active formula of this file", m.twin_of[t]));
      }
    }
  }
  return Status::Ok();
}

std::string KnownIds(const MasterFormulary& f) {
  std::vector<std::string> ids;
  for (const MasterFormula& m : f.formulas) {
    if (std::find(ids.begin(), ids.end(), m.id) == ids.end()) ids.push_back(m.id);
  }
  return fmt::format("{}", fmt::join(ids, ", "));
}

bool KnownId(const MasterFormulary& f, std::string_view id) {
  for (const MasterFormula& m : f.formulas) {
    if (m.id == id) return true;
  }
  return false;
}

}  // namespace

std::string_view FormulaStatusName(FormulaStatus s) {
  return s == FormulaStatus::kApproved ? "approved" : "superseded";
}

Result<MasterFormulary> ParseMasterFormulary(std::string_view json) {
  auto doc = ParseJson(json);
  if (!doc.ok()) return Prefixed(doc.status());
  MasterFormulary f;
  Status s = ParseDocument(*doc, f);
  if (!s.ok()) return Prefixed(s);
  return f;
}

const Result<MasterFormulary>& LoadMasterFormulary() {
  static const Result<MasterFormulary> kFormulary = []() -> Result<MasterFormulary> {
    auto text = KnowledgeFileText(kFile);
    if (!text.ok()) return Status::Internal(fmt::format("data/{} is not embedded", kFile));
    auto f = ParseMasterFormulary(*text);
    if (!f.ok()) return Status::Internal("master formulas: " + f.status().ToString());
    return f;
  }();
  return kFormulary;
}

Result<MasterFormula> FindMasterFormula(const MasterFormulary& f, std::string_view id, int version,
                                        std::string_view field) {
  if (!KnownId(f, id)) {
    return Status::InvalidArgument(std::string(field),
                                   fmt::format("unknown master formula '{}'; known: {}", id, KnownIds(f)));
  }
  for (const MasterFormula& m : f.formulas) {
    if (m.id == id && m.version == version) return m;
  }
  return Status::NotFound(fmt::format("master formula {} has no version {}", id, version));
}

Result<MasterFormula> CurrentMasterFormula(const MasterFormulary& f, std::string_view id, std::string_view field) {
  if (!KnownId(f, id)) {
    return Status::InvalidArgument(std::string(field),
                                   fmt::format("unknown master formula '{}'; known: {}", id, KnownIds(f)));
  }
  for (const MasterFormula& m : f.formulas) {
    if (m.id == id && m.status == FormulaStatus::kApproved) return m;
  }
  return Status::Conflict(fmt::format("master formula {} has no approved version (withdrawn)", id));
}

std::vector<MasterFormula> CurrentMasterFormulas(const MasterFormulary& f) {
  std::vector<MasterFormula> out;
  for (const MasterFormula& m : f.formulas) {
    if (m.status == FormulaStatus::kApproved) out.push_back(m);
  }
  return out;
}

nlohmann::json MasterFormulaToJson(const MasterFormula& m) {
  nlohmann::json j;
  j["id"] = m.id;
  j["version"] = m.version;
  j["status"] = FormulaStatusName(m.status);
  j["approved_by"] = m.approved_by;
  j["approved_on"] = FormatDate(m.approved_on);
  j["name"] = m.name;
  j["form"] = m.form == DispensedForm::kCapsule ? "capsule" : "oral-liquid";
  j["strength_mg"] = m.strength.milligrams_hcl();
  j["placebo"] = m.placebo;
  j["twin_of"] = m.twin_of;
  if (m.form == DispensedForm::kCapsule) {
    j["capsule_size"] = m.capsule_size;
    j["filler"] = m.filler;
    j["capsule_shell"] = m.capsule_shell;
  } else {
    j["liquid_formula"] = m.liquid_formula;
    j["preserved"] = m.preserved;
  }
  j["appearance"] = m.appearance;
  j["batch_units"] = m.batch_units;
  j["ingredients"] = nlohmann::json::array();
  for (const MasterIngredient& i : m.ingredients) {
    nlohmann::json x = {{"name", i.name}, {"role", i.role}, {"unit", i.unit}};
    if (i.qs) {
      x["qs"] = true;
    } else {
      x["amount_per_unit"] = *i.amount_per_unit;
    }
    if (!i.note.empty()) x["note"] = i.note;
    j["ingredients"].push_back(std::move(x));
  }
  j["method"] = m.method;
  j["qc"] = nlohmann::json::array();
  for (const QcTest& q : m.qc) {
    j["qc"].push_back({{"id", q.id}, {"method", q.method}, {"acceptance", q.acceptance}, {"source", q.source}});
  }
  j["packaging"] = m.packaging;
  j["storage"] = StorageName(m.storage);
  j["bud"] = {{"category", BudCategoryId(m.bud.category)},
              {"storage", StorageName(m.bud.storage)},
              {"study", m.bud.study ? nlohmann::json(*m.bud.study) : nlohmann::json(nullptr)},
              {"days", m.bud.days},
              {"rationale", m.bud.rationale}};
  j["auxiliary"] = m.auxiliary;
  j["source"] = m.source;
  if (!m.note.empty()) j["note"] = m.note;
  return j;
}

}  // namespace ldn::pharmacy
