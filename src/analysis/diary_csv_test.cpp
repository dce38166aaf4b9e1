#include "analysis/diary_csv.h"

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ldn::analysis {
namespace {

std::string ReadFile(const std::string& relative) {
  std::ifstream in(std::string(LDN_SOURCE_DIR) + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in.good()) << relative;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// DiaryToJson writes every field of a Diary (checked against the golden text below), so two
// diaries are equal exactly when their JSON texts are.
void ExpectSameDiary(const Diary& a, const Diary& b) {
  EXPECT_EQ(DiaryToJson(a), DiaryToJson(b));
}

Diary MustParseJson(std::string_view text) {
  auto d = ParseDiaryJson(text);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return d.ok() ? *d : Diary{};
}

Diary MustParseCsv(std::string_view text) {
  auto d = ParseDiaryCsv(text);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return d.ok() ? *d : Diary{};
}

// --- The golden example: every kind of content, including every quoting case. -------------------

TEST(DiaryCsvGoldenTest, JsonToCsvMatchesGolden) {
  const Diary d = MustParseJson(ReadFile("tests/golden/analysis/csv_example.json"));
  EXPECT_EQ(DiaryToCsv(d), ReadFile("tests/golden/analysis/csv_example.csv"));
}

TEST(DiaryCsvGoldenTest, CsvParsesToTheJsonDiary) {
  const Diary from_json = MustParseJson(ReadFile("tests/golden/analysis/csv_example.json"));
  const Diary from_csv = MustParseCsv(ReadFile("tests/golden/analysis/csv_example.csv"));
  ExpectSameDiary(from_json, from_csv);
  // Spot checks that do not go through DiaryToJson.
  ASSERT_EQ(from_csv.days.size(), 6u);
  EXPECT_EQ(from_csv.days[1].Get(Item::kPain), std::nullopt);  // the date-only row is an empty entry
  EXPECT_EQ(from_csv.days[2].rescue_medication,
            (std::vector<std::string>{"paracetamol 1 g", "ibuprofen; 400 mg", " leading space", "back\\slash"}));
  EXPECT_EQ(from_csv.days[3].note, std::optional<std::string>("said \"it's fine\"\nsecond line"));
  EXPECT_EQ(from_csv.days[4].note, std::optional<std::string>(""));
  EXPECT_EQ(from_csv.days[0].note, std::optional<std::string>("bad night, woke at 3"));
  ASSERT_EQ(from_csv.doses.size(), 4u);
  EXPECT_FALSE(from_csv.doses[1].taken);
  EXPECT_EQ(from_csv.doses[3].dose, Dose::FromMicrogramsHcl(1500));
  EXPECT_EQ(from_csv.doses[3].time, TimeOfDay{23 * 60 + 30});
  ASSERT_EQ(from_csv.instruments.size(), 2u);
  EXPECT_EQ(from_csv.instruments[1].answers_json, R"({"function":[1,2,3],"note":"a, b"})");
}

TEST(DiaryCsvGoldenTest, JsonWriterMatchesGoldenAndRoundTrips) {
  const Diary d = MustParseJson(ReadFile("tests/golden/analysis/csv_example.json"));
  const std::string json = DiaryToJson(d);
  EXPECT_EQ(json, ReadFile("tests/golden/analysis/csv_example_written.json"));
  ExpectSameDiary(MustParseJson(json), d);
}

// The lifestyle column (issue 15, item 1): key=value entries; errors name the row and column.
TEST(DiaryCsvTest, LifestyleColumn) {
  const std::string head =
      "# format: ldn-diary-csv 2\n# scale_version: 2\n# patient: p\n# time_zone: UTC\n# step: 2026-01-05 1 mg\n"
      "date,pain,lifestyle\n";
  auto ok = ParseDiaryCsv(head + "2026-01-03,4, relaxation = yes ;sleep_hours=7.5\n");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->days[0].lifestyle.size(), 2u);
  EXPECT_EQ(ok->days[0].lifestyle[0].id, "sleep_hours");
  EXPECT_DOUBLE_EQ(ok->days[0].lifestyle[0].value, 7.5);
  EXPECT_DOUBLE_EQ(ok->days[0].lifestyle[1].value, 1);
  for (const char* bad : {"sleep_hours", "sleep_hours=", "=7", "sleep_hours=seven", "sleep_hours=0x10",
                          "sleep_hours=7;sleep_hours=8", "sleep_hours=25", "steps=9000", "relaxation=maybe"}) {
    auto r = ParseDiaryCsv(head + "2026-01-03,4," + bad + "\n");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().field(), "row 7, column lifestyle") << bad << ": " << r.status().ToString();
  }
}

// The patient's own items (issue 15, item 1): the custom column, key=value as lifestyle.
TEST(DiaryCsvTest, CustomColumn) {
  const std::string head =
      "# format: ldn-diary-csv 2\n# scale_version: 2\n# patient: p\n# time_zone: UTC\n# step: 2026-01-05 1 mg\n"
      "date,pain,custom\n";
  auto ok = ParseDiaryCsv(head + "2026-01-03,4,headache=6; flare = no;water=2.5\n2026-01-04,,flare=yes\n");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->days.size(), 2u);
  ASSERT_EQ(ok->days[0].custom.size(), 3u);
  EXPECT_EQ(ok->days[0].custom[0].key, "flare");
  EXPECT_TRUE(ok->days[0].custom[0].yes_no);
  EXPECT_DOUBLE_EQ(ok->days[0].custom[0].value, 0);
  EXPECT_DOUBLE_EQ(ok->days[0].custom[2].value, 2.5);
  EXPECT_FALSE(ok->days[1].Get(Item::kPain).has_value());  // a row with only an own item is a day
  // Written sorted by key, whatever the order read.
  EXPECT_NE(DiaryToCsv(*ok).find(",flare=no;headache=6;water=2.5\n"), std::string::npos) << DiaryToCsv(*ok);
  for (const char* bad :
       {"headache", "headache=", "=7", "headache=six", "Headache=6", "headache=-1", "headache=6;headache=7"}) {
    auto r = ParseDiaryCsv(head + "2026-01-03,4," + bad + "\n");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().field(), "row 7, column custom") << bad << ": " << r.status().ToString();
  }
}

