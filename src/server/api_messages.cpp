// The secure message thread of each patient with their care team (issue 13; docs/clinic.md,
// "Messages"): text messages between the patient and their clinicians, with read receipts. Every
// read and write is audited like any patient data (the audit event names the thread, never the
// text); the bodies never reach the server's log, whose lines carry the route and status only.
//
//   GET  P/messages?after_id=   the thread (oldest first) with receipts and the caller's unread count
//   POST P/messages             {"body", "client_id"?} -> 201 the message
//   POST P/messages/read        {"up_to_id"} -> receipts for every earlier message from others
#include <limits>
#include <map>

#include <fmt/format.h>

#include "core/message.h"
#include "core/text.h"
#include "server/api.h"
#include "server/api_util.h"

namespace ldn::server {
namespace {

using store::Role;

// The longest message: the store's limit (ValidateMessage) and the web app's maxlength
// (web/js/messages.js). A message is read up to this, not the 2000 of a note.
constexpr size_t kMaxMessageChars = 5000;

const std::set<Role> kPatientOrClinician = {Role::kPatient, Role::kClinician};

struct Names {
  std::map<store::Id, std::string> name;
  std::map<store::Id, std::string> role;
};

// How a sender is shown: the patient's name for the patient; a clinician's prescriber name (else
// their username).
Result<Names> LoadNames(store::Store& st, const store::Patient& patient) {
  Names n;
  LDN_ASSIGN_OR_RETURN(auto users, st.ListUsers());
  for (const auto& u : users) {
    n.role[u.id] = std::string(store::RoleName(u.role));
    if (u.patient_id == patient.id) {
      n.name[u.id] = patient.display_name;
      continue;
    }
    n.name[u.id] = u.username;
    if (u.role == Role::kClinician) {
      auto profile = st.GetPrescriberProfile(u.id);
      if (profile.ok()) n.name[u.id] = profile->full_name;
    }
  }
  return n;
}

Result<ApiReply> ListThread(Api&, RequestContext& ctx) {
  store::Store& st = ctx.store();
  store::Id after = 0;
  if (auto it = ctx.query.find("after_id"); it != ctx.query.end() && it->second != "0") {
    LDN_ASSIGN_OR_RETURN(after, ParseId(it->second, "after_id"));
  }
  LDN_ASSIGN_OR_RETURN(store::Patient patient, st.GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(Names names, LoadNames(st, patient));
  std::vector<store::Message> messages;
  for (store::Id cursor = after;;) {
    LDN_ASSIGN_OR_RETURN(auto page, st.ListMessages(ctx.patient(), cursor, 1000));
    messages.insert(messages.end(), page.begin(), page.end());
    if (page.size() < 1000) break;
    cursor = page.back().id;
  }
  LDN_ASSIGN_OR_RETURN(auto receipts, st.ListMessageReads(ctx.patient()));
  std::map<store::Id, nlohmann::json> read_by;
  std::map<store::Id, bool> read_by_me;
  for (const auto& r : receipts) {
    read_by[r.message_id].push_back({{"user_id", r.user_id},
                                     {"name", names.name[r.user_id]},
                                     {"role", names.role[r.user_id]},
                                     {"read_at", InstantText(r.read_at)}});
    if (r.user_id == ctx.caller().user_id) read_by_me[r.message_id] = true;
  }
  nlohmann::json out = nlohmann::json::array();
  int64_t unread = 0;
  for (const auto& m : messages) {
    const bool mine = m.sender_user_id == ctx.caller().user_id;
    if (!mine && !read_by_me[m.id]) ++unread;
    out.push_back({{"id", m.id},
                   {"sender_user_id", m.sender_user_id},
                   {"sender_name", names.name[m.sender_user_id]},
                   {"sender_role", names.role[m.sender_user_id]},
                   {"body", m.body},
                   {"sent_at", InstantText(m.sent_at)},
                   {"mine", mine},
                   {"read_by", read_by.count(m.id) ? read_by[m.id] : nlohmann::json::array()}});
  }
  return Reply({{"messages", std::move(out)}, {"unread", unread}});
}

Result<ApiReply> PostMessage(Api&, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  store::Message m;
  LDN_ASSIGN_OR_RETURN(m.body, o.String("body"));
  LDN_ASSIGN_OR_RETURN(m.client_id, OptionalClientId(o, "client_id"));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  // Trailing white space is not part of a message; an empty one is not a message.
  while (!m.body.empty() && (m.body.back() == ' ' || m.body.back() == '\n' || m.body.back() == '\r' ||
                             m.body.back() == '\t')) {
    m.body.pop_back();
  }
  if (m.body.empty()) {
    return Status::InvalidArgument("body", "write a message").WithText({N_("Write a message first.")});
  }
  // Counted in characters (a Danish "æ" is two bytes), as the web app's maxlength counts them.
  if (Utf8Length(m.body) > static_cast<long>(kMaxMessageChars)) {
    return Status::InvalidArgument("body", fmt::format("must be at most {} characters", kMaxMessageChars))
        .WithText({N_("A message can be at most {max} characters long."), {{"max", kMaxMessageChars}}});
  }
  LDN_RETURN_IF_ERROR(CheckText(m.body, "body", 1, kMaxMessageChars));  // UTF-8, no NUL
  m.patient_id = ctx.patient();
  m.sender_user_id = ctx.caller().user_id;
  m.sent_at = ctx.now;
  LDN_ASSIGN_OR_RETURN(store::Message stored, ctx.store().CreateMessage(m));
  return Reply({{"id", stored.id},
                {"sender_user_id", stored.sender_user_id},
                {"body", stored.body},
                {"sent_at", InstantText(stored.sent_at)},
                {"mine", true},
                {"read_by", nlohmann::json::array()}},
               201);
}

// Body: {"up_to_id"}: the caller has read the thread up to that message.
Result<ApiReply> MarkRead(Api&, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(int64_t up_to, o.Integer("up_to_id", 1, std::numeric_limits<int64_t>::max()));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  LDN_ASSIGN_OR_RETURN(int64_t marked,
                       ctx.store().MarkMessagesRead(ctx.patient(), ctx.caller().user_id, up_to, ctx.now));
  return Reply({{"marked", marked}});
}

constexpr char kMessageSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["body"],"properties":{
"body":{"type":"string","minLength":1,"maxLength":5000},"client_id":{"type":"string"}}})js";
constexpr char kReadSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["up_to_id"],"properties":{
"up_to_id":{"type":"integer","minimum":1}}})js";

}  // namespace

void AddMessageRoutes(Api& api, RouteTable& routes) {
  Api* a = &api;
  auto h = [a](Result<ApiReply> (*f)(Api&, RequestContext&)) {
    return [a, f](RequestContext& ctx) { return f(*a, ctx); };
  };
  const std::string p = "/api/v1/patients/{patient_id}";
  routes.Add({"GET", p + "/messages", PatientScoped(kPatientOrClinician, "message.read"), h(ListThread),
              "The patient's message thread with read receipts and the caller's unread count.", "", {"after_id"}});
  routes.Add({"POST", p + "/messages", PatientScoped(kPatientOrClinician, "message.write"), h(PostMessage),
              "Send a message in the patient's thread (the patient or their clinicians).", kMessageSchema, {}});
  routes.Add({"POST", p + "/messages/read", PatientScoped(kPatientOrClinician, "message.receipt"), h(MarkRead),
              "Mark the thread read up to a message (read receipts).", kReadSchema, {}});
}

}  // namespace ldn::server
