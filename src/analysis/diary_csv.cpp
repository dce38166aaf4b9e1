#include "analysis/diary_csv.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_reader.h"

namespace ldn::analysis {
namespace {

// Format 2 (issue 12) carries a "# scale_version: N" row; format 1 predates it and its ratings are
// on scale version 1 (mood ran 0 = very low, 10 = very good).
constexpr std::string_view kFormatValue = "ldn-diary-csv 2";
constexpr std::string_view kFormatValue1 = "ldn-diary-csv 1";

// Column names in the order DiaryToCsv writes them.
constexpr std::array<std::string_view, 18> kColumns = {
    "date",      "pain",         "fatigue",           "sleep",  "mood",       "anxiety",
    "cognition", "stiffness",    "sensitivity",       "stress", "dose_taken", "dose_mg",
    "dose_time", "side_effects", "rescue_medication", "note",   "lifestyle",  "custom"};
constexpr int kDateColumn = 0;
constexpr int kFirstItemColumn = 1;  // kColumns[1 + i] is item i
constexpr int kDoseTakenColumn = 10;
constexpr int kDoseMgColumn = 11;
constexpr int kDoseTimeColumn = 12;
constexpr int kSideEffectsColumn = 13;
constexpr int kRescueColumn = 14;
constexpr int kNoteColumn = 15;
constexpr int kLifestyleColumn = 16;  // "sleep_hours=7.5;relaxation=yes" (data/diary_items.json "lifestyle")
constexpr int kCustomColumn = 17;     // "headache=6;flare=yes" (the patient's own items; diary_settings.h)
static_assert(kFirstItemColumn + kItemCount == kDoseTakenColumn);

// ---------------------------------------------------------------------------------------------
// RFC 4180 records.

struct Cell {
  std::string text;
  bool quoted = false;
};

struct Record {
  int row = 0;  // 1-based record number: the spreadsheet's row
  std::vector<Cell> cells;
  bool Blank() const {
    return std::all_of(cells.begin(), cells.end(), [](const Cell& c) { return c.text.empty() && !c.quoted; });
  }
};

std::string RowField(int row) {
  return fmt::format("row {}", row);
}

// RFC 3629: well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF).
bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + static_cast<size_t>(extra) >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((extra == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return false;
    }
    i += static_cast<size_t>(extra) + 1;
  }
  return true;
}

// Splits `text` into records. A record ends at CRLF, LF or a lone CR outside quotes; the line
// end after the last record is optional. Quoted fields may hold commas, line breaks and doubled
// quotes. A quote inside an unquoted field, text after a closing quote and an unterminated quote
// are errors: RFC 4180 section 2 rules 5-7 allow none of them.
Result<std::vector<Record>> SplitRecords(std::string_view text) {
  // A UTF-8 byte order mark, written by some spreadsheets, is an encoding marker, not content.
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<Record> records;
  size_t i = 0;
  const size_t n = text.size();
  int row = 0;
  while (i < n) {
    Record rec;
    rec.row = ++row;
    bool record_done = false;
    while (!record_done) {
      Cell cell;
      if (i < n && text[i] == '"') {
        cell.quoted = true;
        ++i;
        bool closed = false;
        while (i < n) {
          if (text[i] == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              cell.text += '"';
              i += 2;
            } else {
              ++i;
              closed = true;
              break;
            }
          } else {
            cell.text += text[i++];
          }
        }
        if (!closed) {
          return Status::InvalidArgument(
              RowField(rec.row), fmt::format("cell {} opens a quote that is never closed", rec.cells.size() + 1));
        }
        if (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          return Status::InvalidArgument(
              RowField(rec.row),
              fmt::format("cell {} has text after its closing quote; a quote inside a quoted cell is written \"\"",
                          rec.cells.size() + 1));
        }
      } else {
        while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          if (text[i] == '"') {
            return Status::InvalidArgument(
                RowField(rec.row), fmt::format("cell {} has a double quote but is not quoted; quote the whole cell "
                                               "and double the quote (RFC 4180)",
                                               rec.cells.size() + 1));
          }
          cell.text += text[i++];
        }
      }
      if (!IsValidUtf8(cell.text)) {
        return Status::InvalidArgument(
            RowField(rec.row),
            fmt::format("cell {} is not valid UTF-8 text; save the file as CSV UTF-8", rec.cells.size() + 1));
      }
      rec.cells.push_back(std::move(cell));
      if (i >= n) {
        record_done = true;
      } else if (text[i] == ',') {
        ++i;
      } else {  // line end
        if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
        ++i;
        record_done = true;
      }
    }
    records.push_back(std::move(rec));
  }
  return records;
}

