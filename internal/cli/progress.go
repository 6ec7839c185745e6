package cli

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress reports a long computation on stderr: a bar when stderr is a
// terminal (or --progress forces it), nothing otherwise, so logs and CI
// output stay clean.
type progress struct {
	bar *progressbar.ProgressBar
}

// newProgress returns a progress reporter over total units.
func newProgress(stderr io.Writer, force bool, total int64, desc string) *progress {
	f, isFile := stderr.(*os.File)
	if !force && !(isFile && term.IsTerminal(int(f.Fd()))) {
		return &progress{}
	}
	return &progress{bar: progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
	)}
}

// set moves the bar to done units.
func (p *progress) set(done int64) {
	if p.bar != nil {
		p.bar.Set64(done)
	}
}

// describe changes the bar's label.
func (p *progress) describe(s string) {
	if p.bar != nil {
		p.bar.Describe(s)
	}
}

// reset restarts the bar for a new pass of total units.
func (p *progress) reset(total int64) {
	if p.bar != nil {
		p.bar.Reset()
		p.bar.ChangeMax64(total)
	}
}

// finish removes the bar.
func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
