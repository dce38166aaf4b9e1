"""Golden screening cases: conditions, jurisdictions, surgery and non-opioid medicines."""
from golden_common import *

UK = "Adepend 50 mg SmPC 4.3 (MHRA)"
EU = "EU naltrexone Core Safety Profile 4.3 (IE/H/PSUR/0028/001)"
US = "US naltrexone hydrochloride tablets PI (hepatotoxicity a warning since 2013; caution in renal impairment)"
FINAL = "FINAL (EU-CTR 2019-000702-30-DK) exclusion criteria"
LBL = US + "; " + UK + "; " + EU

# Item 5: label rules by jurisdiction; without one, the most restrictive with both labels named.
for cid, text in [("acute_hepatitis", "acute hepatitis"), ("liver_failure", "liver failure"),
                  ("liver_failure", "severe hepatic impairment"), ("severe_renal_impairment", "severe renal impairment")]:
    slug = text.replace(" ", "_")
    case(f"label_{slug}_no_jurisdiction", f"'{text}' without a jurisdiction: the most restrictive rule (UK/EU contraindication)",
         LBL, conditions=[text], verdict="not_eligible", earliest=None,
         findings=[finding("condition." + cid, "not_eligible", "conditions[0]", ["contraindication", "warning" if cid != "severe_renal_impairment" else "precaution", "most restrictive"])])
    case(f"label_{slug}_us", f"'{text}' in the US: a warning or precaution (review)", US, conditions=[text], jurisdiction="us",
         verdict="review", earliest=None, findings=[finding("condition." + cid, "review", "conditions[0]", ["United States"])])
    case(f"label_{slug}_uk", f"'{text}' in the UK: contraindication", UK, conditions=[text], jurisdiction="uk",
         verdict="not_eligible", earliest=None, findings=[finding("condition." + cid, "not_eligible", "conditions[0]", ["Adepend"])])
    case(f"label_{slug}_dk", f"'{text}' in Denmark (EU label family): contraindication", EU, conditions=[text], jurisdiction="dk",
         verdict="not_eligible", earliest=None, findings=[finding("condition." + cid, "not_eligible", "conditions[0]", ["Denmark"])])
    case(f"label_{slug}_ca_unverified", f"'{text}' in Canada (label not verified): the most restrictive rule", LBL,
         conditions=[text], jurisdiction="ca", verdict="not_eligible", earliest=None,
         findings=[finding("condition." + cid, "not_eligible", "conditions[0]", ["most restrictive"])])
