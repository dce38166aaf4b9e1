// The refusals a patient meets carry their words as a catalog key with values (issue 15, item 6;
// core/result.h Status::WithText): each error below, sent by the real server, names a key that the
// app's Danish and Norwegian catalogs translate (web/locales, read here as the server reads them),
// with the values the sentence needs. English stays in "message" for programs and the logs.
#include <filesystem>

#include <gtest/gtest.h>

#include "core/message.h"
#include "server/catalogs.h"
#include "server/web_push.h"
#include "server_fixture.h"

namespace ldn::testing {
namespace {

using J = nlohmann::json;

// The error's text in `lang` as the app would show it, made from message_key and vars; fails the
// test when the error has no key, or when Danish or Norwegian give the English text (untranslated).
std::string Said(const TestResponse& r, const std::string& lang = "en") {
  static const server::Catalogs catalogs =
      server::Catalogs::Load(std::filesystem::path(LDN_SOURCE_DIR) / "web" / "locales");
  const J e = r.Json()["error"];
  if (!e.contains("message_key")) {
    ADD_FAILURE() << "no message_key in " << r.body;
    return "";
  }
  const Message m{e["message_key"].get<std::string>(), e["vars"]};
  const std::string text = catalogs.Text(lang, m);
  if (lang != "en") {
    EXPECT_NE(text, Fill(m)) << "not translated into " << lang << ": " << m.key;
  }
  return text;
}

class RefusalTextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_ = std::make_unique<ServerFixture>();
    const ServerFixture::CareTeamSeed seed = f_->SeedCareTeam("Refused Patient");
    ASSERT_NE(seed.patient_id, 0);
    patient_ = seed.patient_id;
    doc_ = seed.doc;
    pat_ = seed.pat;
  }
  std::string P(const std::string& rest) const { return "/api/v1/patients/" + std::to_string(patient_) + rest; }

  std::unique_ptr<ServerFixture> f_;
  store::Id patient_ = 0;
  std::string doc_, pat_;
};

TEST_F(RefusalTextTest, TheDiaryAndTheShareLinkSayWhyInThePatientsLanguage) {
  // The fixture's today is 2026-11-22 in Oslo: tomorrow is refused, in words with the date.
  const TestResponse future =
      f_->Send("PUT", P("/diary/2026-11-23"),
               J{{"client_id", "c1"}, {"scale_version", 2}, {"items", {{"pain", 4}}}}.dump(), pat_);
  ASSERT_EQ(future.status, 400) << future.body;
  EXPECT_EQ(future.Json()["error"]["field"], "date");
  EXPECT_EQ(Said(future), "2026-11-23 is in the future. Choose today or an earlier day.");
  EXPECT_EQ(Said(future, "da"), "23.11.2026 ligger i fremtiden. Vælg i dag eller en tidligere dag.");
  Said(future, "nb");

  // No course yet: no report to share, and the reason is nested in the patient's words.
  const TestResponse share = f_->Send("POST", P("/share-links"), J{{"days", 3}}.dump(), pat_);
  ASSERT_EQ(share.status, 409) << share.body;
  EXPECT_EQ(share.Json()["error"]["vars"]["why"]["key"], "There is no LDN course in ldn yet.");
  EXPECT_EQ(Said(share), "There is no report to share yet. There is no LDN course in ldn yet.");
  EXPECT_EQ(Said(share, "nb"), "Det er ennå ingen rapport å dele. Det er ennå ikke noe LDN-forløp i ldn.");

  // Nothing to stop.
  const TestResponse calendar = f_->Send("DELETE", P("/calendar-token"), "", pat_);
  ASSERT_EQ(calendar.status, 404) << calendar.body;
  Said(calendar, "da");
  // A push service ldn does not send to (or, on a server without reminders, none at all).
  const server::webpush::KeyPair ua = server::webpush::NewKeyPair();
  const TestResponse push = f_->Send("POST", P("/push-subscriptions"),
                                     J{{"endpoint", "https://intranet.example.org/push/1"},
                                       {"keys",
                                        {{"p256dh", server::webpush::Base64Url(ua.public_key)},
                                         {"auth", server::webpush::Base64Url(std::vector<uint8_t>(16, 3))}}}}
                                         .dump(),
                                     pat_);
  EXPECT_TRUE(push.status == 400 || push.status == 503) << push.body;
  Said(push, "nb");
}

