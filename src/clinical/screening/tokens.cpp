#include "clinical/screening/tokens.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

namespace ldn::clinical {
namespace {

using WordSet = std::set<std::string, std::less<>>;

// U+00C0..U+00FF folded (lower case; "" = a separator).
constexpr std::array<const char*, 64> kLatin1 = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // C0-CF
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",  // D0-DF
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // E0-EF
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};  // F0-FF

// U+0100..U+017F folded, in runs of one base letter.
struct Run {
  int count;
  const char* letter;
};
constexpr std::array<Run, 22> kLatinExtendedA = {
    {{6, "a"}, {8, "c"}, {4, "d"},  {10, "e"}, {8, "g"}, {4, "h"}, {10, "i"}, {2, "ij"}, {2, "j"}, {3, "k"}, {10, "l"},
     {9, "n"}, {6, "o"}, {2, "oe"}, {6, "r"},  {8, "s"}, {6, "t"}, {12, "u"}, {2, "w"},  {3, "y"}, {6, "z"}, {1, "s"}}};

const char* FoldCodePoint(uint32_t cp) {
  if (cp == 0xB5) return "u";  // micro sign: "µg" -> "ug"
  if (cp >= 0xC0 && cp <= 0xFF) return kLatin1[cp - 0xC0];
  if (cp >= 0x100 && cp <= 0x17F) {
    uint32_t offset = cp - 0x100;
    for (const Run& r : kLatinExtendedA) {
      if (offset < static_cast<uint32_t>(r.count)) return r.letter;
      offset -= static_cast<uint32_t>(r.count);
    }
  }
  return "";
}

// Units of strength: a number before one is a strength, not part of a name.
const WordSet& Units() {
  static const WordSet k = {"mg",        "mcg",        "ug",        "g",          "gm",   "gram",   "grams", "kg",
                            "ml",        "l",          "cc",        "iu",         "unit", "units",  "mmol",  "meq",
                            "microgram", "micrograms", "milligram", "milligrams", "h",    "hr",     "hrs",   "hour",
                            "hours",     "mgml",       "mcgh",      "ugh",        "pct",  "percent"};
  return k;
}

const WordSet& Salts() {
  static const WordSet k = {
      "hcl",           "hydrochloride",    "hydrochlorid",  "chlorhydrate", "cloridrato",     "clorhidrato",
      "chloride",      "sulfate",          "sulphate",      "sulfat",       "sulfato",        "solfato",
      "phosphate",     "phosphat",         "fosfat",        "fosfato",      "phosphas",       "tartrate",
      "bitartrate",    "hydrogentartrate", "hydrogen",      "tartrat",      "citrate",        "citrat",
      "citrato",       "acetate",          "bromide",       "hydrobromide", "sodium",         "potassium",
      "maleate",       "mesylate",         "besylate",      "succinate",    "fumarate",       "tosylate",
      "napsylate",     "polistirex",       "pamoate",       "base",         "salt",           "dihydrate",
      "monohydrate",   "hemihydrate",      "anhydrous",     "camsylate",    "embonate",       "resinate",
      "hydrotartrate", "levulinate",       "sesquihydrate", "trihydrate",   "dihydrochloride"};
  return k;
}

// Dosage forms and routes: they change no ingredient and no washout.
const WordSet& Forms() {
  static const WordSet k = {"tablet",
                            "tablets",
                            "tab",
                            "tabs",
                            "tbl",
                            "tablett",
                            "tabletter",
                            "tabletten",
                            "comprime",
                            "comprimes",
                            "compresse",
                            "comprimido",
                            "comprimidos",
                            "caplet",
                            "caplets",
                            "capsule",
                            "capsules",
                            "cap",
                            "caps",
                            "kapsel",
                            "kapseln",
                            "kapsler",
                            "gelule",
                            "gelules",
                            "capsula",
                            "capsulas",
                            "gelcap",
                            "gelcaps",
                            "softgel",
                            "softgels",
                            "liquigel",
                            "liquigels",
                            "liquid",
                            "liquids",
                            "solution",
                            "soln",
                            "sol",
                            "losning",
                            "losung",
                            "oral",
                            "orally",
                            "syrup",
                            "syr",
                            "sirop",
                            "sirup",
                            "sciroppo",
                            "jarabe",
                            "linctus",
                            "mixture",
                            "mixt",
                            "mist",
                            "elixir",
                            "suspension",
                            "susp",
                            "drops",
                            "drop",
                            "gtt",
                            "gtts",
                            "tropfen",
                            "gouttes",
                            "tincture",
                            "tinct",
                            "tinctura",
                            "injection",
                            "injections",
                            "injectable",
                            "inj",
                            "injektion",
                            "infusion",
                            "infusions",
                            "inf",
                            "iv",
                            "ivpb",
                            "im",
                            "sc",
                            "sq",
                            "subcut",
                            "subcutaneous",
                            "intravenous",
                            "intramuscular",
                            "pca",
                            "epidural",
                            "intrathecal",
                            "spinal",
                            "nasal",
                            "intranasal",
                            "spray",
                            "nebulised",
                            "nebulized",
                            "lozenge",
                            "lozenges",
                            "troche",
                            "troches",
                            "film",
                            "films",
                            "buccal",
                            "sublingual",
                            "sl",
                            "odt",
                            "orodispersible",
                            "dispersible",
                            "disp",
                            "melt",
                            "melts",
                            "wafer",
                            "wafers",
                            "effervescent",
                            "eff",
                            "brausetabletten",
                            "soluble",
                            "granules",
                            "granulate",
                            "sachet",
                            "sachets",
                            "powder",
                            "pwd",
                            "suppository",
                            "suppositories",
                            "supp",
                            "supps",
                            "rectal",
                            "cream",
                            "gel",
                            "ointment",
                            "topical",
                            "ampoule",
                            "ampoules",
                            "ampule",
                            "ampules",
                            "amp",
                            "amps",
                            "vial",
                            "vials",
                            "bag",
                            "premix",
                            "premixed",
                            "prefilled",
                            "syringe",
                            "syringes",
                            "pen",
                            "autoinjector",
                            "pump",
                            "bolus",
                            "drip",
                            "implant",
                            "ir",
                            "immediate",
                            "instant",
                            "coated",
                            "enteric",
                            "ec",
                            "dr",
                            "delayed",
                            "chewable",
                            "chew",
                            "kit",
                            "pediatric",
                            "paediatric",
                            "adult",
                            "po",
                            "orale",
                            "oro",
                            "ampolla",
                            "ampollas",
                            "fiala",
                            "fiale",
                            "sobre",
                            "sobres",
                            "bustine",
                            "zapfchen",
                            "suppo",
                            "inhaler",
                            "inhalation",
                            "rapidmelt",
                            "strip",
                            "strips",
                            "lollipop",
                            "lozenges",
                            "stick",
                            "mouthwash",
                            "iv/im"};
  return k;
}

// Modified-release and transdermal markers: a short-acting opioid named with one is long-acting.
const WordSet& ReleaseWords() {
  static const WordSet k = {
      "er",       "sr",       "xr",        "cr",         "la",        "mr",          "xl",       "pr",     "cd",
      "extended", "modified", "sustained", "controlled", "prolonged", "release",     "released", "retard", "depot",
      "contin",   "continus", "lp",        "patch",      "patches",   "transdermal", "td",       "tts",    "matrix",
      "oros",     "24h",      "12h",       "uno",        "long",      "ret",         "ret.",     "slow",   "dtrans"};
  return k;
}

// Frequency, timing, connectors and filler: say nothing about the ingredient.
const WordSet& Fillers() {
  static const WordSet k = {
      "with",       "w",        "and",          "og",         "och",        "und",       "et",
      "y",          "e",        "con",          "avec",       "mit",        "med",       "daily",
      "day",        "days",     "nightly",      "night",      "nocte",      "mane",      "bedtime",
      "morning",    "evening",  "hs",           "qhs",        "bid",        "bd",        "tid",
      "tds",        "qid",      "qds",          "qd",         "od",         "q",         "prn",
      "as",         "needed",   "required",     "when",       "every",      "each",      "hourly",
      "week",       "weeks",    "weekly",       "month",      "months",     "monthly",   "once",
      "twice",      "thrice",   "times",        "x",          "per",        "a",         "an",
      "the",        "of",       "for",          "at",         "in",         "on",        "to",
      "by",         "from",     "approx",       "about",      "since",      "until",     "last",
      "taken",      "take",     "takes",        "taking",     "took",       "used",      "use",
      "using",      "current",  "currently",    "still",      "now",        "only",      "occasionally",
      "sometimes",  "rarely",   "regularly",    "started",    "ago",        "yesterday", "today",
      "pill",       "pills",    "dose",         "doses",      "dosage",     "generic",   "brand",
      "otc",        "rx",       "prescription", "prescribed", "medication", "medicine",  "med",
      "meds",       "drug",     "drugs",        "tablet's",   "or",         "up",        "upto",
      "max.",       "mg/day",   "via",          "given",      "bottle",     "pack",      "box",
      "unknown",    "strength", "dosing",       "mgs",        "qty",        "quantity",  "refill",
      "sig",        "take1",    "hrly",         "tds.",       "stat",       "then",      "also",
      "plus/minus", "bedtimes", "nights"};
  return k;
}

// Brand-family variant words: significant only after a brand whose family holds an opioid.
const WordSet& SoftWords() {
  static const WordSet k = {
      "plus",       "extra",     "forte",     "fort",     "max",        "maximum",  "strong",   "regular",  "rapid",
      "fast",       "express",   "ultra",     "comp",     "compositum", "co",       "duo",      "advance",  "advanced",
      "junior",     "children",  "childrens", "child",    "kids",       "infant",   "pm",       "cold",     "flu",
      "sinus",      "migraine",  "arthritis", "period",   "muscle",     "headache", "pain",     "relief",   "actifast",
      "zapid",      "mini",      "mite",      "novum",    "major",      "minor",    "mono",     "original", "ac",
      "dm",         "hd",        "es",        "hp",       "c",          "plus+",    "soluble+", "total",    "complete",
      "night-time", "nighttime", "day-time",  "daytime",  "cough",      "chesty",   "dry",      "tickly",   "caffeine",
      "osteo",      "optizorb",  "liquifast", "express+", "zavance",    "tension",  "back",     "joint",    "dual",
      "action"};
  return k;
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A number word before a number makes it a marker: "No. 3", "Nr 3", "n° 3".
bool IsNumberWord(std::string_view w) {
  return w == "no" || w == "nr" || w == "n" || w == "num" || w == "number" || w == "nummer" || w == "numero" ||
         w == "nro" || w == "nos";
}

}  // namespace

bool Token::IsNoise() const {
  if (number) return false;
  return word_class == WordClass::kUnit || word_class == WordClass::kSalt || word_class == WordClass::kForm ||
         word_class == WordClass::kRelease || word_class == WordClass::kFiller;
}

std::string FoldToAscii(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  size_t i = 0;
  while (i < utf8.size()) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    // Decode one multi-byte sequence; anything malformed becomes a space.
    int len = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    }
    bool ok = len > 0 && i + static_cast<size_t>(len) <= utf8.size();
    for (int k = 1; ok && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(utf8[i + static_cast<size_t>(k)]);
      if ((cc & 0xC0) != 0x80) {
        ok = false;
      } else {
        cp = (cp << 6) | (cc & 0x3F);
      }
    }
    if (!ok) {
      out += ' ';
      ++i;
      continue;
    }
    const char* folded = FoldCodePoint(cp);
    out += *folded != '\0' ? folded : " ";
    i += static_cast<size_t>(len);
  }
  return out;
}

