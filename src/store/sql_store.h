// SqlStore: the Store contract implemented once in SQL over a Connection (connection.h), for both
// backends. Each backend folder supplies connections, its migrations and its open function.
// Internal to ldn_store.
//
// Group commit (SQLite): every top-level write (a write method, or RunInTransaction) is a member
// of a group. The first caller to find no group running becomes its leader: it takes every member
// queued so far, runs them one after another in one database transaction, each in its own
// savepoint (a member that fails undoes only itself and gets its own failure), commits once, and
// wakes them all. Callers that arrive meanwhile queue for the next group. So concurrent writers
// share one durable commit (one fsync) instead of taking turns at one each, and a member is
// answered only after the commit that holds its work. A failed COMMIT fails every member that
// had succeeded (kUnavailable). PostgreSQL: each top-level write is a transaction of its own on a
// pool connection (see grouped()).
#ifndef LDN_STORE_SQL_STORE_H_
#define LDN_STORE_SQL_STORE_H_

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "store/connection.h"
#include "store/migrations.h"
#include "store/sql_helpers.h"
#include "store/store.h"

namespace ldn::store::internal {

// Applies the migrations newer than the database's version, each in its own transaction, creating
// schema_migrations first when missing. kConflict when the database is newer than `migrations`.
// With apply == false, only checks: kUnavailable when migrations are pending.
Status Migrate(Connection& conn, std::span<const Migration> migrations, bool apply);
// The highest version in schema_migrations (0 when the table is missing or empty).
Result<int> ReadSchemaVersion(Connection& conn);
// Store::MigrateDown on one connection (migrate_down.cpp): `up` names the applied migrations,
// `down` their down paths.
Status MigrateDown(Connection& conn, std::span<const Migration> up, std::span<const Migration> down,
                   int target_version);

class SqlStore final : public Store {
 public:
  // The top-level store over a pool. `serialise_writers`: take an in-process writer lock around
  // every write transaction (SQLite, whose writers exclude each other anyway: waiting on a mutex
  // is cheaper and fairer than SQLite's busy-retry loop).
  SqlStore(Dialect dialect, std::unique_ptr<ConnectionPool> pool, std::span<const Migration> migrations,
           bool serialise_writers);
  // A store bound to one connection inside an open transaction (RunInTransaction's body).
  SqlStore(Dialect dialect, Connection* bound, std::span<const Migration> migrations);

  ~SqlStore() override;

  std::string_view backend() const override;
  Status Ping() override;
  Result<int> SchemaVersion() override;
  Status MigrateDown(int target_version) override;
  Status RunInTransaction(const std::function<Status(Store&)>& body) override;
  void SubmitTransaction(std::function<Status(Store&)> body, std::function<void(Status)> done) override;

  Result<User> CreateUser(const User& user) override;
  Result<User> GetUser(Id user_id) override;
  Result<User> GetUserByUsername(std::string_view username) override;
  Result<std::vector<User>> ListUsers() override;
  Status UpdateUser(const User& user) override;
  Status DeleteUser(Id user_id) override;

  Result<Patient> CreatePatient(const Patient& patient) override;
  Result<Patient> GetPatient(Id patient_id) override;
  Result<Patient> GetPatientByResearchId(std::string_view research_id) override;
  Result<std::vector<Patient>> ListPatients() override;
  Status UpdatePatient(const Patient& patient) override;

  Result<CareTeam> CreateCareTeam(const CareTeam& team) override;
  Result<CareTeam> GetCareTeam(Id care_team_id) override;
  Result<std::vector<CareTeam>> ListCareTeams() override;
  Status AddCareTeamMember(Id care_team_id, Id user_id, Instant at) override;
  Status RemoveCareTeamMember(Id care_team_id, Id user_id) override;
  Result<std::vector<CareTeamMember>> ListCareTeamMembers(Id care_team_id) override;
  Status AddCareTeamPatient(Id care_team_id, Id patient_id, Instant at) override;
  Status RemoveCareTeamPatient(Id care_team_id, Id patient_id) override;
  Result<std::vector<Patient>> ListCareTeamPatients(Id care_team_id) override;
  Result<std::vector<Patient>> ListVisiblePatients(Id user_id) override;
  Result<bool> CanSeePatient(Id user_id, Id patient_id) override;