# Item 5: patterns and aliases clinicians write.
for n, text, cid, sev, jur, src in [
        ("child_pugh_c", "Child-Pugh C", "liver_failure", "not_eligible", None, UK + "; Child-Pugh C = severe hepatic impairment"),
        ("child_pugh_c_us", "Child-Pugh C", "liver_failure", "review", "us", US),
        ("child_pugh_b", "Child-Pugh class B", "liver_disease", "review", None, UK + " 4.4"),
        ("egfr_25", "eGFR 25", "severe_renal_impairment", "not_eligible", None, UK + "; KDIGO G4"),
        ("egfr_25_uk", "eGFR 25 mL/min", "severe_renal_impairment", "not_eligible", "uk", UK),
        ("egfr_25_us", "eGFR 25", "severe_renal_impairment", "review", "us", US),
        ("egfr_45", "eGFR 45", "egfr_below_59", "review", None, FINAL + " (GFR < 59 mL/min)"),
        ("egfr_58", "GFR 58", "egfr_below_59", "review", None, FINAL + " (GFR < 59 mL/min)"),
        ("egfr_59", "eGFR 59", "egfr_59_or_more", "info", None, FINAL + " (GFR < 59 mL/min)"),
        ("egfr_90", "eGFR >90", "egfr_59_or_more", "info", None, FINAL),
        ("ckd_stage_4", "CKD stage 4", "severe_renal_impairment", "not_eligible", None, UK + "; KDIGO G4"),
        ("ckd_3a", "CKD 3a", "kidney_disease", "review", None, US),
        ("alt_4x", "ALT 4x ULN", "liver_enzymes_above_2x_uln", "review", None, FINAL + " (ALAT > 2x ULN)"),
        ("alt_2x", "ALT 2x ULN", "liver_enzymes_within_2x_uln", "info", None, FINAL + " (ALAT > 2x ULN)"),
        ("alt_2_5_times", "ALAT 2.5 times the upper limit of normal", "liver_enzymes_above_2x_uln", "review", None, FINAL),
        ("alt_raw_value", "ALT 85 U/L", "liver_enzymes_value_without_uln", "review", None, FINAL),
        ("phq9_item9_1", "PHQ-9 item 9: 1", "suicidality", "review", None, FINAL + " (PHQ-9 item 9 must be 'never')"),
        ("phq9_item9_positive", "PHQ-9 item 9 positive", "suicidality", "review", None, FINAL),
        ("phq9_item9_0", "PHQ-9 item 9 = 0", "phq9_item9_never", "info", None, FINAL),
        ("hepatitis_c", "hepatitis C", "chronic_viral_hepatitis", "review", None, LBL),
        ("hep_b", "chronic hepatitis B", "chronic_viral_hepatitis", "review", None, LBL),
        ("hepatitis_bare", "hepatitis", "hepatitis_unspecified", "review", None, LBL),
        ("severe_ckd_words", "severe CKD", "severe_renal_impairment", "not_eligible", None, UK),
        ("advanced_liver", "advanced liver disease", "liver_failure", "not_eligible", None, UK),
        ("decompensated_cirrhosis", "decompensated cirrhosis", "liver_failure", "not_eligible", None, UK),
        ("end_stage_kidney", "end stage kidney disease", "severe_renal_impairment", "not_eligible", None, UK),
        ("dialysis", "on dialysis", "severe_renal_impairment", "not_eligible", None, UK),
        ("mild_renal", "mild renal impairment", "kidney_disease", "review", None, US),
        ("fatty_liver", "fatty liver", "liver_disease", "review", None, US),
        ("cirrhosis", "cirrhosis", "liver_disease", "review", None, US),
        ("ckd", "CKD", "kidney_disease", "review", None, US),
        ("opioid_use_disorder", "OUD", "opioid_use_disorder", "review", None, "naltrexone labels"),
        ("methadone_maintenance", "methadone maintenance", "opioid_dependence", "not_eligible", None, "naltrexone labels: opioid dependence"),
        ("former_methadone_maintenance", "former methadone maintenance", "opioid_dependence", "review", None, "naltrexone labels"),
        ("opioid_induced_constipation", "opioid-induced constipation", "opioid_induced_constipation", "not_eligible", None, "naltrexone labels"),
        ("on_opioids", "on opioids", "current_opioid_therapy", "not_eligible", None, "naltrexone labels"),
        ("no_opioids", "no opioids", "current_opioid_therapy", "review", None, "naltrexone labels"),
        ("recent_opioids_3_months", "opioids in the last 3 months", "recent_opioid_use", "review", None, "INNOVA (NCT04739995)"),
        ("acute_withdrawal", "acute opioid withdrawal", "acute_opioid_withdrawal", "not_eligible", None, "naltrexone labels"),
        ("hypersensitivity", "allergic to naltrexone", "naltrexone_hypersensitivity", "not_eligible", None, "naltrexone labels"),
        ("positive_uds", "positive UDS", "positive_urine_opioid_screen", "not_eligible", None, "naltrexone labels"),
        ("failed_naloxone", "failed naloxone challenge", "failed_naloxone_challenge", "not_eligible", None, "naltrexone labels"),
        ("pregnant", "Pregnant", "pregnancy", "review", None, "clinical-facts.md §5 Pregnancy"),
        ("breastfeeding", "breast-feeding", "breastfeeding", "review", None, "clinical-facts.md §5"),
        ("suicidal_ideation", "suicidal ideation", "suicidality", "review", None, FINAL),
        ("depression", "depression", "psychiatric_history", "review", None, FINAL),
        ("alcohol_use_disorder", "alcohol use disorder", "substance_use", "review", None, FINAL),
        ("hypothyroidism", "hypothyroidism", "thyroid_replacement", "review", None, "LDN Research Trust (thyroid)"),
        ("immunosuppressed", "immunosuppressed", "immunosuppression", "review", None, "clinical-facts.md §5"),
        ("anticoagulated", "on anticoagulants", "anticoagulation", "review", None, "INNOVA (NCT04739995)"),
        ("haemophilia", "haemophilia", "haematological_disorder", "review", None, "INNOVA (NCT04739995)"),
        ("active_cancer", "active cancer", "active_cancer", "review", None, FINAL),
        ("fibromyalgia", "Fibromyalgia", "fibromyalgia", "info", None, "clinical-facts.md §2"),
        ("ibs", "IBS", "irritable_bowel_syndrome", "info", None, "naltrexone labels (no rule)"),
        ("hypertension", "high blood pressure", "hypertension", "info", None, "naltrexone labels (no rule)"),
        ("me_cfs", "chronic fatigue syndrome", "me_cfs", "info", None, "naltrexone labels (no rule)"),
        ("rheumatoid", "rheumatoid arthritis", "inflammatory_rheumatic_disease", "info", None, FINAL)]:
    verdict = {"not_eligible": "not_eligible", "review": "review", "info": "eligible"}[sev]
    case("condition_" + n, f"condition '{text}'" + (f" in {jur}" if jur else ""), src, conditions=[text], jurisdiction=jur,
         verdict=verdict, earliest=TODAY.isoformat() if verdict == "eligible" else None,
         findings=[finding("condition." + cid, sev, "conditions[0]")])
