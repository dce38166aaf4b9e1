// The safety net for worrying reports: the red-flag vocabulary of data/red_flags.json matched
// against what a patient writes (a diary note, a side effect, an adverse-event description), and
// the assessment of one report -- is it severe or worrying, and which guidance must the patient
// see at once (docs/safety.md). Pure; the server calls it on every diary day and adverse event it
// stores, and the clinician's flags (flags.h) use the same assessment.
#ifndef LDN_CLINICAL_SAFETY_RED_FLAGS_H_
#define LDN_CLINICAL_SAFETY_RED_FLAGS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace ldn::clinical {

// How soon: urgent = contact the clinician today, before the next dose; emergency = call the
// emergency number now. Ordered: kNone < kUrgent < kEmergency.
enum class RedFlagLevel { kNone, kUrgent, kEmergency };
std::string_view RedFlagLevelName(RedFlagLevel level);  // "none", "urgent", "emergency"

struct RedFlagTerm {
  std::string id;     // "chest_pain"
  std::string label;  // "chest pain" (clinician-facing)
  RedFlagLevel level = RedFlagLevel::kUrgent;
  std::map<std::string, std::vector<std::string>, std::less<>> terms;  // language -> phrases
  std::string source;
};

struct SafetyGuidance {
  std::string id;  // "emergency", "contact_clinician", "stop_ldn", "crisis_support"
  std::string title;
  std::string text;  // patient-facing, plain language
  std::string source;
  // The same guidance for another country's patients in their language ("da", "nb"; issue 15,
  // item 6): its own emergency and helpline numbers, each with its source.
  struct Translation {
    std::string title;
    std::string text;
    std::string source;
  };
  std::map<std::string, Translation, std::less<>> translations;
};

struct RedFlagVocabulary {
  std::string version;
  std::vector<RedFlagTerm> terms;
  std::vector<SafetyGuidance> guidance;
  std::map<std::string, std::string, std::less<>> side_effect_labels;  // data/side_effects.json id -> label
  const SafetyGuidance* Guidance(std::string_view id) const;
};

// data/red_flags.json (with the labels of data/side_effects.json), parsed once. kInternal when
// either embedded file is missing or malformed. Thread-safe.
const Result<RedFlagVocabulary>& LoadRedFlagVocabulary();
// Parses a red_flags.json document (tests). kInvalidArgument naming the field for a missing,
// mistyped or unknown key, an unknown level, a term without phrases, a duplicate id, or missing
// guidance (emergency, contact_clinician, stop_ldn and crisis_support are required).
Result<RedFlagVocabulary> ParseRedFlagVocabulary(std::string_view text);

// The words of `text` as the matcher sees them, one vector per sentence (split at . ! ? ; and
// line breaks): lower-case ASCII, apostrophes removed ("can't" -> "cant"), other punctuation a
// separator, a final plural 's' dropped from words longer than 3 letters not ending in "ss".
// Bytes of non-ASCII letters (UTF-8) are kept inside words. Exposed for tests.
std::vector<std::vector<std::string>> RedFlagSentences(std::string_view text);

struct RedFlagMatch {
  std::string id;
  std::string label;
  RedFlagLevel level = RedFlagLevel::kUrgent;
  std::string matched;  // the words of the text that matched, as normalised ("heart racing")
  std::string source;
};

// Every term of `vocabulary` in `language` found in `text`, once per term id, in vocabulary order.
// A phrase matches when all its words occur within one sentence, in any order, inside a span of
// (number of words + 3) consecutive words. Negation is not recognised ("no chest pain" matches):
// the safety net errs towards asking. An empty `language` (the default) matches the phrases of
// every language the vocabulary has: a patient may write in any of them, whatever the app's
// language. An unknown language matches nothing.
std::vector<RedFlagMatch> MatchRedFlags(std::string_view text, const RedFlagVocabulary& vocabulary,
                                        std::string_view language = {});

// One report to assess: a diary day (side effects with their 1-3 severity, the note) or an
// adverse event (severity word, seriousness, description).
struct ReportToAssess {
  std::vector<std::pair<std::string, int>> side_effects;  // (checklist id, severity 1 mild .. 3 severe)
  std::string note;                                       // diary note or adverse-event description
  std::optional<std::string> adverse_severity;            // "mild", "moderate", "severe", "life_threatening"
  bool serious = false;                                   // a serious adverse event
};

struct SafetyAssessment {
  RedFlagLevel level = RedFlagLevel::kNone;
  // Why, in plain words, one per cause: "Severe side effect: Headache", "You wrote about: chest pain".
  std::vector<std::string> reasons;
  std::vector<std::string> severe_side_effects;  // checklist ids rated 3 (severe)
  std::vector<RedFlagMatch> matches;             // vocabulary terms found in the note
  bool severe_adverse_event = false;             // severe or life-threatening or serious
  // Guidance ids in the order the patient should read them: emergency first when the level is
  // emergency, crisis support when suicidal thoughts matched, then contact_clinician and stop_ldn.
  std::vector<std::string> guidance;
};

// Assesses one report. Level: emergency when a matched term is an emergency or the adverse event
// is life-threatening; urgent for any other match, a severe (3) side effect, or a severe or
// serious adverse event; none otherwise (then guidance is empty).
SafetyAssessment AssessReport(const ReportToAssess& report, const RedFlagVocabulary& vocabulary,
                              std::string_view language = {});

// {"level", "reasons", "severe_side_effects", "matches": [{"id","label","level","matched","source"}],
//  "guidance": [{"id","title","text","source","translations":{"da":{"title","text","source"}}}],
//  "vocabulary_version"}.
nlohmann::json SafetyAssessmentToJson(const SafetyAssessment& a, const RedFlagVocabulary& vocabulary);

// The whole vocabulary and guidance as JSON (GET /api/v1/safety/red-flags, `ldn safety terms`).
nlohmann::json RedFlagVocabularyToJson(const RedFlagVocabulary& vocabulary);

}  // namespace ldn::clinical

#endif  // LDN_CLINICAL_SAFETY_RED_FLAGS_H_
