#include "store/sql_store.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <exception>
#include <optional>
#include <utility>

#include <openssl/rand.h>

#include "store/sql_helpers.h"
#include "store/validation.h"

namespace ldn::store::internal {
namespace {

// ---- Column lists and row readers, one per table -------------------------------------------

constexpr const char* kUserCols =
    "id, username, role, patient_id, password_hash, disabled, created_at, must_change_password, "
    "password_changed_at, totp_secret IS NOT NULL";
constexpr size_t kUserColCount = 10;
Result<User> ReadUser(const Row& row) {
  RowReader r(row);
  User u;
  u.id = r.Int();
  u.username = r.Text();
  u.role = r.Enum<Role>(&ParseRole);
  u.patient_id = r.OptInt();
  u.password_hash = r.Text();
  u.disabled = r.Bool();
  u.created_at = r.Time();
  u.must_change_password = r.Bool();
  if (auto t = r.OptInt()) u.password_changed_at = Instant(std::chrono::seconds(*t));
  u.totp_enabled = r.Bool();
  LDN_RETURN_IF_ERROR(r.status());
  return u;
}

constexpr const char* kPatientCols = "id, display_name, time_zone, research_id, created_at";
Result<Patient> ReadPatient(const Row& row) {
  RowReader r(row);
  Patient p;
  p.id = r.Int();
  p.display_name = r.Text();
  p.time_zone = r.Text();
  p.research_id = r.Text();
  p.created_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return p;
}

constexpr const char* kTeamCols = "id, name, created_at";
Result<CareTeam> ReadTeam(const Row& row) {
  RowReader r(row);
  CareTeam t;
  t.id = r.Int();
  t.name = r.Text();
  t.created_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return t;
}

constexpr const char* kSessionCols = "token_hash, user_id, created_at, expires_at, csrf_token_hash";
Result<Session> ReadSession(const Row& row) {
  RowReader r(row);
  Session s;
  s.token_hash = r.Text();
  s.user_id = r.Int();
  s.created_at = r.Time();
  s.expires_at = r.Time();
  s.csrf_token_hash = r.OptText();
  LDN_RETURN_IF_ERROR(r.status());
  return s;
}

constexpr const char* kMedicationCols = "id, patient_id, name, active, details, recorded_by, recorded_at";
Result<Medication> ReadMedication(const Row& row) {
  RowReader r(row);
  Medication m;
  m.id = r.Int();
  m.patient_id = r.Int();
  m.name = r.Text();
  m.active = r.Bool();
  m.details_json = r.Text();
  m.recorded_by = r.Int();
  m.recorded_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return m;
}

constexpr const char* kConditionCols = "id, patient_id, name, active, details, recorded_by, recorded_at";
Result<Condition> ReadCondition(const Row& row) {
  RowReader r(row);
  Condition c;
  c.id = r.Int();
  c.patient_id = r.Int();
  c.name = r.Text();
  c.active = r.Bool();
  c.details_json = r.Text();
  c.recorded_by = r.Int();
  c.recorded_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return c;
}

constexpr const char* kScreeningCols = "id, patient_id, input, result, verdict, recorded_by, recorded_at";
Result<Screening> ReadScreening(const Row& row) {
  RowReader r(row);
  Screening s;
  s.id = r.Int();
  s.patient_id = r.Int();
  s.input_json = r.Text();
  s.result_json = r.Text();
  s.verdict = r.Text();
  s.recorded_by = r.Int();
  s.recorded_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return s;
}

constexpr const char* kCourseCols =
    "id, patient_id, protocol, plan, status, start_date, recorded_by, recorded_at, updated_at";

}  // namespace

Result<Course> ReadCourse(const Row& row) {
  RowReader r(row);
  Course c;
  c.id = r.Int();
  c.patient_id = r.Int();
  c.protocol = r.Text();
  c.plan_json = r.Text();
  c.status = r.Enum<CourseStatus>(&ParseCourseStatus);
  c.start_date = r.OptDate();
  c.recorded_by = r.Int();
  c.recorded_at = r.Time();
  c.updated_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return c;
}

namespace {

constexpr const char* kAdjustmentCols = "id, patient_id, course_id, reason, plan, recorded_by, recorded_at";
Result<PlanAdjustment> ReadAdjustment(const Row& row) {
  RowReader r(row);
  PlanAdjustment a;
  a.id = r.Int();
  a.patient_id = r.Int();
  a.course_id = r.Int();
  a.reason = r.Text();
  a.plan_json = r.Text();
  a.recorded_by = r.Int();
  a.recorded_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return a;
}

constexpr const char* kPrescriptionCols =
    "id, patient_id, course_id, pharmacy, pharmacist_user_id, formulation, status, recorded_by, recorded_at, "
    "updated_at, pharmacy_id, signed_at, signature, cancel_reason";
Result<Prescription> ReadPrescription(const Row& row) {
  RowReader r(row);
  Prescription p;
  p.id = r.Int();
  p.patient_id = r.Int();
  p.course_id = r.Int();
  p.pharmacy = r.Text();
  p.pharmacist_user_id = r.OptInt();
  p.formulation_json = r.Text();
  p.status = r.Enum<PrescriptionStatus>(&ParsePrescriptionStatus);
  p.recorded_by = r.Int();
  p.recorded_at = r.Time();
  p.updated_at = r.Time();
  p.pharmacy_id = r.OptInt();
  if (std::optional<int64_t> signed_at = r.OptInt()) p.signed_at = Instant(std::chrono::seconds(*signed_at));
  p.signature_json = r.OptText().value_or("");
  p.cancel_reason = r.OptText().value_or("");
  LDN_RETURN_IF_ERROR(r.status());
  return p;
}

constexpr const char* kDoseCols =
    "id, patient_id, course_id, local_date, local_time_minutes, dose_micrograms_hcl, taken, client_id, note, "
    "recorded_by, recorded_at";
Result<DoseLogEntry> ReadDose(const Row& row) {
  RowReader r(row);
  DoseLogEntry d;
  d.id = r.Int();
  d.patient_id = r.Int();
  d.course_id = r.OptInt();
  d.local_date = r.Date();
  if (std::optional<int64_t> minutes = r.OptInt()) d.local_time = TimeOfDay{static_cast<int>(*minutes)};
  d.dose_micrograms_hcl = r.Int();
  d.taken = r.Bool();
  d.client_id = r.OptText();
  d.note = r.Text();
  d.recorded_by = r.Int();
  d.recorded_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return d;
}

constexpr const char* kDiaryCols = "patient_id, local_date, items, client_id, revision, recorded_by, recorded_at";
// diary_entries rows carry created_at as an eighth column; revision rows do not.
Result<DiaryEntry> ReadDiary(const Row& row, bool with_created_at) {
  RowReader r(row);
  DiaryEntry e;
  e.patient_id = r.Int();
  e.local_date = r.Date();
  e.items_json = r.Text();
  e.client_id = r.Text();
  e.revision = static_cast<int>(r.Int());
  e.recorded_by = r.Int();
  e.recorded_at = r.Time();
  if (with_created_at) e.created_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return e;
}

constexpr const char* kInstrumentCols =
    "id, patient_id, instrument, local_date, answers, scores, client_id, recorded_by, recorded_at";
Result<InstrumentResponse> ReadInstrument(const Row& row) {
  RowReader r(row);
  InstrumentResponse i;
  i.id = r.Int();
  i.patient_id = r.Int();
  i.instrument = r.Text();
  i.local_date = r.Date();
  i.answers_json = r.Text();
  i.scores_json = r.Text();
  i.client_id = r.OptText();
  i.recorded_by = r.Int();
  i.recorded_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return i;
}

constexpr const char* kAdverseCols =
    "id, patient_id, course_id, onset_date, description, severity, serious, details, recorded_by, recorded_at";
Result<AdverseEvent> ReadAdverse(const Row& row) {
  RowReader r(row);
  AdverseEvent a;
  a.id = r.Int();
  a.patient_id = r.Int();
  a.course_id = r.OptInt();
  a.onset_date = r.Date();
  a.description = r.Text();
  a.severity = r.Enum<Severity>(&ParseSeverity);
  a.serious = r.Bool();
  a.details_json = r.Text();
  a.recorded_by = r.Int();
  a.recorded_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return a;
}

constexpr const char* kAuditCols =
    "seq, at, actor_user_id, role, patient_id, action, object, outcome, detail, prev_hash, hash";
Result<AuditEvent> ReadAudit(const Row& row) {
  RowReader r(row);
  AuditEvent a;
  a.seq = r.Int();
  a.at = r.Time();
  a.actor_user_id = r.OptInt();
  a.role = r.Text();
  a.patient_id = r.OptInt();
  a.action = r.Text();
  a.object = r.Text();
  a.outcome = r.Text();
  a.detail = r.Text();
  a.prev_hash = r.Text();
  a.hash = r.Text();
  LDN_RETURN_IF_ERROR(r.status());
  return a;
}

std::string RandomResearchId() {
  unsigned char bytes[8];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "R-";
  for (unsigned char b : bytes) {
    id.push_back(kHex[b >> 4]);
    id.push_back(kHex[b & 0xF]);
  }
  return id;
}

Status CheckRange(LocalDate from, LocalDate to) {
  LDN_RETURN_IF_ERROR(CheckDate(from, "from"));
  LDN_RETURN_IF_ERROR(CheckDate(to, "to"));
  if (to < from) return Status::InvalidArgument("to", "must not be before from");
  return Status::Ok();
}

// A key for pg_advisory_xact_lock that serialises audit appends ("ldnaudit" in ASCII).
constexpr const char* kAuditLockSql = "SELECT pg_advisory_xact_lock(7810420874227922292)";
// A key that serialises migrations ("ldnmigra").
constexpr const char* kMigrationLockSql = "SELECT pg_advisory_xact_lock(7810420874227926881)";

}  // namespace

// ---- Migrations --------------------------------------------------------------------------------

Result<int> ReadSchemaVersion(Connection& conn) {
  const char* exists_sql = conn.dialect() == Dialect::kSqlite
                               ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
                               : "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND "
                                 "tablename = 'schema_migrations'";
  LDN_ASSIGN_OR_RETURN(bool exists, Exists(conn, exists_sql, {}));
  if (!exists) return 0;
  LDN_ASSIGN_OR_RETURN(Rows rows, conn.Exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  if (rows.rows.empty()) return 0;
  RowReader r(rows.rows.front());
  const int64_t v = r.Int();
  LDN_RETURN_IF_ERROR(r.status());
  return static_cast<int>(v);
}

Status Migrate(Connection& conn, std::span<const Migration> migrations, bool apply) {
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  const bool sqlite = conn.dialect() == Dialect::kSqlite;
  while (true) {
    LDN_ASSIGN_OR_RETURN(Rows begun, conn.Exec(sqlite ? "BEGIN IMMEDIATE" : "BEGIN"));
    (void)begun;
    // One migration per transaction; the lock (SQLite: the write lock) makes concurrent openers
    // of the same database take turns, and the second one finds nothing left to do.
    Status step = [&]() -> Status {
      if (!sqlite) LDN_RETURN_IF_ERROR(conn.Exec(kMigrationLockSql).status());
      LDN_ASSIGN_OR_RETURN(int version, ReadSchemaVersion(conn));
      if (version > latest) {
        return Status::Conflict("the database has schema version " + std::to_string(version) +
                                ", newer than this ldn knows (" + std::to_string(latest) + "): upgrade ldn");
      }
      if (version == latest) return Status::NotFound("");  // nothing to do; ends the loop
      if (!apply) {
        return Status::Unavailable("the database has schema version " + std::to_string(version) + ", this ldn needs " +
                                   std::to_string(latest) + ": run `ldn migrate`");
      }
      const Migration& next = migrations[static_cast<size_t>(version)];
      if (next.version != version + 1) return Status::Internal("migrations are not numbered 1, 2, ...");
      LDN_RETURN_IF_ERROR(conn.ExecScript(
          sqlite ? "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                   "applied_at INTEGER NOT NULL) STRICT"
                 : "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                   "applied_at BIGINT NOT NULL)"));
      LDN_RETURN_IF_ERROR(conn.ExecScript(next.sql));
      const int64_t now =
          std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
      return conn
          .Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                {next.version, next.name, now})
          .status();
    }();
    if (!step.ok()) {
      (void)conn.Exec("ROLLBACK");
      if (step.code() == Code::kNotFound) return Status::Ok();
      return step;
    }
    LDN_RETURN_IF_ERROR(conn.Exec("COMMIT").status());
  }
}

// ---- SqlStore: plumbing --------------------------------------------------------------------------

SqlStore::SqlStore(Dialect dialect, std::unique_ptr<ConnectionPool> pool, std::span<const Migration> migrations,
                   bool serialise_writers)
    : dialect_(dialect), pool_(std::move(pool)), migrations_(migrations), group_(std::make_unique<Group>()) {
  if (serialise_writers) writer_mutex_ = std::make_unique<std::mutex>();
  if (dialect_ == Dialect::kPostgres) appender_ = std::make_unique<AuditAppender>();
}

SqlStore::SqlStore(Dialect dialect, Connection* bound, std::span<const Migration> migrations)
    : dialect_(dialect), bound_(bound), migrations_(migrations) {}

std::string_view SqlStore::backend() const {
  return dialect_ == Dialect::kSqlite ? "sqlite" : "postgresql";
}

template <typename R, typename F>
R SqlStore::Run(Mode mode, F&& fn) {
  if (bound_ != nullptr) {
    if (mode == Mode::kExclusive) {
      return Status::InvalidArgument("", "backup and restore cannot run inside a transaction");
    }
    // A savepoint per call: a failed call inside a transaction undoes only itself (and keeps a
    // PostgreSQL transaction usable after a failed statement).
    LDN_RETURN_IF_ERROR(bound_->Exec("SAVEPOINT ldn_call").status());
    R r = fn(*bound_);
    if (IsOk(r)) {
      LDN_RETURN_IF_ERROR(bound_->Exec("RELEASE SAVEPOINT ldn_call").status());
    } else {
      (void)bound_->Exec("ROLLBACK TO SAVEPOINT ldn_call");
      (void)bound_->Exec("RELEASE SAVEPOINT ldn_call");
    }
    return r;
  }
  if (mode == Mode::kWrite && !grouped()) {
    // PostgreSQL: a transaction of its own on a pool connection, concurrent with the others.
    std::optional<R> out;
    const std::function<Status(Connection&)> work = [&](Connection& c) -> Status {
      out.emplace(fn(c));
      return IsOk(*out) ? Status::Ok() : StatusOf(*out);
    };
    GroupMember me;
    me.work = &work;
    RunGroup({&me});
    if (!out || (IsOk(*out) && !me.status.ok())) return R(me.status);
    return std::move(*out);
  }
  if (mode == Mode::kWrite) {
    // A member of a group commit: fn runs (on the group leader's thread) inside the group's
    // transaction, and we return once the group has committed or rolled back.
    std::optional<R> out;
    const Status s = GroupCommit([&](Connection& c) -> Status {
      out.emplace(fn(c));
      return IsOk(*out) ? Status::Ok() : StatusOf(*out);
    });
    if (!out || (IsOk(*out) && !s.ok())) return R(s);  // never ran, or ran and the commit failed
    return std::move(*out);
  }
  std::unique_lock<std::mutex> writer;
  if (writer_mutex_ && mode == Mode::kExclusive) writer = std::unique_lock<std::mutex>(*writer_mutex_);
  Result<ConnectionPool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  if (mode == Mode::kRead || mode == Mode::kExclusive) return fn(c);
  const bool sqlite = dialect_ == Dialect::kSqlite;
  LDN_RETURN_IF_ERROR(c.Exec(sqlite ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").status());
  R r = fn(c);
  // A read transaction has nothing to make durable; COMMIT only ends it.
  (void)c.Exec(IsOk(r) ? "COMMIT" : "ROLLBACK");
  return r;
}

Status SqlStore::GroupCommit(const std::function<Status(Connection&)>& work) {
  GroupMember me;
  me.work = &work;
  std::unique_lock<std::mutex> lock(group_->mu);
  group_->queue.push_back(&me);
  while (!me.done) {
    if (group_->leading) {
      group_->cv.wait(lock);
      continue;
    }
    LeadGroup(lock);  // runs everything queued so far, our own work included
  }
  return me.status;
}

void SqlStore::LeadGroup(std::unique_lock<std::mutex>& lock) {
  group_->leading = true;
  std::vector<GroupMember*> batch = std::exchange(group_->queue, {});
  lock.unlock();
  RunGroup(batch);
  std::vector<GroupMember*> submitted;
  for (GroupMember* m : batch) {
    if (m->on_done) submitted.push_back(m);
  }
  lock.lock();
  for (GroupMember* m : batch) m->done = true;  // a waiting member may return (and vanish) after this
  group_->leading = false;
  group_->cv.notify_all();
  if (!group_->queue.empty() || group_->stopping) group_->committer_cv.notify_one();
  lock.unlock();
  // Submitted members are answered outside the lock: their callbacks may submit more.
  for (GroupMember* m : submitted) {
    m->on_done(m->status);
    delete m;
  }
  lock.lock();
}

void SqlStore::SubmitTransaction(std::function<Status(Store&)> body, std::function<void(Status)> done) {
  if (bound_ != nullptr) {
    done(RunInTransaction(body));
    return;
  }
  auto* m = new GroupMember;
  m->owned_work = [this, body = std::move(body)](Connection& c) {
    SqlStore tx(dialect_, &c, migrations_);
    return body(tx);
  };
  m->work = &m->owned_work;
  m->on_done = std::move(done);
  std::unique_lock<std::mutex> lock(group_->mu);
  if (group_->stopping) {
    lock.unlock();
    m->on_done(Status::Unavailable("the store is closing"));
    delete m;
    return;
  }
  if (group_->committers.empty()) {
    if (grouped()) {
      group_->committers.emplace_back([this] { CommitterLoop(); });
    } else {
      for (int i = 0; i < pool_->size(); ++i) group_->committers.emplace_back([this] { WorkerLoop(); });
    }
  }
  group_->queue.push_back(m);
  if (!group_->leading) group_->committer_cv.notify_one();
}

void SqlStore::WorkerLoop() {
  std::unique_lock<std::mutex> lock(group_->mu);
  for (;;) {
    group_->committer_cv.wait(lock, [&] { return group_->stopping || !group_->queue.empty(); });
    if (group_->queue.empty()) return;  // stopping, and nothing left to commit
    GroupMember* m = group_->queue.front();
    group_->queue.erase(group_->queue.begin());
    lock.unlock();
    RunGroup({m});
    m->on_done(m->status);
    delete m;
    lock.lock();
  }
}

void SqlStore::CommitterLoop() {
  std::unique_lock<std::mutex> lock(group_->mu);
  for (;;) {
    group_->committer_cv.wait(lock, [&] { return (group_->stopping || !group_->queue.empty()) && !group_->leading; });
    if (group_->queue.empty()) return;  // stopping, and nothing left to commit
    LeadGroup(lock);
  }
}

SqlStore::~SqlStore() {
  if (appender_ != nullptr) {
    std::unique_lock<std::mutex> lock(appender_->mu);
    appender_->stopping = true;
    appender_->cv.notify_all();
    lock.unlock();
    if (appender_->thread.joinable()) appender_->thread.join();
  }
  if (group_ == nullptr) return;
  std::unique_lock<std::mutex> lock(group_->mu);
  group_->stopping = true;
  group_->committer_cv.notify_all();
  lock.unlock();
  for (std::thread& t : group_->committers) t.join();
}

void SqlStore::RunGroup(const std::vector<GroupMember*>& batch) {
  auto fail_all = [&](const Status& s) {
    for (GroupMember* m : batch) m->status = s;
  };
  std::unique_lock<std::mutex> writer;
  if (writer_mutex_) writer = std::unique_lock<std::mutex>(*writer_mutex_);
  Result<ConnectionPool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return fail_all(lease.status());
  Connection& c = **lease;
  const Status begun = c.Exec(dialect_ == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN").status();
  if (!begun.ok()) return fail_all(begun);
  auto run = [&](GroupMember* m) -> Status {
    try {
      return (*m->work)(c);
    } catch (const std::exception& e) {
      // Store methods do not throw; a RunInTransaction body of the caller did (a bug there).
      return Status::Internal(std::string("a transaction body threw: ") + e.what());
    }
  };
  bool any_ok = false;
  if (batch.size() == 1) {
    batch[0]->status = run(batch[0]);
    any_ok = batch[0]->status.ok();
  } else {
    // Each member in its own savepoint, so that a member that fails undoes only itself.
    for (GroupMember* m : batch) {
      Status s = c.Exec("SAVEPOINT ldn_member").status();
      if (s.ok()) {
        s = run(m);
        if (s.ok()) {
          s = c.Exec("RELEASE SAVEPOINT ldn_member").status();
        } else {
          (void)c.Exec("ROLLBACK TO SAVEPOINT ldn_member");
          (void)c.Exec("RELEASE SAVEPOINT ldn_member");
        }
      }
      m->status = s;
      any_ok = any_ok || s.ok();
    }
  }
  if (!any_ok) {
    (void)c.Exec("ROLLBACK");
    return;
  }
  Result<Rows> commit = c.Exec("COMMIT");
  if (!commit.ok()) {
    (void)c.Exec("ROLLBACK");
    const Status failed = Status::Unavailable("the transaction could not be committed: " + commit.status().message());
    for (GroupMember* m : batch) {
      if (m->status.ok()) m->status = failed;
    }
  }
}

Status SqlStore::RunWork(Mode mode, const std::function<Status(Connection&)>& work) {
  return Run<Status>(mode, work);
}

Status SqlStore::Ping() {
  return Run<Status>(Mode::kRead, [&](Connection& c) { return c.Exec("SELECT 1").status(); });
}

Result<int> SqlStore::SchemaVersion() {
  return Run<Result<int>>(Mode::kRead, [&](Connection& c) { return ReadSchemaVersion(c); });
}

Status SqlStore::RunWrite(const std::function<Status(Connection&)>& fn) {
  return Run<Status>(Mode::kWrite, fn);
}

Status SqlStore::RunRead(const std::function<Status(Connection&)>& fn) {
  return Run<Status>(Mode::kRead, fn);
}

Status SqlStore::RunInTransaction(const std::function<Status(Store&)>& body) {
  return Run<Status>(Mode::kWrite, [&](Connection& c) {
    SqlStore tx(dialect_, &c, migrations_);
    return body(tx);
  });
}

// ---- Users ---------------------------------------------------------------------------------------

namespace {

Status CheckUserUniqueness(Connection& c, const User& user, Id self) {
  LDN_ASSIGN_OR_RETURN(bool taken, Exists(c, "SELECT 1 FROM users WHERE lower(username) = lower($1) AND id <> $2",
                                          {user.username, self}));
  if (taken) return Status::Conflict("username '" + user.username + "' is taken");
  if (user.patient_id) {
    LDN_RETURN_IF_ERROR(PatientMustExist(c, *user.patient_id));
    LDN_ASSIGN_OR_RETURN(bool linked,
                         Exists(c, "SELECT 1 FROM users WHERE patient_id = $1 AND id <> $2", {*user.patient_id, self}));
    if (linked) return Status::Conflict("patient " + std::to_string(*user.patient_id) + " already has a user");
  }
  return Status::Ok();
}

}  // namespace

Result<User> SqlStore::CreateUser(const User& user) {
  LDN_RETURN_IF_ERROR(ValidateUser(user));
  return Run<Result<User>>(Mode::kWrite, [&](Connection& c) -> Result<User> {
    LDN_RETURN_IF_ERROR(CheckUserUniqueness(c, user, 0));
    LDN_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec("INSERT INTO users (username, role, patient_id, password_hash, disabled, created_at, "
                                "must_change_password, password_changed_at) "
                                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                                {user.username, RoleName(user.role), user.patient_id, user.password_hash,
                                 Param::Bool(user.disabled), Secs(user.created_at),
                                 Param::Bool(user.must_change_password), OptSecs(user.password_changed_at)}));
    User stored = user;
    stored.totp_enabled = false;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    return stored;
  });
}

Result<User> SqlStore::GetUser(Id user_id) {
  return Run<Result<User>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<User>(c, std::string("SELECT ") + kUserCols + " FROM users WHERE id = $1", {user_id}, &ReadUser,
                          "user " + std::to_string(user_id) + " does not exist");
  });
}

Result<User> SqlStore::GetUserByUsername(std::string_view username) {
  return Run<Result<User>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<User>(c, std::string("SELECT ") + kUserCols + " FROM users WHERE lower(username) = lower($1)",
                          {username}, &ReadUser, "no user is called '" + std::string(username) + "'");
  });
}

