// Placebo-twin kits through the API (issue 14 item 5; api_kits.cpp): the placebo batch made with the
// placebo master formula, a kit of two released batches of one order with its pack letters drawn at
// random, blinded labels that differ only in the pack code, dispensing of the whole kit only, the
// link readable by the kit pharmacy's pharmacists alone, and an audited, re-authenticated
// unblinding.
#include <set>

#include <gtest/gtest.h>

#include "pharmacy_seed.h"
#include "server/orders.h"
#include "server_fixture.h"

namespace ldn::testing {
namespace {

using store::Role;
using J = nlohmann::json;

class KitsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_ = std::make_unique<ServerFixture>();
    const ServerFixture::CourseSeed seed = f_->SeedCareTeamWithCourse("Kit Patient");
    ASSERT_NE(seed.course_id, 0);
    patient_ = seed.patient_id;
    doc_ = seed.doc;
    pharm_ = seed.pharm;
    pat_ = seed.pat;
    const store::Id course = seed.course_id;
    store::Store& st = f_->store();
    const auto now = f_->clock().Now();
    auto pharmacy = st.CreatePharmacy({0, "Kit Pharmacy", "Apotekgata 1, Oslo", "+47 22 00 00 00", now});
    ASSERT_TRUE(pharmacy.ok());
    pharmacy_ = pharmacy->id;
    ASSERT_TRUE(st.SetUserPharmacy(f_->Login("pharm").user_id, pharmacy_, now).ok());
    const store::User second = f_->AddUser("pharm2", Role::kPharmacist);
    ASSERT_TRUE(st.SetUserPharmacy(second.id, pharmacy_, now).ok());
    pharm2_ = f_->Login("pharm2").token;
    ASSERT_FALSE(pharm2_.empty());
    const store::User doc = *st.GetUserByUsername("doc");
    ASSERT_TRUE(st.PutPrescriberProfile({doc.id, "Dr Kit Prescriber", "physician", "HPR 7", "Clinic 1", "", now}).ok());
    store::PatientDemographics demographics;
    demographics.patient_id = patient_;
    demographics.date_of_birth = *ParseDate("1975-05-17", "d");
    demographics.jurisdiction = "NO";
    demographics.updated_by = doc.id;
    demographics.updated_at = now;
    ASSERT_TRUE(st.PutPatientDemographics(demographics).ok());
    // A signed order of 0.5 mg capsules from the course's plan (the first step is 1 mg: 2 capsules).
    server::DraftOrderRequest order;
    order.patient_id = patient_;
    order.course_id = course;
    order.pharmacy_id = pharmacy_;
    order.capsules = true;
    order.strength_mg = 0.5;
    order.prescriber_user_id = doc.id;
    auto draft = server::DraftOrder(st, order, now);
    ASSERT_TRUE(draft.ok()) << draft.status().ToString();
    ASSERT_TRUE(
        server::SignDraftOrder(st, patient_, draft->id, doc, kTestPassword, now, f_->api().options().password_cost)
            .ok());
    rx_ = draft->id;
    quantity_ = J::parse(draft->formulation_json)["quantity"].get<int64_t>();
    tablets_ = Lot("naltrexone HCl 50 mg tablets", "NX2301", "2027-06-30", 30, "tablet");
    filler_ = Lot("microcrystalline cellulose (Avicel PH-105)", "MCC-88", "2028-01-31", 500, "g");
    ASSERT_EQ(f_->Send("PUT", Status(), R"({"status":"verified"})", pharm_).status, 200);
  }
  std::string P(const std::string& rest = "") const { return "/api/v1/patients/" + std::to_string(patient_) + rest; }
  std::string Status() const { return P("/prescriptions/" + std::to_string(rx_) + "/status"); }

  int64_t Lot(const std::string& ingredient, const std::string& lot, const std::string& expiry, double quantity,
              const std::string& unit) {
    return RecordLot(*f_, pharm_, ingredient, lot, expiry, quantity, unit);
  }

