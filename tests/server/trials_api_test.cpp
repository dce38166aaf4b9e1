// Blinded N-of-1 trials in the clinic through the API (issue 16; api_trials.cpp): the clinician
// designs a trial on a signed capsule order of a patient on a stable dose, the pharmacy gives each
// pair a placebo-twin kit, the clinician starts it and the protocol freezes with its hash in the
// audit chain; the clinician and the patient see kit and pack codes only, never which pack holds
// naltrexone; the design form's simulation.
#include <gtest/gtest.h>

#include "analysis/nof1_protocol.h"
#include "pharmacy_seed.h"
#include "server/api_util.h"
#include "server/orders.h"
#include "server/push_reminders.h"
#include "server/push_service.h"
#include "server/trials.h"
#include "server_fixture.h"
#include "support/command_output.h"

namespace ldn::testing {
namespace {

using store::Role;
using J = nlohmann::json;

class TrialsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server::ApiOptions options;
    options.web_root = std::filesystem::path(LDN_SOURCE_DIR) / "web";  // the catalogs of the patient's letter
    f_ = std::make_unique<ServerFixture>(options);
    const ServerFixture::CareTeamSeed seed = f_->SeedCareTeam("Trial Patient");
    patient_ = seed.patient_id;
    doc_ = seed.doc;
    pharm_ = seed.pharm;
    pat_ = seed.pat;
    // ldnrt-standard from 2026-10-01: 4.5 mg from 2026-10-29, before the fixture's today (2026-11-22).
    course_ = f_->ActiveCourse(patient_, doc_, "2026-10-01");
    ASSERT_NE(course_, 0);
    store::Store& st = f_->store();
    const auto now = f_->clock().Now();
    auto pharmacy = st.CreatePharmacy({0, "Trial Pharmacy", "Apotekgata 2, Oslo", "+47 22 00 00 01", now});
    ASSERT_TRUE(pharmacy.ok());
    pharmacy_ = pharmacy->id;
    ASSERT_TRUE(st.SetUserPharmacy(f_->Login("pharm").user_id, pharmacy_, now).ok());
    const store::User second = f_->AddUser("pharm2", Role::kPharmacist);
    ASSERT_TRUE(st.SetUserPharmacy(second.id, pharmacy_, now).ok());
    pharm2_ = f_->Login("pharm2").token;
    doc_user_ = *st.GetUserByUsername("doc");
    ASSERT_TRUE(
        st.PutPrescriberProfile({doc_user_.id, "Dr Trial Prescriber", "physician", "HPR 8", "Clinic 1", "", now}).ok());
    store::PatientDemographics demographics;
    demographics.patient_id = patient_;
    demographics.date_of_birth = *ParseDate("1971-03-02", "d");
    demographics.jurisdiction = "NO";
    demographics.updated_by = doc_user_.id;
    demographics.updated_at = now;
    ASSERT_TRUE(st.PutPatientDemographics(demographics).ok());
    rx_ = Order(true);
    tablets_ = RecordLot(*f_, pharm_, "naltrexone HCl 50 mg tablets", "NX2401", "2027-06-30", 60, "tablet");
    filler_ = RecordLot(*f_, pharm_, "microcrystalline cellulose (Avicel PH-105)", "MCC-90", "2028-01-31", 900, "g");
  }
  std::string P(const std::string& rest = "") const { return "/api/v1/patients/" + std::to_string(patient_) + rest; }

  // A signed order of 0.5 mg capsules (or 1 mg/mL liquid) from the course, verified by the pharmacy.
  store::Id Order(bool capsules) {
    server::DraftOrderRequest order;
    order.patient_id = patient_;
    order.course_id = course_;
    order.pharmacy_id = pharmacy_;
    order.capsules = capsules;
    order.strength_mg = capsules ? 0.5 : 1;
    order.prescriber_user_id = doc_user_.id;
    auto draft = server::DraftOrder(f_->store(), order, f_->clock().Now());
    EXPECT_TRUE(draft.ok()) << draft.status().ToString();
    if (!draft.ok()) return 0;
    EXPECT_TRUE(server::SignDraftOrder(f_->store(), patient_, draft->id, doc_user_, kTestPassword, f_->clock().Now(),
                                       f_->api().options().password_cost)
                    .ok());
    quantity_ = J::parse(draft->formulation_json)["quantity"].get<int64_t>();
    const auto r = f_->Send("PUT", P("/prescriptions/" + std::to_string(draft->id) + "/status"),
                            R"({"status":"verified"})", pharm_);
    EXPECT_EQ(r.status, 200) << r.body;
    return draft->id;
  }

  // A released batch of the order: the active capsules or their placebo twin.
  int64_t Batch(bool placebo) {
    const int64_t id = RecordCapsuleBatch(*f_, pharm_, rx_, quantity_, placebo, tablets_, filler_, "2026-11-20");
    if (id != 0) ReleaseBatch(*f_, pharm2_, id);
    return id;
  }

  // A kit of the order (POST /kits): its id and code.
  std::pair<int64_t, std::string> Kit() {
    const int64_t active = Batch(false), placebo = Batch(true);
    const J body = {{"prescription_id", rx_}, {"active_batch_id", active}, {"placebo_batch_id", placebo}};
    auto r = f_->Send("POST", "/api/v1/kits", body.dump(), pharm_);
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return {0, ""};
    return {r.Json()["id"].get<int64_t>(), r.Json()["kit_code"].get<std::string>()};
  }

