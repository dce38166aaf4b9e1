// Blinded N-of-1 trials in SQL (issue 16; store.h has the contract; migration 0015): the trial with
// its protocol and state, the kit of each pair and the patient's answers at the end of each period.
#include <string>

#include <fmt/format.h>

#include "store/sql_helpers.h"
#include "store/sql_store.h"
#include "store/validation.h"

namespace ldn::store::internal {
namespace {

constexpr char kTrialColumns[] =
    "id, patient_id, prescription_id, protocol_json, protocol_sha256, status, start_date, designed_by, designed_at, "
    "started_by, started_at, ended_by, ended_at, end_reason, unblinded_by, unblinded_at, unblind_reason, "
    "emergency_unblinding";

std::optional<Instant> OptTime(RowReader& r) {
  const std::optional<int64_t> secs = r.OptInt();
  if (!secs) return std::nullopt;
  return Instant(std::chrono::seconds(*secs));
}

Result<Trial> ReadTrial(const Row& row) {
  RowReader r(row);
  Trial t;
  t.id = r.Int();
  t.patient_id = r.Int();
  t.prescription_id = r.Int();
  t.protocol_json = r.Text();
  t.protocol_sha256 = r.Text();
  const std::string status = r.Text();
  t.start_date = r.OptDate();
  t.designed_by = r.Int();
  t.designed_at = r.Time();
  t.started_by = r.OptInt();
  t.started_at = OptTime(r);
  t.ended_by = r.OptInt();
  t.ended_at = OptTime(r);
  t.end_reason = r.Text();
  t.unblinded_by = r.OptInt();
  t.unblinded_at = OptTime(r);
  t.unblind_reason = r.Text();
  t.emergency_unblinding = r.Int() != 0;
  LDN_RETURN_IF_ERROR(r.status());
  Result<TrialStatus> s = ParseTrialStatus(status);
  if (!s.ok()) return Status::Internal("trials.status: " + status);
  t.status = *s;
  return t;
}

Result<TrialKit> ReadTrialKit(const Row& row) {
  RowReader r(row);
  TrialKit k;
  k.trial_id = r.Int();
  k.patient_id = r.Int();
  k.pair = static_cast<int>(r.Int());
  k.kit_id = r.Int();
  k.assigned_by = r.Int();
  k.assigned_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return k;
}

Result<TrialAnswer> ReadTrialAnswer(const Row& row) {
  RowReader r(row);
  TrialAnswer a;
  a.trial_id = r.Int();
  a.patient_id = r.Int();
  a.period = static_cast<int>(r.Int());
  a.guess = r.Text();
  const std::optional<int64_t> pgic = r.OptInt();
  if (pgic) a.pgic = static_cast<int>(*pgic);
  a.answered_by = r.Int();
  a.answered_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return a;
}

Status CheckProtocolText(const std::string& json, const std::string& sha) {
  if (json.size() < 2 || json.size() > 8000) {
    return Status::InvalidArgument("protocol_json", "the canonical protocol is 2-8000 bytes");
  }
  bool hex = sha.size() == 64;
  for (char ch : sha) hex = hex && ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'));
  if (!hex) return Status::InvalidArgument("protocol_sha256", "64 lower-case hex digits");
  return Status::Ok();
}

Result<Trial> TrialIn(Connection& c, Id trial_id) {
  return QueryOne<Trial>(c, std::string("SELECT ") + kTrialColumns + " FROM trials WHERE id = $1", {trial_id},
                         &ReadTrial, "trial_id: trial " + std::to_string(trial_id) + " does not exist");
}

Status MustBe(const Trial& t, TrialStatus want, std::string_view doing) {
  if (t.status == want) return Status::Ok();
  return Status::Conflict(fmt::format("status: trial {} is {}; {} needs a {} trial", t.id, TrialStatusName(t.status),
                                      doing, TrialStatusName(want)));
}

}  // namespace

Result<Trial> SqlStore::CreateTrial(const Trial& trial) {
  LDN_RETURN_IF_ERROR(CheckProtocolText(trial.protocol_json, trial.protocol_sha256));
  return RunOutside<Result<Trial>>(Mode::kWrite, [&](Connection& c) -> Result<Trial> {
    LDN_RETURN_IF_ERROR(PatientMustExist(c, trial.patient_id));
    LDN_RETURN_IF_ERROR(UserMustExist(c, trial.designed_by, "designed_by"));
    LDN_RETURN_IF_ERROR(MustExist(c, "SELECT 1 FROM prescriptions WHERE patient_id = $1 AND id = $2",
                                  {trial.patient_id, trial.prescription_id},
                                  fmt::format("prescription_id: prescription {} of patient {} does not exist",
                                              trial.prescription_id, trial.patient_id)));
    LDN_ASSIGN_OR_RETURN(bool open, Exists(c,
                                           "SELECT 1 FROM trials WHERE patient_id = $1 AND status IN "
                                           "('designed', 'started')",
                                           {trial.patient_id}));
    if (open) {
      return Status::Conflict(
          "patient_id: the patient has a trial that is designed or running; end or cancel it "
          "first");
    }
    LDN_ASSIGN_OR_RETURN(
        Rows rows,
        c.Exec("INSERT INTO trials (patient_id, prescription_id, protocol_json, protocol_sha256, status, designed_by, "
               "designed_at) VALUES ($1, $2, $3, $4, 'designed', $5, $6) RETURNING id",
               {trial.patient_id, trial.prescription_id, trial.protocol_json, trial.protocol_sha256, trial.designed_by,
                Secs(trial.designed_at)}));
    LDN_ASSIGN_OR_RETURN(Id id, ReturnedId(rows));
    return TrialIn(c, id);
  });
}

Result<Trial> SqlStore::GetTrial(Id trial_id) {
  return RunOutside<Result<Trial>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<Trial>(c, std::string("SELECT ") + kTrialColumns + " FROM trials WHERE id = $1", {trial_id},
                           &ReadTrial, "trial " + std::to_string(trial_id) + " does not exist");
  });
}

