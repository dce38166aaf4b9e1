// The screening knowledge base and name matching over it (docs/screening.md).
//
// Data (all embedded from data/):
//  - drugs.json: the opioid washout classes and the *ingredients*: every active ingredient by its
//    INN with synonyms and salts, its category (opioid with its action and washout class,
//    antagonist, PAMORA, thyroid hormone, ...), finding and source.
//  - products_*.json: the *products*: brands, generics and combinations, each naming its active
//    ingredients (ingredient id, salt, and for an opioid the class that sets the washout), its
//    markets and its source. A product is an opioid when any of its ingredients is.
//  - conditions.json: conditions with aliases, label rules per jurisdiction and numeric patterns.
//  - jurisdictions.json: markets and the label family whose rules apply in each.
//
// Matching works on tokens (tokens.h). Every contiguous run of up to 8 tokens is looked up among
// the keys of all names and aliases; the longest runs cover the name first, and every run that
// names an opioid is kept even when a longer run overlaps it. So an opioid INN or opioid brand
// anywhere in a name is always found ("Hydrocodone/APAP 5/325", "kratom powder", "Zorbex with
// codeine"), and whatever else the name holds is classified: strength, unit, salt, form, route,
// release and filler words are noise; any other word is the *unknown remainder*. A recognised
// non-opioid brand that is the stem of an opioid family ("Tylenol" of "Tylenol No. 3", "Nurofen"
// of "Nurofen Plus") followed by a product number or variant word that is not itself a known
// member ("Tylenol #5") is *ambiguous*: both readings are reported. Nothing is matched fuzzily.
#ifndef LDN_CLINICAL_SCREENING_KNOWLEDGE_BASE_H_
#define LDN_CLINICAL_SCREENING_KNOWLEDGE_BASE_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "clinical/screening/tokens.h"
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

// Ingredient categories of data/drugs.json.
enum class DrugCategory {
  kOpioid,             // agonist, partial agonist or mixed agonist-antagonist; has opioid_class
  kOpioidTheoretical,  // loperamide: interaction theoretical only
  kOpioidAntagonist,   // naltrexone, naloxone, nalmefene, samidorphan
  kPamora,             // peripherally acting mu antagonist: implies ongoing opioid therapy
  kThyroid,
  kImmunosuppressant,
  kAnticoagulant,
  kInteracting,    // thioridazine
  kNoInteraction,  // recognised, no known interaction
};
std::string_view DrugCategoryId(DrugCategory c);  // "opioid", "pamora", ... (the data's ids)

// A generic ingredient (data/drugs.json entry).
struct Ingredient {
  std::string id;                    // "codeine"
  std::string name;                  // the INN as shown: "codeine"
  std::vector<std::string> aliases;  // synonyms and salts: "codeine phosphate", "APAP"
  DrugCategory category = DrugCategory::kNoInteraction;
  std::string action;                       // opioids: "full agonist", "partial agonist", ...
  std::optional<OpioidClass> opioid_class;  // opioids only
  std::string severity;                     // flagged categories: "review"; else empty
  std::string finding;
  std::string source;
  std::string note;
  // A product whose rules apply when the ingredient is named with an injection, depot, implant or
  // extended-release word ("naltrexone injection" -> Vivitrol's blockade); empty when none.
  std::string depot_product;

  bool IsOpioid() const { return category == DrugCategory::kOpioid; }
};

// One active ingredient of a product.
struct ProductIngredient {
  std::string ingredient;                   // Ingredient::id
  std::string salt;                         // "phosphate"; empty when not stated
  std::optional<OpioidClass> opioid_class;  // for opioid ingredients: the class in this product
};

// A product (data/products_*.json entry): brand, generic or combination.
struct Product {
  std::string id;
  std::string name;
  std::vector<std::string> aliases;
  std::vector<ProductIngredient> ingredients;
  std::vector<std::string> markets;  // jurisdiction ids: "us", "ca", "uk", "dk", "eu", ...
  std::string form;                  // free text: "tablet", "patch", "oral solution"
  int blockade_days = 0;             // extended-release antagonists: days one dose blocks (Vivitrol 28)
  std::string severity;              // "review": depot opioids, where the washout alone is not enough
  bool past_use_review = false;      // overdose-rescue antagonists: past use implies opioid exposure
  std::string finding;               // optional product-specific text
  std::string source;
  std::string note;
  std::string file;  // the data file it came from
};

// A market and the label family whose rules apply there (data/jurisdictions.json).
struct Jurisdiction {
  std::string id;          // "us", "uk", "dk", "eu" ...
  std::string name;        // "United States"
  std::string label;       // label family id: "us", "ca", "uk", "eu", "au", "nz"
  std::string label_name;  // "Revia PI (US, 10/2013)" -- the label that decides there
  bool verified = true;    // false: the label's rules were not checked; the most restrictive apply
  std::string source;
};

// How one label family treats a condition.
struct LabelRule {
  std::vector<std::string> labels;  // label family ids
  std::string severity;             // "not_eligible" (contraindication), "review" (warning), "info"
  std::string kind;                 // "contraindication", "warning", "precaution"
  std::string text;                 // what that label says, briefly
  std::string source;
};