  TestResponse Design(const J& protocol, store::Id rx = 0) {
    return f_->Send("POST", P("/trials"), J{{"prescription_id", rx ? rx : rx_}, {"protocol", protocol}}.dump(), doc_);
  }

  // A designed trial of one pair of 14-day periods (7 run-in days) whose pair has its kit: {trial
  // id, the pharmacy's order: "AB" (placebo first) or "BA"}; {0, ""} on a failure (reported).
  std::pair<int64_t, std::string> OnePairTrialWithKit() {
    auto designed = Design({{"pairs", 1}, {"period_days", 14}, {"run_in_days", 7}});
    EXPECT_EQ(designed.status, 201) << designed.body;
    if (designed.status != 201) return {0, ""};
    const int64_t id = designed.Json()["id"].get<int64_t>();
    const auto [kit, code] = Kit();
    auto given = f_->Send("POST", "/api/v1/pharmacy/trials/" + std::to_string(id) + "/kits",
                          J{{"pair", 1}, {"kit_id", kit}}.dump(), pharm_);
    EXPECT_EQ(given.status, 201) << given.body;
    if (given.status != 201) return {0, ""};
    return {id, given.Json()["pairs"][0]["order"].get<std::string>()};
  }

  std::vector<store::AuditEvent> Audit(const std::string& action) {
    store::AuditQuery q;
    q.limit = 10000;
    const auto events = f_->store().ListAudit(q);
    EXPECT_TRUE(events.ok());
    std::vector<store::AuditEvent> out;
    for (const auto& e : *events) {
      if (e.action == action) out.push_back(e);
    }
    return out;
  }

  std::unique_ptr<ServerFixture> f_;
  store::Id patient_ = 0, pharmacy_ = 0, rx_ = 0, course_ = 0;
  store::User doc_user_;
  int64_t quantity_ = 0, tablets_ = 0, filler_ = 0;
  std::string doc_, pharm_, pharm2_, pat_;
};

// The field a conflict names: the start of its message ("kits: ...").
std::string ConflictField(const TestResponse& r) {
  const std::string m = r.Json()["error"]["message"].get<std::string>();
  return m.substr(0, m.find(':'));
}

// Nothing a clinician or patient reads says which pack holds naltrexone.
void ExpectNoLink(const J& trial) {
  for (const auto& pair : trial["pairs"]) {
    EXPECT_FALSE(pair.contains("active_pack")) << pair.dump();
    EXPECT_FALSE(pair.contains("order")) << pair.dump();
    EXPECT_FALSE(pair.contains("kit_id")) << pair.dump();
  }
  EXPECT_EQ(trial["blind"], "held by the pharmacy");
}

