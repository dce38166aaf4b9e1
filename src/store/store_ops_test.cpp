// Issue 17, operations: files created 0600 (M8); restore only into a stopped database, checking
// the backup and never resurrecting sessions or accounts (M7, L8); audit heads and anchors that
// expose a chain cut short or re-hashed (L7); read-only opens that never write (I7); batched audit
// appends (SubmitAudit) that keep the chain whole.
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <future>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/audit_anchor.h"
#include "store/restore.h"
#include "store/store.h"
#include "store/store_test_support.h"

namespace ldn::store {
namespace {

using ::ldn::store::testing::At;
using ::ldn::store::testing::Day;
using ::ldn::store::testing::StoreTestBase;
using ::testing::HasSubstr;

class StoreOpsTest : public StoreTestBase {
 protected:
  AuditEvent Event(int i) {
    AuditEvent e;
    e.at = At(i);
    e.actor_user_id = clinician_.id;
    e.role = "clinician";
    e.patient_id = patient1_.id;
    e.action = "diary.read";
    e.object = "patients/1/diary/2026-11-0" + std::to_string(i % 9 + 1);
    e.outcome = "ok";
    return e;
  }
  void AppendAudits(int n) {
    for (int i = 0; i < n; ++i) ASSERT_TRUE(store_->AppendAudit(Event(i)).ok());
  }
  std::string Path() const { return url_.substr(7); }
  static int Mode(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return -1;
    return static_cast<int>(st.st_mode & 0777);
  }
  // A backup with its anchor file, as `ldn backup` makes it.
  std::string BackupWithAnchor(const std::string& name) {
    const std::string backup = (dir_ / name).string();
    EXPECT_TRUE(store_->BackupTo(backup).ok());
    BackupAnchor a;
    a.backup = name;
    auto digest = FileSha256(backup);
    EXPECT_TRUE(digest.ok());
    a.sha256 = digest->first;
    a.bytes = digest->second;
    a.schema_version = LatestSchemaVersion();
    a.audit_head = *store_->GetAuditHead();
    a.created_at = At(50);
    EXPECT_TRUE(WriteBackupAnchor(backup, a).ok());
    return backup;
  }
  Session SessionOf(const User& u, const std::string& token) {
    Session s;
    s.token_hash = token;
    s.user_id = u.id;
    s.created_at = At(0);
    s.expires_at = At(100000);
    return s;
  }
  RestoreOptions Options(bool force = false) {
    RestoreOptions o;
    o.now = At(1000);
    o.force = force;
    return o;
  }
};

// ---- M8: 0600 ---------------------------------------------------------------------------------

TEST_P(StoreOpsTest, DatabaseWalShmAndBackupsAreCreatedOwnerOnly) {
  if (!IsSqliteFile()) GTEST_SKIP() << "files: SQLite";
  store_.reset();
  const mode_t old = ::umask(022);  // the usual umask, which gives 0644 files
  const std::string path = (dir_ / "fresh.db").string();
  {
    Result<std::unique_ptr<Store>> s = OpenStore("sqlite:" + path);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    Seed();  // writes: the -wal and -shm exist while the store is open
    EXPECT_EQ(Mode(path), 0600);
    EXPECT_EQ(Mode(path + "-wal"), 0600);
    EXPECT_EQ(Mode(path + "-shm"), 0600);
    EXPECT_EQ(Mode(path + ".lock"), 0600);
    const std::string backup = (dir_ / "fresh-backup.db").string();
    ASSERT_TRUE(store_->BackupTo(backup).ok());
    EXPECT_EQ(Mode(backup), 0600);
    BackupAnchor a;
    a.backup = "fresh-backup.db";
    a.sha256 = std::string(64, 'a');
    ASSERT_TRUE(WriteBackupAnchor(backup, a).ok());
    EXPECT_EQ(Mode(BackupAnchorPath(backup)), 0600);
  }
  ::umask(old);
}

// ---- I7: read-only opens ----------------------------------------------------------------------

TEST_P(StoreOpsTest, ReadOnlyOpenNeverWritesWhatItReads) {
  if (!IsSqliteFile()) GTEST_SKIP() << "files: SQLite";
  Seed();
  AppendAudits(5);
  store_.reset();  // closed cleanly: no -wal, no -shm
  const std::string path = Path();
  auto digest_before = FileSha256(path);
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  {
    OpenOptions ro;
    ro.read_only = true;
    Result<std::unique_ptr<Store>> s = OpenStore(url_, ro);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    Result<AuditVerification> v = (*s)->VerifyAudit();
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(v->ok);
    EXPECT_EQ(v->events_checked, 5);
    EXPECT_EQ((*s)->GetAuditHead()->seq, 5);
    // Writes are refused.
    EXPECT_FALSE((*s)->AppendAudit(Event(9)).ok());
  }
  struct stat after {};
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_EQ(FileSha256(path)->first, digest_before->first);
  EXPECT_EQ(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
  EXPECT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
  EXPECT_FALSE(std::filesystem::exists(path + "-shm"));
  // A missing file is not created.
  OpenOptions ro;
  ro.read_only = true;
  EXPECT_EQ(OpenStore("sqlite:" + (dir_ / "none.db").string(), ro).status().code(), Code::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "none.db"));
}

TEST_P(StoreOpsTest, ReadOnlyOpenReadsWhileAWriterHasTheDatabaseOpen) {
  if (IsMemory()) GTEST_SKIP() << "a second store of the same database";
  Seed();
  AppendAudits(3);
  OpenOptions ro;
  ro.read_only = true;
  Result<std::unique_ptr<Store>> reader = OpenStore(url_, ro);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->GetAuditHead()->seq, 3);
  AppendAudits(1);
  EXPECT_EQ((*reader)->GetAuditHead()->seq, 4);
  EXPECT_FALSE((*reader)->AppendAudit(Event(1)).ok());
}

// ---- Batched audit appends --------------------------------------------------------------------

TEST_P(StoreOpsTest, SubmittedAuditEventsFormOneChainAndAreAnsweredAfterTheirCommit) {
  Seed();
  constexpr int kThreads = 8, kPerThread = 50;
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::promise<Status> answered;
        store_->SubmitAudit(Event(t * 100 + i), [&](Status s) { answered.set_value(s); });
        (answered.get_future().get().ok() ? ok : failed)++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  EXPECT_EQ(failed.load(), 0);
  Result<AuditVerification> v = store_->VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->events_checked, kThreads * kPerThread);
  EXPECT_EQ(store_->GetAuditHead()->seq, kThreads * kPerThread);
  // A malformed event is refused at once, naming the field.
  AuditEvent bad = Event(0);
  bad.action.clear();
  Status refused = Status::Ok();
  store_->SubmitAudit(bad, [&](Status s) { refused = s; });
  EXPECT_EQ(refused.field(), "action");
}

