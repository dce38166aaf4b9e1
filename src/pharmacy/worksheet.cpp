#include "pharmacy/worksheet.h"

#include <fmt/format.h>

namespace ldn::pharmacy {
namespace {

constexpr size_t kWidth = 100;
constexpr char kFill[] = "____________";

std::string Quantity(const Ingredient& i) {
  if (i.tablets) {
    return fmt::format("{} tablet{}{}", *i.tablets, *i.tablets == 1 ? "" : "s",
                       i.amount_ug && i.role == "active" && i.naltrexone_hcl_ug == i.amount_ug
                           ? fmt::format(" ({} naltrexone HCl)", FormatMass(*i.amount_ug))
                           : (i.amount_ug ? fmt::format(", weigh {}", FormatMass(*i.amount_ug)) : ""));
  }
  if (i.amount_ug) return FormatMass(*i.amount_ug);
  if (i.amount_ml && i.qs) return fmt::format("to {:.4g} mL", *i.amount_ml);
  if (i.amount_ml) return fmt::format("{:.4g} mL", *i.amount_ml);
  return "";
}

// Greedy word wrap of `text` to `width` columns; continuation lines start with `indent`.
std::vector<std::string> Wrap(const std::string& text, size_t width, const std::string& indent) {
  std::vector<std::string> lines;
  std::string line;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(pos, end - pos);
    const size_t limit = lines.empty() ? width : width - indent.size();
    if (!line.empty() && line.size() + 1 + word.size() > limit) {
      lines.push_back(lines.empty() ? line : indent + line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    pos = end + 1;
  }
  if (!line.empty() || lines.empty()) lines.push_back(lines.empty() ? line : indent + line);
  return lines;
}

void Section(std::string& out, const std::string& name) {
  out += fmt::format("\n{}\n{}\n", name, std::string(name.size(), '-'));
}

void Items(std::string& out, const std::vector<std::string>& items, bool numbered, const std::string& box) {
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string prefix = numbered ? fmt::format("{:2}. ", i + 1) : "  - ";
    const size_t width = box.empty() ? kWidth : kWidth - box.size() - 2;
    std::vector<std::string> lines = Wrap(prefix + items[i], width, "    ");
    for (size_t j = 0; j < lines.size(); ++j) {
      if (j == 0 && !box.empty()) {
        out += fmt::format("{:<{}}  {}\n", lines[j], width, box);
      } else {
        out += lines[j] + "\n";
      }
    }
  }
}

std::string OneSheetText(const Worksheet& w) {
  std::string out;
  out += fmt::format("{}\n{}\n", w.title, w.subtitle);
  if (!w.confidentiality.empty()) out += fmt::format("*** {} ***\n", w.confidentiality);
  out += fmt::format("{:=<{}}\n", "", kWidth);
  for (const auto& [key, value] : w.header) {
    std::vector<std::string> lines =
        Wrap(fmt::format("{:<16} {}", key, value.empty() ? std::string(30, '_') : value), kWidth, std::string(17, ' '));
    for (const std::string& l : lines) out += l + "\n";
  }
  Section(out, "INGREDIENTS (record lot, expiry and the amount actually weighed or measured)");
  out += fmt::format("  {:<2} {:<44} {:<34} {:<10} {:<10} {:<10} {:<5} {:<5}\n", "#", "Ingredient", "Quantity",
                     "Lot no.", "Expiry", "Actual", "By", "Check");
  for (size_t i = 0; i < w.ingredients.size(); ++i) {
    const WorksheetIngredient& g = w.ingredients[i];
    out += fmt::format("  {:<2} {:<44} {:<34} {:<10} {:<10} {:<10} {:<5} {:<5}\n", i + 1, g.name.substr(0, 44),
                       g.quantity, "________", "________", "________", "____", "____");
    out += fmt::format("     {} - {}\n", g.role, g.detail);
  }
  Section(out, "CALCULATIONS");
  Items(out, w.calculations, false, "");
  if (!w.dose_lines.empty()) {
    Section(out, "DOSE VOLUMES (oral syringe)");
    Items(out, w.dose_lines, false, "");
  }
  Section(out, "METHOD");
  Items(out, w.method, true, "Done: ____");
  if (!w.qc.empty()) {
    Section(out, "QUALITY CONTROL");
    Items(out, w.qc, true, "Result: ________ By: ____");
  }
  if (!w.warnings.empty()) {
    Section(out, "WARNINGS");
    Items(out, w.warnings, false, "");
  }
  if (!w.notes.empty()) {
    Section(out, "NOTES");
    Items(out, w.notes, false, "");
  }
  Section(out, "LABEL");
  constexpr size_t kLabelWidth = 76;
  out += fmt::format("  +{:-<{}}+\n", "", kLabelWidth + 2);
  for (const std::string& line : w.label_lines) {
    for (const std::string& l : Wrap(line, kLabelWidth, "  ")) out += fmt::format("  | {:<{}} |\n", l, kLabelWidth);
  }
  out += fmt::format("  +{:-<{}}+\n", "", kLabelWidth + 2);
  Section(out, "SIGNATURES");
  for (const std::string& s : w.signatures) {
    out += fmt::format("  {:<32} Name {}  Signature {}  Date {}\n", s, kFill, kFill, "__________");
  }
  Section(out, "SOURCES");
  Items(out, w.sources, false, "");
  out += fmt::format("\n{}\n", w.footer);
  return out;
}

}  // namespace

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

Worksheet BuildWorksheet(const Preparation& p) {
  Worksheet w;
  w.title = p.kind == "home-dilution" ? "HOME DILUTION INSTRUCTIONS (not a compounding record)" : "COMPOUNDING RECORD";
  w.subtitle = p.title;
  w.confidentiality = p.confidentiality;
  w.header = p.summary;
  // Filled in by hand: which balance, and that it was checked that day.
  if (p.balance) w.header.emplace_back("Balance ID, check", "");
  for (const Ingredient& i : p.ingredients) w.ingredients.push_back({i.name, i.role, Quantity(i), i.detail});
  w.calculations = p.calculations;
  w.dose_lines = p.dose_lines;
  w.method = p.method;
  w.qc = p.qc;
  w.warnings = p.warnings;
  w.notes = p.notes;
  w.label_lines = LabelLines(p.label);
  if (p.kind == "home-dilution") {
    w.signatures = {"Prepared by (patient or carer)", "Explained by (pharmacist)"};
  } else {
    w.signatures = {"Prepared and weighed by", "Weighings checked by", "Final check by (pharmacist)",
                    "Released by (pharmacist)"};
  }
  w.sources = p.sources;
  w.footer = "ldn knowledge base: " + p.knowledge_versions;
  return w;
}

std::string WorksheetText(const std::vector<Worksheet>& sheets) {
  std::string out;
  for (size_t i = 0; i < sheets.size(); ++i) {
    if (i > 0) out += "\f\n";
    out += OneSheetText(sheets[i]);
  }
  return out;
}

std::string WorksheetHtml(const std::vector<Worksheet>& sheets) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Compounding record</title>\n"
      "<style>\n"
      "body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:10pt;margin:1.5cm;color:#000}\n"
      "section.sheet{page-break-after:always}\nsection.sheet:last-child{page-break-after:auto}\n"
      "h1{font-size:15pt;margin:0}h2{font-size:11pt;margin:14pt 0 4pt;border-bottom:1px solid #000}\n"
      ".sub{font-size:11pt;margin:2pt 0 8pt}.conf{border:2px solid #000;padding:4pt;font-weight:bold}\n"
      "table{border-collapse:collapse;width:100%}td,th{border:1px solid #444;padding:3pt;vertical-align:top;"
      "text-align:left}\n"
      "th{background:#eee}.fill{min-width:5em}.hdr td:first-child{width:9em;font-weight:bold}\n"
      ".label{border:2px solid #000;padding:6pt;width:12cm;font-family:'DejaVu Sans Mono',monospace;font-size:9pt}\n"
      ".small{font-size:8pt;color:#333}\n"
      "</style>\n</head>\n<body>\n";
  for (const Worksheet& w : sheets) {
    out += "<section class=\"sheet\">\n";
    out += fmt::format("<h1>{}</h1>\n<p class=\"sub\">{}</p>\n", HtmlEscape(w.title), HtmlEscape(w.subtitle));
    if (!w.confidentiality.empty()) out += fmt::format("<p class=\"conf\">{}</p>\n", HtmlEscape(w.confidentiality));
    out += "<table class=\"hdr\">\n";
    for (const auto& [key, value] : w.header) {
      out += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", HtmlEscape(key),
                         value.empty() ? "&nbsp;" : HtmlEscape(value));
    }
    out +=
        "</table>\n<h2>Ingredients</h2>\n<table>\n<tr><th>#</th><th>Ingredient</th><th>Quantity</th><th>Lot "
        "no.</th><th>Expiry</th><th>Actual</th><th>Weighed by</th><th>Checked by</th></tr>\n";
    for (size_t i = 0; i < w.ingredients.size(); ++i) {
      const WorksheetIngredient& g = w.ingredients[i];
      out += fmt::format(
          "<tr><td>{}</td><td>{}<br><span class=\"small\">{} - {}</span></td><td>{}</td>"
          "<td class=\"fill\"></td><td class=\"fill\"></td><td class=\"fill\"></td>"
          "<td class=\"fill\"></td><td class=\"fill\"></td></tr>\n",
          i + 1, HtmlEscape(g.name), HtmlEscape(g.role), HtmlEscape(g.detail), HtmlEscape(g.quantity));
    }
    out += "</table>\n<h2>Calculations</h2>\n<ul>\n";
    for (const std::string& c : w.calculations) out += fmt::format("<li>{}</li>\n", HtmlEscape(c));
    if (!w.dose_lines.empty()) {
      out += "</ul>\n<h2>Dose volumes (oral syringe)</h2>\n<ul>\n";
      for (const std::string& d : w.dose_lines) out += fmt::format("<li>{}</li>\n", HtmlEscape(d));
    }
    out += "</ul>\n<h2>Method</h2>\n<table>\n<tr><th>#</th><th>Step</th><th>Done / initials</th></tr>\n";
    for (size_t i = 0; i < w.method.size(); ++i) {
      out += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"fill\"></td></tr>\n", i + 1, HtmlEscape(w.method[i]));
    }
    out += "</table>\n";
    if (!w.qc.empty()) {
      out += "<h2>Quality control</h2>\n<table>\n<tr><th>#</th><th>Check</th><th>Result</th><th>By</th></tr>\n";
      for (size_t i = 0; i < w.qc.size(); ++i) {
        out += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"fill\"></td><td class=\"fill\"></td></tr>\n", i + 1,
                           HtmlEscape(w.qc[i]));
      }
      out += "</table>\n";
    }
    if (!w.warnings.empty()) {
      out += "<h2>Warnings</h2>\n<ul>\n";
      for (const std::string& s : w.warnings) out += fmt::format("<li>{}</li>\n", HtmlEscape(s));
      out += "</ul>\n";
    }
    if (!w.notes.empty()) {
      out += "<h2>Notes</h2>\n<ul>\n";
      for (const std::string& s : w.notes) out += fmt::format("<li>{}</li>\n", HtmlEscape(s));
      out += "</ul>\n";
    }
    out += "<h2>Label</h2>\n<div class=\"label\">\n";
    for (const std::string& l : w.label_lines) out += HtmlEscape(l) + "<br>\n";
    out += "</div>\n<h2>Signatures</h2>\n<table>\n<tr><th>Role</th><th>Name</th><th>Signature</th><th>Date</th></tr>\n";
    for (const std::string& s : w.signatures) {
      out += fmt::format(
          "<tr><td>{}</td><td class=\"fill\">&nbsp;</td><td class=\"fill\"></td><td class=\"fill\">"
          "</td></tr>\n",
          HtmlEscape(s));
    }
    out += "</table>\n<h2>Sources</h2>\n<ul class=\"small\">\n";
    for (const std::string& s : w.sources) out += fmt::format("<li>{}</li>\n", HtmlEscape(s));
    out += fmt::format("</ul>\n<p class=\"small\">{}</p>\n</section>\n", HtmlEscape(w.footer));
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace ldn::pharmacy
