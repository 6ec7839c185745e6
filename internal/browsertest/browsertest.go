package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Find returns the path of a Chromium or Chrome binary: $NEURITE_CHROMIUM
// when set, else the first of /usr/bin/chromium, chromium,
// chromium-browser, google-chrome and google-chrome-stable found on PATH.
// It returns "" when there is none.
func Find() string {
	if p := os.Getenv("NEURITE_CHROMIUM"); p != "" {
		return p
	}
	if st, err := os.Stat("/usr/bin/chromium"); err == nil && !st.IsDir() {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Browser is a headless browser with one tab, started by [Start].
type Browser struct {
	// Ctx drives the tab: pass it to chromedp.Run. It is cancelled when
	// the test ends.
	Ctx context.Context

	mu     sync.Mutex
	errors []string
}

// Start launches a headless browser for t and returns it, or skips t
// (with -short, or when no browser is installed). The browser gets
// --no-sandbox when the test runs as root (Chromium refuses to start
// sandboxed as root) and is closed by t.Cleanup. timeout bounds the
// whole test's use of the browser (0: two minutes).
func Start(t testing.TB, timeout time.Duration) *Browser {
	t.Helper()
	if testing.Short() {
		t.Skip("browsertest: a headless browser is not started under -short")
	}
	path := Find()
	if path == "" {
		t.Skip("browsertest: no Chromium found (install Debian's chromium, or set NEURITE_CHROMIUM to a Chromium or Chrome binary)")
	}
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	opts := append([]chromedp.ExecAllocatorOption{},
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.ExecPath(path),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("mute-audio", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	base, cancelTimeout := context.WithTimeout(context.Background(), timeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(base, opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	b := &Browser{Ctx: ctx}
	done := make(chan struct{})
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		cancelTimeout()
		<-done
	})
	// Start the browser now, so that a broken installation fails here
	// with a clear message rather than in the test's first action.
	if err := chromedp.Do(ctx); err != nil {
		close(done)
		t.Fatalf("browsertest: starting %s: %v", path, err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			switch {
			case m.IsException():
				b.record(fmt.Sprintf("uncaught exception at %s:%d: %s", m.URL, m.Line+1, m.Text))
			case m.Type == chromedp.ConsoleError && m.Source == "":
				b.record(fmt.Sprintf("console.error at %s:%d: %s", m.URL, m.Line+1, m.Text))
			case m.Type == chromedp.ConsoleError:
				// The browser's own log: a failed request (a 404 for a
				// script or stylesheet) is a broken page too.
				b.record(fmt.Sprintf("browser %s error: %s %s", m.Source, m.Text, m.URL))
			}
		}
	}()
	return b
}

func (b *Browser) record(s string) {
	b.mu.Lock()
	b.errors = append(b.errors, s)
	b.mu.Unlock()
}

// Errors returns the console errors and uncaught exceptions seen so far,
// in order.
func (b *Browser) Errors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errors...)
}

// NoErrors fails t, listing them, if the page logged a console error or
// threw an uncaught exception.
func (b *Browser) NoErrors(t testing.TB) {
	t.Helper()
	if errs := b.Errors(); len(errs) > 0 {
		t.Errorf("browser reported %d error(s):\n  %s", len(errs), strings.Join(errs, "\n  "))
	}
}
