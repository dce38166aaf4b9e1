// Runs the real `ldn` binary on every case of tests/cli/cases/*.json (format: tests/cli/README.md)
// and checks its exit code, stderr and stdout. One gtest (and so one ctest) per case.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Case {
  std::string file;
  std::string name;
  json spec;
};

// GoogleTest prints a parameter in test listings; without this it dumps the struct's raw bytes.
void PrintTo(const Case& c, std::ostream* os) {
  *os << c.file << "/" << c.name;
}

std::vector<Case> LoadCases() {
  std::vector<Case> cases;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(LDN_SOURCE_DIR) / "tests/cli/cases")) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    std::ifstream in(p);
    json doc = json::parse(in);
    for (const auto& c : doc.at("cases")) {
      cases.push_back({p.stem().string(), c.at("name").get<std::string>(), c});
    }
  }
  return cases;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Replaces "{source}" in an argument with the source directory, so cases can name golden files.
std::string Expand(std::string s) {
  const std::string key = "{source}";
  for (size_t pos; (pos = s.find(key)) != std::string::npos;) s.replace(pos, key.size(), LDN_SOURCE_DIR);
  return s;
}

// `expected` is a subset of `actual`: objects by key, arrays element-wise with equal length,
// {"$includes":[...]} matches an array containing an element matching each item,
// {"$approx":x,"$tol":t} a number within t, {"$contains":"s"} a string containing s.
bool Matches(const json& expected, const json& actual, std::string path, std::string* why) {
  if (expected.is_object() && expected.contains("$approx")) {
    const double tol = expected.value("$tol", 1e-9);
    if (actual.is_number() && std::fabs(actual.get<double>() - expected["$approx"].get<double>()) <= tol) return true;
    *why = path + ": expected " + expected.dump() + ", got " + actual.dump();
    return false;
  }
  if (expected.is_object() && expected.contains("$contains")) {
    if (actual.is_string() &&
        actual.get<std::string>().find(expected["$contains"].get<std::string>()) != std::string::npos)
      return true;
    *why = path + ": expected a string containing " + expected["$contains"].dump() + ", got " + actual.dump();
    return false;
  }
  if (expected.is_object() && expected.contains("$includes")) {
    if (!actual.is_array()) {
      *why = path + ": expected an array, got " + actual.dump();
      return false;
    }
    for (const auto& item : expected["$includes"]) {
      bool found = false;
      std::string ignored;
      for (const auto& a : actual) found = found || Matches(item, a, path, &ignored);
      if (!found) {
        *why = path + ": no element matches " + item.dump();
        return false;
      }
    }
    return true;
  }
  if (expected.is_object()) {
    if (!actual.is_object()) {
      *why = path + ": expected an object, got " + actual.dump();
      return false;
    }
    for (const auto& [k, v] : expected.items()) {
      if (!actual.contains(k)) {
        *why = path + "." + k + ": missing";
        return false;
      }
      if (!Matches(v, actual[k], path + "." + k, why)) return false;
    }
    return true;
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.size() != expected.size()) {
      *why = path + ": expected " + expected.dump() + ", got " + actual.dump();
      return false;
    }
    for (size_t i = 0; i < expected.size(); ++i) {
      if (!Matches(expected[i], actual[i], path + "[" + std::to_string(i) + "]", why)) return false;
    }
    return true;
  }
  if (expected.is_number() && actual.is_number()) {
    if (std::fabs(expected.get<double>() - actual.get<double>()) <=
        1e-9 * std::max(1.0, std::fabs(expected.get<double>())))
      return true;
  } else if (expected == actual) {
    return true;
  }
  *why = path + ": expected " + expected.dump() + ", got " + actual.dump();
  return false;
}

class CliCaseTest : public testing::TestWithParam<Case> {};

TEST_P(CliCaseTest, Runs) {
  const Case& c = GetParam();
  const json& s = c.spec;
  const fs::path dir = fs::temp_directory_path() / ("ldn_cli_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path in = dir / "stdin", out = dir / "stdout", err = dir / "stderr";
  {
    std::ofstream f(in, std::ios::binary);
    if (s.contains("stdin")) f << (s["stdin"].is_string() ? s["stdin"].get<std::string>() : s["stdin"].dump());
  }
  std::string cmd = "env LDN_NOW=2026-11-22T12:00:00Z";
  if (s.contains("env")) {
    for (const auto& [k, v] : s["env"].items()) cmd += " " + k + "=" + ShellQuote(v.get<std::string>());
  }
  cmd += " " + ShellQuote(LDN_BINARY);
  for (const auto& a : s.at("args")) cmd += " " + ShellQuote(Expand(a.get<std::string>()));
  cmd += " < " + ShellQuote(in.string()) + " > " + ShellQuote(out.string()) + " 2> " + ShellQuote(err.string());
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status)) << "killed by a signal: " << cmd;
  const int code = WEXITSTATUS(status);
  const std::string stdout_text = Slurp(out), stderr_text = Slurp(err);
  fs::remove_all(dir);
  const std::string context =
      "\n$ " + cmd + "\n--- stdout:\n" + stdout_text.substr(0, 4000) + "\n--- stderr:\n" + stderr_text;

  EXPECT_EQ(code, s.value("exit", 0)) << context;
  for (const auto& needle : s.value("stderr_contains", json::array())) {
    EXPECT_NE(stderr_text.find(needle.get<std::string>()), std::string::npos) << "stderr lacks " << needle << context;
  }
  for (const auto& needle : s.value("stdout_contains", json::array())) {
    EXPECT_NE(stdout_text.find(needle.get<std::string>()), std::string::npos) << "stdout lacks " << needle << context;
  }
  for (const auto& needle : s.value("stdout_excludes", json::array())) {
    EXPECT_EQ(stdout_text.find(needle.get<std::string>()), std::string::npos) << "stdout has " << needle << context;
  }
  if (s.value("exit", 0) != 0) {
    // Bad input never crashes and never prints a stack trace or a library's exception text.
    EXPECT_EQ(stderr_text.find("terminate called"), std::string::npos) << context;
    EXPECT_EQ(stderr_text.find("internal error"), std::string::npos) << context;
  }
  if (s.contains("stdout_json")) {
    json actual;
    try {
      actual = json::parse(stdout_text);
    } catch (const std::exception& e) {
      FAIL() << "stdout is not JSON: " << e.what() << context;
    }
    std::string why;
    EXPECT_TRUE(Matches(s["stdout_json"], actual, "$", &why)) << why << context;
  }
}

std::string CaseName(const testing::TestParamInfo<Case>& info) {
  std::string n = info.param.file + "_" + info.param.name;
  for (char& ch : n) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return n;
}

INSTANTIATE_TEST_SUITE_P(Cases, CliCaseTest, testing::ValuesIn(LoadCases()), CaseName);

}  // namespace