  Status CreateSession(const Session& session) override;
  Result<Session> FindSession(std::string_view token_hash, Instant now) override;
  Result<SessionUser> FindSessionUser(std::string_view token_hash, Instant now) override;
  Status ExtendSession(std::string_view token_hash, Instant expires_at) override;
  Status DeleteSession(std::string_view token_hash) override;
  Result<int64_t> DeleteSessionsOfUser(Id user_id) override;
  Result<int64_t> DeleteExpiredSessions(Instant now) override;

  // Authentication (schema 4): sql_store_auth.cpp.
  Result<int64_t> DeleteOtherSessionsOfUser(Id user_id, std::string_view keep_token_hash) override;
  Result<int64_t> TrimSessionsOfUser(Id user_id, int keep) override;
  Status PutCalendarToken(const CalendarToken& token) override;
  Result<CalendarToken> FindCalendarToken(std::string_view token_hash) override;
  Result<CalendarToken> GetCalendarTokenOfPatient(Id patient_id) override;
  Status DeleteCalendarToken(Id patient_id) override;
  Result<std::optional<LoginThrottle>> CountLoginAttempt(std::string_view key, Instant at,
                                                         Instant forget_before) override;
  Status SetLoginThrottleState(std::string_view key, Instant next_attempt_at, bool locked) override;
  Status UncountLoginAttempt(std::string_view key) override;
  Result<std::optional<LoginThrottle>> GetLoginThrottle(std::string_view key) override;
  Result<std::vector<LoginThrottle>> ListLockedLoginThrottles(std::string_view key_prefix) override;
  Status ClearLoginThrottle(std::string_view key) override;
  Result<int64_t> DeleteLoginThrottlesBefore(Instant before) override;
  Result<TotpState> GetTotp(Id user_id) override;
  Status SetPendingTotp(Id user_id, const std::optional<std::string>& sealed_secret) override;
  Status EnableTotp(Id user_id, Instant at, int64_t step) override;
  Status DisableTotp(Id user_id) override;
  Result<bool> ClaimTotpStep(Id user_id, int64_t step) override;
  Status ReplaceRecoveryCodes(Id user_id, const std::vector<RecoveryCode>& codes) override;
  Result<std::vector<RecoveryCode>> ListRecoveryCodes(Id user_id) override;
  Result<bool> UseRecoveryCode(Id user_id, std::string_view lookup, Instant at) override;
  Result<std::optional<std::string>> GetSetting(std::string_view key) override;
  Status PutSetting(std::string_view key, std::string_view value) override;

  Result<Medication> CreateMedication(const Medication& medication) override;
  Result<Medication> GetMedication(Id patient_id, Id medication_id) override;
  Result<std::vector<Medication>> ListMedications(Id patient_id) override;
  Status UpdateMedication(const Medication& medication) override;
  Result<Condition> CreateCondition(const Condition& condition) override;
  Result<Condition> GetCondition(Id patient_id, Id condition_id) override;
  Result<std::vector<Condition>> ListConditions(Id patient_id) override;
  Status UpdateCondition(const Condition& condition) override;
  Result<Screening> CreateScreening(const Screening& screening) override;
  Result<Screening> GetScreening(Id patient_id, Id screening_id) override;
  Result<std::vector<Screening>> ListScreenings(Id patient_id) override;
  Result<Course> CreateCourse(const Course& course) override;
  Result<Course> GetCourse(Id patient_id, Id course_id) override;
  Result<std::vector<Course>> ListCourses(Id patient_id) override;
  Status SetCourseStatus(Id patient_id, Id course_id, CourseStatus status, std::optional<LocalDate> start_date,
                         Instant at) override;
  Result<PlanAdjustment> AdjustCourse(const PlanAdjustment& adjustment) override;
  Result<std::vector<PlanAdjustment>> ListPlanAdjustments(Id patient_id, Id course_id) override;
  Result<Prescription> CreatePrescription(const Prescription& prescription) override;
  Result<Prescription> GetPrescription(Id patient_id, Id prescription_id) override;
  Result<std::vector<Prescription>> ListPrescriptions(Id patient_id) override;
  Result<std::vector<Prescription>> ListPrescriptionsForPharmacy(std::string_view pharmacy) override;
  Status SetPrescriptionStatus(Id patient_id, Id prescription_id, PrescriptionStatus status,
                               std::optional<Id> pharmacist_user_id, Instant at) override;
  Result<DoseLogEntry> AddDoseLogEntry(const DoseLogEntry& entry) override;
  Result<std::vector<DoseLogEntry>> ListDoseLog(Id patient_id, LocalDate from, LocalDate to) override;

