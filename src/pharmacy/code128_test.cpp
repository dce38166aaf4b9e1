#include "pharmacy/code128.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "core/json_reader.h"

namespace ldn::pharmacy {
namespace {

std::string Join(const std::vector<int>& w, size_t from, size_t n) {
  std::string s;
  for (size_t i = from; i < from + n; ++i) s += static_cast<char>('0' + w[i]);
  return s;
}

// A small independent decoder: reads the widths left to right, checks each character's 11 modules
// and even bar parity, maps patterns to values with `table`, checks the start, the modulo-103
// check character and the stop pattern, and returns the text (or an error string starting "!").
std::string Decode(const std::vector<int>& w, const std::map<std::string, int>& table) {
  if (w.size() < 6 * 3 + 7 || (w.size() - 7) % 6 != 0) return "!length";
  if (Join(w, w.size() - 7, 7) != "2331112") return "!stop";
  std::vector<int> values;
  for (size_t i = 0; i + 7 < w.size(); i += 6) {
    const int modules = w[i] + w[i + 1] + w[i + 2] + w[i + 3] + w[i + 4] + w[i + 5];
    if (modules != 11) return "!modules";
    if ((w[i] + w[i + 2] + w[i + 4]) % 2 != 0) return "!parity";
    auto it = table.find(Join(w, i, 6));
    if (it == table.end()) return "!pattern";
    values.push_back(it->second);
  }
  if (values.front() != 104) return "!start";
  int64_t sum = 104;
  for (size_t i = 1; i + 1 < values.size(); ++i) sum += values[i] * static_cast<int64_t>(i);
  if (sum % 103 != values.back()) return "!check";
  std::string text;
  for (size_t i = 1; i + 1 < values.size(); ++i) text += static_cast<char>(values[i] + 32);
  return text;
}

// The decoder's table, from the golden file (every pattern checked by decoding symbols with
// zbarimg in tests/oracles/code128_zbar.py); not from the encoder.
std::map<std::string, int> GoldenTable() {
  std::ifstream in(std::filesystem::path(LDN_SOURCE_DIR) / "tests" / "golden" / "pharmacy" / "code128.json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = ParseJson(ss.str());
  EXPECT_TRUE(j.ok()) << j.status().ToString();
  std::map<std::string, int> table;
  if (!j.ok()) return table;
  for (const auto& [value, pattern] : (*j)["patterns"].items()) table[pattern.get<std::string>()] = std::stoi(value);
  return table;
}

// Worked example, checked by hand: "PJJ123C" in set B.
// Values: P=80-32=48, J=42, J=42, 1=17, 2=18, 3=19, C=35.
// Check: 104 + 48x1 + 42x2 + 42x3 + 17x4 + 18x5 + 19x6 + 35x7
//      = 104 + 48 + 84 + 126 + 68 + 90 + 114 + 245 = 879; 879 mod 103 = 879 - 8x103 = 55.
TEST(Code128Test, WorkedExampleChecksum) {
  auto v = Code128Values("PJJ123C", "barcode");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, (std::vector<int>{104, 48, 42, 42, 17, 18, 19, 35, 55}));
}

// "Wikipedia", by hand: W=55, i=73, k=75, i=73, p=80, e=69, d=68, i=73, a=65.
// 104 + 55 + 146 + 225 + 292 + 400 + 414 + 476 + 584 + 585 = 3281; 3281 mod 103 = 3281 - 31x103 = 88.
TEST(Code128Test, SecondWorkedExample) {
  auto v = Code128Values("Wikipedia", "barcode");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->back(), 88);
}

TEST(Code128Test, ModulesHaveTheSymbolStructure) {
  auto w = Code128Modules("RX-42 B-2026-0007", "barcode");
  ASSERT_TRUE(w.ok());
  const size_t n = 17;
  EXPECT_EQ(w->size(), 6 * (n + 2) + 7);
  EXPECT_EQ(std::accumulate(w->begin(), w->end(), 0), static_cast<int>(11 * (n + 2) + 13));
  EXPECT_EQ(Join(*w, 0, 6), "211214");                  // Start B
  EXPECT_EQ(Join(*w, w->size() - 7, 7), "2331112");     // stop with termination bar
  for (int x : *w) EXPECT_TRUE(x >= 1 && x <= 4) << x;  // Code 128 elements are 1-4 modules wide
}

TEST(Code128Test, BitsHaveQuietZones) {
  auto b = Code128Bits("A", "barcode");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->size(), static_cast<size_t>(10 + 11 * 3 + 13 + 10));
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE((*b)[static_cast<size_t>(i)]);
    EXPECT_FALSE((*b)[b->size() - 1 - static_cast<size_t>(i)]);
  }
  EXPECT_TRUE((*b)[10]);              // the start character begins with a bar
  EXPECT_TRUE((*b)[b->size() - 11]);  // the termination bar ends the symbol
}

TEST(Code128Test, RoundTripsEveryPrintableCharacter) {
  const auto table = GoldenTable();
  ASSERT_EQ(table.size(), 106u);  // values 0-105, all distinct
  std::string all;
  for (int c = 32; c <= 126; ++c) all += static_cast<char>(c);
  for (std::string_view text :
       {std::string_view("RX-42|B-2026-0007"), std::string_view("PJJ123C"), std::string_view(" "),
        std::string_view("~"), std::string_view(all).substr(0, 80), std::string_view(all).substr(15, 80)}) {
    auto w = Code128Modules(text, "barcode");
    ASSERT_TRUE(w.ok()) << text;
    EXPECT_EQ(Decode(*w, table), text);
  }
}

TEST(Code128Test, DecoderCatchesACorruptedSymbol) {
  const auto table = GoldenTable();
  auto w = Code128Modules("RX-42", "barcode");
  ASSERT_TRUE(w.ok());
  auto bad = *w;
  std::swap(bad[6], bad[12]);  // swap the first elements of two data characters
  EXPECT_NE(Decode(bad, table), "RX-42");
}

TEST(Code128Test, GoldenModules) {
  std::ifstream in(std::filesystem::path(LDN_SOURCE_DIR) / "tests" / "golden" / "pharmacy" / "code128.json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = ParseJson(ss.str());
  ASSERT_TRUE(j.ok());
  ASSERT_FALSE((*j)["cases"].empty());
  for (const auto& c : (*j)["cases"]) {
    auto w = Code128Modules(c["text"].get<std::string>(), "barcode");
    ASSERT_TRUE(w.ok());
    EXPECT_EQ(Join(*w, 0, w->size()), c["modules"].get<std::string>()) << c["text"];
  }
}

TEST(Code128Test, RefusesWhatSetBCannotHoldNamingTheField) {
  for (std::string_view bad :
       {std::string_view(""), std::string_view("R\nX"), std::string_view("caf\xc3\xa9"), std::string_view("\x7f")}) {
    auto w = Code128Modules(bad, "batch_number");
    ASSERT_FALSE(w.ok());
    EXPECT_EQ(w.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(w.status().field(), "batch_number");
  }
  EXPECT_NE(Code128Modules("R\nX", "f").status().message().find("character 2"), std::string::npos);
  EXPECT_FALSE(Code128Modules(std::string(81, 'A'), "f").ok());
  EXPECT_TRUE(Code128Modules(std::string(80, 'A'), "f").ok());
}

}  // namespace
}  // namespace ldn::pharmacy
