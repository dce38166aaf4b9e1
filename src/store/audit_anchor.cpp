#include "store/audit_anchor.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include "core/calendar.h"

namespace ldn::store {
namespace {

bool IsHash(std::string_view h) {
  return h.size() == 64 &&
         std::all_of(h.begin(), h.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::optional<int64_t> ParseSeq(std::string_view text) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < 0) return std::nullopt;
  return v;
}

// "SEQ:HASH" -> head; nullopt when malformed.
std::optional<AuditHead> ParseHead(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::optional<int64_t> seq = ParseSeq(text.substr(0, colon));
  const std::string_view hash = text.substr(colon + 1);
  if (!seq || !IsHash(hash)) return std::nullopt;
  return AuditHead{*seq, std::string(hash)};
}

std::string FormatHead(const AuditHead& h) {
  return std::to_string(h.seq) + ":" + h.hash;
}

std::optional<AuditAnchor> AnchorFromJson(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object() || !j.contains("seq") || !j.contains("hash")) return std::nullopt;
  if (!j["seq"].is_number_integer() || !j["hash"].is_string()) return std::nullopt;
  const int64_t seq = j["seq"].get<int64_t>();
  const std::string hash = j["hash"].get<std::string>();
  if (seq < 0 || !IsHash(hash)) return std::nullopt;
  return AuditAnchor{seq, hash, source};
}

// File names in a restore detail: anything but [A-Za-z0-9._-] is %XX, so that the detail stays
// one line of printable words.
std::string EscapeName(std::string_view name) {
  std::string out;
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '.' || c == '_' || c == '-') {
      out.push_back(static_cast<char>(c));
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += {'%', kHex[c >> 4], kHex[c & 0xF]};
    }
  }
  return out;
}

std::string UnescapeName(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string FormatIds(const std::vector<Id>& ids, size_t budget) {
  if (ids.empty()) return "-";
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) {
    std::string next = (i ? "," : "") + std::to_string(ids[i]);
    if (out.size() + next.size() > budget) return out + ",+" + std::to_string(ids.size() - i);
    out += next;
  }
  return out;
}

std::vector<Id> ParseIds(std::string_view s) {
  std::vector<Id> ids;
  if (s == "-") return ids;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = std::min(s.find(',', start), s.size());
    std::optional<int64_t> id = ParseSeq(s.substr(start, comma - start));
    if (id) ids.push_back(*id);
    start = comma + 1;
  }
  return ids;
}

// The seq and hash of the event `seq` of `store`, or nullopt when the chain ends before it.
Result<std::optional<AuditEvent>> EventAt(Store& store, int64_t seq) {
  AuditQuery q;
  q.after_seq = seq - 1;
  q.limit = 1;
  LDN_ASSIGN_OR_RETURN(std::vector<AuditEvent> events, store.ListAudit(q));
  if (events.empty() || events.front().seq != seq) return std::optional<AuditEvent>();
  return std::optional<AuditEvent>(events.front());
}