TEST_P(StoreOpsTest, AuditHeadIsTheNewestEvent) {
  Seed();
  Result<AuditHead> empty = store_->GetAuditHead();
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->seq, 0);
  EXPECT_EQ(empty->hash, kAuditGenesisHash);
  AppendAudits(3);
  Result<std::vector<AuditEvent>> all = store_->ListAudit({});
  EXPECT_EQ(store_->GetAuditHead()->seq, 3);
  EXPECT_EQ(store_->GetAuditHead()->hash, all->back().hash);
}

// ---- L7: anchors ------------------------------------------------------------------------------

TEST_P(StoreOpsTest, AnchorsExposeAChainCutShortOrRehashed) {
  if (IsMemory()) GTEST_SKIP() << "raw SQL behind the store's back";
  Seed();
  AppendAudits(10);
  const AuditHead head = *store_->GetAuditHead();
  const AuditAnchor anchor{head.seq, head.hash, "test"};
  Result<std::vector<AnchorCheck>> fine = CheckAnchors(*store_, {anchor}, "");
  ASSERT_TRUE(fine.ok());
  EXPECT_TRUE(fine->front().ok) << fine->front().message;

  // The attacker drops the append-only triggers and deletes the tail: the chain still verifies,
  // the anchor does not.
  if (IsPostgres()) {
    RawSql("DROP TRIGGER audit_events_append_only ON audit_events; DELETE FROM audit_events WHERE seq > 7");
  } else {
    RawSql(
        "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete; "
        "DELETE FROM audit_events WHERE seq > 7");
  }
  EXPECT_TRUE(store_->VerifyAudit()->ok);
  Result<std::vector<AnchorCheck>> cut = CheckAnchors(*store_, {anchor}, "");
  ASSERT_TRUE(cut.ok());
  EXPECT_FALSE(cut->front().ok);
  EXPECT_THAT(cut->front().message, HasSubstr("events were removed"));

  // ... and re-hashes a changed event with everything after it: still verifies, anchor fails.
  AppendAudits(3);  // back to 10 events, re-chained from seq 7
  Result<std::vector<AnchorCheck>> rewritten = CheckAnchors(*store_, {anchor}, "");
  ASSERT_TRUE(rewritten.ok());
  EXPECT_TRUE(store_->VerifyAudit()->ok);
  EXPECT_FALSE(rewritten->front().ok);
  EXPECT_THAT(rewritten->front().message, HasSubstr("rewritten"));
}