Result<std::vector<Trial>> SqlStore::ListTrials(Id patient_id) {
  return RunOutside<Result<std::vector<Trial>>>(Mode::kRead, [&](Connection& c) {
    return Query<Trial>(c,
                        std::string("SELECT ") + kTrialColumns + " FROM trials WHERE patient_id = $1 ORDER BY id DESC",
                        {patient_id}, &ReadTrial);
  });
}

Result<std::vector<Trial>> SqlStore::ListPharmacyTrials(Id pharmacy_id) {
  return RunOutside<Result<std::vector<Trial>>>(Mode::kRead, [&](Connection& c) {
    return Query<Trial>(c,
                        "SELECT t.id, t.patient_id, t.prescription_id, t.protocol_json, t.protocol_sha256, t.status, "
                        "t.start_date, t.designed_by, t.designed_at, t.started_by, t.started_at, t.ended_by, "
                        "t.ended_at, t.end_reason, t.unblinded_by, t.unblinded_at, t.unblind_reason, "
                        "t.emergency_unblinding FROM trials t JOIN prescriptions p ON p.patient_id = t.patient_id "
                        "AND p.id = t.prescription_id WHERE p.pharmacy_id = $1 ORDER BY t.id DESC",
                        {pharmacy_id}, &ReadTrial);
  });
}

Result<Trial> SqlStore::ReplaceTrialProtocol(Id trial_id, const std::string& protocol_json,
                                             const std::string& protocol_sha256) {
  LDN_RETURN_IF_ERROR(CheckProtocolText(protocol_json, protocol_sha256));
  return RunOutside<Result<Trial>>(Mode::kWrite, [&](Connection& c) -> Result<Trial> {
    LDN_ASSIGN_OR_RETURN(Trial t, TrialIn(c, trial_id));
    LDN_RETURN_IF_ERROR(MustBe(t, TrialStatus::kDesigned, "changing the protocol"));
    LDN_RETURN_IF_ERROR(
        c.Exec("UPDATE trials SET protocol_json = $2, protocol_sha256 = $3 WHERE id = $1 AND status = 'designed'",
               {trial_id, protocol_json, protocol_sha256})
            .status());
    return TrialIn(c, trial_id);
  });
}