WordClass ClassifyWord(std::string_view w) {
  if (Units().count(w) > 0) return WordClass::kUnit;
  if (Salts().count(w) > 0) return WordClass::kSalt;
  if (ReleaseWords().count(w) > 0) return WordClass::kRelease;
  if (Forms().count(w) > 0) return WordClass::kForm;
  if (Fillers().count(w) > 0) return WordClass::kFiller;
  if (SoftWords().count(w) > 0) return WordClass::kSoft;
  return WordClass::kContent;
}

std::vector<Token> Tokenize(std::string_view name) {
  const std::string text = FoldToAscii(name);
  std::vector<Token> raw;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (IsDigit(c)) {
      size_t j = i;
      while (j < text.size() && (IsDigit(text[j]) || ((text[j] == '.' || text[j] == ',') && j + 1 < text.size() &&
                                                      IsDigit(text[j + 1]) && j > i))) {
        ++j;
      }
      Token t;
      t.text = text.substr(i, j - i);
      std::replace(t.text.begin(), t.text.end(), ',', '.');
      t.number = true;
      t.begin = i;
      t.end = j;
      raw.push_back(std::move(t));
      i = j;
    } else if (IsAlpha(c)) {
      size_t j = i;
      while (j < text.size() && IsAlpha(text[j])) ++j;
      Token t;
      t.text = text.substr(i, j - i);
      for (char& ch : t.text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      t.begin = i;
      t.end = j;
      raw.push_back(std::move(t));
      i = j;
    } else {
      ++i;
    }
  }
  // Separators between tokens, as written.
  auto between = [&](size_t a_end, size_t b_begin) { return std::string_view(text).substr(a_end, b_begin - a_end); };

  // A number followed by a unit or part of a ratio is a strength ("NR 30 mg", "No 30/500"): the
  // word before it stays a word.
  auto strength_at = [&](size_t k) {
    if (k + 1 >= raw.size()) return false;
    const std::string_view sep = between(raw[k].end, raw[k + 1].begin);
    if (!raw[k + 1].number && Units().count(raw[k + 1].text) > 0 &&
        sep.find_first_not_of(' ') == std::string_view::npos) {
      return true;
    }
    return raw[k + 1].number && sep.find('/') != std::string_view::npos;
  };
  std::vector<Token> out;
  for (size_t k = 0; k < raw.size(); ++k) {
    Token t = raw[k];
    if (!t.number && IsNumberWord(t.text) && k + 1 < raw.size() && raw[k + 1].number && !strength_at(k + 1) &&
        between(t.end, raw[k + 1].begin).find_first_not_of(" .:#-") == std::string_view::npos) {
      raw[k + 1].role = NumberRole::kMarker;
      continue;  // the number word itself is dropped
    }
    out.push_back(std::move(t));
  }
  for (size_t k = 0; k < out.size(); ++k) {
    Token& t = out[k];
    if (!t.number) {
      t.word_class = ClassifyWord(t.text);
      continue;
    }
    const std::string_view before =
        k > 0 ? between(out[k - 1].end, t.begin) : std::string_view(text).substr(0, t.begin);
    if (t.role != NumberRole::kMarker && before.find('#') != std::string_view::npos) t.role = NumberRole::kMarker;
    if (t.role == NumberRole::kMarker) continue;
    const bool ratio_before = k > 0 && out[k - 1].number && before.find_first_of("/-:") != std::string_view::npos;
    const bool ratio_after = k + 1 < out.size() && out[k + 1].number &&
                             between(t.end, out[k + 1].begin).find_first_of("/-:") != std::string_view::npos;
    const std::string_view after =
        k + 1 < out.size() ? between(t.end, out[k + 1].begin) : std::string_view(text).substr(t.end);
    const bool unit_after = (k + 1 < out.size() && !out[k + 1].number && Units().count(out[k + 1].text) > 0) ||
                            after.find('%') != std::string_view::npos;
    t.role = ratio_before || ratio_after || unit_after ? NumberRole::kStrength : NumberRole::kBare;
  }
  return out;
}

std::string JoinTokens(const std::vector<Token>& tokens, size_t b, size_t e) {
  std::string out;
  for (size_t k = b; k < e && k < tokens.size(); ++k) out += tokens[k].text;
  return out;
}

std::string KeyOf(std::string_view name) {
  const std::vector<Token> t = Tokenize(name);
  return JoinTokens(t, 0, t.size());
}

}  // namespace ldn::clinical
