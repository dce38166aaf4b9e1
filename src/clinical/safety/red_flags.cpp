#include "clinical/safety/red_flags.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/json_reader.h"
#include "core/knowledge_files.h"

namespace ldn::clinical {
namespace {

// Words of a phrase may be this many other words apart (docs/safety.md, "Matching").
constexpr size_t kSlackWords = 3;

const char* const kRequiredGuidance[] = {"emergency", "contact_clinician", "stop_ldn", "crisis_support"};

Result<RedFlagLevel> ParseLevel(std::string_view text, const std::string& field) {
  if (text == "urgent") return RedFlagLevel::kUrgent;
  if (text == "emergency") return RedFlagLevel::kEmergency;
  return Status::InvalidArgument(field, "expected 'urgent' or 'emergency'");
}

std::string FoldWord(std::string w) {
  if (w.size() > 3 && w.back() == 's' && w[w.size() - 2] != 's') w.pop_back();
  return w;
}

bool IsSentenceEnd(char c) {
  return c == '.' || c == '!' || c == '?' || c == ';' || c == '\n' || c == '\r';
}

// Labels of the side-effect checklist, read leniently (its own loader lives in the web and the
// analysis; here only id -> label is needed for plain-language reasons).
Result<std::map<std::string, std::string, std::less<>>> SideEffectLabels() {
  auto text = KnowledgeFileText("side_effects.json");
  if (!text.ok()) return Status::Internal("data/side_effects.json is not embedded");
  LDN_ASSIGN_OR_RETURN(nlohmann::json doc, ParseJson(*text));
  std::map<std::string, std::string, std::less<>> labels;
  if (!doc.is_object() || !doc.contains("entries") || !doc["entries"].is_array()) {
    return Status::Internal("data/side_effects.json has no entries");
  }
  for (const auto& e : doc["entries"]) {
    if (e.is_object() && e.contains("id") && e["id"].is_string() && e.contains("label") && e["label"].is_string()) {
      labels[e["id"].get<std::string>()] = e["label"].get<std::string>();
    }
  }
  return labels;
}

}  // namespace

std::string_view RedFlagLevelName(RedFlagLevel level) {
  switch (level) {
    case RedFlagLevel::kNone: return "none";
    case RedFlagLevel::kUrgent: return "urgent";
    case RedFlagLevel::kEmergency: return "emergency";
  }
  return "none";
}

const SafetyGuidance* RedFlagVocabulary::Guidance(std::string_view id) const {
  for (const auto& g : guidance) {
    if (g.id == id) return &g;
  }
  return nullptr;
}

Result<RedFlagVocabulary> ParseRedFlagVocabulary(std::string_view text) {
  LDN_ASSIGN_OR_RETURN(nlohmann::json doc, ParseJson(text));
  LDN_ASSIGN_OR_RETURN(JsonObject top, JsonObject::Of(doc, ""));
  RedFlagVocabulary v;
  LDN_ASSIGN_OR_RETURN(v.version, top.String("version"));
  LDN_ASSIGN_OR_RETURN(std::string description, top.String("description"));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* entries, top.Array("entries"));
  LDN_RETURN_IF_ERROR(top.RejectUnknownKeys());
  std::set<std::string> ids;
  for (size_t i = 0; i < entries->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(JsonObject e, JsonObject::Of((*entries)[i], IndexPath("entries", i)));
    LDN_ASSIGN_OR_RETURN(std::string kind, e.String("kind"));
    LDN_ASSIGN_OR_RETURN(std::string id, e.String("id"));
    if (id.empty() || !ids.insert(kind + ":" + id).second) {
      return Status::InvalidArgument(e.PathOf("id"), fmt::format("empty or duplicate id '{}'", id));
    }
    if (kind == "guidance") {
      SafetyGuidance g;
      g.id = id;
      LDN_ASSIGN_OR_RETURN(g.title, e.String("title"));
      LDN_ASSIGN_OR_RETURN(g.text, e.String("text"));
      LDN_ASSIGN_OR_RETURN(g.source, e.String("source"));
      if (e.Has("translations")) {
        LDN_ASSIGN_OR_RETURN(JsonObject langs, e.Object("translations"));
        for (const auto& [lang, tr] : (*entries)[i]["translations"].items()) {
          LDN_ASSIGN_OR_RETURN(JsonObject t, JsonObject::Of(tr, langs.PathOf(lang)));
          SafetyGuidance::Translation out;
          for (auto [field, target] : {std::pair{"title", &out.title}, {"text", &out.text}, {"source", &out.source}}) {
            LDN_ASSIGN_OR_RETURN(*target, t.String(field));
            if (target->empty()) return Status::InvalidArgument(t.PathOf(field), "must not be empty");
          }
          LDN_RETURN_IF_ERROR(t.RejectUnknownKeys());
          g.translations.emplace(lang, std::move(out));
          langs.Consume(lang);
        }
      }
      v.guidance.push_back(std::move(g));
    } else if (kind == "term") {
      RedFlagTerm t;
      t.id = id;
      LDN_ASSIGN_OR_RETURN(t.label, e.String("label"));
      LDN_ASSIGN_OR_RETURN(std::string level, e.String("level"));
      LDN_ASSIGN_OR_RETURN(t.level, ParseLevel(level, e.PathOf("level")));
      LDN_ASSIGN_OR_RETURN(JsonObject langs, e.Object("terms"));
      const nlohmann::json& terms_json = (*entries)[i]["terms"];
      for (const auto& [lang, phrases] : terms_json.items()) {
        const std::string path = langs.PathOf(lang);
        if (!phrases.is_array() || phrases.empty()) {
          return Status::InvalidArgument(path, "expected a non-empty array of phrases");
        }
        for (size_t k = 0; k < phrases.size(); ++k) {
          LDN_ASSIGN_OR_RETURN(std::string phrase, ReadString(phrases[k], IndexPath(path, k)));
          if (RedFlagSentences(phrase).size() != 1) {
            return Status::InvalidArgument(IndexPath(path, k), "a phrase must be words of one sentence");
          }
          t.terms[lang].push_back(std::move(phrase));
        }
        langs.Consume(lang);
      }
      if (t.terms.empty()) return Status::InvalidArgument(e.PathOf("terms"), "no language has phrases");
      LDN_ASSIGN_OR_RETURN(t.source, e.String("source"));
      v.terms.push_back(std::move(t));
    } else {
      return Status::InvalidArgument(e.PathOf("kind"), "expected 'guidance' or 'term'");
    }
    LDN_RETURN_IF_ERROR(e.RejectUnknownKeys());
  }
  for (const char* id : kRequiredGuidance) {
    if (v.Guidance(id) == nullptr)
      return Status::InvalidArgument("entries", fmt::format("guidance '{}' is missing", id));
  }
  if (v.terms.empty()) return Status::InvalidArgument("entries", "no red-flag terms");
  return v;
}