TEST_F(TrialsApiTest, TheClinicDesignsThePharmacyGivesKitsAndTheStartFreezesTheProtocol) {
  auto designed = Design({{"pairs", 2}});
  ASSERT_EQ(designed.status, 201) << designed.body;
  const J t = designed.Json();
  const int64_t id = t["id"].get<int64_t>();
  EXPECT_EQ(t["status"], "designed");
  EXPECT_FALSE(t["frozen"].get<bool>());
  EXPECT_EQ(t["allows"]["allocations"], 4);
  EXPECT_DOUBLE_EQ(t["allows"]["smallest_p_two_sided"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(t["stable_dose"]["mg"].get<double>(), 4.5);
  EXPECT_EQ(t["stable_dose"]["since"], "2026-10-29");
  EXPECT_FALSE(t["kits_complete"].get<bool>());
  // Left-out fields take the defaults; the stored form is the canonical one and its hash.
  analysis::TrialProtocol expected;
  expected.pairs = 2;
  EXPECT_EQ(t["protocol_sha256"], analysis::ProtocolSha256(expected));
  EXPECT_EQ(t["protocol"]["period_days"], 28);
  EXPECT_EQ(t["protocol"]["run_in_days"], 14);
  EXPECT_EQ(t["protocol"]["model"], "ar1");
  ExpectNoLink(t);
  EXPECT_EQ(Audit("trial.design").size(), 1u);

  // One open trial per patient.
  auto again = Design({{"pairs", 3}});
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(ConflictField(again), "patient_id");

  // It cannot start before every pair has its kit.
  const std::string start = P("/trials/" + std::to_string(id) + "/start");
  auto early = f_->Send("POST", start, R"({"start_date":"2026-11-23"})", doc_);
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(ConflictField(early), "kits");

  // The pharmacy sees the trial of its order and gives each pair a kit.
  auto queue = f_->Send("GET", "/api/v1/pharmacy/trials", "", pharm_);
  ASSERT_EQ(queue.status, 200) << queue.body;
  ASSERT_EQ(queue.Json()["trials"].size(), 1u);
  EXPECT_EQ(queue.Json()["trials"][0]["patient"]["display_name"], "Trial Patient");
  const auto [kit1, code1] = Kit();
  const auto [kit2, code2] = Kit();
  const std::string assign = "/api/v1/pharmacy/trials/" + std::to_string(id) + "/kits";
  auto a1 = f_->Send("POST", assign, J{{"pair", 1}, {"kit_id", kit1}}.dump(), pharm_);
  ASSERT_EQ(a1.status, 201) << a1.body;
  const J pharmacy_view = a1.Json();
  const std::string active = pharmacy_view["pairs"][0]["active_pack"];
  EXPECT_TRUE(active == "A" || active == "B");
  EXPECT_EQ(pharmacy_view["pairs"][0]["order"], active == "A" ? "BA" : "AB");
  EXPECT_EQ(pharmacy_view["pairs"][0]["kit_code"], code1);
  // A kit serves one pair; a pair has one kit; the trial has two pairs.
  auto twice = f_->Send("POST", assign, J{{"pair", 2}, {"kit_id", kit1}}.dump(), pharm_);
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_EQ(ConflictField(twice), "kit_id");
  auto third = f_->Send("POST", assign, J{{"pair", 3}, {"kit_id", kit2}}.dump(), pharm_);
  EXPECT_EQ(third.status, 400) << third.body;
  EXPECT_EQ(third.Json()["error"]["field"], "pair");
  // The clinician cannot give kits.
  EXPECT_EQ(f_->Send("POST", assign, J{{"pair", 2}, {"kit_id", kit2}}.dump(), doc_).status, 403);
  ASSERT_EQ(f_->Send("POST", assign, J{{"pair", 2}, {"kit_id", kit2}}.dump(), pharm_).status, 201);

  // The clinician sees the kit codes, not the link.
  auto seen = f_->Send("GET", P("/trials"), "", doc_);
  ASSERT_EQ(seen.status, 200) << seen.body;
  const J listed = seen.Json()["trials"][0];
  ExpectNoLink(listed);
  EXPECT_EQ(listed["pairs"][0]["kit_code"], code1);
  EXPECT_TRUE(listed["kits_complete"].get<bool>());

  // A start in the past (the patient's calendar) is refused; tomorrow starts it.
  auto past = f_->Send("POST", start, R"({"start_date":"2026-11-21"})", doc_);
  EXPECT_EQ(past.status, 400) << past.body;
  EXPECT_EQ(past.Json()["error"]["field"], "start_date");
  auto started = f_->Send("POST", start, R"({"start_date":"2026-11-23"})", doc_);
  ASSERT_EQ(started.status, 200) << started.body;
  const J s = started.Json();
  EXPECT_EQ(s["status"], "started");
  EXPECT_TRUE(s["frozen"].get<bool>());
  EXPECT_EQ(s["end_date"], "2027-03-14");  // 2 pairs x 2 periods x 28 days from 2026-11-23: 112 days
  ASSERT_EQ(s["schedule"].size(), 4u);
  EXPECT_EQ(s["schedule"][0]["pack_code"], code1 + "-A");
  EXPECT_EQ(s["schedule"][1]["pack_code"], code1 + "-B");
  EXPECT_EQ(s["schedule"][2]["pack_code"], code2 + "-A");
  EXPECT_EQ(s["schedule"][1]["first_day"], "2026-12-21");
  EXPECT_EQ(s["schedule"][1]["analysed_from"], "2027-01-04");
  EXPECT_EQ(s["schedule"][3]["last_day"], "2027-03-14");
  ExpectNoLink(s);
  // The frozen protocol's hash is in the audit chain.
  // (The refused starts above are audited too: the kits missing, the date in the past.)
  const auto events = Audit("trial.start");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].outcome, "ok");
  EXPECT_NE(events[2].detail.find(t["protocol_sha256"].get<std::string>()), std::string::npos) << events[2].detail;
  EXPECT_EQ(events[0].outcome, "conflict");

  // Frozen: no kit changes, no second start, no protocol change (the store refuses it too).
  auto late = f_->Send("POST", assign, J{{"pair", 1}, {"kit_id", kit2}}.dump(), pharm_);
  EXPECT_EQ(late.status, 409) << late.body;
  EXPECT_EQ(f_->Send("POST", start, R"({"start_date":"2026-11-24"})", doc_).status, 409);
  EXPECT_EQ(f_->store().ReplaceTrialProtocol(id, "{}", std::string(64, 'a')).status().code(), Code::kConflict);

  // The patient's calendar reminds of each switch of pack (issue 16 item 4): periods 1-4 from today.
  auto link = f_->Send("POST", P("/calendar-token"), "", pat_);
  ASSERT_EQ(link.status, 201) << link.body;
  auto feed = f_->Send("GET", link.Json()["path"].get<std::string>());
  ASSERT_EQ(feed.status, 200) << feed.body;
  EXPECT_NE(feed.body.find("DTSTART;VALUE=DATE:20261221\r\nSUMMARY:LDN trial: start pack " + code1 + "-B\r\n"),
            std::string::npos)
      << feed.body;
  EXPECT_NE(feed.body.find("SUMMARY:LDN trial: start pack " + code2 + "-A\r\n"), std::string::npos);
  EXPECT_NE(feed.body.find("UID:trial-" + std::to_string(id) + "-p4@"), std::string::npos);
  EXPECT_EQ(feed.body.find("placebo"), std::string::npos);
  // A device with reminders on is told on the morning of each switch (10:30 in Oslo on 2026-12-21).
  const store::Patient patient = *f_->store().GetPatient(patient_);
  auto state = server::GatherReminderState(f_->store(), patient, *ParseUtcInstant("2026-12-21T09:30:00Z", "t"));
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(state->trial_pack_from_today, code1 + "-B");
  EXPECT_EQ(server::DueReminders(*state).front().body, "From tonight, take your capsules from pack " + code1 + "-B.");
  state = server::GatherReminderState(f_->store(), patient, *ParseUtcInstant("2026-12-22T09:30:00Z", "t"));
  ASSERT_TRUE(state.ok());
  EXPECT_FALSE(state->trial_pack_from_today.has_value());

  // The patient sees the schedule with pack codes, and nothing more.
  auto mine = f_->Send("GET", P("/trials"), "", pat_);
  ASSERT_EQ(mine.status, 200) << mine.body;
  ExpectNoLink(mine.Json()["trials"][0]);
  EXPECT_EQ(mine.Json()["trials"][0]["schedule"][0]["pack_code"], code1 + "-A");
  EXPECT_EQ(mine.Json()["trials"][0]["schedule"][0]["answer_from"], "2026-12-18");

  // The end-of-period question: from two days before the period's last day, once, in the
  // patient's words when refused.
  const std::string answer = P("/trials/" + std::to_string(id) + "/periods/1/answer");
  auto soon = f_->Send("POST", answer, R"({"guess":"ldn","pgic":3})", pat_);
  EXPECT_EQ(soon.status, 409) << soon.body;
  EXPECT_EQ(soon.Json()["error"]["message_key"], "This question is asked from {date}, near the end of the period.");
  EXPECT_EQ(soon.Json()["error"]["vars"]["date"], "2026-12-18");
  f_->clock().Advance(std::chrono::hours(24 * 26));  // 2026-12-18 in Oslo
  pat_ = f_->Login("pat").token;                     // the session of 26 days ago has expired
  auto bad = f_->Send("POST", answer, R"({"guess":"maybe"})", pat_);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.Json()["error"]["field"], "guess");
  EXPECT_EQ(f_->Send("POST", answer, R"({"guess":"ldn","pgic":8})", pat_).status, 400);
  auto p9 = f_->Send("POST", P("/trials/" + std::to_string(id) + "/periods/5/answer"), R"({"guess":"ldn"})", pat_);
  EXPECT_EQ(p9.status, 400) << p9.body;
  EXPECT_EQ(p9.Json()["error"]["field"], "period");
  // Period 2 (from 2026-12-21) is not open yet.
  EXPECT_EQ(
      f_->Send("POST", P("/trials/" + std::to_string(id) + "/periods/2/answer"), R"({"guess":"ldn"})", pat_).status,
      409);
  auto answered = f_->Send("POST", answer, R"({"guess":"dont_know","pgic":3})", pat_);
  ASSERT_EQ(answered.status, 201) << answered.body;
  ASSERT_EQ(answered.Json()["answers"].size(), 1u);
  EXPECT_EQ(answered.Json()["answers"][0]["guess"], "dont_know");
  EXPECT_EQ(answered.Json()["answers"][0]["pgic"], 3);
  ExpectNoLink(answered.Json());
  auto twice_answered = f_->Send("POST", answer, R"({"guess":"placebo"})", pat_);
  EXPECT_EQ(twice_answered.status, 409) << twice_answered.body;
  EXPECT_EQ(twice_answered.Json()["error"]["message_key"], "You have answered for this period already.");
  EXPECT_EQ(f_->store().ListTrialAnswers(id)->size(), 1u);
}