case("condition_hashimoto_sensitive_protocol", "Hashimoto's: thyroid autoimmunity, the sensitive protocol is recommended",
     "LDN Research Trust (Hashimoto's: start at the lowest dose); data/protocols.json 'sensitive'", conditions=["Hashimoto's"],
     verdict="review", earliest=None,
     findings=[finding("condition.thyroid_autoimmunity", "review", "conditions[0]", ["sensitive"], {"recommended_protocol": "sensitive"})])
case("condition_graves", "Graves' disease: thyroid autoimmunity", "LDN Research Trust (thyroid)", conditions=["Graves' disease"],
     verdict="review", earliest=None, findings=[finding("condition.thyroid_autoimmunity", "review", details={"recommended_protocol": "sensitive"})])
case("condition_kidney_transplant", "Kidney transplant implies immunosuppression and kidney disease",
     "clinical-facts.md §5 (transplant: theoretical caution); US PI (renal caution)", conditions=["kidney transplant"],
     verdict="review", earliest=None, findings=[finding("condition.kidney_transplant", "review"),
                                                finding("condition.immunosuppression", "review", contains=["implied by kidney_transplant"]),
                                                finding("condition.kidney_disease", "review")])
case("condition_on_methadone", "'on methadone' names current opioid maintenance: not eligible", "naltrexone labels (opioid dependence)",
     conditions=["on methadone"], verdict="not_eligible", earliest=None,
     findings=[finding("condition.opioid_mentioned", "not_eligible", "conditions[0]", ["methadone"])])
case("condition_oud_on_buprenorphine", "'opioid use disorder on buprenorphine': OUD and current buprenorphine",
     "naltrexone labels (opioid dependence, buprenorphine maintenance)", conditions=["opioid use disorder on buprenorphine"],
     verdict="not_eligible", earliest=None, findings=[finding("condition.opioid_use_disorder", "review"),
                                                     finding("condition.opioid_mentioned", "not_eligible", contains=["buprenorphine"])])
case("condition_history_heroin", "'history of heroin use' reads as past: review", "naltrexone labels",
     conditions=["history of heroin use"], verdict="review", earliest=None, findings=[finding("condition.opioid_mentioned", "review")])
case("condition_unknown_suggestions", "An unknown condition gets suggestions", "product brief: unknown input is flagged",
     conditions=["pregnacy"], verdict="review", earliest=None, findings=[finding("condition.unknown", "review", "conditions[0]", ["pregnancy"])])
case("condition_unknown_remainder", "A known condition with an unknown word: both reported", "product brief",
     conditions=["cirrhosis with zorblax"], verdict="review", earliest=None,
     findings=[finding("condition.liver_disease", "review"), finding("condition.unknown_remainder", "review", contains=["zorblax"])])
# Item 5: opioids in the last 3 months after the washout.
case("innova_opioid_40_days_ago", "Codeine 40 days ago: washout over, but within INNOVA's 3 months: review",
     "INNOVA (NCT04739995); " + LABEL, meds=[med("codeine", 40)], verdict="review", earliest=None,
     findings=[finding("opioid.washout_complete", "info"), finding("opioid.recent_use", "review", "medications[0]", ["3 months"])])
