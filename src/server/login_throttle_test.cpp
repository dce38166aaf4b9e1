#include "server/login_throttle.h"

#include <gtest/gtest.h>

namespace ldn::server {
namespace {

using std::chrono::seconds;

store::Instant At(int64_t s) {
  return store::Instant(seconds(1'700'000'000 + s));
}

TEST(LoginThrottleTest, DelaysGrowFromTheFreeAttemptsToTheCap) {
  EXPECT_EQ(ProgressiveDelay(4, 5, seconds(900)), seconds(0));
  EXPECT_EQ(ProgressiveDelay(5, 5, seconds(900)), seconds(1));
  EXPECT_EQ(ProgressiveDelay(6, 5, seconds(900)), seconds(2));
  EXPECT_EQ(ProgressiveDelay(14, 5, seconds(900)), seconds(512));
  EXPECT_EQ(ProgressiveDelay(15, 5, seconds(900)), seconds(900));
  EXPECT_EQ(ProgressiveDelay(1000, 5, seconds(900)), seconds(900));
  const ThrottleKeys k = KeysFor("DrBob", "192.0.2.1");
  EXPECT_EQ(k.account, "acct:drbob");
  EXPECT_EQ(k.account_address, "acct-addr:drbob|192.0.2.1");
  EXPECT_EQ(k.address, "addr:192.0.2.1");
}

class LoginThrottleStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = std::move(store::OpenStore("sqlite::memory:")).value(); }
  std::unique_ptr<store::Store> store_;
  ThrottlePolicy policy_;
};

TEST_F(LoginThrottleStoreTest, FiveFailuresSlowThisAddressButNeverLockTheRightPasswordOut) {
  const ThrottleKeys attacker = KeysFor("doc", "203.0.113.66");
  for (int i = 0; i < 5; ++i) {
    auto a = CountAttempt(*store_, attacker, At(0), policy_);
    ASSERT_TRUE(a.ok() && a->allowed) << i;
    ASSERT_TRUE(AttemptFailed(*store_, attacker, At(0), policy_).ok());
  }
  // The sixth attempt from the same address waits one second, and the refusal counts nothing.
  auto a = CountAttempt(*store_, attacker, At(0), policy_);
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->allowed);
  EXPECT_EQ(a->refused_by, "account_address");
  EXPECT_EQ(a->retry_after, seconds(1));
  // The user at their own address is not slowed at all (issue 17, M1, H3).
  const ThrottleKeys user = KeysFor("doc", "198.51.100.5");
  a = CountAttempt(*store_, user, At(0), policy_);
  ASSERT_TRUE(a.ok() && a->allowed);
  ASSERT_TRUE(AttemptSucceeded(*store_, user).ok());
  // And after the delay the same address gets its try; the right password then clears the count.
  a = CountAttempt(*store_, attacker, At(1), policy_);
  ASSERT_TRUE(a.ok() && a->allowed);
  ASSERT_TRUE(AttemptSucceeded(*store_, attacker).ok());
  EXPECT_FALSE(store_->GetLoginThrottle(attacker.account_address)->has_value());
}

TEST_F(LoginThrottleStoreTest, ASpreadOutAttackIsSlowedThenLockedAtOneHundred) {
  int64_t t = 0;
  int allowed = 0;
  bool locked = false;
  // A different address for every attempt: only the account key can stop it.
  for (int i = 0; i < 400 && !locked; ++i) {
    const ThrottleKeys k = KeysFor("doc", "198.51.100." + std::to_string(i % 250) + std::to_string(i / 250));
    auto a = CountAttempt(*store_, k, At(t), policy_);
    ASSERT_TRUE(a.ok());
    if (!a->allowed) {
      ASSERT_EQ(a->refused_by, "account");
      if (a->locked) {
        locked = true;
        break;
      }
      t += a->retry_after.count();  // the attacker waits as told
      continue;
    }
    ++allowed;
    auto now_locked = AttemptFailed(*store_, k, At(t), policy_);
    ASSERT_TRUE(now_locked.ok());
    if (*now_locked) {
      EXPECT_EQ(allowed, 100);
    }
  }
  EXPECT_TRUE(locked);
  EXPECT_EQ(allowed, 100);
  // 80 attempts waited 1, 2, ... 60 s each: over an hour for the first hundred guesses.
  EXPECT_GT(t, 3600);
  // Locked: even the right password from a fresh address is refused until an administrator
  // clears the key.
  auto a = CountAttempt(*store_, KeysFor("doc", "192.0.2.200"), At(t + 86400 * 2), policy_);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->locked);
  ASSERT_TRUE(store_->ClearLoginThrottle(AccountKey("doc")).ok());
  a = CountAttempt(*store_, KeysFor("doc", "192.0.2.200"), At(t + 86400 * 2), policy_);
  EXPECT_TRUE(a.ok() && a->allowed);
}

TEST_F(LoginThrottleStoreTest, APasswordSprayFromOneAddressIsSlowed) {
  int refused = 0;
  for (int i = 0; i < 25; ++i) {
    auto a = CountAttempt(*store_, KeysFor("user" + std::to_string(i), "203.0.113.1"), At(0), policy_);
    ASSERT_TRUE(a.ok());
    if (!a->allowed) {
      ++refused;
      EXPECT_EQ(a->refused_by, "address");
    }
  }
  EXPECT_EQ(refused, 5);  // 20 free, then each waits
}

}  // namespace
}  // namespace ldn::server
