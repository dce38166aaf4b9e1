#!/usr/bin/env Rscript
# Independent oracle for the pain chart series of the clinic report (src/report/report_model.cpp,
# ChartModel) on the test diaries tests/golden/report/<name>.diary.json.
#
# Base R only (no JSON package): the diaries hold one array element a line, so each diary line is
# read with regular expressions ("date", "pain"; a dose line's "taken": true).
#
#   first dose     = the earliest dose logged as taken                      (docs/analysis.md)
#   baseline       = the 14 calendar days before the first dose; its mean pain over rated days
#   threshold      = baseline mean x (1 - 30/100)                           (IMMPACT moderate)
#   rolling mean   = for each day t from the first diary day to the last: the mean of the pain
#                    ratings on days max(s, t - 6) .. t, where s = the first chart day for t < 0
#                    and s = 0 for t >= 0 (never mixing baseline and treatment days), defined
#                    when at least 4 of those days are rated
#   rescue days    = diary days with a "rescue_medication" entry, and diary days, in the
#                    baseline (days -14..-1) and in week 12 (days 70..83; docs/analysis.md)
#   response day   = the first t >= 0 from which the rolling mean is <= threshold on 14
#                    consecutive days (an undefined day breaks the run)
#
# Run from the repository root:  Rscript tests/oracles/report_chart_reference.R
args <- commandArgs(trailingOnly = TRUE)
root <- if (length(args) >= 1) args[1] else "."
names <- c("responder", "nonresponder", "early")
output <- file.path(root, "tests/golden/report/chart_expected.json")
num <- function(x) sprintf("%.17g", x)

entries <- character(0)
for (name in names) {
  lines <- readLines(file.path(root, "tests/golden/report", paste0(name, ".diary.json")))
  section <- ""
  diary_dates <- character(0)
  pain <- integer(0)
  rescue <- logical(0)
  first_dose <- NA
  last_dose <- NA
  for (l in lines) {
    if (grepl('^"doses"', l)) section <- "doses"
    if (grepl('^"diary"', l)) section <- "diary"
    if (!grepl('"date": "', l)) next
    date <- sub('.*"date": "([0-9-]+)".*', "\\1", l)
    if (section == "doses") {
      last_dose <- date
      if (is.na(first_dose) && grepl('"taken": true', l)) first_dose <- date
    } else if (section == "diary") {
      diary_dates <- c(diary_dates, date)
      rescue <- c(rescue, grepl('"rescue_medication": \\[', l))
      pain <- c(pain, if (grepl('"pain": [0-9]+', l)) as.integer(sub('.*"pain": ([0-9]+).*', "\\1", l)) else NA)
    }
  }
  origin <- as.Date(first_dose)
  day <- as.integer(as.Date(diary_dates) - origin)
  first_day <- min(day, 0)
  last_day <- max(day, as.integer(as.Date(last_dose) - origin))
  by_day <- rep(NA_real_, last_day - first_day + 1)
  by_day[day - first_day + 1] <- pain
  at <- function(t) by_day[t - first_day + 1]

  baseline <- pain[day >= -14 & day <= -1 & !is.na(pain)]
  baseline_mean <- mean(baseline)
  threshold <- baseline_mean * (1 - 30 / 100)

  rolling <- character(0)
  below <- rep(FALSE, last_day + 1)
  for (t in first_day:last_day) {
    s <- if (t < 0) first_day else 0
    v <- sapply(max(s, t - 6):t, at)
    v <- v[!is.na(v)]
    if (length(v) >= 4) {
      rolling <- c(rolling, paste0("[", t, ", ", num(mean(v)), "]"))
      if (t >= 0) below[t + 1] <- mean(v) <= threshold + 1e-9
    }
  }
  response <- "null"
  run <- 0
  for (t in 0:last_day) {
    run <- if (below[t + 1]) run + 1 else 0
    if (run >= 14) {
      response <- as.character(t - 13)
      break
    }
  }
  in_base <- day >= -14 & day <= -1
  in_w12 <- day >= 70 & day <= 83
  rescue_json <- paste0("{\"baseline\": [", sum(in_base), ", ", sum(rescue & in_base), "], \"week_12\": [",
                        sum(in_w12), ", ", sum(rescue & in_w12), "]}")
  entries <- c(entries, paste0(
    "    \"", name, "\": {\"first_day\": ", first_day, ", \"last_day\": ", last_day,
    ", \"baseline_mean\": ", num(baseline_mean), ", \"response_threshold\": ", num(threshold),
    ", \"response_day\": ", response, ", \"rescue_days\": ", rescue_json, ",\n      \"rolling_mean\": [", paste(rolling, collapse = ", "), "]}"))
}
writeLines(c("{", paste0("  \"generated_by\": \"tests/oracles/report_chart_reference.R (", R.version.string, ")\","),
             "  \"diaries\": {", paste(entries, collapse = ",\n"), "  }", "}"), output)