  Result<DiaryUpsertResult> UpsertDiary(const DiaryEntry& entry, std::optional<int> expected_revision) override;
  Result<std::vector<DiaryUpsertResult>> UpsertDiaryBatch(const std::vector<DiaryEntry>& entries) override;
  Result<DiaryEntry> GetDiary(Id patient_id, LocalDate local_date) override;
  Result<std::vector<DiaryEntry>> ListDiary(Id patient_id, LocalDate from, LocalDate to) override;
  Result<std::vector<DiaryEntry>> ListDiaryRevisions(Id patient_id, LocalDate local_date) override;

  // Diary settings (schema 11): sql_store_auth.cpp, beside the calendar tokens.
  Result<DiarySettingsRecord> GetDiarySettings(Id patient_id) override;
  Result<DiarySettingsRecord> PutDiarySettings(const DiarySettingsRecord& record,
                                               std::optional<int> expected_version) override;

  // Plan acknowledgments (schema 12): sql_store_auth.cpp.
  Result<PlanAcknowledgment> GetPlanAcknowledgment(Id patient_id) override;
  Status PutPlanAcknowledgment(const PlanAcknowledgment& ack) override;

  // Share links (schema 13): sql_store_auth.cpp.
  Result<ShareLink> CreateShareLink(const ShareLink& link) override;
  Result<ShareLink> FindShareLink(std::string_view token_hash) override;
  Result<std::vector<ShareLink>> ListShareLinks(Id patient_id) override;
  Status RevokeShareLink(Id patient_id, Id link_id, Instant at) override;

  // Push reminders (schema 14): sql_store_auth.cpp.
  Result<PushSubscription> AddPushSubscription(const PushSubscription& sub) override;
  Result<std::vector<PushSubscription>> ListPushSubscriptions(Id patient_id) override;
  Result<std::vector<PushSubscription>> ListLivePushSubscriptions() override;
  Status RevokePushSubscription(Id patient_id, Id id, Instant at, std::string_view reason) override;
  Result<bool> ClaimPushDelivery(Id subscription_id, std::string_view kind, std::string_view occasion,
                                 Instant at) override;
  Status SetPushDeliveryStatus(Id subscription_id, std::string_view kind, std::string_view occasion,
                               int status) override;
  Result<ServerKey> GetOrCreateServerKey(const ServerKey& candidate) override;

  Result<InstrumentResponse> CreateInstrumentResponse(const InstrumentResponse& response) override;
  Result<InstrumentResponse> GetInstrumentResponse(Id patient_id, Id response_id) override;
  Result<std::vector<InstrumentResponse>> ListInstrumentResponses(Id patient_id, std::string_view instrument) override;
  Result<AdverseEvent> CreateAdverseEvent(const AdverseEvent& event) override;
  Result<AdverseEvent> GetAdverseEvent(Id patient_id, Id adverse_event_id) override;
  Result<std::vector<AdverseEvent>> ListAdverseEvents(Id patient_id) override;

  Result<CourseDecision> CreateCourseDecision(const CourseDecision& decision) override;
  Result<std::vector<CourseDecision>> ListCourseDecisions(Id patient_id) override;
  Result<DoseDeviation> RecordDoseDeviation(const DoseDeviation& deviation) override;
  Result<std::vector<DoseDeviation>> ListDoseDeviations(Id patient_id) override;
  Result<FlagAcknowledgement> AcknowledgeFlag(const FlagAcknowledgement& acknowledgement) override;
  Result<std::vector<FlagAcknowledgement>> ListFlagAcknowledgements(Id patient_id) override;