bool NeedsQuotes(std::string_view s) {
  return s.find_first_of(",\"\r\n") != std::string_view::npos;
}

void AppendField(std::string& out, std::string_view s, bool force_quotes = false) {
  if (!force_quotes && !NeedsQuotes(s)) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// ---------------------------------------------------------------------------------------------
// Cells.

std::string Trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A decimal number of mg of naltrexone HCl written with a point ("1.5"), 0-50.
Result<Dose> ParseMg(std::string_view text, const std::string& field) {
  const size_t dot = text.find('.');
  const bool shape_ok = dot == std::string_view::npos
                            ? AllDigits(text)
                            : AllDigits(text.substr(0, dot)) && AllDigits(text.substr(dot + 1));
  if (!shape_ok) {
    return Status::InvalidArgument(
        field,
        fmt::format("expected mg of naltrexone HCl as a number with a decimal point, e.g. 1.5; got \"{}\"", text));
  }
  double mg = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), mg);
  if (ec != std::errc() || ptr != text.data() + text.size() || mg > 50) {
    return Status::InvalidArgument(field, fmt::format("expected a dose of 0-50 mg, got \"{}\"", text));
  }
  return Dose::FromMilligramsHcl(mg, field);
}

// Splits a ';'-separated list cell. A backslash makes the next character literal (';', '\' or a
// space); unescaped spaces around each part are dropped (people type "a; b"); an empty part is an
// error.
Result<std::vector<std::string>> SplitList(std::string_view text, const std::string& field) {
  std::vector<std::string> parts;
  std::vector<std::pair<char, bool>> part;  // (character, escaped)
  auto finish = [&]() -> Status {
    size_t b = 0;
    size_t e = part.size();
    while (b < e && part[b].first == ' ' && !part[b].second) ++b;
    while (e > b && part[e - 1].first == ' ' && !part[e - 1].second) --e;
    if (b == e) {
      return Status::InvalidArgument(field,
                                     fmt::format("has an empty entry in \"{}\"; separate entries with one ;", text));
    }
    std::string s;
    for (size_t k = b; k < e; ++k) s += part[k].first;
    parts.push_back(std::move(s));
    part.clear();
    return Status::Ok();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\') {
      if (i + 1 >= text.size() || (text[i + 1] != ';' && text[i + 1] != '\\' && text[i + 1] != ' ')) {
        return Status::InvalidArgument(field, "a backslash must be followed by ;, \\ or a space (\\; is a literal ;)");
      }
      part.emplace_back(text[++i], true);
    } else if (c == ';') {
      LDN_RETURN_IF_ERROR(finish());
    } else {
      part.emplace_back(c, false);
    }
  }
  LDN_RETURN_IF_ERROR(finish());
  return parts;
}

// The inverse of SplitList for one entry.
std::string EscapeListEntry(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool edge_space = c == ' ' && (i == 0 || i + 1 == s.size());
    if (c == ';' || c == '\\' || edge_space) out += '\\';
    out += c;
  }
  return out;
}

// "vivid_dreams:2;nausea:1" -> [{"name":"vivid_dreams","severity":2}, ...]. Names are checked
// (snake_case, not repeated) by the JSON reader, whose errors are mapped back to this cell.
Result<nlohmann::json> ParseSideEffects(std::string_view text, const std::string& field) {
  LDN_ASSIGN_OR_RETURN(std::vector<std::string> parts, SplitList(text, field));
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& p : parts) {
    const size_t colon = p.find(':');
    const std::string severity = colon == std::string::npos ? "" : Trim(std::string_view(p).substr(colon + 1));
    if (colon == std::string::npos || severity.size() != 1 || severity[0] < '1' || severity[0] > '3') {
      return Status::InvalidArgument(
          field, fmt::format("expected name:severity with severity 1 (mild), 2 (moderate) or 3 (severe), "
                             "e.g. vivid_dreams:2; got \"{}\"",
                             p));
    }
    out.push_back({{"name", Trim(std::string_view(p).substr(0, colon))}, {"severity", severity[0] - '0'}});
  }
  return out;
}

