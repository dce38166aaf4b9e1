#include "pharmacy/twin.h"

#include <algorithm>
#include <cassert>
#include <cctype>

#include <fmt/format.h>

namespace ldn::pharmacy {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status CheckCode(const std::string& code, std::string_view field) {
  if (code.empty()) return Status::InvalidArgument(std::string(field), "is required with --placebo-twin");
  if (code.size() > 40) return Status::InvalidArgument(std::string(field), "must be at most 40 characters");
  for (char c : code) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return Status::InvalidArgument(std::string(field), "must be letters, digits, '-' or '_'");
    }
  }
  // A code is printed on the patient's label: it must not say what the pack is.
  const std::string lower = Lower(code);
  for (const char* word : {"placebo", "active", "verum", "dummy", "sham", "ldn", "naltrexone"}) {
    if (lower.find(word) != std::string::npos) {
      return Status::InvalidArgument(std::string(field),
                                     fmt::format("'{}' contains '{}', which would unblind the pack", code, word));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<LinkRecord> BlindPair(const CompoundingKnowledge& k, Preparation& active, Preparation& twin,
                             const std::string& active_code, const std::string& twin_code) {
  assert(twin.placebo && !active.placebo && twin.kind == active.kind);
  LDN_RETURN_IF_ERROR(CheckCode(active_code, "--blinding-code"));
  LDN_RETURN_IF_ERROR(CheckCode(twin_code, "--twin-blinding-code"));
  if (active_code == twin_code) {
    return Status::InvalidArgument("--twin-blinding-code", "must differ from --blinding-code");
  }
  if (active.batch_id == twin.batch_id) {
    return Status::InvalidArgument("--twin-batch-id", "must differ from the active batch id");
  }
  for (const std::string* code : {&active_code, &twin_code}) {
    if (*code == active.batch_id || *code == twin.batch_id) {
      return Status::InvalidArgument(code == &active_code ? "--blinding-code" : "--twin-blinding-code",
                                     "must not be a batch id: batch ids are recorded on the worksheets");
    }
  }
  // One BUD for both, the earlier: a different date would tell the packs apart.
  const LocalDate shared = std::min(active.bud.date, twin.bud.date);
  for (Preparation* p : {&active, &twin}) {
    if (p->bud.date != shared) {
      p->bud.date = shared;
      p->bud.days = DaysBetween(p->bud.prepared, shared);
      p->bud.basis += fmt::format("; shortened to {} to match its blinded twin", FormatDate(shared));
    }
  }
  const Label active_label = active.label;
  active.label = BlindLabel(active_label, active_code, FormatDate(shared), k.labels.blinded_statement);
  twin.label = BlindLabel(active_label, twin_code, FormatDate(shared), k.labels.blinded_statement);

  const std::string same = active.kind == "capsules"
                               ? "Use opaque capsules of the same size, colour and supplier for both batches and fill "
                                 "both to the same net weight; package them identically."
                               : "Use identical bottles, volumes and closures for both batches.";
  active.warnings.push_back("Blinded trial pack: " + same);
  twin.warnings.push_back("Blinded trial pack: " + same);
  if (active.kind == "liquid") {
    twin.warnings.push_back(
        "Naltrexone liquids taste bitter (Fawcett 1997) and, made from tablets, are cloudy: a "
        "placebo vehicle may be told apart by taste or look. Capsules blind better.");
  }
  twin.confidentiality = fmt::format(
      "PHARMACY ONLY - placebo twin of batch {}. Do not send this worksheet to the "
      "clinic or the patient.",
      active.batch_id);
  active.confidentiality =
      fmt::format("PHARMACY ONLY - active batch of a blinded pair (placebo twin {}).", twin.batch_id);
  for (Preparation* p : {&active, &twin}) {
    for (auto& row : p->summary) {
      if (row.first == "Beyond-use date") {
        row.second = fmt::format("{} ({} days): {}", FormatDate(p->bud.date), p->bud.days, p->bud.basis);
      }
    }
    p->summary.emplace_back("Blinding code", p == &active ? active_code : twin_code);
  }

  LinkRecord r;
  r.active_batch_id = active.batch_id;
  r.twin_batch_id = twin.batch_id;
  r.active_code = active_code;
  r.twin_code = twin_code;
  r.product = active.title;
  r.prepared = active.prepared;
  r.shared_bud = FormatDate(shared);
  return r;
}

nlohmann::json LinkRecordToJson(const LinkRecord& r) {
  return {{"record", "placebo_twin_link"},
          {"visibility", "pharmacy-only"},
          {"readable_by", {"pharmacist"}},
          {"active", {{"batch_id", r.active_batch_id}, {"blinding_code", r.active_code}}},
          {"placebo", {{"batch_id", r.twin_batch_id}, {"blinding_code", r.twin_code}}},
          {"product", r.product},
          {"prepared", FormatDate(r.prepared)},
          {"shared_bud", r.shared_bud},
          {"storage",
           "Not stored by ldn yet: file this record in the pharmacy's blinding log. Storage readable only "
           "by the pharmacist role comes with the server (docs/pharmacy.md)."}};
}

}  // namespace ldn::pharmacy
