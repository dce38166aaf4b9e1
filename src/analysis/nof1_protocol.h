// The protocol of a blinded N-of-1 trial of LDN against placebo, as a domain value: its design,
// outcomes, decision rule and model, validated; what each design choice allows; a canonical
// serialisation and SHA-256 for freezing it when the trial starts; and the allocation (AB or BA
// within each pair) drawn from random bytes the caller supplies (docs/nof1.md, "Protocol").
//
// Pure: the randomness comes from the caller (the server passes libsodium's randombytes_buf),
// the outcome directions from the embedded knowledge base (data/diary_items.json). Value types,
// thread-compatible.
#ifndef LDN_ANALYSIS_NOF1_PROTOCOL_H_
#define LDN_ANALYSIS_NOF1_PROTOCOL_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/nof1_data.h"
#include "analysis/nof1_models.h"
#include "core/calendar.h"
#include "core/result.h"

namespace ldn::analysis {

// Design limits (docs/nof1.md, "Design"). One pair is allowed (the Bayesian rule can decide with
// it) though the randomization test then cannot reject; 12 pairs of 4 weeks is close to two years.
inline constexpr int kMinPairs = 1;
inline constexpr int kMaxPairs = 12;
inline constexpr int kMinPeriodDays = 7;
inline constexpr int kMaxPeriodDays = 182;
// At least a week of analysed ratings per period (ldn's floor: fewer days make a period mean
// little better than a single rating).
inline constexpr int kMinAnalysedDaysPerPeriod = 7;

// The pre-specified decision rule (issue 16 defaults; clinical-facts.md section 6 note 5:
// "pre-specify the decision rule, e.g. P(>= 1-point benefit) > 0.8").
struct DecisionRule {
  double continue_probability = 0.8;  // continue LDN if P(LDN better by >= MCID) >= this
  double stop_probability = 0.5;      // stop LDN if P(LDN better) < this; otherwise "uncertain"
};

enum class TrialDecision { kContinue, kStop, kUncertain };
std::string_view TrialDecisionName(TrialDecision d);  // "continue", "stop", "uncertain"
// What the decision means, in plain words for patient and clinician.
std::string TrialDecisionMeaning(TrialDecision d, const DecisionRule& rule, double mcid);
// Applies the rule. REQUIRES: probabilities in [0, 1].
TrialDecision Decide(const DecisionRule& rule, double p_ldn_better_by_mcid, double p_ldn_better);

struct TrialProtocol {
  int pairs = 3;                         // issue 16 default; AHRQ 2014 user's guide: typically >= 3 block pairs
  int period_days = 28;                  // 4 weeks: LDN's benefit takes weeks (clinical-facts.md section 6 note 1)
  int run_in_days = 14;                  // excluded at the start of each period: the analytic washout
  std::string primary_outcome = "pain";  // a data/diary_items.json id
  // clinical-facts.md section 6 note 5: "daily 0-10 pain NRS, plus sleep and fatigue".
  std::vector<std::string> secondary_outcomes = {"fatigue", "sleep"};
  double mcid = 1.0;  // points on the 0-10 scale (issue 16 default)
  DecisionRule rule;
  Nof1Model model = Nof1Model::kAr1;  // the headline model (docs/nof1.md: why AR(1))
};

// Fails with kInvalidArgument naming the field ("pairs", "period_days", "run_in_days",
// "primary_outcome", "secondary_outcomes[1]", "mcid", "decision_rule.continue_probability",
// "decision_rule.stop_probability") when a value is outside its range, fewer than
// kMinAnalysedDaysPerPeriod days would be analysed per period, an outcome is unknown to
// data/diary_items.json or repeated, or the continue threshold is not above the stop threshold.
// kInternal when the embedded knowledge base cannot be read.
Status ValidateProtocol(const TrialProtocol& protocol);

// Whether a higher rating of `outcome` (a data/diary_items.json id) is better. kInvalidArgument
// naming `field` for an unknown id.
Result<bool> OutcomeHigherIsBetter(std::string_view outcome, std::string_view field);

// What a design allows, for the design screen.
struct DesignConsequences {
  int allocations = 0;                   // 2^pairs equally likely allocations
  double smallest_p_two_sided = 0;       // 2 / 2^pairs (1 with one pair)
  double smallest_p_one_sided = 0;       // 1 / 2^pairs
  bool two_sided_can_reach_005 = false;  // needs >= 6 pairs
  bool one_sided_can_reach_005 = false;  // needs >= 5 pairs
  int paired_t_degrees_of_freedom = 0;   // pairs - 1
  int analysed_days_per_period = 0;
  int total_days = 0;              // 2 x pairs x period_days
  std::vector<std::string> notes;  // plain-language sentences
};
inline constexpr int kPairsForTwoSided005 = 6;  // 2/2^6 = 0.031 <= 0.05 < 2/2^5 = 0.0625
inline constexpr int kPairsForOneSided005 = 5;  // 1/2^5 = 0.031 <= 0.05 < 1/2^4 = 0.0625
// REQUIRES: ValidateProtocol(protocol).ok().
DesignConsequences ConsequencesOf(const TrialProtocol& protocol);
// The consequences as JSON, as the CLI (`ldn trial design`) and the server's design screen show them:
// {"allocations", "smallest_p_two_sided", "smallest_p_one_sided" (6 decimals),
// "two_sided_can_reach_005", "one_sided_can_reach_005", "pairs_needed_two_sided_005",
// "pairs_needed_one_sided_005", "paired_t_degrees_of_freedom", "analysed_days_per_period",
// "total_days", "notes"}.
nlohmann::json ConsequencesToJson(const DesignConsequences& consequences);

// Parses a protocol from JSON, strictly (unknown keys are errors). Every key is optional and
// defaults as in TrialProtocol: pairs, period_days, run_in_days, primary_outcome,
// secondary_outcomes, mcid, decision_rule {continue_probability, stop_probability}, model. The
// canonical form's "format" and "higher_is_better" keys are accepted too; "higher_is_better" must
// then agree with the knowledge base (a frozen protocol whose direction changed is an error).
// Validates as ValidateProtocol; errors name the key ("decision_rule.stop_probability").
Result<TrialProtocol> ParseProtocolJson(std::string_view text);
Result<TrialProtocol> ProtocolFromJson(const nlohmann::json& j);

inline constexpr std::string_view kProtocolFormat = "ldn-nof1-protocol/1";

// The canonical JSON form: sorted keys, no whitespace, every field explicit (defaults included),
// the outcomes' directions resolved from the knowledge base ("higher_is_better": {"pain": false,
// ...}) so that the frozen text says how it will be analysed. Equal protocols give equal bytes.
// REQUIRES: ValidateProtocol(protocol).ok().
std::string CanonicalProtocolJson(const TrialProtocol& protocol);
// Lower-case hex SHA-256 (64 characters) of CanonicalProtocolJson: the hash that goes into the
// audit chain when the protocol is frozen. REQUIRES: ValidateProtocol(protocol).ok().
std::string ProtocolSha256(const TrialProtocol& protocol);
// Lower-case hex SHA-256 of any bytes (FIPS 180-4), exposed for tests.
std::string Sha256Hex(std::string_view bytes);

// --- Allocation ------------------------------------------------------------------------------------

enum class PairOrder { kAB, kBA };  // A = placebo first, or B = LDN first

struct Allocation {
  std::vector<PairOrder> pairs;
  // The arm of period `period` (1-based). REQUIRES: 1 <= period <= 2 x pairs.size().
  TrialArm ArmOfPeriod(int period) const;
  // "AB,BA,AB": the form the pharmacy stores and the report prints.
  std::string ToString() const;
};

// Fills `size` bytes at `buffer` with uniformly random bytes. The server passes libsodium's
// randombytes_buf (a CSPRNG); tests pass a deterministic source.
using RandomBytes = std::function<void(uint8_t* buffer, size_t size)>;

// One random bit per pair (the low bit of one byte): AB or BA with probability 1/2 each,
// independently. kInvalidArgument as ValidateProtocol.
Result<Allocation> DrawAllocation(const TrialProtocol& protocol, const RandomBytes& random_bytes);

// Parses "AB,BA,AB" (spaces ignored). kInvalidArgument naming `field` when a pair is not AB or
// BA, or the count differs from `pairs` (when pairs > 0).
Result<Allocation> ParseAllocation(std::string_view text, int pairs, std::string_view field);

// --- Calendar --------------------------------------------------------------------------------------

// One period of the trial in calendar dates.
struct PeriodDates {
  int period = 1;
  int pair = 1;
  TrialArm arm = TrialArm::kPlacebo;
  LocalDate first;           // first day on this period's kit
  LocalDate analysed_first;  // first day after the run-in
  LocalDate last;
  int first_trial_day = 1;  // trial days counted from 1 on the start date (the CSV's day column)
  int analysed_first_trial_day = 1;
  int last_trial_day = 1;
};
// The periods of a trial starting on `start` (trial day 1). REQUIRES: a valid protocol and an
// allocation with protocol.pairs pairs.
std::vector<PeriodDates> TrialCalendar(const TrialProtocol& protocol, const Allocation& allocation, LocalDate start);

}  // namespace ldn::analysis

#endif  // LDN_ANALYSIS_NOF1_PROTOCOL_H_