// A lifestyle or own-items cell: key=value entries separated by ';', a value being a number or
// yes/no ("sleep_hours=7.5;activity_minutes=30;relaxation=yes", "headache=6;flare=no"). The keys
// and ranges are checked by ParseDiaryJson (lifestyle: against data/diary_items.json, as for a
// JSON diary; own items: their shape, the patient's settings being the server's to check).
Result<nlohmann::json> ParseKeyValues(std::string_view text, const std::string& field) {
  LDN_ASSIGN_OR_RETURN(std::vector<std::string> parts, SplitList(text, field));
  nlohmann::json out = nlohmann::json::object();
  for (const std::string& p : parts) {
    const size_t eq = p.find('=');
    const std::string key = eq == std::string::npos ? "" : Trim(std::string_view(p).substr(0, eq));
    const std::string value = eq == std::string::npos ? "" : Trim(std::string_view(p).substr(eq + 1));
    auto bad = [&] {
      return Status::InvalidArgument(
          field, fmt::format("expected key=value with a number or yes/no, e.g. sleep_hours=7.5; got \"{}\"", p));
    };
    if (key.empty() || value.empty()) return bad();
    if (out.contains(key)) return Status::InvalidArgument(field, fmt::format("{} appears twice", key));
    if (value == "yes" || value == "no") {
      out[key] = value == "yes";
      continue;
    }
    double v = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(v)) return bad();
    out[key] = v;
  }
  return out;
}

// An item cell: a whole number 0-10 (clinical-facts.md section 6, note 5: 0-10 NRS).
Result<int> ParseItem(std::string_view text, const std::string& field) {
  if (!AllDigits(text) || text.size() > 2 || std::stoi(std::string(text)) > 10) {
    return Status::InvalidArgument(field,
                                   fmt::format("expected a whole number 0-10 or an empty cell, got \"{}\"", text));
  }
  return std::stoi(std::string(text));
}

// Where each element of the equivalent JSON document came from, to name CSV rows in errors.
struct Locations {
  int patient_row = 0;
  int time_zone_row = 0;
  int format_row = 0;
  int scale_row = 0;
  std::vector<int> step_rows;
  std::vector<int> instrument_rows;
  std::vector<int> diary_rows;
  std::vector<int> dose_rows;
};

struct Document {
  int format = 0;                          // 1 or 2
  nlohmann::json scale_version = nullptr;  // from "# scale_version" (format 2) or 1 (format 1)
  nlohmann::json patient = nlohmann::json::object();
  nlohmann::json steps = nlohmann::json::array();
  nlohmann::json doses = nlohmann::json::array();
  nlohmann::json days = nlohmann::json::array();
  nlohmann::json instruments = nlohmann::json::array();
  Locations loc;
};

constexpr std::string_view kMetadataKeys = "format, scale_version, patient, time_zone, step, instrument";

