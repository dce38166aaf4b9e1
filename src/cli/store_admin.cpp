// `ldn migrate`, `ldn backup`, `ldn restore`, `ldn audit verify`: looking after the database.
//
// Every verb takes --db URL (sqlite:PATH, sqlite::memory:, postgresql://...); without it, $LDN_DB,
// else sqlite:ldn.db (store::DefaultStoreUrl). docs/storage.md explains the database.
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cli/cli_support.h"
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

int Backup(const std::string& file, const std::string& db, bool json) {
  store::OpenOptions options;
  options.migrate = false;  // a backup copies the database as it is
  options.check_schema = false;
  options.create = false;
  Result<std::unique_ptr<store::Store>> s = Open(OrDefault(db), options);
  if (!s.ok()) return ReportError("backup", s.status());
  Status done = RenamePath((*s)->BackupTo(file));
  if (!done.ok()) return ReportError("backup", done);
  if (json) {
    PrintJson({{"backup", file}});
  } else {
    std::cout << fmt::format("backed up {} to {}\n", OrDefault(db), file);
  }
  return kExitOk;
}

int Restore(const std::string& file, const std::string& db, bool json) {
  store::OpenOptions options;
  options.migrate = false;  // whatever is there is about to be replaced
  options.check_schema = false;
  Result<std::unique_ptr<store::Store>> s = Open(OrDefault(db), options);
  if (!s.ok()) return ReportError("restore", s.status());
  Status done = RenamePath((*s)->RestoreFrom(file));
  if (!done.ok()) return ReportError("restore", done);
  Result<int> version = (*s)->SchemaVersion();
  if (!version.ok()) return ReportError("restore", version.status());
  if (json) {
    PrintJson({{"restored", file}, {"schema_version", *version}});
  } else {
    std::cout << fmt::format("restored {} from {} (schema version {})\n", OrDefault(db), file, *version);
  }
  return kExitOk;
}

int VerifyAudit(const std::string& db, bool json) {
  store::OpenOptions options;
  options.migrate = false;
  options.create = false;
  Result<std::unique_ptr<store::Store>> s = Open(OrDefault(db), options);
  if (!s.ok()) return ReportError("audit verify", s.status());
  Result<store::AuditVerification> v = (*s)->VerifyAudit();
  if (!v.ok()) return ReportError("audit verify", v.status());
  if (json) {
    nlohmann::json out = {{"ok", v->ok}, {"events_checked", v->events_checked}};
    out["first_bad_seq"] = v->first_bad_seq ? nlohmann::json(*v->first_bad_seq) : nlohmann::json(nullptr);
    out["problem"] = v->problem;
    PrintJson(out);
  } else if (v->ok) {
    std::cout << fmt::format("audit chain intact: {} events\n", v->events_checked);
  }
  if (!v->ok) {
    // Tampering is not bad input: exit 1, and say where on stderr even with --json.
    std::cerr << fmt::format(
        "ldn audit verify: error: the audit chain is broken at seq {}: {} ({} events before it "
        "verify)\n",
        *v->first_bad_seq, v->problem, v->events_checked);
    return kExitFailure;
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

  auto* backup =
      app.add_subcommand("backup", "Copy an SQLite database to a new file while it is in use (SQLite online backup)");
  backup->add_option("FILE", file, "The backup file to create; it must not exist")->required();
  backup->add_option("--db", db, db_help);
  backup->add_flag("--json", json, "Machine-readable output");
  backup->callback([&ctx] { ctx.exit_code = Backup(file, db, json); });

  auto* restore = app.add_subcommand(
      "restore", "Replace an SQLite database with a backup made by `ldn backup` (stop the server first)");
  restore->add_option("FILE", file, "The backup file")->required();
  restore->add_option("--db", db, db_help);
  restore->add_flag("--json", json, "Machine-readable output");
  restore->callback([&ctx] { ctx.exit_code = Restore(file, db, json); });

  // `ldn audit` may gain more verbs elsewhere (serve.cpp registers after this file): find or make it.
  CLI::App* audit = nullptr;
  try {
    audit = app.get_subcommand("audit");
  } catch (const CLI::OptionNotFound&) {
    audit = app.add_subcommand("audit", "The audit trail of every read and write of patient data");
    audit->require_subcommand(1);
  }
  auto* verify = audit->add_subcommand(
      "verify", "Check the audit trail's hash chain; exit 1 naming the first event that was changed or removed");
  verify->add_option("--db", db, db_help);
  verify->add_flag("--json", json, "Machine-readable output");
  verify->callback([&ctx] { ctx.exit_code = VerifyAudit(db, json); });
}

}  // namespace ldn::cli