const Result<RedFlagVocabulary>& LoadRedFlagVocabulary() {
  static const Result<RedFlagVocabulary> kVocabulary = []() -> Result<RedFlagVocabulary> {
    auto text = KnowledgeFileText("red_flags.json");
    if (!text.ok()) return Status::Internal("data/red_flags.json is not embedded");
    auto v = ParseRedFlagVocabulary(*text);
    if (!v.ok()) return Status::Internal("data/red_flags.json: " + v.status().ToString());
    auto labels = SideEffectLabels();
    if (!labels.ok()) return labels.status();
    v->side_effect_labels = std::move(labels).value();
    return v;
  }();
  return kVocabulary;
}

std::vector<std::vector<std::string>> RedFlagSentences(std::string_view text) {
  std::vector<std::vector<std::string>> sentences(1);
  std::string word;
  auto flush = [&] {
    if (!word.empty()) sentences.back().push_back(FoldWord(std::move(word)));
    word.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\'') continue;  // "can't" -> "cant"
    // U+2019 RIGHT SINGLE QUOTATION MARK (E2 80 99), the apostrophe of phone keyboards.
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        static_cast<unsigned char>(text[i + 2]) == 0x99) {
      i += 2;
      continue;
    }
    // Latin-1 capitals (U+00C0-U+00DE but U+00D7 ×: Æ Ø Å É ...) as their small letters, 0x20 on.
    if (c == 0xC3 && i + 1 < text.size()) {
      const unsigned char d = static_cast<unsigned char>(text[i + 1]);
      word.push_back(static_cast<char>(c));
      word.push_back(static_cast<char>(d >= 0x80 && d <= 0x9E && d != 0x97 ? d + 0x20 : d));
      ++i;
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
      word.push_back(static_cast<char>(c));
    } else if (c >= 'A' && c <= 'Z') {
      word.push_back(static_cast<char>(c - 'A' + 'a'));
    } else {
      flush();
      if (IsSentenceEnd(static_cast<char>(c)) && !sentences.back().empty()) sentences.emplace_back();
    }
  }
  flush();
  if (sentences.back().empty() && sentences.size() > 1) sentences.pop_back();
  if (sentences.size() == 1 && sentences[0].empty()) sentences.clear();
  return sentences;
}