  Result<AuditEvent> AppendAudit(const AuditEvent& event) override;
  Result<std::vector<AuditEvent>> AppendAuditBatch(const std::vector<AuditEvent>& events) override;
  Result<std::vector<AuditEvent>> ListAudit(const AuditQuery& query) override;
  Result<AuditVerification> VerifyAudit() override;

  // The clinic's workspace (issue 13): sql_store_clinic.cpp, except the last two (sql_store.cpp).
  Result<PatientDemographics> GetPatientDemographics(Id patient_id) override;
  Status PutPatientDemographics(const PatientDemographics& demographics) override;
  Result<Allergy> CreateAllergy(const Allergy& allergy) override;
  Result<Allergy> GetAllergy(Id patient_id, Id allergy_id) override;
  Result<std::vector<Allergy>> ListAllergies(Id patient_id) override;
  Status UpdateAllergy(const Allergy& allergy) override;
  Result<Pharmacy> CreatePharmacy(const Pharmacy& pharmacy) override;
  Result<Pharmacy> GetPharmacy(Id pharmacy_id) override;
  Result<std::vector<Pharmacy>> ListPharmacies() override;
  Status UpdatePharmacy(const Pharmacy& pharmacy) override;
  Status SetUserPharmacy(Id user_id, std::optional<Id> pharmacy_id, Instant at) override;
  Result<std::optional<Id>> GetUserPharmacy(Id user_id) override;
  Result<std::vector<Id>> ListPharmacyStaff(Id pharmacy_id) override;
  Status PutPrescriberProfile(const PrescriberProfile& profile) override;
  Result<PrescriberProfile> GetPrescriberProfile(Id user_id) override;
  Result<SigningKey> CreateSigningKey(const SigningKey& key) override;
  Result<SigningKey> GetActiveSigningKey(Id user_id) override;
  Result<SigningKey> GetSigningKey(Id key_id) override;
  Status SignPrescription(Id patient_id, Id prescription_id, Instant signed_at,
                          const std::string& signature_json) override;
  Status CancelPrescription(Id patient_id, Id prescription_id, const std::string& reason,
                            std::optional<Id> pharmacist_user_id, Instant at) override;
  Result<std::vector<Prescription>> ListPharmacyOrders(Id pharmacy_id) override;
  Result<std::vector<Prescription>> ListSignedPrescriptions() override;
  Result<PrescriptionEvent> AddPrescriptionEvent(const PrescriptionEvent& event) override;
  Result<std::vector<PrescriptionEvent>> ListPrescriptionEvents(Id patient_id) override;
  Result<AccountCode> CreateAccountCode(const AccountCode& code) override;
  Result<AccountCode> FindAccountCode(std::string_view code_hash) override;
  Status UseAccountCode(Id code_id, Id used_by, Instant at) override;
  Result<std::vector<AccountCode>> ListAccountCodes(std::optional<Id> patient_id, std::optional<Id> user_id) override;
  Result<Message> CreateMessage(const Message& message) override;
  Result<std::vector<Message>> ListMessages(Id patient_id, Id after_id, int limit) override;
  Result<int64_t> MarkMessagesRead(Id patient_id, Id user_id, Id up_to_id, Instant at) override;
  Result<std::vector<MessageRead>> ListMessageReads(Id patient_id) override;
  Status UpdateAdverseEvent(const AdverseEvent& event) override;
  Result<std::vector<DiaryEntry>> ListDiaryRevisionsBetween(Id patient_id, LocalDate from, LocalDate to) override;

  Result<TaskResolution> CreateTaskResolution(const TaskResolution& resolution) override;
  Result<std::vector<TaskResolution>> ListTaskResolutions(Id patient_id) override;

