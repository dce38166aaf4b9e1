#include "clinical/instruments/diary_definitions.h"

#include <cmath>
#include <initializer_list>
#include <set>

#include <fmt/format.h>

#include "core/json_reader.h"
#include "core/knowledge_files.h"

namespace ldn::clinical {
namespace {

Result<std::string> NonEmpty(JsonObject& obj, std::string_view key) {
  LDN_ASSIGN_OR_RETURN(std::string s, obj.String(key));
  if (s.empty()) return Status::InvalidArgument(obj.PathOf(key), "must not be empty");
  return s;
}

Status CheckUniqueId(std::set<std::string>& ids, const std::string& id, const std::string& path) {
  if (!ids.insert(id).second) return Status::InvalidArgument(path, fmt::format("duplicate id '{}'", id));
  return Status::Ok();
}

template <typename T>
Result<T> Internal(std::string_view file, Result<T> r) {
  if (r.ok()) return r;
  return Status::Internal(fmt::format("data/{}: {}", file, r.status().ToString()));
}

// An entry's "translations" (issue 15, item 6): {"da": {"label": ...}, "nb": {...}}, each
// language's texts under the entry's own field names (a subset of `fields`), each a non-empty
// string. Optional here: the C++ side shows only the English; the web app picks a translation
// (web/js/i18n.js pick()), and scripts/web-kb.py --check requires every text in da and nb.
Status CheckTranslations(JsonObject& e, const nlohmann::json& raw, std::initializer_list<std::string_view> fields) {
  e.Consume("translations");
  const auto it = raw.find("translations");
  if (it == raw.end() || it->is_null()) return Status::Ok();
  const std::string path = e.PathOf("translations");
  if (!it->is_object()) return Status::InvalidArgument(path, "expected an object of languages");
  for (const auto& [lang, texts] : it->items()) {
    LDN_ASSIGN_OR_RETURN(JsonObject t, JsonObject::Of(texts, fmt::format("{}.{}", path, lang)));
    for (std::string_view f : fields) {
      if (t.Has(f)) LDN_RETURN_IF_ERROR(NonEmpty(t, f).status());
    }
    LDN_RETURN_IF_ERROR(t.RejectUnknownKeys());
  }
  return Status::Ok();
}

Result<ScaleDirection> ReadDirection(JsonObject& e) {
  LDN_ASSIGN_OR_RETURN(std::string dir, NonEmpty(e, "higher_is"));
  if (dir == "worse") return ScaleDirection::kHigherIsWorse;
  if (dir == "better") return ScaleDirection::kHigherIsBetter;
  return Status::InvalidArgument(e.PathOf("higher_is"),
                                 fmt::format("expected \"worse\" or \"better\", got \"{}\"", dir));
}

}  // namespace

std::string_view ScaleDirectionName(ScaleDirection d) {
  return d == ScaleDirection::kHigherIsWorse ? "worse" : "better";
}

ScaleDirection DiaryItem::DirectionOn(int version) const {
  for (const DiaryItemRevision& r : history) {
    if (r.scale_version == version) return r.direction;
  }
  return direction;
}

namespace {

// True when `v` is a whole multiple of `step` (to a millionth of a step: the file's numbers are
// decimal fractions such as 0.5).
bool IsMultipleOf(double v, double step) {
  const double k = v / step;
  return std::fabs(k - std::round(k)) < 1e-6;
}

Result<std::vector<LifestyleFactor>> ReadLifestyle(const nlohmann::json& list) {
  std::vector<LifestyleFactor> out;
  std::set<std::string> ids;
  for (size_t i = 0; i < list.size(); ++i) {
    LDN_ASSIGN_OR_RETURN(JsonObject e, JsonObject::Of(list[i], IndexPath("lifestyle", i)));
    LifestyleFactor f;
    LDN_ASSIGN_OR_RETURN(f.id, NonEmpty(e, "id"));
    LDN_RETURN_IF_ERROR(CheckUniqueId(ids, f.id, e.PathOf("id")));
    LDN_ASSIGN_OR_RETURN(f.label, NonEmpty(e, "label"));
    LDN_ASSIGN_OR_RETURN(f.question, NonEmpty(e, "question"));
    LDN_ASSIGN_OR_RETURN(std::string kind, NonEmpty(e, "kind"));
    if (kind == "number") {
      f.kind = LifestyleKind::kNumber;
      LDN_ASSIGN_OR_RETURN(f.unit, NonEmpty(e, "unit"));
      LDN_ASSIGN_OR_RETURN(f.min, e.Number("min", -1e9, 1e9));
      LDN_ASSIGN_OR_RETURN(f.max, e.Number("max", -1e9, 1e9));
      LDN_ASSIGN_OR_RETURN(f.step, e.Number("step", 0, 1e9));
      if (!(f.step > 0)) return Status::InvalidArgument(e.PathOf("step"), "must be above 0");
      if (!(f.min < f.max)) return Status::InvalidArgument(e.PathOf("max"), "must be above min");
      if (!IsMultipleOf(f.min, f.step) || !IsMultipleOf(f.max, f.step)) {
        return Status::InvalidArgument(e.PathOf("step"), "min and max must be multiples of step");
      }
    } else if (kind == "yes_no") {
      f.kind = LifestyleKind::kYesNo;
    } else {
      return Status::InvalidArgument(e.PathOf("kind"), "must be number or yes_no");
    }
    LDN_ASSIGN_OR_RETURN(f.source, NonEmpty(e, "source"));
    if (f.kind == LifestyleKind::kNumber) {
      LDN_RETURN_IF_ERROR(CheckTranslations(e, list[i], {"label", "question", "unit"}));
    } else {
      LDN_RETURN_IF_ERROR(CheckTranslations(e, list[i], {"label", "question"}));
    }
    LDN_RETURN_IF_ERROR(e.RejectUnknownKeys());
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

bool LifestyleFactor::Allows(double v) const {
  return kind == LifestyleKind::kNumber && v >= min && v <= max && IsMultipleOf(v - min, step);
}

Result<DiaryItemSet> ParseDiaryItemSet(std::string_view text) {
  LDN_ASSIGN_OR_RETURN(nlohmann::json doc, ParseJson(text));
  LDN_ASSIGN_OR_RETURN(JsonObject top, JsonObject::Of(doc, ""));
  DiaryItemSet set;
  LDN_ASSIGN_OR_RETURN(set.version, NonEmpty(top, "version"));
  LDN_ASSIGN_OR_RETURN(std::string description, NonEmpty(top, "description"));
  LDN_ASSIGN_OR_RETURN(int64_t scale_version, top.Integer("scale_version", 1, 1000));
  set.scale_version = static_cast<int>(scale_version);
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* entries, top.Array("entries"));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* lifestyle, top.OptionalArray("lifestyle"));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> lifestyle_description, top.OptionalString("lifestyle_description"));
  if (lifestyle != nullptr && !lifestyle_description) {
    return Status::InvalidArgument("lifestyle_description", "is required with lifestyle");
  }
  LDN_RETURN_IF_ERROR(top.RejectUnknownKeys());
  if (lifestyle != nullptr) {
    LDN_ASSIGN_OR_RETURN(set.lifestyle, ReadLifestyle(*lifestyle));
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < entries->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(JsonObject e, JsonObject::Of((*entries)[i], IndexPath("entries", i)));
    DiaryItem item;
    LDN_ASSIGN_OR_RETURN(item.id, NonEmpty(e, "id"));
    LDN_RETURN_IF_ERROR(CheckUniqueId(ids, item.id, e.PathOf("id")));
    LDN_ASSIGN_OR_RETURN(item.label, NonEmpty(e, "label"));
    LDN_ASSIGN_OR_RETURN(item.question, NonEmpty(e, "question"));
    LDN_ASSIGN_OR_RETURN(item.anchor_0, NonEmpty(e, "anchor_0"));
    LDN_ASSIGN_OR_RETURN(item.anchor_10, NonEmpty(e, "anchor_10"));
    LDN_ASSIGN_OR_RETURN(item.direction, ReadDirection(e));
    LDN_ASSIGN_OR_RETURN(item.source, NonEmpty(e, "source"));
    LDN_ASSIGN_OR_RETURN(std::optional<bool> core, e.OptionalBool("core"));
    item.core = core.value_or(false);
    LDN_ASSIGN_OR_RETURN(const nlohmann::json* history, e.OptionalArray("scale_history"));
    if (history != nullptr) {
      for (size_t k = 0; k < history->size(); ++k) {
        LDN_ASSIGN_OR_RETURN(JsonObject h, JsonObject::Of((*history)[k], IndexPath(e.PathOf("scale_history"), k)));
        DiaryItemRevision r;
        LDN_ASSIGN_OR_RETURN(int64_t v, h.Integer("scale_version", 1, 1000));
        r.scale_version = static_cast<int>(v);
        if (r.scale_version >= set.scale_version) {
          return Status::InvalidArgument(h.PathOf("scale_version"),
                                         fmt::format("must be below the current scale_version {}", set.scale_version));
        }
        if (!item.history.empty() && r.scale_version <= item.history.back().scale_version) {
          return Status::InvalidArgument(h.PathOf("scale_version"), "versions must be increasing");
        }
        LDN_ASSIGN_OR_RETURN(r.label, NonEmpty(h, "label"));
        LDN_ASSIGN_OR_RETURN(r.question, NonEmpty(h, "question"));
        LDN_ASSIGN_OR_RETURN(r.anchor_0, NonEmpty(h, "anchor_0"));
        LDN_ASSIGN_OR_RETURN(r.anchor_10, NonEmpty(h, "anchor_10"));
        LDN_ASSIGN_OR_RETURN(r.direction, ReadDirection(h));
        LDN_RETURN_IF_ERROR(h.RejectUnknownKeys());
        item.history.push_back(std::move(r));
      }
    }
    LDN_RETURN_IF_ERROR(CheckTranslations(e, (*entries)[i], {"label", "question", "anchor_0", "anchor_10"}));
    LDN_RETURN_IF_ERROR(e.RejectUnknownKeys());
    set.items.push_back(std::move(item));
  }
  if (set.items.empty()) return Status::InvalidArgument("entries", "no diary items");
  return set;
}

Result<std::vector<DiaryItem>> ParseDiaryItems(std::string_view text) {
  LDN_ASSIGN_OR_RETURN(DiaryItemSet set, ParseDiaryItemSet(text));
  return std::move(set.items);
}

Result<SideEffectChecklist> ParseSideEffectChecklist(std::string_view text) {
  LDN_ASSIGN_OR_RETURN(nlohmann::json doc, ParseJson(text));
  LDN_ASSIGN_OR_RETURN(JsonObject top, JsonObject::Of(doc, ""));
  LDN_ASSIGN_OR_RETURN(std::string version, NonEmpty(top, "version"));
  LDN_ASSIGN_OR_RETURN(std::string description, NonEmpty(top, "description"));
  SideEffectChecklist out;
  LDN_ASSIGN_OR_RETURN(out.severity_scale_source, NonEmpty(top, "severity_scale_source"));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* scale, top.Array("severity_scale"));
  for (size_t i = 0; i < scale->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(JsonObject s, JsonObject::Of((*scale)[i], IndexPath("severity_scale", i)));
    SeverityLevel level;
    LDN_ASSIGN_OR_RETURN(int64_t value, s.Integer("value", 1, 3));
    if (value != static_cast<int64_t>(i) + 1) {
      return Status::InvalidArgument(s.PathOf("value"), fmt::format("expected {} (levels 1-3 in order)", i + 1));
    }
    level.value = static_cast<int>(value);
    LDN_ASSIGN_OR_RETURN(level.label, NonEmpty(s, "label"));
    LDN_ASSIGN_OR_RETURN(level.description, NonEmpty(s, "description"));
    LDN_RETURN_IF_ERROR(s.RejectUnknownKeys());
    out.severity_scale.push_back(std::move(level));
  }
  if (out.severity_scale.size() != 3) return Status::InvalidArgument("severity_scale", "expected 3 levels (1-3)");
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* entries, top.Array("entries"));
  LDN_RETURN_IF_ERROR(top.RejectUnknownKeys());
  std::set<std::string> ids;
  for (size_t i = 0; i < entries->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(JsonObject e, JsonObject::Of((*entries)[i], IndexPath("entries", i)));
    SideEffectDefinition def;
    LDN_ASSIGN_OR_RETURN(def.id, NonEmpty(e, "id"));
    LDN_RETURN_IF_ERROR(CheckUniqueId(ids, def.id, e.PathOf("id")));
    LDN_ASSIGN_OR_RETURN(def.label, NonEmpty(e, "label"));
    LDN_ASSIGN_OR_RETURN(const nlohmann::json* rates, e.Array("trial_rates"));
    for (size_t k = 0; k < rates->size(); ++k) {
      LDN_ASSIGN_OR_RETURN(JsonObject r, JsonObject::Of((*rates)[k], IndexPath(e.PathOf("trial_rates"), k)));
      SideEffectTrialRate rate;
      LDN_ASSIGN_OR_RETURN(rate.study, NonEmpty(r, "study"));
      LDN_ASSIGN_OR_RETURN(rate.ldn_percent, r.Number("ldn_percent", 0, 100));
      LDN_ASSIGN_OR_RETURN(rate.placebo_percent, r.Number("placebo_percent", 0, 100));
      LDN_RETURN_IF_ERROR(r.RejectUnknownKeys());
      def.trial_rates.push_back(std::move(rate));
    }
    LDN_ASSIGN_OR_RETURN(def.source, NonEmpty(e, "source"));
    LDN_RETURN_IF_ERROR(CheckTranslations(e, (*entries)[i], {"label"}));
    LDN_RETURN_IF_ERROR(e.RejectUnknownKeys());
    out.items.push_back(std::move(def));
  }
  if (out.items.empty()) return Status::InvalidArgument("entries", "no side effects");
  return out;
}

const Result<DiaryItemSet>& LoadDiaryItemSet() {
  static const Result<DiaryItemSet>* loaded = [] {
    constexpr std::string_view kFile = "diary_items.json";
    auto text = KnowledgeFileText(kFile);
    if (!text.ok()) return new Result<DiaryItemSet>(Status::Internal(fmt::format("data/{} is not embedded", kFile)));
    return new Result<DiaryItemSet>(Internal(kFile, ParseDiaryItemSet(*text)));
  }();
  return *loaded;
}

Result<std::vector<DiaryItem>> LoadDiaryItems() {
  const Result<DiaryItemSet>& set = LoadDiaryItemSet();
  if (!set.ok()) return set.status();
  return set->items;
}

Result<SideEffectChecklist> LoadSideEffectChecklist() {
  constexpr std::string_view kFile = "side_effects.json";
  auto text = KnowledgeFileText(kFile);
  if (!text.ok()) return Status::Internal(fmt::format("data/{} is not embedded", kFile));
  return Internal(kFile, ParseSideEffectChecklist(*text));
}

}  // namespace ldn::clinical
