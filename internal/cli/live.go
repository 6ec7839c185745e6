package cli

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/experiment"
	"github.com/neurite/neurite/serve"
)

// liveSelf is --live given without a URL: the run serves its own page.
const liveSelf = "self"

// liveFlag is --live [URL] of train and sim.
type liveFlag struct{ url string }

func (l *liveFlag) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&l.url, "live", "", "show the run live in a browser: with a URL, on that neurite serve; alone, on a page of its own at "+serve.DefaultListen)
	cmd.Flags().Lookup("live").NoOptDefVal = liveSelf
}

// args lets --live take its URL as the next word (--live URL), which a
// flag with an optional value would leave as an argument.
func (l *liveFlag) args(inner cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		return inner(cmd, l.strip(args))
	}
}

// strip takes --live's URL out of args when it came as the next word.
// Cobra hands the same args to the validator and then to RunE, so the
// second call finds the URL already taken (l.url is the last argument)
// and strips it again.
func (l *liveFlag) strip(args []string) []string {
	if (l.url == liveSelf || l.url == lastArg(args)) && len(args) > 0 {
		if last := args[len(args)-1]; strings.HasPrefix(last, "http://") || strings.HasPrefix(last, "https://") {
			l.url = last
			return args[:len(args)-1]
		}
	}
	return args
}

// lastArg is args' last element, or "" when there is none.
func lastArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[len(args)-1]
}

// start connects the run to its live view: observe is the job's
// Reporting.Observe, finish tells the view how it ended. Without --live
// both are nil-safe no-ops.
func (l *liveFlag) start(ctx context.Context, kind, model string, stderr io.Writer) (observe func(experiment.Event), finish func(report any, err error), err error) {
	switch l.url {
	case "":
		return nil, func(any, error) {}, nil
	case liveSelf:
		ln, err := serve.Listen("", false, stderr)
		if err != nil {
			return nil, nil, fmt.Errorf("--live: %v", err)
		}
		sv, err := serve.New(serve.Settings{Runs: "runs", Version: Version})
		if err != nil {
			ln.Close()
			return nil, nil, fmt.Errorf("--live: %v", err)
		}
		sctx, stop := context.WithCancel(context.Background())
		go sv.Serve(sctx, ln)
		id, observe, done := sv.Attach(kind, model)
		fmt.Fprintf(stderr, "live view: http://%s/?run=%s (while the run lasts)\n", ln.Addr(), id)
		return observe, func(report any, err error) {
			done(report, err)
			stop()
		}, nil
	default:
		if u, err := url.Parse(l.url); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, nil, usagef("--live %s: want the URL of a neurite serve, http://HOST:PORT", l.url)
		}
		lv, err := serve.Dial(ctx, l.url, kind, model, stderr)
		if err != nil {
			return nil, nil, fmt.Errorf("--live %s: %v", l.url, err)
		}
		fmt.Fprintf(stderr, "live view: %s\n", lv.URL())
		return lv.Observe, lv.Close, nil
	}
}