Result<Trial> SqlStore::MoveTrial(Id trial_id, TrialStatus to, const Trial& change) {
  return RunOutside<Result<Trial>>(Mode::kWrite, [&](Connection& c) -> Result<Trial> {
    LDN_ASSIGN_OR_RETURN(Trial t, TrialIn(c, trial_id));
    const bool allowed =
        (t.status == TrialStatus::kDesigned && (to == TrialStatus::kStarted || to == TrialStatus::kCancelled)) ||
        (t.status == TrialStatus::kStarted && to == TrialStatus::kEnded);
    if (!allowed) {
      return Status::Conflict(fmt::format("status: trial {} is {} and cannot become {}", t.id,
                                          TrialStatusName(t.status), TrialStatusName(to)));
    }
    if (to == TrialStatus::kStarted) {
      if (!change.start_date || !change.started_by || !change.started_at) {
        return Status::InvalidArgument("start_date", "a trial starts on a date, by someone, at a time");
      }
      LDN_RETURN_IF_ERROR(UserMustExist(c, *change.started_by, "started_by"));
      LDN_RETURN_IF_ERROR(c.Exec("UPDATE trials SET status = 'started', start_date = $2, started_by = $3, "
                                 "started_at = $4 WHERE id = $1",
                                 {trial_id, Day(*change.start_date), *change.started_by, Secs(*change.started_at)})
                              .status());
    } else {
      if (!change.ended_by || !change.ended_at) {
        return Status::InvalidArgument("ended_by", "a trial ends by someone, at a time");
      }
      LDN_RETURN_IF_ERROR(CheckText(change.end_reason, "end_reason", 0, 2000));
      LDN_RETURN_IF_ERROR(UserMustExist(c, *change.ended_by, "ended_by"));
      LDN_RETURN_IF_ERROR(
          c.Exec("UPDATE trials SET status = $2, ended_by = $3, ended_at = $4, end_reason = $5 WHERE id = $1",
                 {trial_id, TrialStatusName(to), *change.ended_by, Secs(*change.ended_at), change.end_reason})
              .status());
    }
    return TrialIn(c, trial_id);
  });
}

Result<Trial> SqlStore::UnblindTrial(Id trial_id, const Trial& change) {
  LDN_RETURN_IF_ERROR(CheckText(change.unblind_reason, "reason", 1, 2000));
  return RunOutside<Result<Trial>>(Mode::kWrite, [&](Connection& c) -> Result<Trial> {
    LDN_ASSIGN_OR_RETURN(Trial t, TrialIn(c, trial_id));
    if (t.status != TrialStatus::kStarted && t.status != TrialStatus::kEnded) {
      return Status::Conflict(fmt::format("status: trial {} is {}: only a trial that started has a blind to break",
                                          t.id, TrialStatusName(t.status)));
    }
    if (t.unblinded_at) return Status::Conflict(fmt::format("trial_id: trial {} is unblinded already", t.id));
    if (!change.unblinded_by || !change.unblinded_at) {
      return Status::InvalidArgument("unblinded_by", "an unblinding is by someone, at a time");
    }
    LDN_RETURN_IF_ERROR(UserMustExist(c, *change.unblinded_by, "unblinded_by"));
    LDN_RETURN_IF_ERROR(c.Exec("UPDATE trials SET unblinded_by = $2, unblinded_at = $3, unblind_reason = $4, "
                               "emergency_unblinding = $5 WHERE id = $1",
                               {trial_id, *change.unblinded_by, Secs(*change.unblinded_at), change.unblind_reason,
                                static_cast<int64_t>(change.emergency_unblinding ? 1 : 0)})
                            .status());
    return TrialIn(c, trial_id);
  });
}

