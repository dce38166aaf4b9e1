// Test support shared by the layers' test binaries (header only; the test targets have tests/ on
// their include path, CMakeLists.txt ldn_add_tests): a system command's output, a scratch
// directory, and a PDF's text as poppler's pdftotext reads it (a dependency in scripts/setup), an
// implementation other than ours.
#ifndef LDN_TESTS_SUPPORT_COMMAND_OUTPUT_H_
#define LDN_TESTS_SUPPORT_COMMAND_OUTPUT_H_

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include <stdio.h>
#include <stdlib.h>

namespace ldn::test_support {

// The standard output of `command` as /bin/sh runs it (popen); empty when it cannot be started.
inline std::string CommandOutput(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = ::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

// A fresh directory under the system's temporary directory (mkdtemp), removed with the object.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ldn-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data()) != nullptr ? std::filesystem::path(tmpl) : std::filesystem::path();
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The text of the PDF `pdf` (its bytes) as `pdftotext -enc UTF-8` reads it, pages first..last
// (1-based; first == 0: every page), whitespace collapsed to single spaces. pdftotext's error
// message, if any, is part of the text, so an assertion on it shows why it failed.
inline std::string PdfText(const std::string& pdf, int first = 0, int last = 0) {
  ScratchDir dir;
  const std::filesystem::path file = dir.path() / "document.pdf";
  std::ofstream(file, std::ios::binary) << pdf;
  const std::string range = first > 0 ? " -f " + std::to_string(first) + " -l " + std::to_string(last) : "";
  const std::string text = CommandOutput("pdftotext -enc UTF-8" + range + " '" + file.string() + "' - 2>&1");
  return std::regex_replace(text, std::regex("\\s+"), " ");
}

}  // namespace ldn::test_support

#endif  // LDN_TESTS_SUPPORT_COMMAND_OUTPUT_H_