TEST_P(StoreOpsTest, AnchorsParseFromSeqHashAnAnchorFileOrALog) {
  if (!IsSqliteFile()) GTEST_SKIP() << "files";
  const std::string hash(64, 'b');
  Result<std::vector<AuditAnchor>> one = ParseAnchors("12:" + hash);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->front().seq, 12);
  EXPECT_EQ(ParseAnchors("12:" + std::string(63, 'b')).status().field(), "--anchor");
  EXPECT_EQ(ParseAnchors("0:" + hash).status().field(), "--anchor");
  const std::string log = (dir_ / "ldn.log").string();
  {
    std::ofstream out(log);
    out << "Nov 22 12:00:00 host ldn[1]: {\"ts\":\"x\",\"level\":\"info\",\"msg\":\"audit_head\",\"seq\":3,\"hash\":\""
        << hash << "\"}\n";
    out << "{\"msg\":\"request\",\"status\":200}\nnot json at all\n";
    out << "{\"msg\":\"audit_head\",\"seq\":5,\"hash\":\"" << std::string(64, 'c') << "\"}\n";
  }
  Result<std::vector<AuditAnchor>> logged = ParseAnchors(log);
  ASSERT_TRUE(logged.ok()) << logged.status().ToString();
  ASSERT_EQ(logged->size(), 2u);
  EXPECT_EQ((*logged)[0].seq, 3);
  EXPECT_EQ((*logged)[1].seq, 5);
  EXPECT_EQ(ParseAnchors((dir_ / "missing").string()).status().field(), "--anchor");
}

// ---- M7, L8: restore ---------------------------------------------------------------------------

TEST_P(StoreOpsTest, RestoreRefusesWhileTheDatabaseIsOpen) {
  if (!IsSqliteFile()) GTEST_SKIP() << "restore: SQLite files";
  Seed();
  const std::string backup = BackupWithAnchor("b.db");
  Result<RestoreReport> refused = RestoreDatabase(url_, backup, Options(true));
  EXPECT_EQ(refused.status().code(), Code::kUnavailable);
  EXPECT_THAT(refused.status().message(), HasSubstr("in use"));
  // Nothing was touched: the store still works and nothing was kept aside.
  EXPECT_TRUE(store_->Ping().ok());
  EXPECT_FALSE(std::filesystem::exists(Path() + ".restore-tmp"));
  store_.reset();
  EXPECT_TRUE(RestoreDatabase(url_, backup, Options()).ok());
}

