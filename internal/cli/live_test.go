package cli

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/internal/browsertest"
	"github.com/neurite/neurite/serve"
)

// TestLiveInBrowser: neurite train --model lenet5 --live URL and neurite
// sim brunel --live URL show, on the page of a running server in a
// headless Chromium, a growing curve and a raster redrawn as they go.
func TestLiveInBrowser(t *testing.T) {
	if _, _, _, err := data.Open("mnist", "", 1); err != nil {
		t.Skipf("MNIST unavailable: %v", err)
	}
	b := browsertest.Start(t, 3*time.Minute)
	sv, err := serve.New(serve.Settings{Runs: filepath.Join(t.TempDir(), "runs")})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(sv.Handler())
	defer ts.Close()
	defer sv.Close()
	t.Chdir(t.TempDir())

	tests := []struct {
		name string
		args []string
		// grows reads the page's count of what it drew.
		grows string
	}{
		{"train lenet5", []string{"train", "--model", "lenet5", "--train-samples", "2048", "--test-samples", "100", "--epochs", "1", "--threads", "2", "--live", ts.URL},
			`window.neurite.trainPoints`},
		{"sim brunel", []string{"sim", "brunel", "--n", "2000", "--duration", "1500ms", "--threads", "2", "--live", ts.URL},
			`window.neurite.rasterDraws`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := make(chan int, 1)
			go func() { code <- Main(tt.args, &stdout, &stderr) }()
			// The run attaches first thing; find it and open its page.
			var id string
			for end := time.Now().Add(30 * time.Second); id == "" && time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
				resp, err := http.Get(ts.URL + "/api/runs")
				if err != nil {
					t.Fatal(err)
				}
				var runs []serve.RunInfo
				json.NewDecoder(resp.Body).Decode(&runs)
				resp.Body.Close()
				for _, r := range runs {
					if r.State == "running" && r.External {
						id = r.ID
					}
				}
			}
			if id == "" {
				t.Fatalf("the run never attached; stderr: %s", stderr.String())
			}
			if err := chromedp.Do(b.Ctx, chromedp.Navigate(ts.URL+"/?run="+id)); err != nil {
				t.Fatal(err)
			}
			seen := map[int]bool{}
			var state string
			for end := time.Now().Add(2 * time.Minute); state != "done" && time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
				n, err := chromedp.Run(b.Ctx, chromedp.Evaluate[int](tt.grows))
				if err != nil {
					t.Fatal(err)
				}
				if state, err = chromedp.Run(b.Ctx, chromedp.Evaluate[string](`window.neurite.state`)); err != nil {
					t.Fatal(err)
				}
				if state == "running" && n > 0 {
					seen[n] = true
				}
			}
			if c := <-code; c != 0 {
				t.Fatalf("exit %d: %s", c, stderr.String())
			}
			if state != "done" {
				t.Fatalf("page says %q, want done", state)
			}
			if len(seen) < 2 {
				t.Errorf("%s took values %v while running, want it to grow", tt.grows, seen)
			}
		})
	}
	b.NoErrors(t)
}
