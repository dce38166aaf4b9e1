// The clinic's workspace on a real server (issue 13; docs/clinic.md): invitations and password
// codes (single use, expiry, stored hashed), prescriptions as orders (computed content, routing to
// a pharmacy, signature by re-authentication, tamper detection, cancellation with a reason),
// messages with read receipts (never in the log), the medication list feeding the screening, the
// diary's revision history and the timeline.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include "server/account_codes.h"
#include "server/order_signing.h"
#include "server_fixture.h"

namespace ldn::testing {
namespace {

using store::Role;
using J = nlohmann::json;

class ClinicApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_file_ = std::tmpfile();
    f_ = std::make_unique<ServerFixture>(server::ApiOptions{}, server::HttpServerOptions{}, log_file_);
    const ServerFixture::CareTeamSeed seed = f_->SeedCareTeam("Clinic Patient");
    patient_ = seed.patient_id;
    doc_ = seed.doc;
    pharm_ = seed.pharm;
    pat_ = seed.pat;
    ASSERT_FALSE(doc_.empty() || pharm_.empty() || pat_.empty());
    f_->AddUser("admin", Role::kAdmin);
    admin_ = f_->Login("admin").token;
    store::Store& st = f_->store();
    const auto now = f_->clock().Now();
    doc_id_ = f_->Login("doc").user_id;
    // Two pharmacies: pharm works for the first, pharm2 (also in the care team) for the second.
    pharmacy_ =
        Created(f_->Send("POST", "/api/v1/pharmacies",
                         J{{"name", "Apotek One"}, {"address", "Street 1, Oslo"}, {"phone", "+47 1"}}.dump(), admin_));
    other_pharmacy_ =
        Created(f_->Send("POST", "/api/v1/pharmacies",
                         J{{"name", "Apotek Two"}, {"address", "Street 2"}, {"phone", "+47 2"}}.dump(), admin_));
    const store::Id pharm_id = f_->Login("pharm").user_id;
    EXPECT_EQ(f_->Send("PUT", "/api/v1/users/" + std::to_string(pharm_id) + "/pharmacy",
                       J{{"pharmacy_id", pharmacy_}}.dump(), admin_)
                  .status,
              200);
    const auto made = f_->Send(
        "POST", "/api/v1/users",
        J{{"username", "pharm2"}, {"role", "pharmacist"}, {"password", kTestPassword}, {"pharmacy_id", other_pharmacy_}}
            .dump(),
        admin_);
    EXPECT_EQ(made.status, 201) << made.body;
    auto teams = st.ListCareTeams();
    ASSERT_TRUE(teams.ok() && !teams->empty());
    ASSERT_TRUE(st.AddCareTeamMember(teams->front().id, made.Json()["id"].get<store::Id>(), now).ok());
    {
      // An account an admin made must choose its own password first (issue 17); pharm2 has.
      auto u = st.GetUser(made.Json()["id"].get<store::Id>());
      ASSERT_TRUE(u.ok());
      u->must_change_password = false;
      ASSERT_TRUE(st.UpdateUser(*u).ok());
      f_->EnrolTotp(u->id);  // and set up two-step login
    }
    pharm2_ = f_->Login("pharm2").token;
    EXPECT_EQ(f_->Send("PUT", "/api/v1/users/" + std::to_string(doc_id_) + "/prescriber",
                       J{{"full_name", "Dr Dana Doctor"},
                         {"profession", "physician"},
                         {"registration_number", "HPR 9144889"},
                         {"address", "Storgata 1, Oslo"}}
                           .dump(),
                       admin_)
                  .status,
              200);
    // The course gate (issue 12) wants a screening and 14 baseline days: screened, and the early
    // start overridden with a reason (the orders' dates below are computed from 2026-11-29).
    ASSERT_EQ(f_->Send("POST", P("/screenings"), "{}", doc_).status, 201);
    auto r = f_->Send("POST", P("/courses"),
                      J{{"protocol", "ldnrt-standard"},
                        {"start", "2026-11-29"},
                        {"overrides", J::array({J{{"code", "start.before_baseline"},
                                                  {"reason", "Baseline diary kept on paper before the app."}}})}}
                          .dump(),
                      doc_);
    ASSERT_EQ(r.status, 201) << r.body;
    course_ = r.Json()["id"].get<int64_t>();
  }
  void TearDown() override {
    f_.reset();
    std::fclose(log_file_);
  }
  static store::Id Created(const TestResponse& r) {
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.Json()["id"].get<store::Id>() : 0;
  }
  std::string P(const std::string& rest = "") const { return "/api/v1/patients/" + std::to_string(patient_) + rest; }
  std::string Log() {
    std::fflush(log_file_);
    std::rewind(log_file_);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, log_file_)) > 0) out.append(buf, n);
    return out;
  }
  TestResponse Order(const J& extra = J::object()) {
    J body = {
        {"course_id", course_}, {"pharmacy_id", pharmacy_}, {"formulation", {{"form", "liquid"}, {"strength_mg", 1}}}};
    for (const auto& [k, v] : extra.items()) body[k] = v;
    return f_->Send("POST", P("/prescriptions"), body.dump(), doc_);
  }
  void SetBirthDate() {
    ASSERT_EQ(f_->Send("PATCH", P(), J{{"date_of_birth", "1979-05-14"}, {"address", "Parkveien 2, Oslo"}}.dump(), doc_)
                  .status,
              200);
  }

  std::FILE* log_file_ = nullptr;
  std::unique_ptr<ServerFixture> f_;
  store::Id patient_ = 0, pharmacy_ = 0, other_pharmacy_ = 0, doc_id_ = 0;
  int64_t course_ = 0;
  std::string doc_, pharm_, pharm2_, pat_, admin_;
};