struct ConditionEntry {
  std::string id;
  std::string name;
  std::vector<std::string> aliases;
  std::string severity;  // "info", "review" or "not_eligible": without label rules, or their fallback
  std::string finding;
  std::string source;
  std::string note;
  std::vector<LabelRule> label_rules;  // severity differs by label family
  std::vector<std::string> implies;    // further condition ids ("kidney transplant" -> immunosuppression)
  std::string recommended_protocol;    // "sensitive" for thyroid autoimmunity; else empty
  bool opioid_use = false;             // names current opioid use ("on methadone"): past words soften it
  std::string severe_form;             // the entry a severity word moves it to ("severe CKD"); else empty
};

// A numeric or graded pattern over condition text ("eGFR 25", "ALT 4x ULN", "Child-Pugh C").
struct ConditionPattern {
  struct Rule {
    std::optional<double> below;  // value < below
    std::optional<double> above;  // value > above
    std::string grade;            // grade patterns: the grade word ("c", "4", "positive")
    std::string condition;        // the condition id it maps to
  };
  std::string id;
  std::string kind;                   // "threshold" (a number), "uln_multiple" (a multiple of ULN), "grade"
  std::vector<std::string> analytes;  // words that introduce it: "egfr", "alt", "child pugh"
  std::string unit;                   // shown in messages
  std::vector<Rule> rules;            // first match wins (threshold rules in order)
  std::string unreadable;             // uln_multiple: the condition when no "x ULN" follows the value
  std::string source;
};

// After an opioid washout: the window in which trials still excluded recent opioid use (data/drugs.json
// "recent_opioid_window").
struct RecentUseWindow {
  int days = 0;
  std::string source;
};

// A reference to an ingredient or a product.
struct EntryRef {
  enum class Kind { kIngredient, kProduct };
  Kind kind = Kind::kIngredient;
  size_t index = 0;
  bool operator==(const EntryRef& o) const { return kind == o.kind && index == o.index; }
  bool operator<(const EntryRef& o) const { return kind != o.kind ? kind < o.kind : index < o.index; }
};

// A run of tokens that names one or more entries (several when a name means different products
// in different markets).
struct SpanMatch {
  size_t begin = 0;  // token range [begin, end)
  size_t end = 0;
  std::string text;  // the words as written ("Tylenol #3")
  std::vector<EntryRef> entries;
  bool opioid = false;  // some entry contains an opioid ingredient
};

// A non-opioid brand followed by a product number or variant word that no known member has.
struct FamilyAmbiguity {
  size_t span = 0;                       // index of the non-opioid span in NameAnalysis::spans
  std::string dropped;                   // the words a plain reading would drop ("#5", "forte")
  std::vector<EntryRef> opioid_members;  // the family's opioid products
};

struct NameAnalysis {
  std::vector<Token> tokens;
  std::vector<SpanMatch> spans;        // in token order
  std::vector<std::string> remainder;  // unrecognised words, as written
  bool extended_release = false;       // a release/transdermal word was left over ("morphine ER")
  bool injectable = false;             // an injection, depot or implant word ("naltrexone inj")
  std::vector<FamilyAmbiguity> ambiguities;
  bool Recognised() const { return !spans.empty(); }
  bool Opioid() const;
};

// A condition recognised in a condition text.
struct ConditionHit {
  std::string condition;  // ConditionEntry::id
  std::string text;       // the words or value that matched ("eGFR 25", "Child-Pugh C")
  std::string via;        // "name", "pattern:<id>", "implied by <id>", "severity word"
};

struct ConditionAnalysis {
  std::vector<ConditionHit> hits;          // distinct conditions, in text order, implied ones after
  std::vector<SpanMatch> opioid_mentions;  // opioid drugs named in the text ("on methadone")
  std::vector<std::string> remainder;      // unrecognised words
  bool past = false;                       // "history of", "former", "in remission", "previous" ...
  bool negated = false;                    // "no", "denies", "without", "negative" ... (outside numeric patterns)
  bool severe = false;                     // a severity word outside a known phrase: "severe", "advanced", "end stage"
};

// Lower-case ASCII alphanumerics only, accents folded: "Codéine #3" -> "codeine3".
std::string NormalizeName(std::string_view name);

// True when `name` has a modified-release or transdermal marker word (ER, SR, XR, MR, patch...).
bool HasExtendedReleaseMarker(std::string_view name);

// The text documents of the knowledge base (file name -> text).
struct KnowledgeDocuments {
  std::string_view drugs;
  std::vector<std::pair<std::string, std::string_view>> products;  // products_*.json
  std::string_view conditions;
  std::string_view jurisdictions;
};

// An immutable, loaded knowledge base. Thread-safe for concurrent reads.
class DrugKnowledgeBase {
 public:
  // Parses the documents. Fails with kInvalidArgument naming the file and entry when an entry is
  // malformed or lacks a source, a product names an unknown ingredient or market, an opioid
  // ingredient of a product has no class, a key has no content word, or two entries share a key
  // without being two different products of the same name.
  static Result<DrugKnowledgeBase> FromDocuments(const KnowledgeDocuments& docs);

