// The clinician's inbox (issue 13; docs/clinic.md "Tasks"): the tasks of one patient, computed from
// the record each time they are asked for, minus those a clinician settled (task_resolutions).
// Internal to the server layer (api_inbox.cpp).
//
// Kinds and keys (a key names one task within its patient and is what a resolution refers to):
//   message                "message.<id>"                 the thread's newest message is the patient's,
//                                                         unanswered by the care team (id: that message)
//   flag                   the flag's code (flags.h)      an unacknowledged flag, red or amber
//   diary_missing          the flag's code "diary.missing.<first day>"  (the missing-diary flag)
//   prescription_to_sign   "prescription.<id>"            an issued prescription without a signature
//   questionnaire_overdue  "questionnaire.<fiqr|pgic>.<due since>"  (questionnaire_schedule.h)
// A task leaves the inbox when its cause goes (a reply, an acknowledgement, a signature, an answered
// questionnaire, a diary day) or when it is settled here.
#ifndef LDN_SERVER_INBOX_H_
#define LDN_SERVER_INBOX_H_

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "store/store.h"

namespace ldn::server {

struct InboxTask {
  std::string key;
  std::string kind;
  store::Id patient_id = 0;
  std::string title;   // one line for the clinician
  std::string detail;  // more: the flag's message, the unsigned order, the overdue date
  std::string level;   // "red" | "amber" | "" (a flag's level; messages and orders have none)
  std::string since;   // ISO date or instant the task began
  std::string link;    // the web app's page to act on it ("#/patient/12/messages")
};

// The patient's open tasks (not settled), red flags first, then by kind and age. `flags`: the
// patient's flags at `now` as PatientFlagsJson gives them (the inbox passes the flag cache's),
// computed here when null. Fails only when the store does.
Result<std::vector<InboxTask>> PatientTasks(store::Store& store, const store::Patient& patient, store::Instant now,
                                            const nlohmann::json* flags = nullptr);

// {"key","kind","patient_id","patient_name","title","detail","level","since","link"}.
nlohmann::json TaskToJson(const InboxTask& task, const store::Patient& patient);
// {"id","key","kind","resolution","note","recorded_by","recorded_at"}.
nlohmann::json ResolutionToJson(const store::TaskResolution& resolution);

// The patient's questionnaire schedule (questionnaire_schedule.h) as
// {"fiqr": {"due","due_since","overdue","last"}, "pgic": {...}, "interval_days", "overdue_days",
// "source"}: the patient's Questionnaires page and the inbox read the same rule.
Result<nlohmann::json> QuestionnaireScheduleJson(store::Store& store, const store::Patient& patient,
                                                 store::Instant now);

}  // namespace ldn::server

#endif  // LDN_SERVER_INBOX_H_
