// The pharmacy desk's and the evidence page's endpoints (api_pharmacy.cpp): the worksheet computed
// for a stored prescription from the pharmacy's measurements, and the PK profile. Expected values
// are the worked examples of docs/pharmacy.md / pharmacology-facts.md B3 and the CLI (`ldn pk`).
#include <gtest/gtest.h>

#include "server_fixture.h"

namespace ldn::testing {
namespace {

using store::Role;
using J = nlohmann::json;

class PharmacyApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_ = std::make_unique<ServerFixture>();
    const ServerFixture::CareTeamSeed seed = f_->SeedCareTeam("Rx Patient");
    patient_ = seed.patient_id;
    doc_ = seed.doc;
    pharm_ = seed.pharm;
    ASSERT_FALSE(doc_.empty() || pharm_.empty());
    // A screened patient; the first dose after the 14 baseline days (the course gate, docs/safety.md).
    ASSERT_EQ(f_->Send("POST", P("/screenings"), "{}", doc_).status, 201);
    auto r = f_->Send("POST", P("/courses"), J{{"protocol", "ldnrt-standard"}, {"start", "2026-12-06"}}.dump(), doc_);
    ASSERT_EQ(r.status, 201) << r.body;
    course_ = r.Json()["id"].get<int64_t>();
  }
  std::string P(const std::string& rest = "") const { return "/api/v1/patients/" + std::to_string(patient_) + rest; }
  // A signed prescription of exactly this formulation routed to pharm's pharmacy, written through
  // the store: the worked examples need a given quantity, where an order computes it from the plan.
  std::string Prescribe(const J& formulation) {
    store::Store& st = f_->store();
    const auto now = f_->clock().Now();
    if (pharmacy_ == 0) {
      auto pharmacy = st.CreatePharmacy({0, "Main St", "Main Street 1", "+47 1", now});
      EXPECT_TRUE(pharmacy.ok());
      pharmacy_ = pharmacy->id;
      EXPECT_TRUE(st.SetUserPharmacy(f_->Login("pharm").user_id, pharmacy_, now).ok());
    }
    store::Prescription p;
    p.patient_id = patient_;
    p.course_id = course_;
    p.pharmacy = "Main St";
    p.pharmacy_id = pharmacy_;
    p.formulation_json = formulation.dump();
    p.recorded_by = f_->Login("doc").user_id;
    p.recorded_at = now;
    auto rx = st.CreatePrescription(p);
    EXPECT_TRUE(rx.ok()) << rx.status().ToString();
    EXPECT_TRUE(st.SignPrescription(patient_, rx->id, now, "{}").ok());
    return P("/prescriptions/" + std::to_string(rx->id) + "/worksheet");
  }

  std::unique_ptr<ServerFixture> f_;
  store::Id patient_ = 0;
  int64_t course_ = 0;
  store::Id pharmacy_ = 0;
  std::string doc_, pharm_;
};

TEST_F(PharmacyApiTest, CapsuleWorksheetFromApiMatchesTheWorkedExample) {
  // pharmacology-facts.md B3: 4.5 mg x 100, assay 99.5%, water 1.0%, #3 at 200 mg -> API 456.8 mg.
  const std::string ws =
      Prescribe({{"form", "capsule"}, {"strength_mg", 4.5}, {"quantity", 100}, {"directions", "1 at bedtime"}});
  const J body = {{"source", "api"},     {"assay_pct", 99.5},     {"water_pct", 1.0},
                  {"capsule_size", "3"}, {"fill_weight_mg", 200}, {"date", "2026-11-20"}};
  auto r = f_->Send("POST", ws, body.dump(), pharm_);
  ASSERT_EQ(r.status, 200) << r.body;
  const J j = r.Json();
  EXPECT_NEAR(j["preparation"]["api_mg"].get<double>(), 456.8, 0.05);
  EXPECT_EQ(j["preparation"]["prepared"], "2026-11-20");
  EXPECT_EQ(j["preparation"]["batch_id"], "RX" + std::to_string(j["prescription"]["id"].get<int64_t>()));
  EXPECT_FALSE(j["worksheet"]["label_lines"].empty());
  bool names_patient = false;
  for (const auto& line : j["worksheet"]["label_lines"])
    names_patient |= line.get<std::string>().find("Rx Patient") != std::string::npos;
  EXPECT_TRUE(names_patient);
  EXPECT_FALSE(j["worksheet"]["sources"].empty());
  // Nothing was stored: the prescription is still issued.
  EXPECT_EQ(j["prescription"]["status"], "issued");
}