Result<std::vector<User>> SqlStore::ListUsers() {
  return Run<Result<std::vector<User>>>(Mode::kRead, [&](Connection& c) {
    return Query<User>(c, std::string("SELECT ") + kUserCols + " FROM users ORDER BY id", {}, &ReadUser);
  });
}

Status SqlStore::UpdateUser(const User& user) {
  LDN_RETURN_IF_ERROR(ValidateUser(user));
  return Run<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    LDN_RETURN_IF_ERROR(UserMustExist(c, user.id, "id"));
    LDN_RETURN_IF_ERROR(CheckUserUniqueness(c, user, user.id));
    return c
        .Exec(
            "UPDATE users SET username = $2, role = $3, patient_id = $4, password_hash = $5, disabled = $6, "
            "must_change_password = $7, password_changed_at = $8 WHERE id = $1",
            {user.id, user.username, RoleName(user.role), user.patient_id, user.password_hash,
             Param::Bool(user.disabled), Param::Bool(user.must_change_password), OptSecs(user.password_changed_at)})
        .status();
  });
}

Status SqlStore::DeleteUser(Id user_id) {
  return Run<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    LDN_RETURN_IF_ERROR(UserMustExist(c, user_id, "user_id"));
    Result<Rows> deleted = c.Exec("DELETE FROM users WHERE id = $1", {user_id});
    // The only foreign keys left pointing at a user are the authors of clinical rows.
    if (!deleted.ok() && deleted.status().code() == Code::kNotFound) {
      return Status::Conflict("user " + std::to_string(user_id) +
                              " is the author of clinical records and cannot be deleted; disable the user instead");
    }
    return deleted.status();
  });
}