namespace {

// True when every word of `phrase` (a multiset) occurs in `sentence` inside a span of
// phrase.size() + kSlackWords words. Sets `matched` to the words of that span.
bool PhraseIn(const std::vector<std::string>& phrase, const std::vector<std::string>& sentence, std::string* matched) {
  if (phrase.empty() || sentence.size() < phrase.size()) return false;
  const size_t span = phrase.size() + kSlackWords;
  for (size_t start = 0; start < sentence.size(); ++start) {
    if (std::find(phrase.begin(), phrase.end(), sentence[start]) == phrase.end()) continue;
    std::vector<bool> used(phrase.size(), false);
    size_t found = 0, last = start;
    for (size_t j = start; j < sentence.size() && j < start + span && found < phrase.size(); ++j) {
      for (size_t k = 0; k < phrase.size(); ++k) {
        if (!used[k] && phrase[k] == sentence[j]) {
          used[k] = true;
          ++found;
          last = j;
          break;
        }
      }
    }
    if (found == phrase.size()) {
      matched->clear();
      for (size_t j = start; j <= last; ++j) *matched += (j == start ? "" : " ") + sentence[j];
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<RedFlagMatch> MatchRedFlags(std::string_view text, const RedFlagVocabulary& vocabulary,
                                        std::string_view language) {
  std::vector<RedFlagMatch> out;
  const auto sentences = RedFlagSentences(text);
  if (sentences.empty()) return out;
  for (const RedFlagTerm& t : vocabulary.terms) {
    std::string matched;
    bool hit = false;
    for (const auto& [lang, phrases] : t.terms) {
      if (!language.empty() && lang != language) continue;
      for (const std::string& phrase_text : phrases) {
        const auto phrase_sentences = RedFlagSentences(phrase_text);
        if (phrase_sentences.empty()) continue;
        for (const auto& sentence : sentences) {
          if (PhraseIn(phrase_sentences.front(), sentence, &matched)) {
            hit = true;
            break;
          }
        }
        if (hit) break;
      }
      if (hit) break;
    }
    if (hit) out.push_back({t.id, t.label, t.level, matched, t.source});
  }
  return out;
}

SafetyAssessment AssessReport(const ReportToAssess& report, const RedFlagVocabulary& vocabulary,
                              std::string_view language) {
  SafetyAssessment a;
  auto raise = [&](RedFlagLevel level) { a.level = std::max(a.level, level); };
  for (const auto& [name, severity] : report.side_effects) {
    if (severity < 3) continue;
    a.severe_side_effects.push_back(name);
    auto label = vocabulary.side_effect_labels.find(name);
    a.reasons.push_back(
        fmt::format("Severe side effect: {}", label != vocabulary.side_effect_labels.end() ? label->second : name));
    raise(RedFlagLevel::kUrgent);
  }
  if (report.adverse_severity) {
    const std::string& s = *report.adverse_severity;
    if (s == "life_threatening") {
      a.severe_adverse_event = true;
      a.reasons.push_back("Life-threatening adverse event");
      raise(RedFlagLevel::kEmergency);
    } else if (s == "severe" || report.serious) {
      a.severe_adverse_event = true;
      a.reasons.push_back(report.serious ? "Serious adverse event" : "Severe adverse event");
      raise(RedFlagLevel::kUrgent);
    }
  }
  a.matches = MatchRedFlags(report.note, vocabulary, language);
  bool suicidal = false;
  for (const RedFlagMatch& m : a.matches) {
    a.reasons.push_back(fmt::format("You wrote about {}", m.label));
    raise(m.level);
    suicidal = suicidal || m.id == "suicidal_thoughts";
  }
  if (a.level == RedFlagLevel::kNone) return a;
  if (suicidal) a.guidance.push_back("crisis_support");
  if (a.level == RedFlagLevel::kEmergency) a.guidance.push_back("emergency");
  a.guidance.push_back("contact_clinician");
  a.guidance.push_back("stop_ldn");
  if (a.level != RedFlagLevel::kEmergency) a.guidance.push_back("emergency");  // "if it gets worse"
  return a;
}

namespace {

nlohmann::json GuidanceJson(const SafetyGuidance& g) {
  nlohmann::json translations = nlohmann::json::object();
  for (const auto& [lang, tr] : g.translations) {
    translations[lang] = {{"title", tr.title}, {"text", tr.text}, {"source", tr.source}};
  }
  return {{"id", g.id}, {"title", g.title}, {"text", g.text}, {"source", g.source}, {"translations", translations}};
}

}  // namespace

nlohmann::json SafetyAssessmentToJson(const SafetyAssessment& a, const RedFlagVocabulary& vocabulary) {
  nlohmann::json matches = nlohmann::json::array();
  for (const auto& m : a.matches) {
    matches.push_back({{"id", m.id},
                       {"label", m.label},
                       {"level", RedFlagLevelName(m.level)},
                       {"matched", m.matched},
                       {"source", m.source}});
  }
  nlohmann::json guidance = nlohmann::json::array();
  for (const auto& id : a.guidance) {
    if (const SafetyGuidance* g = vocabulary.Guidance(id)) {
      guidance.push_back(GuidanceJson(*g));
    }
  }
  return {{"level", RedFlagLevelName(a.level)},
          {"reasons", a.reasons},
          {"severe_side_effects", a.severe_side_effects},
          {"severe_adverse_event", a.severe_adverse_event},
          {"matches", matches},
          {"guidance", guidance},
          {"vocabulary_version", vocabulary.version}};
}

nlohmann::json RedFlagVocabularyToJson(const RedFlagVocabulary& vocabulary) {
  nlohmann::json terms = nlohmann::json::array();
  for (const auto& t : vocabulary.terms) {
    nlohmann::json langs = nlohmann::json::object();
    for (const auto& [lang, phrases] : t.terms) langs[lang] = phrases;
    terms.push_back({{"id", t.id},
                     {"label", t.label},
                     {"level", RedFlagLevelName(t.level)},
                     {"terms", langs},
                     {"source", t.source}});
  }
  nlohmann::json guidance = nlohmann::json::array();
  for (const auto& g : vocabulary.guidance) {
    guidance.push_back(GuidanceJson(g));
  }
  return {{"version", vocabulary.version}, {"terms", terms}, {"guidance", guidance}};
}

}  // namespace ldn::clinical
