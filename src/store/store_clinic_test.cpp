// The Store contract of the clinic's workspace (issue 13; store.h): demographics, allergies,
// pharmacies and their staff, prescriber profiles, signing keys, orders (signature, cancellation,
// a pharmacy's queue, events, the pharmacist's part of the authorization query), one-time account
// codes, messages and read receipts, adverse-event follow-up and diary revisions over a range.
// Runs on every backend, as store_contract_test.cpp (SQLite here, PostgreSQL in
// ctest store_contract_postgres).
#include <gtest/gtest.h>

#include "store/store.h"
#include "store/store_test_support.h"

namespace ldn::store {
namespace {

using ::ldn::store::testing::At;
using ::ldn::store::testing::Day;
using ::ldn::store::testing::StoreTestBase;
using ::ldn::store::testing::T0;

class StoreClinicTest : public StoreTestBase {
 protected:
  User AddUser(const std::string& name, Role role) {
    User u;
    u.username = name;
    u.role = role;
    u.password_hash = "h";
    u.created_at = T0();
    Result<User> r = store_->CreateUser(u);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : User{};
  }

  Pharmacy AddPharmacy(const std::string& name) {
    Result<Pharmacy> p = store_->CreatePharmacy({0, name, "Street 1, Town", "+47 22 00 00 00", T0()});
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? *p : Pharmacy{};
  }

  Id AddCourse(Id patient_id) {
    Course c;
    c.patient_id = patient_id;
    c.protocol = "ldnrt-standard";
    c.plan_json = R"({"plan":{"steps":[]}})";
    c.recorded_by = clinician_.id;
    c.recorded_at = T0();
    Result<Course> r = store_->CreateCourse(c);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }

  Prescription Order(Id patient_id, Id course_id, std::optional<Id> pharmacy_id) {
    Prescription p;
    p.patient_id = patient_id;
    p.course_id = course_id;
    p.pharmacy = "Apotek";
    p.pharmacy_id = pharmacy_id;
    p.formulation_json = R"({"form":"liquid","strength_mg":1,"quantity":70})";
    p.recorded_by = clinician_.id;
    p.recorded_at = T0();
    Result<Prescription> r = store_->CreatePrescription(p);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Prescription{};
  }

  AccountCode Code(std::string hash_char, AccountCodePurpose purpose, std::optional<Id> patient,
                   std::optional<Id> user, int created, int expires) {
    AccountCode c;
    c.code_hash = std::string(64, hash_char[0]);
    c.purpose = purpose;
    c.patient_id = patient;
    c.user_id = user;
    c.created_by = clinician_.id;
    c.created_at = At(created);
    c.expires_at = At(expires);
    return c;
  }
};

TEST_P(StoreClinicTest, DemographicsAreOptionalAndReplaced) {
  Seed();
  EXPECT_EQ(store_->GetPatientDemographics(patient1_.id).status().code(), Code::kNotFound);
  PatientDemographics d;
  d.patient_id = patient1_.id;
  d.date_of_birth = Day(1979, 5, 14);
  d.sex_at_birth = "female";
  d.language = "nb";
  d.jurisdiction = "NO";
  d.address = "Parkveien 2, 0350 Oslo";
  d.updated_by = clinician_.id;
  d.updated_at = T0();
  ASSERT_TRUE(store_->PutPatientDemographics(d).ok());
  Result<PatientDemographics> got = store_->GetPatientDemographics(patient1_.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got->date_of_birth, Day(1979, 5, 14));
  EXPECT_EQ(*got->sex_at_birth, "female");
  EXPECT_EQ(*got->language, "nb");
  EXPECT_EQ(*got->jurisdiction, "NO");
  EXPECT_EQ(*got->address, "Parkveien 2, 0350 Oslo");
  // A second put replaces everything: absent fields are cleared.
  PatientDemographics later;
  later.patient_id = patient1_.id;
  later.jurisdiction = "US-CA";
  later.language = "en-US";
  later.updated_by = clinician_.id;
  later.updated_at = At(60);
  ASSERT_TRUE(store_->PutPatientDemographics(later).ok());
  got = store_->GetPatientDemographics(patient1_.id);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->date_of_birth.has_value());
  EXPECT_FALSE(got->address.has_value());
  EXPECT_EQ(*got->jurisdiction, "US-CA");
  EXPECT_EQ(got->updated_at, At(60));
  EXPECT_EQ(store_->GetPatientDemographics(patient2_.id).status().code(), Code::kNotFound);

