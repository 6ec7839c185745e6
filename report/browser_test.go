package report

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/neurite/neurite/internal/browsertest"
)

// pageCheck runs in the browser over every inline SVG of the report, with
// the fonts the browser really uses: it returns one line per problem
// (texts overlapping, a text or a mark of the data outside its figure)
// and counts what it saw.
const pageCheck = `(() => {
  const out = {figures: 0, titles: 0, problems: []};
  const inside = (r, box) => r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
  // A browser's text box is the font's whole line height (ascent and
  // descent: about 1.15 em for these fonts) while lines of a label are set
  // 1 em apart, so boxes of ink that do not touch may overlap by 0.15 em.
  const meet = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > Math.max(1, 0.2 * Math.min(a.height, b.height));
  document.querySelectorAll("figure svg").forEach((svg, i) => {
    out.figures++;
    const box = svg.getBoundingClientRect();
    if (box.width < 100 || box.height < 50) out.problems.push("figure " + (i+1) + " is not drawn (" + box.width + "×" + box.height + ")");
    const texts = [...svg.querySelectorAll("text")].filter(t => t.textContent.trim() !== "").map(t => ({s: t.textContent, r: t.getBoundingClientRect()}));
    texts.forEach((a, j) => {
      if (!inside(a.r, box)) out.problems.push("figure " + (i+1) + ": text " + JSON.stringify(a.s) + " is cut by the figure's edge");
      texts.slice(j+1).forEach(b => { if (meet(a.r, b.r)) out.problems.push("figure " + (i+1) + ": texts " + JSON.stringify(a.s) + " and " + JSON.stringify(b.s) + " overlap"); });
    });
    svg.querySelectorAll(".series path, .series rect").forEach(m => {
      if (!inside(m.getBoundingClientRect(), box)) out.problems.push("figure " + (i+1) + ": a mark lies outside the figure");
    });
    out.titles += svg.querySelectorAll(".series title").length;
  });
  return out;
})()`

// TestReportInBrowser opens report.html, written from the tiny
// comparison, in headless Chromium: every figure is drawn, no console
// error or exception, no text overlaps another or leaves its figure with
// the browser's own fonts, every point reads its value on hover, and a
// click on a legend entry hides its series. With NEURITE_SCREENSHOT_DIR
// set it saves a full-page screenshot there, for review by eye.
func TestReportInBrowser(t *testing.T) {
	b := browsertest.Start(t, 2*time.Minute)
	res := loadTiny(t)
	dir := t.TempDir()
	if err := WriteCompare(dir, res); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	// Nothing is fetched: no src, and no href but links within the page.
	if m := regexp.MustCompile(`(?i)\s(src|href)="(https?:|//)[^"]*"`).FindAll(page, -1); len(m) > 0 {
		t.Errorf("report.html fetches from the network: %q", m)
	}
	figures := 0
	for _, d := range res.Differences {
		figures += len(d.Figures)
	}
	type check struct {
		Figures, Titles int
		Problems        []string
	}
	const display = `(() => { const e = document.querySelector('figure .legend-entry[data-series="0"]'); return getComputedStyle(e.closest("svg").querySelector('.series[data-series="0"]')).display })()`
	const legend = `figure .legend-entry[data-series="0"]`
	if err := chromedp.Do(b.Ctx,
		chromedp.EmulateViewport(1400, 900),
		chromedp.Navigate("file://"+filepath.Join(dir, "report.html")),
		chromedp.WaitReady(chromedp.CSS("body")),
	); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(b.Ctx, chromedp.Evaluate[check](pageCheck))
	if err != nil {
		t.Fatal(err)
	}
	// The first chart with a legend: click its first entry, read the
	// series' display, click again.
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(legend))); err != nil {
		t.Fatal(err)
	}
	hidden, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](display))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(legend))); err != nil {
		t.Fatal(err)
	}
	shownAgain, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](display))
	if err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(b.Ctx, chromedp.FullScreenshot(80))
	if err != nil {
		t.Fatal(err)
	}
	b.NoErrors(t)
	if got.Figures != figures {
		t.Errorf("the browser shows %d figures, want %d", got.Figures, figures)
	}
	for _, p := range got.Problems {
		t.Error(p)
	}
	if got.Titles < 100 {
		t.Errorf("%d hover titles in the figures, want one per point and bar", got.Titles)
	}
	if hidden != "none" || shownAgain == "none" {
		t.Errorf("legend click: series display %q, then %q; want none, then shown", hidden, shownAgain)
	}
	if len(shot) == 0 {
		t.Error("no screenshot")
	}
	if d := os.Getenv("NEURITE_SCREENSHOT_DIR"); d != "" {
		if err := os.WriteFile(filepath.Join(d, "report.jpg"), shot, 0o644); err != nil {
			t.Error(err)
		}
	}
	if !strings.Contains(string(page), `id="summary"`) {
		t.Error("report.html has no summary table")
	}
}
