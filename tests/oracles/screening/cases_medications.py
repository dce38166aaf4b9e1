"""Golden screening cases: medications (issue 11 examples first)."""
from golden_common import *

CA = "Health Canada DPD: Tylenol No. 1 (codeine 8 mg), No. 2 (15 mg), No. 3 (30 mg), No. 4 (60 mg)"
# Issue 11, item 1: a dropped number must never land on plain Tylenol.
for n, text in [("tylenol_hash2_past", "Tylenol #2"), ("tylenol_1_past", "Tylenol 1"), ("tylenol_dash1_past", "Tylenol-1"),
                ("tylenol_no3_past", "Tylenol No. 3"), ("tylenol3_no_spaces_past", "tylenol3"),
                ("tylenol4_tablets_past", "Tylenol #4 tablets")]:
    opioid_past("issue11_" + n, text, "SA", 3, CA, contains=["codeine"])
for n, text in [("tylenol_hash2_current", "Tylenol #2"), ("tylenol_1_current", "Tylenol 1"), ("tylenol_dash1_current", "Tylenol-1")]:
    opioid_current("issue11_" + n, text, CA, contains=["codeine"])
case("issue11_tylenol_hash5_two_readings", "'Tylenol #5' is no known product: both readings (paracetamol or a codeine member) -> review",
     "issue 11 Deliver 1 (a dropped token that changes the family gives review naming both readings); " + CA,
     meds=[med("Tylenol #5", 3)], verdict="review", earliest=(TODAY + dt.timedelta(days=7)).isoformat(),
     findings=[finding("medication.ambiguous_name", "review", "medications[0]", ["two readings", "paracetamol", "codeine"])])
case("issue11_tylenol_plain_is_paracetamol", "Plain Tylenol is paracetamol: eligible", "Tylenol (acetaminophen) label",
     meds=[med("Tylenol", current=True)], verdict="eligible", earliest=TODAY.isoformat(),
     findings=[finding("medication.no_interaction", "info", "medications[0]", ["paracetamol"])], absent_rules=["opioid.current_use"])
case("issue11_tylenol_extra_strength", "Tylenol Extra Strength 500 mg is paracetamol", "Tylenol Extra Strength label",
     meds=[med("Tylenol Extra Strength 500 mg", current=True)], verdict="eligible", earliest=TODAY.isoformat(),
     findings=[finding("medication.no_interaction", "info")])
# Item 2: an opioid inside a longer name.
opioid_current("issue11_methadone_mixture_current", "Methadone mixture 1mg/ml", "BNF methadone oral solution 1 mg/mL", ["methadone"])
opioid_past("issue11_methadone_mixture_past", "Methadone mixture 1mg/ml", "MET", 5, "BNF methadone oral solution 1 mg/mL")
opioid_current("issue11_hydrocodone_apap_current", "Hydrocodone/APAP 5/325", "DailyMed hydrocodone bitartrate and acetaminophen", ["hydrocodone"])
opioid_past("issue11_hydrocodone_apap_past", "Hydrocodone/APAP 5/325", "SA", 2, "DailyMed hydrocodone bitartrate and acetaminophen")
opioid_current("issue11_tramadol_odt_current", "tramadol ODT 50 mg", "tramadol orally disintegrating tablets (Rybix ODT label)", ["tramadol"])
opioid_past("issue11_tramadol_odt_past", "tramadol ODT 50 mg", "SA", 4, "tramadol orally disintegrating tablets")
opioid_past("issue11_kratom_powder_week_ago", "kratom powder", "LA", 7, "kratom: mu-opioid agonist alkaloids (Kruegel 2016); long-acting class, no washout data")
opioid_current("issue11_remifentanil_infusion_current", "remifentanil infusion", "Ultiva (remifentanil) SmPC", ["remifentanil"])
opioid_past("issue11_remifentanil_infusion_past", "remifentanil infusion", "SA", 1, "Ultiva (remifentanil) SmPC")
# Form and route words clinicians write.
for n, text, cls, src in [
        ("codeine_linctus", "codeine linctus 15mg/5ml", "SA", "BNF codeine linctus"),
        ("codeine_syrup", "codeine syrup", "SA", "codeine phosphate oral solution"),
        ("morphine_solution", "morphine sulfate oral solution 10mg/5ml", "SA", "Oramorph SmPC"),
        ("morphine_iv", "morphine IV 2 mg", "SA", "morphine sulfate injection label"),
        ("fentanyl_pca", "fentanyl PCA", "SA", "fentanyl citrate injection label"),
        ("fentanyl_epidural", "epidural fentanyl + bupivacaine", "SA", "fentanyl citrate injection label"),
        ("hydromorphone_pca", "hydromorphone PCA 0.2 mg", "SA", "Dilaudid-HP label"),
        ("oxycodone_apap_slash", "oxycodone/APAP 5/325 mg", "SA", "Percocet label"),
        ("apap_with_codeine", "APAP with codeine #3", "SA", "acetaminophen and codeine phosphate tablets label"),
        ("zorbex_with_codeine", "paracetamol with codeine 500/30", "SA", "co-codamol (BNF)"),
        ("oxycodone_hcl_tablets", "Oxycodone HCl 5 mg tablets", "SA", "oxycodone HCl tablets label"),
        ("morphine_er_marker", "morphine ER 30 mg", "LA", "MS Contin label; long-acting class for modified-release forms"),
        ("oxycodone_cr_marker", "oxycodone CR 20mg", "LA", "OxyContin label"),
        ("tramadol_sr_marker", "Tramadol SR 100 mg", "LA", "tramadol prolonged-release SmPC"),
        ("fentanyl_patch_25", "fentanyl 25 mcg/h patch", "LA", "Durogesic SmPC"),
        ("buprenorphine_patch", "buprenorphine 10 microgram/hour patch", "BUP", "BuTrans SmPC"),
        ("co_codamol_spaced", "co codamol 30/500", "SA", "BNF co-codamol"),
        ("co_codamol_upper", "CO-CODAMOL 8/500 EFFERVESCENT", "SA", "BNF co-codamol"),
        ("tylenol_codeine_words", "Tylenol with codeine No. 3", "SA", "Tylenol with Codeine label")]:
    opioid_past("form_" + n, text, cls, 2, src)
