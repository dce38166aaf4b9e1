#include "server/push_reminders.h"

#include <fmt/format.h>

namespace ldn::server {

nlohmann::json Reminder::Payload() const {
  // The tag makes a newer notification of the same kind replace an older one on the device.
  return {{"kind", kind}, {"title", title},       {"body", body},
          {"url", url},   {"tag", "ldn-" + kind}, {"body_key", body_key.empty() ? body : body_key},
          {"vars", vars}};
}

namespace {

std::string Milligrams(int64_t ug) {
  std::string s = fmt::format("{:.2f}", static_cast<double>(ug) / 1000.0);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

bool Within(TimeOfDay now, TimeOfDay from, int minutes) {
  return now.minutes >= from.minutes && now.minutes < from.minutes + minutes;
}

}  // namespace

std::vector<Reminder> DueReminders(const ReminderState& s) {
  std::vector<Reminder> out;
  const std::string today = FormatDate(s.today);
  if (s.plan_changed) {
    // Kept for a day by the push service: news the patient needs before the next dose.
    out.push_back({"plan", *s.plan_changed, "Your plan changed",
                   "Your clinician changed your plan. Open the app to see what is new.", "/#/today", 24 * 3600, "high",
                   "", nlohmann::json::object()});
  }
  if (s.trial_pack_from_today && s.now.minutes >= kQuestionnairePushTime.minutes) {
    // Discreet: the pack's code, not what the trial compares.
    out.push_back({"trial",
                   today,
                   "New pack from tonight",
                   fmt::format("From tonight, take your capsules from pack {}.", *s.trial_pack_from_today),
                   "/#/today",
                   (24 * 60 - s.now.minutes) * 60,
                   "normal",
                   "From tonight, take your capsules from pack {pack}.",
                   {{"pack", *s.trial_pack_from_today}}});
  }
  if (s.dose_ug && *s.dose_ug > 0 && Within(s.now, s.dose_time, kDoseReminderWindowMinutes)) {
    const bool bedtime = s.dose_time.minutes >= 18 * 60;
    const std::string mg = Milligrams(*s.dose_ug);
    out.push_back({"dose",
                   today,
                   bedtime ? "Time for your bedtime dose" : "Time for your dose",
                   fmt::format("Today's dose: {} mg. Tap to note it in your diary.", mg),
                   "/#/today",
                   2 * 3600,
                   "high",
                   "Today's dose: {mg} mg. Tap to note it in your diary.",
                   {{"mg", mg}}});
  }
  if (s.now.minutes >= kQuestionnairePushTime.minutes) {
    for (const auto& q : s.due) {
      if (q.due_since > s.today) continue;
      out.push_back({"questionnaire",
                     fmt::format("{}:{}", q.id, FormatDate(q.due_since)),
                     "A questionnaire is due",
                     fmt::format("Your {} is due. It takes a few minutes.", q.title),
                     "/#/questionnaires",
                     12 * 3600,
                     "normal",
                     "Your {title} is due. It takes a few minutes.",
                     {{"title", q.title}}});
    }
  }
  if (s.diary_reminders && !s.diary_done_today && s.now.minutes >= kDiaryPushTime.minutes) {
    out.push_back({"diary", today, "Your diary", "How was today? Thirty seconds in your diary.", "/#/today",
                   (24 * 60 - s.now.minutes) * 60, "normal", "", nlohmann::json::object()});
  }
  return out;
}

Reminder TestReminder(std::string occasion) {
  return {"test",
          std::move(occasion),
          "Reminders are on",
          "This device will remind you of your dose, your diary and questionnaires.",
          "/#/account",
          600,
          "normal",
          "",
          nlohmann::json::object()};
}

}  // namespace ldn::server