  Result<IngredientLot> CreateIngredientLot(const IngredientLot& lot) override;
  Result<IngredientLot> GetIngredientLot(Id lot_id) override;
  Result<std::vector<IngredientLot>> ListIngredientLots(Id pharmacy_id) override;
  Result<Batch> CreateBatch(const Batch& batch) override;
  Result<Batch> GetBatch(Id batch_id) override;
  Result<std::vector<Batch>> ListBatches(Id pharmacy_id) override;
  Result<std::vector<Batch>> ListBatchesForPrescription(Id prescription_id) override;
  Status CheckBatch(Id batch_id, BatchStatus status, Id checked_by, Instant at, const std::string& qc_json,
                    const std::string& reason) override;
  Result<DispensingRecord> CreateDispensing(const DispensingRecord& record) override;
  Result<std::vector<DispensingRecord>> ListDispensings(Id patient_id) override;
  Result<std::vector<DispensingRecord>> ListBatchDispensings(Id batch_id) override;
  Result<Kit> CreateKit(const Kit& kit) override;
  Result<Kit> GetKit(Id kit_id) override;
  Result<Kit> GetKitOfBatch(Id batch_id) override;
  Result<std::vector<Kit>> ListKits(Id pharmacy_id) override;
  Result<KitUnblinding> UnblindKit(const KitUnblinding& unblinding) override;
  Result<std::vector<KitUnblinding>> ListKitUnblindings(Id kit_id) override;
  Result<Trial> CreateTrial(const Trial& trial) override;
  Result<Trial> GetTrial(Id trial_id) override;
  Result<std::vector<Trial>> ListTrials(Id patient_id) override;
  Result<std::vector<Trial>> ListPharmacyTrials(Id pharmacy_id) override;
  Result<Trial> ReplaceTrialProtocol(Id trial_id, const std::string& protocol_json,
                                     const std::string& protocol_sha256) override;
  Result<Trial> MoveTrial(Id trial_id, TrialStatus to, const Trial& change) override;
  Result<Trial> UnblindTrial(Id trial_id, const Trial& change) override;
  Result<TrialKit> AssignTrialKit(const TrialKit& kit) override;
  Result<std::vector<TrialKit>> ListTrialKits(Id trial_id) override;
  Result<TrialAnswer> RecordTrialAnswer(const TrialAnswer& answer) override;
  Result<std::vector<TrialAnswer>> ListTrialAnswers(Id trial_id) override;

  // The clinician's panel (issue 13, item 5): sql_store_panel.cpp.
  Result<std::vector<std::pair<Id, LocalDate>>> ListLatestDiaryDates(Id user_id) override;
  Result<std::vector<Course>> ListVisibleOpenCourses(Id user_id) override;
  Result<std::vector<std::pair<Id, LocalDate>>> ListTakenDoseDays(Id user_id, LocalDate from, LocalDate to) override;
  Result<std::vector<std::pair<Id, int64_t>>> ListPatientRevisions(Id user_id) override;

  Result<AuditHead> GetAuditHead() override;
  void SubmitAudit(AuditEvent event, std::function<void(Status)> done) override;

  Status BackupTo(const std::string& path) override;

 private:
  // How a call uses its connection: kRead runs without a transaction (one statement), kSnapshot
  // in a read transaction, kWrite in a write transaction (SQLite: BEGIN IMMEDIATE), kExclusive
  // holds the writer lock with no transaction open (backup API).
  enum class Mode { kRead, kSnapshot, kWrite, kExclusive };

  template <typename R, typename F>
  R Run(Mode mode, F&& fn);
  // Run() for the files beside sql_store.cpp, where Run's template definition is not visible:
  // `fn` returns Status or Result<T>; the answer is what Run would give.
  Status RunWork(Mode mode, const std::function<Status(Connection&)>& work);
  template <typename R, typename F>
  R RunOutside(Mode mode, F&& fn) {
    std::optional<R> out;
    const Status s = RunWork(mode, [&](Connection& c) -> Status {
      out.emplace(fn(c));
      return StatusOf(*out);
    });
    if (!out || (out->ok() && !s.ok())) return R(s);  // never ran, or ran and the commit failed
    return std::move(*out);
  }
  // Run for code in other files of the store (sql_store_auth.cpp), which cannot see the template:
  // `fn` runs as a write (kWrite) or a single read (kRead) and its Status is returned.
  Status RunWrite(const std::function<Status(Connection&)>& fn);
  Status RunRead(const std::function<Status(Connection&)>& fn);