TEST_F(TrialsApiTest, TheEndLiftsTheBlindAndAnalysesTheStoredDiary) {
  const auto [id, order] = OnePairTrialWithKit();
  ASSERT_NE(id, 0);
  const std::string trial = P("/trials/" + std::to_string(id));
  ASSERT_EQ(f_->Send("POST", trial + "/start", R"({"start_date":"2026-11-23"})", doc_).status, 200);

  // The patient's record through the trial (2026-11-23..2026-12-20): pain about 3 on LDN and about
  // 6 on placebo; a dose every day but one; vivid dreams twice on LDN; paracetamol once on placebo.
  store::Store& st = f_->store();
  const store::User pat_user = *st.GetUserByUsername("pat");
  const LocalDate start = *ParseDate("2026-11-23", "d");
  for (int day = 0; day < 28; ++day) {
    const LocalDate d = AddDays(start, day);
    const bool first_period = day < 14;
    const bool ldn = first_period == (order == "BA");
    J items = {{"pain", (ldn ? 3 : 6) + day % 2}, {"fatigue", 5 + day % 2}, {"sleep", 4 + day % 3}};
    if (ldn && (day == 2 || day == 20)) items["side_effects"] = J::array({{{"name", "vivid_dreams"}, {"severity", 1}}});
    if (!ldn && (day == 9 || day == 24)) items["rescue_medication"] = J::array({"paracetamol 1 g"});
    store::DiaryEntry e;
    e.patient_id = patient_;
    e.local_date = d;
    e.items_json = items.dump();
    e.client_id = "trial-" + FormatDate(d);
    e.recorded_by = pat_user.id;
    e.recorded_at = f_->clock().Now();
    ASSERT_TRUE(st.UpsertDiary(e).ok());
    store::DoseLogEntry dose;
    dose.patient_id = patient_;
    dose.local_date = d;
    dose.dose_micrograms_hcl = 4500;
    dose.taken = day != 5;
    dose.recorded_by = pat_user.id;
    dose.recorded_at = f_->clock().Now();
    ASSERT_TRUE(st.AddDoseLogEntry(dose).ok());
  }

  // Before the end there is no analysis, and the allocation stays with the pharmacy.
  auto closed = f_->Send("GET", trial + "/analysis", "", pat_);
  EXPECT_EQ(closed.status, 409) << closed.body;
  EXPECT_EQ(closed.Json()["error"]["message_key"], "The answer comes when the trial ends.");
  EXPECT_EQ(f_->Send("GET", trial + "/report.pdf", "", doc_).status, 409);
  // An early end needs its reason.
  auto early = f_->Send("POST", trial + "/end", "{}", doc_);
  EXPECT_EQ(early.status, 400) << early.body;
  EXPECT_EQ(early.Json()["error"]["field"], "reason");
  EXPECT_NE(early.body.find("2026-12-20"), std::string::npos) << early.body;
  EXPECT_EQ(st.GetTrial(id)->status, store::TrialStatus::kStarted);

  f_->clock().Advance(std::chrono::hours(24 * 30));  // 2026-12-22: the last period is over
  doc_ = f_->Login("doc").token;
  pat_ = f_->Login("pat").token;
  pharm_ = f_->Login("pharm").token;
  EXPECT_EQ(f_->Send("POST", trial + "/end", "{}", pat_).status, 403);
  auto ended = f_->Send("POST", trial + "/end", "{}", doc_);
  ASSERT_EQ(ended.status, 200) << ended.body;
  const J e = ended.Json();
  EXPECT_EQ(e["status"], "ended");
  EXPECT_EQ(e["end_reason"], "completed as planned");
  EXPECT_EQ(e["blind"], "lifted");
  EXPECT_EQ(e["pairs"][0]["order"], order);  // the care team now reads the allocation
  const J& a = e["analysis"];
  EXPECT_EQ(a["allocation"], order);
  EXPECT_FALSE(a["stopped_early"].get<bool>());
  EXPECT_EQ(a["until"], "2026-12-20");
  EXPECT_EQ(a["arms"][0], order == "AB" ? "placebo" : "ldn");
  // The primary outcome: LDN lowers pain by about 3 points; the frozen rule says continue.
  const J& primary = a["primary"];
  EXPECT_EQ(primary["outcome"], "pain");
  EXPECT_FALSE(primary["higher_is_better"].get<bool>());
  ASSERT_TRUE(primary.contains("analysis")) << primary.dump();
  EXPECT_NEAR(primary["analysis"]["diff"]["mean"].get<double>(), -3.0, 0.5) << primary.dump();
  EXPECT_EQ(primary["analysis"]["decision"], "continue") << primary.dump();
  // The secondary outcomes beside it: fatigue does not differ between the arms.
  ASSERT_EQ(a["secondary"].size(), 2u);
  EXPECT_EQ(a["secondary"][0]["outcome"], "fatigue");
  EXPECT_LT(std::abs(a["secondary"][0]["analysis"]["diff"]["mean"].get<double>()), 0.5) << a["secondary"][0].dump();
  // The conduct of each period, the run-in included.
  const J& conduct = a["conduct"];
  ASSERT_EQ(conduct.size(), 2u);
  const J& on_ldn = conduct[order == "BA" ? 0 : 1];
  const J& on_placebo = conduct[order == "BA" ? 1 : 0];
  EXPECT_EQ(on_ldn["arm"], "ldn");
  EXPECT_EQ(conduct[0]["days"], 14);
  EXPECT_EQ(conduct[0]["doses_missed"], 1);  // day 6
  EXPECT_EQ(conduct[1]["doses_taken"], 14);
  EXPECT_EQ(on_ldn["side_effects"]["vivid_dreams"], 1);
  EXPECT_EQ(on_ldn["side_effect_days"], 1);
  EXPECT_EQ(on_placebo["rescue_days"], 1);
  EXPECT_FALSE(a["limits"].empty());
  // The end and the unblinding are audited; the patient reads the same analysis.
  int ended_audit = 0;
  for (const auto& ev : Audit("trial.end")) {
    if (ev.outcome == "ok" && ev.detail.find("unblinded for the analysis") != std::string::npos) ++ended_audit;
  }
  EXPECT_EQ(ended_audit, 1);
  auto mine = f_->Send("GET", trial + "/analysis", "", pat_);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.Json()["analysis"], a);
  EXPECT_EQ(f_->Send("POST", trial + "/end", "{}", doc_).status, 409);  // once

  // The clinician's report (CENT 2015) and the patient's letter, both from the stored record.
  auto report = f_->Send("GET", trial + "/report.pdf", "", doc_);
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_EQ(report.Header("content-type"), "application/pdf");
  const std::string text = test_support::PdfText(report.body);
  for (const std::string& want :
       {std::string("Decision by the rule agreed before the start"), std::string("Continue LDN"),
        "Order within each pair (A = placebo first): " + order, std::string("vivid_dreams"),
        std::string("Adherence and missing data by period"), std::string("13 / 1 / 0")}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  }
  EXPECT_EQ(f_->Send("GET", trial + "/report.pdf", "", pat_).status, 403);  // the care team's document
  auto letter = f_->Send("GET", trial + "/letter.pdf?lang=nb", "", pat_);
  ASSERT_EQ(letter.status, 200) << letter.body;
  const std::string words = test_support::PdfText(letter.body);
  EXPECT_NE(words.find("Svaret fra det blindede forsøket ditt"), std::string::npos) << words;
  EXPECT_NE(words.find("20.12.2026"), std::string::npos) << words;
  EXPECT_EQ(words.find("posterior"), std::string::npos);
  auto bad = f_->Send("GET", trial + "/letter.pdf?lang=xx", "", pat_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["error"]["field"], "lang");
  int letters = 0;
  for (const auto& ev : Audit("trial.letter")) letters += ev.detail == "trial " + std::to_string(id) + " letter (nb)";
  EXPECT_EQ(letters, 1);
}

