// Test support for the store's contract and durability suites: one fixture parameterised over
// the backends, each test on a fresh, empty database. Tests only.
//
// Backends: an in-memory SQLite database, an SQLite file in a fresh temporary directory, and
// PostgreSQL. The same binary (ldn_store_tests) runs the suites on PostgreSQL alone when the
// environment has LDN_STORE_TEST_POSTGRES=1: ctest store_contract_postgres runs it so under
// `pg_virtualenv -v 15`, which starts a throwaway cluster and exports PGHOST, PGPORT, PGUSER,
// PGPASSWORD and PGDATABASE (one binary, so the test sources compile once per build). The URL is
// $LDN_TEST_POSTGRES_URL, else "postgresql://" (libpq then reads the PG* variables). When the
// server cannot be reached the tests FAIL; they skip only when LDN_SKIP_POSTGRES=1 is set.
#ifndef LDN_STORE_STORE_TEST_SUPPORT_H_
#define LDN_STORE_STORE_TEST_SUPPORT_H_

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>
#include <stdlib.h>

#include "store/store.h"

namespace ldn::store::testing {

enum class TestBackend { kSqliteMemory, kSqliteFile, kPostgres };

inline std::string BackendName(const ::testing::TestParamInfo<TestBackend>& info) {
  switch (info.param) {
    case TestBackend::kSqliteMemory: return "SqliteMemory";
    case TestBackend::kSqliteFile: return "SqliteFile";
    case TestBackend::kPostgres: return "Postgres";
  }
  return "Unknown";
}

inline std::string PostgresTestUrl() {
  const char* url = std::getenv("LDN_TEST_POSTGRES_URL");
  return url != nullptr && *url != '\0' ? url : "postgresql://";
}

inline bool SkipPostgres() {
  const char* skip = std::getenv("LDN_SKIP_POSTGRES");
  return skip != nullptr && std::string(skip) == "1";
}

// A fixed instant for timestamps: 2026-11-22T12:00:00Z.
inline Instant T0() {
  return Instant(std::chrono::seconds(1795348800));
}
inline Instant At(int seconds_after_t0) {
  return T0() + std::chrono::seconds(seconds_after_t0);
}
inline LocalDate Day(int y, unsigned m, unsigned d) {
  return LocalDate{date::year(y), date::month(m), date::day(d)};
}

class StoreTestBase : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    switch (GetParam()) {
      case TestBackend::kSqliteMemory: url_ = "sqlite::memory:"; break;
      case TestBackend::kSqliteFile: {
        std::string templ = (std::filesystem::temp_directory_path() / "ldn-store-test-XXXXXX").string();
        ASSERT_NE(mkdtemp(templ.data()), nullptr);
        dir_ = templ;
        url_ = "sqlite:" + (dir_ / "ldn.db").string();
        break;
      }
      case TestBackend::kPostgres:
        if (SkipPostgres()) GTEST_SKIP() << "LDN_SKIP_POSTGRES=1";
        url_ = PostgresTestUrl();
        try {
          pqxx::connection c(url_);
          pqxx::nontransaction w(c);
          w.exec("SET client_min_messages TO warning; DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
        } catch (const std::exception& e) {
          FAIL() << "PostgreSQL is not reachable at " << url_ << " (" << e.what()
                 << "). Run this binary under `pg_virtualenv -v 15` (ctest does), set LDN_TEST_POSTGRES_URL, or "
                    "set LDN_SKIP_POSTGRES=1 to skip explicitly.";
        }
        break;
    }
    Result<std::unique_ptr<Store>> opened = OpenStore(url_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  bool IsSqliteFile() const { return GetParam() == TestBackend::kSqliteFile; }
  bool IsMemory() const { return GetParam() == TestBackend::kSqliteMemory; }
  bool IsPostgres() const { return GetParam() == TestBackend::kPostgres; }

  // Closes the store and opens the same database again (not for the in-memory backend).
  void Reopen(const OpenOptions& options = {}) {
    ASSERT_FALSE(IsMemory());
    store_.reset();
    Result<std::unique_ptr<Store>> opened = OpenStore(url_, options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  // Runs SQL on the database behind the store's back (not for the in-memory backend).
  void RawSql(const std::string& sql) {
    ASSERT_FALSE(IsMemory());
    if (IsPostgres()) {
      pqxx::connection c(url_);
      pqxx::nontransaction w(c);
      w.exec(sql);
    } else {
      SQLite::Database db(url_.substr(7), SQLite::OPEN_READWRITE);
      db.exec(sql);
    }
  }

  // Fixtures most tests need: two patients, a user for the first one, and a clinician.
  void Seed() {
    Patient p;
    p.display_name = "Ada";
    p.time_zone = "Europe/Oslo";
    p.created_at = T0();
    Result<Patient> p1 = store_->CreatePatient(p);
    ASSERT_TRUE(p1.ok()) << p1.status().ToString();
    patient1_ = *p1;
    p.display_name = "Grace";
    p.time_zone = "Australia/Sydney";
    Result<Patient> p2 = store_->CreatePatient(p);
    ASSERT_TRUE(p2.ok()) << p2.status().ToString();
    patient2_ = *p2;

    User u;
    u.username = "ada";
    u.role = Role::kPatient;
    u.patient_id = patient1_.id;
    u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
    u.created_at = T0();
    Result<User> pu = store_->CreateUser(u);
    ASSERT_TRUE(pu.ok()) << pu.status().ToString();
    patient_user_ = *pu;

    u.username = "dr.who";
    u.role = Role::kClinician;
    u.patient_id.reset();
    Result<User> cu = store_->CreateUser(u);
    ASSERT_TRUE(cu.ok()) << cu.status().ToString();
    clinician_ = *cu;
  }

  // A diary entry of patient1_, written by its patient user at T0().
  DiaryEntry Diary(LocalDate d, std::string client_id, std::string items) {
    DiaryEntry e;
    e.patient_id = patient1_.id;
    e.local_date = d;
    e.client_id = std::move(client_id);
    e.items_json = std::move(items);
    e.recorded_by = patient_user_.id;
    e.recorded_at = T0();
    return e;
  }

  std::string url_;
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  Patient patient1_;
  Patient patient2_;
  User patient_user_;
  User clinician_;
};

// True when this run is the PostgreSQL one (LDN_STORE_TEST_POSTGRES=1 in the environment).
inline bool PostgresRun() {
  const char* postgres = std::getenv("LDN_STORE_TEST_POSTGRES");
  return postgres != nullptr && std::string(postgres) == "1";
}

// The backends of this run: PostgreSQL alone in the PostgreSQL run, else both SQLite ones.
inline std::vector<TestBackend> RunBackends() {
  if (PostgresRun()) return {TestBackend::kPostgres};
  return {TestBackend::kSqliteMemory, TestBackend::kSqliteFile};
}

// The backends whose data outlives the Store object (durability tests).
inline std::vector<TestBackend> RunDurableBackends() {
  if (PostgresRun()) return {TestBackend::kPostgres};
  return {TestBackend::kSqliteFile};
}

#define LDN_STORE_TEST_DURABLE_BACKENDS ::testing::ValuesIn(::ldn::store::testing::RunDurableBackends())
#define LDN_STORE_TEST_BACKENDS ::testing::ValuesIn(::ldn::store::testing::RunBackends())

}  // namespace ldn::store::testing

#endif  // LDN_STORE_STORE_TEST_SUPPORT_H_
