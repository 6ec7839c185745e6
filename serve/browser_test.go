package serve

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/internal/browsertest"
)

// page is what the page reports in window.neurite.
type pageState struct {
	TrainPoints int    `json:"trainPoints"`
	SimFrames   int    `json:"simFrames"`
	FieldEvents int    `json:"fieldEvents"`
	Draws       int    `json:"draws"`
	RasterDraws int    `json:"rasterDraws"`
	State       string `json:"state"`
	Run         string `json:"run"`
}

func readPage(t *testing.T, b *browsertest.Browser) pageState {
	t.Helper()
	st, err := chromedp.Run(b.Ctx, chromedp.Evaluate[pageState](`window.neurite`))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// watchPage polls the page every 50 ms until done says so or the time
// runs out, and returns every state seen.
func watchPage(t *testing.T, b *browsertest.Browser, limit time.Duration, done func(pageState) bool) []pageState {
	t.Helper()
	var seen []pageState
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		st := readPage(t, b)
		seen = append(seen, st)
		if done(st) {
			return seen
		}
	}
	t.Fatalf("page did not get there in %v; last %+v", limit, seen[len(seen)-1])
	return nil
}

// startFromForm fills the page's form and presses Start.
func startFromForm(t *testing.T, b *browsertest.Browser, url, kind, model string, fields map[string]string) {
	t.Helper()
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(url),
		chromedp.SetValue(chromedp.CSS(`#kind`), kind),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("kind").dispatchEvent(new Event("change"))`),
		chromedp.SetValue(chromedp.CSS(`#model`), model),
	}
	for k, v := range fields {
		steps = append(steps, chromedp.SetValue(chromedp.CSS(`[name="`+k+`"]`), v))
	}
	steps = append(steps, chromedp.Click(chromedp.CSS(`#start`)))
	if err := chromedp.Do(b.Ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func needMNIST(t *testing.T) {
	if _, _, _, err := data.Open("mnist", "", 1); err != nil {
		t.Skipf("MNIST unavailable: %v", err)
	}
}

// TestBrowserTrain: the page loads without errors; a LeNet-5 run started
// from its form shows its curve, which grows while the run goes, and ends
// done with its files listed.
func TestBrowserTrain(t *testing.T) {
	needMNIST(t)
	b := browsertest.Start(t, 2*time.Minute)
	_, ts := newTest(t, Settings{})
	startFromForm(t, b, ts.URL, "train", "lenet5", map[string]string{"data": "mnist", "epochs": "1", "train_samples": "1024", "max_batches": "16"})
	seen := watchPage(t, b, time.Minute, func(s pageState) bool { return s.State == "done" })
	grew := map[int]bool{}
	for _, s := range seen {
		if s.State == "running" && s.TrainPoints > 0 {
			grew[s.TrainPoints] = true
		}
	}
	last := seen[len(seen)-1]
	if last.TrainPoints < 2 {
		t.Errorf("%d points on the curve, want several", last.TrainPoints)
	}
	if len(grew) < 2 {
		t.Errorf("the curve did not grow while the run went (point counts seen while running: %v)", grew)
	}
	n, err := chromedp.Run(b.Ctx, chromedp.Evaluate[int](`document.querySelectorAll("#norms tbody tr").length`))
	if err != nil || n != 10 {
		t.Errorf("norms table has %d rows (%v), want LeNet-5's 10 parameters", n, err)
	}
	links, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#files a")].map(a => a.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"/model.ckpt", "/results.json", "/run.json"} {
		found := false
		for _, l := range links {
			found = found || filepath.Ext(l) == filepath.Ext(want) && len(l) > len(want) && l[len(l)-len(want):] == want
		}
		if !found {
			t.Errorf("files %v: no %s", links, want)
		}
	}
	b.NoErrors(t)
}

// TestBrowserSim: a Brunel network started from the form draws its
// raster many times as frames arrive.
func TestBrowserSim(t *testing.T) {
	b := browsertest.Start(t, 2*time.Minute)
	_, ts := newTest(t, Settings{})
	startFromForm(t, b, ts.URL, "sim", "brunel", map[string]string{"n": "2000", "duration": "1s"})
	seen := watchPage(t, b, time.Minute, func(s pageState) bool { return s.State == "done" })
	last := seen[len(seen)-1]
	if last.SimFrames < 3 || last.RasterDraws < 3 {
		t.Errorf("%d frames, %d raster draws, want several", last.SimFrames, last.RasterDraws)
	}
	var during []int
	for _, s := range seen {
		if s.State == "running" && s.RasterDraws > 0 && (len(during) == 0 || during[len(during)-1] != s.RasterDraws) {
			during = append(during, s.RasterDraws)
		}
	}
	if len(during) < 2 {
		t.Errorf("the raster was not redrawn while the simulation ran (draws seen: %v)", during)
	}
	b.NoErrors(t)
}

