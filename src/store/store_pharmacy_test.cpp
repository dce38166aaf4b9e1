// The store's part of the compounding pharmacy's record (issue 14; docs/pharmacy.md): lots and
// inventory, batches with the pharmacy's own numbers, the one check by a second pharmacist, and the
// dispensing log, on every backend (ldn_store_tests: SQLite; ctest store_contract_postgres: PostgreSQL).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/store_test_support.h"

namespace ldn::store::testing {
namespace {

using ::testing::HasSubstr;

class StorePharmacyTest : public StoreTestBase {
 protected:
  void SetUp() override {
    StoreTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Seed();
    if (HasFatalFailure()) return;
    apotek_ = *store_->CreatePharmacy({0, "Apotek 1 Storgata", "Storgata 1, 0155 Oslo", "+47 22 00 00 00", T0()});
    other_ = *store_->CreatePharmacy({0, "Boots Soho", "1 Soho Sq, London", "+44 20 0000 0000", T0()});
    anna_ = AddPharmacist("anna");
    bo_ = AddPharmacist("bo");
    Course c;
    c.patient_id = patient1_.id;
    c.protocol = "ldnrt-standard";
    c.plan_json = R"({"plan":{"steps":[]}})";
    c.recorded_by = clinician_.id;
    c.recorded_at = T0();
    const Result<Course> course = store_->CreateCourse(c);
    ASSERT_TRUE(course.ok()) << course.status().ToString();
    Prescription p;
    p.patient_id = patient1_.id;
    p.course_id = course->id;
    p.pharmacy = apotek_.name;
    p.pharmacy_id = apotek_.id;
    p.formulation_json = R"({"form":"capsule","strength_mg":4.5,"quantity":60})";
    p.recorded_by = clinician_.id;
    p.recorded_at = T0();
    const Result<Prescription> rx = store_->CreatePrescription(p);
    ASSERT_TRUE(rx.ok()) << rx.status().ToString();
    rx_ = *rx;
    tablets_ = Lot("naltrexone HCl 50 mg tablets", "Accord", "NX2301", "2027-06-30", "tablet", 30'000);
    filler_ = Lot("microcrystalline cellulose", "JRS Pharma", "MCC-88", "2028-01-31", "g", 500'000);
  }

  User AddPharmacist(const std::string& name) {
    User u;
    u.username = name;
    u.role = Role::kPharmacist;
    u.password_hash = "h";
    u.created_at = T0();
    Result<User> r = store_->CreateUser(u);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : User{};
  }

  IngredientLot Lot(std::string ingredient, std::string maker, std::string lot, std::string expiry, std::string unit,
                    int64_t milli) {
    IngredientLot l;
    l.pharmacy_id = apotek_.id;
    l.ingredient = std::move(ingredient);
    l.manufacturer = std::move(maker);
    l.lot = std::move(lot);
    l.expiry = *ParseDate(expiry, "expiry");
    l.unit = std::move(unit);
    l.quantity_milli = milli;
    l.received_by = anna_.id;
    l.received_at = At(1);
    Result<IngredientLot> r = store_->CreateIngredientLot(l);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : IngredientLot{};
  }

  // 60 capsules of 4.5 mg from 5.4 tablets (5400 milli-tablets) and 18 g of filler, prepared by anna.
  Batch Capsules(const std::string& prepared_on = "2026-12-04") {
    Batch b;
    b.pharmacy_id = apotek_.id;
    b.orders = {{patient1_.id, rx_.id}};
    b.master_formula_id = "ldn-caps-4.5-mcc";
    b.master_formula_version = 1;
    b.form = "capsule";
    b.strength_micrograms_hcl = 4500;
    b.quantity = 60;
    b.quantity_unit = "capsule";
    b.record_json = R"({"measured":{"drug_mg":1650.2}})";
    b.prepared_on = *ParseDate(prepared_on, "prepared_on");
    b.bud_date = *ParseDate("2027-06-02", "bud_date");
    b.prepared_by = anna_.id;
    b.prepared_at = At(10);
    b.lots = {{tablets_.id, 5400}, {filler_.id, 18'000}};
    return b;
  }

  // The placebo twin of Capsules(): 60 capsules of filler alone.
  Batch Placebo() {
    Batch b = Capsules();
    b.master_formula_id = "ldn-caps-placebo-mcc";
    b.strength_micrograms_hcl = 0;
    b.placebo = true;
    b.lots = {{filler_.id, 18'000}};
    return b;
  }

  Kit KitOf(const Batch& a, const Batch& b, std::string code = "K-7F3Q-92XD") {
    Kit k;
    k.pharmacy_id = apotek_.id;
    k.kit_code = std::move(code);
    k.patient_id = patient1_.id;
    k.prescription_id = rx_.id;
    k.pack_a_batch_id = a.id;
    k.pack_b_batch_id = b.id;
    k.created_by = anna_.id;
    k.created_at = At(30);
    return k;
  }

  Pharmacy apotek_, other_;
  User anna_, bo_;
  Prescription rx_;
  IngredientLot tablets_, filler_;
};

TEST_P(StorePharmacyTest, LotsAreKeptWithWhatIsLeft) {
  const auto lots = store_->ListIngredientLots(apotek_.id);
  ASSERT_TRUE(lots.ok());
  ASSERT_EQ(lots->size(), 2u);
  EXPECT_EQ(lots->at(0).lot, "NX2301");
  EXPECT_EQ(lots->at(0).manufacturer, "Accord");
  EXPECT_EQ(FormatDate(lots->at(0).expiry), "2027-06-30");
  EXPECT_EQ(lots->at(0).quantity_milli, 30'000);
  EXPECT_EQ(lots->at(0).remaining_milli, 30'000);
  EXPECT_EQ(lots->at(1).unit, "g");
  EXPECT_TRUE(store_->ListIngredientLots(other_.id)->empty());
  EXPECT_EQ(store_->GetIngredientLot(filler_.id)->ingredient, "microcrystalline cellulose");
  EXPECT_EQ(store_->GetIngredientLot(999999).status().code(), Code::kNotFound);
}

TEST_P(StorePharmacyTest, BadLotsAreRefusedNamingTheField) {
  IngredientLot l = tablets_;
  l.unit = "handful";
  EXPECT_EQ(store_->CreateIngredientLot(l).status().field(), "unit");
  l = tablets_;
  l.quantity_milli = 0;
  EXPECT_EQ(store_->CreateIngredientLot(l).status().field(), "quantity");
  l = tablets_;
  l.lot = "";
  EXPECT_EQ(store_->CreateIngredientLot(l).status().field(), "lot");
  l = tablets_;
  l.pharmacy_id = 999999;
  EXPECT_THAT(store_->CreateIngredientLot(l).status().message(), HasSubstr("pharmacy_id"));
  EXPECT_EQ(store_->ListIngredientLots(apotek_.id)->size(), 2u);
}

TEST_P(StorePharmacyTest, ABatchTakesItsLotsAndNumbersFromThePharmacysSequence) {
  const Result<Batch> first = store_->CreateBatch(Capsules());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->batch_number, "2026-00001");
  EXPECT_EQ(first->status, BatchStatus::kPrepared);
  EXPECT_EQ(store_->GetIngredientLot(tablets_.id)->remaining_milli, 30'000 - 5400);
  EXPECT_EQ(store_->GetIngredientLot(filler_.id)->remaining_milli, 500'000 - 18'000);
  const Result<Batch> second = store_->CreateBatch(Capsules("2027-01-02"));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->batch_number, "2027-00002");
  EXPECT_EQ(store_->GetIngredientLot(tablets_.id)->remaining_milli, 30'000 - 2 * 5400);

  const Result<Batch> got = store_->GetBatch(first->id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->orders.size(), 1u);
  EXPECT_EQ(got->orders[0].prescription_id, rx_.id);
  ASSERT_EQ(got->lots.size(), 2u);
  EXPECT_EQ(got->master_formula_id, "ldn-caps-4.5-mcc");
  EXPECT_EQ(got->record_json, R"({"measured":{"drug_mg":1650.2}})");
  EXPECT_EQ(FormatDate(got->bud_date), "2027-06-02");
  EXPECT_FALSE(got->checked_by.has_value());
  EXPECT_EQ(store_->ListBatches(apotek_.id)->front().id, second->id);  // newest first
  EXPECT_EQ(store_->ListBatchesForPrescription(rx_.id)->size(), 2u);
  EXPECT_TRUE(store_->ListBatches(other_.id)->empty());
}

TEST_P(StorePharmacyTest, AnExpiredShortOrForeignLotStoresNothing) {
  Batch expired = Capsules("2027-07-01");  // the tablets expire on 2027-06-30
  expired.bud_date = *ParseDate("2027-07-31", "bud_date");
  const Status e = store_->CreateBatch(expired).status();
  EXPECT_EQ(e.field(), "lots[0].lot_id");
  EXPECT_THAT(e.message(), HasSubstr("expired on 2027-06-30"));

  Batch short_batch = Capsules();
  short_batch.lots[1].amount_milli = 500'001;  // the filler has 500 g
  const Status s = store_->CreateBatch(short_batch).status();
  EXPECT_EQ(s.code(), Code::kConflict);
  EXPECT_THAT(s.message(), HasSubstr("lots[1].amount"));
  EXPECT_THAT(s.message(), HasSubstr("has 500 g left"));

  IngredientLot foreign = tablets_;
  foreign.pharmacy_id = other_.id;
  foreign = *store_->CreateIngredientLot(foreign);
  Batch wrong = Capsules();
  wrong.lots[0].lot_id = foreign.id;
  EXPECT_EQ(store_->CreateBatch(wrong).status().code(), Code::kNotFound);

  // Nothing was taken and no number was used.
  EXPECT_EQ(store_->GetIngredientLot(tablets_.id)->remaining_milli, 30'000);
  EXPECT_EQ(store_->GetIngredientLot(filler_.id)->remaining_milli, 500'000);
  EXPECT_TRUE(store_->ListBatches(apotek_.id)->empty());
  EXPECT_EQ(store_->CreateBatch(Capsules())->batch_number, "2026-00001");
}

TEST_P(StorePharmacyTest, BadBatchesAreRefusedNamingTheField) {
  Batch b = Capsules();
  b.quantity_unit = "mL";
  EXPECT_EQ(store_->CreateBatch(b).status().field(), "quantity_unit");
  b = Capsules();
  b.strength_micrograms_hcl = 0;
  EXPECT_EQ(store_->CreateBatch(b).status().field(), "strength_micrograms_hcl");
  b = Capsules();
  b.lots.push_back(b.lots[0]);
  EXPECT_EQ(store_->CreateBatch(b).status().field(), "lots[2].lot_id");
  b = Capsules();
  b.orders.clear();
  EXPECT_EQ(store_->CreateBatch(b).status().field(), "orders");
  b = Capsules();
  b.orders[0].patient_id = patient2_.id;  // not this patient's order
  EXPECT_THAT(store_->CreateBatch(b).status().message(), HasSubstr("orders[0].prescription_id"));
  b = Capsules();
  b.bud_date = *ParseDate("2026-12-01", "bud_date");
  EXPECT_EQ(store_->CreateBatch(b).status().field(), "bud_date");
  EXPECT_TRUE(store_->ListBatches(apotek_.id)->empty());
}

TEST_P(StorePharmacyTest, ASecondPharmacistChecksABatchOnce) {
  const Batch b = *store_->CreateBatch(Capsules());
  const Status own = store_->CheckBatch(b.id, BatchStatus::kReleased, anna_.id, At(20), "{}", "");
  EXPECT_EQ(own.code(), Code::kPermissionDenied);
  EXPECT_EQ(store_->CheckBatch(b.id, BatchStatus::kRejected, bo_.id, At(20), "{}", "").field(), "reason");
  ASSERT_TRUE(store_->CheckBatch(b.id, BatchStatus::kReleased, bo_.id, At(20), R"({"appearance":"ok"})", "").ok());
  EXPECT_EQ(store_->CheckBatch(b.id, BatchStatus::kRejected, bo_.id, At(30), "{}", "second thoughts").code(),
            Code::kConflict);
  const Batch got = *store_->GetBatch(b.id);
  EXPECT_EQ(got.status, BatchStatus::kReleased);
  EXPECT_EQ(got.checked_by, bo_.id);
  EXPECT_EQ(got.checked_at, At(20));
  EXPECT_EQ(got.qc_json, R"({"appearance":"ok"})");
}

TEST_P(StorePharmacyTest, OnlyAReleasedBatchOfTheOrderIsDispensedAndNoMoreThanItHolds) {
  const Batch b = *store_->CreateBatch(Capsules());
  DispensingRecord d;
  d.batch_id = b.id;
  d.patient_id = patient1_.id;
  d.prescription_id = rx_.id;
  d.quantity = 60;
  d.checklist_json = R"({"identity":true})";
  d.dispensed_by = bo_.id;
  d.dispensed_at = At(40);
  EXPECT_THAT(store_->CreateDispensing(d).status().message(), HasSubstr("not released"));
  ASSERT_TRUE(store_->CheckBatch(b.id, BatchStatus::kReleased, bo_.id, At(20), "{}", "").ok());
  DispensingRecord too_many = d;
  too_many.quantity = 61;
  EXPECT_THAT(store_->CreateDispensing(too_many).status().message(), HasSubstr("holds 60 capsule"));
  DispensingRecord other_patient = d;
  other_patient.patient_id = patient2_.id;
  EXPECT_EQ(store_->CreateDispensing(other_patient).status().code(), Code::kConflict);
  const Result<DispensingRecord> ok = store_->CreateDispensing(d);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  DispensingRecord again = d;
  again.quantity = 1;
  EXPECT_EQ(store_->CreateDispensing(again).status().code(), Code::kConflict);  // the batch is empty
  const auto log = store_->ListDispensings(patient1_.id);
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ(log->at(0).dispensed_by, bo_.id);
  EXPECT_EQ(log->at(0).checklist_json, R"({"identity":true})");
  EXPECT_EQ(store_->ListBatchDispensings(b.id)->size(), 1u);
  EXPECT_TRUE(store_->ListDispensings(patient2_.id)->empty());
}

TEST_P(StorePharmacyTest, RecordsAreKeptAsWritten) {
  if (IsMemory()) GTEST_SKIP() << "raw SQL needs a second connection";
  const Batch b = *store_->CreateBatch(Capsules());
  EXPECT_ANY_THROW(RawSql("UPDATE batches SET quantity = 120"));
  EXPECT_ANY_THROW(RawSql("UPDATE batch_lots SET amount_milli = 1"));
  EXPECT_ANY_THROW(RawSql("UPDATE batches SET checked_by = prepared_by, status = 'released', checked_at = 1"));
  ASSERT_TRUE(store_->CheckBatch(b.id, BatchStatus::kReleased, bo_.id, At(20), "{}", "").ok());
  EXPECT_ANY_THROW(RawSql("UPDATE batches SET status = 'rejected', decision_reason = 'later'"));
  EXPECT_EQ(store_->GetBatch(b.id)->quantity, 60);
  EXPECT_EQ(store_->GetBatch(b.id)->status, BatchStatus::kReleased);
}

// Migration 0007's down path: refused while any pharmacy record exists; reversible while none does.
TEST_P(StorePharmacyTest, DownPathKeepsRecordsAndIsReversibleWhenEmpty) {
  if (IsMemory()) GTEST_SKIP() << "needs to reopen the same database";
  const Status refused = store_->MigrateDown(6);
  EXPECT_FALSE(refused.ok());
  EXPECT_THAT(refused.message(), HasSubstr("pharmacy records exist"));
  EXPECT_EQ(*store_->SchemaVersion(), LatestSchemaVersion());
  EXPECT_EQ(store_->ListIngredientLots(apotek_.id)->size(), 2u);

  RawSql("DELETE FROM ingredient_lots");
  ASSERT_TRUE(store_->MigrateDown(6).ok());
  EXPECT_EQ(*store_->SchemaVersion(), 6);
  EXPECT_ANY_THROW(RawSql("SELECT count(*) FROM batches"));
  EXPECT_EQ(store_->GetPharmacy(apotek_.id)->name, "Apotek 1 Storgata");
  Reopen();
  EXPECT_EQ(*store_->SchemaVersion(), LatestSchemaVersion());
  EXPECT_TRUE(store_->CreateIngredientLot(tablets_).ok());
}

// Placebo-twin kits (issue 14 item 5): one active batch and its placebo twin, made for one order,
// as pack A and pack B under a kit code.
TEST_P(StorePharmacyTest, AKitPairsAnActiveBatchWithItsPlaceboTwin) {
  const Batch active = *store_->CreateBatch(Capsules());
  const Batch placebo = *store_->CreateBatch(Placebo());
  const Result<Kit> kit = store_->CreateKit(KitOf(placebo, active));
  ASSERT_TRUE(kit.ok()) << kit.status().ToString();
  EXPECT_GT(kit->id, 0);
  EXPECT_EQ(store_->GetKit(kit->id)->kit_code, "K-7F3Q-92XD");
  EXPECT_EQ(store_->GetKit(kit->id)->pack_a_batch_id, placebo.id);
  EXPECT_EQ(store_->GetKitOfBatch(active.id)->id, kit->id);
  EXPECT_EQ(store_->GetKitOfBatch(placebo.id)->id, kit->id);
  EXPECT_EQ(store_->ListKits(apotek_.id)->size(), 1u);
  EXPECT_TRUE(store_->ListKits(other_.id)->empty());
  EXPECT_EQ(store_->GetKit(kit->id + 100).status().code(), Code::kNotFound);
  EXPECT_TRUE(store_->GetBatch(placebo.id)->placebo);
  EXPECT_EQ(store_->GetBatch(placebo.id)->strength_micrograms_hcl, 0);
}

TEST_P(StorePharmacyTest, AKitThatIsNotAMatchedPairIsRefusedAndNothingIsStored) {
  const Batch active = *store_->CreateBatch(Capsules());
  const Batch active2 = *store_->CreateBatch(Capsules());
  const Batch placebo = *store_->CreateBatch(Placebo());
  Batch short_placebo = Placebo();
  short_placebo.quantity = 30;
  short_placebo.deviation_reason = "half a batch";
  const Batch fewer = *store_->CreateBatch(short_placebo);

  auto expect = [&](const Kit& k, Code code, const std::string& field) {
    const Result<Kit> r = store_->CreateKit(k);
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    // The field: Status::field(), or the message's "field: ..." prefix (the store's kNotFound and
    // kConflict name it so).
    const std::string named = r.status().field().empty() ? r.status().message() : r.status().field();
    EXPECT_EQ(named.rfind(field, 0), 0u) << r.status().ToString();
  };
  expect(KitOf(active, active2), Code::kConflict, "pack_b_batch_id");  // two actives
  expect(KitOf(active, fewer), Code::kConflict, "pack_b_batch_id");    // 60 against 30 capsules
  expect(KitOf(active, active), Code::kInvalidArgument, "pack_b_batch_id");
  expect(KitOf(active, placebo, "k-lower"), Code::kInvalidArgument, "kit_code");
  Kit foreign = KitOf(active, placebo);
  foreign.pharmacy_id = other_.id;  // the batches are apotek's
  expect(foreign, Code::kNotFound, "pack_a_batch_id");
  Kit other_order = KitOf(active, placebo);
  other_order.prescription_id = rx_.id + 1000;
  expect(other_order, Code::kConflict, "pack_a_batch_id");
  Kit nobody = KitOf(active, placebo);
  nobody.created_by = 987654;
  expect(nobody, Code::kNotFound, "created_by");
  EXPECT_TRUE(store_->ListKits(apotek_.id)->empty());

  ASSERT_TRUE(store_->CreateKit(KitOf(active, placebo)).ok());
  const Batch placebo2 = *store_->CreateBatch(Placebo());
  expect(KitOf(active, placebo2, "K-OTHER"), Code::kConflict, "pack_a_batch_id");  // active already a pack
  expect(KitOf(active2, placebo2), Code::kConflict, "kit_code");                   // the code is taken
  EXPECT_EQ(store_->ListKits(apotek_.id)->size(), 1u);
}

TEST_P(StorePharmacyTest, EveryUnblindingIsRecordedAndKitsAreKeptAsWritten) {
  const Batch active = *store_->CreateBatch(Capsules());
  const Batch placebo = *store_->CreateBatch(Placebo());
  const Kit kit = *store_->CreateKit(KitOf(active, placebo));
  KitUnblinding u;
  u.kit_id = kit.id;
  u.unblinded_by = bo_.id;
  u.unblinded_at = At(40);
  u.reason = "emergency surgery: the anaesthetist must know whether naltrexone is on board";
  const Result<KitUnblinding> first = store_->UnblindKit(u);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->patient_id, patient1_.id);
  u.reason = "end of the trial";
  u.unblinded_at = At(50);
  ASSERT_TRUE(store_->UnblindKit(u).ok());
  const auto all = *store_->ListKitUnblindings(kit.id);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].unblinded_by, bo_.id);
  EXPECT_THAT(all[0].reason, HasSubstr("anaesthetist"));
  u.reason = "";
  EXPECT_EQ(store_->UnblindKit(u).status().field(), "reason");
  u.reason = "why";
  u.kit_id = kit.id + 100;
  EXPECT_EQ(store_->UnblindKit(u).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->ListKitUnblindings(kit.id)->size(), 2u);
  if (IsMemory()) return;
  EXPECT_ANY_THROW(RawSql("UPDATE kits SET pack_a_batch_id = pack_b_batch_id, pack_b_batch_id = pack_a_batch_id"));
  EXPECT_ANY_THROW(RawSql("UPDATE kit_unblindings SET reason = 'nothing happened'"));
  EXPECT_EQ(store_->GetKit(kit.id)->pack_a_batch_id, active.id);
}

// Migration 0009's down path: refused while a kit exists.
TEST_P(StorePharmacyTest, KitsDownPathKeepsKits) {
  if (IsMemory()) GTEST_SKIP() << "needs to reopen the same database";
  const Batch active = *store_->CreateBatch(Capsules());
  const Batch placebo = *store_->CreateBatch(Placebo());
  ASSERT_TRUE(store_->CreateKit(KitOf(active, placebo)).ok());
  const Status refused = store_->MigrateDown(8);
  EXPECT_FALSE(refused.ok());
  EXPECT_THAT(refused.message(), HasSubstr("placebo-twin kits exist"));
  EXPECT_EQ(*store_->SchemaVersion(), LatestSchemaVersion());
  EXPECT_EQ(store_->ListKits(apotek_.id)->size(), 1u);
}

// Issue 16 (migration 0015): a trial on the order, its pairs' kits, the move to started that freezes
// the protocol, the patient's answers, one unblinding; append-only where it must be.
TEST_P(StorePharmacyTest, ATrialFreezesItsProtocolWhenItStarts) {
  const std::string sha(64, 'c');
  Trial t;
  t.patient_id = patient1_.id;
  t.prescription_id = rx_.id;
  t.protocol_json = R"({"pairs":1})";
  t.protocol_sha256 = sha;
  t.designed_by = clinician_.id;
  t.designed_at = At(10);
  const Result<Trial> designed = store_->CreateTrial(t);
  ASSERT_TRUE(designed.ok()) << designed.status().ToString();
  EXPECT_EQ(designed->status, TrialStatus::kDesigned);
  EXPECT_FALSE(designed->start_date.has_value());
  // One open trial per patient; a bad hash or another patient's order is refused.
  EXPECT_EQ(store_->CreateTrial(t).status().code(), Code::kConflict);
  Trial bad = t;
  bad.protocol_sha256 = "C" + sha.substr(1);
  EXPECT_EQ(store_->CreateTrial(bad).status().field(), "protocol_sha256");
  bad = t;
  bad.patient_id = patient2_.id;
  EXPECT_EQ(store_->CreateTrial(bad).status().code(), Code::kNotFound);
  // While designed: the protocol may change; answers wait for the start.
  ASSERT_TRUE(store_->ReplaceTrialProtocol(designed->id, R"({"pairs":1,"mcid":1.5})", std::string(64, 'd')).ok());
  TrialAnswer answer{designed->id, 0, 1, "dont_know", 4, patient_user_.id, At(20)};
  EXPECT_EQ(store_->RecordTrialAnswer(answer).status().code(), Code::kConflict);
  // The pair's kit: of the trial's order, once.
  const Batch active = *store_->CreateBatch(Capsules());
  const Batch placebo = *store_->CreateBatch(Placebo());
  const Kit kit = *store_->CreateKit(KitOf(active, placebo));
  TrialKit tk{designed->id, 0, 1, kit.id, anna_.id, At(12)};
  const Result<TrialKit> given = store_->AssignTrialKit(tk);
  ASSERT_TRUE(given.ok()) << given.status().ToString();
  EXPECT_EQ(given->patient_id, patient1_.id);
  EXPECT_EQ(store_->AssignTrialKit(tk).status().code(), Code::kConflict);
  tk.pair = 13;
  EXPECT_EQ(store_->AssignTrialKit(tk).status().field(), "pair");
  ASSERT_EQ(store_->ListTrialKits(designed->id)->size(), 1u);
  // Started: frozen.
  Trial change;
  change.start_date = *ParseDate("2026-12-10", "d");
  change.started_by = clinician_.id;
  change.started_at = At(30);
  const Result<Trial> started = store_->MoveTrial(designed->id, TrialStatus::kStarted, change);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  EXPECT_EQ(started->status, TrialStatus::kStarted);
  EXPECT_EQ(FormatDate(*started->start_date), "2026-12-10");
  EXPECT_EQ(started->protocol_sha256, std::string(64, 'd'));
  EXPECT_EQ(store_->ReplaceTrialProtocol(designed->id, "{}", sha).status().code(), Code::kConflict);
  EXPECT_EQ(store_->MoveTrial(designed->id, TrialStatus::kCancelled, change).status().code(), Code::kConflict);
  tk.pair = 1;
  EXPECT_EQ(store_->AssignTrialKit(tk).status().code(), Code::kConflict);
  // Answers, once per period.
  const Result<TrialAnswer> answered = store_->RecordTrialAnswer(answer);
  ASSERT_TRUE(answered.ok()) << answered.status().ToString();
  EXPECT_EQ(store_->RecordTrialAnswer(answer).status().code(), Code::kConflict);
  answer.period = 2;
  answer.guess = "maybe";
  EXPECT_EQ(store_->RecordTrialAnswer(answer).status().field(), "guess");
  answer.guess = "ldn";
  answer.pgic = 8;
  EXPECT_EQ(store_->RecordTrialAnswer(answer).status().field(), "pgic");
  answer.pgic.reset();
  ASSERT_TRUE(store_->RecordTrialAnswer(answer).ok());
  const auto answers = *store_->ListTrialAnswers(designed->id);
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].pgic, 4);
  EXPECT_FALSE(answers[1].pgic.has_value());
  // One unblinding is kept.
  Trial unblind;
  unblind.unblinded_by = clinician_.id;
  unblind.unblinded_at = At(40);
  unblind.unblind_reason = "emergency: surgery with opioid analgesia";
  unblind.emergency_unblinding = true;
  const Result<Trial> unblinded = store_->UnblindTrial(designed->id, unblind);
  ASSERT_TRUE(unblinded.ok()) << unblinded.status().ToString();
  EXPECT_TRUE(unblinded->emergency_unblinding);
  EXPECT_EQ(store_->UnblindTrial(designed->id, unblind).status().code(), Code::kConflict);
  // Ended; a new trial may be designed.
  Trial end;
  end.ended_by = clinician_.id;
  end.ended_at = At(50);
  end.end_reason = "stopped early after the unblinding";
  ASSERT_EQ(store_->MoveTrial(designed->id, TrialStatus::kEnded, end)->status, TrialStatus::kEnded);
  EXPECT_TRUE(store_->CreateTrial(t).ok());
  EXPECT_EQ(store_->ListTrials(patient1_.id)->size(), 2u);
  EXPECT_EQ(store_->ListPharmacyTrials(apotek_.id)->size(), 2u);
  EXPECT_TRUE(store_->ListPharmacyTrials(other_.id)->empty());
  if (IsMemory()) return;
  EXPECT_ANY_THROW(RawSql("UPDATE trials SET protocol_json = '{\"pairs\":6}' WHERE status = 'ended'"));
  EXPECT_ANY_THROW(RawSql("UPDATE trial_kits SET pair = 2"));
  EXPECT_ANY_THROW(RawSql("UPDATE trial_answers SET guess = 'placebo'"));
  EXPECT_EQ(store_->GetTrial(designed->id)->protocol_sha256, std::string(64, 'd'));
}

// Migration 0015's down path: refused while a trial exists.
TEST_P(StorePharmacyTest, TrialsDownPathKeepsTrials) {
  if (IsMemory()) GTEST_SKIP() << "needs to reopen the same database";
  Trial t;
  t.patient_id = patient1_.id;
  t.prescription_id = rx_.id;
  t.protocol_json = R"({"pairs":1})";
  t.protocol_sha256 = std::string(64, 'e');
  t.designed_by = clinician_.id;
  t.designed_at = At(10);
  ASSERT_TRUE(store_->CreateTrial(t).ok());
  const Status refused = store_->MigrateDown(14);
  EXPECT_FALSE(refused.ok());
  EXPECT_THAT(refused.message(), HasSubstr("N-of-1 trials exist"));
  EXPECT_EQ(*store_->SchemaVersion(), LatestSchemaVersion());
  EXPECT_EQ(store_->ListTrials(patient1_.id)->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StorePharmacyTest, LDN_STORE_TEST_BACKENDS, BackendName);

}  // namespace
}  // namespace ldn::store::testing
