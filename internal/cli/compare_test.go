package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neurite/neurite/compare"
	"github.com/neurite/neurite/report"
	"github.com/neurite/neurite/tensor"
)

// TestCompareQuickProfile runs `neurite compare` as the README says and
// checks the report: all seven differences measured with figures, every
// figure file written and inlined in a self-contained HTML page, the JSON
// keys of the contract, and a summary on stdout. The portable (purego)
// kernels make this run take minutes, so it runs with the assembly ones.
func TestCompareQuickProfile(t *testing.T) {
	if tensor.KernelName() != "avx2-fma" {
		t.Skip("the quick profile is exercised with the AVX2 kernels; with the portable ones it takes minutes")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	code, stdout, stderr := run(t, "compare", "--out", out)
	if code != 0 {
		t.Fatalf("compare: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "fault_tolerance") || !strings.Contains(stderr, "wrote ") {
		t.Errorf("summary:\n%s\nprogress:\n%s", stdout, stderr)
	}
	raw, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res compare.Results
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	json.Unmarshal(raw, &generic)
	for _, k := range []string{"profile", "seed", "versions", "machine", "wall_seconds", "differences"} {
		if _, ok := generic[k]; !ok {
			t.Errorf("results.json lacks %q", k)
		}
	}
	html, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(html)
	if len(res.Differences) != len(compare.Names) {
		t.Fatalf("%d differences, want %d", len(res.Differences), len(compare.Names))
	}
	figures := 0
	for i, d := range res.Differences {
		if d.Name != compare.Names[i] || d.Status != "measured" || len(d.Figures) == 0 || d.Claim == "" {
			t.Errorf("difference %d: %s %s (%s), %d figures", i, d.Name, d.Status, d.Reason, len(d.Figures))
		}
		if !strings.Contains(page, `id="`+d.Name+`"`) {
			t.Errorf("report.html has no section %s", d.Name)
		}
		for _, f := range d.Figures {
			figures++
			if _, err := os.Stat(filepath.Join(out, f.File)); err != nil {
				t.Errorf("%s: figure file %s: %v", d.Name, f.File, err)
			}
		}
	}
	if n := strings.Count(page, "<svg"); n != figures {
		t.Errorf("report.html inlines %d SVGs for %d figures", n, figures)
	}
	// Every chart readable: no overlapping text, no legend on the data, no
	// clipped mark, no hidden series (report.CheckFigure); every measured
	// difference judged, and the summary at the top.
	for _, d := range res.Differences {
		for i, f := range d.Figures {
			problems, err := report.CheckFigure(f)
			if err != nil {
				t.Errorf("%s-%d: %v", d.Name, i+1, err)
			}
			for _, p := range problems {
				t.Errorf("%s-%d (%s): %s", d.Name, i+1, f.Title, p)
			}
		}
		if d.Status == "measured" && d.Verdict == nil {
			t.Errorf("%s: measured but no verdict", d.Name)
		}
	}
	if i := strings.Index(page, `id="summary"`); i < 0 || i > strings.Index(page, `id="size"`) {
		t.Error("report.html does not open with the summary table")
	}
	if strings.Contains(page, "src=\"http") || strings.Contains(page, "href=\"http") {
		t.Error("report.html loads something from the network")
	}
	browserCheck(t, filepath.Join(out, "report.html"), figures)
}

// browserCheck opens the report in headless Chromium, where installed, and
// checks that it renders every figure.
func browserCheck(t *testing.T, path string, figures int) {
	var browser string
	for _, b := range []string{"chromium", "chromium-browser", "google-chrome", "headless_shell"} {
		if p, err := exec.LookPath(b); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		t.Log("headless Chromium not installed: the in-browser check of report.html is skipped")
		return
	}
	abs, _ := filepath.Abs(path)
	cmd := exec.Command(browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", "file://"+abs)
	dom, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s could not render the report: %v", browser, err)
	}
	if n := strings.Count(string(dom), "<svg"); n < figures {
		t.Errorf("the browser's DOM has %d SVG figures, want %d", n, figures)
	}
}
