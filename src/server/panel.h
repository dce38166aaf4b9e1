// The clinician's panel (issue 13, item 5; docs/api.md "GET /api/v1/patients"): the visible
// patients searched, filtered, sorted and paged, with the columns a clinician scans -- the last
// diary day, adherence, weeks on the current dose, the response class and the flags. Internal to
// the server layer; called by ListPatients (api_clinical.cpp) when the request has a query.
#ifndef LDN_SERVER_PANEL_H_
#define LDN_SERVER_PANEL_H_

#include "core/result.h"
#include "server/api.h"

namespace ldn::server {

// The adherence window: the 28 days before the patient's today (today itself is left out: a
// bedtime dose is not yet due). docs/api.md says why 28.
inline constexpr int kPanelAdherenceDays = 28;
// per_page is 1..kPanelMaxPerPage; 25 when absent.
inline constexpr int kPanelMaxPerPage = 100;
inline constexpr int kPanelDefaultPerPage = 25;

// GET /api/v1/patients?q=&sort=&flag=&page=&per_page= (every parameter optional).
//   q         case-insensitive substring of the name or the research id (ASCII letters fold; 1-200 chars)
//   sort      name | last_diary | adherence | weeks_on_dose | flags, "-" before it for descending
//             (default name); patients without a value sort last in both directions; ties by name, id
//   flag      any | red | amber | safety | dose | course | screening | side_effect | response | diary:
//             only patients with an unacknowledged flag (of that level or kind); clinicians only
//   page      1..1000000 (default 1); a page beyond the last is empty, with the total
//   per_page  1..100 (default 25)
// Reply {"patients": [...], "total", "page", "per_page", "pages", "sort", "q", "flag",
// "adherence_window_days"}. Fails with kInvalidArgument naming the parameter; kInvalidArgument
// "flag" / "sort" when a non-clinician asks for flags (flags are computed for clinicians only).
Result<ApiReply> ListPatientPanel(Api& api, RequestContext& ctx);

}  // namespace ldn::server

#endif  // LDN_SERVER_PANEL_H_