  PatientDemographics bad = later;
  bad.sex_at_birth = "other";
  EXPECT_EQ(store_->PutPatientDemographics(bad).field(), "sex_at_birth");
  bad = later;
  bad.language = "english!";
  EXPECT_EQ(store_->PutPatientDemographics(bad).field(), "language");
  bad = later;
  bad.jurisdiction = "no";
  EXPECT_EQ(store_->PutPatientDemographics(bad).field(), "jurisdiction");
  bad = later;
  bad.patient_id = 9999;
  EXPECT_EQ(store_->PutPatientDemographics(bad).code(), Code::kNotFound);
}

TEST_P(StoreClinicTest, AllergiesAreCreatedListedAndChanged) {
  Seed();
  Allergy a{0, patient1_.id, "penicillin", true, R"({"reaction":"rash","severity":"moderate"})", clinician_.id, T0()};
  Result<Allergy> created = store_->CreateAllergy(a);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  created->active = false;
  created->details_json = R"({"reaction":"rash","severity":"mild"})";
  ASSERT_TRUE(store_->UpdateAllergy(*created).ok());
  Result<Allergy> got = store_->GetAllergy(patient1_.id, created->id);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->active);
  EXPECT_NE(got->details_json.find("mild"), std::string::npos);
  EXPECT_EQ(store_->GetAllergy(patient2_.id, created->id).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->ListAllergies(patient1_.id)->size(), 1u);
  EXPECT_TRUE(store_->ListAllergies(patient2_.id)->empty());
  a.substance = "";
  EXPECT_EQ(store_->CreateAllergy(a).status().field(), "substance");
}

TEST_P(StoreClinicTest, PharmaciesAndTheirPharmacists) {
  Seed();
  const Pharmacy one = AddPharmacy("Apotek One");
  const Pharmacy two = AddPharmacy("Apotek Two");
  const User pharm = AddUser("pharm", Role::kPharmacist);
  EXPECT_FALSE(store_->GetUserPharmacy(pharm.id)->has_value());
  ASSERT_TRUE(store_->SetUserPharmacy(pharm.id, one.id, T0()).ok());
  EXPECT_EQ(store_->GetUserPharmacy(pharm.id)->value(), one.id);
  EXPECT_EQ(*store_->ListPharmacyStaff(one.id), std::vector<Id>{pharm.id});
  ASSERT_TRUE(store_->SetUserPharmacy(pharm.id, two.id, T0()).ok());  // moves: one pharmacy at a time
  EXPECT_TRUE(store_->ListPharmacyStaff(one.id)->empty());
  EXPECT_EQ(store_->GetUserPharmacy(pharm.id)->value(), two.id);
  ASSERT_TRUE(store_->SetUserPharmacy(pharm.id, std::nullopt, T0()).ok());
  EXPECT_FALSE(store_->GetUserPharmacy(pharm.id)->has_value());

  EXPECT_EQ(store_->SetUserPharmacy(clinician_.id, one.id, T0()).field(), "user_id");
  EXPECT_EQ(store_->SetUserPharmacy(pharm.id, 9999, T0()).code(), Code::kNotFound);
  EXPECT_EQ(store_->SetUserPharmacy(9999, one.id, T0()).code(), Code::kNotFound);

  Pharmacy changed = one;
  changed.phone = "+47 99 99 99 99";
  ASSERT_TRUE(store_->UpdatePharmacy(changed).ok());
  EXPECT_EQ(store_->GetPharmacy(one.id)->phone, "+47 99 99 99 99");
  ASSERT_EQ(store_->ListPharmacies()->size(), 2u);
  changed.name = "";
  EXPECT_EQ(store_->UpdatePharmacy(changed).field(), "name");
  changed = one;
  changed.id = 9999;
  EXPECT_EQ(store_->UpdatePharmacy(changed).code(), Code::kNotFound);
  EXPECT_EQ(store_->GetPharmacy(9999).status().code(), Code::kNotFound);
}