Status ReadMetadata(const Record& rec, Document& doc) {
  const std::string& first = rec.cells[0].text;
  const size_t colon = first.find(':');
  if (colon == std::string::npos) {
    return Status::InvalidArgument(
        RowField(rec.row),
        fmt::format("a metadata row is \"# key: value\" (keys: {}); got \"{}\"", kMetadataKeys, first));
  }
  const std::string key = Trim(std::string_view(first).substr(1, colon - 1));
  const std::string value = Trim(std::string_view(first).substr(colon + 1));
  const std::string field = fmt::format("row {}, metadata {}", rec.row, key);
  for (size_t c = 1; c < rec.cells.size(); ++c) {
    if (!rec.cells[c].text.empty()) {
      return Status::InvalidArgument(
          field, fmt::format("only the first cell of a metadata row may be filled; cell {} holds \"{}\"", c + 1,
                             rec.cells[c].text));
    }
  }
  auto once = [&](int& row) -> Status {
    if (row != 0) return Status::InvalidArgument(field, fmt::format("repeats row {}", row));
    row = rec.row;
    return Status::Ok();
  };
  if (key == "format") {
    LDN_RETURN_IF_ERROR(once(doc.loc.format_row));
    if (value == kFormatValue) {
      doc.format = 2;
    } else if (value == kFormatValue1) {
      doc.format = 1;
    } else {
      return Status::InvalidArgument(
          field, fmt::format("expected \"{}\" (or \"{}\" for files written before scale version 2), got \"{}\"",
                             kFormatValue, kFormatValue1, value));
    }
  } else if (key == "scale_version") {
    LDN_RETURN_IF_ERROR(once(doc.loc.scale_row));
    if (value.empty() || value.size() > 6 || value.find_first_not_of("0123456789") != std::string::npos) {
      return Status::InvalidArgument(field, "expected a whole number: " + ScaleVersionHelp());
    }
    doc.scale_version = std::stoi(value);  // checked against the known versions by ParseDiaryJson
  } else if (key == "patient") {
    LDN_RETURN_IF_ERROR(once(doc.loc.patient_row));
    if (value.empty()) return Status::InvalidArgument(field, "the patient id is empty");
    doc.patient["id"] = value;
  } else if (key == "time_zone") {
    LDN_RETURN_IF_ERROR(once(doc.loc.time_zone_row));
    doc.patient["time_zone"] = value;  // checked against the tz database by ParseDiaryJson
  } else if (key == "step") {
    // "2026-01-15 1.5 mg"
    const size_t sp = value.find(' ');
    const std::string date = value.substr(0, sp);
    const std::string rest = sp == std::string::npos ? "" : Trim(std::string_view(value).substr(sp + 1));
    if (!rest.ends_with(" mg")) {
      return Status::InvalidArgument(field, fmt::format("expected \"YYYY-MM-DD DOSE mg\", e.g. \"2026-01-15 1.5 mg\"; "
                                                        "got \"{}\"",
                                                        value));
    }
    LDN_ASSIGN_OR_RETURN(LocalDate start, ParseDate(date, field));
    LDN_ASSIGN_OR_RETURN(Dose dose, ParseMg(Trim(std::string_view(rest).substr(0, rest.size() - 3)), field));
    doc.steps.push_back({{"start", FormatDate(start)}, {"dose_mg", dose.milligrams_hcl()}});
    doc.loc.step_rows.push_back(rec.row);
  } else if (key == "instrument") {
    // "2026-01-14 fiqr {...answers...}"
    const size_t sp1 = value.find(' ');
    const size_t sp2 = sp1 == std::string::npos ? sp1 : value.find(' ', sp1 + 1);
    if (sp2 == std::string::npos) {
      return Status::InvalidArgument(field, fmt::format("expected \"YYYY-MM-DD KIND {{answers}}\", e.g. "
                                                        "\"2026-01-14 pgic {{\\\"pgic\\\":3}}\"; got \"{}\"",
                                                        value));
    }
    LDN_ASSIGN_OR_RETURN(LocalDate date, ParseDate(value.substr(0, sp1), field));
    const std::string kind = value.substr(sp1 + 1, sp2 - sp1 - 1);
    auto answers = ParseJson(Trim(std::string_view(value).substr(sp2 + 1)));
    if (!answers.ok() || !answers->is_object()) {
      return Status::InvalidArgument(field, "the answers must be a JSON object, e.g. {\"pgic\": 3}");
    }
    doc.instruments.push_back({{"date", FormatDate(date)}, {"kind", kind}, {"answers", std::move(*answers)}});
    doc.loc.instrument_rows.push_back(rec.row);
  } else {
    return Status::InvalidArgument(field, fmt::format("unknown metadata key \"{}\"; known: {}", key, kMetadataKeys));
  }
  return Status::Ok();
}

// "doses[3].dose_mg" -> 3 and "dose_mg"; false when `field` is not under `array`.
bool SplitIndexed(std::string_view field, std::string_view array, size_t& index, std::string& rest) {
  if (!field.starts_with(array) || field.size() <= array.size() || field[array.size()] != '[') return false;
  const size_t close = field.find(']', array.size());
  if (close == std::string_view::npos) return false;
  const std::string_view digits = field.substr(array.size() + 1, close - array.size() - 1);
  if (!AllDigits(digits)) return false;
  index = std::stoul(std::string(digits));
  rest = std::string(field.substr(close + 1));
  if (!rest.empty() && rest[0] == '.') rest.erase(0, 1);
  return true;
}

