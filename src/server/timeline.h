// One timeline of everything that happened to a patient (docs/clinic.md, "Timeline"), assembled
// from the stored records: screenings, courses and their plan adjustments, prescriptions and their
// events (signing, verification, dispensing, cancellation), the medication list, conditions,
// allergies and adverse events with their histories, questionnaires, messages (who wrote, never
// what), diary edits, invitations, flags (raised and acknowledged) and settled inbox tasks. Read-only; the caller audits the read.
#ifndef LDN_SERVER_TIMELINE_H_
#define LDN_SERVER_TIMELINE_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/calendar.h"
#include "core/result.h"
#include "store/store.h"

namespace ldn::server {

struct TimelineEvent {
  store::Instant at{};           // when it was recorded
  LocalDate date{};              // the local date it is about (the patient's time zone)
  std::string kind;              // one of TimelineKinds()
  std::string title;             // one line
  std::string detail;            // may be empty
  nlohmann::json ref = nullptr;  // ids of the object ({"prescription_id": 4}, ...)
};

struct TimelineQuery {
  std::set<std::string> kinds;      // empty: every kind
  std::optional<LocalDate> from;    // on the event's local date
  std::optional<LocalDate> to;
};

// The kinds, in display order.
const std::vector<std::string>& TimelineKinds();
bool IsTimelineKind(const std::string& kind);
std::string TimelineKindList();  // "screening, course, ..."

// The events of patient_id that match q, newest first. Fails with the store's status.
// `now` sets the default window of diary edits (the two years up to the patient's today).
Result<std::vector<TimelineEvent>> BuildTimeline(store::Store& store, store::Id patient_id, const TimelineQuery& q,
                                                 store::Instant now);

// {"at", "date", "kind", "title", "detail", "ref"}.
nlohmann::json TimelineEventToJson(const TimelineEvent& e);

}  // namespace ldn::server

#endif  // LDN_SERVER_TIMELINE_H_