TEST_P(StoreClinicTest, PrescriberProfilesAreForClinicians) {
  Seed();
  PrescriberProfile p{clinician_.id, "Dr Dana Doctor", "physician", "HPR 9144889", "Storgata 1, Oslo", "", T0()};
  ASSERT_TRUE(store_->PutPrescriberProfile(p).ok());
  p.registration_number = "HPR 1111111";
  ASSERT_TRUE(store_->PutPrescriberProfile(p).ok());
  Result<PrescriberProfile> got = store_->GetPrescriberProfile(clinician_.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->registration_number, "HPR 1111111");
  EXPECT_EQ(got->full_name, "Dr Dana Doctor");
  p.user_id = patient_user_.id;
  EXPECT_EQ(store_->PutPrescriberProfile(p).field(), "user_id");
  EXPECT_EQ(store_->GetPrescriberProfile(patient_user_.id).status().code(), Code::kNotFound);
  p.user_id = clinician_.id;
  p.full_name = "";
  EXPECT_EQ(store_->PutPrescriberProfile(p).field(), "full_name");
}

TEST_P(StoreClinicTest, ANewSigningKeyRetiresTheOldOne) {
  Seed();
  EXPECT_EQ(store_->GetActiveSigningKey(clinician_.id).status().code(), Code::kNotFound);
  SigningKey k;
  k.user_id = clinician_.id;
  k.public_key = std::string(64, 'a');
  k.sealed_secret = "c2VhbGVk";
  k.salt = std::string(32, 'b');
  k.nonce = std::string(48, 'c');
  k.created_at = T0();
  Result<SigningKey> first = store_->CreateSigningKey(k);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(store_->GetActiveSigningKey(clinician_.id)->id, first->id);
  k.public_key = std::string(64, 'd');
  k.created_at = At(100);
  Result<SigningKey> second = store_->CreateSigningKey(k);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(store_->GetActiveSigningKey(clinician_.id)->id, second->id);
  Result<SigningKey> old = store_->GetSigningKey(first->id);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->retired_at, At(100));  // kept, so that its signatures still verify
  EXPECT_EQ(old->public_key, std::string(64, 'a'));
  k.public_key = "not hex";
  EXPECT_EQ(store_->CreateSigningKey(k).status().field(), "public_key");
}

TEST_P(StoreClinicTest, OrdersAreSignedOnceCancelledWithAReasonAndQueuedByPharmacy) {
  Seed();
  const Pharmacy apotek = AddPharmacy("Apotek");
  const Pharmacy other = AddPharmacy("Other");
  const Id course = AddCourse(patient1_.id);
  Prescription rx = Order(patient1_.id, course, apotek.id);
  EXPECT_EQ(rx.pharmacy_id, apotek.id);
  EXPECT_FALSE(rx.signed_at.has_value());
  Prescription missing = rx;
  missing.pharmacy_id = 9999;
  EXPECT_EQ(store_->CreatePrescription(missing).status().code(), Code::kNotFound);

  ASSERT_TRUE(store_->SignPrescription(patient1_.id, rx.id, At(10), R"({"alg":"Ed25519"})").ok());
  EXPECT_EQ(store_->SignPrescription(patient1_.id, rx.id, At(20), R"({"alg":"Ed25519"})").code(), Code::kConflict);
  EXPECT_EQ(store_->SignPrescription(patient2_.id, rx.id, At(20), "{}").code(), Code::kNotFound);
  EXPECT_EQ(store_->SignPrescription(patient1_.id, rx.id, At(20), "not json").field(), "signature_json");
  Result<Prescription> got = store_->GetPrescription(patient1_.id, rx.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->signed_at, At(10));
  EXPECT_EQ(got->signature_json, R"({"alg":"Ed25519"})");

  const Prescription draft = Order(patient1_.id, course, apotek.id);
  const Prescription elsewhere = Order(patient1_.id, course, other.id);
  Result<std::vector<Prescription>> queue = store_->ListPharmacyOrders(apotek.id);
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->size(), 2u);  // drafts included; the server filters
  EXPECT_EQ((*queue)[0].id, rx.id);
  EXPECT_EQ((*queue)[1].id, draft.id);
  Result<std::vector<Prescription>> signed_rx = store_->ListSignedPrescriptions();
  ASSERT_TRUE(signed_rx.ok());
  ASSERT_EQ(signed_rx->size(), 1u);
  EXPECT_EQ((*signed_rx)[0].id, rx.id);

  ASSERT_TRUE(store_->CancelPrescription(patient1_.id, draft.id, "wrong strength", std::nullopt, At(30)).ok());
  got = store_->GetPrescription(patient1_.id, draft.id);
  EXPECT_EQ(got->status, PrescriptionStatus::kCancelled);
  EXPECT_EQ(got->cancel_reason, "wrong strength");
  EXPECT_EQ(got->updated_at, At(30));
  EXPECT_EQ(store_->SignPrescription(patient1_.id, draft.id, At(40), "{}").code(), Code::kConflict);
  EXPECT_EQ(store_->CancelPrescription(patient1_.id, elsewhere.id, "", std::nullopt, At(30)).field(), "reason");
  EXPECT_EQ(store_->CancelPrescription(patient2_.id, elsewhere.id, "x", std::nullopt, At(30)).code(),
            Code::kNotFound);

  Result<PrescriptionEvent> e =
      store_->AddPrescriptionEvent({0, patient1_.id, draft.id, "cancelled", clinician_.id, At(30), "wrong strength"});
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(store_->AddPrescriptionEvent({0, patient2_.id, draft.id, "created", clinician_.id, At(30), ""})
                .status()
                .code(),
            Code::kNotFound);
  EXPECT_EQ(store_->AddPrescriptionEvent({0, patient1_.id, draft.id, "lost", clinician_.id, At(30), ""})
                .status()
                .field(),
            "kind");
  Result<std::vector<PrescriptionEvent>> events = store_->ListPrescriptionEvents(patient1_.id);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].note, "wrong strength");
  EXPECT_TRUE(store_->ListPrescriptionEvents(patient2_.id)->empty());
}

