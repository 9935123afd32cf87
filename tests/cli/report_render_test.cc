// The HTML report as a browser shows it: headless Chromium (Debian's
// `chromium`, installed by deploy/install-deps.sh) renders the report of a
// hand-built snapshot (report_fixture.h) from a file:// URL, with no
// network, to an A4-sized screenshot, to its DOM, and to a PDF.
//
// Without the chromium binary this test FAILS: it is what proves the
// report opens and shows. Set KOERS_REPORT_RENDER_DIR to keep the files it
// renders (report.html, report.png, report.pdf) for a look.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "clients/report.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/child_process.h"
#include "tests/cli/png_probe.h"
#include "tests/cli/report_fixture.h"
#include "tests/testing/temp_dir.h"

namespace koers::clients {
namespace {

using ::koers::cli_test::DecodePng;
using ::koers::cli_test::PngImage;
using ::koers::cli_test::ReadAll;
using ::koers::cli_test::WriteAll;
using ::testing::HasSubstr;

// A4 at 150 dots per inch.
constexpr uint32_t kPageWidth = 1240;
constexpr uint32_t kPageHeight = 1754;
// Chromium starts slowly on a loaded machine.
constexpr absl::Duration kChromiumTimeout = absl::Seconds(120);

// Colours the report draws with (report_chart.cc): status bar segments.
constexpr uint32_t kInProgressBlue = 0x1e88e5;
constexpr uint32_t kDelayedOrange = 0xfb8c00;
constexpr uint32_t kCompletedGreen = 0x43a047;
constexpr uint32_t kWhite = 0xffffff;

// The chromium binary on PATH, or "".
std::string FindChromium() {
  const char* path = std::getenv("PATH");
  for (const absl::string_view dir :
       absl::StrSplit(path == nullptr ? "/usr/bin" : path, ':')) {
    const std::string candidate = absl::StrCat(dir, "/chromium");
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

class ReportRenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = FindChromium();
    ASSERT_FALSE(chromium_.empty())
        << "chromium is not installed, so the HTML report cannot be "
           "rendered: run deploy/install-deps.sh (it installs Debian's "
           "chromium package) or apt-get install chromium";
    const char* keep = std::getenv("KOERS_REPORT_RENDER_DIR");
    out_dir_ = keep != nullptr ? keep : dir_.path();
    std::filesystem::create_directories(out_dir_);
    state_ = fixture::SampleState();
    snapshot_ = fixture::SampleSnapshot();
    html_path_ = Path("report.html");
    WriteAll(html_path_, RenderHtmlReport({.state = &state_,
                                           .snapshot = &snapshot_,
                                           .language = Language::kDutch}));
  }

  std::string Path(const std::string& name) const {
    return absl::StrCat(out_dir_, "/", name);
  }

  // Runs headless chromium on `html` with `flags`; returns its stdout.
  std::string Chromium(const std::string& html,
                       const std::vector<std::string>& flags) {
    std::vector<std::string> argv = {
        chromium_,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--no-first-run",
        // Its own profile: runs never share state.
        absl::StrCat("--user-data-dir=",
                     dir_.Sub(absl::StrCat("profile", ++runs_))),
    };
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.push_back(absl::StrCat("file://", html));
    const std::string out = dir_.Sub("chromium.out");
    const std::string err = dir_.Sub("chromium.err");
    const int code =
        cli_test::WaitFor(cli_test::Spawn(argv, out, err), kChromiumTimeout);
    EXPECT_EQ(code, 0) << "chromium failed:\n" << ReadAll(err);
    return ReadAll(out);
  }

  // A screenshot of `html` at A4 size, decoded.
  PngImage Screenshot(const std::string& html, const std::string& png) {
    Chromium(html,
             {absl::StrCat("--screenshot=", png),
              absl::StrCat("--window-size=", kPageWidth, ",", kPageHeight)});
    absl::StatusOr<PngImage> image = DecodePng(ReadAll(png));
    EXPECT_TRUE(image.ok()) << png << ": " << image.status();
    return image.ok() ? *std::move(image) : PngImage{};
  }

  koers::testing::TempDir dir_;
  std::string chromium_;
  std::string out_dir_;
  std::string html_path_;
  v1::EvaluationState state_;
  v1::SnapshotInfo snapshot_;
  int runs_ = 0;
};

size_t Count(absl::string_view text, absl::string_view needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != absl::string_view::npos;
       at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST_F(ReportRenderTest, TheScreenshotIsAnA4PageThatShowsTheReport) {
  const std::string blank_html = Path("blank.html");
  WriteAll(blank_html, "<!DOCTYPE html><html><body></body></html>\n");
  const PngImage blank = Screenshot(blank_html, Path("blank.png"));
  const PngImage report = Screenshot(html_path_, Path("report.png"));

  EXPECT_EQ(report.width, kPageWidth);
  EXPECT_EQ(report.height, kPageHeight);
  ASSERT_EQ(report.pixels.size(), size_t{kPageWidth} * kPageHeight);
  EXPECT_GT(ReadAll(Path("report.png")).size(),
            4 * ReadAll(Path("blank.png")).size());

  const std::set<uint32_t> blank_colours(blank.pixels.begin(),
                                         blank.pixels.end());
  EXPECT_EQ(blank_colours.size(), 1u) << "the blank page is not blank";
  const std::set<uint32_t> colours(report.pixels.begin(), report.pixels.end());
  EXPECT_GT(colours.size(), 50u) << "text and charts render in many shades";
  size_t inked = 0;
  for (const uint32_t pixel : report.pixels) inked += pixel != kWhite;
  EXPECT_GT(inked, report.pixels.size() / 50) << "less than 2% of the page "
                                                 "is not white";
  // The first objective's status bar is on the first page.
  for (const uint32_t colour :
       {kInProgressBlue, kDelayedOrange, kCompletedGreen}) {
    EXPECT_TRUE(colours.count(colour) > 0)
        << "status bar colour #" << std::hex << colour << " not drawn";
  }
}

TEST_F(ReportRenderTest, TheBrowserSeesTheDocumentsStructure) {
  const std::string dom = Chromium(html_path_, {"--dump-dom"});
  EXPECT_THAT(dom, HasSubstr("<title>Momentopname interim-2027 — stand op "
                             "2027-06-30</title>"));
  EXPECT_EQ(Count(dom, "<svg class=\"trend-chart\""),
            static_cast<size_t>(fixture::kQuantitativeIndicators));
  EXPECT_EQ(Count(dom, "<svg class=\"status-bar\""), 2u);
  EXPECT_THAT(dom, HasSubstr("<section id=\"completeness\">"));
  EXPECT_EQ(Count(dom, "<table class=\"completeness\">"), 5u);
  EXPECT_THAT(dom, HasSubstr(snapshot_.digest()));
  // The escaped script in a title stays text: the browser made no element
  // of it.
  EXPECT_EQ(Count(dom, "<script"), 0u);
  EXPECT_THAT(dom, HasSubstr("Detectie &lt;script&gt;"));
}

// The width and height in points of every page's /MediaBox in `pdf`.
std::vector<std::pair<double, double>> PageSizes(absl::string_view pdf) {
  std::vector<std::pair<double, double>> sizes;
  constexpr absl::string_view kMediaBox = "/MediaBox [0 0 ";
  for (size_t at = pdf.find(kMediaBox); at != absl::string_view::npos;
       at = pdf.find(kMediaBox, at + 1)) {
    const std::vector<absl::string_view> numbers = absl::StrSplit(
        pdf.substr(at + kMediaBox.size(), 40), absl::ByAnyChar(" ]"));
    double width = 0;
    double height = 0;
    if (numbers.size() >= 2 && absl::SimpleAtod(numbers[0], &width) &&
        absl::SimpleAtod(numbers[1], &height)) {
      sizes.emplace_back(width, height);
    }
  }
  return sizes;
}

TEST_F(ReportRenderTest, ItPrintsOnA4Pages) {
  const std::string pdf_path = Path("report.pdf");
  Chromium(html_path_, {absl::StrCat("--print-to-pdf=", pdf_path),
                        "--no-pdf-header-footer"});
  const std::string pdf = ReadAll(pdf_path);
  ASSERT_EQ(pdf.substr(0, 5), "%PDF-");
  const std::vector<std::pair<double, double>> pages = PageSizes(pdf);
  ASSERT_FALSE(pages.empty()) << "no pages";
  // A4 is 595.28 x 841.89 points; Chromium rounds to its device pixels.
  for (const auto& [width, height] : pages) {
    EXPECT_NEAR(width, 595.28, 1.5);
    EXPECT_NEAR(height, 841.89, 1.5);
  }
}

}  // namespace
}  // namespace koers::clients
