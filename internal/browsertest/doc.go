// Package browsertest starts a headless Chromium for tests that drive a
// page the way a user's browser would.
//
// # Overview
//
// [Start] finds a browser ($NEURITE_CHROMIUM, then /usr/bin/chromium,
// chromium, chromium-browser, google-chrome on PATH), launches it headless
// through the DevTools protocol (github.com/chromedp/chromedp), and returns
// a [Browser] whose context drives one tab. Where no browser is installed
// the test is skipped with a message saying what to install; under
// -short it is skipped too, since a browser takes a second or two to start.
//
// The Browser records every console message of level error and every
// uncaught exception; [Browser.NoErrors] fails the test if there was any,
// so a test that loads a page asserts in one line that its scripts ran
// cleanly. The browser is closed by t.Cleanup.
//
// # Concurrency
//
// A Browser belongs to one test. Its context may be used by one chromedp
// call at a time (chromedp's own rule); the error log is safe to read while
// the page runs.
package browsertest