// Every restore event of the chain, newest first.
Result<std::vector<std::pair<int64_t, RestoreRecord>>> RestoreEvents(Store& store) {
  std::vector<std::pair<int64_t, RestoreRecord>> out;
  AuditQuery q;
  q.limit = 10000;
  for (;;) {
    LDN_ASSIGN_OR_RETURN(std::vector<AuditEvent> page, store.ListAudit(q));
    for (const AuditEvent& e : page) {
      if (e.action != kRestoreAction) continue;
      Result<RestoreRecord> r = ParseRestoreDetail(e.detail);
      if (r.ok()) out.emplace_back(e.seq, *r);
    }
    if (page.size() < static_cast<size_t>(q.limit)) break;
    q.after_seq = page.back().seq;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

Result<AnchorCheck> CheckOne(Store& store, const AuditAnchor& anchor, const std::string& kept_dir, int depth,
                             std::optional<std::vector<std::pair<int64_t, RestoreRecord>>>& restores) {
  AnchorCheck check{anchor, false, ""};
  if (anchor.seq == 0) {
    check.ok = anchor.hash == kAuditGenesisHash;
    check.message = check.ok ? "the empty chain" : "seq 0 names the empty chain, whose hash is 64 zeros";
    return check;
  }
  LDN_ASSIGN_OR_RETURN(std::optional<AuditEvent> event, EventAt(store, anchor.seq));
  if (event && event->hash == anchor.hash) {
    check.ok = true;
    check.message = "event " + std::to_string(anchor.seq) + " matches";
    return check;
  }
  // Not in this chain as it is.
  LDN_ASSIGN_OR_RETURN(AuditHead head, store.GetAuditHead());
  const std::string here = !event ? "the chain ends at seq " + std::to_string(head.seq) + " but the anchor names seq " +
                                        std::to_string(anchor.seq) + ": events were removed from the end"
                                  : "event " + std::to_string(anchor.seq) + " has hash " + event->hash.substr(0, 16) +
                                        "..., the anchor says " + anchor.hash.substr(0, 16) +
                                        "...: the chain was rewritten from there or before";
  check.message = here;
  // Was it in a tail that a recorded restore replaced? (After a restore the new events reuse the
  // replaced seq numbers, so an anchor there may belong to either chain.)
  if (!restores) {
    LDN_ASSIGN_OR_RETURN(auto found, RestoreEvents(store));
    restores = std::move(found);
  }
  for (const auto& [restore_seq, record] : *restores) {
    if (!record.replaced_head || anchor.seq <= record.backup_head.seq || anchor.seq > record.replaced_head->seq) {
      continue;
    }
    const std::string where = "the events " + std::to_string(record.backup_head.seq + 1) + ".." +
                              std::to_string(record.replaced_head->seq) + " replaced by the restore at seq " +
                              std::to_string(restore_seq);
    std::error_code ec;
    const std::filesystem::path kept = std::filesystem::path(kept_dir) / record.kept_as;
    if (kept_dir.empty() || record.kept_as.empty() || !std::filesystem::exists(kept, ec)) {
      check.message = here + "; it may be from " + where + ", but the database that restore kept (" +
                      (record.kept_as.empty() ? std::string("none") : record.kept_as) +
                      ") is not there to check it against";
      return check;
    }
    if (depth >= 8) return Status::Internal("restores recorded more than 8 deep");
    OpenOptions ro;
    ro.read_only = true;
    ro.check_schema = false;
    LDN_ASSIGN_OR_RETURN(std::unique_ptr<Store> old, OpenStore("sqlite:" + kept.string(), ro));
    // The kept database must end exactly where the restore said it did.
    LDN_ASSIGN_OR_RETURN(AuditHead old_head, old->GetAuditHead());
    if (old_head.seq != record.replaced_head->seq || old_head.hash != record.replaced_head->hash) {
      check.message = here + "; nor does it check against " + where + ": the kept database " + record.kept_as +
                      " ends at " + FormatHead(old_head) + ", not at the head the restore recorded (" +
                      FormatHead(*record.replaced_head) + ")";
      return check;
    }
    std::optional<std::vector<std::pair<int64_t, RestoreRecord>>> old_restores;
    LDN_ASSIGN_OR_RETURN(AnchorCheck inner, CheckOne(*old, anchor, kept_dir, depth + 1, old_restores));
    if (inner.ok) {
      inner.message = "in " + where + ", which the kept database " + record.kept_as + " holds: " + inner.message;
      return inner;
    }
    check.message =
        here + "; nor is it in " + where + " (the kept database " + record.kept_as + ": " + inner.message + ")";
    return check;
  }
  return check;
}

}  // namespace

Result<std::vector<AuditAnchor>> ParseAnchors(std::string_view spec) {
  if (std::optional<AuditHead> head = ParseHead(spec)) {
    if (head->seq < 1) return Status::InvalidArgument("--anchor", "the seq of SEQ:HASH starts at 1");
    return std::vector<AuditAnchor>{{head->seq, head->hash, std::string(spec.substr(0, 24)) + "..."}};
  }
  const std::string path(spec);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::InvalidArgument("--anchor", "'" + path +
                                                   "' is neither SEQ:HASH (a number, a colon and 64 hex digits) "
                                                   "nor a readable file");
  }
  std::ifstream in(path);
  if (!in) return Status::InvalidArgument("--anchor", "cannot read '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::vector<AuditAnchor> anchors;
  // A backup's anchor file: one JSON object.
  nlohmann::json whole = nlohmann::json::parse(text, nullptr, false);
  if (!whole.is_discarded() && whole.is_object() && whole.contains("audit_head")) {
    std::optional<AuditAnchor> a = AnchorFromJson(whole["audit_head"], path);
    if (!a) return Status::InvalidArgument("--anchor", "'" + path + "': audit_head is not {\"seq\", \"hash\"}");
    anchors.push_back(*a);
    return anchors;
  }
  // JSON lines: the server's log.
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    const size_t brace = line.find('{');
    if (brace == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line.substr(brace), nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("msg", "") != "audit_head") continue;
    std::optional<AuditAnchor> a = AnchorFromJson(j, path + " line " + std::to_string(number));
    if (a && a->seq > 0) anchors.push_back(*a);
  }
  if (anchors.empty()) {
    return Status::InvalidArgument("--anchor", "'" + path +
                                                   "' holds no audit head (neither a backup's anchor file nor log "
                                                   "lines with \"msg\":\"audit_head\")");
  }
  return anchors;
}

