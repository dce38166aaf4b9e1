// A document that flows from page to page, as a PDF drawn with cairo + pango into memory: headings,
// paragraphs, bullet lists, bordered tables (the column titles repeated on a new page) and the
// density of a posterior (one or more normal mixtures over a shaded range, with marked values).
// The blinded trial's clinician report and the patient's letter (trial_report.h) are drawn with
// it. The content is composed by the caller; this file only lays it out.
//
// Layout: A4 portrait (595.28 x 841.89 pt), 15 mm margins; every page ends with a rule, the
// document's footer text and "page i of n". A heading is never left alone at the foot of a page.
// The same document gives the same bytes on every call (the PDF's dates are `date`).
#ifndef LDN_REPORT_FLOW_PDF_H_
#define LDN_REPORT_FLOW_PDF_H_

#include <string>
#include <vector>

#include "core/result.h"

namespace ldn::report {

// A density drawn as a curve: sum_i weight_i N(mean_i, sd_i^2) (analysis/nof1_models.h
// NormalMixture).
struct FlowCurve {
  std::string label;  // the legend's text
  std::vector<double> weight, mean, sd;
  bool dashed = false;
};

struct FlowMark {
  double x = 0;
  std::string label;
};

struct FlowDensity {
  std::string x_label;
  std::vector<FlowCurve> curves;  // the first sets the x range (its mean +/- 4 SD, marks included)
  std::vector<FlowMark> marks;    // vertical lines with their labels
  bool shade = false;             // shades shade_from..shade_to under the first curve
  double shade_from = 0, shade_to = 0;
  std::string shade_label;  // the legend's text for the shaded area
};

enum class FlowKind { kHeading, kParagraph, kStrong, kBullets, kTable, kDensity, kSmall };

struct FlowBlock {
  FlowKind kind = FlowKind::kParagraph;
  std::string text;                            // heading, paragraph
  std::vector<std::string> items;              // bullets
  std::vector<std::string> columns;            // table titles (empty: a table without a header)
  std::vector<double> widths;                  // table column widths, shares of the text width
  std::vector<std::vector<std::string>> rows;  // table cells (each row has columns' size)
  FlowDensity density;
};

FlowBlock FlowHeading(std::string text);
FlowBlock FlowParagraph(std::string text);
FlowBlock FlowStrong(std::string text);  // a bold paragraph
FlowBlock FlowSmall(std::string text);   // small print
FlowBlock FlowBullets(std::vector<std::string> items);
FlowBlock FlowTable(std::vector<std::string> columns, std::vector<double> widths,
                    std::vector<std::vector<std::string>> rows);
FlowBlock FlowDensityPlot(FlowDensity density);

struct FlowDocument {
  std::string title;                          // printed large on page 1 and the PDF's title
  std::string subtitle;                       // under the title
  std::string footer;                         // at the foot of every page, left of "page i of n"
  std::string page_word = "page {i} of {n}";  // the page count's words ({i}, {n}): the reader's language
  std::string date;                           // YYYY-MM-DD: the PDF's creation date (else cairo writes "now")
  double text_size = 8.5;                     // points: the letter to a patient is larger
  std::vector<FlowBlock> blocks;
};

// The PDF bytes. kInvalidArgument "blocks[i]" when a table's row or widths do not match its
// columns, or a density has no curve or a curve's weights, means and SDs differ in length or an SD
// is not positive; kInternal when cairo reports an error.
Result<std::string> RenderFlowPdf(const FlowDocument& doc);

}  // namespace ldn::report

#endif  // LDN_REPORT_FLOW_PDF_H_
