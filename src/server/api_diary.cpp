// Diary routes: one entry per patient per local date (idempotent by client id, edits kept as
// revisions), the batch form for offline clients, and the response analysis of a course.
#include <algorithm>

#include <fmt/format.h>

#include "analysis/diary_csv.h"
#include "analysis/response.h"
#include "core/knowledge_files.h"
#include "core/message.h"
#include "report/clinic_report.h"
#include "report/report_model.h"
#include "server/api.h"
#include "server/api_util.h"
#include "server/diary_assembly.h"
#include "server/interlocks.h"
#include "server/visit_report.h"

namespace ldn::server {
namespace {

using store::Role;

const std::set<Role> kPatientOrClinician = {Role::kPatient, Role::kClinician};

// The request was fine; the stored record does not (yet) allow an analysis. The message is for
// people; the analysis' field ("diary", "doses") stays in the error's field.
Status NotYet(const Status& s) {
  if (s.code() != Code::kInvalidArgument) return s;
  const Status out = Status::Conflict("the record cannot be analysed yet: " + s.message()).WithFieldPrefix(s.field());
  // The analysis' own words when it has them (too few baseline days), else a general one.
  return out.WithText(
      s.text() != nullptr ? *s.text() : Message{N_("ldn cannot analyse the diary yet. Your clinician can see why.")});
}

std::string_view OutcomeName(store::DiaryUpsertOutcome o) {
  switch (o) {
    case store::DiaryUpsertOutcome::kCreated: return "created";
    case store::DiaryUpsertOutcome::kUpdated: return "updated";
    case store::DiaryUpsertOutcome::kReplayed: return "replayed";
  }
  return "updated";
}

// If-Match: "3" or 3 (the revision the client last saw; 0 = no entry yet).
// Reads {"client_id", "scale_version", "items"} (plus "date" in a batch) at `prefix` into an entry
// for `date`, its ratings on the current scale (a scale-1 mood is stored as 10 - v); `*scale`
// receives the scale version the client answered on.
Result<store::DiaryEntry> ReadEntry(JsonObject& o, const nlohmann::json& items_json, LocalDate date,
                                    const RequestContext& ctx, const analysis::DiarySettings& settings, int* scale) {
  store::DiaryEntry e;
  LDN_ASSIGN_OR_RETURN(auto client_id, OptionalClientId(o, "client_id"));
  if (!client_id) return Status::InvalidArgument(o.PathOf("client_id"), "is required (a client-generated id)");
  LDN_ASSIGN_OR_RETURN(JsonObject items_reader, o.Object("items"));
  (void)items_reader;
  LDN_ASSIGN_OR_RETURN(*scale, ReadScaleVersion(o));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  LDN_ASSIGN_OR_RETURN(e.items_json, CheckDiaryItems(items_json, date, o.PathOf("items"), *scale, settings));
  e.patient_id = ctx.patient();
  e.local_date = date;
  e.client_id = *client_id;
  e.recorded_by = ctx.caller().user_id;
  e.recorded_at = ctx.now;
  return e;
}

// The scale of the stored values, and the client's when it answered on an older one (its ratings
// were converted: the client should show the stored values from now on).
void AddScaleFields(nlohmann::json& body, int client_scale) {
  body["scale_version"] = analysis::CurrentScaleVersion();
  if (client_scale != analysis::CurrentScaleVersion()) body["converted_from_scale_version"] = client_scale;
}

Result<ApiReply> PutDiary(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(LocalDate date, PathDate(ctx, "date"));
  LDN_ASSIGN_OR_RETURN(auto expected, IfMatchVersion(ctx, "the entry's revision"));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  int scale = 0;
  LDN_ASSIGN_OR_RETURN(analysis::DiarySettings settings, PatientDiarySettings(ctx.store(), ctx.patient()));
  LDN_ASSIGN_OR_RETURN(store::DiaryEntry e, ReadEntry(o, holder["items"], date, ctx, settings, &scale));
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_RETURN_IF_ERROR(CheckNotFuture(date, PatientToday(patient, ctx.now), "date"));
  LDN_ASSIGN_OR_RETURN(store::DiaryUpsertResult r, ctx.store().UpsertDiary(e, expected));
  nlohmann::json body = ToJson(r.entry);
  body["outcome"] = OutcomeName(r.outcome);
  // A severe or worrying day: the guidance the patient must see at once (issue 12).
  LDN_ASSIGN_OR_RETURN(body["safety"], AssessDiaryItems(r.entry.items_json));
  if (!body["safety"].is_null()) ctx.audit_detail = "red_flag " + body["safety"]["level"].get<std::string>();
  AddScaleFields(body, scale);
  ApiReply reply = Reply(body, r.outcome == store::DiaryUpsertOutcome::kCreated ? 201 : 200);
  reply.headers.emplace_back("ETag", fmt::format("\"{}\"", r.entry.revision));
  return reply;
}

Result<ApiReply> GetDiary(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(LocalDate date, PathDate(ctx, "date"));
  auto e = ctx.store().GetDiary(ctx.patient(), date);
  if (!e.ok() && e.status().code() == Code::kNotFound) return Status::NotFound("no diary entry for this date");
  if (!e.ok()) return e.status();
  ApiReply reply = Reply(ToJson(*e));
  reply.headers.emplace_back("ETag", fmt::format("\"{}\"", e->revision));
  return reply;
}

Result<ApiReply> ListDiary(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(auto from, QueryDate(ctx, "from"));
  LDN_ASSIGN_OR_RETURN(auto to, QueryDate(ctx, "to"));
  const LocalDate last = to ? *to : PatientToday(patient, ctx.now);
  const LocalDate first = from ? *from : AddDays(last, -89);
  if (last < first) return Status::InvalidArgument("to", "is before from");
  if (DaysBetween(first, last) > 3660) return Status::InvalidArgument("from", "the range is longer than 10 years");
  LDN_ASSIGN_OR_RETURN(auto rows, ctx.store().ListDiary(ctx.patient(), first, last));
  return Reply({{"from", FormatDate(first)}, {"to", FormatDate(last)}, {"entries", ToJsonArray(rows)}});
}

Result<ApiReply> ListRevisions(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(LocalDate date, PathDate(ctx, "date"));
  LDN_ASSIGN_OR_RETURN(auto rows, ctx.store().ListDiaryRevisions(ctx.patient(), date));
  if (rows.empty()) return Status::NotFound("no diary entry for this date");
  return Reply({{"date", FormatDate(date)}, {"revisions", ToJsonArray(rows)}});
}

// Body: {"entries": [{"date", "client_id", "items"}, ...]}: all written in one transaction, or
// none (the first failure names "entries[i]...").
Result<ApiReply> PutDiaryBatch(Api& api, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* entries, o.Array("entries"));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if (entries->empty()) {
    return Status::InvalidArgument("entries", "must hold at least one entry")
        .WithText({N_("There was nothing to send.")});
  }
  const int max = api.options().max_batch;
  if (entries->size() > static_cast<size_t>(max)) {
    return Status::InvalidArgument("entries", fmt::format("at most {} entries per batch", max))
        .WithText({N_("Too many days at once: at most {max} days can be sent together."), {{"max", max}}});
  }
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  // Read once, outside the write's transaction: own items are only ever added (never removed or
  // retyped: analysis::CheckSettingsChange), so what this snapshot allows stays allowed.
  LDN_ASSIGN_OR_RETURN(analysis::DiarySettings settings, PatientDiarySettings(ctx.store(), ctx.patient()));
  std::vector<store::DiaryEntry> batch;
  std::vector<int> scales;
  for (size_t i = 0; i < entries->size(); ++i) {
    const std::string path = IndexPath("entries", i);
    LDN_ASSIGN_OR_RETURN(JsonObject e, JsonObject::Of((*entries)[i], path));
    LDN_ASSIGN_OR_RETURN(LocalDate date, e.Date("date"));
    LDN_RETURN_IF_ERROR(CheckNotFuture(date, PatientToday(patient, ctx.now), e.PathOf("date")));
    int scale = 0;
    LDN_ASSIGN_OR_RETURN(store::DiaryEntry entry,
                         ReadEntry(e, (*entries)[i].value("items", nlohmann::json()), date, ctx, settings, &scale));
    batch.push_back(std::move(entry));
    scales.push_back(scale);
  }
  auto written = ctx.store().UpsertDiaryBatch(batch);
  if (!written.ok()) return written.status().WithFieldPrefix("entries");
  nlohmann::json results = nlohmann::json::array();
  for (size_t i = 0; i < written->size(); ++i) {
    const auto& r = (*written)[i];
    nlohmann::json one = {{"date", FormatDate(r.entry.local_date)},
                          {"revision", r.entry.revision},
                          {"client_id", r.entry.client_id},
                          {"outcome", OutcomeName(r.outcome)}};
    AddScaleFields(one, i < scales.size() ? scales[i] : analysis::CurrentScaleVersion());
    LDN_ASSIGN_OR_RETURN(one["safety"], AssessDiaryItems(r.entry.items_json));
    results.push_back(std::move(one));
  }
  return Reply({{"results", results}});
}

Result<ApiReply> Analysis(Api&, RequestContext& ctx) {
  std::optional<store::Id> course_id;
  if (auto it = ctx.query.find("course_id"); it != ctx.query.end()) {
    LDN_ASSIGN_OR_RETURN(course_id, ParseId(it->second, "course_id"));
  }
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(store::Course course, ChooseCourse(ctx.store(), ctx.patient(), course_id));
  LDN_ASSIGN_OR_RETURN(analysis::Diary diary, AssembleDiary(ctx.store(), patient, course, patient.research_id));
  auto report = analysis::AnalyzeDiary(diary);
  if (!report.ok()) return NotYet(report.status());
  nlohmann::json body = analysis::ReportToJson(*report);
  body["course_id"] = course.id;
  body["patient_id"] = patient.id;
  // Whether the plan's evaluation has opened, in the patient's calendar: before it the patient's
  // view gives no verdict (web/js/progress.js), whatever the numbers say.
  const LocalDate today = PatientToday(patient, ctx.now);
  body["evaluation"]["today"] = FormatDate(today);
  body["evaluation"]["open"] = today >= report->evaluation_opens;
  return Reply(body);
}

// When the evaluation of a course opens, without needing an analysable record: from the first dose
// taken, else the plan's first dose (analysis::EvaluationOpensOn).
Result<ApiReply> Evaluation(Api&, RequestContext& ctx) {
  std::optional<store::Id> course_id;
  if (auto it = ctx.query.find("course_id"); it != ctx.query.end()) {
    LDN_ASSIGN_OR_RETURN(course_id, ParseId(it->second, "course_id"));
  }
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(store::Course course, ChooseCourse(ctx.store(), ctx.patient(), course_id));
  LDN_ASSIGN_OR_RETURN(analysis::Diary diary, AssembleDiary(ctx.store(), patient, course, patient.research_id));
  auto first_dose = analysis::FirstDoseDate(diary);
  if (!first_dose.ok()) return NotYet(first_dose.status());
  const analysis::AnalysisOptions options;
  const bool taken = std::any_of(diary.doses.begin(), diary.doses.end(), [](const auto& d) { return d.taken; });
  const LocalDate opens = analysis::EvaluationOpensOn(*first_dose, options);
  const LocalDate today = PatientToday(patient, ctx.now);
  nlohmann::json body = {{"course_id", course.id},
                         {"first_dose", FormatDate(*first_dose)},
                         {"first_dose_taken", taken},
                         {"opens_on", FormatDate(opens)},
                         {"window", fmt::format("week_{}", DaysBetween(*first_dose, opens) / 7)},
                         {"today", FormatDate(today)},
                         {"open", today >= opens}};
  return Reply(body);
}

// The diary items of data/diary_items.json as the web app renders them: one source of truth for
// the questions, anchors and directions that the analysis reads too.
Result<ApiReply> DiaryItems(Api&, RequestContext&) {
  auto text = KnowledgeFileText("diary_items.json");
  if (!text.ok()) return Status::Internal("data/diary_items.json is not embedded");
  LDN_RETURN_IF_ERROR(analysis::CheckItemDefinitions());
  nlohmann::json body = nlohmann::json::parse(*text);
  body["file"] = "data/diary_items.json";
  return Reply(body);
}

// The clinic's visit report (src/report) of the same analysis, as PDF.
Result<ApiReply> ReportPdf(Api& api, RequestContext& ctx) {
  std::optional<store::Id> course_id;
  if (auto it = ctx.query.find("course_id"); it != ctx.query.end()) {
    LDN_ASSIGN_OR_RETURN(course_id, ParseId(it->second, "course_id"));
  }
  report::Paper paper = report::Paper::kA4;
  if (auto it = ctx.query.find("paper"); it != ctx.query.end()) {
    LDN_ASSIGN_OR_RETURN(paper, report::ParsePaper(it->second, "paper"));
  }
  report::Scope scope = report::Scope::kFull;
  if (auto it = ctx.query.find("scope"); it != ctx.query.end()) {
    LDN_ASSIGN_OR_RETURN(scope, report::ParseScope(it->second, "scope"));
  }
  LDN_ASSIGN_OR_RETURN(report::ReportLocale locale, ReportLocaleFromQuery(api.catalogs(), ctx));
  if (scope == report::Scope::kSummary) ctx.audit_detail = "one-page summary";
  if (locale.language != "en") {
    ctx.audit_detail += fmt::format("{}in {}", ctx.audit_detail.empty() ? "" : ", ", locale.language);
  }
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  return VisitReportPdf(ctx.store(), patient, course_id, paper, ctx.now, scope, locale);
}

// The patient's own data to take away (issue 15, item 4): the diary-format document of a course
// (docs/diary-format.md: the plan's steps, the dose log, every diary day, the questionnaires), the
// same one `ldn analyze` reads, as JSON (default) or its CSV form for a spreadsheet. Named by the
// patient's name, not their research id: it is their own copy. Downloaded as a file.
Result<ApiReply> Export(Api&, RequestContext& ctx) {
  std::string format = "json";
  if (auto it = ctx.query.find("format"); it != ctx.query.end()) format = it->second;
  if (format != "json" && format != "csv") return Status::InvalidArgument("format", "must be csv or json");
  std::optional<store::Id> course_id;
  if (auto it = ctx.query.find("course_id"); it != ctx.query.end()) {
    LDN_ASSIGN_OR_RETURN(course_id, ParseId(it->second, "course_id"));
  }
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  auto course = ChooseCourse(ctx.store(), ctx.patient(), course_id);
  if (!course.ok() && course.status().code() == Code::kConflict) {
    return Status::Conflict(
        "no treatment course yet: the diary file holds a course's plan, so there is nothing to export");
  }
  if (!course.ok()) return course.status();
  LDN_ASSIGN_OR_RETURN(analysis::Diary diary, AssembleDiary(ctx.store(), patient, *course, patient.display_name));
  const std::string today = FormatDate(PatientToday(patient, ctx.now));
  ApiReply reply;
  reply.content_type = format == "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
  reply.raw_body = format == "csv" ? analysis::DiaryToCsv(diary) : analysis::DiaryToJson(diary);
  reply.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"ldn-diary-course-{}-{}.{}\"",
                                                                course->id, today, format));
  ctx.audit_detail = fmt::format("export of course {} as {}", course->id, format);
  return reply;
}