TEST_P(StoreClinicTest, APharmacistSeesThePatientsOfSignedOrdersRoutedToTheirPharmacy) {
  Seed();
  const Pharmacy apotek = AddPharmacy("Apotek");
  const Pharmacy other = AddPharmacy("Other");
  const User mine = AddUser("mine", Role::kPharmacist);
  const User theirs = AddUser("theirs", Role::kPharmacist);
  ASSERT_TRUE(store_->SetUserPharmacy(mine.id, apotek.id, T0()).ok());
  ASSERT_TRUE(store_->SetUserPharmacy(theirs.id, other.id, T0()).ok());
  const Id course = AddCourse(patient1_.id);
  const Prescription rx = Order(patient1_.id, course, apotek.id);
  // A draft is not routed yet.
  EXPECT_FALSE(*store_->CanSeePatient(mine.id, patient1_.id));
  EXPECT_TRUE(store_->ListVisiblePatients(mine.id)->empty());
  ASSERT_TRUE(store_->SignPrescription(patient1_.id, rx.id, At(10), "{}").ok());
  EXPECT_TRUE(*store_->CanSeePatient(mine.id, patient1_.id));
  ASSERT_EQ(store_->ListVisiblePatients(mine.id)->size(), 1u);
  EXPECT_EQ((*store_->ListVisiblePatients(mine.id))[0].id, patient1_.id);
  EXPECT_FALSE(*store_->CanSeePatient(mine.id, patient2_.id));
  EXPECT_FALSE(*store_->CanSeePatient(theirs.id, patient1_.id));
  EXPECT_TRUE(store_->ListVisiblePatients(theirs.id)->empty());
  // A disabled pharmacist sees nothing.
  User off = *store_->GetUser(mine.id);
  off.disabled = true;
  ASSERT_TRUE(store_->UpdateUser(off).ok());
  EXPECT_FALSE(*store_->CanSeePatient(mine.id, patient1_.id));
  EXPECT_TRUE(store_->ListVisiblePatients(mine.id)->empty());
}

