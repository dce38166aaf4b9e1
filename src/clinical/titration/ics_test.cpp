#include "clinical/titration/ics.h"

#include <cctype>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "clinical/titration/adjust.h"
#include "core/clock.h"

namespace ldn::clinical {
namespace {

// ---- An independent minimal RFC 5545 reader, written for these tests only. -------------------

struct Property {
  std::string name;
  std::multimap<std::string, std::string> params;
  std::string value;
};

struct Component {
  std::string name;
  std::vector<Property> props;
  std::vector<Component> children;
  const Property* Find(const std::string& n) const {
    for (const Property& p : props) {
      if (p.name == n) return &p;
    }
    return nullptr;
  }
  int Count(const std::string& n) const {
    int c = 0;
    for (const Property& p : props) c += p.name == n;
    return c;
  }
};

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
}
bool IsCtl(unsigned char c) {
  return (c < 0x20 && c != '\t') || c == 0x7f;
}

// Parses one unfolded content line (RFC 5545 3.1): name *(";" param) ":" value.
bool ParseContentLine(const std::string& line, Property* out, std::string* why) {
  size_t i = 0;
  while (i < line.size() && IsNameChar(line[i])) ++i;
  if (i == 0) return *why = "empty name: " + line, false;
  out->name = line.substr(0, i);
  for (char& c : out->name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  while (i < line.size() && line[i] == ';') {
    size_t j = ++i;
    while (j < line.size() && IsNameChar(line[j])) ++j;
    if (j == i || j >= line.size() || line[j] != '=') return *why = "bad parameter: " + line, false;
    const std::string pname = line.substr(i, j - i);
    i = j + 1;
    do {
      if (i < line.size() && line[i] == ',') ++i;
      std::string pvalue;
      if (i < line.size() && line[i] == '"') {
        const size_t close = line.find('"', i + 1);
        if (close == std::string::npos) return *why = "unterminated quote: " + line, false;
        pvalue = line.substr(i + 1, close - i - 1);
        i = close + 1;
      } else {
        while (i < line.size() && line[i] != ';' && line[i] != ':' && line[i] != ',' && line[i] != '"' &&
               !IsCtl(static_cast<unsigned char>(line[i]))) {
          pvalue += line[i++];
        }
      }
      out->params.emplace(pname, pvalue);
    } while (i < line.size() && line[i] == ',');
  }
  if (i >= line.size() || line[i] != ':') return *why = "no ':' after name/params: " + line, false;
  out->value = line.substr(i + 1);
  for (char c : out->value) {
    if (IsCtl(static_cast<unsigned char>(c))) return *why = "control character in value: " + line, false;
  }
  return true;
}

// Checks the physical layout (CRLF, <= 75 octets), unfolds, parses, and builds the component tree.
// Returns false with `why` on the first violation.
bool ParseIcs(const std::string& text, Component* root, std::string* why) {
  std::vector<std::string> physical;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t crlf = text.find("\r\n", pos);
    if (crlf == std::string::npos) return *why = "text does not end with CRLF", false;
    std::string line = text.substr(pos, crlf - pos);
    if (line.find('\n') != std::string::npos || line.find('\r') != std::string::npos) {
      return *why = "bare CR or LF inside a line: " + line, false;
    }
    if (line.size() > 75) return *why = "line longer than 75 octets: " + line, false;
    physical.push_back(line);
    pos = crlf + 2;
  }
  std::vector<std::string> logical;
  for (const std::string& l : physical) {
    if (!l.empty() && (l[0] == ' ' || l[0] == '\t')) {
      if (logical.empty()) return *why = "continuation before any line", false;
      logical.back() += l.substr(1);
    } else {
      logical.push_back(l);
    }
  }
  std::vector<Component*> stack;
  bool done = false;
  for (const std::string& l : logical) {
    if (done) return *why = "content after END:VCALENDAR", false;
    Property p;
    if (!ParseContentLine(l, &p, why)) return false;
    if (p.name == "BEGIN") {
      if (stack.empty()) {
        if (p.value != "VCALENDAR") return *why = "first component is not VCALENDAR", false;
        root->name = p.value;
        stack.push_back(root);
      } else {
        stack.back()->children.push_back(Component{p.value, {}, {}});
        stack.push_back(&stack.back()->children.back());
      }
    } else if (p.name == "END") {
      if (stack.empty() || stack.back()->name != p.value) return *why = "mismatched END:" + p.value, false;
      stack.pop_back();
      done = stack.empty();
    } else {
      if (stack.empty()) return *why = "property outside a component: " + l, false;
      stack.back()->props.push_back(p);
    }
  }
  if (!done) return *why = "unterminated component", false;
  return true;
}

// RFC 5545 3.3.11: returns false for an unescaped ';' or ',' or an unknown escape.
bool UnescapeText(const std::string& v, std::string* out) {
  out->clear();
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == ';' || v[i] == ',') return false;
    if (v[i] != '\\') {
      *out += v[i];
      continue;
    }
    if (++i >= v.size()) return false;
    switch (v[i]) {
      case '\\': *out += '\\'; break;
      case ';': *out += ';'; break;
      case ',': *out += ','; break;
      case 'n':
      case 'N': *out += '\n'; break;
      default: return false;
    }
  }
  return true;
}