constexpr char kDiarySchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["client_id","scale_version","items"],"properties":{
"client_id":{"type":"string","description":"client-generated id of this write (idempotency)"},
"scale_version":{"type":"integer","minimum":1,"description":"the scale the ratings were given on (GET /api/v1/diary-items: scale_version); 1 = mood 0 very low..10 very good, converted to 10 - v"},
"items":{"type":"object","additionalProperties":false,"properties":{
"pain":{"type":"integer","minimum":0,"maximum":10},"fatigue":{"type":"integer","minimum":0,"maximum":10},
"sleep":{"type":"integer","minimum":0,"maximum":10},"mood":{"type":"integer","minimum":0,"maximum":10},
"anxiety":{"type":"integer","minimum":0,"maximum":10},"cognition":{"type":"integer","minimum":0,"maximum":10},
"stiffness":{"type":"integer","minimum":0,"maximum":10},"sensitivity":{"type":"integer","minimum":0,"maximum":10},
"stress":{"type":"integer","minimum":0,"maximum":10},
"side_effects":{"type":"array","items":{"type":"object","required":["name","severity"],"properties":{
"name":{"type":"string"},"severity":{"type":"integer","minimum":1,"maximum":3}}}},
"rescue_medication":{"type":"array","items":{"type":"string"}},"note":{"type":"string"},
"lifestyle":{"type":"object","description":"optional lifestyle factors, never part of the LDN analysis: the keys, kinds, units and limits are GET /api/v1/diary-items 'lifestyle' (data/diary_items.json), e.g. {\"sleep_hours\":7.5,\"activity_minutes\":30,\"relaxation\":true}"},
"custom":{"type":"object","description":"the patient's own items (GET P/diary-settings 'custom'): a scale item a whole number 0-10, a yes_no item true or false, a number item a number 0-1000000, e.g. {\"headache\":6}"}}}}})js";
constexpr char kDiaryBatchSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["entries"],"properties":{"entries":{
"type":"array","items":{"type":"object","required":["date","client_id","scale_version","items"],"properties":{
"date":{"type":"string","format":"date"},"client_id":{"type":"string"},"scale_version":{"type":"integer","minimum":1},
"items":{"type":"object"}}}}}})js";

}  // namespace