TEST_P(StoreClinicTest, AccountCodesWorkOnceUntilTheyExpireOrAreReplaced) {
  Seed();
  Result<AccountCode> invite = store_->CreateAccountCode(
      Code("a", AccountCodePurpose::kInvitation, patient2_.id, std::nullopt, 0, 3600));
  ASSERT_TRUE(invite.ok()) << invite.status().ToString();
  Result<AccountCode> found = store_->FindAccountCode(std::string(64, 'a'));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->patient_id, patient2_.id);
  EXPECT_EQ(found->purpose, AccountCodePurpose::kInvitation);
  EXPECT_FALSE(found->used_at.has_value());
  EXPECT_EQ(store_->FindAccountCode(std::string(64, 'f')).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->CreateAccountCode(Code("a", AccountCodePurpose::kInvitation, patient1_.id, std::nullopt, 0, 9))
                .status()
                .code(),
            Code::kConflict);  // the same hash twice

  ASSERT_TRUE(store_->UseAccountCode(invite->id, patient_user_.id, At(10)).ok());
  EXPECT_EQ(store_->UseAccountCode(invite->id, patient_user_.id, At(11)).code(), Code::kConflict);  // single use
  found = store_->FindAccountCode(std::string(64, 'a'));
  EXPECT_EQ(found->used_at, At(10));
  EXPECT_EQ(found->used_by, patient_user_.id);

  // Expiry: usable before expires_at, never at or after it.
  Result<AccountCode> reset =
      store_->CreateAccountCode(Code("b", AccountCodePurpose::kPassword, std::nullopt, clinician_.id, 0, 100));
  ASSERT_TRUE(reset.ok());
  EXPECT_EQ(store_->UseAccountCode(reset->id, clinician_.id, At(100)).code(), Code::kConflict);
  // A newer code for the same user revokes the open one.
  Result<AccountCode> first =
      store_->CreateAccountCode(Code("c", AccountCodePurpose::kPassword, std::nullopt, clinician_.id, 200, 900));
  Result<AccountCode> newer =
      store_->CreateAccountCode(Code("d", AccountCodePurpose::kPassword, std::nullopt, clinician_.id, 300, 900));
  ASSERT_TRUE(first.ok() && newer.ok());
  EXPECT_EQ(store_->FindAccountCode(std::string(64, 'c'))->revoked_at, At(300));
  EXPECT_EQ(store_->UseAccountCode(first->id, clinician_.id, At(310)).code(), Code::kConflict);
  EXPECT_TRUE(store_->UseAccountCode(newer->id, clinician_.id, At(310)).ok());
  EXPECT_EQ(store_->ListAccountCodes(std::nullopt, clinician_.id)->size(), 3u);
  EXPECT_EQ(store_->ListAccountCodes(patient2_.id, std::nullopt)->size(), 1u);
  EXPECT_EQ(store_->UseAccountCode(9999, clinician_.id, At(1)).code(), Code::kNotFound);

  // The target must match the purpose; expiry must follow creation; the hash is hex.
  EXPECT_EQ(store_->CreateAccountCode(Code("e", AccountCodePurpose::kInvitation, std::nullopt, clinician_.id, 0, 9))
                .status()
                .field(),
            "patient_id");
  EXPECT_EQ(store_->CreateAccountCode(Code("e", AccountCodePurpose::kPassword, patient1_.id, std::nullopt, 0, 9))
                .status()
                .field(),
            "user_id");
  EXPECT_EQ(store_->CreateAccountCode(Code("e", AccountCodePurpose::kPassword, std::nullopt, clinician_.id, 9, 9))
                .status()
                .field(),
            "expires_at");
  EXPECT_EQ(store_->CreateAccountCode(Code("X", AccountCodePurpose::kPassword, std::nullopt, clinician_.id, 0, 9))
                .status()
                .field(),
            "code_hash");
}

TEST_P(StoreClinicTest, MessagesAndReadReceipts) {
  Seed();
  Result<Message> m1 = store_->CreateMessage({0, patient1_.id, patient_user_.id, "Can I take ibuprofen?", At(1), "c1"});
  ASSERT_TRUE(m1.ok()) << m1.status().ToString();
  Result<Message> replay = store_->CreateMessage({0, patient1_.id, patient_user_.id, "Can I take ibuprofen?", At(2), "c1"});
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->id, m1->id);  // idempotent on client_id
  EXPECT_EQ(store_->CreateMessage({0, patient1_.id, patient_user_.id, "something else", At(2), "c1"}).status().code(),
            Code::kConflict);
  Result<Message> m2 = store_->CreateMessage({0, patient1_.id, clinician_.id, "Yes, it is fine with LDN.", At(3), {}});
  Result<Message> m3 = store_->CreateMessage({0, patient1_.id, patient_user_.id, "Thank you", At(4), {}});
  ASSERT_TRUE(m2.ok() && m3.ok());
  EXPECT_EQ(store_->CreateMessage({0, patient1_.id, clinician_.id, "", At(5), {}}).status().field(), "body");
  EXPECT_EQ(store_->CreateMessage({0, 9999, clinician_.id, "x", At(5), {}}).status().code(), Code::kNotFound);

  Result<std::vector<Message>> all = store_->ListMessages(patient1_.id, 0, 100);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[1].body, "Yes, it is fine with LDN.");
  EXPECT_EQ(store_->ListMessages(patient1_.id, m1->id, 1)->size(), 1u);
  EXPECT_EQ(store_->ListMessages(patient1_.id, m1->id, 1)->front().id, m2->id);
  EXPECT_TRUE(store_->ListMessages(patient2_.id, 0, 100)->empty());
  EXPECT_EQ(store_->ListMessages(patient1_.id, 0, 0).status().field(), "limit");

  // The clinician reads up to m1: one receipt (their own messages are never "read" by them).
  EXPECT_EQ(*store_->MarkMessagesRead(patient1_.id, clinician_.id, m1->id, At(10)), 1);
  EXPECT_EQ(*store_->MarkMessagesRead(patient1_.id, clinician_.id, m3->id, At(11)), 1);  // m3; m2 is theirs
  EXPECT_EQ(*store_->MarkMessagesRead(patient1_.id, clinician_.id, m3->id, At(12)), 0);  // nothing new
  EXPECT_EQ(*store_->MarkMessagesRead(patient1_.id, patient_user_.id, m3->id, At(13)), 1);
  Result<std::vector<MessageRead>> reads = store_->ListMessageReads(patient1_.id);
  ASSERT_TRUE(reads.ok());
  ASSERT_EQ(reads->size(), 3u);
  EXPECT_EQ((*reads)[0].message_id, m1->id);
  EXPECT_EQ((*reads)[0].read_at, At(10));
  EXPECT_EQ((*reads)[1].user_id, patient_user_.id);  // m2, read by the patient
  EXPECT_TRUE(store_->ListMessageReads(patient2_.id)->empty());
}