case("innova_opioid_120_days_ago", "Codeine 120 days ago: eligible", LABEL, meds=[med("codeine", 120)], verdict="eligible",
     earliest=TODAY.isoformat(), findings=[finding("opioid.washout_complete", "info")], absent_rules=["opioid.recent_use"])
case("washout_boundary_today", "Codeine exactly 10 days ago: the washout ends today (then the 3-month review)", LABEL + "; INNOVA",
     meds=[med("codeine", 10)], verdict="review", earliest=None, findings=[finding("opioid.washout_complete", "info"), finding("opioid.recent_use", "review")])
case("washout_one_day_left", "Codeine 9 days ago: one day left", LABEL, meds=[med("codeine", 9)], verdict="wait",
     earliest=(TODAY + dt.timedelta(days=1)).isoformat(), findings=[finding("opioid.washout", "wait")])
# Surgery and the empty screen.
case("surgery_planned", "Planned surgery: review", "LDN Research Trust pharmacists (2-3 days); SPAQI (72 h)", surgery="2026-12-10",
     verdict="review", earliest=None, findings=[finding("surgery.planned", "review", "planned_surgery", ["2-3 days"])])
case("surgery_past", "Past surgery: info", "LDN Research Trust pharmacists", surgery="2026-10-01", verdict="eligible",
     earliest=TODAY.isoformat(), findings=[finding("surgery.past", "info")])
case("empty_screen_eligible", "Nothing to report: eligible today", "product brief", verdict="eligible", earliest=TODAY.isoformat())
case("mixture_wait_and_pregnancy", "A wait and a review: review with the washout date", LABEL + "; clinical-facts.md §5",
     meds=[med("Nurofen Plus", 2)], conditions=["pregnancy"], verdict="review", earliest=(TODAY + dt.timedelta(days=8)).isoformat(),
     findings=[finding("opioid.washout", "wait"), finding("condition.pregnancy", "review")])
# The reverse: non-opioid medicines of fibromyalgia patients stay eligible or get their own (non-opioid) findings.
for n, text in [("cymbalta", "Cymbalta 60 mg"), ("lyrica", "Lyrica 75 mg capsules"), ("amitriptyline", "amitriptyline 10mg nocte"),
                ("cyclobenzaprine", "cyclobenzaprine 5 mg"), ("gabapentin", "Neurontin 300"), ("savella", "Savella"),
                ("panodil", "Panodil 500 mg"), ("paracet", "Paracet"), ("ibuprofen", "ibuprofen 400 mg"), ("naproxen", "Aleve"),
                ("sertraline", "Zoloft 50 mg"), ("tylenol_pm", "Tylenol PM"), ("nurofen", "Nurofen"), ("treo", "Treo"),
                ("pinex", "Pinex 500 mg"), ("metamizole", "Novalgin"), ("nefopam", "Acupan")]:
    case("reverse_" + n, f"'{text}' is not an opioid: eligible", "drug label (not an opioid); issue 11 acceptance (reverse)",
         meds=[med(text, current=True)], verdict="eligible", earliest=TODAY.isoformat(),
         findings=[finding("medication.no_interaction", "info", "medications[0]")],
         absent_rules=["opioid.current_use", "opioid.washout", "medication.ambiguous_name"])
for n, text, rule in [("synthroid", "Synthroid 100 mcg", "medication.thyroid_hormone"), ("levothyroxine", "levothyroxine", "medication.thyroid_hormone"),
                      ("prograf", "Prograf", "medication.immunosuppressant"), ("methotrexate", "methotrexate 15 mg weekly", "medication.immunosuppressant"),
                      ("eliquis", "Eliquis", "medication.anticoagulant")]:
    case("reverse_own_finding_" + n, f"'{text}' gives its own finding, never an opioid alarm", "drug label; issue 11 acceptance (reverse)",
         meds=[med(text, current=True)], verdict="review", earliest=None, findings=[finding(rule, "review", "medications[0]")],
         absent_rules=["opioid.current_use", "opioid.washout", "medication.ambiguous_name", "opioid.dependence_check"])
