# Independent oracle for src/pharmacy: recomputes the golden cases of tests/golden/pharmacy/*.json
# from the textbook formulas, in R, with R's own date arithmetic, and writes the expected values.
# Regenerate with:
#   Rscript tests/oracles/pharmacy_reference.R > tests/golden/pharmacy/oracle.csv
# Formulas (docs/pharmacy.md; pharmacology-facts.md B3, B4, B7):
#   API = strength x n x (1 + overage) / (assay x (1 - water))          certificate-of-analysis correction
#   tablet powder = naltrexone HCl / 50 mg x average tablet weight
#   filler = fill weight x n x (1 + overage) - drug powder;  drug load = drug powder / total powder
#   aliquot (Ansel): f = ceiling(MWQ / R); weigh f R; A = max(MWQ, R + MWQ / f) rounded up to 1 mg;
#     mixture f A; diluent f A - f R; left over (f - 1) A; filler still to weigh = filler - (A - R)
#   liquid stock: f = ceiling(MWQ / R); weigh f R; dissolve to f x 5 mL
#   BUD = preparation date + days (USP <795> 2023 category or the Fawcett study), capped at the
#     earliest component expiry
#   dose volume = dose / concentration, to 0.01 mL
# Values are unrounded; the tests compare with the tolerance in the last column: 0.0505 mg for masses,
# because ldn holds masses as whole micrograms (0.0005 mg) and reports them to 0.1 mg (0.05 mg).
options(digits = 12)
prepared <- as.Date("2026-11-22")
mwq_class_a <- 120
rows <- data.frame(case = character(), pointer = character(), value = character(), tol = numeric())
add <- function(case, pointer, value, tol = 0) {
  rows[nrow(rows) + 1, ] <<- list(case, pointer, as.character(value), tol)
}
bud <- function(days, expiries = c()) {
  d <- prepared + days
  if (length(expiries) > 0) d <- min(d, min(as.Date(expiries)))
  list(date = format(d), days = as.numeric(d - prepared))
}
capsule <- function(case, strength, n, fill, drug, overage = 0, expiries = c(), placebo = FALSE) {
  caps <- n * (1 + overage / 100)
  total <- fill * caps
  add(case, "/total_powder_mg", total, 0.0505)
  add(case, "/filler_mg", total - drug, 0.0505)
  add(case, "/drug_load_pct", 100 * drug / total, 0.005)
  b <- bud(180, expiries)
  add(case, "/bud_date", b$date)
  add(case, "/bud_days", b$days)
}
aliquot <- function(case, r, mwq, filler_total) {
  f <- ceiling(mwq / r)
  a <- ceiling(max(mwq, r + mwq / f) - 1e-9)
  add(case, "/aliquot/factor", f)
  add(case, "/aliquot/drug_weighed_mg", f * r, 0.0505)
  add(case, "/aliquot/aliquot_mg", a, 0.0505)
  add(case, "/aliquot/mixture_mg", f * a, 0.0505)
  add(case, "/aliquot/diluent_mg", f * a - f * r, 0.0505)
  add(case, "/aliquot/left_over_mg", (f - 1) * a, 0.0505)
  add(case, "/weighings/3/amount_mg", filler_total - (a - r), 0.0505)
}

# Capsules from API: the B3 worked example, and its component-expiry cap.
api <- 4.5 * 100 / (0.995 * 0.99)
add("b3_worked_example_api_4_5mg_x100", "/api_mg", api, 0.0505)
capsule("b3_worked_example_api_4_5mg_x100", 4.5, 100, 200, api)
add("api_4_5mg_component_expiry_cap", "/api_mg", api, 0.0505)
capsule("api_4_5mg_component_expiry_cap", 4.5, 100, 200, api, expiries = c("2027-03-01", "2027-01-31"))
# Issue 11, 6b and 6c: a CoA at the monograph's lower bound; a realistic #3 fill of MCC (~120 mg).
api98 <- 4.5 * 100 / (0.98 * 0.99)
add("issue11_6b_coa_98_0_accepted", "/api_mg", api98, 0.0505)
capsule("issue11_6b_coa_98_0_accepted", 4.5, 100, 120, api98)
add("issue11_6c_mcc_size3_120mg_is_normal", "/api_mg", api, 0.0505)
capsule("issue11_6c_mcc_size3_120mg_is_normal", 4.5, 100, 120, api)
# 0.5 mg x 100 on a class A balance: below the MWQ, aliquot plan.
api05 <- 0.5 * 100 / (0.995 * 0.99)
add("api_0_5mg_x100_class_a", "/api_mg", api05, 0.0505)
capsule("api_0_5mg_x100_class_a", 0.5, 100, 200, api05)
aliquot("api_0_5mg_x100_class_a", api05, mwq_class_a, 100 * 200 - api05)
add("api_0_5mg_x100_analytical", "/api_mg", api05, 0.0505)
capsule("api_0_5mg_x100_analytical", 0.5, 100, 200, api05)
# Overage 5%: 3 mg x 60, assay 100%, water 0.5%, #3 at 210 mg.
api3 <- 3 * 60 * 1.05 / (1 * 0.995)
add("api_3mg_x60_overage_5pct", "/api_mg", api3, 0.0505)
add("api_3mg_x60_overage_5pct", "/api_mg_hcl", 3 * 60 * 1.05, 0.0505)
capsule("api_3mg_x60_overage_5pct", 3, 60, 210, api3, overage = 5)
# From tablets (average tablet weight 250 mg as weighed).
tw <- 250
pw <- 4.5 * 100 / 50 * tw
add("tablets_4_5mg_x100", "/tablets", ceiling(4.5 * 100 / 50))
add("tablets_4_5mg_x100", "/drug_powder_mg", pw, 0.0505)
add("tablets_4_5mg_x100", "/naltrexone_load_pct", 100 * 450 / 20000, 0.005)
capsule("tablets_4_5mg_x100", 4.5, 100, 200, pw)
pw <- 1.5 * 30 / 50 * tw
add("tablets_1_5mg_x30_size4", "/tablets", ceiling(1.5 * 30 / 50))
add("tablets_1_5mg_x30_size4", "/drug_powder_mg", pw, 0.0505)
capsule("tablets_1_5mg_x30_size4", 1.5, 30, 150, pw)
pw <- 0.5 * 20 / 50 * tw
capsule("tablets_0_5mg_x20_class_a", 0.5, 20, 200, pw)
aliquot("tablets_0_5mg_x20_class_a", pw, mwq_class_a, 20 * 200 - pw)
f <- ceiling(mwq_class_a / pw)
add("tablets_0_5mg_x20_class_a", "/tablets", ceiling(f * pw / tw))
# Placebo twin: the filler replaces the drug.
capsule("placebo_4_5mg_x100", 4.5, 100, 200, 0)

