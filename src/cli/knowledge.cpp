// `ldn kb`: shows what the embedded knowledge base holds, its versions and sources, so a
// clinician or reviewer can see exactly which data a verdict came from.
#include <algorithm>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "cli/cli_support.h"
#include "core/json_reader.h"
#include "core/knowledge_files.h"

namespace ldn::cli {
namespace {

int ListFiles(bool json) {
  nlohmann::json out = nlohmann::json::array();
  for (const KnowledgeFile& f : KnowledgeFiles()) {
    auto doc = ParseJson(f.text);
    if (!doc.ok())
      return ReportError("kb", Status::Internal(fmt::format("data/{}: {}", f.path, doc.status().ToString())));
    out.push_back({{"file", std::string(f.path)},
                   {"version", doc->value("version", "")},
                   {"description", doc->value("description", "")},
                   {"entries", doc->contains("entries") ? (*doc)["entries"].size() : 0}});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a["file"] < b["file"]; });
  if (json) {
    PrintJson(out);
    return kExitOk;
  }
  std::cout << fmt::format("{:<24} {:<14} {:>7}  {}\n", "file", "version", "entries", "description");
  for (const auto& f : out) {
    std::cout << fmt::format("{:<24} {:<14} {:>7}  {}\n", f["file"].get<std::string>(), f["version"].get<std::string>(),
                             f["entries"].get<size_t>(), f["description"].get<std::string>());
  }
  return kExitOk;
}

int ShowFile(const std::string& name) {
  const std::string path = name.ends_with(".json") ? name : name + ".json";
  auto text = KnowledgeFileText(path);
  if (!text.ok()) {
    std::string known;
    for (const KnowledgeFile& f : KnowledgeFiles()) known += (known.empty() ? "" : ", ") + std::string(f.path);
    return ReportError(
        "kb", Status::InvalidArgument("FILE", fmt::format("no knowledge-base file '{}' (known: {})", name, known)));
  }
  std::cout << *text;
  if (!text->ends_with("\n")) std::cout << "\n";
  return kExitOk;
}

}  // namespace

void AddKnowledgeCommand(CLI::App& app, Context& ctx) {
  auto* kb = app.add_subcommand("kb", "Show the embedded knowledge base: files, versions, entries with sources");
  static bool json = false;
  kb->add_flag("--json", json, std::string("Machine-readable output"));
  auto* show = kb->add_subcommand("show", "Print one knowledge-base file (e.g. drugs, protocols) as stored");
  auto* file = show->add_option("FILE", "File name in data/, with or without .json")->required();
  kb->callback([&ctx, show, file] {
    if (show->parsed()) {
      ctx.exit_code = ShowFile(file->as<std::string>());
      return;
    }
    ctx.exit_code = ListFiles(json);
  });
}

}  // namespace ldn::cli
