// From stored rows to the domain's diary (analysis/diary.h), and the check of one diary day.
//
// The analysis layer reads one JSON document per patient (docs/diary-format.md). The server keeps
// the same facts as rows: diary entries (items_json is one day of that document without its
// date), the dose log, a course's plan and instrument responses. This file writes the document
// from the rows and lets the domain's strict parser (ParseDiaryJson) judge it, so that the API
// and `ldn analyze` apply exactly the same rules.
#ifndef LDN_SERVER_DIARY_ASSEMBLY_H_
#define LDN_SERVER_DIARY_ASSEMBLY_H_

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/diary.h"
#include "analysis/diary_settings.h"
#include "core/calendar.h"
#include "core/json_reader.h"
#include "core/result.h"
#include "store/store.h"

namespace ldn::server {

// Checks one day's items (the diary-format day object without "date": the nine 0-10 items,
// side_effects, rescue_medication, note), answered on scale `scale_version`, with the domain
// parser. Fails with kInvalidArgument naming the field as "<prefix>.<key>" ("items.pain",
// "items.side_effects[0].severity") for an unknown key, a wrong type or an out-of-range value.
// Returns the items as compact JSON text on the current scale: a rating given on an earlier scale
// version whose direction differs (mood on scale 1) is stored as 10 - v
// (data/diary_items.json). The patient's own items ("custom") must fit `settings`
// (analysis::CheckCustomValues: kInvalidArgument "<prefix>.custom.<key>").
// REQUIRES: 1 <= scale_version <= analysis::CurrentScaleVersion().
Result<std::string> CheckDiaryItems(const nlohmann::json& items, LocalDate date, std::string_view prefix,
                                    int scale_version, const analysis::DiarySettings& settings);

// The patient's diary settings (analysis/diary_settings.h): the stored ones, or the defaults when
// none were ever saved. kInternal when the stored JSON no longer parses (a defect, never input).
Result<analysis::DiarySettings> PatientDiarySettings(store::Store& store, store::Id patient_id);
// One stored settings row's settings; kInternal when its JSON no longer parses.
Result<analysis::DiarySettings> StoredDiarySettings(const store::DiarySettingsRecord& rec);

// Reads the scale version of a diary write ("scale_version" of `o`): required, 1 up to the
// current one (data/diary_items.json). A client that does not send it predates scale version 2
// and would store mood reversed: kInvalidArgument naming `<prefix>scale_version`, nothing stored.
Result<int> ReadScaleVersion(JsonObject& o);

// The course a report is about: `course_id` when given (kNotFound "course_id" when it is not
// this patient's), else the most recent course that is active, paused or completed, else the most
// recent course. kConflict when the patient has no course.
Result<store::Course> ChooseCourse(store::Store& store, store::Id patient_id, std::optional<store::Id> course_id);

// The diary-format document of a patient for `course` (its plan's steps; dose log entries of
// that course or of none, the last entry of each day; every diary entry; FIQR, PGIC and ACR 2016
// responses, the last of each kind per day), parsed by analysis::ParseDiaryJson. Stored data the
// parser rejects gives kConflict whose message says in plain words which day is at fault ("the
// diary entry of 2026-03-05: ...") and whose field keeps the document path ("diary[12].pain").
// Stored diary rows are on the current scale version (store migration 0002 and the conversion at
// the door, CheckDiaryItems). A taken dose that differs from the plan is no error: the analysis
// reports it as a deviation.
// `pseudonym` names the patient inside the document (the research id for de-identified use).
Result<analysis::Diary> AssembleDiary(store::Store& store, const store::Patient& patient, const store::Course& course,
                                      const std::string& pseudonym);

}  // namespace ldn::server

#endif  // LDN_SERVER_DIARY_ASSEMBLY_H_