  // The active batch (from tablets) or its placebo twin (the placebo master formula, filler only).
  int64_t MakeBatch(bool placebo, bool release = true) {
    const int64_t id = RecordCapsuleBatch(*f_, pharm_, rx_, quantity_, placebo, tablets_, filler_, "2026-12-04");
    if (id != 0 && release) ReleaseBatch(*f_, pharm2_, id);
    return id;
  }

  J KitBody(int64_t active, int64_t placebo) const {
    return {{"prescription_id", rx_}, {"active_batch_id", active}, {"placebo_batch_id", placebo}};
  }

  int CountAudit(const std::string& action, const std::string& outcome) {
    store::AuditQuery q;
    q.limit = 10000;
    const auto events = f_->store().ListAudit(q);
    EXPECT_TRUE(events.ok());
    int n = 0;
    for (const auto& e : *events) n += e.action == action && e.outcome == outcome ? 1 : 0;
    return n;
  }

  std::unique_ptr<ServerFixture> f_;
  store::Id patient_ = 0, pharmacy_ = 0, rx_ = 0;
  int64_t quantity_ = 0, tablets_ = 0, filler_ = 0;
  std::string doc_, pharm_, pharm2_, pat_;
};

TEST_F(KitsApiTest, APlaceboTwinAndItsActiveMakeAKitWithBlindedLabels) {
  const int64_t active = MakeBatch(false);
  const int64_t placebo = MakeBatch(true);
  const J pb = f_->Send("GET", "/api/v1/batches/" + std::to_string(placebo), "", pharm_).Json();
  EXPECT_EQ(pb["strength_mg"], 0.0);
  EXPECT_EQ(pb["master_formula"]["id"], "ldn-caps-placebo-mcc");
  EXPECT_EQ(pb["lots"].size(), 1u);
  EXPECT_NE(pb["record"].dump().find("placebo"), std::string::npos);

  auto r = f_->Send("POST", "/api/v1/kits", KitBody(active, placebo).dump(), pharm_);
  ASSERT_EQ(r.status, 201) << r.body;
  const J kit = r.Json();
  const std::string kit_id = std::to_string(kit["id"].get<int64_t>());
  EXPECT_EQ(kit["kit_code"], "K0001");
  EXPECT_EQ(kit["visibility"], "pharmacy-only");
  ASSERT_EQ(kit["packs"].size(), 2u);
  EXPECT_EQ(kit["packs"][0]["code"], "K0001-A");
  EXPECT_EQ(kit["packs"][1]["code"], "K0001-B");
  const std::string active_pack = kit["active_pack"];
  const int active_index = active_pack == "A" ? 0 : 1;
  EXPECT_EQ(kit["packs"][active_index]["batch_id"], active);
  EXPECT_EQ(kit["packs"][active_index]["contains"], "naltrexone");
  EXPECT_EQ(kit["packs"][1 - active_index]["contains"], "placebo");

  // The two labels: identical except the pack code; no batch number, "or placebo", one BUD.
  const auto la = f_->Send("GET", "/api/v1/kits/" + kit_id + "/packs/A/label", "", pharm_);
  const auto lb = f_->Send("GET", "/api/v1/kits/" + kit_id + "/packs/B/label", "", pharm_);
  ASSERT_EQ(la.status, 200) << la.body;
  ASSERT_EQ(lb.status, 200) << lb.body;
  const J a = la.Json()["lines"], b = lb.Json()["lines"];
  ASSERT_EQ(a.size(), b.size());
  int differing = 0;
  for (size_t i = 0; i < a.size(); ++i) differing += a[i] != b[i] ? 1 : 0;
  EXPECT_EQ(differing, 1);
  const std::string text = a.dump();
  for (const J& pack : kit["packs"]) {
    EXPECT_EQ(text.find(pack["batch_number"].get<std::string>()), std::string::npos) << text;
  }
  EXPECT_NE(text.find("Pack K0001-A"), std::string::npos) << text;
  EXPECT_NE(text.find("0.5 mg or placebo capsules"), std::string::npos) << text;
  EXPECT_NE(text.find("Dr Kit Prescriber"), std::string::npos) << text;
  EXPECT_EQ(la.Json()["barcode"]["text"], "RX" + std::to_string(rx_) + "/K0001-A");
  // A reprint is identical, JSON and PDF.
  EXPECT_EQ(f_->Send("GET", "/api/v1/kits/" + kit_id + "/packs/A/label", "", pharm2_).body, la.body);
  const auto pdf1 = f_->Send("GET", "/api/v1/kits/" + kit_id + "/packs/B/label?format=pdf", "", pharm_);
  const auto pdf2 = f_->Send("GET", "/api/v1/kits/" + kit_id + "/packs/B/label?format=pdf", "", pharm_);
  ASSERT_EQ(pdf1.status, 200);
  EXPECT_EQ(pdf1.body.rfind("%PDF", 0), 0u);
  EXPECT_EQ(pdf1.body, pdf2.body);
  const auto sheet = f_->Send("GET", "/api/v1/kits/" + kit_id + "/counselling", "", pharm_);
  ASSERT_EQ(sheet.status, 200) << sheet.body;
  EXPECT_NE(sheet.body.find("pack K0001"), std::string::npos) << sheet.body;
  EXPECT_EQ(f_->Send("GET", "/api/v1/kits/" + kit_id + "/packs/C/label", "", pharm_).Json()["error"]["field"], "pack");

  // Neither pack is labelled or dispensed under its batch number.
  for (int64_t id : {active, placebo}) {
    EXPECT_EQ(f_->Send("GET", "/api/v1/batches/" + std::to_string(id) + "/label", "", pharm_).status, 409);
    r = f_->Send("PUT", Status(), J{{"status", "dispensed"}, {"batch_id", id}}.dump(), pharm_);
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_NE(r.body.find("K0001"), std::string::npos) << r.body;
  }
  // The kit is dispensed whole: both packs in the log.
  r = f_->Send("PUT", Status(), J{{"status", "dispensed"}, {"kit_id", kit["id"]}}.dump(), pharm_);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto log = f_->store().ListDispensings(patient_);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 2u);
  std::set<store::Id> handed;
  for (const auto& d : *log) {
    handed.insert(d.batch_id);
    EXPECT_EQ(d.quantity, quantity_);
  }
  EXPECT_EQ(handed, (std::set<store::Id>{active, placebo}));
  // The patient's dispensing log, as the pharmacy reads it: both packs of the kit.
  r = f_->Send("GET", P("/dispensings"), "", pharm2_);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.Json()["dispensings"].size(), 2u);
  EXPECT_EQ(r.Json()["dispensings"][0]["kit"]["kit_code"], "K0001");
  EXPECT_EQ(r.Json()["dispensings"][0]["dispensed_by"]["username"], "pharm");
  EXPECT_EQ(f_->Send("GET", P("/dispensings"), "", doc_).status, 403);
  // The label now carries the dispensing date and is still the same for both packs but the code.
  EXPECT_TRUE(f_->Send("GET", "/api/v1/kits/" + kit_id + "/packs/A/label", "", pharm_).Json()["dispensed"].get<bool>());
}

