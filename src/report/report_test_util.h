// Test helpers of the report layer: the test diaries of tests/golden/report and their models.
// Test-only (linked into ldn_report_tests, not into ldn_report).
#ifndef LDN_REPORT_REPORT_TEST_UTIL_H_
#define LDN_REPORT_REPORT_TEST_UTIL_H_

#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "analysis/diary.h"
#include "analysis/response.h"
#include "report/report_model.h"

namespace ldn::report::testing_util {

inline std::string GoldenPath(const std::string& file) {
  return std::string(LDN_SOURCE_DIR) + "/tests/golden/report/" + file;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// tests/golden/report/<name>.diary.json, parsed. Fails the test when it does not parse.
inline analysis::Diary DiaryFor(const std::string& name) {
  auto diary = analysis::ParseDiaryJson(ReadFile(GoldenPath(name + ".diary.json")));
  EXPECT_TRUE(diary.ok()) << diary.status().ToString();
  return diary.ok() ? *diary : analysis::Diary{};
}

// The report model of a test diary, generated on 2026-11-22 with the default options.
inline ReportModel ModelFor(const std::string& name) {
  const analysis::Diary diary = DiaryFor(name);
  auto report = analysis::AnalyzeDiary(diary);
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  if (!report.ok()) return {};
  ReportModelOptions options;
  options.generated_on = "2026-11-22";
  return BuildReportModel(diary, *report, options);
}

}  // namespace ldn::report::testing_util

#endif  // LDN_REPORT_REPORT_TEST_UTIL_H_
