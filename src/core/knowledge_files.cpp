#include "core/knowledge_files.h"

#include <string>

namespace ldn {

Result<std::string_view> KnowledgeFileText(std::string_view path) {
  for (const KnowledgeFile& f : KnowledgeFiles()) {
    if (f.path == path) return f.text;
  }
  return Status::NotFound("knowledge base file data/" + std::string(path) + " is not embedded in this build");
}

}  // namespace ldn
