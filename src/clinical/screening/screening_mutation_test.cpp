// Acceptance tests of issue 11 over the whole knowledge base:
//  - the mutation test: every opioid name (products and ingredients, names and aliases), rewritten
//    the ways people type it, screens not_eligible when current and wait (review for depot
//    products) with the right date when past. Zero silent passes.
//  - the reverse test: common non-opioid medicines of fibromyalgia patients stay eligible.
// The expected washout is computed here from the data (the longest class over the entry's opioid
// ingredients), not by the matching code under test.
#include <algorithm>
#include <cctype>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "clinical/screening/screening.h"

namespace ldn::clinical {
namespace {

const DrugKnowledgeBase& Kb() {
  auto kb = DrugKnowledgeBase::Embedded();
  EXPECT_TRUE(kb.ok()) << kb.status().ToString();
  return **kb;
}

const LocalDate kToday = *ParseDate("2026-11-22", "today");
constexpr int kDaysAgo = 3;

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

// The ways a name is typed: case, spacing, punctuation, product numbers (#3 / No. 3 / 3 / -3),
// strengths, form and route words, "with codeine", "/APAP", filler around it.
std::vector<std::string> Variants(const std::string& name) {
  std::vector<std::string> v = {name,
                                Upper(name),
                                Lower(name),
                                " " + name + " ",
                                Replace(name, " ", "  "),
                                Replace(name, " ", "-"),
                                Replace(name, " ", ".")};
  const bool number_word = Lower(name).find("no.") != std::string::npos || Lower(name).find("no ") != std::string::npos;
  if (!number_word) v.push_back(Replace(name, " ", ""));
  // A trailing product number, written every way.
  size_t digits = name.size();
  while (digits > 0 && std::isdigit(static_cast<unsigned char>(name[digits - 1]))) --digits;
  if (digits < name.size() && digits > 0) {
    const std::string number = name.substr(digits);
    std::string stem = name.substr(0, digits);
    for (const char* tail : {"No. ", "No.", "no ", "#", "# ", "Nr. "}) {
      const std::string t = tail;
      if (stem.size() >= t.size() && Lower(stem.substr(stem.size() - t.size())) == Lower(t))
        stem.resize(stem.size() - t.size());
    }
    while (!stem.empty() && (stem.back() == ' ' || stem.back() == '-')) stem.pop_back();
    for (const char* sep : {" #", " No. ", " No.", " no ", " ", "-", "", " # ", " Nr "})
      v.push_back(stem + sep + number);
  }
  for (const char* suffix : {" 5/325",        " 30 mg",
                             " 10mg",         " 5 mg/mL",
                             " 0.5 mg",       " tablets",
                             " tabs",         " capsules",
                             " mixture",      " linctus",
                             " syrup",        " oral solution",
                             " solution",     " ODT",
                             " IV",           " infusion",
                             " PCA",          " epidural",
                             " drops",        " injection",
                             " with codeine", "/APAP",
                             " w/ APAP",      " 1 tab bid prn",
                             " HCl",          " 5 mg tablets daily"}) {
    v.push_back(name + suffix);
  }
  v.push_back("taking " + name);
  v.push_back(name + " (" + "30 mg" + ")");
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

struct Expected {
  int days = 0;
  bool depot = false;
};

Expected ExpectedFor(const DrugKnowledgeBase& kb, const EntryRef& r) {
  Expected e;
  for (const ProductIngredient& pi : kb.EntryIngredients(r)) {
    const Ingredient* i = kb.FindIngredient(pi.ingredient);
    if (i == nullptr || !i->IsOpioid()) continue;
    e.days = std::max(e.days, kb.Washout(pi.opioid_class.value_or(*i->opioid_class)).days);
  }
  if (r.kind == EntryRef::Kind::kProduct) e.depot = kb.products()[r.index].severity == "review";
  return e;
}

ScreeningReport ScreenOne(const std::string& name, bool current) {
  ScreeningInput in;
  in.today = kToday;
  in.medications.push_back({name, current ? std::optional<LocalDate>() : AddDays(kToday, -kDaysAgo), current});
  auto r = Screen(in, Kb(), std::nullopt);
  EXPECT_TRUE(r.ok()) << name;
  return r.ok() ? *r : ScreeningReport{};
}

TEST(ScreeningMutationTest, EveryOpioidNameTypedEveryWayIsCaught) {
  const DrugKnowledgeBase& kb = Kb();
  // Every name and alias of an entry that holds an opioid, with the longest washout among the
  // entries that share it (a name used in several markets).
  std::map<std::string, Expected> names;
  auto add = [&](const std::string& name, const EntryRef& r) {
    if (!kb.EntryIsOpioid(r)) return;
    const Expected e = ExpectedFor(kb, r);
    Expected& slot = names[name];
    slot.days = std::max(slot.days, e.days);
    slot.depot = slot.depot || e.depot;
  };
  for (size_t i = 0; i < kb.ingredients().size(); ++i) {
    const EntryRef r{EntryRef::Kind::kIngredient, i};
    add(kb.ingredients()[i].name, r);
    for (const std::string& a : kb.ingredients()[i].aliases) add(a, r);
  }
  for (size_t i = 0; i < kb.products().size(); ++i) {
    const EntryRef r{EntryRef::Kind::kProduct, i};
    add(kb.products()[i].name, r);
    for (const std::string& a : kb.products()[i].aliases) add(a, r);
  }
  size_t variants = 0, silent = 0, wrong = 0;
  for (const auto& [name, expected] : names) {
    const std::string end = FormatDate(AddDays(kToday, -kDaysAgo + expected.days));
    for (const std::string& variant : Variants(name)) {
      ++variants;
      const ScreeningReport now = ScreenOne(variant, true);
      const ScreeningReport past = ScreenOne(variant, false);
      if (now.verdict == Verdict::kEligible || past.verdict == Verdict::kEligible) ++silent;
      const bool now_ok = now.verdict == Verdict::kNotEligible;
      const Verdict want_past = expected.depot ? Verdict::kReview : Verdict::kWait;
      const bool past_ok = past.verdict == want_past && past.earliest_start && FormatDate(*past.earliest_start) == end;
      if (!now_ok || !past_ok) {
        ++wrong;
        ADD_FAILURE() << "'" << variant << "' (of '" << name << "'): current -> " << VerdictName(now.verdict)
                      << "; past -> " << VerdictName(past.verdict) << " "
                      << (past.earliest_start ? FormatDate(*past.earliest_start) : "no date") << ", expected "
                      << VerdictName(want_past) << " " << end;
      }
    }
  }
  std::cout << "mutation test: " << names.size() << " opioid names, " << variants << " variants, " << variants * 2
            << " screenings; silent passes " << silent << ", wrong verdict or date " << wrong << "\n";
  EXPECT_GE(names.size(), 600u);
  EXPECT_EQ(silent, 0u);
  EXPECT_EQ(wrong, 0u);
}

// Common non-opioid medicines of fibromyalgia patients (brands and generics).
const std::vector<std::string>& NonOpioids() {
  static const std::vector<std::string> k = {"duloxetine",
                                             "Cymbalta",
                                             "pregabalin",
                                             "Lyrica",
                                             "amitriptyline",
                                             "Elavil",
                                             "Endep",
                                             "Saroten",
                                             "cyclobenzaprine",
                                             "Flexeril",
                                             "Amrix",
                                             "gabapentin",
                                             "Neurontin",
                                             "Gralise",
                                             "milnacipran",
                                             "Savella",
                                             "paracetamol",
                                             "acetaminophen",
                                             "Tylenol",
                                             "Tylenol Extra Strength",
                                             "Tylenol PM",
                                             "Panodil",
                                             "Paracet",
                                             "Pamol",
                                             "Alvedon",
                                             "Panadol",
                                             "Panadol Extra",
                                             "Doliprane",
                                             "Dafalgan",
                                             "Efferalgan",
                                             "ben-u-ron",
                                             "Tachipirina",
                                             "Gelocatil",
                                             "Perdolan",
                                             "Atasol",
                                             "Pinex",
                                             "ibuprofen",
                                             "Advil",
                                             "Motrin",
                                             "Nurofen",
                                             "Brufen",
                                             "Ibumetin",
                                             "Ipren",
                                             "naproxen",
                                             "Aleve",
                                             "Naprosyn",
                                             "diclofenac",
                                             "Voltaren",
                                             "Voltarol",
                                             "celecoxib",
                                             "Celebrex",
                                             "meloxicam",
                                             "Mobic",
                                             "etoricoxib",
                                             "Arcoxia",
                                             "aspirin",
                                             "Treo",
                                             "Magnyl",
                                             "metamizole",
                                             "Novalgin",
                                             "nefopam",
                                             "Acupan",
                                             "sertraline",
                                             "Zoloft",
                                             "fluoxetine",
                                             "Prozac",
                                             "citalopram",
                                             "Celexa",
                                             "escitalopram",
                                             "Lexapro",
                                             "Cipralex",
                                             "paroxetine",
                                             "Paxil",
                                             "venlafaxine",
                                             "Effexor XR",
                                             "desvenlafaxine",
                                             "Pristiq",
                                             "bupropion",
                                             "Wellbutrin XL",
                                             "mirtazapine",
                                             "Remeron",
                                             "trazodone",
                                             "Desyrel",
                                             "nortriptyline",
                                             "Pamelor",
                                             "tizanidine",
                                             "Zanaflex",
                                             "baclofen",
                                             "Lioresal",
                                             "methocarbamol",
                                             "Robaxin",
                                             "Robaxacet",
                                             "carisoprodol",
                                             "Soma",
                                             "metaxalone",
                                             "orphenadrine",
                                             "diazepam",
                                             "Valium",
                                             "clonazepam",
                                             "Klonopin",
                                             "lorazepam",
                                             "alprazolam",
                                             "zolpidem",
                                             "Ambien",
                                             "zopiclone",
                                             "Imovane",
                                             "eszopiclone",
                                             "melatonin",
                                             "Circadin",
                                             "quetiapine",
                                             "Seroquel",
                                             "lamotrigine",
                                             "topiramate",
                                             "Topamax",
                                             "omeprazole",
                                             "Nexium",
                                             "pantoprazole",
                                             "ondansetron",
                                             "sumatriptan",
                                             "Imitrex",
                                             "propranolol",
                                             "amlodipine",
                                             "lisinopril",
                                             "losartan",
                                             "atorvastatin",
                                             "Lipitor",
                                             "metformin",
                                             "hydroxychloroquine",
                                             "Plaquenil",
                                             "prednisolone",
                                             "cetirizine",
                                             "Zyrtec",
                                             "loratadine",
                                             "Claritin",
                                             "fexofenadine",
                                             "montelukast",
                                             "salbutamol",
                                             "Ventolin",
                                             "vitamin D",
                                             "vitamin B12",
                                             "magnesium",
                                             "CoQ10",
                                             "fish oil",
                                             "5-HTP",
                                             "lidocaine patch",
                                             "capsaicin cream",
                                             "CBD oil",
                                             "modafinil",
                                             "dextromethorphan",
                                             "Robitussin DM",
                                             "guaifenesin",
                                             "Benadryl",
                                             "Phenergan",
                                             "Fiorinal",
                                             "Excedrin"};
  return k;
}

const std::vector<std::string>& OwnFindingDrugs() {
  static const std::vector<std::string> k = {
      "levothyroxine", "Synthroid", "Eltroxin",    "Euthyrox", "liothyronine",  "Cytomel",  "Armour Thyroid",
      "tacrolimus",    "Prograf",   "ciclosporin", "Neoral",   "mycophenolate", "CellCept", "azathioprine",
      "methotrexate",  "warfarin",  "apixaban",    "Eliquis",  "rivaroxaban",   "Xarelto"};
  return k;
}

bool OpioidAlarm(const ScreeningReport& r) {
  for (const Finding& f : r.findings) {
    if (f.rule.starts_with("opioid.") || f.rule == "medication.ambiguous_name" || f.rule == "medication.unknown" ||
        f.rule == "medication.unknown_remainder" || f.rule == "medication.pamora") {
      return true;
    }
  }
  return false;
}

TEST(ScreeningReverseTest, NonOpioidMedicinesOfFibromyalgiaPatientsStayEligible) {
  size_t tried = 0, alarms = 0;
  for (const std::string& base : NonOpioids()) {
    for (const std::string& name : {base, base + " 50 mg tablets", Upper(base), base + " daily"}) {
      ++tried;
      const ScreeningReport r = ScreenOne(name, true);
      const bool ok = r.verdict == Verdict::kEligible && !OpioidAlarm(r);
      if (!ok) {
        ++alarms;
        ADD_FAILURE() << "'" << name << "' -> " << VerdictName(r.verdict) << ": "
                      << (r.findings.empty() ? "" : r.findings[0].rule + " " + r.findings[0].message);
      }
    }
  }
  for (const std::string& name : OwnFindingDrugs()) {
    ++tried;
    const ScreeningReport r = ScreenOne(name, true);
    const bool ok = r.verdict == Verdict::kReview && !OpioidAlarm(r);
    if (!ok) {
      ++alarms;
      ADD_FAILURE() << "'" << name << "' -> " << VerdictName(r.verdict);
    }
  }
  EXPECT_GE(NonOpioids().size() + OwnFindingDrugs().size(), 100u);
  std::cout << "reverse test: " << NonOpioids().size() + OwnFindingDrugs().size() << " non-opioid medicines, " << tried
            << " names tried, false alarms " << alarms << " (" << (tried ? 100.0 * alarms / tried : 0) << "%)\n";
  EXPECT_EQ(alarms, 0u);
}

}  // namespace
}  // namespace ldn::clinical