TEST_P(StoreOpsTest, RestoreDropsSessionsKeepsTheOldFileAndRecordsItself) {
  if (!IsSqliteFile()) GTEST_SKIP() << "restore: SQLite files";
  Seed();
  ASSERT_TRUE(store_->CreateSession(SessionOf(clinician_, "before-backup")).ok());
  AppendAudits(4);
  const std::string backup = BackupWithAnchor("b.db");
  const AuditHead backup_head = *store_->GetAuditHead();
  // After the backup: the session logs out, more events.
  ASSERT_TRUE(store_->DeleteSession("before-backup").ok());
  ASSERT_TRUE(store_->CreateSession(SessionOf(clinician_, "after-backup")).ok());
  AppendAudits(3);
  const AuditHead replaced = *store_->GetAuditHead();
  store_.reset();

  Result<RestoreReport> r = RestoreDatabase(url_, backup, Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->anchor_file_checked);
  EXPECT_EQ(r->record.sessions_dropped, 1);  // the backup's one session
  ASSERT_FALSE(r->kept_path.empty());
  EXPECT_TRUE(std::filesystem::exists(r->kept_path));
  EXPECT_FALSE(std::filesystem::exists(Path() + ".restore-tmp"));
  EXPECT_EQ(Mode(Path()), 0600);

  Reopen();
  // The logged-out session does not come back; neither does the later one.
  EXPECT_EQ(store_->FindSession("before-backup", At(1)).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->FindSession("after-backup", At(1)).status().code(), Code::kNotFound);
  // The chain: the backup's events, then the restore event naming both heads and the kept file.
  Result<AuditVerification> v = store_->VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok);
  EXPECT_EQ(v->events_checked, backup_head.seq + 1);
  AuditQuery q;
  q.after_seq = backup_head.seq;
  Result<std::vector<AuditEvent>> tail = store_->ListAudit(q);
  ASSERT_EQ(tail->size(), 1u);
  EXPECT_EQ(tail->front().action, kRestoreAction);
  EXPECT_EQ(tail->front().role, "system");
  Result<RestoreRecord> record = ParseRestoreDetail(tail->front().detail);
  ASSERT_TRUE(record.ok()) << tail->front().detail;
  EXPECT_EQ(record->backup_head.hash, backup_head.hash);
  ASSERT_TRUE(record->replaced_head);
  EXPECT_EQ(record->replaced_head->seq, replaced.seq);
  EXPECT_EQ(record->replaced_head->hash, replaced.hash);
  EXPECT_EQ(record->kept_as, std::filesystem::path(r->kept_path).filename().string());

  // An anchor from the replaced tail is checked against the kept database; a forged one fails.
  Result<std::vector<AnchorCheck>> checks = CheckAnchors(
      *store_, {{replaced.seq, replaced.hash, "log"}, {replaced.seq, std::string(64, 'f'), "forged"}}, dir_.string());
  ASSERT_TRUE(checks.ok()) << checks.status().ToString();
  EXPECT_TRUE((*checks)[0].ok) << (*checks)[0].message;
  EXPECT_THAT((*checks)[0].message, HasSubstr("kept database"));
  EXPECT_FALSE((*checks)[1].ok);
  // Without the kept file, the replaced tail cannot be vouched for.
  std::filesystem::rename(r->kept_path, r->kept_path + ".moved");
  checks = CheckAnchors(*store_, {{replaced.seq, replaced.hash, "log"}}, dir_.string());
  ASSERT_TRUE(checks.ok());
  EXPECT_FALSE((*checks)[0].ok);
  EXPECT_THAT((*checks)[0].message, HasSubstr("is not there"));
}

