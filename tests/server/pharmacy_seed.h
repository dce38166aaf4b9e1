// The compounding pharmacy's records a server test needs before it can test kits and trials, made
// through the API as a pharmacy makes them (issue 14): an ingredient lot, a batch of 0.5 mg
// capsules from tablets or its placebo twin, and the second pharmacist's release. Each returns the
// new id, or 0 with the failure reported (EXPECT).
#ifndef LDN_TESTS_SERVER_PHARMACY_SEED_H_
#define LDN_TESTS_SERVER_PHARMACY_SEED_H_

#include <cstdint>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "server_fixture.h"

namespace ldn::testing {

// POST /lots as `pharm`.
inline int64_t RecordLot(ServerFixture& f, const std::string& pharm, const std::string& ingredient,
                         const std::string& lot, const std::string& expiry, double quantity, const std::string& unit) {
  const nlohmann::json body = {{"ingredient", ingredient}, {"manufacturer", "Acme"}, {"lot", lot},
                               {"expiry", expiry},         {"quantity", quantity},   {"unit", unit}};
  auto r = f.Send("POST", "/api/v1/lots", body.dump(), pharm);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? r.Json()["id"].get<int64_t>() : 0;
}

// POST /batches as `pharm`: `quantity` capsules for order `rx`, the 0.5 mg active (3 tablets of
// lot `tablets`, 25 g of lot `filler`) or its placebo twin (the filler only), prepared on `date`.
inline int64_t RecordCapsuleBatch(ServerFixture& f, const std::string& pharm, int64_t rx, int64_t quantity,
                                  bool placebo, int64_t tablets, int64_t filler, const std::string& date) {
  nlohmann::json body = {{"prescription_ids", {rx}},
                         {"quantity", quantity},
                         {"capsule_size", "1"},
                         {"fill_weight_mg", 250},
                         {"date", date}};
  if (placebo) {
    body["master_formula_id"] = "ldn-caps-placebo-mcc";
    body["master_formula_version"] = 1;
    body["lots"] = {{{"lot_id", filler}, {"amount", 25}}};
  } else {
    body["master_formula_id"] = "ldn-caps-0.5mg-mcc";
    body["master_formula_version"] = 1;
    body["source"] = "tablets";
    body["tablet_weight_mg"] = 300;
    body["lots"] = {{{"lot_id", tablets}, {"amount", 3}}, {{"lot_id", filler}, {"amount", 25}}};
  }
  auto r = f.Send("POST", "/api/v1/batches", body.dump(), pharm);
  EXPECT_EQ(r.status, 201) << r.body;
  if (r.status != 201) return 0;
  EXPECT_EQ(r.Json()["placebo"].get<bool>(), placebo);
  return r.Json()["id"].get<int64_t>();
}

// POST /batches/{id}/check as `checker` (not the preparer): released, with ten capsule weights
// within the USP <905> limits of a 250 mg fill.
inline void ReleaseBatch(ServerFixture& f, const std::string& checker, int64_t id) {
  const nlohmann::json check = {
      {"password", kTestPassword},
      {"decision", "release"},
      {"qc",
       {{"appearance", "pass"},
        {"capsule_weights_mg", {251.0, 249.5, 250.2, 248.9, 252.3, 250.0, 249.1, 250.8, 251.7, 247.9}}}}};
  auto c = f.Send("POST", "/api/v1/batches/" + std::to_string(id) + "/check", check.dump(), checker);
  EXPECT_EQ(c.status, 200) << c.body;
}

}  // namespace ldn::testing

#endif  // LDN_TESTS_SERVER_PHARMACY_SEED_H_
