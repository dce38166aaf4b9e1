// Web Push reminders through the API and the sender (issue 15 item 2b; api_push.cpp,
// push_service.h): the patient subscribes a browser (only a push service's endpoint, only valid
// keys), the server sends each due reminder at its time (the fixture's clock) to a real local HTTP
// push service, once however many rounds run, "your plan changed" when the clinic changes it, and
// stops a subscription the push service says is gone. The messages' decryption by an independent
// implementation is the browser test's (tests/web/specs/push_reminders.mjs); here the push
// service reads the kind from the Topic header and checks the headers RFC 8030/8291/8292 require.
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "server/push_service.h"
#include "server/web_push.h"
#include "server_fixture.h"

namespace ldn::testing {
namespace {

using J = nlohmann::json;

// A push service on a local port: answers 201 (or `answer`), keeps each request's headers.
class LocalPushService {
 public:
  LocalPushService() {
    server_.Post(R"(/push/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(req);
      res.status = answer_;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // The socket listens from bind_to_any_port on: a request before the loop starts waits in its backlog.
  }
  ~LocalPushService() {
    server_.stop();
    thread_.join();
  }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> Topics() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const auto& r : requests_) out.push_back(r.get_header_value("Topic"));
    return out;
  }
  std::vector<httplib::Request> Requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  void Answer(int status) {
    std::lock_guard<std::mutex> lock(mu_);
    answer_ = status;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<httplib::Request> requests_;
  int answer_ = 201;
};

class PushApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server::ApiOptions options;
    options.push_extra_origins = {push_.origin()};
    f_ = std::make_unique<ServerFixture>(options);
    const ServerFixture::CareTeamSeed seed = f_->SeedCareTeam("Push Patient");
    patient_ = seed.patient_id;
    doc_ = seed.doc;
    pat_ = seed.pat;
  }
  std::string P(const std::string& rest) const { return "/api/v1/patients/" + std::to_string(patient_) + rest; }
  static J Override(const std::string& code) { return ServerFixture::OverrideFinding(code); }
  int64_t ActiveCourse(const std::string& start) { return f_->ActiveCourse(patient_, doc_, start); }
  J Subscription(const std::string& device) {
    const server::webpush::KeyPair ua = server::webpush::NewKeyPair();
    return {{"endpoint", push_.origin() + "/push/" + device},
            {"expirationTime", nullptr},
            {"keys",
             {{"p256dh", server::webpush::Base64Url(ua.public_key)},
              {"auth", server::webpush::Base64Url(std::vector<uint8_t>(16, 3))}}}};
  }
  std::vector<std::string> Round() {
    const size_t before = push_.Topics().size();
    auto r = f_->api().push()->RunOnce(f_->clock().Now());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) {
      EXPECT_EQ(r->errors, 0) << r->first_error;
    }
    const auto all = push_.Topics();
    return std::vector<std::string>(all.begin() + static_cast<std::ptrdiff_t>(before), all.end());
  }

  LocalPushService push_;
  std::unique_ptr<ServerFixture> f_;
  store::Id patient_ = 0;
  std::string doc_, pat_;
};

using V = std::vector<std::string>;