TEST_F(KitsApiTest, OnlyAMatchedReleasedPairOfTheOrderMakesAKit) {
  const int64_t active = MakeBatch(false);
  const int64_t active2 = MakeBatch(false);
  const int64_t unreleased = MakeBatch(true, false);
  auto r = f_->Send("POST", "/api/v1/kits", KitBody(active, active2).dump(), pharm_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Json()["error"]["field"], "placebo_batch_id");
  r = f_->Send("POST", "/api/v1/kits", KitBody(active, unreleased).dump(), pharm_);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("placebo_batch_id"), std::string::npos) << r.body;
  r = f_->Send("POST", "/api/v1/kits", KitBody(active, active).dump(), pharm_);
  EXPECT_EQ(r.status, 400) << r.body;
  J wrong = KitBody(active, unreleased);
  wrong["prescription_id"] = 999999;
  EXPECT_EQ(f_->Send("POST", "/api/v1/kits", wrong.dump(), pharm_).status, 404);
  const int64_t placebo = MakeBatch(true);
  ASSERT_EQ(f_->Send("POST", "/api/v1/kits", KitBody(active, placebo).dump(), pharm_).status, 201);
  // A batch is in one kit at most.
  const int64_t placebo2 = MakeBatch(true);
  r = f_->Send("POST", "/api/v1/kits", KitBody(active, placebo2).dump(), pharm_);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("active_batch_id"), std::string::npos) << r.body;
  EXPECT_EQ(f_->Send("GET", "/api/v1/kits", "", pharm_).Json()["kits"].size(), 1u);

  // A placebo twin of the oral liquid is refused: its bitterness would unblind.
  J liquid = {{"prescription_ids", {rx_}},
              {"quantity", quantity_},
              {"master_formula_id", "ldn-liquid-1mgml-fawcett"},
              {"master_formula_version", 1},
              {"lots", {{{"lot_id", filler_}, {"amount", 1}}}}};
  EXPECT_EQ(f_->Send("POST", "/api/v1/batches", liquid.dump(), pharm_).Json()["error"]["field"], "master_formula_id");
}

