// The clinician's panel at scale (issue 13, item 5): GET /api/v1/patients for a care team of
// 1,000 patients on SQLite, through the server's whole request path (routing, session lookup,
// authorization, the audit event, the handler, JSON) -- Api::Handle in process, without the socket.
//
// Seed: 1,000 patients in one care team, each a simulated patient (analysis/simulate.h, seed 1,
// patient index i) 60 days into an active ldnrt-standard course after a 28-day baseline -- about
// 88 diary days and 60 dose-log rows each (88,000 diary and 60,000 dose rows in all) -- as the demo
// seeds its patients (server/demo.cpp). No screening is stored, so every course carries the amber
// "unscreened" flag; severe side effects of the simulation raise red flags for some.
//
// Cases (docs/benchmarks.md): page 1 of 25 sorted by name, by last diary day (descending), page 1
// of 100 by name; filtered by a red flag and sorted by flags (both compute every patient's flags);
// and the list without a query (every patient with their flags: the shape before paging).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "analysis/diary_csv.h"
#include "analysis/simulate.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "server/accounts.h"
#include "server/api.h"
#include "server/auth.h"
#include "server/course_plans.h"
#include "server/json_log.h"
#include "server/totp.h"
#include "store/store.h"

namespace {

using namespace ldn;

constexpr int kPatients = 1000;
constexpr int kDaysOnTreatment = 60;
constexpr char kTotpKey[] = "panel-bench-key-32-bytes-long...";

void Check(const Status& s, const char* what) {
  if (!s.ok()) throw std::runtime_error(std::string(what) + ": " + s.ToString());
}

class PanelWorld {
 public:
  PanelWorld() {
    Check(server::InitCrypto(), "crypto");
    const char* tmp = std::getenv("TMPDIR");
    dir_ = std::filesystem::path(tmp && *tmp ? tmp : "/tmp") / ("ldn-panel-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    auto st = store::OpenStore("sqlite:" + (dir_ / "panel.db").string());
    Check(st.status(), "open");
    store_ = std::move(st).value();
    Seed();
    server::ApiOptions options;
    options.totp_key = kTotpKey;
    options.web_root = dir_ / "web";
    auto api = server::Api::Create(*store_, clock_, log_, options);
    Check(api.status(), "api");
    api_ = std::move(api).value();
  }
  ~PanelWorld() {
    api_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // One GET as the clinician; the reply's status must be 200.
  size_t Get(const std::string& target) {
    server::HttpRequest r;
    r.method = "GET";
    r.target = target;
    r.headers = {{"authorization", "Bearer " + token_}, {"host", "localhost"}};
    r.remote_address = "127.0.0.1";
    std::promise<server::HttpResponse> done;
    api_->Handle(r, [&](server::HttpResponse response) { done.set_value(std::move(response)); });
    const server::HttpResponse response = done.get_future().get();
    if (response.status != 200)
      throw std::runtime_error(target + ": " + std::to_string(response.status) + " " + response.body);
    return response.body.size();
  }

  server::Api& api() { return *api_; }

  // A new diary day (a changed pain rating) for the first patient, as the patient's app would
  // write it: their record's revision moves, so the panel computes their flags again.
  void ChangeOnePatient() {
    static int n = 0;
    const auto patients = store_->ListPatients();
    if (!patients.ok() || patients->empty()) throw std::runtime_error("no patients");
    store::DiaryEntry e;
    e.patient_id = patients->front().id;
    e.local_date = AddDays(TimeZone::Named("Europe/Oslo", "tz").value().LocalDateAt(clock_.Now()), -1);
    e.items_json = std::string(R"({"pain":)") + std::to_string(3 + (n % 5)) + "}";
    e.client_id = "bench-change-" + std::to_string(n++);
    e.recorded_by = 1;
    e.recorded_at = clock_.Now();
    Check(store_->UpsertDiary(e).status(), "diary");
  }

 private:
  void Seed() {
    const store::Instant now = clock_.Now();
    server::NewAccount doc;
    doc.username = "doc";
    doc.role = store::Role::kClinician;
    doc.password = "panel bench clinician";
    auto user = server::CreateAccount(*store_, doc, now);
    Check(user.status(), "clinician");
    auto sealer = server::SecretSealer::WithKey(kTotpKey);
    Check(sealer.status(), "sealer");
    const std::string secret = "panel-bench-secret!!";
    const std::vector<uint8_t> bytes(secret.begin(), secret.end());
    Check(store_->SetPendingTotp(user->id, sealer->Seal(bytes, user->id)), "totp");
    Check(store_->EnableTotp(user->id, now, 0), "totp");
    auto team = store_->CreateCareTeam({0, "Big clinic", now});
    Check(team.status(), "team");
    Check(store_->AddCareTeamMember(team->id, user->id, now), "member");

    const auto& params = analysis::LoadSimulationParameters();
    Check(params.status(), "simulation parameters");
    for (int i = 0; i < kPatients; ++i) {
      Check(store_->RunInTransaction([&](store::Store& tx) -> Status {
        store::Patient p;
        p.display_name = "Patient " + std::to_string(1000 + (i * 7919) % kPatients);  // not in id order
        p.time_zone = "Europe/Oslo";
        p.created_at = now;
        LDN_ASSIGN_OR_RETURN(store::Patient patient, tx.CreatePatient(p));
        LDN_RETURN_IF_ERROR(tx.AddCareTeamPatient(team->id, patient.id, now));
        auto tz = TimeZone::Named(p.time_zone, "time_zone");
        if (!tz.ok()) return tz.status();
        const LocalDate today = tz->LocalDateAt(now);
        const LocalDate start = AddDays(today, -kDaysOnTreatment);
        const nlohmann::json request = {{"protocol", "ldnrt-standard"}, {"start", FormatDate(start)}};
        LDN_ASSIGN_OR_RETURN(server::CoursePlan plan,
                             server::BuildCoursePlan(request, nlohmann::json::array(), std::nullopt, ""));
        store::Course course;
        course.patient_id = patient.id;
        course.protocol = plan.protocol;
        course.plan_json = plan.plan_json;
        course.status = store::CourseStatus::kActive;
        course.start_date = start;
        course.recorded_by = user->id;
        course.recorded_at = now;
        LDN_ASSIGN_OR_RETURN(store::Course stored, tx.CreateCourse(course));
        analysis::SimulationRequest sim_request;
        sim_request.seed = 1;
        sim_request.days = kDaysOnTreatment + 1;
        LDN_ASSIGN_OR_RETURN(analysis::SimulatedPatient sim, analysis::SimulatePatient(*params, sim_request, i));
        const int shift = DaysBetween(sim.truth.first_dose, start);
        for (const analysis::DoseLog& logged : sim.diary.doses) {
          store::DoseLogEntry dose;
          dose.patient_id = patient.id;
          dose.course_id = stored.id;
          dose.local_date = AddDays(logged.date, shift);
          dose.local_time = logged.time;
          dose.taken = logged.taken;
          dose.dose_micrograms_hcl = logged.dose ? logged.dose->micrograms_hcl() : 0;
          dose.recorded_by = user->id;
          dose.recorded_at = now;
          LDN_RETURN_IF_ERROR(tx.AddDoseLogEntry(dose).status());
        }
        const nlohmann::json file = nlohmann::json::parse(analysis::DiaryToJson(sim.diary));
        std::vector<store::DiaryEntry> entries;
        for (size_t d = 0; d < sim.diary.days.size(); ++d) {
          nlohmann::json items = file.at("diary").at(d);
          items.erase("date");
          store::DiaryEntry e;
          e.patient_id = patient.id;
          e.local_date = AddDays(sim.diary.days[d].date, shift);
          e.items_json = items.dump();
          e.client_id = "bench-" + FormatDate(e.local_date);
          e.recorded_by = user->id;
          e.recorded_at = now;
          entries.push_back(std::move(e));
        }
        return tx.UpsertDiaryBatch(entries).status();
      }),
            "seed patient");
    }
    store::Session session;
    token_ = server::NewToken();
    session.token_hash = server::TokenHash(token_);
    session.user_id = user->id;
    session.created_at = now;
    session.expires_at = now + std::chrono::hours(24 * 365);
    Check(store_->CreateSession(session), "session");
  }

  std::filesystem::path dir_;
  SystemClock clock_;
  server::JsonLog log_{nullptr};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<server::Api> api_;
  std::string token_;
};

PanelWorld& World() {
  static PanelWorld* world = new PanelWorld();  // seeded once for every case (about a minute)
  return *world;
}

// A server that has answered once (the flags of unchanged patients are kept: flag_cache.h).
void BM_Panel(benchmark::State& state, const std::string& target) {
  PanelWorld& w = World();
  w.Get(target);
  size_t bytes = 0;
  for (auto _ : state) bytes = w.Get(target);
  state.counters["reply_bytes"] = static_cast<double>(bytes);
}

// The flagged views right after the server started (no flags kept yet: every patient computed).
void BM_PanelCold(benchmark::State& state, const std::string& target) {
  PanelWorld& w = World();
  size_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    w.api().flag_cache().Clear();
    state.ResumeTiming();
    bytes = w.Get(target);
  }
  state.counters["reply_bytes"] = static_cast<double>(bytes);
}

// The flagged view after one patient's record changed (the usual case in a working clinic).
void BM_PanelAfterOneChange(benchmark::State& state, const std::string& target) {
  PanelWorld& w = World();
  w.Get(target);  // every other patient's flags kept
  size_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    w.ChangeOnePatient();
    state.ResumeTiming();
    bytes = w.Get(target);
  }
  state.counters["reply_bytes"] = static_cast<double>(bytes);
}

BENCHMARK_CAPTURE(BM_Panel, page1_by_name, std::string("/api/v1/patients?sort=name&page=1&per_page=25"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Panel, page1_by_last_diary_desc, std::string("/api/v1/patients?sort=-last_diary&per_page=25"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Panel, page40_by_adherence, std::string("/api/v1/patients?sort=adherence&page=40&per_page=25"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Panel, page1_of_100_by_name, std::string("/api/v1/patients?sort=name&per_page=100"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Panel, search_one, std::string("/api/v1/patients?q=patient%201234"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Panel, filtered_by_red_flag, std::string("/api/v1/patients?flag=red&per_page=25"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Panel, sorted_by_flags, std::string("/api/v1/patients?sort=-flags&per_page=25"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Panel, unpaged_list_all_flags, std::string("/api/v1/patients"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Panel, inbox, std::string("/api/v1/inbox"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PanelAfterOneChange, sorted_by_flags, std::string("/api/v1/patients?sort=-flags&per_page=25"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PanelCold, sorted_by_flags, std::string("/api/v1/patients?sort=-flags&per_page=25"))
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