TEST_F(TrialsApiTest, ResearchersPoolTheEndedTrialsDeidentified) {
  // Two one-pair trials of the patient, one after the other: pain about 3 on LDN and 6 on placebo,
  // then about 5 on LDN and 6 on placebo; each ended after its last day.
  store::Store& st = f_->store();
  const store::User pat_user = *st.GetUserByUsername("pat");
  f_->AddUser("res", Role::kResearcher);
  for (int k = 0; k < 2; ++k) {
    const auto [id, order] = OnePairTrialWithKit();
    ASSERT_NE(id, 0) << "trial " << k;
    const std::string trial = P("/trials/" + std::to_string(id));
    const LocalDate start = server::PatientToday(*st.GetPatient(patient_), f_->clock().Now());
    ASSERT_EQ(f_->Send("POST", trial + "/start", J{{"start_date", FormatDate(start)}}.dump(), doc_).status, 200);
    for (int day = 0; day < 28; ++day) {
      const bool ldn = (day < 14) == (order == "BA");
      store::DiaryEntry e;
      e.patient_id = patient_;
      e.local_date = AddDays(start, day);
      e.items_json = J{{"pain", (ldn ? (k == 0 ? 3 : 5) : 6) + day % 2}}.dump();
      e.client_id = "pool-" + std::to_string(k) + "-" + std::to_string(day);
      e.recorded_by = pat_user.id;
      e.recorded_at = f_->clock().Now();
      ASSERT_TRUE(st.UpsertDiary(e).ok());
    }
    if (k == 0) {
      // One ended trial is one patient's result: never pooled, at any threshold.
      f_->clock().Advance(std::chrono::hours(24 * 29));
      doc_ = f_->Login("doc").token;
      ASSERT_EQ(f_->Send("POST", trial + "/end", "{}", doc_).status, 200);
      auto one = server::PoolEndedTrials(st, f_->clock().Now(), 1.0, 1);
      ASSERT_TRUE(one.ok()) << one.status().ToString();
      ASSERT_EQ((*one)["outcomes"].size(), 1u);
      EXPECT_TRUE((*one)["outcomes"][0]["trials"].is_null()) << one->dump();
      EXPECT_TRUE((*one)["outcomes"][0]["pool"].is_null());
      pharm_ = f_->Login("pharm").token;
      pharm2_ = f_->Login("pharm2").token;
    } else {
      f_->clock().Advance(std::chrono::hours(24 * 29));
      doc_ = f_->Login("doc").token;
      ASSERT_EQ(f_->Send("POST", trial + "/end", "{}", doc_).status, 200);
    }
  }
  // Two trials pooled when the threshold allows it: the population difference lies between the
  // two trials' (about -3 and -1), and the answer holds no id, name or date.
  auto two = server::PoolEndedTrials(st, f_->clock().Now(), 1.0, 2);
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  const J& pain = (*two)["outcomes"][0];
  EXPECT_EQ(pain["outcome"], "pain");
  EXPECT_EQ(pain["trials"], 2);
  EXPECT_EQ((*two)["unreadable_trials"], 0);
  const double mu = pain["pool"]["mu"]["mean"].get<double>();
  EXPECT_LT(mu, -1.0) << pain.dump();
  EXPECT_GT(mu, -3.5) << pain.dump();
  EXPECT_FALSE(pain["pool"].contains("per_trial"));
  const std::string text = two->dump();
  EXPECT_EQ(text.find("Trial Patient"), std::string::npos);
  EXPECT_EQ(text.find("2026-"), std::string::npos);
  EXPECT_EQ(text.find("trial_id"), std::string::npos);
  // Through the API the disclosure threshold is 5: two trials are not pooled yet.
  const std::string res2 = f_->Login("res").token;
  auto api = f_->Send("GET", "/api/v1/research/trials/pool", "", res2);
  ASSERT_EQ(api.status, 200) << api.body;
  EXPECT_EQ(api.Json()["min_trials"], 5);
  EXPECT_TRUE(api.Json()["outcomes"][0]["trials"].is_null()) << api.body;
  EXPECT_EQ(f_->Send("GET", "/api/v1/research/trials/pool", "", doc_).status, 403);
  EXPECT_EQ(f_->Send("GET", "/api/v1/research/trials/pool?mcid=0", "", res2).Json()["error"]["field"], "mcid");

  // Trials from elsewhere, as CSV: pooled with their shrunken estimates; a bad cell is named.
  auto given = f_->Send("POST", "/api/v1/research/trials/pool",
                        J{{"csv", "id,estimate,sd\na,-2.0,0.5\nb,-1.0,0.5\nc,0.2,0.6\n"}, {"mcid", 1}}.dump(), res2);
  ASSERT_EQ(given.status, 200) << given.body;
  EXPECT_EQ(given.Json()["pool"]["trials"], 3);
  EXPECT_EQ(given.Json()["pool"]["per_trial"].size(), 3u);
  auto bad =
      f_->Send("POST", "/api/v1/research/trials/pool", J{{"csv", "id,estimate,sd\na,-2.0,0\nb,1,1\n"}}.dump(), res2);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.Json()["error"]["field"], "csv");
  EXPECT_NE(bad.Json()["error"]["message"].get<std::string>().find("line 2"), std::string::npos) << bad.body;
  auto listed =
      f_->Send("POST", "/api/v1/research/trials/pool",
               J{{"trials", J::array({{{"estimate", -1}, {"sd", 0.5}}, {{"estimate", -2}, {"sd", -1}}})}}.dump(), res2);
  EXPECT_EQ(listed.status, 400) << listed.body;
  EXPECT_EQ(listed.Json()["error"]["field"], "trials[1].sd") << listed.body;
}

