package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/internal/budget"
	"github.com/neurite/neurite/serve"
)

func newServeCmd() *cobra.Command {
	var (
		s         serve.Settings
		listen    string
		maxMemory string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Start the web UI: start, watch and stop training runs and simulations live in a browser",
		Long: `serve answers on --listen (default ` + serve.DefaultListen + `, this machine only) with a page
that starts a training run or a simulation from a form, and shows it as it goes: loss,
accuracy and learning-rate curves and parameter norms; a spike raster, population rates
and membrane potentials; an STDP network's receptive fields. Stop checkpoints a run.
Each run's files (checkpoint, results.json, raster) go to its own folder under --runs,
which the page lists with the folders already there (compare's results too).

Another address than a loopback one is used only when --listen names it, with a
warning: whoever reaches it can start jobs. --max-jobs jobs run at once, each within
--max-memory. neurite train and neurite sim with --live URL show their runs here.`,
		Example: `  neurite serve
  neurite serve --listen 127.0.0.1:9000 --runs out/runs
  neurite train --model lenet5 --live http://127.0.0.1:8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if s.MaxJobs < 1 {
				return usagef("--max-jobs %d: must be at least 1", s.MaxJobs)
			}
			if maxMemory != "" {
				n, err := budget.Parse(maxMemory)
				if err != nil {
					return usagef("--max-memory %s: %v", maxMemory, err)
				}
				s.MaxMemory = n
			}
			s.Version, s.Log = Version, cmd.ErrOrStderr()
			l, err := serve.Listen(listen, cmd.Flags().Changed("listen"), cmd.ErrOrStderr())
			if err != nil {
				return usagef("--listen %s: %v", listen, err)
			}
			s.Public = !serve.Loopback(l.Addr())
			sv, err := serve.New(s)
			if err != nil {
				l.Close()
				return usagef("--runs %s: %v", s.Runs, err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "neurite serve: http://%s/ (runs in %s; Ctrl-C stops)\n", l.Addr(), s.Runs)
			return sv.Serve(cmd.Context(), l)
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", serve.DefaultListen, "address to listen on (HOST:PORT); a non-loopback host answers other machines too")
	f.StringVar(&s.Runs, "runs", "runs", "folder for the runs' files, and the only one files are served from")
	f.IntVar(&s.MaxJobs, "max-jobs", 2, "jobs that may run at once")
	f.StringVar(&maxMemory, "max-memory", "", "memory each job may use, e.g. 4GiB (default: half of this machine's memory shared by --max-jobs)")
	return cmd
}
