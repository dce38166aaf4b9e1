// Titration protocols and adjustment rules, read from the embedded knowledge base
// data/protocols.json (sources: clinical-facts.md section 1).
#ifndef LDN_CLINICAL_TITRATION_PROTOCOLS_H_
#define LDN_CLINICAL_TITRATION_PROTOCOLS_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/dose.h"
#include "core/result.h"

namespace ldn::clinical {

// One titration protocol: start at `start`, add `increment` every `step_days` until `target`
// (the last step is exactly the target). Value type.
struct Protocol {
  std::string id;    // "ldnrt-standard"
  std::string name;  // human-readable
  Dose start = Dose::FromMicrogramsHcl(0);
  Dose increment = Dose::FromMicrogramsHcl(0);
  int step_days_default = 7;  // days per step unless --step-days says otherwise
  int step_days_min = 7;      // --step-days must lie in [min, max]
  int step_days_max = 7;
  Dose target = Dose::FromMicrogramsHcl(0);  // default final dose
  bool reconstructed = false;                // true when the steps are ours, not published (final-6mg)
  std::string source;
  std::string notes;
  std::string uncertainty;
};

// The numeric rules of data/protocols.json (each entry cites its source there).
struct TitrationRules {
  Dose usual_max = Dose::FromMicrogramsHcl(4500);         // above it, --max must confirm
  Dose low_dose_ceiling = Dose::FromMicrogramsHcl(9000);  // a --max above it is refused
  int side_effect_settle_days = 3;                        // unsettled this many days or more -> halve and re-titrate
  int gap_step_down_days = 21;                            // hard titration and a gap longer than this -> step down
  int min_syringe_volume_centi_ml = 20;                   // volumes below 0.20 mL get a warning
  std::string usual_max_source;
  std::string ceiling_source;
  std::string settle_source;
  std::string gap_source;
  std::string syringe_source;
};

struct TitrationKnowledge {
  std::vector<Protocol> protocols;  // in file order
  TitrationRules rules;
};

// The protocols and rules of the embedded data/protocols.json, parsed once and cached.
// Fails with kInternal when the embedded file is missing or malformed (a build error); the
// message names the offending field. Thread-safe.
const Result<TitrationKnowledge>& LoadTitrationKnowledge();

// Parses a protocols.json document (exposed for tests). Fails with kInvalidArgument naming the
// field (e.g. "entries[2].increment_mg") on any missing, mistyped or unknown key.
Result<TitrationKnowledge> ParseTitrationKnowledge(std::string_view text);

// The protocol called `id`. Fails with kInvalidArgument naming `field` and listing the valid
// names when there is none.
Result<Protocol> FindProtocol(const TitrationKnowledge& k, std::string_view id, std::string_view field);

}  // namespace ldn::clinical

#endif  // LDN_CLINICAL_TITRATION_PROTOCOLS_H_