std::map<std::string, std::string> RruleParts(const std::string& v) {
  std::map<std::string, std::string> parts;
  size_t pos = 0;
  while (pos <= v.size()) {
    size_t semi = v.find(';', pos);
    if (semi == std::string::npos) semi = v.size();
    const std::string part = v.substr(pos, semi - pos);
    const size_t eq = part.find('=');
    parts[part.substr(0, eq)] = eq == std::string::npos ? "" : part.substr(eq + 1);
    pos = semi + 1;
  }
  return parts;
}

// Every component has its required properties (RFC 5545 3.6.1, 3.6.6, 3.7) exactly once.
void ExpectWellFormed(const Component& cal) {
  ASSERT_EQ(cal.name, "VCALENDAR");
  ASSERT_EQ(cal.Count("VERSION"), 1);
  EXPECT_EQ(cal.Find("VERSION")->value, "2.0");
  ASSERT_EQ(cal.Count("PRODID"), 1);
  EXPECT_FALSE(cal.Find("PRODID")->value.empty());
  for (const Component& ev : cal.children) {
    ASSERT_EQ(ev.name, "VEVENT");
    for (const char* req : {"UID", "DTSTAMP", "DTSTART", "RRULE", "SUMMARY"}) EXPECT_EQ(ev.Count(req), 1) << req;
    std::string text;
    EXPECT_TRUE(UnescapeText(ev.Find("SUMMARY")->value, &text)) << ev.Find("SUMMARY")->value;
    ASSERT_TRUE(ev.Find("DESCRIPTION"));
    EXPECT_TRUE(UnescapeText(ev.Find("DESCRIPTION")->value, &text)) << ev.Find("DESCRIPTION")->value;
    ASSERT_EQ(ev.children.size(), 1u);
    const Component& alarm = ev.children[0];
    EXPECT_EQ(alarm.name, "VALARM");
    for (const char* req : {"ACTION", "TRIGGER", "DESCRIPTION"}) EXPECT_EQ(alarm.Count(req), 1) << req;
    EXPECT_EQ(alarm.Find("ACTION")->value, "DISPLAY");
  }
}

std::string Compact(const std::string& iso_date) {  // "2026-12-01" -> "20261201"
  std::string s;
  for (char c : iso_date) {
    if (c != '-') s += c;
  }
  return s;
}

Plan MakePlan(const std::string& protocol, DoseTime time, std::optional<Dose> liquid) {
  PlanRequest r;
  r.protocol = protocol;
  r.start = date::year{2026} / 12 / 1;
  r.time = time;
  r.liquid_per_ml = liquid;
  if (protocol == "final-6mg") r.max = Dose::FromMicrogramsHcl(6000);
  auto p = BuildPlan(r);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return *p;
}

const std::chrono::sys_seconds kNow = date::sys_days(date::year{2026} / 11 / 22) + std::chrono::hours(12);

// One VEVENT per step, each with the step's DTSTART, UNTIL and dose.
void ExpectMatchesPlan(const Plan& plan, const std::string& ics) {
  Component cal;
  std::string why;
  ASSERT_TRUE(ParseIcs(ics, &cal, &why)) << why;
  ExpectWellFormed(cal);
  ASSERT_EQ(cal.children.size(), plan.steps.size());
  std::set<std::string> uids;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const PlanStep& s = plan.steps[i];
    const Component& ev = cal.children[i];
    const std::string hhmm = s.time == DoseTime::kBedtime ? "220000" : "080000";
    EXPECT_EQ(ev.Find("DTSTART")->value, Compact(FormatDate(s.start)) + "T" + hhmm);
    EXPECT_TRUE(ev.Find("DTSTART")->params.empty()) << "floating time has no TZID";
    EXPECT_EQ(ev.Find("DTSTAMP")->value, "20261122T120000Z");
    const auto rrule = RruleParts(ev.Find("RRULE")->value);
    EXPECT_EQ(rrule.at("FREQ"), "DAILY");
    if (s.end) {
      ASSERT_TRUE(rrule.count("UNTIL"));
      EXPECT_EQ(rrule.at("UNTIL"), Compact(FormatDate(*s.end)) + "T" + hhmm);
    } else {
      EXPECT_FALSE(rrule.count("UNTIL")) << "the last step is open";
    }
    std::string summary;
    ASSERT_TRUE(UnescapeText(ev.Find("SUMMARY")->value, &summary));
    EXPECT_NE(summary.find("LDN " + s.dose.FormatMg() + " mg"), std::string::npos) << summary;
    if (s.volume_centi_ml) {
      EXPECT_NE(summary.find(FormatCentiMl(*s.volume_centi_ml) + " mL"), std::string::npos) << summary;
    }
    EXPECT_TRUE(uids.insert(ev.Find("UID")->value).second) << "duplicate UID";
    EXPECT_NE(ev.Find("UID")->value.find("@ldn"), std::string::npos);
  }
}