// Renames a field of ParseDiaryJson's error in CSV terms ("diary[4].side_effects[1].name" ->
// "row 9, column side_effects").
Status MapJsonError(const Status& s, const Locations& loc) {
  if (s.code() != Code::kInvalidArgument) return s;
  const std::string& f = s.field();
  auto rename = [&](std::string field) { return Status::InvalidArgument(std::move(field), s.message()); };
  size_t index = 0;
  std::string rest;
  if (f == "scale_version") return rename(fmt::format("row {}, metadata scale_version", loc.scale_row));
  if (f.starts_with("patient.time_zone")) return rename(fmt::format("row {}, metadata time_zone", loc.time_zone_row));
  if (f.starts_with("patient.id")) return rename(fmt::format("row {}, metadata patient", loc.patient_row));
  if (SplitIndexed(f, "course.steps", index, rest) && index < loc.step_rows.size()) {
    return rename(fmt::format("row {}, metadata step", loc.step_rows[index]));
  }
  if (SplitIndexed(f, "instruments", index, rest) && index < loc.instrument_rows.size()) {
    return rename(fmt::format("row {}, metadata instrument", loc.instrument_rows[index]));
  }
  if (SplitIndexed(f, "doses", index, rest) && index < loc.dose_rows.size()) {
    std::string column = "date";
    if (rest == "taken") column = "dose_taken";
    if (rest == "dose_mg") column = "dose_mg";
    if (rest == "time") column = "dose_time";
    return rename(fmt::format("row {}, column {}", loc.dose_rows[index], column));
  }
  if (SplitIndexed(f, "diary", index, rest) && index < loc.diary_rows.size()) {
    const std::string column = rest.substr(0, rest.find_first_of(".["));
    return rename(fmt::format("row {}, column {}", loc.diary_rows[index], column.empty() ? "date" : column));
  }
  return s;
}

}  // namespace

