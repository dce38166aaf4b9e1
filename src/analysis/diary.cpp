#include "analysis/diary.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "core/json_reader.h"
#include "core/text.h"

namespace ldn::analysis {
namespace {

// Item keys in the order of enum Item; data/diary_items.json must hold exactly these ids in this
// order (CheckItemDefinitions). Their directions and wording are the file's, never the code's.
constexpr std::array<std::string_view, kItemCount> kItemNames = {
    "pain", "fatigue", "sleep", "mood", "anxiety", "cognition", "stiffness", "sensitivity", "stress"};

// The item definitions of data/diary_items.json in enum order, or why they are unusable.
struct ItemTable {
  Status status = Status::Ok();
  int scale_version = 0;
  std::array<const clinical::DiaryItem*, kItemCount> items{};
};

const ItemTable& Table() {
  static const ItemTable table = [] {
    ItemTable t;
    const Result<clinical::DiaryItemSet>& set = clinical::LoadDiaryItemSet();
    if (!set.ok()) {
      t.status = set.status();
      return t;
    }
    if (set->items.size() != kItemCount) {
      t.status = Status::Internal(
          fmt::format("data/diary_items.json: expected the {} diary items, found {}", kItemCount, set->items.size()));
      return t;
    }
    for (int i = 0; i < kItemCount; ++i) {
      if (set->items[i].id != kItemNames[i]) {
        t.status = Status::Internal(fmt::format("data/diary_items.json: entries[{}].id is '{}', expected '{}'", i,
                                                set->items[i].id, kItemNames[i]));
        return t;
      }
      t.items[i] = &set->items[i];
    }
    // Pain is the analysis's primary outcome (analysis/response.h): the diary must ask it every
    // day, so it is on the first screen of every patient's diary (issue 15, item 1).
    if (!t.items[static_cast<int>(Item::kPain)]->core) {
      t.status = Status::Internal("data/diary_items.json: 'pain' must be a core item (\"core\": true)");
      return t;
    }
    t.scale_version = set->scale_version;
    return t;
  }();
  return table;
}

// A broken embedded knowledge file is a build defect: every test would fail on it first.
const ItemTable& CheckedTable() {
  const ItemTable& t = Table();
  if (!t.status.ok()) {
    std::fprintf(stderr, "ldn: %s\n", t.status.ToString().c_str());
    std::abort();
  }
  return t;
}

// Instrument kinds scored by the clinical layer (clinical-facts.md section 3).
constexpr std::array<std::string_view, 3> kInstrumentKinds = {"fiqr", "pgic", "acr2016"};

bool IsSnakeCase(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// Checks that `date` is strictly after the previous one in an array; `what` is the array name.
Status CheckIncreasing(const std::optional<LocalDate>& previous, LocalDate date, const std::string& field) {
  if (!previous) return Status::Ok();
  if (date == *previous) return Status::InvalidArgument(field, "duplicate date " + FormatDate(date));
  if (date < *previous) {
    return Status::InvalidArgument(
        field, "dates must be in increasing order: " + FormatDate(date) + " comes after " + FormatDate(*previous));
  }
  return Status::Ok();
}

Result<std::vector<CourseStep>> ReadCourse(JsonObject& root) {
  LDN_ASSIGN_OR_RETURN(JsonObject course, root.Object("course"));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* steps, course.Array("steps"));
  if (steps->empty()) return Status::InvalidArgument(course.PathOf("steps"), "the course needs at least one step");
  std::vector<CourseStep> out;
  std::optional<LocalDate> previous;
  for (size_t i = 0; i < steps->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(JsonObject s, JsonObject::Of((*steps)[i], IndexPath(course.PathOf("steps"), i)));
    CourseStep step;
    LDN_ASSIGN_OR_RETURN(step.start, s.Date("start"));
    LDN_RETURN_IF_ERROR(CheckIncreasing(previous, step.start, s.PathOf("start")));
    previous = step.start;
    // 0 mg is allowed (a planned pause); 50 mg is the commercial tablet, far above any LDN dose.
    LDN_ASSIGN_OR_RETURN(double mg, s.Number("dose_mg", 0, 50));
    LDN_ASSIGN_OR_RETURN(step.dose, Dose::FromMilligramsHcl(mg, s.PathOf("dose_mg")));
    LDN_RETURN_IF_ERROR(s.RejectUnknownKeys());
    out.push_back(step);
  }
  LDN_RETURN_IF_ERROR(course.RejectUnknownKeys());
  return out;
}

Result<std::vector<DoseLog>> ReadDoses(JsonObject& root, const Diary& diary) {
  std::vector<DoseLog> out;
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* doses, root.OptionalArray("doses"));
  if (doses == nullptr) return out;
  std::optional<LocalDate> previous;
  for (size_t i = 0; i < doses->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of((*doses)[i], IndexPath("doses", i)));
    DoseLog log;
    LDN_ASSIGN_OR_RETURN(log.date, o.Date("date"));
    LDN_RETURN_IF_ERROR(CheckIncreasing(previous, log.date, o.PathOf("date")));
    previous = log.date;
    LDN_ASSIGN_OR_RETURN(log.taken, o.Bool("taken"));
    LDN_ASSIGN_OR_RETURN(std::optional<double> mg, o.OptionalNumber("dose_mg", 0, 50));
    if (mg) {
      LDN_ASSIGN_OR_RETURN(Dose d, Dose::FromMilligramsHcl(*mg, o.PathOf("dose_mg")));
      log.dose = d;
    }
    LDN_ASSIGN_OR_RETURN(std::optional<std::string> time, o.OptionalString("time"));
    if (time) {
      LDN_ASSIGN_OR_RETURN(TimeOfDay t, ParseTimeOfDay(*time, o.PathOf("time")));
      log.time = t;
    }
    LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
    const CourseStep* step = diary.StepOn(log.date);
    if (step == nullptr) {
      return Status::InvalidArgument(o.PathOf("date"), "dose logged on " + FormatDate(log.date) +
                                                           ", before the course starts on " +
                                                           FormatDate(diary.steps.front().start));
    }
    if (log.taken && !log.dose) return Status::InvalidArgument(o.PathOf("dose_mg"), "a taken dose needs dose_mg");
    // A taken dose other than the step's is kept as logged: it is what the patient took, and the
    // analysis reports it as a deviation (issue 12) instead of refusing the whole record.
    out.push_back(std::move(log));
  }
  return out;
}