// ---- Patients ------------------------------------------------------------------------------------

Result<Patient> SqlStore::CreatePatient(const Patient& patient) {
  LDN_RETURN_IF_ERROR(ValidatePatient(patient));
  return Run<Result<Patient>>(Mode::kWrite, [&](Connection& c) -> Result<Patient> {
    Patient stored = patient;
    if (stored.research_id.empty()) {
      stored.research_id = RandomResearchId();
      if (stored.research_id.empty()) return Status::Unavailable("no random bytes for a research id");
    }
    LDN_ASSIGN_OR_RETURN(bool taken, Exists(c, "SELECT 1 FROM patients WHERE research_id = $1", {stored.research_id}));
    if (taken) return Status::Conflict("research_id '" + stored.research_id + "' is taken");
    LDN_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec("INSERT INTO patients (display_name, time_zone, research_id, created_at) "
                                "VALUES ($1, $2, $3, $4) RETURNING id",
                                {stored.display_name, stored.time_zone, stored.research_id, Secs(stored.created_at)}));
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    return stored;
  });
}

Result<Patient> SqlStore::GetPatient(Id patient_id) {
  return Run<Result<Patient>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<Patient>(c, std::string("SELECT ") + kPatientCols + " FROM patients WHERE id = $1", {patient_id},
                             &ReadPatient, "patient " + std::to_string(patient_id) + " does not exist");
  });
}

Result<Patient> SqlStore::GetPatientByResearchId(std::string_view research_id) {
  return Run<Result<Patient>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<Patient>(c, std::string("SELECT ") + kPatientCols + " FROM patients WHERE research_id = $1",
                             {research_id}, &ReadPatient,
                             "no patient has research id '" + std::string(research_id) + "'");
  });
}

Result<std::vector<Patient>> SqlStore::ListPatients() {
  return Run<Result<std::vector<Patient>>>(Mode::kRead, [&](Connection& c) {
    return Query<Patient>(c, std::string("SELECT ") + kPatientCols + " FROM patients ORDER BY id", {}, &ReadPatient);
  });
}

Status SqlStore::UpdatePatient(const Patient& patient) {
  LDN_RETURN_IF_ERROR(ValidatePatient(patient));
  return Run<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("UPDATE patients SET display_name = $2, time_zone = $3 WHERE id = $1",
                                           {patient.id, patient.display_name, patient.time_zone}));
    return AffectedOne(rows, "patient " + std::to_string(patient.id) + " does not exist");
  });
}

// ---- Care teams ------------------------------------------------------------------------------------

Result<CareTeam> SqlStore::CreateCareTeam(const CareTeam& team) {
  LDN_RETURN_IF_ERROR(ValidateCareTeam(team));
  return Run<Result<CareTeam>>(Mode::kWrite, [&](Connection& c) -> Result<CareTeam> {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("INSERT INTO care_teams (name, created_at) VALUES ($1, $2) RETURNING id",
                                           {team.name, Secs(team.created_at)}));
    CareTeam stored = team;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    return stored;
  });
}

Result<CareTeam> SqlStore::GetCareTeam(Id care_team_id) {
  return Run<Result<CareTeam>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<CareTeam>(c, std::string("SELECT ") + kTeamCols + " FROM care_teams WHERE id = $1", {care_team_id},
                              &ReadTeam, "care team " + std::to_string(care_team_id) + " does not exist");
  });
}

Result<std::vector<CareTeam>> SqlStore::ListCareTeams() {
  return Run<Result<std::vector<CareTeam>>>(Mode::kRead, [&](Connection& c) {
    return Query<CareTeam>(c, std::string("SELECT ") + kTeamCols + " FROM care_teams ORDER BY id", {}, &ReadTeam);
  });
}

namespace {
Status TeamMustExist(Connection& c, Id care_team_id) {
  return MustExist(c, "SELECT 1 FROM care_teams WHERE id = $1", {care_team_id},
                   "care_team_id: care team " + std::to_string(care_team_id) + " does not exist");
}
}  // namespace

Status SqlStore::AddCareTeamMember(Id care_team_id, Id user_id, Instant at) {
  return Run<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    LDN_RETURN_IF_ERROR(TeamMustExist(c, care_team_id));
    LDN_ASSIGN_OR_RETURN(User user,
                         QueryOne<User>(c, std::string("SELECT ") + kUserCols + " FROM users WHERE id = $1", {user_id},
                                        &ReadUser, "user_id: user " + std::to_string(user_id) + " does not exist"));
    if (user.role != Role::kClinician && user.role != Role::kPharmacist) {
      return Status::InvalidArgument("user_id", "user '" + user.username + "' is a " +
                                                    std::string(RoleName(user.role)) +
                                                    "; only clinicians and pharmacists join care teams");
    }
    LDN_ASSIGN_OR_RETURN(
        bool member,
        Exists(c, "SELECT 1 FROM care_team_members WHERE care_team_id = $1 AND user_id = $2", {care_team_id, user_id}));
    if (member)
      return Status::Conflict("user '" + user.username + "' is already in care team " + std::to_string(care_team_id));
    return c
        .Exec("INSERT INTO care_team_members (care_team_id, user_id, added_at) VALUES ($1, $2, $3)",
              {care_team_id, user_id, Secs(at)})
        .status();
  });
}

Status SqlStore::RemoveCareTeamMember(Id care_team_id, Id user_id) {
  return Run<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("DELETE FROM care_team_members WHERE care_team_id = $1 AND user_id = $2",
                                           {care_team_id, user_id}));
    return AffectedOne(rows,
                       "user " + std::to_string(user_id) + " is not in care team " + std::to_string(care_team_id));
  });
}

Result<std::vector<CareTeamMember>> SqlStore::ListCareTeamMembers(Id care_team_id) {
  return Run<Result<std::vector<CareTeamMember>>>(Mode::kRead, [&](Connection& c) {
    return Query<CareTeamMember>(
        c, "SELECT care_team_id, user_id, added_at FROM care_team_members WHERE care_team_id = $1 ORDER BY user_id",
        {care_team_id}, +[](const Row& row) -> Result<CareTeamMember> {
          RowReader r(row);
          CareTeamMember m;
          m.care_team_id = r.Int();
          m.user_id = r.Int();
          m.added_at = r.Time();
          LDN_RETURN_IF_ERROR(r.status());
          return m;
        });
  });
}

Status SqlStore::AddCareTeamPatient(Id care_team_id, Id patient_id, Instant at) {
  return Run<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    LDN_RETURN_IF_ERROR(TeamMustExist(c, care_team_id));
    LDN_RETURN_IF_ERROR(PatientMustExist(c, patient_id));
    LDN_ASSIGN_OR_RETURN(bool in_team,
                         Exists(c, "SELECT 1 FROM care_team_patients WHERE patient_id = $1 AND care_team_id = $2",
                                {patient_id, care_team_id}));
    if (in_team) {
      return Status::Conflict("patient " + std::to_string(patient_id) + " is already in care team " +
                              std::to_string(care_team_id));
    }
    return c
        .Exec("INSERT INTO care_team_patients (patient_id, care_team_id, added_at) VALUES ($1, $2, $3)",
              {patient_id, care_team_id, Secs(at)})
        .status();
  });
}

Status SqlStore::RemoveCareTeamPatient(Id care_team_id, Id patient_id) {
  return Run<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("DELETE FROM care_team_patients WHERE patient_id = $1 AND care_team_id = $2",
                                           {patient_id, care_team_id}));
    return AffectedOne(
        rows, "patient " + std::to_string(patient_id) + " is not in care team " + std::to_string(care_team_id));
  });
}

Result<std::vector<Patient>> SqlStore::ListCareTeamPatients(Id care_team_id) {
  return Run<Result<std::vector<Patient>>>(Mode::kRead, [&](Connection& c) {
    return Query<Patient>(c,
                          "SELECT p.id, p.display_name, p.time_zone, p.research_id, p.created_at FROM patients p "
                          "JOIN care_team_patients t ON t.patient_id = p.id WHERE t.care_team_id = $1 ORDER BY p.id",
                          {care_team_id}, &ReadPatient);
  });
}

// The panel's queries (sql_store_panel.cpp) repeat this rule: change both together.
Result<std::vector<Patient>> SqlStore::ListVisiblePatients(Id user_id) {
  return Run<Result<std::vector<Patient>>>(Mode::kSnapshot, [&](Connection& c) -> Result<std::vector<Patient>> {
    LDN_RETURN_IF_ERROR(UserMustExist(c, user_id, "user_id"));
    return Query<Patient>(
        c,
        "SELECT p.id, p.display_name, p.time_zone, p.research_id, p.created_at FROM patients p WHERE p.id IN ("
        "  SELECT u.patient_id FROM users u"
        "  WHERE u.id = $1 AND u.role = 'patient' AND u.disabled = $2 AND u.patient_id IS NOT NULL"
        "  UNION"
        "  SELECT t.patient_id FROM care_team_patients t"
        "  JOIN care_team_members m ON m.care_team_id = t.care_team_id"
        "  JOIN users u ON u.id = m.user_id"
        "  WHERE m.user_id = $1 AND u.role IN ('clinician', 'pharmacist') AND u.disabled = $2"
        "  UNION"  // a pharmacist: the patients of the signed orders routed to their pharmacy
        "  SELECT rx.patient_id FROM prescriptions rx"
        "  JOIN pharmacy_staff s ON s.pharmacy_id = rx.pharmacy_id"
        "  JOIN users u ON u.id = s.user_id"
        "  WHERE s.user_id = $1 AND u.role = 'pharmacist' AND u.disabled = $2 AND rx.signed_at IS NOT NULL"
        ") ORDER BY p.id",
        {user_id, Param::Bool(false)}, &ReadPatient);
  });
}