Result<Diary> ParseDiaryCsv(std::string_view text) {
  LDN_ASSIGN_OR_RETURN(std::vector<Record> records, SplitRecords(text));
  Document doc;
  size_t r = 0;
  for (; r < records.size(); ++r) {
    const Record& rec = records[r];
    if (rec.Blank()) continue;
    if (!rec.cells[0].text.starts_with('#')) break;
    LDN_RETURN_IF_ERROR(ReadMetadata(rec, doc));
  }
  if (r == records.size()) {
    return Status::InvalidArgument("",
                                   "no header row: after the # metadata rows, a row must name the columns "
                                   "(date, pain, ...)");
  }
  auto require = [](int row, std::string_view key, std::string_view example) -> Status {
    if (row != 0) return Status::Ok();
    return Status::InvalidArgument(fmt::format("metadata {}", key),
                                   fmt::format("missing; add a row \"# {}: {}\" before the header", key, example));
  };
  LDN_RETURN_IF_ERROR(require(doc.loc.format_row, "format", kFormatValue));
  if (doc.format == 1) {
    if (doc.loc.scale_row != 0) {
      return Status::InvalidArgument(fmt::format("row {}, metadata scale_version", doc.loc.scale_row),
                                     fmt::format("format {} has no scale_version row (its ratings are on scale 1); "
                                                 "write \"# format: {}\"",
                                                 kFormatValue1, kFormatValue));
    }
    doc.scale_version = 1;
  } else {
    LDN_RETURN_IF_ERROR(require(doc.loc.scale_row, "scale_version", std::to_string(CurrentScaleVersion())));
  }
  LDN_RETURN_IF_ERROR(require(doc.loc.patient_row, "patient", "ID"));
  LDN_RETURN_IF_ERROR(require(doc.loc.time_zone_row, "time_zone", "Area/City"));
  LDN_RETURN_IF_ERROR(require(doc.loc.step_rows.empty() ? 0 : 1, "step", "YYYY-MM-DD DOSE mg"));

  // Header: column index of each cell (-1 for empty padding at the end).
  const Record& header = records[r];
  std::array<int, kColumns.size()> cell_of;  // cell index of each known column, -1 when absent
  cell_of.fill(-1);
  size_t used_cells = header.cells.size();
  while (used_cells > 0 && header.cells[used_cells - 1].text.empty()) --used_cells;
  for (size_t c = 0; c < used_cells; ++c) {
    const std::string name = Trim(header.cells[c].text);
    const auto it = std::find(kColumns.begin(), kColumns.end(), name);
    if (it == kColumns.end()) {
      std::string known;
      for (std::string_view k : kColumns) known += (known.empty() ? "" : ", ") + std::string(k);
      return Status::InvalidArgument(
          fmt::format("row {}, column {}", header.row, name.empty() ? fmt::format("{}", c + 1) : name),
          fmt::format("unknown column \"{}\"; the columns are {}", name, known));
    }
    const size_t k = static_cast<size_t>(it - kColumns.begin());
    if (cell_of[k] != -1) {
      return Status::InvalidArgument(fmt::format("row {}, column {}", header.row, name), "the column appears twice");
    }
    cell_of[k] = static_cast<int>(c);
  }
  if (cell_of[kDateColumn] == -1) {
    return Status::InvalidArgument(RowField(header.row), "the header has no date column");
  }

  std::optional<LocalDate> previous;
  for (++r; r < records.size(); ++r) {
    const Record& rec = records[r];
    if (rec.Blank()) continue;
    for (size_t c = used_cells; c < rec.cells.size(); ++c) {
      if (!rec.cells[c].text.empty() || rec.cells[c].quoted) {
        return Status::InvalidArgument(
            RowField(rec.row),
            fmt::format("cell {} is filled but the header names only {} columns", c + 1, used_cells));
      }
    }
    auto cell = [&](int column) -> const Cell* {
      const int c = cell_of[column];
      if (c < 0 || static_cast<size_t>(c) >= rec.cells.size()) return nullptr;
      return &rec.cells[c];
    };
    auto filled = [&](int column) {
      const Cell* c = cell(column);
      return c != nullptr && !c->text.empty();
    };
    auto field = [&](int column) { return fmt::format("row {}, column {}", rec.row, kColumns[column]); };

    if (!filled(kDateColumn)) return Status::InvalidArgument(field(kDateColumn), "is empty; every row needs a date");
    LDN_ASSIGN_OR_RETURN(LocalDate date, ParseDate(cell(kDateColumn)->text, field(kDateColumn)));
    if (previous && date <= *previous) {
      return Status::InvalidArgument(field(kDateColumn), date == *previous
                                                             ? fmt::format("duplicate date {}", FormatDate(date))
                                                             : fmt::format("dates must increase: {} comes after {}",
                                                                           FormatDate(date), FormatDate(*previous)));
    }
    previous = date;
    const std::string date_text = FormatDate(date);

    nlohmann::json day = {{"date", date_text}};
    bool has_diary = false;
    for (int i = 0; i < kItemCount; ++i) {
      const int column = kFirstItemColumn + i;
      if (!filled(column)) continue;
      LDN_ASSIGN_OR_RETURN(int v, ParseItem(cell(column)->text, field(column)));
      day[std::string(kColumns[column])] = v;
      has_diary = true;
    }
    if (filled(kSideEffectsColumn)) {
      LDN_ASSIGN_OR_RETURN(day["side_effects"],
                           ParseSideEffects(cell(kSideEffectsColumn)->text, field(kSideEffectsColumn)));
      has_diary = true;
    }
    if (filled(kRescueColumn)) {
      LDN_ASSIGN_OR_RETURN(std::vector<std::string> names, SplitList(cell(kRescueColumn)->text, field(kRescueColumn)));
      day["rescue_medication"] = names;
      has_diary = true;
    }
    // A quoted empty note is an empty note; an unquoted empty cell is no note.
    if (const Cell* note = cell(kNoteColumn); note != nullptr && (!note->text.empty() || note->quoted)) {
      day["note"] = note->text;
      has_diary = true;
    }
    if (filled(kLifestyleColumn)) {
      LDN_ASSIGN_OR_RETURN(day["lifestyle"], ParseKeyValues(cell(kLifestyleColumn)->text, field(kLifestyleColumn)));
      has_diary = true;
    }
    if (filled(kCustomColumn)) {
      LDN_ASSIGN_OR_RETURN(day["custom"], ParseKeyValues(cell(kCustomColumn)->text, field(kCustomColumn)));
      has_diary = true;
    }

    const bool dose_filled = filled(kDoseTakenColumn) || filled(kDoseMgColumn) || filled(kDoseTimeColumn);
    if (dose_filled) {
      if (!filled(kDoseTakenColumn)) {
        const int column = filled(kDoseMgColumn) ? kDoseMgColumn : kDoseTimeColumn;
        return Status::InvalidArgument(field(column), "is filled but dose_taken is empty; write yes or no there");
      }
      const std::string& taken = cell(kDoseTakenColumn)->text;
      if (taken != "yes" && taken != "no") {
        return Status::InvalidArgument(field(kDoseTakenColumn),
                                       fmt::format("expected yes, no or an empty cell, got \"{}\"", taken));
      }
      nlohmann::json dose = {{"date", date_text}, {"taken", taken == "yes"}};
      if (filled(kDoseMgColumn)) {
        LDN_ASSIGN_OR_RETURN(Dose mg, ParseMg(cell(kDoseMgColumn)->text, field(kDoseMgColumn)));
        dose["dose_mg"] = mg.milligrams_hcl();
      }
      if (filled(kDoseTimeColumn)) {
        LDN_ASSIGN_OR_RETURN(TimeOfDay t, ParseTimeOfDay(cell(kDoseTimeColumn)->text, field(kDoseTimeColumn)));
        dose["time"] = FormatTimeOfDay(t);
      }
      doc.doses.push_back(std::move(dose));
      doc.loc.dose_rows.push_back(rec.row);
    }
    // A row with nothing but its date is an (empty) diary entry.
    if (has_diary || !dose_filled) {
      doc.days.push_back(std::move(day));
      doc.loc.diary_rows.push_back(rec.row);
    }
  }

  nlohmann::json root = {{"scale_version", doc.scale_version},
                         {"patient", doc.patient},
                         {"course", {{"steps", doc.steps}}},
                         {"doses", doc.doses},
                         {"diary", doc.days},
                         {"instruments", doc.instruments}};
  Result<Diary> diary = ParseDiaryJson(root.dump());
  if (!diary.ok()) return MapJsonError(diary.status(), doc.loc);
  return diary;
}

