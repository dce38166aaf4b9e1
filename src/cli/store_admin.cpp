// `ldn migrate`, `ldn backup`, `ldn restore`, `ldn audit verify`: looking after the database.
//
// Every verb takes --db URL (sqlite:PATH, sqlite::memory:, postgresql://...); without it, $LDN_DB,
// else sqlite:ldn.db (store::DefaultStoreUrl). docs/storage.md explains the database.
#include <sys/stat.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/cli_support.h"
#include "core/clock.h"
#include "server/order_signing.h"
#include "store/audit_anchor.h"
#include "store/restore.h"
#include "store/store.h"

namespace ldn::cli {
namespace {

// Opens the store for a verb; the store's own name for the URL ("url") becomes "--db".
Result<std::unique_ptr<store::Store>> Open(const std::string& url, const store::OpenOptions& options) {
  Result<std::unique_ptr<store::Store>> opened = store::OpenStore(url, options);
  if (!opened.ok() && opened.status().field() == "url") {
    return Status::InvalidArgument("--db", opened.status().message());
  }
  if (!opened.ok() && opened.status().code() == Code::kNotFound) {
    // "url: no SQLite database file ..." from create = false.
    std::string message = opened.status().message();
    if (message.starts_with("url: ")) message = message.substr(5);
    return Status::InvalidArgument("--db", message);
  }
  return opened;
}

// The SQLite backup and restore name their file "path"; the CLI calls it FILE.
Status RenamePath(const Status& s) {
  if (s.field() == "path") return Status::InvalidArgument("FILE", s.message());
  if (s.message().starts_with("path: ")) {
    const std::string message = s.message().substr(6);
    switch (s.code()) {
      case Code::kNotFound:
      case Code::kConflict: return Status::InvalidArgument("FILE", message);
      default: return s;
    }
  }
  if (s.field() == "db") return Status::InvalidArgument("--db", s.message());
  return s;
}

std::string OrDefault(const std::string& db) {
  return db.empty() ? store::DefaultStoreUrl() : db;
}

int Migrate(const std::string& db, bool json) {
  ::umask(077);  // may create the database
  Result<std::unique_ptr<store::Store>> s = Open(OrDefault(db), {});
  if (!s.ok()) return ReportError("migrate", s.status());
  Result<int> version = (*s)->SchemaVersion();
  if (!version.ok()) return ReportError("migrate", version.status());
  if (json) {
    PrintJson({{"backend", std::string((*s)->backend())}, {"schema_version", *version}});
  } else {
    std::cout << fmt::format("{} database at schema version {} (the newest this ldn knows)\n", (*s)->backend(),
                             *version);
  }
  return kExitOk;
}

// `ldn migrate --to N`: N below the database's version undoes migrations with their down paths
// (docs/storage.md, "Down migrations"); N equal to the newest version is `ldn migrate`.
int MigrateTo(const std::string& db, bool json, int target) {
  const int latest = store::LatestSchemaVersion();
  if (target < 1 || target > latest) {
    return ReportError("migrate",
                       Status::InvalidArgument(
                           "--to", fmt::format("must be a schema version 1-{} (the newest this ldn knows)", latest)));
  }
  if (target == latest) return Migrate(db, json);
  store::OpenOptions options;
  options.migrate = false;  // never up first: going down must not run an up migration on the way
  options.check_schema = false;
  options.create = false;
  Result<std::unique_ptr<store::Store>> s = Open(OrDefault(db), options);
  if (!s.ok()) return ReportError("migrate", s.status());
  Result<int> before = (*s)->SchemaVersion();
  if (!before.ok()) return ReportError("migrate", before.status());
  if (*before == 0) {
    return ReportError("migrate", Status::InvalidArgument("--db",
                                                          "the database has no ldn schema yet: there is "
                                                          "nothing to undo (run `ldn migrate` to create it)"));
  }
  if (*before > latest) {
    return ReportError("migrate", Status::Conflict(fmt::format(
                                      "the database has schema version {}, newer than this ldn knows ({}): use the ldn "
                                      "that wrote it",
                                      *before, latest)));
  }
  if (target > *before) {
    return ReportError("migrate", Status::InvalidArgument(
                                      "--to", fmt::format("the database is at version {}; going up stops only at the "
                                                          "newest version: run `ldn migrate`",
                                                          *before)));
  }
  const Status down = (*s)->MigrateDown(target);
  if (!down.ok())
    return ReportError("migrate", down.field() == "version" ? Status::InvalidArgument("--to", down.message()) : down);
  Result<int> after = (*s)->SchemaVersion();
  if (!after.ok()) return ReportError("migrate", after.status());
  if (json) {
    PrintJson({{"backend", std::string((*s)->backend())}, {"schema_version", *after}, {"from_version", *before}});
  } else {
    std::cout << fmt::format("{} database taken down from schema version {} to {}; `ldn migrate` brings it back up\n",
                             (*s)->backend(), *before, *after);
  }
  return kExitOk;
}

// The database file of an sqlite:PATH URL (empty for anything else).
std::string SqlitePath(const std::string& url) {
  if (!url.starts_with("sqlite:") || url == "sqlite::memory:") return "";
  return url.substr(7);
}

nlohmann::json HeadJson(const store::AuditHead& h) {
  return {{"seq", h.seq}, {"hash", h.hash}};
}

int Backup(const std::string& file, const std::string& db, bool json, const Context& ctx) {
  ::umask(077);  // health data: whatever ldn creates is the owner's alone (the files are 0600 anyway)
  store::OpenOptions options;
  options.migrate = false;  // a backup copies the database as it is
  options.check_schema = false;
  options.create = false;
  Result<std::unique_ptr<store::Store>> s = Open(OrDefault(db), options);
  if (!s.ok()) return ReportError("backup", s.status());
  Status done = RenamePath((*s)->BackupTo(file));
  if (!done.ok()) return ReportError("backup", done);
  // The anchor: what the backup holds, beside it, so that a restore can check it and the head is
  // kept outside the database.
  store::BackupAnchor anchor;
  {
    store::OpenOptions ro;
    ro.read_only = true;
    ro.check_schema = false;
    Result<std::unique_ptr<store::Store>> copy = store::OpenStore("sqlite:" + file, ro);
    if (!copy.ok()) return ReportError("backup", copy.status());
    Result<store::AuditHead> head = (*copy)->GetAuditHead();
    Result<int> version = (*copy)->SchemaVersion();
    if (!head.ok()) return ReportError("backup", head.status());
    if (!version.ok()) return ReportError("backup", version.status());
    anchor.audit_head = *head;
    anchor.schema_version = *version;
  }
  Result<std::pair<std::string, int64_t>> digest = store::FileSha256(file);
  if (!digest.ok()) return ReportError("backup", digest.status());
  anchor.backup = std::filesystem::path(file).filename().string();
  anchor.sha256 = digest->first;
  anchor.bytes = digest->second;
  anchor.created_at = ctx.clock->Now();
  Status anchored = RenamePath(store::WriteBackupAnchor(file, anchor));
  if (!anchored.ok()) return ReportError("backup", anchored);
  // And in the live chain: that a backup of this head exists. Only on a database at the current
  // schema (an old one is backed up as it is, before `ldn migrate`).
  bool recorded = false;
  Result<int> live_version = (*s)->SchemaVersion();
  if (live_version.ok() && *live_version == store::LatestSchemaVersion()) {
    store::AuditEvent e;
    e.at = anchor.created_at;
    e.role = "system";
    e.action = std::string(store::kBackupAction);
    e.object = anchor.backup.substr(0, 200);
    for (char& c : e.object) {
      if (c < 0x20 || c >= 0x7f) c = '?';
    }
    e.outcome = "ok";
    e.detail = fmt::format("backup_head={}:{} sha256={}", anchor.audit_head.seq, anchor.audit_head.hash, anchor.sha256);
    Result<store::AuditEvent> appended = (*s)->AppendAudit(e);
    if (!appended.ok()) {
      std::cerr << "ldn backup: warning: the backup was made, but not recorded in the audit trail: "
                << appended.status().ToString() << "\n";
    }
    recorded = appended.ok();
  }
  if (json) {
    PrintJson({{"backup", file},
               {"anchor", store::BackupAnchorPath(file)},
               {"sha256", anchor.sha256},
               {"audit_head", HeadJson(anchor.audit_head)},
               {"recorded_in_audit", recorded}});
  } else {
    std::cout << fmt::format("backed up {} to {}\naudit head {}:{} (anchor file {}; keep a copy elsewhere)\n",
                             OrDefault(db), file, anchor.audit_head.seq, anchor.audit_head.hash,
                             store::BackupAnchorPath(file));
  }
  return kExitOk;
}

struct RestoreFlags {
  std::string file;
  std::string db;
  bool force = false;
  std::vector<std::string> anchors;
  bool json = false;
};

int Restore(const RestoreFlags& f, const Context& ctx) {
  ::umask(077);
  store::RestoreOptions options;
  options.now = ctx.clock->Now();
  options.force = f.force;
  for (const std::string& spec : f.anchors) {
    Result<std::vector<store::AuditAnchor>> parsed = store::ParseAnchors(spec);
    if (!parsed.ok()) return ReportError("restore", parsed.status());
    options.anchors.insert(options.anchors.end(), parsed->begin(), parsed->end());
  }
  const std::string url = OrDefault(f.db);
  if (!url.starts_with("sqlite:") && !url.starts_with("postgres")) {
    // An unknown scheme: let OpenStore name it.
    Result<std::unique_ptr<store::Store>> s = Open(url, {});
    if (!s.ok()) return ReportError("restore", s.status());
  }
  Result<store::RestoreReport> r = store::RestoreDatabase(url, f.file, options);
  if (!r.ok()) {
    Status s = r.status();
    if (s.code() == Code::kConflict && s.message().starts_with("--force: ")) {
      s = Status::InvalidArgument("--force", s.message().substr(9));
    }
    return ReportError("restore", RenamePath(s));
  }
  for (const std::string& w : r->forced) std::cerr << "ldn restore: warning: " << w << "\n";
  if (f.json) {
    nlohmann::json out = {{"restored", f.file},
                          {"schema_version", r->schema_version},
                          {"backup_audit_head", HeadJson(r->backup_head)},
                          {"anchor_file_checked", r->anchor_file_checked},
                          {"sessions_dropped", r->record.sessions_dropped},
                          {"kept", r->kept},
                          {"warnings", r->forced},
                          {"previous_database", r->kept_path.empty() ? nlohmann::json() : nlohmann::json(r->kept_path)},
                          {"audit_head", HeadJson(r->head)}};
    out["replaced_audit_head"] = r->record.replaced_head ? HeadJson(*r->record.replaced_head) : nlohmann::json();
    PrintJson(out);
  } else {
    std::cout << fmt::format("restored {} from {} (schema version {})\n", url, f.file, r->schema_version);
    std::cout << fmt::format("backup checked: integrity, schema, audit chain (head {}:{}){}\n", r->backup_head.seq,
                             r->backup_head.hash, r->anchor_file_checked ? ", anchor file" : "");
    if (!r->kept_path.empty()) std::cout << "the previous database is kept as " << r->kept_path << "\n";
    std::cout << fmt::format("{} session(s) dropped: everyone logs in again\n", r->record.sessions_dropped);
    for (const std::string& k : r->kept) std::cout << "kept: " << k << "\n";
    std::cout << fmt::format("recorded as audit event {}; audit head now {}:{}\n", r->head.seq, r->head.seq,
                             r->head.hash);
  }
  return kExitOk;
}

// Opens for `audit verify` / `audit head`: read-only, never writing to what it checks.
Result<std::unique_ptr<store::Store>> OpenReadOnly(const std::string& db) {
  store::OpenOptions options;
  options.read_only = true;
  return Open(OrDefault(db), options);
}

int VerifyAudit(const std::string& db, const std::vector<std::string>& anchor_specs, bool json) {
  std::vector<store::AuditAnchor> anchors;
  for (const std::string& spec : anchor_specs) {
    Result<std::vector<store::AuditAnchor>> parsed = store::ParseAnchors(spec);
    if (!parsed.ok()) return ReportError("audit verify", parsed.status());
    anchors.insert(anchors.end(), parsed->begin(), parsed->end());
  }
  Result<std::unique_ptr<store::Store>> s = OpenReadOnly(db);
  if (!s.ok()) return ReportError("audit verify", s.status());
  Result<store::AuditVerification> v = (*s)->VerifyAudit();
  if (!v.ok()) return ReportError("audit verify", v.status());
  // Issue 13: every signed prescription's content hash, signature and audit record.
  Result<server::SignatureReport> rx = server::VerifyOrderSignatures(**s);
  if (!rx.ok()) return ReportError("audit verify", rx.status());
  std::vector<store::AnchorCheck> checks;
  if (!anchors.empty()) {
    const std::string path = SqlitePath(OrDefault(db));
    const std::string dir = path.empty() ? "" : std::filesystem::absolute(path).parent_path().string();
    Result<std::vector<store::AnchorCheck>> checked = store::CheckAnchors(**s, anchors, dir);
    if (!checked.ok()) return ReportError("audit verify", checked.status());
    checks = std::move(checked).value();
  }
  int failed_anchors = 0;
  for (const auto& c : checks) failed_anchors += c.ok ? 0 : 1;
  if (json) {
    nlohmann::json out = {{"ok", v->ok && failed_anchors == 0 && rx->problems.empty()},
                          {"chain_ok", v->ok},
                          {"events_checked", v->events_checked}};
    out["first_bad_seq"] = v->first_bad_seq ? nlohmann::json(*v->first_bad_seq) : nlohmann::json(nullptr);
    out["problem"] = v->problem;
    nlohmann::json a = nlohmann::json::array();
    for (const auto& c : checks) {
      a.push_back({{"seq", c.anchor.seq},
                   {"hash", c.anchor.hash},
                   {"source", c.anchor.source},
                   {"ok", c.ok},
                   {"message", c.message}});
    }
    out["anchors"] = a;
    out["prescriptions"] = server::SignatureReportToJson(*rx);
    PrintJson(out);
  } else {
    if (v->ok && failed_anchors == 0) {
      std::cout << fmt::format("audit chain intact: {} events", v->events_checked);
      if (!checks.empty()) std::cout << fmt::format("; {} anchor(s) match", checks.size());
      std::cout << "\n";
    }
    if (rx->problems.empty()) std::cout << fmt::format("prescription signatures intact: {} signed\n", rx->checked);
  }
  if (!v->ok) {
    // Tampering is not bad input: exit 1, and say where on stderr even with --json.
    std::cerr << fmt::format(
        "ldn audit verify: error: the audit chain is broken at seq {}: {} ({} events before it "
        "verify)\n",
        *v->first_bad_seq, v->problem, v->events_checked);
  }
  for (const server::SignatureProblem& p : rx->problems) {
    std::cerr << fmt::format("ldn audit verify: error: prescription {} of patient {}: {}\n", p.prescription_id,
                             p.patient_id, p.problem);
  }
  for (const auto& c : checks) {
    if (!c.ok) {
      std::cerr << fmt::format("ldn audit verify: error: anchor {}:{}... ({}): {}\n", c.anchor.seq,
                               c.anchor.hash.substr(0, 16), c.anchor.source, c.message);
    }
  }
  if (!v->ok || failed_anchors > 0 || !rx->problems.empty()) return kExitFailure;
  return kExitOk;
}

int AuditHead(const std::string& db, bool json) {
  Result<std::unique_ptr<store::Store>> s = OpenReadOnly(db);
  if (!s.ok()) return ReportError("audit head", s.status());
  Result<store::AuditHead> head = (*s)->GetAuditHead();
  if (!head.ok()) return ReportError("audit head", head.status());
  if (json) {
    PrintJson(HeadJson(*head));
  } else {
    std::cout << fmt::format("{}:{}\n", head->seq, head->hash);
  }
  return kExitOk;
}

}  // namespace

void AddStoreCommands(CLI::App& app, Context& ctx) {
  // Option values live as long as the app (CLI11 binds options to variables).
  static std::string db;
  static std::string file;
  static bool json = false;
  const std::string db_help =
      "Database URL: sqlite:PATH, sqlite::memory: or postgresql://... (default: $LDN_DB, else sqlite:ldn.db)";

  static std::optional<int> to;
  auto* migrate = app.add_subcommand("migrate", "Create the database or bring its schema up to date");
  migrate->add_option("--db", db, db_help);
  migrate->add_flag("--json", json, "Machine-readable output");
  migrate->add_option("--to", to,
                      "Undo migrations down to this schema version with their down paths (docs/storage.md); "
                      "the newest version is the same as no --to");
  migrate->callback([&ctx] { ctx.exit_code = to ? MigrateTo(db, json, *to) : Migrate(db, json); });

  auto* backup = app.add_subcommand(
      "backup",
      "Copy an SQLite database to a new file (0600) while it is in use (SQLite online backup), with an anchor file "
      "FILE.anchor beside it (its SHA-256 and audit head), and record the backup in the audit trail");
  backup->add_option("FILE", file, "The backup file to create; it must not exist")->required();
  backup->add_option("--db", db, db_help);
  backup->add_flag("--json", json, "Machine-readable output");
  backup->callback([&ctx] { ctx.exit_code = Backup(file, db, json, ctx); });

  auto rf = std::make_shared<RestoreFlags>();
  auto* restore = app.add_subcommand(
      "restore",
      "Replace a stopped SQLite database with a backup made by `ldn backup`: refuses while the database is in use; "
      "checks the backup's integrity, schema, audit chain and anchor file first; keeps the old database as "
      "PATH.pre-restore-TIME; drops every session; never re-enables an account disabled since the backup; records "
      "the restore in the audit trail");
  restore->add_option("FILE", rf->file, "The backup file")->required();
  restore->add_option("--db", rf->db, db_help);
  restore->add_flag("--force", rf->force,
                    "Restore even when the backup has no anchor file, when there is no current database to compare "
                    "accounts with, or when accounts changed since the backup (their current state is kept)");
  restore->add_option("--anchor", rf->anchors,
                      "An audit head the backup must hold: SEQ:HASH, or a file (an anchor file or the server's log); "
                      "repeatable");
  restore->add_flag("--json", rf->json, "Machine-readable output");
  restore->callback([rf, &ctx] { ctx.exit_code = Restore(*rf, ctx); });

  // `ldn audit` may gain more verbs elsewhere (serve.cpp registers after this file): find or make it.
  CLI::App* audit = nullptr;
  try {
    audit = app.get_subcommand("audit");
  } catch (const CLI::OptionNotFound&) {
    audit = app.add_subcommand("audit", "The audit trail of every read and write of patient data");
    audit->require_subcommand(1);
  }
  static std::vector<std::string> anchors;
  auto* verify = audit->add_subcommand(
      "verify",
      "Check the audit trail's hash chain, and with --anchor that it still holds heads recorded earlier (a tail cut "
      "off or a chain re-hashed fails); exit 1 naming the first problem. Opens the database read-only.");
  verify->add_option("--db", db, db_help);
  verify->add_option("--anchor", anchors,
                     "SEQ:HASH, or a file: a backup's anchor file or the server's log (every audit_head line); "
                     "repeatable");
  verify->add_flag("--json", json, "Machine-readable output");
  verify->callback([&ctx] { ctx.exit_code = VerifyAudit(db, anchors, json); });

  auto* head = audit->add_subcommand(
      "head", "Print the audit trail's newest event as SEQ:HASH (an anchor to keep outside the database)");
  head->add_option("--db", db, db_help);
  head->add_flag("--json", json, "Machine-readable output");
  head->callback([&ctx] { ctx.exit_code = AuditHead(db, json); });
}

}  // namespace ldn::cli