case("form_unknown_brand_with_codeine", "An unknown brand with codeine: codeine's washout applies and the unknown word is reported",
     "issue 11 Deliver 1 (the unknown remainder is still reported); " + LABEL, meds=[med("Zorbex with codeine", 2)],
     verdict="review", earliest=(TODAY + dt.timedelta(days=8)).isoformat(),
     findings=[finding("opioid.washout", "wait", "medications[0]", [(TODAY + dt.timedelta(days=8)).isoformat(), "Zorbex"]),
               finding("medication.unknown_remainder", "review", "medications[0]", ["Zorbex"])])
# Item 3: world-wide coverage.
for n, text, cls, src in [
        ("ketobemidone", "ketobemidone", "SA", "pro.medicin.dk: ketobemidon"),
        ("ketogan", "Ketogan", "SA", "pro.medicin.dk: Ketogan"),
        ("ketogan_novum", "Ketogan Novum 5 mg", "SA", "pro.medicin.dk: Ketogan Novum"),
        ("kodimagnyl", "Kodimagnyl", "SA", "pro.medicin.dk: Kodimagnyl"),
        ("pinex_forte", "Pinex Forte", "SA", "pro.medicin.dk: Pinex Forte"),
        ("panocod", "Panocod 500 mg/30 mg", "SA", "FASS: Panocod"),
        ("treo_comp", "Treo comp", "SA", "FASS: Treo comp"),
        ("paralgin_forte", "Paralgin forte", "SA", "Felleskatalogen: Paralgin forte"),
        ("panacod", "Panacod", "SA", "Pharmaca Fennica: Panacod"),
        ("dropizol", "Dropizol drops", "SA", "FASS: Dropizol"),
        ("contalgin", "Contalgin 30 mg", "LA", "pro.medicin.dk: Contalgin"),
        ("dafalgan_codeine", "Dafalgan Codéine", "SA", "base de données publique des médicaments: Dafalgan Codéine"),
        ("lamaline", "Lamaline", "SA", "base de données publique des médicaments: Lamaline (opium)"),
        ("neo_codion", "Néo-Codion sirop", "SA", "base de données publique des médicaments: Néo-Codion"),
        ("skenan_lp", "Skenan LP 30 mg", "LA", "base de données publique des médicaments: Skenan LP"),
        ("dolzam", "Dolzam 50 mg", "SA", "BCFI: Dolzam"),
        ("valoron_n", "Valoron N Tropfen", "SA", "Fachinformation: Valoron N"),
        ("tramal", "Tramal 50 mg Kapseln", "SA", "Fachinformation: Tramal"),
        ("l_polamidon", "L-Polamidon", "MET", "Fachinformation: L-Polamidon (levomethadone)"),
        ("gelocatil_codeina", "Gelocatil Codeína", "SA", "CIMA: Gelocatil Codeína"),
        ("tachidol", "Tachidol 500 mg/30 mg", "SA", "AIFA: Tachidol"),
        ("depalgos", "Depalgos", "SA", "AIFA: Depalgos"),
        ("panadeine_forte", "Panadeine Forte", "SA", "ARTG: Panadeine Forte"),
        ("endone", "Endone 5mg", "SA", "ARTG: Endone"),
        ("mersyndol", "Mersyndol", "SA", "ARTG: Mersyndol"),
        ("atasol_30", "Atasol-30", "SA", "DPD: Atasol-30"),
        ("robaxacet_8", "Robaxacet-8", "SA", "DPD: Robaxacet-8"),
        ("embeda", "Embeda 30 mg/1.2 mg", "LA", "DailyMed: Embeda (morphine and naltrexone)"),
        ("seglentis", "Seglentis", "SA", "DailyMed: Seglentis (celecoxib and tramadol)"),
        ("tianeptine", "tianeptine 12.5 mg", "SA", "tianeptine: full mu-opioid agonist (Gassaway 2014; FDA warnings)"),
        ("stablon", "Stablon", "SA", "base de données publique des médicaments: Stablon (tianeptine)"),
        ("mitragynine", "mitragynine", "LA", "Kruegel 2016: mitragynine, mu-opioid agonist"),
        ("seven_oh", "7-OH tablets", "LA", "FDA 2025: 7-hydroxymitragynine products"),
        ("percocet", "Percocet", "SA", "DailyMed: Percocet"),
        ("oxycontin", "OxyContin", "LA", "DailyMed: OxyContin"),
        ("durogesic", "Durogesic 25 mcg/h", "LA", "emc: Durogesic DTrans"),
        ("butrans", "Butrans", "BUP", "emc: BuTrans"),
        ("methadose", "Methadose", "MET", "DailyMed: Methadose"),
        ("ultram", "Ultram", "SA", "DailyMed: Ultram"),
        ("tramacet", "Tramacet", "SA", "emc: Tramacet"),
        ("nucynta", "Nucynta", "SA", "DailyMed: Nucynta"),
        ("palexia_sr", "Palexia SR 50 mg", "LA", "emc: Palexia SR"),
        ("robitussin_ac", "Robitussin AC", "SA", "DailyMed: Robitussin AC"),
        ("nurofen_plus", "Nurofen Plus", "SA", "emc: Nurofen Plus"),
        ("lomotil", "Lomotil", "SA", "DailyMed: Lomotil (diphenoxylate)"),
        ("kaolin_morphine", "kaolin and morphine mixture", "SA", "BNF: kaolin and morphine mixture"),
        ("paregoric", "paregoric", "SA", "DailyMed: paregoric"),
        ("pholcodine_linctus", "pholcodine linctus", "SA", "BNF: pholcodine linctus"),
        ("cocillana_etyfin", "Cocillana-Etyfin", "SA", "FASS: Cocillana-Etyfin (ethylmorphine)"),
        ("suboxone_film", "Suboxone film 8/2", "BUP", "EMA: Suboxone"),
        ("dsuvia", "Dsuvia", "SA", "DailyMed: Dsuvia (sufentanil)"),
        ("sufenta", "Sufenta", "SA", "BCFI: Sufenta"),
        ("dipidolor", "Dipidolor", "SA", "BCFI: Dipidolor (piritramide)")]:
    opioid_past("coverage_" + n, text, cls, 3, src)
