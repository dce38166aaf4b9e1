// What other parts of the server read of a blinded N-of-1 trial (api_trials.cpp; docs/nof1.md "In
// the clinic"). Internal to the server layer.
#ifndef LDN_SERVER_TRIALS_H_
#define LDN_SERVER_TRIALS_H_

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/calendar.h"
#include "core/result.h"
#include "store/store.h"

namespace ldn::server {

// One period of a started trial as the clinician and the patient see it: its dates and the code of
// the pack taken in it ("K0001-A": pack A in a pair's first period, B in its second), never what
// the pack holds.
struct TrialPackPeriod {
  int period = 1;
  int pair = 1;
  std::optional<std::string> pack_code;  // none while the pair has no kit
  LocalDate first;
  LocalDate analysed_first;  // after the run-in
  LocalDate last;
};

// The periods of trial `t` from its start date (empty when it has none: not started). Fails when
// the stored protocol or a kit cannot be read (kInternal/kNotFound from the store).
Result<std::vector<TrialPackPeriod>> TrialPackSchedule(store::Store& st, const store::Trial& t);

// The patient's running trial (status started), if any.
Result<std::optional<store::Trial>> RunningTrial(store::Store& st, store::Id patient_id);

// Every ended trial's primary-outcome posterior of LDN - placebo (its mean and SD under the frozen
// headline model) pooled by primary outcome (analysis/nof1_pool.h, without per-trial estimates):
// {"min_trials", "mcid", "outcomes": [{"outcome", "label", "higher_is_better", "trials": n | null,
// "pool": PoolResultToJson | null}], "unreadable_trials": ended trials whose stored record could
// not be read (counted, not pooled)}. An outcome with fewer than max(2, min_trials) analysed
// trials is not pooled (trials and pool null): the disclosure control of research_summary.h. No
// trial id, patient, date or name is in the answer. Fails when the store is unavailable.
Result<nlohmann::json> PoolEndedTrials(store::Store& st, store::Instant now, double mcid, int min_trials);

}  // namespace ldn::server

#endif  // LDN_SERVER_TRIALS_H_