// ---- Invitations and password codes ------------------------------------------------------------

TEST_F(ClinicApiTest, AnInvitationMakesOneAccountOnceAndIsStoredHashed) {
  // A new patient of the clinic, without an account.
  auto created = f_->Send("POST", "/api/v1/patients",
                          J{{"display_name", "New Patient"},
                            {"time_zone", "Europe/Oslo"},
                            {"care_team_id", f_->store().ListCareTeams()->front().id},
                            {"date_of_birth", "1990-02-03"},
                            {"sex_at_birth", "female"},
                            {"language", "nb"},
                            {"jurisdiction", "NO"}}
                              .dump(),
                          doc_);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Json()["date_of_birth"], "1990-02-03");
  EXPECT_EQ(created.Json()["jurisdiction"], "NO");
  const std::string pp = "/api/v1/patients/" + std::to_string(created.Json()["id"].get<int64_t>());
  auto inv = f_->Send("POST", pp + "/invitations", "", doc_);
  ASSERT_EQ(inv.status, 201) << inv.body;
  const std::string code = inv.Json()["code"];
  EXPECT_EQ(code.size(), 29u);  // 24 characters in groups of four
  EXPECT_EQ(inv.Json()["link"], "/#/invite/" + code);
  // 7 days from now (the fixture's clock).
  EXPECT_EQ(inv.Json()["expires_at"], "2026-11-29T12:00:00Z");

  // Stored hashed: the code is nowhere in the database file, its SHA-256 is.
  {
    SQLite::Database db((f_->dir() / "test.db").string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT code_hash FROM account_codes");
    ASSERT_TRUE(q.executeStep());
    const std::string stored = q.getColumn(0).getString();
    EXPECT_EQ(stored, server::CodeHash(server::NormalizeCode(code)));
    EXPECT_EQ(stored.find(server::NormalizeCode(code)), std::string::npos);
  }
  std::ifstream file(f_->dir() / "test.db", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find(server::NormalizeCode(code)), std::string::npos);

  // Lower case and without dashes is the same code.
  std::string typed;
  for (char c : code) {
    if (c != '-') typed.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  auto accepted = f_->Send("POST", "/api/v1/invitations/accept",
                           J{{"code", typed}, {"username", "newpat"}, {"password", "a long new password"}}.dump());
  ASSERT_EQ(accepted.status, 201) << accepted.body;
  EXPECT_EQ(accepted.Json()["patient_id"], created.Json()["id"]);
  const Account login = f_->Login("newpat", "a long new password");
  ASSERT_FALSE(login.token.empty());
  EXPECT_EQ(f_->Send("GET", pp, "", login.token).status, 200);  // their own record
  // Single use.
  auto again = f_->Send("POST", "/api/v1/invitations/accept",
                        J{{"code", code}, {"username", "someone"}, {"password", "another long password"}}.dump());
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.Json()["error"]["field"], "code");
  EXPECT_EQ(f_->store().GetUserByUsername("someone").status().code(), Code::kNotFound);
  // The patient has an account now: no new invitation.
  EXPECT_EQ(f_->Send("POST", pp + "/invitations", "", doc_).status, 409);
  const J listed = f_->Send("GET", pp + "/invitations", "", doc_).Json();
  EXPECT_EQ(listed["account"]["username"], "newpat");
  EXPECT_EQ(listed["invitations"][0]["status"], "used");
  EXPECT_EQ(listed.dump().find(code), std::string::npos);
}