for n, text, src in [("ketogan", "Ketogan", "pro.medicin.dk: Ketogan"), ("dafalgan_codeine", "Dafalgan codeine", "BDPM"),
                     ("panadeine_forte", "Panadeine Forte", "ARTG"), ("tianeptine", "Tianeptine", "FDA warnings"),
                     ("suboxone", "Suboxone", "EMA: Suboxone"), ("oramorph", "Oramorph", "emc: Oramorph")]:
    opioid_current("coverage_current_" + n, text, src)
# Item 3/4: naltrexone products, antagonists and PAMORAs.
VIV = "Vivitrol PI §5.1 (blockade about 28 days) and §2 (every 4 weeks)"
case("issue11_vivitrol_21_days_ago", "Extended-release naltrexone injected 21 days ago still blocks (about 28 days): review",
     VIV, meds=[med("Vivitrol", 21)], verdict="review", earliest=None,
     findings=[finding("medication.opioid_antagonist", "review", "medications[0]", [(TODAY + dt.timedelta(days=7)).isoformat()],
                       {"blocked_until": (TODAY + dt.timedelta(days=7)).isoformat()})])
case("issue11_naltrexone_injection_generic", "'naltrexone injection' given 21 days ago is read as extended-release naltrexone",
     VIV, meds=[med("naltrexone 380 mg IM injection", 21)], verdict="review", earliest=None,
     findings=[finding("medication.opioid_antagonist", "review", "medications[0]", ["Vivitrol"])])