TEST_F(PushApiTest, ThePatientSubscribesWithAPushServiceEndpointAndValidKeysOnly) {
  const TestResponse key = f_->Send("GET", "/api/v1/push/public-key", "", pat_);
  ASSERT_EQ(key.status, 200) << key.body;
  auto bytes = server::webpush::FromBase64Url(key.Json()["public_key"].get<std::string>(), "k");
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->size(), 65u);

  const J sub = Subscription("phone");
  TestResponse made = f_->Send("POST", P("/push-subscriptions"), sub.dump(), pat_);
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.Json()["live"], true);
  EXPECT_EQ(made.Json()["endpoint"], sub["endpoint"]);
  EXPECT_EQ(made.Json()["service"], push_.origin().substr(7));
  // The same again: the same subscription.
  EXPECT_EQ(f_->Send("POST", P("/push-subscriptions"), sub.dump(), pat_).Json()["id"], made.Json()["id"]);

  // Refusals name the field; nothing is stored.
  J elsewhere = sub;
  elsewhere["endpoint"] = "https://intranet.example.org/push/1";
  TestResponse r = f_->Send("POST", P("/push-subscriptions"), elsewhere.dump(), pat_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["error"]["field"], "endpoint");
  elsewhere["endpoint"] = "https://fcm.googleapis.com.evil.example/push/1";
  EXPECT_EQ(f_->Send("POST", P("/push-subscriptions"), elsewhere.dump(), pat_).Json()["error"]["field"], "endpoint");
  elsewhere["endpoint"] = "http://fcm.googleapis.com/push/1";  // not HTTPS
  EXPECT_EQ(f_->Send("POST", P("/push-subscriptions"), elsewhere.dump(), pat_).Json()["error"]["field"], "endpoint");
  J off_curve = Subscription("x");
  off_curve["keys"]["p256dh"] = server::webpush::Base64Url(std::vector<uint8_t>(65, 4));
  r = f_->Send("POST", P("/push-subscriptions"), off_curve.dump(), pat_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["error"]["field"], "keys.p256dh");
  J short_auth = Subscription("y");
  short_auth["keys"]["auth"] = server::webpush::Base64Url(std::vector<uint8_t>(15, 1));
  EXPECT_EQ(f_->Send("POST", P("/push-subscriptions"), short_auth.dump(), pat_).Json()["error"]["field"], "keys.auth");
  // Only the patient turns reminders on for their browser.
  EXPECT_EQ(f_->Send("POST", P("/push-subscriptions"), Subscription("z").dump(), doc_).status, 403);

  // The clinician sees the device without its endpoint; the list holds one.
  const J seen = f_->Send("GET", P("/push-subscriptions"), "", doc_).Json();
  ASSERT_EQ(seen["subscriptions"].size(), 1u);
  EXPECT_FALSE(seen["subscriptions"][0].contains("endpoint"));

  // A test message now: the push service takes it.
  const std::string id = std::to_string(made.Json()["id"].get<int64_t>());
  TestResponse test = f_->Send("POST", P("/push-subscriptions/" + id + "/test"), "{}", pat_);
  ASSERT_EQ(test.status, 200) << test.body;
  EXPECT_EQ(test.Json()["delivered"], true);
  EXPECT_EQ(test.Json()["status"], 201);
  EXPECT_EQ(push_.Topics(), V{"ldn-test"});
  const httplib::Request req = push_.Requests().at(0);
  EXPECT_EQ(req.get_header_value("Content-Encoding"), "aes128gcm");
  EXPECT_EQ(req.get_header_value("TTL"), "600");
  EXPECT_EQ(req.get_header_value("Authorization").rfind("vapid t=", 0), 0u);
  EXPECT_NE(req.get_header_value("Authorization").find(", k=" + key.Json()["public_key"].get<std::string>()),
            std::string::npos);
  // salt (16) + record size (4) + key id length (1) + key (65) + at least the tag (16).
  EXPECT_GT(req.body.size(), 16u + 4u + 1u + 65u + 16u);

  // An endpoint spelled with its default port and an upper-case host still reaches its path.
  J spelled = Subscription("spelled");
  spelled["endpoint"] = "HTTP://127.0.0.1:" + push_.origin().substr(17) + "/push/spelled?x=1#frag";
  TestResponse made2 = f_->Send("POST", P("/push-subscriptions"), spelled.dump(), pat_);
  ASSERT_EQ(made2.status, 201) << made2.body;
  TestResponse test2 = f_->Send(
      "POST", P("/push-subscriptions/" + std::to_string(made2.Json()["id"].get<int64_t>()) + "/test"), "{}", pat_);
  EXPECT_EQ(test2.Json()["status"], 201) << test2.body;
  EXPECT_EQ(push_.Requests().back().path, "/push/spelled");

  // Turned off: 200, then 409; a test to it is refused.
  EXPECT_EQ(f_->Send("DELETE", P("/push-subscriptions/" + id), "", pat_).status, 200);
  EXPECT_EQ(f_->Send("DELETE", P("/push-subscriptions/" + id), "", pat_).status, 409);
  EXPECT_EQ(f_->Send("POST", P("/push-subscriptions/" + id + "/test"), "{}", pat_).status, 409);
  EXPECT_EQ(f_->Send("DELETE", P("/push-subscriptions/999999"), "", pat_).status, 404);
  const J after = f_->Send("GET", P("/push-subscriptions"), "", pat_).Json()["subscriptions"];
  ASSERT_EQ(after.size(), 2u);  // newest first: the one spelled differently, then this one
  EXPECT_EQ(after[1]["id"].get<int64_t>(), std::stoll(id));
  EXPECT_EQ(after[1]["revoke_reason"], "turned off");
  EXPECT_EQ(after[0]["live"], true);
}

