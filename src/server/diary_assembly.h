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
#include "core/calendar.h"
#include "core/result.h"
#include "store/store.h"

namespace ldn::server {

// Checks one day's items (the diary-format day object without "date": the nine 0-10 items,
// side_effects, rescue_medication, note) with the domain parser. Fails with kInvalidArgument
// naming the field as "<prefix>.<key>" ("items.pain", "items.side_effects[0].severity") for an
// unknown key, a wrong type or an out-of-range value. Returns the items as compact JSON text.
Result<std::string> CheckDiaryItems(const nlohmann::json& items, LocalDate date, std::string_view prefix);

// The course a report is about: `course_id` when given (kNotFound "course_id" when it is not
// this patient's), else the most recent course that is active, paused or completed, else the most
// recent course. kConflict when the patient has no course.
Result<store::Course> ChooseCourse(store::Store& store, store::Id patient_id, std::optional<store::Id> course_id);

// The diary-format document of a patient for `course` (its plan's steps; dose log entries of
// that course or of none, the last entry of each day; every diary entry; FIQR, PGIC and ACR 2016
// responses, the last of each kind per day), parsed by analysis::ParseDiaryJson. Stored data the
// parser rejects (a logged dose that contradicts the plan, say) gives kConflict naming the field.
// `pseudonym` names the patient inside the document (the research id for de-identified use).
Result<analysis::Diary> AssembleDiary(store::Store& store, const store::Patient& patient, const store::Course& course,
                                      const std::string& pseudonym);

}  // namespace ldn::server

#endif  // LDN_SERVER_DIARY_ASSEMBLY_H_