// --- RFC 4180 and spreadsheet quirks. ---------------------------------------------------------

constexpr std::string_view kMeta =
    "# format: ldn-diary-csv 2\n# scale_version: 2\n# patient: p-9\n# time_zone: Europe/Oslo\n"
    "# step: 2026-01-05 1 mg\n";

TEST(DiaryCsvTest, CrLfLineEndsBomAndSpreadsheetPaddingAreRead) {
  const std::string csv =
      "\xEF\xBB\xBF# format: ldn-diary-csv 2,,\r\n# scale_version: 2,,\r\n# patient: p-9,,\r\n"
      "# time_zone: Europe/Oslo,,\r\n"
      "# step: 2026-01-05 1 mg,,\r\n,,\r\ndate,pain,note\r\n2026-01-04,5,\"two\r\nlines\"\r\n,,\r\n2026-01-05,4,";
  const Diary d = MustParseCsv(csv);
  ASSERT_EQ(d.days.size(), 2u);
  EXPECT_EQ(d.days[0].note, std::optional<std::string>("two\r\nlines"));
  EXPECT_EQ(d.days[1].Get(Item::kPain), 4);
  EXPECT_EQ(d.days[1].note, std::nullopt);
  EXPECT_EQ(d.patient_id, "p-9");
}

TEST(DiaryCsvTest, ColumnsInAnyOrderAndSubsetsAreRead) {
  const Diary d =
      MustParseCsv(std::string(kMeta) + "note,dose_taken,date,dose_mg,pain\n\"a \"\"b\"\", c\",yes,2026-01-05,1,3\n");
  ASSERT_EQ(d.days.size(), 1u);
  EXPECT_EQ(d.days[0].note, std::optional<std::string>("a \"b\", c"));
  ASSERT_EQ(d.doses.size(), 1u);
  EXPECT_TRUE(d.doses[0].taken);
}

TEST(DiaryCsvTest, FormatOneIsReadOnScaleOneAndWrittenBackOnTheCurrentScale) {
  // A file from before scale version 2: mood 8 meant good (0 = very low, 10 = very good).
  const Diary d = MustParseCsv(
      "# format: ldn-diary-csv 1\n# patient: p-9\n# time_zone: Europe/Oslo\n# step: 2026-01-05 1 mg\n"
      "date,pain,sleep,mood\n2026-01-05,6,7,8\n");
  ASSERT_EQ(d.days.size(), 1u);
  EXPECT_EQ(d.input_scale_version, 1);
  EXPECT_EQ(d.days[0].Get(Item::kMood), 2);
  EXPECT_EQ(d.days[0].Get(Item::kSleep), 7);
  EXPECT_EQ(d.days[0].Get(Item::kPain), 6);
  const std::string written = DiaryToCsv(d);
  EXPECT_NE(written.find("# format: ldn-diary-csv 2\n# scale_version: 2\n"), std::string::npos) << written;
  EXPECT_EQ(MustParseCsv(written).days[0].Get(Item::kMood), 2);
}