Result<std::vector<AnchorCheck>> CheckAnchors(Store& store, const std::vector<AuditAnchor>& anchors,
                                              const std::string& kept_dir) {
  std::vector<AnchorCheck> out;
  std::optional<std::vector<std::pair<int64_t, RestoreRecord>>> restores;
  for (const AuditAnchor& a : anchors) {
    LDN_ASSIGN_OR_RETURN(AnchorCheck c, CheckOne(store, a, kept_dir, 0, restores));
    out.push_back(std::move(c));
  }
  return out;
}

std::string BackupAnchorPath(const std::string& backup_path) {
  return backup_path + ".anchor";
}

Result<std::pair<std::string, int64_t>> FileSha256(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Unavailable("cannot read '" + path + "': " + std::strerror(errno));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 16);
  int64_t total = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      EVP_MD_CTX_free(ctx);
      ::close(fd);
      return Status::Unavailable("cannot read '" + path + "': " + std::strerror(err));
    }
    if (n == 0) break;
    EVP_DigestUpdate(ctx, buf.data(), static_cast<size_t>(n));
    total += n;
  }
  ::close(fd);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return std::make_pair(hex, total);
}

Status WriteBackupAnchor(const std::string& backup_path, const BackupAnchor& anchor) {
  const std::string path = BackupAnchorPath(backup_path);
  const std::string tmp = path + ".tmp";
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return Status::Conflict("path: '" + path + "' exists");
  nlohmann::ordered_json j;
  j["format"] = "ldn-backup-anchor/1";
  j["backup"] = anchor.backup;
  j["sha256"] = anchor.sha256;
  j["bytes"] = anchor.bytes;
  j["schema_version"] = anchor.schema_version;
  j["audit_head"] = {{"seq", anchor.audit_head.seq}, {"hash", anchor.audit_head.hash}};
  j["created_at"] = FormatUtcInstant(anchor.created_at);
  const std::string text = j.dump(2) + "\n";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Unavailable("cannot write '" + tmp + "': " + std::strerror(errno));
  (void)::fchmod(fd, 0600);
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    std::filesystem::remove(tmp, ec);
    return Status::Unavailable("cannot write '" + tmp + "'");
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::Unavailable("cannot rename '" + tmp + "': " + ec.message());
  return Status::Ok();
}