// Issue 17 (authentication part): a second factor reset after the backup (a lost phone) and a
// recovery code spent after it must not work again after a restore.
TEST_P(StoreOpsTest, RestoreNeverResurrectsAnOldSecondFactorOrASpentRecoveryCode) {
  if (!IsSqliteFile()) GTEST_SKIP() << "restore: SQLite files";
  Seed();
  ASSERT_TRUE(store_->SetPendingTotp(clinician_.id, std::string("sealed-old-secret")).ok());
  ASSERT_TRUE(store_->EnableTotp(clinician_.id, At(1), 100).ok());
  std::vector<RecoveryCode> codes(2);
  codes[0].lookup = "aaaa";
  codes[0].code_hash = "hash-a";
  codes[1].lookup = "bbbb";
  codes[1].code_hash = "hash-b";
  codes[0].created_at = codes[1].created_at = At(1);
  ASSERT_TRUE(store_->ReplaceRecoveryCodes(clinician_.id, codes).ok());
  ASSERT_TRUE(store_->ReplaceRecoveryCodes(patient_user_.id, codes).ok());
  const std::string backup = BackupWithAnchor("b.db");
  // After the backup: the clinician's phone is lost and TOTP set up again; the patient spends a code.
  ASSERT_TRUE(store_->DisableTotp(clinician_.id).ok());
  ASSERT_TRUE(store_->SetPendingTotp(clinician_.id, std::string("sealed-new-secret")).ok());
  ASSERT_TRUE(store_->EnableTotp(clinician_.id, At(2), 200).ok());
  ASSERT_TRUE(*store_->UseRecoveryCode(patient_user_.id, "aaaa", At(3)));
  store_.reset();

  Result<RestoreReport> refused = RestoreDatabase(url_, backup, Options());
  EXPECT_EQ(refused.status().code(), Code::kConflict);
  EXPECT_THAT(refused.status().message(), HasSubstr("dr.who: two-step login or recovery codes changed"));
  EXPECT_THAT(refused.status().message(), HasSubstr("ada: two-step login or recovery codes changed"));

  Result<RestoreReport> forced = RestoreDatabase(url_, backup, Options(true));
  ASSERT_TRUE(forced.ok()) << forced.status().ToString();
  Reopen();
  Result<TotpState> totp = store_->GetTotp(clinician_.id);
  ASSERT_TRUE(totp.ok());
  EXPECT_EQ(totp->secret, std::optional<std::string>("sealed-new-secret"));
  EXPECT_EQ(totp->last_step, std::optional<int64_t>(200));
  EXPECT_TRUE(store_->ListRecoveryCodes(clinician_.id)->empty());  // the new set-up's (none here)
  Result<bool> again = store_->UseRecoveryCode(patient_user_.id, "aaaa", At(2000));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again) << "a recovery code spent after the backup works again";
  EXPECT_TRUE(*store_->UseRecoveryCode(patient_user_.id, "bbbb", At(2000)));
  Result<std::vector<AuditEvent>> events = store_->ListAudit({});
  Result<RestoreRecord> record = ParseRestoreDetail(events->back().detail);
  ASSERT_TRUE(record.ok());
  EXPECT_THAT(record->kept_two_step, ::testing::UnorderedElementsAre(clinician_.id, patient_user_.id));
}

TEST_P(StoreOpsTest, RestoreNeverResurrectsADisabledAccount) {
  if (!IsSqliteFile()) GTEST_SKIP() << "restore: SQLite files";
  Seed();
  const std::string backup = BackupWithAnchor("b.db");
  // After the backup: the clinician is disabled, the patient user's password changes.
  User disabled = clinician_;
  disabled.disabled = true;
  ASSERT_TRUE(store_->UpdateUser(disabled).ok());
  User changed = patient_user_;
  changed.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$bmV3$bmV3";
  ASSERT_TRUE(store_->UpdateUser(changed).ok());
  store_.reset();

  Result<RestoreReport> refused = RestoreDatabase(url_, backup, Options());
  EXPECT_EQ(refused.status().code(), Code::kConflict);
  EXPECT_THAT(refused.status().message(), HasSubstr("dr.who: disabled after the backup"));
  EXPECT_THAT(refused.status().message(), HasSubstr("ada: password changed"));
  EXPECT_FALSE(std::filesystem::exists(Path() + ".restore-tmp"));

  Result<RestoreReport> forced = RestoreDatabase(url_, backup, Options(true));
  ASSERT_TRUE(forced.ok()) << forced.status().ToString();
  Reopen();
  EXPECT_TRUE(store_->GetUser(clinician_.id)->disabled);
  EXPECT_EQ(store_->GetUser(patient_user_.id)->password_hash, changed.password_hash);
  Result<std::vector<AuditEvent>> events = store_->ListAudit({});
  Result<RestoreRecord> record = ParseRestoreDetail(events->back().detail);
  ASSERT_TRUE(record.ok());
  EXPECT_THAT(record->kept_disabled, ::testing::ElementsAre(clinician_.id));
  EXPECT_THAT(record->kept_password, ::testing::ElementsAre(patient_user_.id));

  // A user deleted after the backup comes back disabled.
  User other;
  other.username = "temp";
  other.role = Role::kResearcher;
  other.password_hash = "x";
  // (created before backup3, deleted after it)
  Result<User> temp = store_->CreateUser(other);
  ASSERT_TRUE(temp.ok());
  const std::string backup3 = BackupWithAnchor("b3.db");
  ASSERT_TRUE(store_->DeleteUser(temp->id).ok());
  store_.reset();
  ASSERT_TRUE(RestoreDatabase(url_, backup3, Options(true)).ok());
  Reopen();
  EXPECT_TRUE(store_->GetUser(temp->id)->disabled);
}