// A day's lifestyle factors (data/diary_items.json "lifestyle"), in the file's order. Strict, as
// the rest of the day: an unknown factor is named, never dropped.
Result<std::vector<LifestyleValue>> ReadLifestyle(JsonObject& life) {
  std::vector<LifestyleValue> out;
  for (const clinical::LifestyleFactor& f : LifestyleFactors()) {
    if (f.kind == clinical::LifestyleKind::kYesNo) {
      LDN_ASSIGN_OR_RETURN(std::optional<bool> yes, life.OptionalBool(f.id));
      if (yes) out.push_back({f.id, *yes ? 1.0 : 0.0});
      continue;
    }
    LDN_ASSIGN_OR_RETURN(std::optional<double> v, life.OptionalNumber(f.id, f.min, f.max));
    if (!v) continue;
    if (!f.Allows(*v)) {
      return Status::InvalidArgument(life.PathOf(f.id),
                                     fmt::format("must be {} to {} {} in steps of {}", f.min, f.max, f.unit, f.step));
    }
    out.push_back({f.id, *v});
  }
  LDN_RETURN_IF_ERROR(life.RejectUnknownKeys());
  return out;
}

// A day's own items ("custom"): the shape only (the patient's settings say which keys and kinds
// are theirs: CheckCustomValues). Sorted by key, so a day is written the same way each time.
Result<std::vector<CustomValue>> ReadCustom(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object())
    return Status::InvalidArgument(path, "expected an object of your own items, e.g. {\"headache\": 6}");
  if (j.size() > kMaxCustomValuesPerDay) {
    return Status::InvalidArgument(path, fmt::format("at most {} own items a day", kMaxCustomValuesPerDay));
  }
  std::vector<CustomValue> out;
  for (const auto& [key, v] : j.items()) {
    const std::string field = path + "." + key;
    if (!IsCustomKey(key)) {
      return Status::InvalidArgument(field, "an own item's key is 1-32 of a-z, 0-9 and _, starting with a letter");
    }
    CustomValue c;
    c.key = key;
    if (v.is_boolean()) {
      c.yes_no = true;
      c.value = v.get<bool>() ? 1 : 0;
    } else if (v.is_number()) {
      c.value = v.get<double>();
      if (!std::isfinite(c.value) || c.value < 0 || c.value > kMaxCustomNumber) {
        return Status::InvalidArgument(field, fmt::format("must be a number from 0 to {}", kMaxCustomNumber));
      }
    } else {
      return Status::InvalidArgument(field, "expected a number, true or false");
    }
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const CustomValue& a, const CustomValue& b) { return a.key < b.key; });
  return out;
}

