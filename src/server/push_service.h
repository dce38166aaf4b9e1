// Web Push reminders sent by the server (issue 15 item 2b; docs/api.md "Push reminders"):
// RFC 8030 delivery to each subscribed browser's push service, the message encrypted for that
// browser alone (RFC 8291, web_push.h) and signed for the push service with the server's VAPID key
// (RFC 8292). What is due comes from push_reminders.h; each sending is first claimed in the store
// (once per subscription, kind and occasion), so a reminder is never sent twice, also with several
// servers. A push service that answers 404 or 410 has forgotten the subscription (RFC 8030 §7.3):
// it is stopped, with that reason, for the patient to see.
#ifndef LDN_SERVER_PUSH_SERVICE_H_
#define LDN_SERVER_PUSH_SERVICE_H_

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "server/push_reminders.h"
#include "server/totp.h"
#include "server/web_push.h"
#include "store/store.h"

namespace ldn::server {

struct PushOptions {
  // RFC 8292 §2.1 "sub": how a push service reaches the operator (`ldn serve --push-contact`).
  std::string subject = "mailto:ldn-operator@localhost";
  std::chrono::seconds timeout{10};  // per push service request
};

// One HTTP POST to a push service. Returns its status code; kUnavailable when it could not be
// reached (connection, TLS or timeout), naming the endpoint's origin.
class PushTransport {
 public:
  virtual ~PushTransport() = default;
  virtual Result<int> Post(const std::string& endpoint, const std::vector<std::pair<std::string, std::string>>& headers,
                           const std::string& body) = 0;
};
// The real one: HTTP or HTTPS (certificates checked against the system's) with `timeout`.
std::unique_ptr<PushTransport> NewHttpPushTransport(std::chrono::seconds timeout);

class PushService {
 public:
  // Loads the server's VAPID key pair ("vapid" in server_keys), making and storing one the first
  // time. kInternal when the stored key cannot be opened with `sealer` (another key file: the
  // server then runs without push, and says so in its log).
  static Result<std::unique_ptr<PushService>> Open(store::Store& store, const SecretSealer& sealer, PushOptions options,
                                                   std::unique_ptr<PushTransport> transport, store::Instant now);

  // The VAPID public key, base64url (the browser's applicationServerKey).
  const std::string& public_key() const { return public_key_b64_; }

  // What one sending did.
  struct Sent {
    int status = 0;     // the push service's HTTP status; -1 when it was not reached
    bool gone = false;  // 404/410: the subscription was stopped
  };
  // Encrypts and posts `r` to `sub` now (no claim: the caller's). kInternal when the stored keys
  // do not encrypt (they were checked when stored).
  Result<Sent> Send(const store::PushSubscription& sub, const Reminder& r, store::Instant now);

  struct Round {
    int subscriptions = 0;
    int sent = 0;    // accepted by the push service (2xx)
    int failed = 0;  // refused or not reached (kept claimed: not retried, see push_service.cpp)
    int gone = 0;
    int errors = 0;           // patients or sendings skipped because the store or a key failed
    std::string first_error;  // the first of them, for the log
  };
  // One check of every live subscription: its patient's due reminders, each claimed, then sent.
  // A patient whose state cannot be read is skipped and counted in `errors`; the other patients'
  // reminders go on. Fails only when the subscriptions cannot be listed.
  Result<Round> RunOnce(store::Instant now);

 private:
  PushService(store::Store& store, PushOptions options, std::unique_ptr<PushTransport> transport,
              webpush::KeyPair vapid);
  store::Store& store_;
  PushOptions options_;
  std::unique_ptr<PushTransport> transport_;
  webpush::KeyPair vapid_;
  std::string public_key_b64_;
  std::mutex round_mutex_;  // one round at a time in this process
};

// The patient's reminder state at `now` (push_reminders.h), read from the store: the course that
// reminds and today's step, today's diary, the questionnaires due and an unacknowledged plan change.
Result<ReminderState> GatherReminderState(store::Store& store, const store::Patient& patient, store::Instant now);

}  // namespace ldn::server

#endif  // LDN_SERVER_PUSH_SERVICE_H_