std::string DiaryToCsv(const Diary& diary) {
  std::string out;
  auto metadata = [&out](const std::string& line) {
    AppendField(out, line);
    out += '\n';
  };
  metadata(fmt::format("# format: {}", kFormatValue));
  metadata(fmt::format("# scale_version: {}", CurrentScaleVersion()));
  metadata("# patient: " + diary.patient_id);
  metadata("# time_zone: " + diary.time_zone.name());
  for (const CourseStep& s : diary.steps)
    metadata(fmt::format("# step: {} {} mg", FormatDate(s.start), s.dose.FormatMg()));
  for (const InstrumentEntry& e : diary.instruments) {
    metadata(fmt::format("# instrument: {} {} {}", FormatDate(e.date), e.kind, e.answers_json));
  }
  for (size_t c = 0; c < kColumns.size(); ++c) {
    if (c > 0) out += ',';
    out += kColumns[c];
  }
  out += '\n';

  size_t di = 0;  // next diary day
  size_t oi = 0;  // next dose log
  while (di < diary.days.size() || oi < diary.doses.size()) {
    LocalDate date;
    if (oi >= diary.doses.size() || (di < diary.days.size() && diary.days[di].date <= diary.doses[oi].date)) {
      date = diary.days[di].date;
    } else {
      date = diary.doses[oi].date;
    }
    const DiaryDay* day = di < diary.days.size() && diary.days[di].date == date ? &diary.days[di++] : nullptr;
    const DoseLog* dose = oi < diary.doses.size() && diary.doses[oi].date == date ? &diary.doses[oi++] : nullptr;

    out += FormatDate(date);
    for (int i = 0; i < kItemCount; ++i) {
      out += ',';
      if (day != nullptr && day->items[i]) out += std::to_string(*day->items[i]);
    }
    out += ',';
    if (dose != nullptr) out += dose->taken ? "yes" : "no";
    out += ',';
    if (dose != nullptr && dose->dose) out += dose->dose->FormatMg();
    out += ',';
    if (dose != nullptr && dose->time) out += FormatTimeOfDay(*dose->time);
    out += ',';
    if (day != nullptr) {
      std::string effects;
      for (const SideEffect& e : day->side_effects) {
        effects += fmt::format("{}{}:{}", effects.empty() ? "" : ";", e.name, e.severity);
      }
      AppendField(out, effects);
    }
    out += ',';
    if (day != nullptr) {
      std::string names;
      for (size_t k = 0; k < day->rescue_medication.size(); ++k) {
        if (k > 0) names += ';';
        names += EscapeListEntry(day->rescue_medication[k]);
      }
      AppendField(out, names);
    }
    out += ',';
    if (day != nullptr && day->note) AppendField(out, *day->note, day->note->empty());
    out += ',';
    if (day != nullptr) {
      std::string life;
      for (const LifestyleValue& v : day->lifestyle) {
        const clinical::LifestyleFactor* f = FindLifestyleFactor(v.id);
        const bool yes_no = f != nullptr && f->kind == clinical::LifestyleKind::kYesNo;
        life += fmt::format("{}{}={}", life.empty() ? "" : ";", v.id,
                            yes_no ? (v.value != 0 ? "yes" : "no") : fmt::format("{}", v.value));
      }
      AppendField(out, life);
    }
    out += ',';
    if (day != nullptr) {
      std::string own;
      for (const CustomValue& v : day->custom) {
        own += fmt::format("{}{}={}", own.empty() ? "" : ";", v.key,
                           v.yes_no ? (v.value != 0 ? "yes" : "no") : fmt::format("{}", v.value));
      }
      AppendField(out, own);
    }
    out += '\n';
  }
  return out;
}