Result<DiaryDay> ReadDay(const nlohmann::json& j, const std::string& path, int scale_version) {
  LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of(j, path));
  DiaryDay day;
  LDN_ASSIGN_OR_RETURN(day.date, o.Date("date"));
  for (int i = 0; i < kItemCount; ++i) {
    // Every item is a 0-10 numeric rating scale (clinical-facts.md section 6, note 5), kept on
    // the current scale version.
    LDN_ASSIGN_OR_RETURN(std::optional<int64_t> v, o.OptionalInteger(kItemNames[i], 0, 10));
    if (v) day.items[i] = ToCurrentScale(kAllItems[i], static_cast<int>(*v), scale_version);
  }
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* effects, o.OptionalArray("side_effects", kMaxSideEffectsPerDay));
  if (effects != nullptr) {
    std::set<std::string> seen;
    for (size_t k = 0; k < effects->size(); ++k) {
      LDN_ASSIGN_OR_RETURN(JsonObject e, JsonObject::Of((*effects)[k], IndexPath(o.PathOf("side_effects"), k)));
      SideEffect se;
      LDN_ASSIGN_OR_RETURN(se.name, e.String("name"));
      if (!IsSnakeCase(se.name)) {
        return Status::InvalidArgument(e.PathOf("name"), "must be lower-case snake_case, e.g. vivid_dreams");
      }
      if (!seen.insert(se.name).second)
        return Status::InvalidArgument(e.PathOf("name"), "duplicate side effect " + se.name);
      LDN_ASSIGN_OR_RETURN(int64_t sev, e.Integer("severity", 1, 3));
      se.severity = static_cast<int>(sev);
      LDN_RETURN_IF_ERROR(e.RejectUnknownKeys());
      day.side_effects.push_back(std::move(se));
    }
  }
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* rescue, o.OptionalArray("rescue_medication", kMaxRescueMedicationsPerDay));
  if (rescue != nullptr) {
    for (size_t k = 0; k < rescue->size(); ++k) {
      const std::string path = IndexPath(o.PathOf("rescue_medication"), k);
      LDN_ASSIGN_OR_RETURN(std::string name, ReadString((*rescue)[k], path));
      if (name.empty()) return Status::InvalidArgument(path, "is empty");
      LDN_RETURN_IF_ERROR(CheckLine(name, path, kMaxRescueMedicationChars));
      day.rescue_medication.push_back(std::move(name));
    }
  }
  LDN_ASSIGN_OR_RETURN(day.note, o.OptionalText("note", kMaxDiaryNoteChars));
  if (o.HasNonNull("lifestyle")) {
    LDN_ASSIGN_OR_RETURN(JsonObject life, o.Object("lifestyle"));
    LDN_ASSIGN_OR_RETURN(day.lifestyle, ReadLifestyle(life));
  } else {
    o.Consume("lifestyle");
  }
  if (o.HasNonNull("custom")) {
    LDN_ASSIGN_OR_RETURN(day.custom, ReadCustom(j.at("custom"), o.PathOf("custom")));
  }
  o.Consume("custom");
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  return day;
}

Result<std::vector<InstrumentEntry>> ReadInstruments(JsonObject& root) {
  std::vector<InstrumentEntry> out;
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* arr, root.OptionalArray("instruments"));
  if (arr == nullptr) return out;
  for (size_t i = 0; i < arr->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of((*arr)[i], IndexPath("instruments", i)));
    InstrumentEntry e;
    LDN_ASSIGN_OR_RETURN(e.date, o.Date("date"));
    LDN_ASSIGN_OR_RETURN(e.kind, o.String("kind"));
    if (std::find(kInstrumentKinds.begin(), kInstrumentKinds.end(), e.kind) == kInstrumentKinds.end()) {
      return Status::InvalidArgument(o.PathOf("kind"),
                                     "unknown instrument \"" + e.kind + "\"; expected fiqr, pgic or acr2016");
    }
    if (!out.empty()) {
      if (e.date < out.back().date) {
        return Status::InvalidArgument(o.PathOf("date"), "dates must be in non-decreasing order");
      }
      for (const InstrumentEntry& prev : out) {
        if (prev.date == e.date && prev.kind == e.kind) {
          return Status::InvalidArgument(o.PathOf("date"), "duplicate " + e.kind + " on " + FormatDate(e.date));
        }
      }
    }
    LDN_ASSIGN_OR_RETURN(JsonObject answers, o.Object("answers"));
    (void)answers;  // Scored by the clinical layer; kept verbatim here.
    e.answers_json = (*arr)[i].at("answers").dump();
    LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

