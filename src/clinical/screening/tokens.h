// Tokens of a medication or condition name as clinicians and patients type it.
//
// A name is folded to ASCII (accents dropped: "Codéine" -> "codeine"; other non-ASCII characters
// separate words), lower-cased and split into tokens at every character that is not a letter or
// digit, and where letters and digits meet ("tylenol3" -> "tylenol", "3"; "5mg" -> "5", "mg").
// Decimal numbers stay one token ("0.5"). A number written after '#' or after a number word
// ("No. 3", "Nr 3", "n° 3") is a *marker* number and the number word itself is dropped, so
// "Tylenol No. 3", "Tylenol #3", "tylenol3" and "TYLENOL 3" all give the tokens "tylenol", "3".
//
// Every word is classified (WordClass): strength units, salts, dosage forms and routes,
// release markers, frequency and filler words carry no ingredient and are "noise" when left over;
// "soft" words (plus, forte, extra...) distinguish members of a brand family and matter only next
// to a brand whose family holds an opioid product; everything else is content.
#ifndef LDN_CLINICAL_SCREENING_TOKENS_H_
#define LDN_CLINICAL_SCREENING_TOKENS_H_

#include <string>
#include <string_view>
#include <vector>

namespace ldn::clinical {

enum class WordClass {
  kContent,  // could name an ingredient or product
  kUnit,     // mg, mcg, ml, %, h ...
  kSalt,     // hydrochloride, phosphate ...
  kForm,     // tablets, mixture, linctus, syrup, solution, ODT, IV, infusion, PCA, epidural ...
  kRelease,  // ER, SR, MR, retard, depot, LP, patch ... (a modified-release or transdermal form)
  kFiller,   // with, and, daily, bedtime, prn, generic, taking ... (frequency, connectors, filler)
  kSoft,     // plus, forte, extra, max, comp ... (brand-family variant words)
};

enum class NumberRole {
  kNone,      // not a number
  kStrength,  // followed by a unit ("30 mg", "0.5%") or part of a ratio ("5/325", "10-325")
  kMarker,    // after '#' or a number word ("#3", "No. 3")
  kBare,      // any other number ("Tylenol 3", "Lyrica 75")
};

struct Token {
  std::string text;  // folded, lower-case: "tylenol", "3", "0.5"
  bool number = false;
  NumberRole role = NumberRole::kNone;
  WordClass word_class = WordClass::kContent;  // words only
  size_t begin = 0;                            // byte range in the folded name
  size_t end = 0;

  bool IsNoise() const;  // a leftover that says nothing about the ingredient (see the header)
};

// `utf8` with Latin-1 and Latin Extended-A letters folded to ASCII ("é" -> "e", "ß" -> "ss",
// "æ" -> "ae", "ø" -> "o") and every other non-ASCII code point replaced by a space. Invalid
// UTF-8 bytes become spaces. The result has only ASCII bytes.
std::string FoldToAscii(std::string_view utf8);

// The tokens of `name` (see the header comment). Never throws; an empty or symbol-only name gives
// no tokens.
std::vector<Token> Tokenize(std::string_view name);

// The class of a lower-case ASCII word.
WordClass ClassifyWord(std::string_view word);

// Concatenation of tokens [b, e): the key compared with the knowledge base's keys.
std::string JoinTokens(const std::vector<Token>& tokens, size_t b, size_t e);

// The matching key of a name: every token joined ("Tylenol No. 3" -> "tylenol3",
// "CO-CODAMOL" -> "cocodamol").
std::string KeyOf(std::string_view name);

}  // namespace ldn::clinical

#endif  // LDN_CLINICAL_SCREENING_TOKENS_H_
