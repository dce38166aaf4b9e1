#include "core/knowledge_files.h"

#include <gtest/gtest.h>

#include "core/json_reader.h"

namespace ldn {
namespace {

// Every knowledge-base file is valid JSON with a version and a source for each entry-bearing
// document (CONTRIBUTING.md: "How to add a knowledge-base entry").
TEST(KnowledgeFilesTest, EveryFileIsVersionedJson) {
  ASSERT_FALSE(KnowledgeFiles().empty());
  for (const KnowledgeFile& f : KnowledgeFiles()) {
    auto j = ParseJson(f.text);
    ASSERT_TRUE(j.ok()) << f.path << ": " << j.status().ToString();
    ASSERT_TRUE(j->is_object()) << f.path;
    ASSERT_TRUE(j->contains("version") && (*j)["version"].is_string()) << f.path << " has no version";
    ASSERT_TRUE(j->contains("entries") && (*j)["entries"].is_array()) << f.path << " has no entries array";
    for (const auto& e : (*j)["entries"]) {
      ASSERT_TRUE(e.contains("source") && e["source"].is_string() && !e["source"].get<std::string>().empty())
          << f.path << ": entry without a source: " << e.dump().substr(0, 120);
    }
  }
}

TEST(KnowledgeFilesTest, MissingFileIsNotFound) {
  EXPECT_EQ(KnowledgeFileText("no-such.json").status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace ldn