TEST_P(StoreClinicTest, AdverseEventsAreFollowedUp) {
  Seed();
  const Id course = AddCourse(patient1_.id);
  const Id other_course = AddCourse(patient2_.id);
  AdverseEvent e;
  e.patient_id = patient1_.id;
  e.onset_date = Day(2026, 11, 1);
  e.description = "vivid dreams";
  e.recorded_by = clinician_.id;
  e.recorded_at = T0();
  Result<AdverseEvent> stored = store_->CreateAdverseEvent(e);
  ASSERT_TRUE(stored.ok());
  stored->severity = Severity::kModerate;
  stored->serious = true;
  stored->course_id = course;
  stored->details_json = R"({"outcome":"recovering"})";
  ASSERT_TRUE(store_->UpdateAdverseEvent(*stored).ok());
  Result<AdverseEvent> got = store_->GetAdverseEvent(patient1_.id, stored->id);
  EXPECT_EQ(got->severity, Severity::kModerate);
  EXPECT_TRUE(got->serious);
  EXPECT_EQ(got->course_id, course);
  EXPECT_EQ(got->details_json, R"({"outcome":"recovering"})");
  EXPECT_EQ(got->onset_date, Day(2026, 11, 1));  // not changed by an update
  stored->course_id = other_course;
  EXPECT_EQ(store_->UpdateAdverseEvent(*stored).code(), Code::kNotFound);
  stored->course_id.reset();
  stored->patient_id = patient2_.id;
  EXPECT_EQ(store_->UpdateAdverseEvent(*stored).code(), Code::kNotFound);
}

TEST_P(StoreClinicTest, DiaryRevisionsOverARange) {
  Seed();
  ASSERT_TRUE(store_->UpsertDiary(Diary(Day(2026, 11, 1), "a1", R"({"pain":5})")).ok());
  ASSERT_TRUE(store_->UpsertDiary(Diary(Day(2026, 11, 1), "a2", R"({"pain":6})")).ok());
  ASSERT_TRUE(store_->UpsertDiary(Diary(Day(2026, 11, 2), "b1", R"({"pain":4})")).ok());
  ASSERT_TRUE(store_->UpsertDiary(Diary(Day(2026, 11, 5), "c1", R"({"pain":3})")).ok());
  Result<std::vector<DiaryEntry>> r = store_->ListDiaryRevisionsBetween(patient1_.id, Day(2026, 11, 1), Day(2026, 11, 2));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].revision, 1);
  EXPECT_EQ((*r)[1].revision, 2);
  EXPECT_EQ((*r)[1].client_id, "a2");
  EXPECT_EQ((*r)[2].local_date, Day(2026, 11, 2));
  EXPECT_EQ(store_->ListDiaryRevisionsBetween(patient1_.id, Day(2026, 11, 2), Day(2026, 11, 1)).status().field(),
            "to");
  EXPECT_TRUE(store_->ListDiaryRevisionsBetween(patient2_.id, Day(2026, 11, 1), Day(2026, 11, 30))->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreClinicTest, LDN_STORE_TEST_BACKENDS, testing::BackendName);

}  // namespace
}  // namespace ldn::store