TEST_F(KitsApiTest, OnlyTheKitPharmacysPharmacistsReadTheLinkAndEveryUnblindingIsRecorded) {
  const int64_t active = MakeBatch(false);
  const int64_t placebo = MakeBatch(true);
  auto r = f_->Send("POST", "/api/v1/kits", KitBody(active, placebo).dump(), pharm_);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string kit = "/api/v1/kits/" + std::to_string(r.Json()["id"].get<int64_t>());
  const std::string batch_a = r.Json()["packs"][0]["batch_number"];

  // The clinician and the patient: no kit route answers them, and the order they read names no
  // batch and says nothing of placebo.
  for (const std::string& token : {doc_, pat_}) {
    for (const std::string& path : {std::string("/api/v1/kits"), kit, kit + "/packs/A/label", kit + "/counselling"}) {
      EXPECT_EQ(f_->Send("GET", path, "", token).status, 403) << path;
    }
    EXPECT_EQ(f_->Send("POST", kit + "/unblind", R"({"password":"x","reason":"y"})", token).status, 403);
    const auto order = f_->Send("GET", P("/prescriptions/" + std::to_string(rx_)), "", token);
    ASSERT_EQ(order.status, 200) << order.body;
    EXPECT_EQ(order.body.find("placebo"), std::string::npos);
    EXPECT_EQ(order.body.find(batch_a), std::string::npos);
  }
  // A pharmacist of another pharmacy: no such kit.
  store::Store& st = f_->store();
  auto other = st.CreatePharmacy({0, "Elsewhere", "Far Road 2", "+47 2", f_->clock().Now()});
  ASSERT_TRUE(other.ok());
  const store::User stranger = f_->AddUser("pharm3", Role::kPharmacist);
  ASSERT_TRUE(st.SetUserPharmacy(stranger.id, other->id, f_->clock().Now()).ok());
  const std::string token = f_->Login("pharm3").token;
  EXPECT_EQ(f_->Send("GET", kit, "", token).status, 404);
  EXPECT_EQ(f_->Send("GET", kit + "/packs/A/label", "", token).status, 404);
  EXPECT_TRUE(f_->Send("GET", "/api/v1/kits", "", token).Json()["kits"].empty());
  EXPECT_EQ(
      f_->Send("POST", kit + "/unblind", J{{"password", kTestPassword}, {"reason", "curious"}}.dump(), token).status,
      404);

  // Unblinding: a reason and the pharmacist's own password; a refusal stores nothing but is audited.
  r = f_->Send("POST", kit + "/unblind", J{{"password", kTestPassword}}.dump(), pharm2_);
  EXPECT_EQ(r.Json()["error"]["field"], "reason");
  const int invalid_before = CountAudit("kit.unblind", "invalid");
  r = f_->Send("POST", kit + "/unblind",
               J{{"password", "not my password"}, {"reason", "Emergency department asks"}}.dump(), pharm2_);
  EXPECT_EQ(r.Json()["error"]["field"], "password") << r.body;
  EXPECT_GT(CountAudit("kit.unblind", "invalid"), invalid_before);
  EXPECT_TRUE(f_->Send("GET", kit, "", pharm_).Json()["unblindings"].empty());
  r = f_->Send("POST", kit + "/unblind",
               J{{"password", kTestPassword}, {"reason", "Emergency department asks (opioid analgesia)"}}.dump(),
               pharm2_);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.Json()["unblindings"].size(), 1u);
  EXPECT_EQ(r.Json()["unblindings"][0]["unblinded_by"]["username"], "pharm2");
  EXPECT_EQ(r.Json()["unblindings"][0]["reason"], "Emergency department asks (opioid analgesia)");
  EXPECT_EQ(CountAudit("kit.unblind", "ok"), 1);
  const auto rows = st.ListKitUnblindings(r.Json()["id"].get<int64_t>());
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 1u);
  // Every read of a kit is audited, the refused ones too (the clinician, the patient, the stranger).
  EXPECT_EQ(CountAudit("kit.read", "ok"), 1);
  EXPECT_EQ(CountAudit("kit.read", "denied"), 2);
  EXPECT_EQ(CountAudit("kit.read", "not_found"), 1);
}