TEST_P(StoreOpsTest, RestoreChecksTheBackupBeforeTouchingAnything) {
  if (!IsSqliteFile()) GTEST_SKIP() << "restore: SQLite files";
  Seed();
  AppendAudits(5);
  const std::string good = BackupWithAnchor("good.db");
  store_.reset();
  const std::string db_digest = FileSha256(Path())->first;

  // No anchor file: refused unless forced.
  const std::string bare = (dir_ / "bare.db").string();
  std::filesystem::copy_file(good, bare);
  EXPECT_EQ(RestoreDatabase(url_, bare, Options()).status().code(), Code::kConflict);

  // A backup changed after it was made (its anchor's SHA-256 no longer matches).
  const std::string changed = (dir_ / "changed.db").string();
  std::filesystem::copy_file(good, changed);
  std::filesystem::copy_file(BackupAnchorPath(good), BackupAnchorPath(changed));
  {
    SQLite::Database db(changed, SQLite::OPEN_READWRITE);
    db.exec("UPDATE patients SET display_name = 'Eve' WHERE id = 1");
  }
  Status s = RestoreDatabase(url_, changed, Options(true)).status();
  EXPECT_EQ(s.field(), "path");
  EXPECT_THAT(s.message(), HasSubstr("changed or swapped"));

  // A backup whose append-only trigger was dropped: not the schema the migrations make.
  const std::string no_trigger = (dir_ / "no-trigger.db").string();
  std::filesystem::copy_file(good, no_trigger);
  {
    SQLite::Database db(no_trigger, SQLite::OPEN_READWRITE);
    db.exec("DROP TRIGGER audit_events_no_delete");
  }
  s = RestoreDatabase(url_, no_trigger, Options(true)).status();
  EXPECT_EQ(s.field(), "path");
  EXPECT_THAT(s.message(), HasSubstr("audit_events_no_delete is missing"));

  // A backup whose chain was tampered with.
  const std::string tampered = (dir_ / "tampered.db").string();
  std::filesystem::copy_file(good, tampered);
  {
    SQLite::Database db(tampered, SQLite::OPEN_READWRITE);
    db.exec("DROP TRIGGER audit_events_no_update");
    db.exec("UPDATE audit_events SET outcome = 'denied' WHERE seq = 3");
    db.exec(
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, "
        "'audit_events is append-only'); END");
  }
  s = RestoreDatabase(url_, tampered, Options(true)).status();
  EXPECT_EQ(s.field(), "path");
  EXPECT_THAT(s.message(), ::testing::AnyOf(HasSubstr("broken at seq 3"), HasSubstr("was changed")));

  // An external anchor the backup does not hold (a head logged after the backup was cut).
  RestoreOptions with_anchor = Options(true);
  with_anchor.anchors.push_back({7, std::string(64, 'a'), "the log"});
  s = RestoreDatabase(url_, good, with_anchor).status();
  EXPECT_EQ(s.field(), "path");
  EXPECT_THAT(s.message(), HasSubstr("does not hold the anchor"));

  // None of that touched the database.
  EXPECT_EQ(FileSha256(Path())->first, db_digest);
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    EXPECT_THAT(entry.path().string(), ::testing::Not(HasSubstr("pre-restore")));
  }
}

TEST_P(StoreOpsTest, RestoreIntoNoDatabaseNeedsForce) {
  if (!IsSqliteFile()) GTEST_SKIP() << "restore: SQLite files";
  Seed();
  const std::string backup = BackupWithAnchor("b.db");
  store_.reset();
  std::filesystem::remove(Path());
  Result<RestoreReport> refused = RestoreDatabase(url_, backup, Options());
  EXPECT_EQ(refused.status().code(), Code::kConflict);
  EXPECT_THAT(refused.status().message(), HasSubstr("no current database"));
  Result<RestoreReport> forced = RestoreDatabase(url_, backup, Options(true));
  ASSERT_TRUE(forced.ok()) << forced.status().ToString();
  EXPECT_FALSE(forced->forced.empty());
  EXPECT_TRUE(forced->kept_path.empty());
  Reopen();
  EXPECT_EQ(store_->ListUsers()->size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreOpsTest, LDN_STORE_TEST_BACKENDS, testing::BackendName);

}  // namespace
}  // namespace ldn::store