Result<bool> SqlStore::CanSeePatient(Id user_id, Id patient_id) {
  return Run<Result<bool>>(Mode::kRead, [&](Connection& c) {
    return Exists(c,
                  "SELECT 1 FROM users u WHERE u.id = $1 AND u.disabled = $3 AND ("
                  "  (u.role = 'patient' AND u.patient_id = $2) OR"
                  "  (u.role IN ('clinician', 'pharmacist') AND EXISTS ("
                  "    SELECT 1 FROM care_team_members m"
                  "    JOIN care_team_patients t ON t.care_team_id = m.care_team_id"
                  "    WHERE m.user_id = u.id AND t.patient_id = $2)) OR"
                  "  (u.role = 'pharmacist' AND EXISTS ("  // the signed orders routed to their pharmacy
                  "    SELECT 1 FROM pharmacy_staff s"
                  "    JOIN prescriptions rx ON rx.pharmacy_id = s.pharmacy_id"
                  "    WHERE s.user_id = u.id AND rx.patient_id = $2 AND rx.signed_at IS NOT NULL)))",
                  {user_id, patient_id, Param::Bool(false)});
  });
}

// ---- Sessions and login throttling ---------------------------------------------------------------

Status SqlStore::CreateSession(const Session& session) {
  LDN_RETURN_IF_ERROR(ValidateSession(session));
  return Run<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    LDN_RETURN_IF_ERROR(UserMustExist(c, session.user_id, "user_id"));
    LDN_ASSIGN_OR_RETURN(bool exists, Exists(c, "SELECT 1 FROM sessions WHERE token_hash = $1", {session.token_hash}));
    if (exists) return Status::Conflict("a session with this token hash exists");
    return c
        .Exec(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, csrf_token_hash) "
            "VALUES ($1, $2, $3, $4, $5)",
            {session.token_hash, session.user_id, Secs(session.created_at), Secs(session.expires_at),
             session.csrf_token_hash})
        .status();
  });
}

Result<Session> SqlStore::FindSession(std::string_view token_hash, Instant now) {
  return Run<Result<Session>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<Session>(
        c, std::string("SELECT ") + kSessionCols + " FROM sessions WHERE token_hash = $1 AND expires_at > $2",
        {token_hash, Secs(now)}, &ReadSession, "no such session (or it has expired)");
  });
}

Result<SessionUser> SqlStore::FindSessionUser(std::string_view token_hash, Instant now) {
  return Run<Result<SessionUser>>(Mode::kRead, [&](Connection& c) -> Result<SessionUser> {
    LDN_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec("SELECT s.token_hash, s.user_id, s.created_at, s.expires_at, s.csrf_token_hash, u.id, "
                                "u.username, u.role, u.patient_id, u.password_hash, u.disabled, u.created_at, "
                                "u.must_change_password, u.password_changed_at, u.totp_secret IS NOT NULL "
                                "FROM sessions s JOIN users u ON u.id = s.user_id "
                                "WHERE s.token_hash = $1 AND s.expires_at > $2",
                                {token_hash, Secs(now)}));
    if (rows.rows.empty()) return Status::NotFound("no such session (or it has expired)");
    const Row& row = rows.rows.front();
    if (row.size() != 5 + kUserColCount) return Status::Internal("FindSessionUser: unexpected column count");
    SessionUser out;
    LDN_ASSIGN_OR_RETURN(out.session, ReadSession(Row(row.begin(), row.begin() + 5)));
    LDN_ASSIGN_OR_RETURN(out.user, ReadUser(Row(row.begin() + 5, row.end())));
    return out;
  });
}

Status SqlStore::ExtendSession(std::string_view token_hash, Instant expires_at) {
  return Run<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(
        Rows rows, c.Exec("UPDATE sessions SET expires_at = $2 WHERE token_hash = $1", {token_hash, Secs(expires_at)}));
    return AffectedOne(rows, "no such session");
  });
}

Status SqlStore::DeleteSession(std::string_view token_hash) {
  return Run<Status>(Mode::kWrite, [&](Connection& c) {
    return c.Exec("DELETE FROM sessions WHERE token_hash = $1", {token_hash}).status();
  });
}

Result<int64_t> SqlStore::DeleteSessionsOfUser(Id user_id) {
  return Run<Result<int64_t>>(Mode::kWrite, [&](Connection& c) -> Result<int64_t> {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("DELETE FROM sessions WHERE user_id = $1", {user_id}));
    return rows.affected;
  });
}

Result<int64_t> SqlStore::DeleteExpiredSessions(Instant now) {
  return Run<Result<int64_t>>(Mode::kWrite, [&](Connection& c) -> Result<int64_t> {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("DELETE FROM sessions WHERE expires_at <= $1", {Secs(now)}));
    return rows.affected;
  });
}

// ---- Medications and conditions ----------------------------------------------------------------

Result<Medication> SqlStore::CreateMedication(const Medication& medication) {
  LDN_RETURN_IF_ERROR(ValidateMedication(medication));
  return Run<Result<Medication>>(Mode::kWrite, [&](Connection& c) -> Result<Medication> {
    LDN_RETURN_IF_ERROR(PatientMustExist(c, medication.patient_id));
    LDN_RETURN_IF_ERROR(UserMustExist(c, medication.recorded_by, "recorded_by"));
    LDN_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec("INSERT INTO medications (patient_id, name, active, details, recorded_by, recorded_at) "
                                "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                                {medication.patient_id, medication.name, Param::Bool(medication.active),
                                 medication.details_json, medication.recorded_by, Secs(medication.recorded_at)}));
    Medication stored = medication;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    return stored;
  });
}

Result<Medication> SqlStore::GetMedication(Id patient_id, Id medication_id) {
  return Run<Result<Medication>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<Medication>(
        c, std::string("SELECT ") + kMedicationCols + " FROM medications WHERE patient_id = $1 AND id = $2",
        {patient_id, medication_id}, &ReadMedication, "medication " + std::to_string(medication_id) + " not found");
  });
}

Result<std::vector<Medication>> SqlStore::ListMedications(Id patient_id) {
  return Run<Result<std::vector<Medication>>>(Mode::kRead, [&](Connection& c) {
    return Query<Medication>(
        c, std::string("SELECT ") + kMedicationCols + " FROM medications WHERE patient_id = $1 ORDER BY id",
        {patient_id}, &ReadMedication);
  });
}

Status SqlStore::UpdateMedication(const Medication& medication) {
  LDN_RETURN_IF_ERROR(ValidateMedication(medication));
  return Run<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("UPDATE medications SET name = $3, active = $4, details = $5 "
                                           "WHERE patient_id = $1 AND id = $2",
                                           {medication.patient_id, medication.id, medication.name,
                                            Param::Bool(medication.active), medication.details_json}));
    return AffectedOne(rows, "medication " + std::to_string(medication.id) + " not found");
  });
}

Result<Condition> SqlStore::CreateCondition(const Condition& condition) {
  LDN_RETURN_IF_ERROR(ValidateCondition(condition));
  return Run<Result<Condition>>(Mode::kWrite, [&](Connection& c) -> Result<Condition> {
    LDN_RETURN_IF_ERROR(PatientMustExist(c, condition.patient_id));
    LDN_RETURN_IF_ERROR(UserMustExist(c, condition.recorded_by, "recorded_by"));
    LDN_ASSIGN_OR_RETURN(
        Rows rows, c.Exec("INSERT INTO conditions (patient_id, name, active, details, recorded_by, recorded_at) "
                          "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                          {condition.patient_id, condition.name, Param::Bool(condition.active), condition.details_json,
                           condition.recorded_by, Secs(condition.recorded_at)}));
    Condition stored = condition;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    return stored;
  });
}

Result<Condition> SqlStore::GetCondition(Id patient_id, Id condition_id) {
  return Run<Result<Condition>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<Condition>(
        c, std::string("SELECT ") + kConditionCols + " FROM conditions WHERE patient_id = $1 AND id = $2",
        {patient_id, condition_id}, &ReadCondition, "condition " + std::to_string(condition_id) + " not found");
  });
}

Result<std::vector<Condition>> SqlStore::ListConditions(Id patient_id) {
  return Run<Result<std::vector<Condition>>>(Mode::kRead, [&](Connection& c) {
    return Query<Condition>(
        c, std::string("SELECT ") + kConditionCols + " FROM conditions WHERE patient_id = $1 ORDER BY id", {patient_id},
        &ReadCondition);
  });
}

Status SqlStore::UpdateCondition(const Condition& condition) {
  LDN_RETURN_IF_ERROR(ValidateCondition(condition));
  return Run<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("UPDATE conditions SET name = $3, active = $4, details = $5 "
                                           "WHERE patient_id = $1 AND id = $2",
                                           {condition.patient_id, condition.id, condition.name,
                                            Param::Bool(condition.active), condition.details_json}));
    return AffectedOne(rows, "condition " + std::to_string(condition.id) + " not found");
  });
}

// ---- Screenings ----------------------------------------------------------------------------------

Result<Screening> SqlStore::CreateScreening(const Screening& screening) {
  LDN_RETURN_IF_ERROR(ValidateScreening(screening));
  return Run<Result<Screening>>(Mode::kWrite, [&](Connection& c) -> Result<Screening> {
    LDN_RETURN_IF_ERROR(PatientMustExist(c, screening.patient_id));
    LDN_RETURN_IF_ERROR(UserMustExist(c, screening.recorded_by, "recorded_by"));
    LDN_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec("INSERT INTO screenings (patient_id, input, result, verdict, recorded_by, recorded_at) "
                                "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                                {screening.patient_id, screening.input_json, screening.result_json, screening.verdict,
                                 screening.recorded_by, Secs(screening.recorded_at)}));
    Screening stored = screening;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    return stored;
  });
}

Result<Screening> SqlStore::GetScreening(Id patient_id, Id screening_id) {
  return Run<Result<Screening>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<Screening>(
        c, std::string("SELECT ") + kScreeningCols + " FROM screenings WHERE patient_id = $1 AND id = $2",
        {patient_id, screening_id}, &ReadScreening, "screening " + std::to_string(screening_id) + " not found");
  });
}

Result<std::vector<Screening>> SqlStore::ListScreenings(Id patient_id) {
  return Run<Result<std::vector<Screening>>>(Mode::kRead, [&](Connection& c) {
    return Query<Screening>(
        c, std::string("SELECT ") + kScreeningCols + " FROM screenings WHERE patient_id = $1 ORDER BY id", {patient_id},
        &ReadScreening);
  });
}

// ---- Courses and plan adjustments ----------------------------------------------------------------

Result<Course> SqlStore::CreateCourse(const Course& course) {
  LDN_RETURN_IF_ERROR(ValidateCourse(course));
  return Run<Result<Course>>(Mode::kWrite, [&](Connection& c) -> Result<Course> {
    LDN_RETURN_IF_ERROR(PatientMustExist(c, course.patient_id));
    LDN_RETURN_IF_ERROR(UserMustExist(c, course.recorded_by, "recorded_by"));
    const std::optional<std::string> start =
        course.start_date ? std::optional<std::string>(Day(*course.start_date)) : std::nullopt;
    LDN_ASSIGN_OR_RETURN(
        Rows rows, c.Exec("INSERT INTO courses (patient_id, protocol, plan, status, start_date, recorded_by, "
                          "recorded_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                          {course.patient_id, course.protocol, course.plan_json, CourseStatusName(course.status), start,
                           course.recorded_by, Secs(course.recorded_at)}));
    Course stored = course;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    stored.updated_at = course.recorded_at;
    return stored;
  });
}