TEST_F(PharmacyApiTest, LiquidWorksheetFromTabletsAndItsErrorsNameTheBodyKeys) {
  const std::string ws =
      Prescribe({{"form", "liquid"}, {"strength_mg", 1}, {"quantity", 100}, {"directions", "see plan"}});
  auto r = f_->Send("POST", ws, J::object().dump(), pharm_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["preparation"]["tablets"], 2);    // 1 mg/mL x 100 mL = two 50 mg tablets
  EXPECT_EQ(r.Json()["preparation"]["bud_days"], 60);  // Fawcett 1997, refrigerated

  r = f_->Send("POST", ws, J{{"volume_ml", 30}}.dump(), pharm_);  // 30 mg: not whole tablets
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["error"]["field"], "volume_ml");
  r = f_->Send("POST", ws, J{{"capsule_size", "3"}}.dump(), pharm_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["error"]["field"], "capsule_size");
  r = f_->Send("POST", ws, J{{"colour", "red"}}.dump(), pharm_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["error"]["field"], "colour");

  const std::string caps =
      Prescribe({{"form", "capsule"}, {"strength_mg", 1.5}, {"quantity", 30}, {"directions", "x"}});
  r = f_->Send("POST", caps, J{{"capsule_size", "3"}, {"fill_weight_mg", 200}}.dump(), pharm_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["error"]["field"], "tablet_weight_mg");
  r = f_->Send("POST", caps, J{{"capsule_size", "3"}}.dump(), pharm_);
  EXPECT_EQ(r.Json()["error"]["field"], "fill_weight_mg");
}

TEST_F(PharmacyApiTest, PkProfileDefaultsAndValidation) {
  auto r = f_->Send("GET", "/api/v1/pharmacology/pk", "", doc_);
  ASSERT_EQ(r.status, 200) << r.body;
  const J j = r.Json();
  EXPECT_EQ(j["dose_mg_hcl"], 4.5);
  EXPECT_EQ(j["dose_time"], "22:00");
  EXPECT_EQ(j["days"], 7);
  EXPECT_EQ(j["series"].size(), 97u);  // 0..24 h every 15 minutes
  EXPECT_EQ(j["series"][0]["clock"], "22:00");
  EXPECT_GT(j["summary"]["occupancy_effect_peak_pct"].get<double>(), 0);
  EXPECT_TRUE(j["extrapolated_below_studied_range"].get<bool>());
  EXPECT_FALSE(j["parameters"].empty());

  r = f_->Send("GET", "/api/v1/pharmacology/pk?dose_mg=1.5&time=08:30&days=1", "", pharm_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["series"][0]["clock"], "08:30");
  for (const auto& [query, field] : std::vector<std::pair<std::string, std::string>>{{"dose_mg=0", "dose_mg"},
                                                                                     {"dose_mg=51", "dose_mg"},
                                                                                     {"dose_mg=4.5mg", "dose_mg"},
                                                                                     {"time=25:00", "time"},
                                                                                     {"days=0", "days"},
                                                                                     {"days=61", "days"},
                                                                                     {"days=x", "days"}}) {
    r = f_->Send("GET", "/api/v1/pharmacology/pk?" + query, "", doc_);
    EXPECT_EQ(r.status, 400) << query << ": " << r.body;
    EXPECT_EQ(r.Json()["error"]["field"], field) << query;
  }
}

}  // namespace
}  // namespace ldn::testing