  // The knowledge base embedded in the binary, loaded once (thread-safe). Fails with kInternal
  // when the embedded data is missing or malformed (a build error).
  static Result<const DrugKnowledgeBase*> Embedded();

  const std::string& drugs_version() const { return drugs_version_; }
  const std::string& conditions_version() const { return conditions_version_; }
  const std::string& jurisdictions_version() const { return jurisdictions_version_; }
  const std::map<std::string, std::string>& product_versions() const { return product_versions_; }
  const std::vector<Ingredient>& ingredients() const { return ingredients_; }
  const std::vector<Product>& products() const { return products_; }
  const std::vector<ConditionEntry>& conditions() const { return conditions_; }
  const std::vector<ConditionPattern>& condition_patterns() const { return patterns_; }
  const std::vector<Jurisdiction>& jurisdictions() const { return jurisdictions_; }

  const Ingredient* FindIngredient(std::string_view id) const;
  const Product* FindProduct(std::string_view id) const;
  const ConditionEntry* Condition(std::string_view id) const;
  const Jurisdiction* FindJurisdiction(std::string_view id) const;  // by id, case-insensitive
  // The jurisdiction whose id equals the label family id ("us" for label "us").
  const Jurisdiction* LabelJurisdiction(std::string_view label) const;
  // The label family ids, in data order ("us", "ca", "uk", "eu", "au", "nz").
  std::vector<std::string> LabelFamilies() const;
  // REQUIRES: the class is in the data (FromDocuments checks all four are).
  const WashoutClass& Washout(OpioidClass c) const;
  const RecentUseWindow& recent_opioid_window() const { return recent_window_; }

  // Helpers over entry references.
  std::string EntryName(const EntryRef& r) const;
  bool EntryIsOpioid(const EntryRef& r) const;
  // The ingredients of an entry (an ingredient is its own single ingredient, class from the data).
  std::vector<ProductIngredient> EntryIngredients(const EntryRef& r) const;
  // "Percocet (oxycodone + paracetamol)", "codeine".
  std::string DescribeEntry(const EntryRef& r) const;
  const std::string& EntrySource(const EntryRef& r) const;

  // Analyses a medication name (see the header comment). Never fails.
  NameAnalysis AnalyseMedication(std::string_view name) const;
  // Analyses a condition text: names and aliases (longest phrases first), numeric patterns,
  // opioid drug names, past and negation words. Never fails.
  ConditionAnalysis AnalyseCondition(std::string_view text) const;

  // The washout that applies to the opioid spans of an analysed name: the longest over every
  // opioid ingredient of every opioid entry, a short-acting one counted as long-acting when the
  // name carries a release marker. std::nullopt when no span is an opioid.
  std::optional<WashoutClass> WashoutFor(const NameAnalysis& a) const;
  // The same for one entry (e.g. an ambiguous reading).
  std::optional<WashoutClass> WashoutForEntry(const EntryRef& r, bool extended_release) const;

  // Up to `n` known names closest to `name` by edit distance over keys, one per entry, best first.
  std::vector<std::string> SuggestDrugs(std::string_view name, size_t n) const;
  std::vector<std::string> SuggestConditions(std::string_view name, size_t n) const;

  // Every distinct key (normalised name or alias) of an entry that contains an opioid, with the
  // display spelling: the opioid names the screen recognises.
  std::vector<std::pair<std::string, std::string>> OpioidNames() const;

 private:
  struct IndexValue {
    std::vector<EntryRef> entries;
    std::vector<std::string> displays;  // one per entry
    size_t tokens = 0;                  // tokens in the key
  };
  struct Family {
    std::set<std::string> numbers;  // opioid members = base + number ("tylenol" + "3")
    bool word_members = false;      // opioid members = base + words ("nurofen" + "plus")
    std::vector<EntryRef> members;  // the opioid members
  };
  Status AddDrugKey(const std::string& name, const EntryRef& ref, const std::string& field);
  void BuildFamilies();
  std::vector<SpanMatch> FindSpans(const std::vector<Token>& tokens, const std::string& folded) const;

  std::string drugs_version_;
  std::string conditions_version_;
  std::string jurisdictions_version_;
  std::map<std::string, std::string> product_versions_;
  std::vector<WashoutClass> washouts_;
  RecentUseWindow recent_window_;
  std::vector<Ingredient> ingredients_;
  std::vector<Product> products_;
  std::vector<ConditionEntry> conditions_;
  std::vector<ConditionPattern> patterns_;
  std::vector<Jurisdiction> jurisdictions_;
  std::map<std::string, IndexValue, std::less<>> drug_index_;
  std::map<std::string, Family, std::less<>> families_;  // non-opioid key -> its opioid family
  // Condition phrases: key -> (condition id, display, token count).
  struct ConditionKey {
    std::string id;
    std::string display;
    size_t tokens = 0;
  };
  std::map<std::string, ConditionKey, std::less<>> condition_index_;
  size_t max_key_tokens_ = 1;
};

}  // namespace ldn::clinical

#endif  // LDN_CLINICAL_SCREENING_KNOWLEDGE_BASE_H_