Result<Course> SqlStore::GetCourse(Id patient_id, Id course_id) {
  return Run<Result<Course>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<Course>(c, std::string("SELECT ") + kCourseCols + " FROM courses WHERE patient_id = $1 AND id = $2",
                            {patient_id, course_id}, &ReadCourse, "course " + std::to_string(course_id) + " not found");
  });
}

Result<std::vector<Course>> SqlStore::ListCourses(Id patient_id) {
  return Run<Result<std::vector<Course>>>(Mode::kRead, [&](Connection& c) {
    return Query<Course>(c, std::string("SELECT ") + kCourseCols + " FROM courses WHERE patient_id = $1 ORDER BY id",
                         {patient_id}, &ReadCourse);
  });
}

Status SqlStore::SetCourseStatus(Id patient_id, Id course_id, CourseStatus status, std::optional<LocalDate> start_date,
                                 Instant at) {
  if (start_date) LDN_RETURN_IF_ERROR(CheckDate(*start_date, "start_date"));
  return Run<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    const std::optional<std::string> start = start_date ? std::optional<std::string>(Day(*start_date)) : std::nullopt;
    LDN_ASSIGN_OR_RETURN(
        Rows rows, c.Exec("UPDATE courses SET status = $3, start_date = COALESCE($4, start_date), updated_at = $5 "
                          "WHERE patient_id = $1 AND id = $2",
                          {patient_id, course_id, CourseStatusName(status), start, Secs(at)}));
    return AffectedOne(rows, "course_id: course " + std::to_string(course_id) + " not found");
  });
}

Result<PlanAdjustment> SqlStore::AdjustCourse(const PlanAdjustment& adjustment) {
  LDN_RETURN_IF_ERROR(ValidatePlanAdjustment(adjustment));
  return Run<Result<PlanAdjustment>>(Mode::kWrite, [&](Connection& c) -> Result<PlanAdjustment> {
    LDN_RETURN_IF_ERROR(CourseMustExist(c, adjustment.patient_id, adjustment.course_id));
    LDN_RETURN_IF_ERROR(UserMustExist(c, adjustment.recorded_by, "recorded_by"));
    LDN_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec("INSERT INTO plan_adjustments (patient_id, course_id, reason, plan, recorded_by, "
                                "recorded_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                                {adjustment.patient_id, adjustment.course_id, adjustment.reason, adjustment.plan_json,
                                 adjustment.recorded_by, Secs(adjustment.recorded_at)}));
    PlanAdjustment stored = adjustment;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    LDN_RETURN_IF_ERROR(
        c.Exec("UPDATE courses SET plan = $3, updated_at = $4 WHERE patient_id = $1 AND id = $2",
               {adjustment.patient_id, adjustment.course_id, adjustment.plan_json, Secs(adjustment.recorded_at)})
            .status());
    return stored;
  });
}

Result<std::vector<PlanAdjustment>> SqlStore::ListPlanAdjustments(Id patient_id, Id course_id) {
  return Run<Result<std::vector<PlanAdjustment>>>(Mode::kRead, [&](Connection& c) {
    return Query<PlanAdjustment>(c,
                                 std::string("SELECT ") + kAdjustmentCols +
                                     " FROM plan_adjustments WHERE patient_id = $1 AND course_id = $2 ORDER BY id",
                                 {patient_id, course_id}, &ReadAdjustment);
  });
}

// ---- Prescriptions -------------------------------------------------------------------------------

Result<Prescription> SqlStore::CreatePrescription(const Prescription& prescription) {
  LDN_RETURN_IF_ERROR(ValidatePrescription(prescription));
  return Run<Result<Prescription>>(Mode::kWrite, [&](Connection& c) -> Result<Prescription> {
    LDN_RETURN_IF_ERROR(CourseMustExist(c, prescription.patient_id, prescription.course_id));
    LDN_RETURN_IF_ERROR(UserMustExist(c, prescription.recorded_by, "recorded_by"));
    if (prescription.pharmacist_user_id) {
      LDN_RETURN_IF_ERROR(UserMustExist(c, *prescription.pharmacist_user_id, "pharmacist_user_id"));
    }
    if (prescription.pharmacy_id) {
      LDN_RETURN_IF_ERROR(MustExist(c, "SELECT 1 FROM pharmacies WHERE id = $1", {*prescription.pharmacy_id},
                                    "pharmacy_id: pharmacy " + std::to_string(*prescription.pharmacy_id) +
                                        " does not exist"));
    }
    LDN_ASSIGN_OR_RETURN(
        Rows rows,
        c.Exec("INSERT INTO prescriptions (patient_id, course_id, pharmacy, pharmacist_user_id, formulation, status, "
               "recorded_by, recorded_at, updated_at, pharmacy_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) "
               "RETURNING id",
               {prescription.patient_id, prescription.course_id, prescription.pharmacy, prescription.pharmacist_user_id,
                prescription.formulation_json, PrescriptionStatusName(prescription.status), prescription.recorded_by,
                Secs(prescription.recorded_at), prescription.pharmacy_id}));
    Prescription stored = prescription;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    stored.updated_at = prescription.recorded_at;
    stored.signed_at.reset();
    stored.signature_json.clear();
    stored.cancel_reason.clear();
    return stored;
  });
}

Result<Prescription> SqlStore::GetPrescription(Id patient_id, Id prescription_id) {
  return Run<Result<Prescription>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<Prescription>(
        c, std::string("SELECT ") + kPrescriptionCols + " FROM prescriptions WHERE patient_id = $1 AND id = $2",
        {patient_id, prescription_id}, &ReadPrescription,
        "prescription " + std::to_string(prescription_id) + " not found");
  });
}

Result<std::vector<Prescription>> SqlStore::ListPrescriptions(Id patient_id) {
  return Run<Result<std::vector<Prescription>>>(Mode::kRead, [&](Connection& c) {
    return Query<Prescription>(
        c, std::string("SELECT ") + kPrescriptionCols + " FROM prescriptions WHERE patient_id = $1 ORDER BY id",
        {patient_id}, &ReadPrescription);
  });
}

Result<std::vector<Prescription>> SqlStore::ListPrescriptionsForPharmacy(std::string_view pharmacy) {
  return Run<Result<std::vector<Prescription>>>(Mode::kRead, [&](Connection& c) {
    return Query<Prescription>(
        c, std::string("SELECT ") + kPrescriptionCols + " FROM prescriptions WHERE pharmacy = $1 ORDER BY id",
        {pharmacy}, &ReadPrescription);
  });
}

Status SqlStore::SetPrescriptionStatus(Id patient_id, Id prescription_id, PrescriptionStatus status,
                                       std::optional<Id> pharmacist_user_id, Instant at) {
  return Run<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    if (pharmacist_user_id) LDN_RETURN_IF_ERROR(UserMustExist(c, *pharmacist_user_id, "pharmacist_user_id"));
    LDN_ASSIGN_OR_RETURN(
        Rows rows, c.Exec("UPDATE prescriptions SET status = $3, "
                          "pharmacist_user_id = COALESCE($4, pharmacist_user_id), updated_at = $5 "
                          "WHERE patient_id = $1 AND id = $2",
                          {patient_id, prescription_id, PrescriptionStatusName(status), pharmacist_user_id, Secs(at)}));
    return AffectedOne(rows, "prescription " + std::to_string(prescription_id) + " not found");
  });
}

// Orders (issue 13): signature, cancellation with a reason, a pharmacy's queue.

Status SqlStore::SignPrescription(Id patient_id, Id prescription_id, Instant signed_at,
                                  const std::string& signature_json) {
  LDN_RETURN_IF_ERROR(CheckJson(signature_json, "signature_json"));
  return Run<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Prescription p, QueryOne<Prescription>(
                                             c,
                                             std::string("SELECT ") + kPrescriptionCols +
                                                 " FROM prescriptions WHERE patient_id = $1 AND id = $2",
                                             {patient_id, prescription_id}, &ReadPrescription,
                                             "prescription " + std::to_string(prescription_id) + " not found"));
    if (p.signed_at) return Status::Conflict("prescription " + std::to_string(prescription_id) + " is already signed");
    if (p.status != PrescriptionStatus::kIssued) {
      return Status::Conflict("prescription " + std::to_string(prescription_id) + " is " +
                              std::string(PrescriptionStatusName(p.status)) + " and cannot be signed");
    }
    return c
        .Exec("UPDATE prescriptions SET signed_at = $3, signature = $4, updated_at = $3 "
              "WHERE patient_id = $1 AND id = $2",
              {patient_id, prescription_id, Secs(signed_at), signature_json})
        .status();
  });
}

Status SqlStore::CancelPrescription(Id patient_id, Id prescription_id, const std::string& reason,
                                    std::optional<Id> pharmacist_user_id, Instant at) {
  LDN_RETURN_IF_ERROR(CheckText(reason, "reason", 1, 2000));
  return Run<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    if (pharmacist_user_id) LDN_RETURN_IF_ERROR(UserMustExist(c, *pharmacist_user_id, "pharmacist_user_id"));
    LDN_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec("UPDATE prescriptions SET status = $3, cancel_reason = $4, "
                                "pharmacist_user_id = COALESCE($5, pharmacist_user_id), updated_at = $6 "
                                "WHERE patient_id = $1 AND id = $2",
                                {patient_id, prescription_id, PrescriptionStatusName(PrescriptionStatus::kCancelled),
                                 reason, pharmacist_user_id, Secs(at)}));
    return AffectedOne(rows, "prescription " + std::to_string(prescription_id) + " not found");
  });
}

Result<std::vector<Prescription>> SqlStore::ListPharmacyOrders(Id pharmacy_id) {
  return Run<Result<std::vector<Prescription>>>(Mode::kRead, [&](Connection& c) {
    return Query<Prescription>(
        c, std::string("SELECT ") + kPrescriptionCols + " FROM prescriptions WHERE pharmacy_id = $1 ORDER BY id",
        {pharmacy_id}, &ReadPrescription);
  });
}

Result<std::vector<Prescription>> SqlStore::ListSignedPrescriptions() {
  return Run<Result<std::vector<Prescription>>>(Mode::kRead, [&](Connection& c) {
    return Query<Prescription>(
        c, std::string("SELECT ") + kPrescriptionCols + " FROM prescriptions WHERE signed_at IS NOT NULL ORDER BY id",
        {}, &ReadPrescription);
  });
}

// ---- Dose log ------------------------------------------------------------------------------------

Result<DoseLogEntry> SqlStore::AddDoseLogEntry(const DoseLogEntry& entry) {
  LDN_RETURN_IF_ERROR(ValidateDoseLogEntry(entry));
  return Run<Result<DoseLogEntry>>(Mode::kWrite, [&](Connection& c) -> Result<DoseLogEntry> {
    const std::string select_replay =
        std::string("SELECT ") + kDoseCols + " FROM dose_log WHERE patient_id = $1 AND client_id = $2";
    auto replayed = [&]() -> Result<std::optional<DoseLogEntry>> {
      if (!entry.client_id) return std::optional<DoseLogEntry>();
      LDN_ASSIGN_OR_RETURN(std::vector<DoseLogEntry> found,
                           Query<DoseLogEntry>(c, select_replay, {entry.patient_id, *entry.client_id}, &ReadDose));
      if (found.empty()) return std::optional<DoseLogEntry>();
      const DoseLogEntry& stored = found.front();
      if (stored.local_date != entry.local_date || stored.dose_micrograms_hcl != entry.dose_micrograms_hcl ||
          stored.taken != entry.taken) {
        return Status::Conflict("client_id: '" + *entry.client_id + "' was already used for a different dose entry");
      }
      return std::optional<DoseLogEntry>(stored);
    };
    LDN_ASSIGN_OR_RETURN(std::optional<DoseLogEntry> previous, replayed());
    if (previous) return *previous;
    LDN_RETURN_IF_ERROR(PatientMustExist(c, entry.patient_id));
    LDN_RETURN_IF_ERROR(UserMustExist(c, entry.recorded_by, "recorded_by"));
    if (entry.course_id) LDN_RETURN_IF_ERROR(CourseMustExist(c, entry.patient_id, *entry.course_id));
    const std::optional<int64_t> minutes =
        entry.local_time ? std::optional<int64_t>(entry.local_time->minutes) : std::nullopt;
    LDN_ASSIGN_OR_RETURN(
        Rows rows,
        c.Exec("INSERT INTO dose_log (patient_id, course_id, local_date, local_time_minutes, "
               "dose_micrograms_hcl, taken, client_id, note, recorded_by, recorded_at) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
               "ON CONFLICT (patient_id, client_id) DO NOTHING RETURNING id",
               {entry.patient_id, entry.course_id, Day(entry.local_date), minutes, entry.dose_micrograms_hcl,
                Param::Bool(entry.taken), entry.client_id, entry.note, entry.recorded_by, Secs(entry.recorded_at)}));
    if (rows.rows.empty()) {
      // A concurrent writer (PostgreSQL) stored the same client_id first.
      LDN_ASSIGN_OR_RETURN(std::optional<DoseLogEntry> raced, replayed());
      if (raced) return *raced;
      return Status::Internal("dose log insert neither wrote nor found a row");
    }
    DoseLogEntry stored = entry;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    return stored;
  });
}

