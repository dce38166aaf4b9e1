// The screening knowledge base: medications (data/drugs.json) and conditions (data/conditions.json),
// and name matching over them.
//
// Names are matched case- and spacing-insensitively: NormalizeName keeps only lower-case ASCII
// letters and digits, so "Tylenol #3", "tylenol3" and "TYLENOL 3" are the same key. A name that
// does not match as written is tried again without strength, salt and form words
// ("Oxycodone HCl 5 mg tablets" -> "oxycodone"). Nothing is ever matched fuzzily: close names are
// only offered as suggestions.
#ifndef LDN_CLINICAL_SCREENING_KNOWLEDGE_BASE_H_
#define LDN_CLINICAL_SCREENING_KNOWLEDGE_BASE_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ldn::clinical {

// Washout class of an opioid: how long after the last dose naltrexone may start.
enum class OpioidClass { kShortActing, kLongActing, kMethadone, kBuprenorphine };

// "short_acting", "long_acting", "methadone", "buprenorphine" (the data file's ids).
std::string_view OpioidClassId(OpioidClass c);

// One washout class of data/drugs.json "washout_classes".
struct WashoutClass {
  OpioidClass opioid_class = OpioidClass::kShortActing;
  std::string label;  // "short-acting opioid"
  int days = 0;       // days from the last dose to the earliest start
  std::string source;
};

// Drug categories of data/drugs.json.
enum class DrugCategory {
  kOpioid,             // a single opioid; has opioid_class
  kOpioidProduct,      // a brand, combination or extended-release product; has components
  kOpioidTheoretical,  // loperamide: interaction theoretical only
  kOpioidAntagonist,   // naltrexone, naloxone, nalmefene, samidorphan
  kThyroid,
  kImmunosuppressant,
  kAnticoagulant,
  kInteracting,    // thioridazine
  kNoInteraction,  // recognised, no known interaction
};

struct DrugEntry {
  std::string id;
  std::string name;
  std::vector<std::string> aliases;
  DrugCategory category = DrugCategory::kNoInteraction;
  // kOpioid: its class. kOpioidProduct: an override (extended-release products), else unset.
  std::optional<OpioidClass> opioid_class;
  std::vector<std::string> components;  // kOpioidProduct: ids of kOpioid entries
  std::string severity;                 // "review" for flagged categories, else empty
  std::string finding;
  std::string source;

  bool IsOpioid() const { return category == DrugCategory::kOpioid || category == DrugCategory::kOpioidProduct; }
};

struct ConditionEntry {
  std::string id;
  std::string name;
  std::vector<std::string> aliases;
  std::string severity;  // "info", "review" or "not_eligible"
  std::string finding;
  std::string source;
};

// How a name was matched.
struct NameMatch {
  std::string entry_id;
  std::string matched_key;        // the name or alias that matched, as written in the data
  bool after_stripping = false;   // matched only after removing strength, salt and form words
  bool extended_release = false;  // the name carries an ER/SR/patch marker ("MR", "patch", ...)
};

// Lower-case ASCII alphanumerics only: "CO-CODAMOL" -> "cocodamol", "Tylenol #3" -> "tylenol3".
std::string NormalizeName(std::string_view name);

// `name` without strength, unit, salt and dosage-form words, normalised:
// "Oxycodone HCl 5 mg tablets" -> "oxycodone". With keep_bare_numbers, numbers not followed by a
// unit stay ("Tylenol #4 tablets" -> "tylenol4"). Empty when nothing else is left.
std::string StripStrengthAndForm(std::string_view name, bool keep_bare_numbers);

// True when `name` has a modified-release or transdermal marker word (ER, SR, XR, MR, patch...).
bool HasExtendedReleaseMarker(std::string_view name);

// Levenshtein distance between two strings (bytes).
int EditDistance(std::string_view a, std::string_view b);

// An immutable, loaded knowledge base. Thread-safe for concurrent reads.
class DrugKnowledgeBase {
 public:
  // Parses the two documents (the formats of data/drugs.json and data/conditions.json).
  // Fails with kInvalidArgument naming the entry when an entry is malformed, a component is not
  // an opioid entry, or two entries share a normalised name or alias.
  static Result<DrugKnowledgeBase> FromJsonText(std::string_view drugs_json, std::string_view conditions_json);

  // The knowledge base embedded in the binary, loaded once (thread-safe). Fails with kInternal
  // when the embedded data is missing or malformed (a build error).
  static Result<const DrugKnowledgeBase*> Embedded();

  const std::string& drugs_version() const { return drugs_version_; }
  const std::string& conditions_version() const { return conditions_version_; }
  const std::vector<DrugEntry>& drugs() const { return drugs_; }
  const std::vector<ConditionEntry>& conditions() const { return conditions_; }

  const DrugEntry* Drug(std::string_view id) const;
  const ConditionEntry* Condition(std::string_view id) const;
  // REQUIRES: the class is in the data (FromJsonText checks all four are).
  const WashoutClass& Washout(OpioidClass c) const;

  // Matches a medication name exactly after normalisation, then after stripping strength, salt
  // and form words. std::nullopt when neither matches (never a fuzzy match).
  std::optional<NameMatch> LookupDrug(std::string_view name) const;
  std::optional<NameMatch> LookupCondition(std::string_view name) const;

  // Up to `n` known names closest to `name` by edit distance over normalised names and aliases,
  // one per entry, best first (ties by name). Display spellings from the data.
  std::vector<std::string> SuggestDrugs(std::string_view name, size_t n) const;
  std::vector<std::string> SuggestConditions(std::string_view name, size_t n) const;

  // Names of opioid entries that appear as single words of `name` ("paracetamol codeine 500/30" ->
  // {"codeine"}), for warning about unrecognised products. Best first, no duplicates.
  std::vector<std::string> OpioidWordsIn(std::string_view name) const;

  // The washout class that applies to a matched drug: an opioid's class (long-acting when a
  // short-acting opioid is named with an extended-release marker), or for a product the longest
  // of its override and its components. std::nullopt for non-opioids.
  std::optional<WashoutClass> WashoutFor(const NameMatch& match) const;

 private:
  struct Key {
    std::string entry_id;
    std::string display;
  };
  using Index = std::map<std::string, Key, std::less<>>;
  static std::optional<NameMatch> Lookup(const Index& index, std::string_view name);
  static std::vector<std::string> Suggest(const Index& index, std::string_view name, size_t n);

  std::string drugs_version_;
  std::string conditions_version_;
  std::vector<WashoutClass> washouts_;
  std::vector<DrugEntry> drugs_;
  std::vector<ConditionEntry> conditions_;
  Index drug_index_;  // normalised name or alias -> entry
  Index condition_index_;
};

// Convenience for other modules: looks `name` up in the embedded knowledge base. std::nullopt when
// unknown or when the embedded knowledge base failed to load. The pointer stays valid for the life
// of the program.
std::optional<std::pair<const DrugEntry*, NameMatch>> LookupDrug(std::string_view name);

}  // namespace ldn::clinical

#endif  // LDN_CLINICAL_SCREENING_KNOWLEDGE_BASE_H_