TEST_F(TrialsApiTest, AnEmergencyUnblindingIsForTheCareTeamAndMarksTheTrial) {
  const auto [id, order] = OnePairTrialWithKit();
  ASSERT_NE(id, 0);
  const std::string trial = P("/trials/" + std::to_string(id));
  // Not before it runs.
  const std::string unblind = trial + "/unblind";
  const J body = {{"password", kTestPassword}, {"reason", "Palpitations: is she on naltrexone?"}};
  EXPECT_EQ(f_->Send("POST", unblind, body.dump(), doc_).status, 409);
  ASSERT_EQ(f_->Send("POST", trial + "/start", R"({"start_date":"2026-11-23"})", doc_).status, 200);
  // A reason and the clinician's password; the patient cannot.
  auto no_reason = f_->Send("POST", unblind, J{{"password", kTestPassword}}.dump(), doc_);
  EXPECT_EQ(no_reason.status, 400) << no_reason.body;
  EXPECT_EQ(no_reason.Json()["error"]["field"], "reason");
  auto wrong = f_->Send("POST", unblind, J{{"password", "not the password"}, {"reason", "x"}}.dump(), doc_);
  EXPECT_GE(wrong.status, 400) << wrong.body;
  EXPECT_FALSE(f_->store().GetTrial(id)->unblinded_at.has_value());
  EXPECT_EQ(f_->Send("POST", unblind, body.dump(), pat_).status, 403);
  auto broken = f_->Send("POST", unblind, body.dump(), doc_);
  ASSERT_EQ(broken.status, 200) << broken.body;
  EXPECT_TRUE(broken.Json()["emergency_unblinding"].get<bool>());
  EXPECT_EQ(broken.Json()["pairs"][0]["order"], order);
  EXPECT_EQ(f_->Send("POST", unblind, body.dump(), doc_).status, 409);  // once
  // The patient stays blind while the trial runs; the clinician reads the link.
  ExpectNoLink(f_->Send("GET", P("/trials"), "", pat_).Json()["trials"][0]);
  EXPECT_EQ(f_->Send("GET", P("/trials"), "", doc_).Json()["trials"][0]["pairs"][0]["order"], order);
  // An early stop says why; the analysis says the trial stopped early and when the blind was broken.
  f_->clock().Advance(std::chrono::hours(24 * 10));  // 2026-12-02: in period 1's analysed days
  doc_ = f_->Login("doc").token;
  auto stopped = f_->Send("POST", trial + "/end", R"({"reason":"Stopped after palpitations."})", doc_);
  ASSERT_EQ(stopped.status, 200) << stopped.body;
  const J a = stopped.Json()["analysis"];
  EXPECT_TRUE(a["stopped_early"].get<bool>());
  EXPECT_EQ(a["until"], "2026-12-02");
  EXPECT_EQ(a["conduct"].size(), 1u);
  // No diary was kept: no analysis, said plainly rather than failing the request.
  EXPECT_TRUE(a["primary"].contains("error")) << a["primary"].dump();
  const std::string limits = a["limits"].dump();
  EXPECT_NE(limits.find("stopped early on 2026-12-02"), std::string::npos) << limits;
  EXPECT_NE(limits.find("The blind was broken on 2026-11-22"), std::string::npos) << limits;
  // The unblinding is audited with its reason (and so are the refusals).
  int audited = 0;
  for (const auto& ev : Audit("trial.unblind")) {
    if (ev.outcome == "ok" && ev.detail.find("Palpitations") != std::string::npos) ++audited;
  }
  EXPECT_EQ(audited, 1);
}

