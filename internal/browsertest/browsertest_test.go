package browsertest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/neurite/neurite/internal/browsertest"
)

// TestStart loads pages into the browser: one that runs cleanly, one that
// logs a console error and one that throws, and checks that the errors
// seen are exactly those.
func TestStart(t *testing.T) {
	pages := map[string]string{
		"/clean": `<p id="x">ok</p><script>document.getElementById("x").textContent = "ran";</script>`,
		"/log":   `<script>console.error("bad thing", 42);</script>`,
		"/throw": `<script>null.f();</script>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "<!doctype html><html><head><link rel=icon href=data:,></head><body>%s</body></html>", body)
	}))
	defer srv.Close()

	b := browsertest.Start(t, time.Minute)
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(srv.URL+"/clean")); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS("#x")))
	if err != nil {
		t.Fatal(err)
	}
	if text != "ran" {
		t.Errorf("#x = %q, want %q (the page's script did not run)", text, "ran")
	}
	if errs := b.Errors(); len(errs) != 0 {
		t.Fatalf("clean page: errors %q, want none", errs)
	}
	for _, path := range []string{"/log", "/throw"} {
		if err := chromedp.Do(b.Ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
			t.Fatal(err)
		}
	}
	// Events arrive asynchronously; wait a little for both.
	deadline := time.Now().Add(5 * time.Second)
	for len(b.Errors()) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	errs := b.Errors()
	if len(errs) != 2 {
		t.Fatalf("errors = %q, want 2 (one console error, one exception)", errs)
	}
	if !strings.Contains(errs[0], "bad thing") || !strings.Contains(errs[0], "42") {
		t.Errorf("errors[0] = %q, want the console message", errs[0])
	}
	if !strings.Contains(errs[1], "uncaught exception") {
		t.Errorf("errors[1] = %q, want an uncaught exception", errs[1])
	}
}
