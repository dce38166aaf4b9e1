// Demo data for `ldn serve --demo` and `make run`: one account per role, a care team, patients
// and a few months of their records, so that every screen of the front end has something to show.
//
// Demo logins (docs/operations.md; never use them on a server reachable by others):
//   pat / ldn-demo-diary          patient "Pat Demo" (Europe/Oslo), in the Demo clinic
//   doc / ldn-demo-clinician      clinician, member of the Demo clinic
//   pharm / ldn-demo-compounding  pharmacist, member of the Demo clinic
//   nora / ldn-demo-trial-answer  patient "Nora Trial" (Europe/Oslo), in the demo's blinded trial
//   res / ldn-demo-outcomes       researcher
//   admin / ldn-demo-accounts     admin
// The clinician, pharmacist and admin set up two-step login (TOTP) at their first login, like any
// account of those roles.
// Patients "Alex Example" and "Sam Sample" are also in the Demo clinic; "Robin Other" is in the
// "Other clinic" and visible to none of the demo clinicians. "Kim Baseline" (Demo clinic, no
// login) is in the baseline of a planned course: screened 5 days ago with tramadol stopped 8 days
// ago (wait), 5 diary days, the first dose at the end of the 14-day baseline.
//
// "Nora Trial" (Demo clinic, login nora; patient 6) is in a blinded N-of-1 trial of LDN against
// placebo (issue 16; docs/nof1.md) whose last period ended 5 days ago: 2 pairs of 28-day periods on
// a signed order of 4.5 mg capsules, each pair's kit made by Demo Pharmacy from recorded lots (an
// active batch and its placebo twin, released by the second pharmacist), her diary and her
// end-of-period answers. The clinician ends it in the app and reads the answer, the report and the
// letter; the allocation is fixed (BA, AB) so that the demo is the same everywhere.
//
// Every course passed the course gate (docs/safety.md): a screening 16 days before its first dose,
// the create and activate decisions stored with it, the baseline diary and a baseline FIQR.
//
// The clinic's workspace (issue 13): the demo pharmacist works for "Demo Pharmacy" (a second,
// "Harbour Compounding", has no staff); "doc" is the prescriber "Dr Dana Demo" (an invented
// registration number); the demo patients have demographics (invented dates of birth and
// addresses); each has a signed order for the 1 mg/mL liquid routed to Demo Pharmacy; and Pat has a
// short message thread with the clinic, whose last message is unread.
//
// Diaries and dose logs are simulated patients of seed 1 (analysis/simulate.h; docs/simulation.md),
// moved in time so that the first dose is 84 (Pat), 70 (Alex) or 42 (Sam) days before today and
// the last diary day is today: a 28-day baseline, then the ldnrt-standard titration. Pat has an
// LDN effect; Alex none but a large placebo response; Sam neither, and side effects. Deterministic
// apart from the date they are seeded on.
#ifndef LDN_SERVER_DEMO_H_
#define LDN_SERVER_DEMO_H_

#include <string>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace ldn::server {

struct DemoLogin {
  std::string username;
  std::string password;
  std::string role;
};

struct DemoSeed {
  bool created = false;  // false: the demo accounts were already there and nothing was written
  std::vector<DemoLogin> logins;
};

// The demo logins, in the order above.
std::vector<DemoLogin> DemoLogins();

// The instance setting that marks a demo database (Store::GetSetting).
inline constexpr char kDemoSetting[] = "demo";

// Seeds the demo into `store` as of `now` (records run up to the patients' local today), and
// marks the database as a demo database. Only an empty database (no user, no patient) is seeded;
// a demo database is left as it is (created = false). Fails with kInvalidArgument "--demo" for any
// other database (issue 17, M10: public passwords never enter a real database), the store's status
// (kUnavailable), or kInternal when the embedded protocols are broken.
// REQUIRES: InitCrypto() succeeded.
Result<DemoSeed> SeedDemo(store::Store& store, store::Instant now);

}  // namespace ldn::server

#endif  // LDN_SERVER_DEMO_H_