bool IsCustomKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxCustomKeyChars || key[0] < 'a' || key[0] > 'z') return false;
  return std::all_of(key.begin(), key.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

std::string_view ItemName(Item item) {
  return kItemNames[static_cast<int>(item)];
}

const std::vector<clinical::LifestyleFactor>& LifestyleFactors() {
  static const std::vector<clinical::LifestyleFactor> none;
  const Result<clinical::DiaryItemSet>& set = clinical::LoadDiaryItemSet();
  return set.ok() ? set->lifestyle : none;
}

const clinical::LifestyleFactor* FindLifestyleFactor(std::string_view id) {
  for (const clinical::LifestyleFactor& f : LifestyleFactors()) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

Status CheckItemDefinitions() {
  return Table().status;
}

const clinical::DiaryItem& ItemDefinition(Item item) {
  return *CheckedTable().items[static_cast<int>(item)];
}

int CurrentScaleVersion() {
  return CheckedTable().scale_version;
}

bool HigherIsBetter(Item item) {
  return ItemDefinition(item).direction == clinical::ScaleDirection::kHigherIsBetter;
}

std::string_view ItemHigherIs(Item item) {
  return clinical::ScaleDirectionName(ItemDefinition(item).direction);
}

const std::string& ItemLabel(Item item) {
  return ItemDefinition(item).label;
}

int ToCurrentScale(Item item, int value, int from_version) {
  assert(from_version >= 1 && from_version <= CurrentScaleVersion());
  assert(value >= 0 && value <= 10);
  const clinical::DiaryItem& def = ItemDefinition(item);
  return def.DirectionOn(from_version) == def.direction ? value : 10 - value;
}

std::string ScaleVersionHelp() {
  // The meaning of each version comes from the data: the items whose direction differs.
  std::string changed;
  for (Item item : kAllItems) {
    const clinical::DiaryItem& def = ItemDefinition(item);
    for (const clinical::DiaryItemRevision& r : def.history) {
      if (r.direction == def.direction) continue;
      changed += fmt::format("{}on scale {} {} ran 0 = {}, 10 = {}", changed.empty() ? "" : "; ", r.scale_version,
                             def.id, r.anchor_0, r.anchor_10);
    }
  }
  return fmt::format("the scale version of the ratings: {} (every item 0 = best, 10 = worst){}", CurrentScaleVersion(),
                     changed.empty() ? "" : "; " + changed);
}

const CourseStep* Diary::StepOn(LocalDate d) const {
  const CourseStep* found = nullptr;
  for (const CourseStep& s : steps) {
    if (s.start <= d) found = &s;
  }
  return found;
}

Result<Diary> ParseDiaryJson(std::string_view text) {
  LDN_RETURN_IF_ERROR(CheckItemDefinitions());
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(text));
  LDN_ASSIGN_OR_RETURN(JsonObject root, JsonObject::Of(j, ""));
  Diary diary;
  // The meaning of the numbers first: a diary without it cannot be read safely (mood ran the
  // other way on scale 1).
  if (!root.HasNonNull("scale_version")) {
    return Status::InvalidArgument("scale_version", "is required: " + ScaleVersionHelp());
  }
  LDN_ASSIGN_OR_RETURN(int64_t scale_version, root.Integer("scale_version", 1, 1000000));
  if (scale_version > CurrentScaleVersion()) {
    return Status::InvalidArgument(
        "scale_version", fmt::format("{} is newer than this ldn knows; {}", scale_version, ScaleVersionHelp()));
  }
  diary.input_scale_version = static_cast<int>(scale_version);
  LDN_ASSIGN_OR_RETURN(JsonObject patient, root.Object("patient"));
  LDN_ASSIGN_OR_RETURN(diary.patient_id, patient.String("id"));
  if (diary.patient_id.empty()) return Status::InvalidArgument(patient.PathOf("id"), "is empty");
  LDN_RETURN_IF_ERROR(CheckLine(diary.patient_id, patient.PathOf("id"), kMaxPatientIdChars));
  LDN_ASSIGN_OR_RETURN(std::string tz, patient.String("time_zone"));
  LDN_ASSIGN_OR_RETURN(diary.time_zone, TimeZone::Named(tz, patient.PathOf("time_zone")));
  LDN_RETURN_IF_ERROR(patient.RejectUnknownKeys());
  LDN_ASSIGN_OR_RETURN(diary.steps, ReadCourse(root));
  LDN_ASSIGN_OR_RETURN(diary.doses, ReadDoses(root, diary));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* days, root.Array("diary"));
  std::optional<LocalDate> previous;
  for (size_t i = 0; i < days->size(); ++i) {
    const std::string path = IndexPath("diary", i);
    LDN_ASSIGN_OR_RETURN(DiaryDay day, ReadDay((*days)[i], path, diary.input_scale_version));
    LDN_RETURN_IF_ERROR(CheckIncreasing(previous, day.date, path + ".date"));
    previous = day.date;
    diary.days.push_back(std::move(day));
  }
  LDN_ASSIGN_OR_RETURN(diary.instruments, ReadInstruments(root));
  LDN_RETURN_IF_ERROR(root.RejectUnknownKeys());
  return diary;
}

}  // namespace ldn::analysis