TEST_F(TrialsApiTest, ADesignIsRefusedWithTheReasonNamed) {
  // A liquid has no placebo twin.
  const store::Id liquid = Order(false);
  auto r = Design(J::object(), liquid);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(ConflictField(r), "prescription_id");
  EXPECT_NE(r.body.find("capsules"), std::string::npos) << r.body;
  // Protocol fields are named under "protocol".
  r = Design({{"pairs", 13}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Json()["error"]["field"], "protocol.pairs");
  r = Design({{"primary_outcome", "happiness"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Json()["error"]["field"], "protocol.primary_outcome");
  r = Design({{"run_in_days", 25}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Json()["error"]["field"], "protocol.run_in_days");
  r = Design({{"colour", "blue"}});
  EXPECT_EQ(r.status, 400) << r.body;
  // Another patient's order is not found.
  r = Design(J::object(), 999999);
  EXPECT_EQ(r.status, 404) << r.body;
  // Nothing was stored.
  EXPECT_TRUE(f_->store().ListTrials(patient_)->empty());
  // A cancelled design makes room for a new one.
  auto d = Design(J::object());
  ASSERT_EQ(d.status, 201) << d.body;
  const std::string cancel = P("/trials/" + d.Json()["id"].dump() + "/cancel");
  EXPECT_EQ(f_->Send("POST", cancel, R"({"reason":""})", doc_).status, 400);
  auto c = f_->Send("POST", cancel, R"({"reason":"The patient wants to wait until after the holidays."})", doc_);
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.Json()["status"], "cancelled");
  EXPECT_EQ(f_->Send("POST", cancel, R"({"reason":"again"})", doc_).status, 409);
  EXPECT_EQ(Design(J::object()).status, 201);
}

TEST_F(TrialsApiTest, APatientStillTitratingCannotBeginATrial) {
  // A second patient whose course reaches its last step after today.
  const store::User other = f_->AddUser("pat_titrating", Role::kPatient, "Titrating Patient");
  store::Store& st = f_->store();
  const auto teams = st.ListCareTeams();
  ASSERT_TRUE(teams.ok() && !teams->empty());
  ASSERT_TRUE(st.AddCareTeamPatient(teams->front().id, *other.patient_id, f_->clock().Now()).ok());
  ASSERT_NE(f_->ActiveCourse(*other.patient_id, doc_, "2026-11-15"), 0);
  const store::Id saved_patient = patient_, saved_course = course_;
  patient_ = *other.patient_id;
  course_ = st.ListCourses(patient_)->front().id;
  store::PatientDemographics demographics;
  demographics.patient_id = patient_;
  demographics.date_of_birth = *ParseDate("1969-08-08", "d");
  demographics.jurisdiction = "NO";
  demographics.updated_by = doc_user_.id;
  demographics.updated_at = f_->clock().Now();
  ASSERT_TRUE(st.PutPatientDemographics(demographics).ok());
  const store::Id rx = Order(true);
  auto r = Design(J::object(), rx);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(ConflictField(r), "prescription_id");
  EXPECT_NE(r.body.find("still titrating"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("2026-12-13"), std::string::npos) << r.body;  // 4.5 mg from week 5
  patient_ = saved_patient;
  course_ = saved_course;
}

TEST_F(TrialsApiTest, TheDesignFormStartsFromTheServersDefaults) {
  auto r = f_->Send("GET", "/api/v1/trial-designs/defaults", "", doc_);
  ASSERT_EQ(r.status, 200) << r.body;
  const J d = r.Json();
  // The protocol's defaults, in the canonical form that is frozen at the start (issue 16 item 1).
  const analysis::TrialProtocol defaults;
  EXPECT_EQ(d["protocol"].dump(), analysis::CanonicalProtocolJson(defaults));
  EXPECT_EQ(d["protocol"]["pairs"], 3);
  EXPECT_EQ(d["protocol"]["period_days"], 28);
  EXPECT_EQ(d["protocol"]["run_in_days"], 14);
  EXPECT_EQ(d["protocol"]["higher_is_better"]["pain"], false);
  EXPECT_EQ(d["allows"]["allocations"], 8);
  // The assumed patient: data/simulation.json's noise.sd and noise.ar1_phi.
  EXPECT_DOUBLE_EQ(d["scenario"]["sd"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(d["scenario"]["rho"].get<double>(), 0.6);
  EXPECT_EQ(d["trials"], 200);
  EXPECT_EQ(d["max_trials"], 500);
  // What the form sends back with these values is a valid simulation request.
  const J body = {{"protocol", d["protocol"]}, {"scenario", d["scenario"]}, {"trials", 5}};
  EXPECT_EQ(f_->Send("POST", "/api/v1/trial-designs/simulate", body.dump(), doc_).status, 200);
  EXPECT_EQ(f_->Send("GET", "/api/v1/trial-designs/defaults", "", pat_).status, 403);
}

TEST_F(TrialsApiTest, TheDesignFormSimulatesOperatingCharacteristics) {
  // Model 1 (mean) fits in about 0.1 ms, a tenth of AR(1): quick under the sanitizers too.
  const J body = {
      {"protocol", {{"pairs", 3}, {"model", "mean"}}}, {"scenario", {{"effect", 1.5}}}, {"trials", 40}, {"seed", 7}};
  auto r = f_->Send("POST", "/api/v1/trial-designs/simulate", body.dump(), doc_);
  ASSERT_EQ(r.status, 200) << r.body;
  const J oc = r.Json();
  const double total = oc["p_continue"].get<double>() + oc["p_stop"].get<double>() + oc["p_uncertain"].get<double>();
  EXPECT_NEAR(total, 1.0, 1e-9);
  EXPECT_TRUE(oc.contains("under_null")) << r.body;
  // A real effect is continued more often than no effect.
  EXPECT_GT(oc["p_continue"].get<double>(), oc["under_null"]["p_continue"].get<double>()) << r.body;
  EXPECT_EQ(oc["allows"]["allocations"], 8);
  EXPECT_DOUBLE_EQ(oc["scenario"]["effect"].get<double>(), 1.5);
  // The same seed, the same answer.
  EXPECT_EQ(f_->Send("POST", "/api/v1/trial-designs/simulate", body.dump(), doc_).Json(), oc);
  // Limits named.
  J too_many = body;
  too_many["trials"] = 501;
  auto bad = f_->Send("POST", "/api/v1/trial-designs/simulate", too_many.dump(), doc_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["error"]["field"], "trials");
  J bad_rho = body;
  bad_rho["scenario"]["rho"] = 1.2;
  bad = f_->Send("POST", "/api/v1/trial-designs/simulate", bad_rho.dump(), doc_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["error"]["field"], "scenario.rho");
  // Patients and pharmacists do not run it.
  EXPECT_EQ(f_->Send("POST", "/api/v1/trial-designs/simulate", body.dump(), pat_).status, 403);
}

}  // namespace
}  // namespace ldn::testing