std::string DiaryToJson(const Diary& diary) {
  using Json = nlohmann::ordered_json;
  // mg of HCl: a whole number of mg is written without ".0" (1 rather than 1.0).
  auto mg = [](Dose d) -> Json {
    if (d.micrograms_hcl() % 1000 == 0) return Json(d.micrograms_hcl() / 1000);
    return Json(d.milligrams_hcl());
  };
  // One array element per line: readable and diff-friendly for long diaries.
  auto lines = [](const std::vector<Json>& elements) {
    if (elements.empty()) return std::string("[]");
    std::string out = "[";
    for (size_t i = 0; i < elements.size(); ++i) out += (i == 0 ? "\n    " : ",\n    ") + elements[i].dump();
    return out + "]";
  };
  std::vector<Json> steps;
  for (const CourseStep& s : diary.steps) steps.push_back({{"start", FormatDate(s.start)}, {"dose_mg", mg(s.dose)}});
  std::vector<Json> doses;
  for (const DoseLog& d : diary.doses) {
    Json o = {{"date", FormatDate(d.date)}, {"taken", d.taken}};
    if (d.dose) o["dose_mg"] = mg(*d.dose);
    if (d.time) o["time"] = FormatTimeOfDay(*d.time);
    doses.push_back(std::move(o));
  }
  std::vector<Json> days;
  for (const DiaryDay& day : diary.days) {
    Json o = {{"date", FormatDate(day.date)}};
    for (int i = 0; i < kItemCount; ++i) {
      if (day.items[i]) o[std::string(ItemName(kAllItems[i]))] = *day.items[i];
    }
    if (!day.side_effects.empty()) {
      Json effects = Json::array();
      for (const SideEffect& e : day.side_effects) effects.push_back({{"name", e.name}, {"severity", e.severity}});
      o["side_effects"] = std::move(effects);
    }
    if (!day.rescue_medication.empty()) o["rescue_medication"] = day.rescue_medication;
    if (day.note) o["note"] = *day.note;
    if (!day.lifestyle.empty()) {
      Json life = Json::object();
      for (const LifestyleValue& v : day.lifestyle) {
        const clinical::LifestyleFactor* f = FindLifestyleFactor(v.id);
        if (f != nullptr && f->kind == clinical::LifestyleKind::kYesNo) {
          life[v.id] = v.value != 0;
        } else if (v.value == std::floor(v.value) && std::fabs(v.value) < 1e15) {
          life[v.id] = static_cast<int64_t>(v.value);
        } else {
          life[v.id] = v.value;
        }
      }
      o["lifestyle"] = std::move(life);
    }
    if (!day.custom.empty()) {
      Json own = Json::object();
      for (const CustomValue& v : day.custom) {
        if (v.yes_no) {
          own[v.key] = v.value != 0;
        } else if (v.value == std::floor(v.value)) {
          own[v.key] = static_cast<int64_t>(v.value);
        } else {
          own[v.key] = v.value;
        }
      }
      o["custom"] = std::move(own);
    }
    days.push_back(std::move(o));
  }
  std::vector<Json> instruments;
  for (const InstrumentEntry& e : diary.instruments) {
    Json answers = Json::parse(e.answers_json, nullptr, /*allow_exceptions=*/false);
    assert(answers.is_object() && "InstrumentEntry::answers_json must be a JSON object");
    instruments.push_back({{"date", FormatDate(e.date)}, {"kind", e.kind}, {"answers", std::move(answers)}});
  }
  const Json patient = {{"id", diary.patient_id}, {"time_zone", diary.time_zone.name()}};
  std::string out = fmt::format("{{\n  \"scale_version\": {},\n", CurrentScaleVersion());
  out += "  \"patient\": " + patient.dump() + ",\n";
  out += "  \"course\": {\"steps\": " + lines(steps) + "},\n";
  out += "  \"doses\": " + lines(doses) + ",\n";
  out += "  \"diary\": " + lines(days);
  if (!instruments.empty()) out += ",\n  \"instruments\": " + lines(instruments);
  return out + "\n}\n";
}

}  // namespace ldn::analysis