Result<BackupAnchor> ReadBackupAnchor(const std::string& anchor_path) {
  std::error_code ec;
  if (!std::filesystem::exists(anchor_path, ec)) return Status::NotFound("no anchor file '" + anchor_path + "'");
  std::ifstream in(anchor_path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(buffer.str(), nullptr, false);
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("anchor", "'" + anchor_path + "' is not a backup anchor file: " + why);
  };
  if (j.is_discarded() || !j.is_object()) return bad("not JSON");
  if (j.value("format", "") != "ldn-backup-anchor/1") return bad("format is not ldn-backup-anchor/1");
  BackupAnchor a;
  try {
    a.backup = j.at("backup").get<std::string>();
    a.sha256 = j.at("sha256").get<std::string>();
    a.bytes = j.at("bytes").get<int64_t>();
    a.schema_version = j.at("schema_version").get<int>();
    std::optional<AuditAnchor> head = AnchorFromJson(j.at("audit_head"), anchor_path);
    if (!head) return bad("audit_head is not {\"seq\", \"hash\"}");
    a.audit_head = AuditHead{head->seq, head->hash};
    Result<Instant> at = ParseUtcInstant(j.at("created_at").get<std::string>(), "created_at");
    if (at.ok()) a.created_at = *at;
  } catch (const nlohmann::json::exception& e) {
    return bad(e.what());
  }
  if (!IsHash(a.sha256)) return bad("sha256 is not 64 hex digits");
  return a;
}

std::string FormatRestoreDetail(const RestoreRecord& r) {
  std::string out = "backup_head=" + FormatHead(r.backup_head);
  out += " replaced_head=" + (r.replaced_head ? FormatHead(*r.replaced_head) : std::string("none"));
  out += " kept_as=" + (r.kept_as.empty() ? std::string("-") : EscapeName(r.kept_as));
  out += " sessions_dropped=" + std::to_string(r.sessions_dropped);
  const size_t budget = out.size() < 420 ? (500 - out.size() - 60) / 3 : 4;
  out += " kept_disabled=" + FormatIds(r.kept_disabled, budget);
  out += " kept_password=" + FormatIds(r.kept_password, budget);
  out += " kept_two_step=" + FormatIds(r.kept_two_step, budget);
  if (out.size() > 500) out.resize(500);
  return out;
}

Result<RestoreRecord> ParseRestoreDetail(std::string_view detail) {
  RestoreRecord r;
  bool have_backup = false;
  std::istringstream words{std::string(detail)};
  std::string word;
  while (words >> word) {
    const size_t eq = word.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = word.substr(0, eq);
    const std::string value = word.substr(eq + 1);
    if (key == "backup_head") {
      std::optional<AuditHead> h = ParseHead(value);
      if (!h) return Status::InvalidArgument("detail", "backup_head is not SEQ:HASH");
      r.backup_head = *h;
      have_backup = true;
    } else if (key == "replaced_head" && value != "none") {
      r.replaced_head = ParseHead(value);
      if (!r.replaced_head) return Status::InvalidArgument("detail", "replaced_head is not SEQ:HASH");
    } else if (key == "kept_as" && value != "-") {
      r.kept_as = UnescapeName(value);
    } else if (key == "sessions_dropped") {
      r.sessions_dropped = ParseSeq(value).value_or(0);
    } else if (key == "kept_disabled") {
      r.kept_disabled = ParseIds(value);
    } else if (key == "kept_password") {
      r.kept_password = ParseIds(value);
    } else if (key == "kept_two_step") {
      r.kept_two_step = ParseIds(value);
    }
  }
  if (!have_backup) return Status::InvalidArgument("detail", "no backup_head");
  return r;
}

}  // namespace ldn::store
