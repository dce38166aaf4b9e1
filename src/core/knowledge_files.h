// The knowledge base files of data/, compiled into the binary.
//
// CMake embeds every data/*.json file at build time (cmake/embed_data.cmake), so the domain
// layers read their knowledge without I/O and the `ldn` binary is self-contained. data/ stays
// the reviewable, versioned source of truth.
#ifndef LDN_CORE_KNOWLEDGE_FILES_H_
#define LDN_CORE_KNOWLEDGE_FILES_H_

#include <span>
#include <string_view>

#include "core/result.h"

namespace ldn {

struct KnowledgeFile {
  std::string_view path;  // relative to data/, e.g. "drugs.json"
  std::string_view text;  // the file's bytes
};

// All embedded files, in no particular order.
std::span<const KnowledgeFile> KnowledgeFiles();

// The text of data/<path>. Fails with kNotFound when no such file was embedded (a build error:
// callers usually treat it as kInternal).
Result<std::string_view> KnowledgeFileText(std::string_view path);

}  // namespace ldn

#endif  // LDN_CORE_KNOWLEDGE_FILES_H_