// TestBrowserStop: Stop ends a long training run with a checkpoint, which
// the run's folder then holds.
func TestBrowserStop(t *testing.T) {
	needMNIST(t)
	b := browsertest.Start(t, 2*time.Minute)
	sv, ts := newTest(t, Settings{})
	startFromForm(t, b, ts.URL, "train", "mlp", map[string]string{"data": "mnist", "epochs": "1000"})
	seen := watchPage(t, b, time.Minute, func(s pageState) bool { return s.TrainPoints >= 3 })
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`#stop`))); err != nil {
		t.Fatal(err)
	}
	seen = watchPage(t, b, time.Minute, func(s pageState) bool { return s.State != "running" })
	last := seen[len(seen)-1]
	if last.State != "stopped" {
		t.Fatalf("state %q after Stop, want stopped", last.State)
	}
	ckpt := filepath.Join(sv.s.Runs, last.Run, "model.ckpt")
	if _, err := os.Stat(ckpt); err != nil {
		t.Errorf("no checkpoint after Stop: %v", err)
	}
	b.NoErrors(t)
}

// TestBrowserRefused: a refused field shows its message on the page and
// starts nothing.
func TestBrowserRefused(t *testing.T) {
	b := browsertest.Start(t, time.Minute)
	sv, ts := newTest(t, Settings{})
	startFromForm(t, b, ts.URL, "sim", "brunel", map[string]string{"panel": "Z"})
	var msg string
	for end := time.Now().Add(10 * time.Second); msg == "" && time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		var err error
		if msg, err = chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`#error`))); err != nil {
			t.Fatal(err)
		}
	}
	if len(msg) < 6 || msg[:6] != "panel:" {
		t.Errorf("error shown %q, want one about panel", msg)
	}
	if n := len(sv.ids()); n != 0 {
		t.Errorf("%d runs started", n)
	}
}

// TestBrowserPastRuns: a comparison's output folder placed in the runs
// folder is listed; its figures show in the run's view, and its report
// page, served from the runs folder, renders every figure.
func TestBrowserPastRuns(t *testing.T) {
	b := browsertest.Start(t, time.Minute)
	runs := filepath.Join(t.TempDir(), "runs")
	svg := `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="40" height="30" fill="#1f77b4"/></svg>`
	files := map[string]string{
		"cmp/results.json":     `{"profile":"quick","differences":[]}`,
		"cmp/figures/a.svg":    svg,
		"cmp/figures/b.svg":    svg,
		"cmp/report.html":      `<!doctype html><html><head><link rel="icon" href="data:,"></head><body><img src="figures/a.svg"><img src="figures/b.svg"></body></html>`,
		"notarun/whatever.txt": "x",
	}
	for name, body := range files {
		p := filepath.Join(runs, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, ts := newTest(t, Settings{Runs: runs})
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(ts.URL), chromedp.WaitVisible(chromedp.CSS(`#runs li[data-id="cmp"]`))); err != nil {
		t.Fatal(err)
	}
	n, err := chromedp.Run(b.Ctx, chromedp.Evaluate[int](`document.querySelectorAll("#runs li").length`))
	if err != nil || n != 1 {
		t.Errorf("%d runs listed (%v), want the comparison only", n, err)
	}
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`#runs li[data-id="cmp"]`))); err != nil {
		t.Fatal(err)
	}
	// allDrawn waits until every image of the page has loaded, and
	// returns how many there are.
	allDrawn := func() int {
		t.Helper()
		var imgs int
		for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
			v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[]int](`(() => { const i = [...document.querySelectorAll("img")]; return [i.length, i.filter(x => x.complete && x.naturalWidth > 0).length]; })()`))
			if err != nil {
				t.Fatal(err)
			}
			if imgs = v[0]; v[0] > 0 && v[0] == v[1] {
				return imgs
			}
		}
		t.Fatalf("%d images, not all drawn", imgs)
		return 0
	}
	if n := allDrawn(); n != 2 {
		t.Errorf("run view shows %d figures, want 2", n)
	}
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(ts.URL+"/runs/cmp/report.html")); err != nil {
		t.Fatal(err)
	}
	if n := allDrawn(); n != 2 {
		t.Errorf("report shows %d figures, want 2", n)
	}
	b.NoErrors(t)
}

// TestBrowserSTDP: an STDP network's receptive fields are drawn as they
// form: one 28×28 tile per neuron.
func TestBrowserSTDP(t *testing.T) {
	needMNIST(t)
	b := browsertest.Start(t, 2*time.Minute)
	_, ts := newTest(t, Settings{})
	startFromForm(t, b, ts.URL, "train", "stdp", map[string]string{"neurons": "36", "train_samples": "200", "test_samples": "100", "epochs": "1"})
	seen := watchPage(t, b, time.Minute, func(s pageState) bool { return s.State == "done" })
	if last := seen[len(seen)-1]; last.FieldEvents < 2 {
		t.Errorf("%d receptive-field events, want several", last.FieldEvents)
	}
	size, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[]int](`[document.getElementById("fields").width, document.getElementById("fields").height]`))
	if err != nil {
		t.Fatal(err)
	}
	// 36 neurons in a 6×6 grid of 28×28 tiles.
	if size[0] != 168 || size[1] != 168 {
		t.Errorf("fields canvas %v, want 168×168", size)
	}
	b.NoErrors(t)
}