  // One caller's work in a group commit; `status` is its own failure, or the commit's outcome.
  // A waiting caller's member lives on its stack; a submitted one (SubmitTransaction) is owned by
  // the group and deleted after its on_done has been called.
  struct GroupMember {
    const std::function<Status(Connection&)>* work = nullptr;
    std::function<Status(Connection&)> owned_work;  // submitted members: what `work` points to
    std::function<void(Status)> on_done;            // submitted members only
    Status status = Status::Ok();
    bool done = false;  // guarded by Group::mu
  };
  struct Group {
    std::mutex mu;
    std::condition_variable cv;            // waiting callers: a group has finished
    std::condition_variable committer_cv;  // the committer: work is queued and nobody leads
    std::vector<GroupMember*> queue;       // guarded by mu
    bool leading = false;                  // guarded by mu: a leader is running a group
    bool stopping = false;                 // guarded by mu: the store is being destroyed
    // Started on the first SubmitTransaction: SQLite, one committer that leads groups of the
    // submitted work; PostgreSQL, one worker per pool connection, each running one submission
    // at a time as its own transaction.
    std::vector<std::thread> committers;
  };
  // Runs `work` as a member of a group commit (see the file comment) and returns its outcome.
  Status GroupCommit(const std::function<Status(Connection&)>& work);
  // Takes the queue as one group, runs it (unlocking meanwhile), wakes the waiting members and
  // answers the submitted ones. REQUIRES: `lock` holds group_->mu and nobody leads.
  void LeadGroup(std::unique_lock<std::mutex>& lock);
  // The leader's part: one transaction for `batch`; sets every member's status.
  void RunGroup(const std::vector<GroupMember*>& batch);
  // The committer thread: leads a group whenever submitted work waits and nobody leads; drains
  // the queue before returning when the store is destroyed.
  void CommitterLoop();
  // A PostgreSQL worker: runs submitted work one transaction at a time; drains the queue too.
  void WorkerLoop();
  // Whether writes are grouped (SQLite, whose one writer makes each commit's fsync the cost that
  // matters). PostgreSQL runs concurrent transactions and shares WAL flushes itself, while a
  // group's statements would wait for one another's network round trips.
  bool grouped() const { return writer_mutex_ != nullptr; }

  Result<DiaryUpsertResult> UpsertDiaryOn(Connection& c, const DiaryEntry& entry, std::optional<int> expected_revision);
  Result<AuditEvent> AppendAuditOn(Connection& c, const AuditEvent& event);
  // Appends `events` in order inside the open transaction on `c`: one lock (PostgreSQL), one read
  // of the head, one INSERT of every row. Returns the stored events.
  Result<std::vector<AuditEvent>> AppendAuditsOn(Connection& c, std::span<const AuditEvent> events);

  // The PostgreSQL audit appender (SubmitAudit): one thread that takes every queued event and
  // appends them in one transaction, so that the chain's lock is taken once per batch instead of
  // once per event, and one commit (one WAL flush) serves the whole batch.
  struct PendingAudit {
    AuditEvent event;
    std::function<void(Status)> done;
  };
  struct AuditAppender {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<PendingAudit> queue;  // guarded by mu
    bool stopping = false;            // guarded by mu
    std::thread thread;               // started by the first SubmitAudit
  };
  void AuditAppenderLoop();

  Dialect dialect_;
  std::unique_ptr<ConnectionPool> pool_;  // null when bound_
  Connection* bound_ = nullptr;           // the transaction's connection, or null
  std::span<const Migration> migrations_;
  std::unique_ptr<std::mutex> writer_mutex_;  // SQLite top-level store only
  std::unique_ptr<Group> group_;              // top-level store only
  std::unique_ptr<AuditAppender> appender_;   // top-level PostgreSQL store only
};

}  // namespace ldn::store::internal

#endif  // LDN_STORE_SQL_STORE_H_