Result<report::ReportLocale> ReportLocaleFromQuery(const Catalogs& catalogs, const RequestContext& ctx) {
  report::ReportLocale locale;
  auto it = ctx.query.find("lang");
  if (it == ctx.query.end() || it->second == "en") return locale;
  if (!Catalogs::Known(it->second)) {
    return Status::InvalidArgument("lang", fmt::format("'{}' is not a language of ldn (en, da, nb)", it->second));
  }
  locale.language = it->second;
  locale.decimal = Catalogs::DecimalSeparator(locale.language);
  locale.day_first = Catalogs::DayFirst(locale.language);
  locale.text = [&catalogs, lang = locale.language](const Message& m) { return catalogs.Text(lang, m); };
  return locale;
}

Result<ApiReply> VisitReportPdf(store::Store& store, const store::Patient& patient, std::optional<store::Id> course_id,
                                report::Paper paper, store::Instant now, report::Scope scope,
                                const report::ReportLocale& locale) {
  LDN_ASSIGN_OR_RETURN(store::Course course, ChooseCourse(store, patient.id, course_id));
  LDN_ASSIGN_OR_RETURN(analysis::Diary diary, AssembleDiary(store, patient, course, patient.research_id));
  report::ReportModelOptions options;
  options.locale = locale;
  auto analysed = analysis::AnalyzeDiary(diary, options.analysis);
  if (!analysed.ok()) return NotYet(analysed.status());
  options.generated_on = FormatDate(PatientToday(patient, now));
  report::ReportModel model = report::BuildReportModel(diary, *analysed, options);
  LDN_ASSIGN_OR_RETURN(model.clinician_decisions, InterlockReportLines(store, patient));
  LDN_ASSIGN_OR_RETURN(std::string pdf, report::RenderClinicReportPdf(model, paper, scope));
  ApiReply reply;
  reply.content_type = "application/pdf";
  reply.raw_body = std::move(pdf);
  reply.headers.emplace_back("Content-Disposition", scope == report::Scope::kSummary
                                                        ? "inline; filename=\"ldn-summary.pdf\""
                                                        : "inline; filename=\"ldn-report.pdf\"");
  return reply;
}