Result<std::vector<DoseLogEntry>> SqlStore::ListDoseLog(Id patient_id, LocalDate from, LocalDate to) {
  LDN_RETURN_IF_ERROR(CheckRange(from, to));
  return Run<Result<std::vector<DoseLogEntry>>>(Mode::kRead, [&](Connection& c) {
    return Query<DoseLogEntry>(c,
                               std::string("SELECT ") + kDoseCols +
                                   " FROM dose_log WHERE patient_id = $1 AND local_date >= $2 AND local_date <= $3 "
                                   "ORDER BY local_date, id",
                               {patient_id, Day(from), Day(to)}, &ReadDose);
  });
}

// ---- Diary -------------------------------------------------------------------------------------

Result<DiaryUpsertResult> SqlStore::UpsertDiaryOn(Connection& c, const DiaryEntry& entry,
                                                  std::optional<int> expected_revision) {
  const std::string day = Day(entry.local_date);
  const std::string select_current = std::string("SELECT ") + kDiaryCols +
                                     ", created_at FROM diary_entries WHERE patient_id = $1 AND local_date = $2" +
                                     (dialect_ == Dialect::kPostgres ? " FOR UPDATE" : "");
  auto read_current = [&]() -> Result<std::optional<DiaryEntry>> {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec(select_current, {entry.patient_id, day}));
    if (rows.rows.empty()) return std::optional<DiaryEntry>();
    LDN_ASSIGN_OR_RETURN(DiaryEntry current, ReadDiary(rows.rows.front(), true));
    return std::optional<DiaryEntry>(std::move(current));
  };
  // Two rounds at most: the second only when a concurrent writer created the day between our
  // read and our insert (PostgreSQL; SQLite writers are serialised).
  for (int round = 0; round < 2; ++round) {
    // Lock the day's row first (PostgreSQL), then look for a replay: both see the same state.
    LDN_ASSIGN_OR_RETURN(std::optional<DiaryEntry> current, read_current());
    LDN_ASSIGN_OR_RETURN(Rows replay, c.Exec("SELECT local_date, items FROM diary_revisions "
                                             "WHERE patient_id = $1 AND client_id = $2",
                                             {entry.patient_id, entry.client_id}));
    if (!replay.rows.empty()) {
      RowReader r(replay.rows.front());
      const LocalDate replay_day = r.Date();
      const std::string replay_items = r.Text();
      LDN_RETURN_IF_ERROR(r.status());
      if (replay_day != entry.local_date) {
        return Status::Conflict("client_id: '" + entry.client_id + "' was already used for the diary of " +
                                Day(replay_day));
      }
      if (!JsonEqual(replay_items, entry.items_json)) {
        return Status::Conflict("client_id: '" + entry.client_id + "' was already used for different diary items");
      }
      if (!current) return Status::Internal("diary revision without a diary entry");
      return DiaryUpsertResult{*current, DiaryUpsertOutcome::kReplayed};
    }
    const int current_revision = current ? current->revision : 0;
    if (expected_revision && *expected_revision != current_revision) {
      return Status::Conflict("expected_revision: the diary of " + day + " is at revision " +
                              std::to_string(current_revision) + ", not " + std::to_string(*expected_revision));
    }
    if (round == 0) {
      LDN_RETURN_IF_ERROR(PatientMustExist(c, entry.patient_id));
      LDN_RETURN_IF_ERROR(UserMustExist(c, entry.recorded_by, "recorded_by"));
    }
    DiaryEntry stored = entry;
    stored.revision = current_revision + 1;
    if (!current) {
      LDN_ASSIGN_OR_RETURN(Rows inserted,
                           c.Exec("INSERT INTO diary_entries (patient_id, local_date, items, client_id, revision, "
                                  "recorded_by, recorded_at, created_at) VALUES ($1, $2, $3, $4, 1, $5, $6, $6) "
                                  "ON CONFLICT (patient_id, local_date) DO NOTHING RETURNING revision",
                                  {entry.patient_id, day, entry.items_json, entry.client_id, entry.recorded_by,
                                   Secs(entry.recorded_at)}));
      if (inserted.rows.empty()) continue;  // created concurrently: go round again
      stored.created_at = entry.recorded_at;
    } else {
      LDN_RETURN_IF_ERROR(c.Exec("UPDATE diary_entries SET items = $3, client_id = $4, revision = $5, "
                                 "recorded_by = $6, recorded_at = $7 WHERE patient_id = $1 AND local_date = $2",
                                 {entry.patient_id, day, entry.items_json, entry.client_id, stored.revision,
                                  entry.recorded_by, Secs(entry.recorded_at)})
                              .status());
      stored.created_at = current->created_at;
    }
    LDN_RETURN_IF_ERROR(c.Exec("INSERT INTO diary_revisions (patient_id, local_date, revision, items, client_id, "
                               "recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                               {entry.patient_id, day, stored.revision, entry.items_json, entry.client_id,
                                entry.recorded_by, Secs(entry.recorded_at)})
                            .status());
    return DiaryUpsertResult{stored, current ? DiaryUpsertOutcome::kUpdated : DiaryUpsertOutcome::kCreated};
  }
  return Status::Unavailable("the diary of " + day + " is being written concurrently; retry");
}

Result<DiaryUpsertResult> SqlStore::UpsertDiary(const DiaryEntry& entry, std::optional<int> expected_revision) {
  LDN_RETURN_IF_ERROR(ValidateDiaryEntry(entry));
  if (expected_revision && *expected_revision < 0) {
    return Status::InvalidArgument("expected_revision", "must not be negative");
  }
  return Run<Result<DiaryUpsertResult>>(Mode::kWrite,
                                        [&](Connection& c) { return UpsertDiaryOn(c, entry, expected_revision); });
}

Result<std::vector<DiaryUpsertResult>> SqlStore::UpsertDiaryBatch(const std::vector<DiaryEntry>& entries) {
  for (size_t i = 0; i < entries.size(); ++i) {
    Status s = ValidateDiaryEntry(entries[i]);
    if (!s.ok()) return s.WithFieldPrefix("[" + std::to_string(i) + "]");
  }
  return Run<Result<std::vector<DiaryUpsertResult>>>(
      Mode::kWrite, [&](Connection& c) -> Result<std::vector<DiaryUpsertResult>> {
        std::vector<DiaryUpsertResult> out;
        out.reserve(entries.size());
        for (size_t i = 0; i < entries.size(); ++i) {
          Result<DiaryUpsertResult> r = UpsertDiaryOn(c, entries[i], std::nullopt);
          if (!r.ok()) return r.status().WithFieldPrefix("[" + std::to_string(i) + "]");
          out.push_back(std::move(r).value());
        }
        return out;
      });
}

Result<DiaryEntry> SqlStore::GetDiary(Id patient_id, LocalDate local_date) {
  LDN_RETURN_IF_ERROR(CheckDate(local_date, "local_date"));
  return Run<Result<DiaryEntry>>(Mode::kRead, [&](Connection& c) -> Result<DiaryEntry> {
    LDN_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec(std::string("SELECT ") + kDiaryCols +
                                    ", created_at FROM diary_entries WHERE patient_id = $1 AND local_date = $2",
                                {patient_id, Day(local_date)}));
    if (rows.rows.empty()) return Status::NotFound("no diary entry for " + Day(local_date));
    return ReadDiary(rows.rows.front(), true);
  });
}

Result<std::vector<DiaryEntry>> SqlStore::ListDiary(Id patient_id, LocalDate from, LocalDate to) {
  LDN_RETURN_IF_ERROR(CheckRange(from, to));
  return Run<Result<std::vector<DiaryEntry>>>(Mode::kRead, [&](Connection& c) {
    return Query<DiaryEntry>(
        c,
        std::string("SELECT ") + kDiaryCols +
            ", created_at FROM diary_entries WHERE patient_id = $1 AND local_date >= $2 "
            "AND local_date <= $3 ORDER BY local_date",
        {patient_id, Day(from), Day(to)}, +[](const Row& row) { return ReadDiary(row, true); });
  });
}

Result<std::vector<DiaryEntry>> SqlStore::ListDiaryRevisions(Id patient_id, LocalDate local_date) {
  LDN_RETURN_IF_ERROR(CheckDate(local_date, "local_date"));
  return Run<Result<std::vector<DiaryEntry>>>(Mode::kRead, [&](Connection& c) -> Result<std::vector<DiaryEntry>> {
    LDN_ASSIGN_OR_RETURN(std::vector<DiaryEntry> revisions,
                         Query<DiaryEntry>(
                             c,
                             std::string("SELECT ") + kDiaryCols +
                                 " FROM diary_revisions WHERE patient_id = $1 AND local_date = $2 "
                                 "ORDER BY revision",
                             {patient_id, Day(local_date)}, +[](const Row& row) { return ReadDiary(row, false); }));
    for (DiaryEntry& e : revisions) e.created_at = revisions.front().recorded_at;
    return revisions;
  });
}

Result<std::vector<DiaryEntry>> SqlStore::ListDiaryRevisionsBetween(Id patient_id, LocalDate from, LocalDate to) {
  LDN_RETURN_IF_ERROR(CheckRange(from, to));
  return Run<Result<std::vector<DiaryEntry>>>(Mode::kRead, [&](Connection& c) -> Result<std::vector<DiaryEntry>> {
    LDN_ASSIGN_OR_RETURN(std::vector<DiaryEntry> revisions,
                         Query<DiaryEntry>(
                             c,
                             std::string("SELECT ") + kDiaryCols +
                                 " FROM diary_revisions WHERE patient_id = $1 AND local_date >= $2 AND "
                                 "local_date <= $3 ORDER BY local_date, revision",
                             {patient_id, Day(from), Day(to)}, +[](const Row& row) { return ReadDiary(row, false); }));
    // created_at is the first revision's time of each day.
    for (size_t i = 0; i < revisions.size(); ++i) {
      const bool first = i == 0 || revisions[i - 1].local_date != revisions[i].local_date;
      revisions[i].created_at = first ? revisions[i].recorded_at : revisions[i - 1].created_at;
    }
    return revisions;
  });
}

// ---- Instruments and adverse events ----------------------------------------------------------------