Result<TrialKit> SqlStore::AssignTrialKit(const TrialKit& kit) {
  if (kit.pair < 1 || kit.pair > 12) return Status::InvalidArgument("pair", "a pair is numbered 1-12");
  return RunOutside<Result<TrialKit>>(Mode::kWrite, [&](Connection& c) -> Result<TrialKit> {
    LDN_ASSIGN_OR_RETURN(Trial t, TrialIn(c, kit.trial_id));
    LDN_RETURN_IF_ERROR(UserMustExist(c, kit.assigned_by, "assigned_by"));
    LDN_RETURN_IF_ERROR(MustBe(t, TrialStatus::kDesigned, "giving a pair its kit"));
    LDN_ASSIGN_OR_RETURN(Rows kit_rows,
                         c.Exec("SELECT patient_id, prescription_id, kit_code FROM kits WHERE id = $1", {kit.kit_id}));
    if (kit_rows.rows.empty()) return Status::NotFound(fmt::format("kit_id: kit {} does not exist", kit.kit_id));
    RowReader r(kit_rows.rows.front());
    const Id kit_patient = r.Int();
    const Id kit_order = r.Int();
    const std::string code = r.Text();
    LDN_RETURN_IF_ERROR(r.status());
    if (kit_patient != t.patient_id || kit_order != t.prescription_id) {
      return Status::Conflict(fmt::format("kit_id: kit {} was made for another order, not for order {} of the trial",
                                          code, t.prescription_id));
    }
    LDN_ASSIGN_OR_RETURN(bool used, Exists(c, "SELECT 1 FROM trial_kits WHERE kit_id = $1", {kit.kit_id}));
    if (used) return Status::Conflict(fmt::format("kit_id: kit {} is given to a pair already", code));
    LDN_ASSIGN_OR_RETURN(
        bool has, Exists(c, "SELECT 1 FROM trial_kits WHERE trial_id = $1 AND pair = $2", {kit.trial_id, kit.pair}));
    if (has) return Status::Conflict(fmt::format("pair: pair {} has its kit already", kit.pair));
    LDN_RETURN_IF_ERROR(
        c.Exec("INSERT INTO trial_kits (trial_id, patient_id, pair, kit_id, assigned_by, assigned_at) "
               "VALUES ($1, $2, $3, $4, $5, $6)",
               {kit.trial_id, t.patient_id, kit.pair, kit.kit_id, kit.assigned_by, Secs(kit.assigned_at)})
            .status());
    TrialKit stored = kit;
    stored.patient_id = t.patient_id;
    return stored;
  });
}

Result<std::vector<TrialKit>> SqlStore::ListTrialKits(Id trial_id) {
  return RunOutside<Result<std::vector<TrialKit>>>(Mode::kRead, [&](Connection& c) {
    return Query<TrialKit>(c,
                           "SELECT trial_id, patient_id, pair, kit_id, assigned_by, assigned_at FROM trial_kits "
                           "WHERE trial_id = $1 ORDER BY pair",
                           {trial_id}, &ReadTrialKit);
  });
}

Result<TrialAnswer> SqlStore::RecordTrialAnswer(const TrialAnswer& answer) {
  if (answer.period < 1 || answer.period > 24) return Status::InvalidArgument("period", "a period is numbered 1-24");
  if (answer.guess != "ldn" && answer.guess != "placebo" && answer.guess != "dont_know") {
    return Status::InvalidArgument("guess", "one of ldn, placebo, dont_know");
  }
  if (answer.pgic && (*answer.pgic < 1 || *answer.pgic > 7)) {
    return Status::InvalidArgument("pgic", "the PGIC is 1-7");
  }
  return RunOutside<Result<TrialAnswer>>(Mode::kWrite, [&](Connection& c) -> Result<TrialAnswer> {
    LDN_ASSIGN_OR_RETURN(Trial t, TrialIn(c, answer.trial_id));
    LDN_RETURN_IF_ERROR(UserMustExist(c, answer.answered_by, "answered_by"));
    LDN_RETURN_IF_ERROR(MustBe(t, TrialStatus::kStarted, "answering for a period"));
    LDN_ASSIGN_OR_RETURN(bool has, Exists(c, "SELECT 1 FROM trial_answers WHERE trial_id = $1 AND period = $2",
                                          {answer.trial_id, answer.period}));
    if (has) return Status::Conflict(fmt::format("period: period {} is answered already", answer.period));
    LDN_RETURN_IF_ERROR(
        c.Exec("INSERT INTO trial_answers (trial_id, patient_id, period, guess, pgic, answered_by, answered_at) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7)",
               {answer.trial_id, t.patient_id, answer.period, answer.guess,
                answer.pgic ? Param(static_cast<int64_t>(*answer.pgic)) : Param(std::nullopt), answer.answered_by,
                Secs(answer.answered_at)})
            .status());
    TrialAnswer stored = answer;
    stored.patient_id = t.patient_id;
    return stored;
  });
}

Result<std::vector<TrialAnswer>> SqlStore::ListTrialAnswers(Id trial_id) {
  return RunOutside<Result<std::vector<TrialAnswer>>>(Mode::kRead, [&](Connection& c) {
    return Query<TrialAnswer>(c,
                              "SELECT trial_id, patient_id, period, guess, pgic, answered_by, answered_at FROM "
                              "trial_answers WHERE trial_id = $1 ORDER BY period",
                              {trial_id}, &ReadTrialAnswer);
  });
}

}  // namespace ldn::store::internal