case("vivitrol_40_days_ago", "Extended-release naltrexone 40 days ago: the blockade is over (info)", VIV,
     meds=[med("Vivitrol", 40)], verdict="eligible", earliest=TODAY.isoformat(),
     findings=[finding("medication.opioid_antagonist", "info", "medications[0]")])
case("antagonist_vivitrol_current", "Current Vivitrol: review", VIV, meds=[med("Vivitrol", 10, True)], verdict="review",
     earliest=None, findings=[finding("medication.opioid_antagonist", "review")])
for n, text, src in [("contrave", "Contrave 8/90 mg", "DailyMed: Contrave"), ("mysimba", "Mysimba", "EMA: Mysimba"),
                     ("bupropion_naltrexone", "bupropion/naltrexone ER", "DailyMed: Contrave"),
                     ("revia", "ReVia 50 mg", "DailyMed: ReVia"), ("selincro", "Selincro", "EMA: Selincro (nalmefene)"),
                     ("lybalvi", "Lybalvi", "DailyMed: Lybalvi (samidorphan)")]:
    case("antagonist_" + n, f"'{text}' contains an opioid antagonist: review", src, meds=[med(text, current=True)],
         verdict="review", earliest=None, findings=[finding("medication.opioid_antagonist", "review", "medications[0]")],
         absent_rules=["opioid.current_use"])
case("antagonist_narcan_past", "Past naloxone rescue implies opioid exposure: review", "Narcan label",
     meds=[med("Narcan nasal spray", 30)], verdict="review", earliest=None,
     findings=[finding("medication.opioid_antagonist", "review", "medications[0]", ["opioid exposure"])])
for n, text, src in [("relistor", "Relistor", "DailyMed: Relistor (methylnaltrexone)"), ("movantik", "Movantik 25 mg", "DailyMed: Movantik"),
                     ("moventig", "Moventig", "EMA: Moventig"), ("symproic", "Symproic", "DailyMed: Symproic"),
                     ("naloxegol", "naloxegol", "DailyMed: Movantik"), ("methylnaltrexone", "methylnaltrexone", "DailyMed: Relistor")]:
    case("pamora_" + n, f"'{text}' is a PAMORA: it implies ongoing opioid therapy (review)", src,
         meds=[med(text, current=True)], verdict="review", earliest=None,
         findings=[finding("medication.pamora", "review", "medications[0]")])
# Other medication rules.
case("depot_buprenorphine_sublocade", "Depot buprenorphine: review even after 14 days", "DailyMed: Sublocade; Vivitrol PI §5.3",
     meds=[med("Sublocade", 20)], verdict="review", earliest=None, findings=[finding("opioid.depot", "review")])
case("past_use_unknown_date", "Past hydrocodone with an unknown last dose: review", LABEL, meds=[med("hydrocodone")],
     verdict="review", earliest=None, findings=[finding("opioid.last_dose_unknown", "review")])
case("latest_washout_wins", "Codeine 2 days ago and methadone 10 days ago: the later end wins", LABEL,
     meds=[med("codeine", 2), med("methadone", 10)], verdict="wait", earliest=(TODAY + dt.timedelta(days=8)).isoformat(),
     findings=[finding("opioid.washout", "wait", "medications[0]"), finding("opioid.washout", "wait", "medications[1]")])
case("current_and_recent", "Current Oramorph and Lomotil 3 days ago: not eligible, date of the past washout",
     LABEL, meds=[med("Oramorph", current=True), med("Lomotil", 3)], verdict="not_eligible",
     earliest=(TODAY + dt.timedelta(days=7)).isoformat(),
     findings=[finding("opioid.current_use", "not_eligible", "medications[0]"), finding("opioid.washout", "wait", "medications[1]")])
case("loperamide_current", "Loperamide: theoretical interaction, review", "clinical-facts.md §5 (loperamide, theoretical)",
     meds=[med("Imodium", current=True)], verdict="review", earliest=None, findings=[finding("medication.theoretical_interaction", "review")])
case("unknown_drug_suggestions", "An unknown name is never matched fuzzily", "product brief: unknown names are flagged",
     meds=[med("Oxycodine", 20)], verdict="review", earliest=None, findings=[finding("medication.unknown", "review", "medications[0]", ["oxycodone"])])
case("unknown_drug_tramadoll", "A misspelt opioid is unknown, with suggestions", "product brief: unknown names are flagged",
     meds=[med("Tramadoll 50 mg", current=True)], verdict="review", earliest=None, findings=[finding("medication.unknown", "review")])
case("thioridazine_label", "Thioridazine: label interaction", "naltrexone label (thioridazine)", meds=[med("thioridazine", current=True)],
     verdict="review", earliest=None, findings=[finding("medication.interaction", "review")])
