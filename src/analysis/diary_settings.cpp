#include "analysis/diary_settings.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "core/json_reader.h"
#include "core/message.h"
#include "core/text.h"

namespace ldn::analysis {
namespace {

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Result<CustomKind> ReadKind(const std::string& text, const std::string& field) {
  for (CustomKind k : {CustomKind::kScale, CustomKind::kYesNo, CustomKind::kNumber}) {
    if (text == CustomKindName(k)) return k;
  }
  return Status::InvalidArgument(field, "must be scale (0-10), yes_no or number, got \"" + text + "\"");
}

Result<std::vector<Item>> ReadTracked(const nlohmann::json& arr, const std::string& path) {
  std::vector<Item> out;
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string field = IndexPath(path, i);
    LDN_ASSIGN_OR_RETURN(std::string key, ReadString(arr[i], field));
    const auto it = std::find_if(kAllItems.begin(), kAllItems.end(), [&](Item item) { return ItemName(item) == key; });
    if (it == kAllItems.end()) {
      std::string known;
      for (Item item : kAllItems) {
        if (!IsCoreItem(item)) known += (known.empty() ? "" : ", ") + std::string(ItemName(item));
      }
      return Status::InvalidArgument(field,
                                     "unknown diary item \"" + key + "\"; the items to choose from are " + known);
    }
    if (IsCoreItem(*it)) return Status::InvalidArgument(field, "\"" + key + "\" is always asked (a core item)");
    if (std::find(out.begin(), out.end(), *it) != out.end()) {
      return Status::InvalidArgument(field, "\"" + key + "\" is listed twice");
    }
    out.push_back(*it);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<CustomItem>> ReadCustom(const nlohmann::json& arr, const std::string& path) {
  std::vector<CustomItem> out;
  std::set<std::string> keys;
  std::set<std::string> labels;
  for (size_t i = 0; i < arr.size(); ++i) {
    LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of(arr[i], IndexPath(path, i)));
    CustomItem c;
    LDN_ASSIGN_OR_RETURN(c.key, o.String("key"));
    if (!IsCustomKey(c.key)) {
      return Status::InvalidArgument(o.PathOf("key"), "must be 1-32 of a-z, 0-9 and _, starting with a letter");
    }
    if (!keys.insert(c.key).second) return Status::InvalidArgument(o.PathOf("key"), "\"" + c.key + "\" is used twice");
    LDN_ASSIGN_OR_RETURN(c.label, o.Line("label", kMaxCustomLabelChars));
    if (!labels.insert(LowerAscii(c.label)).second) {
      return Status::InvalidArgument(o.PathOf("label"), "another of your items is already called \"" + c.label + "\"")
          .WithText({N_("Another of your items is already called \"{label}\"."), {{"label", c.label}}});
    }
    LDN_ASSIGN_OR_RETURN(std::string kind, o.String("kind"));
    LDN_ASSIGN_OR_RETURN(c.kind, ReadKind(kind, o.PathOf("kind")));
    LDN_ASSIGN_OR_RETURN(std::optional<std::string> unit, o.OptionalString("unit"));
    if (unit && !unit->empty()) {
      if (c.kind != CustomKind::kNumber) {
        return Status::InvalidArgument(o.PathOf("unit"), "only a number item has a unit");
      }
      LDN_RETURN_IF_ERROR(CheckLine(*unit, o.PathOf("unit"), kMaxCustomUnitChars));
      c.unit = *unit;
    }
    LDN_ASSIGN_OR_RETURN(std::optional<bool> retired, o.OptionalBool("retired"));
    c.retired = retired.value_or(false);
    LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

std::string_view CustomKindName(CustomKind kind) {
  switch (kind) {
    case CustomKind::kScale: return "scale";
    case CustomKind::kYesNo: return "yes_no";
    case CustomKind::kNumber: return "number";
  }
  return "scale";
}

bool IsCoreItem(Item item) {
  return ItemDefinition(item).core;
}

DiarySettings DefaultDiarySettings() {
  DiarySettings s;
  for (Item item : kAllItems) {
    if (!IsCoreItem(item)) s.tracked.push_back(item);
  }
  return s;
}

Result<DiarySettings> ParseDiarySettings(std::string_view json) {
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(json));
  LDN_ASSIGN_OR_RETURN(JsonObject root, JsonObject::Of(j, ""));
  DiarySettings s;
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* tracked, root.Array("tracked", kItemCount));
  LDN_ASSIGN_OR_RETURN(s.tracked, ReadTracked(*tracked, "tracked"));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* custom, root.Array("custom", kMaxCustomItems));
  LDN_ASSIGN_OR_RETURN(s.custom, ReadCustom(*custom, "custom"));
  LDN_RETURN_IF_ERROR(root.RejectUnknownKeys());
  return s;
}

std::string DiarySettingsToJson(const DiarySettings& settings) {
  nlohmann::ordered_json tracked = nlohmann::ordered_json::array();
  for (Item item : settings.tracked) tracked.push_back(std::string(ItemName(item)));
  nlohmann::ordered_json custom = nlohmann::ordered_json::array();
  for (const CustomItem& c : settings.custom) {
    custom.push_back({{"key", c.key},
                      {"label", c.label},
                      {"kind", std::string(CustomKindName(c.kind))},
                      {"unit", c.unit},
                      {"retired", c.retired}});
  }
  return nlohmann::ordered_json{{"tracked", std::move(tracked)}, {"custom", std::move(custom)}}.dump();
}

Status CheckSettingsChange(const DiarySettings& before, const DiarySettings& after) {
  for (const CustomItem& old : before.custom) {
    const auto it =
        std::find_if(after.custom.begin(), after.custom.end(), [&](const CustomItem& c) { return c.key == old.key; });
    if (it == after.custom.end()) {
      return Status::InvalidArgument("custom", "\"" + old.label + "\" (" + old.key +
                                                   ") cannot be removed: its entries would lose their "
                                                   "meaning; set retired: true to stop asking it");
    }
    if (it->kind != old.kind) {
      return Status::InvalidArgument(
          IndexPath("custom", static_cast<size_t>(it - after.custom.begin())) + ".kind",
          fmt::format("\"{}\" is a {} item and stays one (its entries were given that way); add a new item instead",
                      old.label, CustomKindName(old.kind)));
    }
  }
  return Status::Ok();
}

Status CheckCustomValues(const DiarySettings& settings, const std::vector<CustomValue>& values,
                         std::string_view prefix) {
  for (const CustomValue& v : values) {
    const std::string field = std::string(prefix) + "." + v.key;
    const auto it = std::find_if(settings.custom.begin(), settings.custom.end(),
                                 [&](const CustomItem& c) { return c.key == v.key; });
    if (it == settings.custom.end()) {
      return Status::InvalidArgument(field, "is not one of this patient's own diary items");
    }
    switch (it->kind) {
      case CustomKind::kScale:
        if (v.yes_no || v.value != std::floor(v.value) || v.value < 0 || v.value > 10) {
          return Status::InvalidArgument(field, "\"" + it->label + "\" is rated with a whole number 0-10");
        }
        break;
      case CustomKind::kYesNo:
        if (!v.yes_no) return Status::InvalidArgument(field, "\"" + it->label + "\" is answered true or false");
        break;
      case CustomKind::kNumber:
        if (v.yes_no) return Status::InvalidArgument(field, "\"" + it->label + "\" is answered with a number");
        break;
    }
  }
  return Status::Ok();
}

}  // namespace ldn::analysis