TEST_F(ClinicApiTest, ANewPatientGoesToTheClinicianSOnlyTeamUnlessTheyNameOne) {
  // The demo clinician belongs to one team: no care_team_id needed.
  auto created = f_->Send("POST", "/api/v1/patients",
                          J{{"display_name", "Teamless Request"}, {"time_zone", "Europe/Oslo"}}.dump(), doc_);
  ASSERT_EQ(created.status, 201) << created.body;
  const store::Id id = created.Json()["id"].get<store::Id>();
  const store::Id team = f_->store().ListCareTeams()->front().id;
  bool in_team = false;
  const auto team_patients = f_->store().ListCareTeamPatients(team);
  ASSERT_TRUE(team_patients.ok());
  for (const auto& p : *team_patients) in_team = in_team || p.id == id;
  EXPECT_TRUE(in_team);
  // In two teams, the clinician must say which; nothing is created meanwhile.
  store::CareTeam second;
  second.name = "Second team";
  second.created_at = f_->store().GetPatient(id)->created_at;
  auto made = f_->store().CreateCareTeam(second);
  ASSERT_TRUE(made.ok());
  ASSERT_TRUE(f_->store().AddCareTeamMember(made->id, doc_id_, second.created_at).ok());
  const size_t before = f_->store().ListPatients()->size();
  auto ambiguous =
      f_->Send("POST", "/api/v1/patients", J{{"display_name", "Which Team"}, {"time_zone", "UTC"}}.dump(), doc_);
  EXPECT_EQ(ambiguous.status, 400) << ambiguous.body;
  EXPECT_EQ(ambiguous.Json()["error"]["field"], "care_team_id");
  EXPECT_NE(ambiguous.Json()["error"]["message"].get<std::string>().find("2 care teams"), std::string::npos);
  EXPECT_EQ(f_->store().ListPatients()->size(), before);
  auto named =
      f_->Send("POST", "/api/v1/patients",
               J{{"display_name", "Which Team"}, {"time_zone", "UTC"}, {"care_team_id", made->id}}.dump(), doc_);
  EXPECT_EQ(named.status, 201) << named.body;
}

TEST_F(ClinicApiTest, InvitationsExpireAndTheNewestReplacesTheOld) {
  const store::Id team = f_->store().ListCareTeams()->front().id;
  auto created =
      f_->Send("POST", "/api/v1/patients",
               J{{"display_name", "Late Patient"}, {"time_zone", "UTC"}, {"care_team_id", team}}.dump(), doc_);
  ASSERT_EQ(created.status, 201);
  const std::string pp = "/api/v1/patients/" + std::to_string(created.Json()["id"].get<int64_t>());
  const std::string first = f_->Send("POST", pp + "/invitations", "", doc_).Json()["code"];
  const std::string second = f_->Send("POST", pp + "/invitations", "", doc_).Json()["code"];
  auto replaced = f_->Send("POST", "/api/v1/invitations/accept",
                           J{{"code", first}, {"username", "late"}, {"password", "a long new password"}}.dump());
  EXPECT_EQ(replaced.status, 409);
  EXPECT_NE(replaced.Json()["error"]["message"].get<std::string>().find("newer"), std::string::npos);
  f_->clock().Advance(std::chrono::hours(24 * 7));  // exactly at expiry: no longer valid
  auto expired = f_->Send("POST", "/api/v1/invitations/accept",
                          J{{"code", second}, {"username", "late"}, {"password", "a long new password"}}.dump());
  EXPECT_EQ(expired.status, 409) << expired.body;
  EXPECT_NE(expired.Json()["error"]["message"].get<std::string>().find("expired"), std::string::npos);
  EXPECT_EQ(f_->store().GetUserByUsername("late").status().code(), Code::kNotFound);
  // An unknown code is a 400, and wrong codes are throttled per address.
  for (int i = 0; i < 20; ++i) {
    auto wrong = f_->Send(
        "POST", "/api/v1/invitations/accept",
        J{{"code", "0000-0000-0000-0000-0000-0000"}, {"username", "x"}, {"password", "long enough pw"}}.dump());
    ASSERT_EQ(wrong.status, 400) << i << wrong.body;
  }
  EXPECT_EQ(f_->Send("POST", "/api/v1/invitations/accept",
                     J{{"code", second}, {"username", "x"}, {"password", "long enough pw"}}.dump())
                .status,
            429);
}