// Refills (issue 14 item 4): an order with one renewal is dispensed twice, each fill with its own
// quantity; it stays open after the first fill and is closed by the last.
TEST_F(KitsApiTest, ARenewedOrderIsDispensedOnceForEachFill) {
  store::Store& st = f_->store();
  const store::User doc = *st.GetUserByUsername("doc");
  server::DraftOrderRequest order;
  order.patient_id = patient_;
  order.course_id = st.GetPrescription(patient_, rx_)->course_id;
  order.pharmacy_id = pharmacy_;
  order.capsules = true;
  order.strength_mg = 0.5;
  order.renewals = 1;
  order.renewal_interval_days = 28;
  order.prescriber_user_id = doc.id;
  auto draft = server::DraftOrder(st, order, f_->clock().Now());
  ASSERT_TRUE(draft.ok()) << draft.status().ToString();
  ASSERT_TRUE(server::SignDraftOrder(st, patient_, draft->id, doc, kTestPassword, f_->clock().Now(),
                                     f_->api().options().password_cost)
                  .ok());
  rx_ = draft->id;
  const J fills = J::parse(draft->formulation_json)["fills"];
  ASSERT_EQ(fills.size(), 2u);
  ASSERT_EQ(f_->Send("PUT", Status(), R"({"status":"verified"})", pharm_).status, 200);
  auto r = f_->Send("GET", P("/prescriptions/" + std::to_string(rx_)), "", pharm_);
  EXPECT_EQ(r.Json()["dispensing"]["fills_total"], 2);
  EXPECT_EQ(r.Json()["dispensing"]["refills_remaining"], 1);

  quantity_ = fills[0]["quantity"].get<int64_t>();
  const int64_t first = MakeBatch(false);
  r = f_->Send("PUT", Status(), J{{"status", "dispensed"}, {"batch_id", first}}.dump(), pharm_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["status"], "verified");  // open for the renewal
  EXPECT_EQ(r.Json()["dispensing"]["fills_dispensed"], 1);
  EXPECT_EQ(r.Json()["dispensing"]["refills_remaining"], 1);
  EXPECT_EQ(r.Json()["dispensing"]["next_fill"]["number"], 2);

  quantity_ = fills[1]["quantity"].get<int64_t>();
  const int64_t second = MakeBatch(false);
  r = f_->Send("PUT", Status(), J{{"status", "dispensed"}, {"batch_id", second}}.dump(), pharm_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["status"], "dispensed");
  EXPECT_EQ(r.Json()["dispensing"]["fills_dispensed"], 2);
  EXPECT_EQ(r.Json()["dispensing"]["refills_remaining"], 0);
  EXPECT_TRUE(r.Json()["dispensing"]["next_fill"].is_null());
  const auto log = st.ListDispensings(patient_);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ(log->at(0).quantity, fills[0]["quantity"].get<int64_t>());
  EXPECT_EQ(log->at(1).quantity, fills[1]["quantity"].get<int64_t>());
  // Closed: a third dispensing is refused.
  EXPECT_EQ(f_->Send("PUT", Status(), J{{"status", "dispensed"}, {"batch_id", second}}.dump(), pharm_).status, 409);
}

}  // namespace
}  // namespace ldn::testing