Result<InstrumentResponse> SqlStore::CreateInstrumentResponse(const InstrumentResponse& response) {
  LDN_RETURN_IF_ERROR(ValidateInstrumentResponse(response));
  return Run<Result<InstrumentResponse>>(Mode::kWrite, [&](Connection& c) -> Result<InstrumentResponse> {
    const std::string select_replay = std::string("SELECT ") + kInstrumentCols +
                                      " FROM instrument_responses WHERE patient_id = $1 AND client_id = $2";
    auto replayed = [&]() -> Result<std::optional<InstrumentResponse>> {
      if (!response.client_id) return std::optional<InstrumentResponse>();
      LDN_ASSIGN_OR_RETURN(
          std::vector<InstrumentResponse> found,
          Query<InstrumentResponse>(c, select_replay, {response.patient_id, *response.client_id}, &ReadInstrument));
      if (found.empty()) return std::optional<InstrumentResponse>();
      const InstrumentResponse& stored = found.front();
      if (stored.instrument != response.instrument || stored.local_date != response.local_date ||
          !JsonEqual(stored.answers_json, response.answers_json)) {
        return Status::Conflict("client_id: '" + *response.client_id + "' was already used for a different response");
      }
      return std::optional<InstrumentResponse>(stored);
    };
    LDN_ASSIGN_OR_RETURN(std::optional<InstrumentResponse> previous, replayed());
    if (previous) return *previous;
    LDN_RETURN_IF_ERROR(PatientMustExist(c, response.patient_id));
    LDN_RETURN_IF_ERROR(UserMustExist(c, response.recorded_by, "recorded_by"));
    LDN_ASSIGN_OR_RETURN(
        Rows rows,
        c.Exec("INSERT INTO instrument_responses (patient_id, instrument, local_date, answers, scores, "
               "client_id, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
               "ON CONFLICT (patient_id, client_id) DO NOTHING RETURNING id",
               {response.patient_id, response.instrument, Day(response.local_date), response.answers_json,
                response.scores_json, response.client_id, response.recorded_by, Secs(response.recorded_at)}));
    if (rows.rows.empty()) {
      LDN_ASSIGN_OR_RETURN(std::optional<InstrumentResponse> raced, replayed());
      if (raced) return *raced;
      return Status::Internal("instrument response insert neither wrote nor found a row");
    }
    InstrumentResponse stored = response;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    return stored;
  });
}

Result<InstrumentResponse> SqlStore::GetInstrumentResponse(Id patient_id, Id response_id) {
  return Run<Result<InstrumentResponse>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<InstrumentResponse>(
        c, std::string("SELECT ") + kInstrumentCols + " FROM instrument_responses WHERE patient_id = $1 AND id = $2",
        {patient_id, response_id}, &ReadInstrument,
        "instrument response " + std::to_string(response_id) + " not found");
  });
}

Result<std::vector<InstrumentResponse>> SqlStore::ListInstrumentResponses(Id patient_id, std::string_view instrument) {
  return Run<Result<std::vector<InstrumentResponse>>>(Mode::kRead, [&](Connection& c) {
    if (instrument.empty()) {
      return Query<InstrumentResponse>(c,
                                       std::string("SELECT ") + kInstrumentCols +
                                           " FROM instrument_responses WHERE patient_id = $1 ORDER BY local_date, id",
                                       {patient_id}, &ReadInstrument);
    }
    return Query<InstrumentResponse>(c,
                                     std::string("SELECT ") + kInstrumentCols +
                                         " FROM instrument_responses WHERE patient_id = $1 AND instrument = $2 "
                                         "ORDER BY local_date, id",
                                     {patient_id, instrument}, &ReadInstrument);
  });
}

Result<AdverseEvent> SqlStore::CreateAdverseEvent(const AdverseEvent& event) {
  LDN_RETURN_IF_ERROR(ValidateAdverseEvent(event));
  return Run<Result<AdverseEvent>>(Mode::kWrite, [&](Connection& c) -> Result<AdverseEvent> {
    LDN_RETURN_IF_ERROR(PatientMustExist(c, event.patient_id));
    LDN_RETURN_IF_ERROR(UserMustExist(c, event.recorded_by, "recorded_by"));
    if (event.course_id) LDN_RETURN_IF_ERROR(CourseMustExist(c, event.patient_id, *event.course_id));
    LDN_ASSIGN_OR_RETURN(
        Rows rows, c.Exec("INSERT INTO adverse_events (patient_id, course_id, onset_date, description, severity, "
                          "serious, details, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                          "RETURNING id",
                          {event.patient_id, event.course_id, Day(event.onset_date), event.description,
                           SeverityName(event.severity), Param::Bool(event.serious), event.details_json,
                           event.recorded_by, Secs(event.recorded_at)}));
    AdverseEvent stored = event;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    return stored;
  });
}

Result<AdverseEvent> SqlStore::GetAdverseEvent(Id patient_id, Id adverse_event_id) {
  return Run<Result<AdverseEvent>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<AdverseEvent>(
        c, std::string("SELECT ") + kAdverseCols + " FROM adverse_events WHERE patient_id = $1 AND id = $2",
        {patient_id, adverse_event_id}, &ReadAdverse,
        "adverse event " + std::to_string(adverse_event_id) + " not found");
  });
}

Result<std::vector<AdverseEvent>> SqlStore::ListAdverseEvents(Id patient_id) {
  return Run<Result<std::vector<AdverseEvent>>>(Mode::kRead, [&](Connection& c) {
    return Query<AdverseEvent>(
        c, std::string("SELECT ") + kAdverseCols + " FROM adverse_events WHERE patient_id = $1 ORDER BY id",
        {patient_id}, &ReadAdverse);
  });
}

Status SqlStore::UpdateAdverseEvent(const AdverseEvent& event) {
  LDN_RETURN_IF_ERROR(ValidateAdverseEvent(event));
  return Run<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    if (event.course_id) LDN_RETURN_IF_ERROR(CourseMustExist(c, event.patient_id, *event.course_id));
    LDN_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec("UPDATE adverse_events SET course_id = $3, description = $4, severity = $5, "
                                "serious = $6, details = $7 WHERE patient_id = $1 AND id = $2",
                                {event.patient_id, event.id, event.course_id, event.description,
                                 SeverityName(event.severity), Param::Bool(event.serious), event.details_json}));
    return AffectedOne(rows, "adverse event " + std::to_string(event.id) + " not found");
  });
}

// ---- Safety interlocks (issue 12; docs/safety.md) ------------------------------------------------

namespace {

constexpr const char* kDecisionCols =
    "id, patient_id, course_id, action, screening_id, evaluation, overrides, reason, recorded_by, recorded_at";
Result<CourseDecision> ReadDecision(const Row& row) {
  RowReader r(row);
  CourseDecision d;
  d.id = r.Int();
  d.patient_id = r.Int();
  d.course_id = r.Int();
  d.action = r.Text();
  d.screening_id = r.OptInt();
  d.evaluation_json = r.Text();
  d.overrides_json = r.Text();
  d.reason = r.Text();
  d.recorded_by = r.Int();
  d.recorded_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return d;
}

constexpr const char* kDeviationCols = "patient_id, dose_id, planned_micrograms_hcl, reason, recorded_by, recorded_at";
Result<DoseDeviation> ReadDeviation(const Row& row) {
  RowReader r(row);
  DoseDeviation d;
  d.patient_id = r.Int();
  d.dose_id = r.Int();
  d.planned_micrograms_hcl = r.OptInt();
  d.reason = r.Text();
  d.recorded_by = r.Int();
  d.recorded_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return d;
}

constexpr const char* kAcknowledgementCols = "patient_id, code, note, recorded_by, recorded_at";
Result<FlagAcknowledgement> ReadAcknowledgement(const Row& row) {
  RowReader r(row);
  FlagAcknowledgement a;
  a.patient_id = r.Int();
  a.code = r.Text();
  a.note = r.Text();
  a.recorded_by = r.Int();
  a.recorded_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return a;
}

Status ValidateDecision(const CourseDecision& d) {
  LDN_RETURN_IF_ERROR(CheckId(d.patient_id, "patient_id"));
  LDN_RETURN_IF_ERROR(CheckId(d.course_id, "course_id"));
  if (d.action != "create" && d.action != "activate" && d.action != "resume" && d.action != "discard") {
    return Status::InvalidArgument("action", "expected create, activate, resume or discard");
  }
  if (d.screening_id) LDN_RETURN_IF_ERROR(CheckId(*d.screening_id, "screening_id"));
  LDN_RETURN_IF_ERROR(CheckJson(d.evaluation_json, "evaluation_json"));
  LDN_RETURN_IF_ERROR(CheckJson(d.overrides_json, "overrides_json"));
  return CheckText(d.reason, "reason", 0, 2000);
}

}  // namespace

Result<CourseDecision> SqlStore::CreateCourseDecision(const CourseDecision& decision) {
  LDN_RETURN_IF_ERROR(ValidateDecision(decision));
  return Run<Result<CourseDecision>>(Mode::kWrite, [&](Connection& c) -> Result<CourseDecision> {
    LDN_RETURN_IF_ERROR(CourseMustExist(c, decision.patient_id, decision.course_id));
    LDN_RETURN_IF_ERROR(UserMustExist(c, decision.recorded_by, "recorded_by"));
    if (decision.screening_id) {
      LDN_RETURN_IF_ERROR(MustExist(c, "SELECT 1 FROM screenings WHERE patient_id = $1 AND id = $2",
                                    {decision.patient_id, *decision.screening_id},
                                    "screening_id: screening " + std::to_string(*decision.screening_id) +
                                        " of patient " + std::to_string(decision.patient_id) + " does not exist"));
    }
    LDN_ASSIGN_OR_RETURN(
        Rows rows,
        c.Exec(
            "INSERT INTO course_decisions (patient_id, course_id, action, screening_id, evaluation, overrides, "
            "reason, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            {decision.patient_id, decision.course_id, decision.action, decision.screening_id, decision.evaluation_json,
             decision.overrides_json, decision.reason, decision.recorded_by, Secs(decision.recorded_at)}));
    CourseDecision stored = decision;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    return stored;
  });
}

Result<std::vector<CourseDecision>> SqlStore::ListCourseDecisions(Id patient_id) {
  return Run<Result<std::vector<CourseDecision>>>(Mode::kRead, [&](Connection& c) {
    return Query<CourseDecision>(
        c, std::string("SELECT ") + kDecisionCols + " FROM course_decisions WHERE patient_id = $1 ORDER BY id",
        {patient_id}, &ReadDecision);
  });
}

Result<DoseDeviation> SqlStore::RecordDoseDeviation(const DoseDeviation& deviation) {
  LDN_RETURN_IF_ERROR(CheckId(deviation.patient_id, "patient_id"));
  LDN_RETURN_IF_ERROR(CheckId(deviation.dose_id, "dose_id"));
  if (deviation.planned_micrograms_hcl && *deviation.planned_micrograms_hcl < 0) {
    return Status::InvalidArgument("planned_micrograms_hcl", "must not be negative");
  }
  LDN_RETURN_IF_ERROR(CheckText(deviation.reason, "reason", 1, 500));
  return Run<Result<DoseDeviation>>(Mode::kWrite, [&](Connection& c) -> Result<DoseDeviation> {
    LDN_RETURN_IF_ERROR(MustExist(c, "SELECT 1 FROM dose_log WHERE patient_id = $1 AND id = $2",
                                  {deviation.patient_id, deviation.dose_id},
                                  "dose_id: dose " + std::to_string(deviation.dose_id) + " of patient " +
                                      std::to_string(deviation.patient_id) + " does not exist"));
    LDN_RETURN_IF_ERROR(UserMustExist(c, deviation.recorded_by, "recorded_by"));
    LDN_RETURN_IF_ERROR(c.Exec("INSERT INTO dose_deviations (patient_id, dose_id, planned_micrograms_hcl, reason, "
                               "recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6) "
                               "ON CONFLICT (patient_id, dose_id) DO NOTHING",
                               {deviation.patient_id, deviation.dose_id, deviation.planned_micrograms_hcl,
                                deviation.reason, deviation.recorded_by, Secs(deviation.recorded_at)})
                            .status());
    return QueryOne<DoseDeviation>(
        c, std::string("SELECT ") + kDeviationCols + " FROM dose_deviations WHERE patient_id = $1 AND dose_id = $2",
        {deviation.patient_id, deviation.dose_id}, &ReadDeviation, "dose deviation not stored");
  });
}