TEST_F(ClinicApiTest, StaffSetTheirOwnPasswordsWithOneTimeCodes) {
  auto made = f_->Send("POST", "/api/v1/users", J{{"username", "nurse.doc"}, {"role", "clinician"}}.dump(), admin_);
  ASSERT_EQ(made.status, 201) << made.body;
  const J code = made.Json()["password_code"];
  ASSERT_TRUE(code.is_object());
  EXPECT_EQ(code["expires_at"], "2026-11-23T12:00:00Z");  // 24 hours
  EXPECT_EQ(made.body.find("password_hash"), std::string::npos);
  // No password yet: nobody can log in, whatever they type.
  EXPECT_TRUE(f_->Login("nurse.doc", "!password-not-set").token.empty());
  auto users = f_->Send("GET", "/api/v1/users", "", admin_).Json()["users"];
  for (const auto& u : users) {
    if (u["username"] == "nurse.doc") {
      EXPECT_FALSE(u["password_set"].get<bool>());
    }
  }
  auto set = f_->Send("POST", "/api/v1/password-codes/accept",
                      J{{"code", code["code"]}, {"password", "my own long password"}}.dump());
  ASSERT_EQ(set.status, 200) << set.body;
  const Account in = f_->Login("nurse.doc", "my own long password");
  ASSERT_FALSE(in.token.empty());
  EXPECT_EQ(f_->Send("POST", "/api/v1/password-codes/accept",
                     J{{"code", code["code"]}, {"password", "another long password"}}.dump())
                .status,
            409);  // single use

  // A reset by the admin: a new code; using it ends the user's sessions.
  auto reset = f_->Send("POST", "/api/v1/users/" + std::to_string(in.user_id) + "/password-code", "", admin_);
  ASSERT_EQ(reset.status, 201) << reset.body;
  EXPECT_EQ(f_->Send("GET", "/api/v1/me", "", in.token).status, 200);  // the old password still works meanwhile
  f_->clock().Advance(std::chrono::hours(25));
  admin_ = f_->Login("admin").token;  // the admin's session expired meanwhile
  EXPECT_EQ(f_->Send("POST", "/api/v1/password-codes/accept",
                     J{{"code", reset.Json()["code"]}, {"password", "reset long password"}}.dump())
                .status,
            409);  // expired after 24 hours
  reset = f_->Send("POST", "/api/v1/users/" + std::to_string(in.user_id) + "/password-code", "", admin_);
  ASSERT_EQ(f_->Send("POST", "/api/v1/password-codes/accept",
                     J{{"code", reset.Json()["code"]}, {"password", "nurse.doc"}}.dump())
                .status,
            400);  // not the username
  ASSERT_EQ(f_->Send("POST", "/api/v1/password-codes/accept",
                     J{{"code", reset.Json()["code"]}, {"password", "reset long password"}}.dump())
                .status,
            200);
  EXPECT_EQ(f_->Send("GET", "/api/v1/me", "", in.token).status, 401);  // sessions ended
  EXPECT_FALSE(f_->Login("nurse.doc", "reset long password").token.empty());
}

// ---- Orders ----------------------------------------------------------------------------------------