// The fixture's clock: 2026-11-22 12:00 UTC (the patient's zone is UTC). The course starts today.
TEST_F(PushApiTest, EachReminderIsSentAtItsTimeOnce) {
  ActiveCourse("2026-11-22");
  ASSERT_EQ(f_->Send("POST", P("/push-subscriptions"), Subscription("phone").dump(), pat_).status, 201);
  // Noon: neither dose nor diary yet (a questionnaire due at the course's start may be).
  for (const std::string& t : Round()) EXPECT_EQ(t, "ldn-questionnaire");
  EXPECT_TRUE(Round().empty()) << "nothing twice";

  // 22:05: the bedtime dose and the diary (no entry today); once, however many rounds.
  f_->clock().Advance(std::chrono::minutes(10 * 60 + 5));
  EXPECT_EQ(Round(), (V{"ldn-dose", "ldn-diary"}));
  EXPECT_TRUE(Round().empty());
  EXPECT_TRUE(Round().empty());

  // The next evening at 20:30 with the day's diary filled in: nothing (the dose is at 22:00).
  f_->clock().Advance(std::chrono::minutes(22 * 60 + 25));
  pat_ = f_->Login("pat").token;
  TestResponse diary = f_->Send(
      "PUT", P("/diary/2026-11-23"),
      J{{"client_id", "d-23"}, {"scale_version", 2}, {"items", {{"pain", 5}, {"fatigue", 4}, {"sleep", 6}}}}.dump(),
      pat_);
  ASSERT_EQ(diary.status, 201) << diary.body;
  EXPECT_TRUE(Round().empty());

  // The clinic pauses the course: "your plan changed" at once, once; no dose reminder at 22:05.
  doc_ = f_->Login("doc").token;
  const J courses = f_->Send("GET", P("/courses"), "", doc_).Json();
  const J& list = courses.contains("courses") ? courses["courses"] : courses;
  const std::string course_id = std::to_string(list[0]["id"].get<int64_t>());
  ASSERT_EQ(f_->Send("PUT", P("/courses/" + course_id + "/status"), R"({"status":"paused"})", doc_).status, 200);
  EXPECT_EQ(Round(), V{"ldn-plan"});
  f_->clock().Advance(std::chrono::minutes(95));
  EXPECT_TRUE(Round().empty());
  // The patient acknowledges; the course resumes: a new plan, a new notice, and the dose again.
  pat_ = f_->Login("pat").token;
  const J notice = f_->Send("GET", P("/plan-notice"), "", pat_).Json();
  ASSERT_EQ(
      f_->Send("POST", P("/plan-notice/acknowledge"), J{{"snapshot_id", notice["snapshot_id"]}}.dump(), pat_).status,
      200);
  EXPECT_TRUE(Round().empty()) << "acknowledged: no news";
  doc_ = f_->Login("doc").token;
  ASSERT_EQ(f_->Send("PUT", P("/courses/" + course_id + "/status"),
                     J{{"status", "active"}, {"overrides", {Override("screening.missing")}}}.dump(), doc_)
                .status,
            200)
      << "resume";
  const std::vector<std::string> resumed = Round();
  EXPECT_EQ(resumed, (V{"ldn-plan", "ldn-dose"})) << "22:00-24:00 with the course active again";
}

// A push service that has forgotten the subscription (410): the server stops it and sends no more.
TEST_F(PushApiTest, AGoneSubscriptionIsStopped) {
  ActiveCourse("2026-11-22");
  TestResponse made = f_->Send("POST", P("/push-subscriptions"), Subscription("old-phone").dump(), pat_);
  ASSERT_EQ(made.status, 201);
  push_.Answer(410);
  f_->clock().Advance(std::chrono::minutes(10 * 60 + 5));
  EXPECT_FALSE(Round().empty());
  pat_ = f_->Login("pat").token;
  const J list = f_->Send("GET", P("/push-subscriptions"), "", pat_).Json();
  EXPECT_EQ(list["subscriptions"][0]["live"], false);
  EXPECT_EQ(list["subscriptions"][0]["revoke_reason"], "gone (410)");
  push_.Answer(201);
  f_->clock().Advance(std::chrono::hours(24));
  EXPECT_TRUE(Round().empty());
}

}  // namespace
}  // namespace ldn::testing
