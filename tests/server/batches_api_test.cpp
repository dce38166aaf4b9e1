// The pharmacy's record through the API (issue 14; api_batches.cpp): lots and inventory, a batch
// prepared for a stored order from real lots with its measured weights, the check by a second
// pharmacist who re-authenticates, and the dispensing of a released batch only.
#include <gtest/gtest.h>

#include "server_fixture.h"

namespace ldn::testing {
namespace {

using store::Role;
using J = nlohmann::json;

class BatchesApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_ = std::make_unique<ServerFixture>();
    const ServerFixture::CourseSeed seed = f_->SeedCareTeamWithCourse("Batch Patient");
    ASSERT_NE(seed.course_id, 0);
    patient_ = seed.patient_id;
    doc_ = seed.doc;
    pharm_ = seed.pharm;
    course_ = seed.course_id;
    store::Store& st = f_->store();
    const auto now = f_->clock().Now();
    auto pharmacy = st.CreatePharmacy({0, "Main St", "Main Street 1", "+47 1", now});
    ASSERT_TRUE(pharmacy.ok());
    pharmacy_ = pharmacy->id;
    ASSERT_TRUE(st.SetUserPharmacy(f_->Login("pharm").user_id, pharmacy_, now).ok());
    const store::User second = f_->AddUser("pharm2", Role::kPharmacist);
    ASSERT_TRUE(st.SetUserPharmacy(second.id, pharmacy_, now).ok());
    pharm2_ = f_->Login("pharm2").token;
    ASSERT_FALSE(pharm2_.empty());
    // An order of 60 capsules of 4.5 mg, signed, routed to Main St (written through the store: the
    // worked example needs this quantity).
    store::Prescription p;
    p.patient_id = patient_;
    p.course_id = course_;
    p.pharmacy = "Main St";
    p.pharmacy_id = pharmacy_;
    p.formulation_json = J{{"form", "capsule"}, {"strength_mg", 4.5}, {"quantity", 60}}.dump();
    p.recorded_by = f_->Login("doc").user_id;
    p.recorded_at = now;
    auto rx = st.CreatePrescription(p);
    ASSERT_TRUE(rx.ok()) << rx.status().ToString();
    ASSERT_TRUE(st.SignPrescription(patient_, rx->id, now, "{}").ok());
    rx_ = rx->id;
    tablets_ = Lot("naltrexone HCl 50 mg tablets", "NX2301", "2027-06-30", 30, "tablet");
    filler_ = Lot("microcrystalline cellulose (Avicel PH-105)", "MCC-88", "2028-01-31", 500, "g");
  }
  std::string P(const std::string& rest = "") const { return "/api/v1/patients/" + std::to_string(patient_) + rest; }

  int64_t Lot(const std::string& ingredient, const std::string& lot, const std::string& expiry, double quantity,
              const std::string& unit) {
    const J body = {{"ingredient", ingredient}, {"manufacturer", "Acme"}, {"lot", lot},
                    {"expiry", expiry},         {"quantity", quantity},   {"unit", unit}};
    auto r = f_->Send("POST", "/api/v1/lots", body.dump(), pharm_);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.Json()["id"].get<int64_t>() : 0;
  }

  // 60 capsules of 4.5 mg from tablets (300 mg each) in size 1 at 250 mg: the worksheet weighs
  // 1620.0 mg of tablet powder and 13380.0 mg of filler (docs/pharmacy.md).
  J Batch(const J& weighings = J::array({1621.4, 13376.0})) const {
    return {{"prescription_ids", {rx_}},
            {"quantity", 60},
            {"source", "tablets"},
            {"tablet_weight_mg", 300},
            {"capsule_size", "1"},
            {"fill_weight_mg", 250},
            {"date", "2026-12-04"},
            {"lots", {{{"lot_id", tablets_}, {"amount", 6}}, {{"lot_id", filler_}, {"amount", 13.38}}}},
            {"measurements", {{"weighings_mg", weighings}}}};
  }

  J Check(const std::string& decision) const {
    J qc = {{"appearance", "pass"},
            {"capsule_weights_mg", {251.0, 249.5, 250.2, 248.9, 252.3, 250.0, 249.1, 250.8, 251.7, 247.9}}};
    J body = {{"password", kTestPassword}, {"decision", decision}, {"qc", qc}};
    if (decision == "reject") body["reason"] = "capsules cracked";
    return body;
  }

  std::unique_ptr<ServerFixture> f_;
  store::Id patient_ = 0, pharmacy_ = 0;
  int64_t course_ = 0, rx_ = 0, tablets_ = 0, filler_ = 0;
  std::string doc_, pharm_, pharm2_;
};

