package cli

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/neurite/neurite/experiment"
)

// bar shows a job's progress on stderr: a bar when stderr is a terminal
// (or --progress forces it), nothing otherwise, so logs and CI output stay
// clean. A new stage or total starts a new bar.
type bar struct {
	stderr io.Writer
	on     bool
	pb     *progressbar.ProgressBar
	stage  string
	total  int64
}

// newBar returns a progress display for a job; force shows it even when
// stderr is not a terminal.
func newBar(stderr io.Writer, force bool) *bar {
	f, isFile := stderr.(*os.File)
	return &bar{stderr: stderr, on: force || (isFile && term.IsTerminal(int(f.Fd())))}
}

// update draws p; it is the jobs' Progress callback.
func (b *bar) update(p experiment.Progress) {
	if !b.on {
		return
	}
	if b.pb == nil || p.Stage != b.stage || p.Total != b.total {
		b.finish()
		b.stage, b.total = p.Stage, p.Total
		b.pb = progressbar.NewOptions64(p.Total,
			progressbar.OptionSetWriter(b.stderr),
			progressbar.OptionSetDescription(p.Stage),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100_000_000),
			progressbar.OptionClearOnFinish(),
		)
	}
	if p.Message != "" {
		b.pb.Describe(p.Message)
	}
	_ = b.pb.Set64(p.Done)
}

// finish clears the bar.
func (b *bar) finish() {
	if b.pb != nil {
		_ = b.pb.Finish()
		b.pb = nil
	}
}

// progress is a bar over one stage, for loops that run in the CLI itself.
type progress struct {
	b     *bar
	stage string
	total int64
}

func newProgress(stderr io.Writer, force bool, total int64, desc string) *progress {
	return &progress{b: newBar(stderr, force), stage: desc, total: total}
}

func (p *progress) set(done int64) {
	p.b.update(experiment.Progress{Stage: p.stage, Done: done, Total: p.total})
}

func (p *progress) finish() { p.b.finish() }
