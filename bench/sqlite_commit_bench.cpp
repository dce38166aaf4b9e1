// SQLite's own rate of durable single-row commits on this machine: the ceiling for durable writes
// through the API (scripts/bench_http compares the diary write rate with it; docs/benchmarks.md).
//
// The settings of the store (docs/storage.md): journal_mode=WAL, synchronous=FULL (the WAL is
// fsynced at every commit). Each iteration is one transaction holding one INSERT of a row about
// the size of a diary entry, with the statements prepared once: nothing but SQLite and the disk.
// The database is a fresh file in $TMPDIR (else /tmp), the file system ldn's temporary databases
// use in the HTTP benchmark.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <benchmark/benchmark.h>
#include <sqlite3.h>

namespace {

void Check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    throw std::runtime_error(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
  }
}

class CommitDb {
 public:
  explicit CommitDb(const char* synchronous) {
    const char* tmp = std::getenv("TMPDIR");
    dir_ =
        std::filesystem::path(tmp && *tmp ? tmp : "/tmp") / ("ldn-sqlite-commit-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    const std::string path = (dir_ / "commit.db").string();
    Check(sqlite3_open(path.c_str(), &db_), db_, "open");
    Exec("PRAGMA journal_mode=WAL");
    Exec(std::string("PRAGMA synchronous=") + synchronous);
    Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, patient_id INTEGER NOT NULL, items TEXT NOT NULL) STRICT");
    begin_ = Prepare("BEGIN IMMEDIATE");
    insert_ = Prepare("INSERT INTO t (patient_id, items) VALUES (?1, ?2)");
    commit_ = Prepare("COMMIT");
  }
  ~CommitDb() {
    sqlite3_finalize(begin_);
    sqlite3_finalize(insert_);
    sqlite3_finalize(commit_);
    sqlite3_close(db_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // One durable transaction of one row.
  void CommitOneRow(int64_t n) {
    Step(begin_, "BEGIN");
    sqlite3_bind_int64(insert_, 1, n % 1000);
    sqlite3_bind_text(insert_, 2, kItems, -1, SQLITE_STATIC);
    Step(insert_, "INSERT");
    Step(commit_, "COMMIT");
  }

 private:
  static constexpr const char* kItems =
      R"({"pain":5,"fatigue":6,"sleep":4,"mood":5,"anxiety":3,"cognition":4,"stiffness":6,"sensitivity":5,)"
      R"("stress":4,"side_effects":[{"name":"vivid_dreams","severity":1}],"note":"benchmark"})";

  void Exec(const std::string& sql) { Check(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr), db_, "exec"); }
  sqlite3_stmt* Prepare(const char* sql) {
    sqlite3_stmt* st = nullptr;
    Check(sqlite3_prepare_v2(db_, sql, -1, &st, nullptr), db_, sql);
    return st;
  }
  void Step(sqlite3_stmt* st, const char* what) {
    Check(sqlite3_step(st), db_, what);
    sqlite3_reset(st);
  }

  std::filesystem::path dir_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
};

void Commit(benchmark::State& state, const char* synchronous) {
  CommitDb db(synchronous);
  int64_t n = 0;
  for (auto _ : state) db.CommitOneRow(n++);
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::string("WAL, synchronous=") + synchronous + ", one row per transaction");
}

// The durable rate (ldn's setting): commits per second = items_per_second.
void BM_SqliteDurableCommit(benchmark::State& state) {
  Commit(state, "FULL");
}
// For scale only: NORMAL does not sync the WAL at commit (survives a process crash, not power loss).
void BM_SqliteCommitSyncNormal(benchmark::State& state) {
  Commit(state, "NORMAL");
}

// Fsync-bound: a longer minimum time than scripts/bench's 0.2 s steadies the number.
BENCHMARK(BM_SqliteDurableCommit)->MinTime(2.0)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_SqliteCommitSyncNormal)->MinTime(0.5)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