TEST_F(BatchesApiTest, LotsAreTheInventoryAndBatchesTakeFromThem) {
  auto r = f_->Send("GET", "/api/v1/lots", "", pharm_);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.Json()["lots"].size(), 2u);
  EXPECT_EQ(r.Json()["lots"][1]["lot"], "NX2301");
  EXPECT_EQ(r.Json()["lots"][1]["remaining"], 30);

  J named = Batch();
  named["master_formula_id"] = "ldn-caps-4.5mg-mcc";
  named["master_formula_version"] = 1;
  r = f_->Send("POST", "/api/v1/batches", named.dump(), pharm_);
  ASSERT_EQ(r.status, 201) << r.body;
  const J b = r.Json();
  EXPECT_EQ(b["master_formula"]["id"], "ldn-caps-4.5mg-mcc");
  EXPECT_EQ(b["batch_number"], "2026-00001");
  EXPECT_EQ(b["status"], "prepared");
  EXPECT_EQ(b["prepared_by"]["username"], "pharm");
  EXPECT_EQ(b["quantity"], 60);
  EXPECT_EQ(b["quantity_unit"], "capsule");
  EXPECT_DOUBLE_EQ(b["strength_mg"].get<double>(), 4.5);
  EXPECT_EQ(b["prepared_on"], "2026-12-04");
  EXPECT_EQ(b["lots"].size(), 2u);
  EXPECT_EQ(b["record"]["measurements"]["weighings"][0]["target_mg"], 1620.0);
  EXPECT_EQ(b["record"]["measurements"]["weighings"][0]["measured_mg"], 1621.4);
  EXPECT_FALSE(b["record"]["preparation"].contains("label"));
  // The BUD: 180 days for a solid (USP <795> 2023), not after the earliest lot's expiry.
  EXPECT_EQ(b["bud_date"], "2027-06-02");

  r = f_->Send("GET", "/api/v1/lots", "", pharm_);
  EXPECT_EQ(r.Json()["lots"][1]["remaining"], 24);
  EXPECT_DOUBLE_EQ(r.Json()["lots"][0]["remaining"].get<double>(), 486.62);
  EXPECT_EQ(f_->Send("GET", "/api/v1/batches", "", pharm2_).Json()["batches"].size(), 1u);
}

TEST_F(BatchesApiTest, AnExpiredLotAnOutOfToleranceWeightAndAnUnexplainedQuantityAreRefused) {
  const int64_t old = Lot("naltrexone HCl 50 mg tablets", "OLD-1", "2026-12-31", 10, "tablet");
  J expired = Batch();
  expired["date"] = "2027-01-02";
  expired["lots"][0]["lot_id"] = old;
  auto r = f_->Send("POST", "/api/v1/batches", expired.dump(), pharm_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Json()["error"]["field"], "lots[0].lot_id");
  EXPECT_NE(r.body.find("OLD-1 expired on 2026-12-31"), std::string::npos) << r.body;

  r = f_->Send("POST", "/api/v1/batches", Batch(J::array({1720.0, 13380.0})).dump(), pharm_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Json()["error"]["field"], "measurements.weighings_mg[0]");
  EXPECT_NE(r.body.find("weigh again"), std::string::npos) << r.body;

  J more = Batch();
  more["quantity"] = 90;
  r = f_->Send("POST", "/api/v1/batches", more.dump(), pharm_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Json()["error"]["field"], "deviation_reason");

  J unknown = Batch();
  unknown["master_formula_id"] = "ldn-caps-9mg-chalk";
  unknown["master_formula_version"] = 1;
  r = f_->Send("POST", "/api/v1/batches", unknown.dump(), pharm_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Json()["error"]["field"], "master_formula_id");
  J other = Batch();
  other["master_formula_id"] = "ldn-caps-1.5mg-mcc";  // a formula of another strength
  other["master_formula_version"] = 1;
  EXPECT_EQ(f_->Send("POST", "/api/v1/batches", other.dump(), pharm_).Json()["error"]["field"], "master_formula_id");

  // Nothing was stored or taken.
  EXPECT_TRUE(f_->Send("GET", "/api/v1/batches", "", pharm_).Json()["batches"].empty());
  EXPECT_EQ(f_->Send("GET", "/api/v1/lots", "", pharm_).Json()["lots"][2]["remaining"], 30);
  // An expired lot is not taken into stock either.
  const J stale = {{"ingredient", "x"},      {"manufacturer", "y"}, {"lot", "z"},
                   {"expiry", "2020-01-01"}, {"quantity", 1},       {"unit", "g"}};
  r = f_->Send("POST", "/api/v1/lots", stale.dump(), pharm_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["error"]["field"], "expiry");
}