TEST_F(ClinicApiTest, AnOrderIsComputedFromThePlanAndNeedsTheLegalContent) {
  auto r = Order();
  EXPECT_EQ(r.status, 409) << r.body;  // no date of birth yet
  EXPECT_EQ(r.Json()["error"]["field"], "patient.date_of_birth");
  SetBirthDate();
  r = Order({{"days_supply", 61}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["error"]["field"], "days_supply");  // the Fawcett liquid's BUD is 60 days
  r = Order({{"formulation", {{"form", "capsule"}, {"strength_mg", 1.5}}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["error"]["field"], "formulation.strength_mg");  // 1 mg steps
  r = Order({{"pharmacy_id", 999}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Json()["error"]["field"], "pharmacy_id");

  r = Order({{"renewals", {{"number", 2}, {"interval_days", 28}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  const J o = r.Json()["formulation"];
  // The plan starts 2026-11-29 (ldnrt-standard: 1, 2, 3, 4 mg a week each, then 4.5 mg): the first
  // 28 days need 70 mg = 70 mL of 1 mg/mL; each renewal 28 x 4.5 = 126 mL.
  EXPECT_EQ(o["start"], "2026-11-29");
  EXPECT_EQ(o["quantity"], 70);
  EXPECT_EQ(o["unit"], "mL");
  EXPECT_EQ(o["days_supply"], 28);
  ASSERT_EQ(o["fills"].size(), 3u);
  EXPECT_EQ(o["fills"][1]["quantity"], 126);
  EXPECT_EQ(o["lines"][0]["text"], "2026-11-29 to 2026-12-05: 1 mg = 1 mL by mouth once daily at bedtime");
  EXPECT_EQ(o["bud"]["days"], 60);
  EXPECT_EQ(o["patient"]["date_of_birth"], "1979-05-14");
  EXPECT_EQ(o["prescriber"]["registration_number"], "HPR 9144889");
  EXPECT_EQ(o["pharmacy"]["name"], "Apotek One");
  EXPECT_FALSE(r.Json()["signed"].get<bool>());
  EXPECT_EQ(r.Json()["pharmacy"], "Apotek One");
}

TEST_F(ClinicApiTest, OnlyTheOrdersPharmacySeesItOnceSignedAndAChangeIsDetected) {
  SetBirthDate();
  auto r = Order();
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string rx = P("/prescriptions/" + std::to_string(r.Json()["id"].get<int64_t>()));
  // A draft: no pharmacist sees it.
  EXPECT_EQ(f_->Send("GET", rx, "", pharm_).status, 404);
  EXPECT_EQ(f_->Send("GET", "/api/v1/pharmacy/orders", "", pharm_).Json()["orders"].size(), 0u);
  // Signing: the prescriber's own password; another clinician may not sign it.
  auto wrong = f_->Send("POST", rx + "/sign", J{{"password", "not my password"}}.dump(), doc_);
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(wrong.Json()["error"]["field"], "password");
  auto s = f_->Send("POST", rx + "/sign", J{{"password", kTestPassword}}.dump(), doc_);
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_TRUE(s.Json()["signed"].get<bool>());
  EXPECT_EQ(s.Json()["signature"]["alg"], "Ed25519");
  EXPECT_EQ(f_->Send("POST", rx + "/sign", J{{"password", kTestPassword}}.dump(), doc_).status, 409);
  // The order's pharmacy sees it; the other pharmacy's pharmacist, in the same care team, gets 404
  // everywhere.
  EXPECT_EQ(f_->Send("GET", rx, "", pharm_).status, 200);
  EXPECT_EQ(f_->Send("GET", "/api/v1/pharmacy/orders", "", pharm_).Json()["orders"].size(), 1u);
  auto theirs = f_->Send("GET", rx, "", pharm2_);
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(theirs.body.find("Clinic Patient"), std::string::npos);
  EXPECT_EQ(f_->Send("GET", rx + "/pdf", "", pharm2_).status, 404);
  EXPECT_EQ(f_->Send("POST", rx + "/worksheet", J{{"volume_ml", 100}}.dump(), pharm2_).status, 404);
  EXPECT_EQ(f_->Send("PUT", rx + "/status", J{{"status", "verified"}}.dump(), pharm2_).status, 404);
  EXPECT_EQ(f_->Send("GET", P("/prescriptions"), "", pharm2_).Json()["prescriptions"].size(), 0u);
  EXPECT_EQ(f_->Send("GET", "/api/v1/pharmacy/orders", "", pharm2_).Json()["orders"].size(), 0u);
  // The worksheet and the PDF work for the order's pharmacy.
  auto worksheet = f_->Send("POST", rx + "/worksheet", J{{"volume_ml", 100}}.dump(), pharm_);
  EXPECT_EQ(worksheet.status, 200) << worksheet.body;
  auto pdf = f_->Send("GET", rx + "/pdf", "", pharm_);
  EXPECT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.body.rfind("%PDF-", 0), 0u);

  // Every signature verifies ...
  auto verified = f_->Send("GET", "/api/v1/prescriptions/verify", "", admin_);
  ASSERT_EQ(verified.status, 200);
  EXPECT_TRUE(verified.Json()["ok"].get<bool>()) << verified.body;
  EXPECT_EQ(verified.Json()["checked"], 1);
  // ... until someone changes the stored order behind the server's back: 70 mL becomes 700.
  {
    SQLite::Database db((f_->dir() / "test.db").string(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE prescriptions SET formulation = replace(formulation, '\"quantity\":70', '\"quantity\":700')");
  }
  verified = f_->Send("GET", "/api/v1/prescriptions/verify", "", admin_);
  EXPECT_FALSE(verified.Json()["ok"].get<bool>());
  ASSERT_EQ(verified.Json()["problems"].size(), 1u);
  EXPECT_NE(verified.Json()["problems"][0]["problem"].get<std::string>().find("content changed"), std::string::npos);
  // Forging the stored hash as well does not help: the signature no longer verifies.
  auto stored = f_->store().ListSignedPrescriptions();
  ASSERT_TRUE(stored.ok() && stored->size() == 1);
  J sig = J::parse((*stored)[0].signature_json);
  sig["content_sha256"] = server::Sha256Hex(server::CanonicalOrderText((*stored)[0], *(*stored)[0].signed_at));
  {
    SQLite::Database db((f_->dir() / "test.db").string(), SQLite::OPEN_READWRITE);
    SQLite::Statement u(db, "UPDATE prescriptions SET signature = ?");
    u.bind(1, sig.dump());
    u.exec();
  }
  verified = f_->Send("GET", "/api/v1/prescriptions/verify", "", admin_);
  ASSERT_EQ(verified.Json()["problems"].size(), 1u);
  EXPECT_NE(verified.Json()["problems"][0]["problem"].get<std::string>().find("does not verify"), std::string::npos);
}

// The inbox (issue 13; inbox_api_test.cpp has the other kinds): an unsigned order is a task until
// it is signed; "done" without the signature is refused; a second draft can be dismissed.
TEST_F(ClinicApiTest, AnUnsignedOrderIsATaskUntilItIsSigned) {
  SetBirthDate();
  auto r = Order();
  ASSERT_EQ(r.status, 201) << r.body;
  const int64_t id = r.Json()["id"];
  const std::string key = "prescription." + std::to_string(id);
  auto to_sign = [&] {
    std::vector<std::string> keys;
    const J inbox = f_->Send("GET", "/api/v1/inbox", "", doc_).Json();
    for (const auto& t : inbox["tasks"]) {
      if (t["kind"] == "prescription_to_sign") keys.push_back(t["key"]);
    }
    return keys;
  };
  EXPECT_EQ(to_sign(), std::vector<std::string>{key});
  auto done = f_->Send("POST", P("/tasks/resolve"), J{{"key", key}, {"resolution", "done"}}.dump(), doc_);
  EXPECT_EQ(done.status, 409) << done.body;
  EXPECT_EQ(done.Json()["error"]["field"], "resolution");
  ASSERT_EQ(f_->Send("POST", P("/prescriptions/" + std::to_string(id) + "/sign"),
                     J{{"password", kTestPassword}}.dump(), doc_)
                .status,
            200);
  EXPECT_TRUE(to_sign().empty());
  // Another draft, dismissed with a reason: it stays a draft, the pharmacy still cannot see it.
  r = Order();
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string second = "prescription." + std::to_string(r.Json()["id"].get<int64_t>());
  auto dismissed = f_->Send("POST", P("/tasks/resolve"),
                            J{{"key", second}, {"resolution", "dismissed"}, {"note", "Duplicate of the signed one."}}
                                .dump(),
                            doc_);
  ASSERT_EQ(dismissed.status, 201) << dismissed.body;
  EXPECT_TRUE(to_sign().empty());
  EXPECT_EQ(f_->Send("GET", "/api/v1/pharmacy/orders", "", pharm_).Json()["orders"].size(), 1u);
}

TEST_F(ClinicApiTest, ACancellationCarriesAReasonThePharmacySees) {
  SetBirthDate();
  auto r = Order();
  ASSERT_EQ(r.status, 201);
  const std::string rx = P("/prescriptions/" + std::to_string(r.Json()["id"].get<int64_t>()));
  ASSERT_EQ(f_->Send("POST", rx + "/sign", J{{"password", kTestPassword}}.dump(), doc_).status, 200);
  EXPECT_EQ(f_->Send("PUT", rx + "/status", J{{"status", "cancelled"}}.dump(), doc_).status, 400);
  auto c = f_->Send("PUT", rx + "/status", J{{"status", "cancelled"}, {"reason", "dose changed"}}.dump(), doc_);
  ASSERT_EQ(c.status, 200) << c.body;
  const J queue = f_->Send("GET", "/api/v1/pharmacy/orders", "", pharm_).Json();
  ASSERT_EQ(queue["orders"].size(), 1u);
  EXPECT_EQ(queue["orders"][0]["status"], "cancelled");
  EXPECT_EQ(queue["orders"][0]["cancel_reason"], "dose changed");
  const J events = f_->Send("GET", rx, "", pharm_).Json()["events"];
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2]["kind"], "cancelled");
  EXPECT_EQ(events[2]["note"], "dose changed");
}

// ---- Messages ---------------------------------------------------------------------------------------

TEST_F(ClinicApiTest, MessagesWithReadReceiptsNeverInTheLog) {
  const std::string secret = "my neighbour's dog ate my capsules";
  auto sent = f_->Send("POST", P("/messages"), J{{"body", secret + "\n"}, {"client_id", "m-1"}}.dump(), pat_);
  ASSERT_EQ(sent.status, 201) << sent.body;
  EXPECT_EQ(sent.Json()["body"], secret);  // trailing white space trimmed
  EXPECT_EQ(f_->Send("POST", P("/messages"), J{{"body", secret}, {"client_id", "m-1"}}.dump(), pat_).Json()["id"],
            sent.Json()["id"]);  // a retry is stored once
  J thread = f_->Send("GET", P("/messages"), "", doc_).Json();
  ASSERT_EQ(thread["messages"].size(), 1u);
  EXPECT_EQ(thread["unread"], 1);
  EXPECT_EQ(thread["messages"][0]["sender_name"], "Clinic Patient");
  EXPECT_EQ(thread["messages"][0]["sender_role"], "patient");
  ASSERT_EQ(f_->Send("POST", P("/messages/read"), J{{"up_to_id", sent.Json()["id"]}}.dump(), doc_).status, 200);
  EXPECT_EQ(f_->Send("GET", P("/messages"), "", doc_).Json()["unread"], 0);
  ASSERT_EQ(
      f_->Send("POST", P("/messages"), J{{"body", "Call the pharmacy; they will replace them."}}.dump(), doc_).status,
      201);
  thread = f_->Send("GET", P("/messages"), "", pat_).Json();
  ASSERT_EQ(thread["messages"].size(), 2u);
  EXPECT_EQ(thread["unread"], 1);
  EXPECT_TRUE(thread["messages"][0]["mine"].get<bool>());
  ASSERT_EQ(thread["messages"][0]["read_by"].size(), 1u);  // the patient sees that the clinic read it
  EXPECT_EQ(thread["messages"][0]["read_by"][0]["name"], "Dr Dana Doctor");
  EXPECT_EQ(thread["messages"][1]["sender_name"], "Dr Dana Doctor");
  // A pharmacist is not part of the thread.
  EXPECT_EQ(f_->Send("GET", P("/messages"), "", pharm_).status, 403);
  // Audited, and never in the log or the audit trail.
  store::AuditQuery q;
  q.patient_id = patient_;
  auto events = f_->store().ListAudit(q);
  ASSERT_TRUE(events.ok());
  int message_events = 0;
  for (const auto& e : *events) {
    message_events += e.action.rfind("message.", 0) == 0;
    EXPECT_EQ(e.detail.find("neighbour"), std::string::npos);
  }
  EXPECT_GE(message_events, 5);
  EXPECT_EQ(Log().find("neighbour"), std::string::npos);
}

// ---- The chart ---------------------------------------------------------------------------------------

TEST_F(ClinicApiTest, AStoppedOpioidFeedsTheScreeningsWashout) {
  auto m = f_->Send("POST", P("/medications"),
                    J{{"name", "tramadol"}, {"dose", "50 mg twice daily"}, {"source", "prescribed"}}.dump(), doc_);
  ASSERT_EQ(m.status, 201) << m.body;
  const std::string med = P("/medications/" + std::to_string(m.Json()["id"].get<int64_t>()));
  ASSERT_EQ(f_->Send("PATCH", med, J{{"dose", "50 mg once daily"}}.dump(), doc_).status, 200);
  auto stopped = f_->Send("PATCH", med, J{{"stop_date", "2026-11-18"}, {"stop_reason", "before LDN"}}.dump(), doc_);
  ASSERT_EQ(stopped.status, 200) << stopped.body;
  const J s = stopped.Json();
  EXPECT_FALSE(s["active"].get<bool>());
  EXPECT_EQ(s["last_taken"], "2026-11-18");  // the stop date, when no later dose is known
  ASSERT_EQ(s["history"].size(), 3u);
  EXPECT_NE(s["history"][1]["change"].get<std::string>().find("dose 50 mg twice daily -> 50 mg once daily"),
            std::string::npos);
  auto screening = f_->Send("POST", P("/screenings"), "{}", doc_);
  ASSERT_EQ(screening.status, 201) << screening.body;
  EXPECT_EQ(screening.Json()["input"]["medications"][0]["last_taken"], "2026-11-18");
  EXPECT_EQ(screening.Json()["input"]["medications"][0]["current"], false);
  EXPECT_EQ(screening.Json()["verdict"], "wait");
  // Restarting clears the stop.
  auto restarted = f_->Send("PATCH", med, J{{"active", true}}.dump(), doc_);
  EXPECT_TRUE(restarted.Json()["active"].get<bool>());
  EXPECT_FALSE(restarted.Json().contains("stop_date"));
}

TEST_F(ClinicApiTest, DiaryChangesAndTheTimeline) {
  ASSERT_EQ(
      f_->Send("PUT", P("/diary/2026-11-20"), J{{"client_id", "d1"}, {"scale_version", 2}, {"items", {{"pain", 5}}}}.dump(), pat_).status,
      201);
  f_->clock().Advance(std::chrono::hours(2));
  doc_ = f_->Login("doc").token;  // a clinician's session ends after 30 minutes without use
  ASSERT_EQ(f_->Send("PUT", P("/diary/2026-11-20"),
                     J{{"client_id", "d2"}, {"scale_version", 2}, {"items", {{"pain", 7}, {"note", "worse"}}}}.dump(), pat_)
                .status,
            200);
  auto changes = f_->Send("GET", P("/diary-changes?from=2026-11-01"), "", doc_);
  ASSERT_EQ(changes.status, 200) << changes.body;
  const J days = changes.Json()["days"];
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0]["date"], "2026-11-20");
  const J second = days[0]["revisions"][1];
  EXPECT_EQ(second["recorded_at"], "2026-11-22T14:00:00Z");
  EXPECT_EQ(second["recorded_by_name"], "pat");
  ASSERT_EQ(second["changes"].size(), 2u);
  EXPECT_EQ(second["changes"][1]["item"], "pain");
  EXPECT_EQ(second["changes"][1]["from"], 5);
  EXPECT_EQ(second["changes"][1]["to"], 7);

  ASSERT_EQ(f_->Send("POST", P("/allergies"), J{{"substance", "penicillin"}}.dump(), doc_).status, 201);
  f_->clock().Advance(std::chrono::minutes(1));
  ASSERT_EQ(f_->Send("POST", P("/messages"), J{{"body", "hello"}}.dump(), pat_).status, 201);
  auto all = f_->Send("GET", P("/timeline"), "", doc_);
  ASSERT_EQ(all.status, 200) << all.body;
  std::set<std::string> kinds;
  const J all_events = all.Json()["events"];  // a range-for over a temporary's member would dangle
  for (const auto& e : all_events) kinds.insert(e["kind"].get<std::string>());
  for (const char* k : {"course", "allergy", "message", "diary_edit"}) EXPECT_TRUE(kinds.count(k)) << k << all.body;
  EXPECT_EQ(all.body.find("hello"), std::string::npos);  // a message's text stays in the thread
  auto only = f_->Send("GET", P("/timeline?kinds=allergy,message"), "", doc_).Json()["events"];
  ASSERT_EQ(only.size(), 2u);
  EXPECT_EQ(only[0]["kind"], "message");  // newest first
  EXPECT_EQ(f_->Send("GET", P("/timeline"), "", pat_).status, 403);
}

}  // namespace
}  // namespace ldn::testing
