// The de-identified aggregate a researcher may see: pooled counts over every patient, with small
// cells suppressed. No patient id, research id, name, date or free text leaves this function.
#ifndef LDN_SERVER_RESEARCH_SUMMARY_H_
#define LDN_SERVER_RESEARCH_SUMMARY_H_

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "store/store.h"

namespace ldn::server {

// Counts below this are reported as null ("suppressed"): the usual minimum cell size of
// statistical disclosure control for health tables (e.g. the UK ONS and NHS Digital publish small
// counts of 1-4 as suppressed; "k = 5" is the common choice).
inline constexpr int kMinCellSize = 5;

// Pools every patient: the number of patients and courses by status; for each patient whose
// current course can be analysed (analysis/response.h), the IMMPACT responder class, the Farrar
// two-point response and the time to response (median); adverse events by severity. Every count
// below min_cell is null; the median needs min_cell analysed responders.
// Fails only when the store fails (kUnavailable / kInternal).
Result<nlohmann::json> ResearchSummary(store::Store& store, int min_cell = kMinCellSize);

}  // namespace ldn::server

#endif  // LDN_SERVER_RESEARCH_SUMMARY_H_