TEST_F(BatchesApiTest, TheSecondPharmacistReleasesAndOnlyAReleasedBatchIsDispensed) {
  auto r = f_->Send("POST", "/api/v1/batches", Batch().dump(), pharm_);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = std::to_string(r.Json()["id"].get<int64_t>());
  const std::string status = P("/prescriptions/" + std::to_string(rx_) + "/status");
  ASSERT_EQ(f_->Send("PUT", status, R"({"status":"verified"})", pharm_).status, 200);

  // Dispensing needs a batch, and a released one.
  r = f_->Send("PUT", status, R"({"status":"dispensed"})", pharm_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["error"]["field"], "batch_id");
  r = f_->Send("PUT", status, J{{"status", "dispensed"}, {"batch_id", std::stoll(id)}}.dump(), pharm_);
  EXPECT_EQ(r.status, 409) << r.body;

  // The preparer cannot check their own batch; a wrong password does not check it either.
  r = f_->Send("POST", "/api/v1/batches/" + id + "/check", Check("release").dump(), pharm_);
  EXPECT_EQ(r.status, 403) << r.body;
  J wrong = Check("release");
  wrong["password"] = "not the password";
  EXPECT_EQ(f_->Send("POST", "/api/v1/batches/" + id + "/check", wrong.dump(), pharm2_).Json()["error"]["field"],
            "password");
  J uneven = Check("release");
  uneven["qc"]["capsule_weights_mg"] = {300.0, 200.0, 250.0, 250.0, 250.0, 250.0, 250.0, 250.0, 250.0, 250.0};
  r = f_->Send("POST", "/api/v1/batches/" + id + "/check", uneven.dump(), pharm2_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Json()["error"]["field"], "qc");
  EXPECT_NE(r.body.find("weigh 20 more"), std::string::npos) << r.body;

  r = f_->Send("POST", "/api/v1/batches/" + id + "/check", Check("release").dump(), pharm2_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["status"], "released");
  EXPECT_EQ(r.Json()["checked_by"]["username"], "pharm2");
  EXPECT_TRUE(r.Json()["qc"]["weight_variation"]["passes"].get<bool>());
  EXPECT_EQ(f_->Send("POST", "/api/v1/batches/" + id + "/check", Check("reject").dump(), pharm2_).status, 409);

  // The checklist, when given, must be complete.
  J half = {{"status", "dispensed"}, {"batch_id", std::stoll(id)}, {"checklist", {{"identity", true}}}};
  EXPECT_EQ(f_->Send("PUT", status, half.dump(), pharm_).Json()["error"]["field"], "checklist.order");
  J all = {{"status", "dispensed"},
           {"batch_id", std::stoll(id)},
           {"checklist",
            {{"identity", true},
             {"order", true},
             {"dose", true},
             {"interactions", true},
             {"screening", true},
             {"washout", true}}}};
  r = f_->Send("PUT", status, all.dump(), pharm_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["status"], "dispensed");
  auto batch = f_->Send("GET", "/api/v1/batches/" + id, "", pharm_).Json();
  EXPECT_EQ(batch["dispensed_quantity"], 60);
  const auto log = f_->store().ListDispensings(patient_);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ(log->at(0).quantity, 60);
  EXPECT_NE(log->at(0).checklist_json.find("washout"), std::string::npos);
}

TEST_F(BatchesApiTest, AnotherPharmacysPharmacistSeesNoneOfIt) {
  auto r = f_->Send("POST", "/api/v1/batches", Batch().dump(), pharm_);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = std::to_string(r.Json()["id"].get<int64_t>());
  store::Store& st = f_->store();
  auto other = st.CreatePharmacy({0, "Elsewhere", "Far Road 2", "+47 2", f_->clock().Now()});
  ASSERT_TRUE(other.ok());
  const store::User stranger = f_->AddUser("pharm3", Role::kPharmacist);
  ASSERT_TRUE(st.SetUserPharmacy(stranger.id, other->id, f_->clock().Now()).ok());
  const std::string token = f_->Login("pharm3").token;
  EXPECT_EQ(f_->Send("GET", "/api/v1/batches/" + id, "", token).status, 404);
  EXPECT_EQ(f_->Send("POST", "/api/v1/batches/" + id + "/check", Check("release").dump(), token).status, 404);
  EXPECT_TRUE(f_->Send("GET", "/api/v1/lots", "", token).Json()["lots"].empty());
  EXPECT_EQ(f_->Send("POST", "/api/v1/batches", Batch().dump(), token).status, 404);  // not their order
  EXPECT_EQ(f_->Send("GET", "/api/v1/batches", "", doc_).status, 403);
}

}  // namespace
}  // namespace ldn::testing