// A message to the clinic is up to 5000 characters, as the app's text box allows (it was 2000 on
// the server: a long Danish message failed in English).
TEST_F(RefusalTextTest, AMessageUpTo5000CharactersIsSentAndALongerOneIsRefusedInWords) {
  std::string longest;
  for (int i = 0; i < 5000; ++i) longest += "\u00e6";  // "æ": 5000 characters, 10000 bytes
  const TestResponse sent = f_->Send("POST", P("/messages"), J{{"body", longest}}.dump(), pat_);
  EXPECT_EQ(sent.status, 201) << sent.body.substr(0, 300);
  const TestResponse longer = f_->Send("POST", P("/messages"), J{{"body", longest + "x"}}.dump(), pat_);
  ASSERT_EQ(longer.status, 400) << longer.body.substr(0, 300);
  EXPECT_EQ(longer.Json()["error"]["field"], "body");
  EXPECT_EQ(Said(longer, "da"), "En besked må højst være 5000 tegn lang.");
  const TestResponse blank = f_->Send("POST", P("/messages"), J{{"body", " \n"}}.dump(), pat_);
  ASSERT_EQ(blank.status, 400) << blank.body;
  EXPECT_EQ(Said(blank, "nb"), "Skriv en melding først.");
}

TEST_F(RefusalTextTest, PasswordsAreRefusedInWords) {
  auto change = [&](const std::string& current, const std::string& next) {
    return f_->Send("POST", "/api/v1/me/password", J{{"current_password", current}, {"new_password", next}}.dump(),
                    pat_);
  };
  const TestResponse wrong = change("not my password", "a brand new passphrase");
  ASSERT_EQ(wrong.status, 401) << wrong.body;
  EXPECT_EQ(Said(wrong, "da"), "Den nuværende adgangskode er forkert.");
  const TestResponse shorter = change(kTestPassword, "short one");
  ASSERT_EQ(shorter.status, 400) << shorter.body;
  EXPECT_EQ(shorter.Json()["error"]["vars"], (J{{"min", 12}, {"n", 9}}));
  EXPECT_EQ(Said(shorter, "nb"),
            "Passordet må ha minst 12 tegn; dette har 9. Noen ord som ikke henger sammen, gir et godt passord.");
  const TestResponse common = change(kTestPassword, "password123456");
  ASSERT_EQ(common.status, 400) << common.body;
  Said(common, "da");
  const TestResponse same = change(kTestPassword, kTestPassword);
  ASSERT_EQ(same.status, 400) << same.body;
  Said(same, "nb");
}

TEST_F(RefusalTextTest, AnInvitationsCodeAndUsernameAreRefusedInWords) {
  const TestResponse created = f_->Send("POST", "/api/v1/patients",
                                        J{{"display_name", "Invited Patient"},
                                          {"time_zone", "Europe/Copenhagen"},
                                          {"care_team_id", f_->store().ListCareTeams()->front().id}}
                                            .dump(),
                                        doc_);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string pp = "/api/v1/patients/" + std::to_string(created.Json()["id"].get<int64_t>());
  const TestResponse inv = f_->Send("POST", pp + "/invitations", "", doc_);
  ASSERT_EQ(inv.status, 201) << inv.body;
  const std::string code = inv.Json()["code"];
  auto accept = [&](const std::string& c, const std::string& username) {
    return f_->Send("POST", "/api/v1/invitations/accept",
                    J{{"code", c}, {"username", username}, {"password", "a long new password"}}.dump());
  };
  const TestResponse bad = accept("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF", "invited");
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(Said(bad, "da"), "Denne kode er ikke gyldig. Tjek den, eller bed om en ny.");
  // "pat" is taken (any case); a space is not allowed: said before the account is made.
  const TestResponse taken = accept(code, "PAT");
  ASSERT_EQ(taken.status, 409) << taken.body;
  EXPECT_EQ(taken.Json()["error"]["field"], "username");
  EXPECT_EQ(Said(taken, "nb"), "Dette brukernavnet er opptatt. Velg et annet.");
  const TestResponse spaced = accept(code, "my name");
  ASSERT_EQ(spaced.status, 400) << spaced.body;
  EXPECT_EQ(spaced.Json()["error"]["field"], "username");
  Said(spaced, "da");
  const TestResponse made = accept(code, "invited");
  ASSERT_EQ(made.status, 201) << made.body;
  const TestResponse again = accept(code, "invited2");
  ASSERT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(Said(again, "da"), "Denne kode er allerede brugt. Bed om en ny.");
}

}  // namespace
}  // namespace ldn::testing