Result<std::vector<DoseDeviation>> SqlStore::ListDoseDeviations(Id patient_id) {
  return Run<Result<std::vector<DoseDeviation>>>(Mode::kRead, [&](Connection& c) {
    return Query<DoseDeviation>(
        c, std::string("SELECT ") + kDeviationCols + " FROM dose_deviations WHERE patient_id = $1 ORDER BY dose_id",
        {patient_id}, &ReadDeviation);
  });
}

Result<FlagAcknowledgement> SqlStore::AcknowledgeFlag(const FlagAcknowledgement& a) {
  LDN_RETURN_IF_ERROR(CheckId(a.patient_id, "patient_id"));
  LDN_RETURN_IF_ERROR(CheckText(a.code, "code", 1, 200));
  LDN_RETURN_IF_ERROR(CheckText(a.note, "note", 0, 2000));
  return Run<Result<FlagAcknowledgement>>(Mode::kWrite, [&](Connection& c) -> Result<FlagAcknowledgement> {
    LDN_RETURN_IF_ERROR(PatientMustExist(c, a.patient_id));
    LDN_RETURN_IF_ERROR(UserMustExist(c, a.recorded_by, "recorded_by"));
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("INSERT INTO flag_acknowledgements (patient_id, code, note, recorded_by, "
                                           "recorded_at) VALUES ($1, $2, $3, $4, $5) "
                                           "ON CONFLICT (patient_id, code) DO NOTHING RETURNING patient_id",
                                           {a.patient_id, a.code, a.note, a.recorded_by, Secs(a.recorded_at)}));
    if (rows.rows.empty()) return Status::Conflict("code: flag '" + a.code + "' is already acknowledged");
    return a;
  });
}

Result<std::vector<FlagAcknowledgement>> SqlStore::ListFlagAcknowledgements(Id patient_id) {
  return Run<Result<std::vector<FlagAcknowledgement>>>(Mode::kRead, [&](Connection& c) {
    return Query<FlagAcknowledgement>(
        c,
        std::string("SELECT ") + kAcknowledgementCols +
            " FROM flag_acknowledgements WHERE patient_id = $1 ORDER BY recorded_at, code",
        {patient_id}, &ReadAcknowledgement);
  });
}

// ---- Audit -------------------------------------------------------------------------------------

Result<AuditEvent> SqlStore::AppendAuditOn(Connection& c, const AuditEvent& event) {
  LDN_ASSIGN_OR_RETURN(std::vector<AuditEvent> stored, AppendAuditsOn(c, std::span<const AuditEvent>(&event, 1)));
  return std::move(stored.front());
}

Result<std::vector<AuditEvent>> SqlStore::AppendAuditsOn(Connection& c, std::span<const AuditEvent> events) {
  // The chain is one sequence: appends are serialised (SQLite: its one writer; PostgreSQL: a
  // transaction-scoped advisory lock, held until this transaction commits). A batch takes the
  // lock and reads the head once for all its events.
  if (dialect_ == Dialect::kPostgres) LDN_RETURN_IF_ERROR(c.Exec(kAuditLockSql).status());
  LDN_ASSIGN_OR_RETURN(Rows last, c.Exec("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"));
  int64_t seq = 0;
  std::string prev_hash(kAuditGenesisHash);
  if (!last.rows.empty()) {
    RowReader r(last.rows.front());
    seq = r.Int();
    prev_hash = r.Text();
    LDN_RETURN_IF_ERROR(r.status());
  }
  std::vector<AuditEvent> out;
  out.reserve(events.size());
  for (const AuditEvent& event : events) {
    AuditEvent stored = event;
    stored.seq = ++seq;
    stored.prev_hash = prev_hash;
    stored.hash = AuditHash(stored.prev_hash, stored);
    prev_hash = stored.hash;
    out.push_back(std::move(stored));
  }
  constexpr std::string_view kInsert =
      "INSERT INTO audit_events (seq, at, actor_user_id, role, patient_id, action, object, outcome, detail, "
      "prev_hash, hash) VALUES ";
  // PostgreSQL: up to 100 rows per INSERT (one round trip); SQLite: one cached single-row
  // statement per event (no round trips to save). The SQL is built from counts only.
  const size_t per_statement = dialect_ == Dialect::kPostgres ? 100 : 1;
  for (size_t first = 0; first < out.size(); first += per_statement) {
    const size_t n = std::min(per_statement, out.size() - first);
    std::string sql(kInsert);
    std::vector<Param> params;
    params.reserve(n * 11);
    for (size_t i = 0; i < n; ++i) {
      const AuditEvent& e = out[first + i];
      sql += i == 0 ? "(" : ", (";
      for (int k = 1; k <= 11; ++k) sql += (k == 1 ? "$" : ", $") + std::to_string(i * 11 + k);
      sql += ")";
      params.insert(params.end(), {Param(e.seq), Param(Secs(e.at)), Param(e.actor_user_id), Param(e.role),
                                   Param(e.patient_id), Param(e.action), Param(e.object), Param(e.outcome),
                                   Param(e.detail), Param(e.prev_hash), Param(e.hash)});
    }
    LDN_RETURN_IF_ERROR(c.Exec(sql, std::span<const Param>(params)).status());
  }
  return out;
}

Result<AuditEvent> SqlStore::AppendAudit(const AuditEvent& event) {
  LDN_RETURN_IF_ERROR(ValidateAuditEvent(event));
  return Run<Result<AuditEvent>>(Mode::kWrite, [&](Connection& c) { return AppendAuditOn(c, event); });
}

Result<std::vector<AuditEvent>> SqlStore::AppendAuditBatch(const std::vector<AuditEvent>& events) {
  for (size_t i = 0; i < events.size(); ++i) {
    Status s = ValidateAuditEvent(events[i]);
    if (!s.ok()) return s.WithFieldPrefix("[" + std::to_string(i) + "]");
  }
  if (events.empty()) return std::vector<AuditEvent>{};
  return Run<Result<std::vector<AuditEvent>>>(
      Mode::kWrite, [&](Connection& c) { return AppendAuditsOn(c, std::span<const AuditEvent>(events)); });
}

Result<AuditHead> SqlStore::GetAuditHead() {
  return Run<Result<AuditHead>>(Mode::kRead, [&](Connection& c) -> Result<AuditHead> {
    LDN_ASSIGN_OR_RETURN(Rows last, c.Exec("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"));
    AuditHead head;
    if (last.rows.empty()) return head;
    RowReader r(last.rows.front());
    head.seq = r.Int();
    head.hash = r.Text();
    LDN_RETURN_IF_ERROR(r.status());
    return head;
  });
}

void SqlStore::SubmitAudit(AuditEvent event, std::function<void(Status)> done) {
  const Status valid = ValidateAuditEvent(event);
  if (!valid.ok()) return done(valid);
  if (appender_ == nullptr) {
    // SQLite (its group commit already batches every submission into one transaction), or the
    // Store of a transaction body (a savepoint, at once).
    return SubmitTransaction([event = std::move(event)](Store& tx) { return tx.AppendAudit(event).status(); },
                             std::move(done));
  }
  std::unique_lock<std::mutex> lock(appender_->mu);
  if (appender_->stopping) {
    lock.unlock();
    return done(Status::Unavailable("the store is closing"));
  }
  if (!appender_->thread.joinable()) appender_->thread = std::thread([this] { AuditAppenderLoop(); });
  appender_->queue.push_back(PendingAudit{std::move(event), std::move(done)});
  appender_->cv.notify_one();
}

void SqlStore::AuditAppenderLoop() {
  // At most this many events per transaction: bounds the statement sizes and the time the chain's
  // lock is held, while a busy server still writes hundreds of events per commit.
  constexpr size_t kMaxBatch = 1000;
  std::unique_lock<std::mutex> lock(appender_->mu);
  for (;;) {
    appender_->cv.wait(lock, [&] { return appender_->stopping || !appender_->queue.empty(); });
    if (appender_->queue.empty()) return;  // stopping, and everything was answered
    std::vector<PendingAudit> batch;
    if (appender_->queue.size() <= kMaxBatch) {
      batch.swap(appender_->queue);
    } else {
      batch.assign(std::make_move_iterator(appender_->queue.begin()),
                   std::make_move_iterator(appender_->queue.begin() + kMaxBatch));
      appender_->queue.erase(appender_->queue.begin(), appender_->queue.begin() + kMaxBatch);
    }
    lock.unlock();
    std::vector<AuditEvent> events;
    events.reserve(batch.size());
    for (PendingAudit& p : batch) events.push_back(std::move(p.event));
    Status status = Status::Ok();
    const std::function<Status(Connection&)> work = [&](Connection& c) {
      return AppendAuditsOn(c, std::span<const AuditEvent>(events)).status();
    };
    GroupMember me;
    me.work = &work;
    RunGroup({&me});  // one transaction: BEGIN, the batch, COMMIT
    status = me.status;
    for (PendingAudit& p : batch) p.done(status);
    lock.lock();
  }
}

Result<std::vector<AuditEvent>> SqlStore::ListAudit(const AuditQuery& query) {
  if (query.limit < 1 || query.limit > 10000) return Status::InvalidArgument("limit", "must be 1 to 10000");
  if (query.after_seq < 0) return Status::InvalidArgument("after_seq", "must not be negative");
  return Run<Result<std::vector<AuditEvent>>>(Mode::kRead, [&](Connection& c) {
    // CAST gives the optional parameters a type in PostgreSQL when they are NULL.
    return Query<AuditEvent>(c,
                             std::string("SELECT ") + kAuditCols +
                                 " FROM audit_events WHERE seq > $1"
                                 " AND (CAST($2 AS BIGINT) IS NULL OR patient_id = CAST($2 AS BIGINT))"
                                 " AND (CAST($3 AS BIGINT) IS NULL OR actor_user_id = CAST($3 AS BIGINT))"
                                 " ORDER BY seq LIMIT $4",
                             {query.after_seq, query.patient_id, query.actor_user_id, query.limit}, &ReadAudit);
  });
}

Result<AuditVerification> SqlStore::VerifyAudit() {
  return Run<Result<AuditVerification>>(Mode::kSnapshot, [&](Connection& c) -> Result<AuditVerification> {
    AuditVerification v;
    int64_t expected_seq = 1;
    std::string prev_hash(kAuditGenesisHash);
    auto fail = [&](int64_t seq, std::string problem) {
      v.ok = false;
      v.first_bad_seq = seq;
      v.problem = std::move(problem);
      return v;
    };
    while (true) {
      LDN_ASSIGN_OR_RETURN(
          std::vector<AuditEvent> page,
          Query<AuditEvent>(
              c, std::string("SELECT ") + kAuditCols + " FROM audit_events WHERE seq >= $1 ORDER BY seq LIMIT 1000",
              {expected_seq}, &ReadAudit));
      if (page.empty()) return v;
      for (const AuditEvent& e : page) {
        if (e.seq != expected_seq) {
          return fail(e.seq,
                      "events " + std::to_string(expected_seq) + " to " + std::to_string(e.seq - 1) + " are missing");
        }
        if (e.prev_hash != prev_hash) return fail(e.seq, "prev_hash does not match the previous event's hash");
        if (AuditHash(e.prev_hash, e) != e.hash) return fail(e.seq, "hash does not match the event's content");
        prev_hash = e.hash;
        ++expected_seq;
        ++v.events_checked;
      }
    }
  });
}

// ---- Backup and restore ------------------------------------------------------------------------

Status SqlStore::BackupTo(const std::string& path) {
  return Run<Status>(Mode::kExclusive, [&](Connection& c) { return c.BackupTo(path); });
}

Status SqlStore::MigrateDown(int target_version) {
  const auto down = dialect_ == Dialect::kSqlite ? SqliteDownMigrations() : PostgresDownMigrations();
  return Run<Status>(Mode::kExclusive,
                     [&](Connection& c) { return internal::MigrateDown(c, migrations_, down, target_version); });
}

}  // namespace ldn::store::internal