# Liquids (Fawcett vehicle per 100 mL: ascorbic acid 500 mg, sodium benzoate 100 mg, glycerol 20 mL).
liquid <- function(case, conc, vol, days, expiries = c(), preserved = TRUE, from_tablets = TRUE) {
  if (from_tablets) add(case, "/tablets", conc * vol / 50)
  add(case, "/ingredients/1/amount_mg", 500 * vol / 100, 0.0505)
  if (preserved) {
    add(case, "/ingredients/2/amount_mg", 100 * vol / 100, 0.0505)
    add(case, "/ingredients/3/amount_ml", 20 * vol / 100, 0.005)
  } else {
    add(case, "/ingredients/2/amount_ml", 20 * vol / 100, 0.005)
  }
  b <- bud(days, expiries)
  add(case, "/bud_date", b$date)
  add(case, "/bud_days", b$days)
}
liquid("fawcett_tablets_1mg_100ml_fridge", 1, 100, 60)
for (i in seq_along(c(0.5, 1, 1.5, 3, 4.5))) {
  add("fawcett_tablets_1mg_100ml_fridge", sprintf("/dose_volumes/%d/volume_ml", i - 1), c(0.5, 1, 1.5, 3, 4.5)[i] / 1,
      0.005)
}
liquid("fawcett_tablets_1mg_100ml_room", 1, 100, 30)
liquid("fawcett_unpreserved_fridge", 1, 100, 14, preserved = FALSE)
# Issue 11, 6a: no stability data at 5 mg/mL (Fawcett stored it only at 70 C): the USP <795> default
# for a preserved aqueous preparation, 35 days.
liquid("issue11_6a_5mg_per_ml_gets_usp_default", 5, 100, 35)
liquid("fawcett_vehicle_2mg_room_neighbour_cap", 2, 50, min(35, 30))
liquid("fawcett_vehicle_2mg_fridge", 2, 50, min(35, 60))
liquid("fawcett_component_expiry_cap", 1, 100, 60, expiries = c("2027-01-01"))
# From API: 100 mg / (0.995 x 0.99); below the class A MWQ: stock solution to f x 5 mL.
r <- 100 / (0.995 * 0.99)
add("fawcett_api_1mg_100ml", "/api_mg", r, 0.0505)
add("fawcett_api_1mg_100ml", "/liquid_aliquots/0/factor", ceiling(mwq_class_a / r))
add("fawcett_api_1mg_100ml", "/liquid_aliquots/0/weighed_mg", ceiling(mwq_class_a / r) * r, 0.0505)
add("fawcett_api_1mg_100ml", "/liquid_aliquots/0/stock_ml", ceiling(mwq_class_a / r) * 5)
# Titration 1, 2, 3, 4 mg a week each from the preparation day, then 4.5 mg: the day 100 mL runs out.
doses <- c(rep(1, 7), rep(2, 7), rep(3, 7), rep(4, 7), rep(4.5, 100))
last_day <- max(which(cumsum(doses) <= 100))
add("fawcett_titration_supply", "/supply_until", format(prepared + last_day - 1))
add("fawcett_titration_supply", "/supply_limited_by", "volume")

# Home dilution: one 50 mg tablet; volume = dose x water / 50 mg; 14 days refrigerated.
for (w in c(50, 30)) {
  case <- sprintf("home_dilution_%dml", w)
  add(case, "/concentration_mg_per_ml", 50 / w, 0.00005)
  for (i in 1:5) add(case, sprintf("/dose_volumes/%d/volume_ml", i - 1), c(0.5, 1, 1.5, 3, 4.5)[i] * w / 50, 0.005)
  b <- bud(14)
  add(case, "/bud_date", b$date)
}
b <- bud(14, c("2026-11-30"))
add("home_dilution_tablet_expiry_cap", "/bud_date", b$date)
add("home_dilution_tablet_expiry_cap", "/bud_days", b$days)

# BUD categories.
for (x in list(list("solid_room", 180), list("nonaqueous_liquid", 90), list("preserved_aqueous_room", 35),
               list("preserved_aqueous_fridge", 35), list("unpreserved_aqueous_fridge", 14),
               list("fawcett_study_fridge", 60), list("fawcett_study_room", 30))) {
  b <- bud(x[[2]])
  add(x[[1]], "/date", b$date)
  add(x[[1]], "/days", b$days)
}
b <- bud(180, c("2027-03-01", "2027-01-15"))
add("solid_component_expiry_cap", "/date", b$date)
add("solid_component_expiry_cap", "/days", b$days)
b <- bud(35, c("2026-11-22"))
add("component_expires_on_preparation_day", "/days", b$days)

write.csv(rows, stdout(), row.names = FALSE)