void AddDiaryRoutes(Api& api, RouteTable& routes) {
  Api* a = &api;
  auto h = [a](Result<ApiReply> (*f)(Api&, RequestContext&)) {
    return [a, f](RequestContext& ctx) { return f(*a, ctx); };
  };
  const std::string p = "/api/v1/patients/{patient_id}";
  routes.Add({"GET",
              p + "/diary",
              PatientScoped(kPatientOrClinician, "diary.read"),
              h(ListDiary),
              "Diary entries between from and to (default: the last 90 days).",
              "",
              {"from", "to"}});
  routes.Add({"GET",
              p + "/diary/{date}",
              PatientScoped(kPatientOrClinician, "diary.read"),
              h(GetDiary),
              "The diary entry of one local date (ETag: its revision).",
              "",
              {}});
  routes.Add({"PUT",
              p + "/diary/{date}",
              PatientScoped(kPatientOrClinician, "diary.write"),
              h(PutDiary),
              "Write the entry of one local date: idempotent by client_id; an edit keeps the old revision; "
              "If-Match: \"<revision>\" guards against lost updates.",
              kDiarySchema,
              {}});
  routes.Add({"GET",
              p + "/diary/{date}/revisions",
              PatientScoped(kPatientOrClinician, "diary.read"),
              h(ListRevisions),
              "Every revision of one day's entry, oldest first.",
              "",
              {}});
  routes.Add({"POST",
              p + "/diary:batch",
              PatientScoped(kPatientOrClinician, "diary.write"),
              h(PutDiaryBatch),
              "Write several days in one transaction (all or none).",
              kDiaryBatchSchema,
              {}});
  routes.Add({"GET",
              p + "/analysis",
              PatientScoped(kPatientOrClinician, "analysis.read"),
              h(Analysis),
              "Response analysis of a course (default: the current one) as JSON (docs/analysis.md).",
              "",
              {"course_id"}});
  routes.Add({"GET",
              p + "/evaluation",
              PatientScoped(kPatientOrClinician, "analysis.read"),
              h(Evaluation),
              "When the evaluation of a course (default: the current one) opens: first dose + the earliest fixed "
              "window (docs/analysis.md), and whether it is open today in the patient's time zone.",
              "",
              {"course_id"}});
  routes.Add({"GET",
              "/api/v1/diary-items",
              Public(),
              h(DiaryItems),
              "The diary's 0-10 items: questions, anchors, direction and scale version (data/diary_items.json).",
              "",
              {}});
  routes.Add({"GET",
              p + "/export",
              PatientScoped(kPatientOrClinician, "export.read"),
              h(Export),
              "The patient's data of a course (default: the current one) as the diary-format document "
              "(docs/diary-format.md) that `ldn analyze` reads: format json (default) or csv, as a download.",
              "",
              {"course_id", "format"}});
  routes.Add({"GET",
              p + "/report.pdf",
              PatientScoped(kPatientOrClinician, "report.read"),
              h(ReportPdf),
              "The visit report of the analysis as PDF (paper: a4 or letter; lang: en, the default, da or nb; "
              "scope: full, the default, or "
              "summary, one page for an appointment).",
              "",
              {"course_id", "paper", "scope", "lang"}});
}

}  // namespace ldn::server