TEST(IcsTest, EveryProtocolGivesAValidCalendarMatchingThePlan) {
  for (const char* id : {"ldnrt-standard", "stepwise-1.5", "sensitive", "final-6mg"}) {
    SCOPED_TRACE(id);
    const Plan plan = MakePlan(id, DoseTime::kBedtime, std::nullopt);
    ExpectMatchesPlan(plan, PlanToIcs(plan, kNow));
  }
}

TEST(IcsTest, MorningLiquidPlan) {
  const Plan plan = MakePlan("sensitive", DoseTime::kMorning, Dose::FromMicrogramsHcl(1000));
  const std::string ics = PlanToIcs(plan, kNow);
  ExpectMatchesPlan(plan, ics);
  EXPECT_NE(ics.find("DTSTART:20261201T080000\r\n"), std::string::npos);
}

TEST(IcsTest, AdjustedPlanWithGapAndTimeSwitch) {
  auto request = ReadAdjustmentRequest(R"({"plan":{"protocol":"ldnrt-standard","start":"2026-12-01"},
    "titration":"hard","events":[
      {"type":"sleep_side_effects","date":"2026-12-03","name":"vivid_dreams","days_unsettled":4},
      {"type":"gap","from":"2026-12-20","days":30}]})");
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  auto adjusted = AdjustPlan(*request);
  ASSERT_TRUE(adjusted.ok()) << adjusted.status().ToString();
  ExpectMatchesPlan(adjusted->plan, PlanToIcs(adjusted->plan, kNow));
}

TEST(IcsTest, DeterministicForTheSamePlanAndClock) {
  const Plan plan = MakePlan("ldnrt-standard", DoseTime::kBedtime, std::nullopt);
  EXPECT_EQ(PlanToIcs(plan, kNow), PlanToIcs(plan, kNow));
  EXPECT_NE(PlanToIcs(plan, kNow), PlanToIcs(plan, kNow + std::chrono::seconds(1)));
}

TEST(IcsTest, EscapesText) {
  const std::string raw = "a,b;c\\d\ne";
  const std::string escaped = EscapeIcsText(raw);
  EXPECT_EQ(escaped, "a\\,b\\;c\\\\d\\ne");
  std::string back;
  ASSERT_TRUE(UnescapeText(escaped, &back));
  EXPECT_EQ(back, raw);
}

TEST(IcsTest, FoldsAt75OctetsWithoutSplittingUtf8) {
  std::string line = "DESCRIPTION:";
  for (int i = 0; i < 60; ++i) line += "\xC3\xA9x";  // "éx": a 2-octet character then 1 octet
  const std::string folded = FoldIcsLine(line);
  Component dummy;
  std::string why;
  ASSERT_TRUE(ParseIcs("BEGIN:VCALENDAR\r\n" + folded + "END:VCALENDAR\r\n", &dummy, &why)) << why;
  ASSERT_EQ(dummy.props.size(), 1u);
  EXPECT_EQ("DESCRIPTION:" + dummy.props[0].value, line);
  size_t start = 0;
  while (start < folded.size()) {
    const size_t end = folded.find("\r\n", start);
    const std::string physical = folded.substr(start, end - start);
    EXPECT_LE(physical.size(), 75u);
    // A physical line never ends inside a multi-octet sequence (next one never starts with 10xxxxxx).
    if (end + 2 < folded.size()) {
      EXPECT_NE(static_cast<unsigned char>(folded[end + 3]) & 0xC0, 0x80);
    }
    start = end + 2;
  }
  EXPECT_EQ(FoldIcsLine("SHORT:x"), "SHORT:x\r\n");
}

// The reader itself must reject what RFC 5545 forbids, or the tests above prove nothing.
TEST(IcsReaderTest, RejectsMalformedCalendars) {
  Component c;
  std::string why;
  EXPECT_FALSE(ParseIcs("BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n", &c, &why));  // LF only
  EXPECT_FALSE(ParseIcs("BEGIN:VCALENDAR\r\nX:" + std::string(80, 'a') + "\r\nEND:VCALENDAR\r\n", &c, &why));
  EXPECT_FALSE(ParseIcs("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n", &c, &why));  // nesting
  EXPECT_FALSE(ParseIcs("BEGIN:VCALENDAR\r\nNOCOLON\r\nEND:VCALENDAR\r\n", &c, &why));
  EXPECT_FALSE(ParseIcs("BEGIN:VCALENDAR\r\nX;P:v\r\nEND:VCALENDAR\r\n", &c, &why));  // param without '='
  std::string out;
  EXPECT_FALSE(UnescapeText("a,b", &out));
  EXPECT_FALSE(UnescapeText("a\\x", &out));
  ASSERT_TRUE(ParseIcs("BEGIN:VCALENDAR\r\nX;P=\"q;:\",r:v:w\r\nEND:VCALENDAR\r\n", &c, &why)) << why;
  EXPECT_EQ(c.props[0].value, "v:w");
  EXPECT_EQ(c.props[0].params.count("P"), 2u);
}

}  // namespace
}  // namespace ldn::clinical