TEST(DiaryCsvTest, OffPlanDoseIsKept) {
  const Diary d =
      MustParseCsv(std::string(kMeta) + "date,pain,dose_taken,dose_mg\n2026-01-04,3,,\n2026-01-05,,yes,2\n");
  ASSERT_EQ(d.doses.size(), 1u);
  EXPECT_EQ(d.doses[0].dose->micrograms_hcl(), 2000);
}

TEST(DiaryCsvTest, DoseOnlyRowIsNoDiaryEntry) {
  const Diary d = MustParseCsv(std::string(kMeta) + "date,pain,dose_taken,dose_mg\n2026-01-05,,yes,1\n");
  EXPECT_TRUE(d.days.empty());
  EXPECT_EQ(d.doses.size(), 1u);
}

TEST(DiaryCsvTest, SpacesAroundListSeparatorsAreDropped) {
  const Diary d = MustParseCsv(std::string(kMeta) +
                               "date,side_effects,rescue_medication\n2026-01-05,vivid_dreams:2; headache : 1,a ; b\n");
  ASSERT_EQ(d.days.size(), 1u);
  ASSERT_EQ(d.days[0].side_effects.size(), 2u);
  EXPECT_EQ(d.days[0].side_effects[1].name, "headache");
  EXPECT_EQ(d.days[0].side_effects[1].severity, 1);
  EXPECT_EQ(d.days[0].rescue_medication, (std::vector<std::string>{"a", "b"}));
}

// --- Errors name the row and column. ------------------------------------------------------------

struct ErrorCase {
  std::string name;
  std::string csv;
  std::string field;
  std::string message_part;
};

std::string WithRows(std::string_view header, std::string_view rows) {
  return std::string(kMeta) + std::string(header) + "\n" + std::string(rows);
}

class DiaryCsvErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(DiaryCsvErrorTest, NamesTheCell) {
  const ErrorCase& c = GetParam();
  auto d = ParseDiaryCsv(c.csv);
  ASSERT_FALSE(d.ok()) << c.name;
  EXPECT_EQ(d.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(d.status().field(), c.field) << d.status().ToString();
  EXPECT_NE(d.status().message().find(c.message_part), std::string::npos) << d.status().ToString();
}

// Row numbers: kMeta is rows 1-5, the header row 6, data from row 7.
INSTANTIATE_TEST_SUITE_P(
    Cells, DiaryCsvErrorTest,
    testing::Values(
        ErrorCase{"item_fraction", WithRows("date,pain", "2026-01-05,4.5\n"), "row 7, column pain",
                  "whole number 0-10"},
        ErrorCase{"item_above_10", WithRows("date,pain", "2026-01-05,4\n2026-01-06,11\n"), "row 8, column pain",
                  "\"11\""},
        ErrorCase{"item_negative", WithRows("date,stress", "2026-01-05,-1\n"), "row 7, column stress", "0-10"},
        ErrorCase{"item_text", WithRows("date,sleep", "2026-01-05,good\n"), "row 7, column sleep", "0-10"},
        ErrorCase{"bad_date", WithRows("date,pain", "05/01/2026,4\n"), "row 7, column date", ""},
        ErrorCase{"missing_date", WithRows("date,pain", ",4\n"), "row 7, column date", "needs a date"},
        ErrorCase{"duplicate_date", WithRows("date,pain", "2026-01-05,4\n2026-01-05,5\n"), "row 8, column date",
                  "duplicate"},
        ErrorCase{"unsorted_date", WithRows("date,pain", "2026-01-06,4\n2026-01-05,5\n"), "row 8, column date",
                  "increase"},
        ErrorCase{"dose_taken_word", WithRows("date,dose_taken,dose_mg", "2026-01-05,true,1\n"),
                  "row 7, column dose_taken", "yes, no"},
        ErrorCase{"dose_mg_without_taken", WithRows("date,dose_taken,dose_mg", "2026-01-05,,1\n"),
                  "row 7, column dose_mg", "dose_taken is empty"},
        ErrorCase{"dose_decimal_comma", WithRows("date,dose_taken,dose_mg", "2026-01-05,yes,\"1,5\"\n"),
                  "row 7, column dose_mg", "decimal point"},
        ErrorCase{"dose_four_decimals", WithRows("date,dose_taken,dose_mg", "2026-01-05,yes,1.0005\n"),
                  "row 7, column dose_mg", ""},
        ErrorCase{"taken_without_mg", WithRows("date,dose_taken", "2026-01-05,yes\n"), "row 7, column dose_mg",
                  "needs dose_mg"},
        ErrorCase{"dose_before_course", WithRows("date,dose_taken", "2026-01-04,no\n"), "row 7, column date",
                  "before the course"},
        ErrorCase{"dose_time", WithRows("date,dose_taken,dose_mg,dose_time", "2026-01-05,yes,1,10pm\n"),
                  "row 7, column dose_time", ""},
        ErrorCase{"side_effect_no_severity", WithRows("date,side_effects", "2026-01-05,headache\n"),
                  "row 7, column side_effects", "name:severity"},
        ErrorCase{"side_effect_severity_4", WithRows("date,side_effects", "2026-01-05,headache:4\n"),
                  "row 7, column side_effects", "severity 1"},
        ErrorCase{"side_effect_name", WithRows("date,side_effects", "2026-01-05,Vivid Dreams:2\n"),
                  "row 7, column side_effects", "snake_case"},
        ErrorCase{"side_effect_twice", WithRows("date,side_effects", "2026-01-05,nausea:1;nausea:2\n"),
                  "row 7, column side_effects", "duplicate"},
        ErrorCase{"empty_list_entry", WithRows("date,rescue_medication", "2026-01-05,a;;b\n"),
                  "row 7, column rescue_medication", "empty entry"},
        ErrorCase{"bad_escape", WithRows("date,rescue_medication", "2026-01-05,C:\\x\n"),
                  "row 7, column rescue_medication", "backslash"},
        ErrorCase{"unknown_column", WithRows("date,stiffnes", "2026-01-05,3\n"), "row 6, column stiffnes",
                  "unknown column"},
        ErrorCase{"repeated_column", WithRows("date,pain,pain", "2026-01-05,3,3\n"), "row 6, column pain", "twice"},
        ErrorCase{"no_date_column", WithRows("pain", "3\n"), "row 6", "no date column"},
        ErrorCase{"extra_cell", WithRows("date,pain", "2026-01-05,3,oops\n"), "row 7", "cell 3"},
        ErrorCase{"unterminated_quote", WithRows("date,note", "2026-01-05,\"open\n"), "row 7", "never closed"},
        ErrorCase{"text_after_quote", WithRows("date,note", "2026-01-05,\"a\"b\n"), "row 7", "after its closing"},
        ErrorCase{"not_utf8", WithRows("date,note", "2026-01-05,caf\xE9\n"), "row 7", "UTF-8"},
        ErrorCase{"bare_quote", WithRows("date,note", "2026-01-05,a\"b\n"), "row 7", "not quoted"},
        ErrorCase{"unknown_zone",
                  "# format: ldn-diary-csv 2\n# scale_version: 2\n# patient: p\n# time_zone: Mars/Base\n"
                  "# step: 2026-01-05 1 mg\ndate\n",
                  "row 4, metadata time_zone", ""},
        ErrorCase{"steps_out_of_order", std::string(kMeta) + "# step: 2026-01-01 2 mg\ndate\n", "row 6, metadata step",
                  ""},
        ErrorCase{"step_without_unit",
                  "# format: ldn-diary-csv 2\n# scale_version: 2\n# patient: p\n# time_zone: UTC\n"
                  "# step: 2026-01-05 1\ndate\n",
                  "row 5, metadata step", "DOSE mg"},
        ErrorCase{"instrument_kind", std::string(kMeta) + "\"# instrument: 2026-01-05 bpi {\"\"a\"\":1}\"\ndate\n",
                  "row 6, metadata instrument", "unknown instrument"},
        ErrorCase{"instrument_answers", std::string(kMeta) + "# instrument: 2026-01-05 pgic 3\ndate\n",
                  "row 6, metadata instrument", "JSON object"},
        ErrorCase{"unknown_metadata", std::string(kMeta) + "# doctor: Who\ndate\n", "row 6, metadata doctor",
                  "unknown metadata"},
        ErrorCase{"repeated_metadata", std::string(kMeta) + "# patient: q\ndate\n", "row 6, metadata patient",
                  "repeats row 3"},
        ErrorCase{"metadata_two_cells", "# format: ldn-diary-csv 2\n# scale_version: 2\n# patient:,p-1\n",
                  "row 3, metadata patient", "only the first cell"},
        ErrorCase{"metadata_no_colon", "# hello\n", "row 1", "# key: value"},
        ErrorCase{"wrong_format", "# format: ldn-diary-csv 3\n", "row 1, metadata format", "ldn-diary-csv 2"},
        ErrorCase{"missing_scale_version", "# format: ldn-diary-csv 2\n# patient: p\n# time_zone: UTC\ndate\n",
                  "metadata scale_version", "missing"},
        ErrorCase{"scale_version_not_a_number",
                  "# format: ldn-diary-csv 2\n# scale_version: two\n# patient: p\n# time_zone: UTC\n"
                  "# step: 2026-01-05 1 mg\ndate\n",
                  "row 2, metadata scale_version", "whole number"},
        ErrorCase{"scale_version_unknown",
                  "# format: ldn-diary-csv 2\n# scale_version: 9\n# patient: p\n# time_zone: UTC\n"
                  "# step: 2026-01-05 1 mg\ndate\n",
                  "row 2, metadata scale_version", "newer than this ldn knows"},
        ErrorCase{"format_1_has_no_scale_row",
                  "# format: ldn-diary-csv 1\n# scale_version: 2\n# patient: p\n# time_zone: UTC\n"
                  "# step: 2026-01-05 1 mg\ndate\n",
                  "row 2, metadata scale_version", "no scale_version row"},
        ErrorCase{"missing_format", "# patient: p\n# time_zone: UTC\n# step: 2026-01-05 1 mg\ndate\n",
                  "metadata format", "missing"},
        ErrorCase{"missing_patient", "# format: ldn-diary-csv 1\n# time_zone: UTC\n# step: 2026-01-05 1 mg\ndate\n",
                  "metadata patient", "missing"},
        ErrorCase{"missing_step", "# format: ldn-diary-csv 1\n# patient: p\n# time_zone: UTC\ndate\n", "metadata step",
                  "missing"},
        ErrorCase{"no_header", std::string(kMeta), "", "no header row"},
        ErrorCase{"empty_text", "", "", "no header row"}),
    [](const testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

// --- Round trip over random diaries. -------------------------------------------------------------

// Builds random JSON diaries with every optional part present or absent, awkward text (commas,
// quotes, line breaks, ';', '\', edge spaces, '#') and dose logs with and without diary entries.
class RandomDiary {
 public:
  explicit RandomDiary(uint64_t seed) : rng_(seed) {}

  std::string Next() {
    nlohmann::json steps = nlohmann::json::array();
    const int n_steps = Pick(1, 4);
    const LocalDate start = AddDays(LocalDate{date::year{2026}, date::month{1}, date::day{1}}, Pick(0, 300));
    std::vector<std::pair<LocalDate, int>> plan;
    LocalDate s = start;
    for (int i = 0; i < n_steps; ++i) {
      const int ug = Pick(0, 6000);
      plan.emplace_back(s, ug);
      steps.push_back({{"start", FormatDate(s)}, {"dose_mg", ug / 1000.0}});
      s = AddDays(s, Pick(1, 10));
    }
    nlohmann::json doses = nlohmann::json::array();
    nlohmann::json days = nlohmann::json::array();
    for (LocalDate d = AddDays(start, -Pick(0, 5)); d < AddDays(start, 40); d = AddDays(d, 1)) {
      int ug = -1;
      for (const auto& [from, dose] : plan) {
        if (from <= d) ug = dose;
      }
      if (ug >= 0 && Chance(0.7)) {
        nlohmann::json log = {{"date", FormatDate(d)}, {"taken", Chance(0.8)}};
        if (log["taken"].get<bool>() || Chance(0.3)) log["dose_mg"] = ug / 1000.0;
        if (Chance(0.5)) log["time"] = fmt::format("{:02}:{:02}", Pick(0, 23), Pick(0, 59));
        doses.push_back(log);
      }
      if (Chance(0.8)) {
        nlohmann::json day = {{"date", FormatDate(d)}};
        for (int i = 0; i < kItemCount; ++i) {
          if (Chance(0.7)) day[std::string(ItemName(kAllItems[i]))] = Pick(0, 10);
        }
        if (Chance(0.3)) {
          nlohmann::json effects = nlohmann::json::array();
          const std::vector<std::string> names = {"vivid_dreams", "headache", "nausea", "insomnia"};
          for (const std::string& name : names) {
            if (Chance(0.4)) effects.push_back({{"name", name}, {"severity", Pick(1, 3)}});
          }
          day["side_effects"] = effects;
        }
        if (Chance(0.3)) {
          nlohmann::json names = nlohmann::json::array();
          for (int k = Pick(1, 3); k > 0; --k) names.push_back(Line());
          day["rescue_medication"] = names;
        }
        if (Chance(0.4)) day["note"] = Text(false);
        // An entry with nothing but its date is kept only on days without a dose log: the one
        // case the CSV cannot tell apart (diary_csv.h).
        if (day.size() == 1 && !doses.empty() && doses.back()["date"] == day["date"]) continue;
        days.push_back(day);
      }
    }
    nlohmann::json root = {{"scale_version", 2},
                           {"patient", {{"id", "p " + Line() + "x"}, {"time_zone", "Asia/Kolkata"}}},
                           {"course", {{"steps", steps}}},
                           {"doses", doses},
                           {"diary", days}};
    if (Chance(0.5)) {
      root["instruments"] = {{{"date", FormatDate(start)}, {"kind", "pgic"}, {"answers", {{"x", Text(false)}}}}};
    }
    return root.dump();
  }

 private:
  int Pick(int lo, int hi) { return lo + static_cast<int>(rng_() % static_cast<uint64_t>(hi - lo + 1)); }
  bool Chance(double p) { return static_cast<double>(rng_() >> 11) * 0x1.0p-53 < p; }
  // Random text from awkward pieces; `non_empty_trimmed` avoids an empty string.
  std::string Text(bool non_empty) {
    static const std::vector<std::string> pieces = {"a", "Zq", ",",  "\"", "\n", "\r\n", ";",  "\\",
                                                    " ", "#",  "=1", "æ",  ":",  "''",   "\t", "x y"};
    std::string s;
    for (int k = Pick(non_empty ? 1 : 0, 6); k > 0; --k) s += pieces[rng_() % pieces.size()];
    return s;
  }
  // A name: one line (no line break, tab or other control character: docs/diary-format.md).
  std::string Line() {
    static const std::vector<std::string> pieces = {"a", "Zq", ",", "\"", ";",  "\\", " ",
                                                    "#", "=1", "æ", ":",  "''", "x y"};
    std::string s = "m";  // never blank
    for (int k = Pick(1, 6); k > 0; --k) s += pieces[rng_() % pieces.size()];
    return s;
  }
  std::mt19937_64 rng_;
};

TEST(DiaryCsvRoundTripTest, RandomDiariesSurviveJsonToCsvToJson) {
  RandomDiary gen(20261122);
  for (int i = 0; i < 120; ++i) {
    const std::string json = gen.Next();
    auto d = ParseDiaryJson(json);
    ASSERT_TRUE(d.ok()) << d.status().ToString() << "\n" << json;
    const std::string csv = DiaryToCsv(*d);
    auto back = ParseDiaryCsv(csv);
    ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << csv;
    ASSERT_EQ(DiaryToJson(*back), DiaryToJson(*d)) << csv;
    EXPECT_EQ(DiaryToCsv(*back), csv);
  }
}

TEST(DiaryCsvRoundTripTest, EmptyEntryOnADoseDayIsTheDocumentedLoss) {
  const Diary d = MustParseJson(R"({"scale_version":2,"patient":{"id":"p","time_zone":"UTC"},
      "course":{"steps":[{"start":"2026-01-05","dose_mg":1}]},
      "doses":[{"date":"2026-01-05","taken":true,"dose_mg":1}], "diary":[{"date":"2026-01-05"}]})");
  const Diary back = MustParseCsv(DiaryToCsv(d));
  EXPECT_EQ(back.days.size(), 0u);
  EXPECT_EQ(back.doses.size(), 1u);
}

}  // namespace
}  // namespace ldn::analysis
