package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/experiment"
)

// graphOptions are the flags of "neurite graph" that are not settings
// fields as they are.
type graphOptions struct {
	computeFlags
	s           experiment.GraphSettings
	layers      string
	pathSamples int
}

func newGraphCmd() *cobra.Command {
	var o graphOptions
	kinds := strings.Join(experiment.GraphKinds, "|")
	cmd := &cobra.Command{
		Use:   "graph " + kinds,
		Short: "Build a network topology and measure it: degrees, power law, clustering, path length, small-world σ, hubs",
		Long: `graph builds one kind of wiring and prints its metrics:

  smallworld  Watts–Strogatz: a ring of --n nodes with --k neighbours, each edge rewired with --p
  scalefree   Barabási–Albert: each new node links to --m others by preferential attachment
  random      Erdős–Rényi G(n, p) with edge probability --p
  spatial     --n nodes uniform in a --dims-D box of side --size, pairs joined with
              probability --p0·exp(−d/--lambda)
  layered     the fully connected layers of an artificial network (--layers 784,128,10)

The degree distribution is fitted with a discrete power law by maximum likelihood
with the Clauset–Shalizi–Newman method (exponent, x_min, KS distance, and a
bootstrap p-value from --bootstrap synthetic sets); clustering is the mean local
coefficient; the path length is averaged over --path-samples breadth-first searches
(all nodes when 0); σ = (C/C_rand)/(L/L_rand) against --random-graphs matched random
graphs. --plot draws the degree distribution on log–log axes.`,
		Example: `  neurite graph scalefree --n 100000 --m 3 --seed 1 --json
  neurite graph smallworld --n 1000 --k 10 --p 0.1 --json
  neurite graph layered --layers 784,128,10 --plot out/ann-degrees.svg`,
		ValidArgs: experiment.GraphKinds,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("graph takes one kind (%v), got %d arguments", experiment.GraphKinds, len(args))
			}
			if !slices.Contains(experiment.GraphKinds, args[0]) {
				return usagef("graph kind %q: want one of %v", args[0], experiment.GraphKinds)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := o.settings(cmd, args[0])
			if err != nil {
				return err
			}
			rep, err := experiment.Graph(cmd.Context(), s)
			if err != nil {
				return flagError(err)
			}
			if o.json {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			return printGraph(cmd.OutOrStdout(), rep)
		},
	}
	o.registerGraph(cmd)
	return cmd
}

// registerGraph adds the flags of "neurite graph", with the library's
// defaults; P and P0 have none there (their zero is a graph), so the
// command's are written here.
func (o *graphOptions) registerGraph(cmd *cobra.Command) {
	o.register(cmd)
	f, s, d := cmd.Flags(), &o.s, experiment.GraphSettings{}.WithDefaults()
	f.IntVar(&s.N, "n", d.N, "nodes")
	f.IntVar(&s.K, "k", d.K, "smallworld: neighbours of each node in the ring (even)")
	f.Float64Var(&s.P, "p", 0.1, "smallworld: rewiring probability; random: edge probability")
	f.IntVar(&s.M, "m", d.M, "scalefree: edges of each new node")
	f.IntVar(&s.Dims, "dims", d.Dims, "spatial: 2 or 3 dimensions")
	f.Float64Var(&s.Size, "size", d.Size, "spatial: side of the box (in units of --lambda)")
	f.Float64Var(&s.P0, "p0", 0.5, "spatial: connection probability at distance 0")
	f.Float64Var(&s.Lambda, "lambda", d.Lambda, "spatial: length constant of the connection probability")
	f.StringVar(&o.layers, "layers", joinInts(d.Layers), "layered: layer sizes")
	f.IntVar(&o.pathSamples, "path-samples", -1, "breadth-first searches for the path length (0: all nodes; default: all up to 5000 nodes, else 200)")
	f.IntVar(&s.RandomGraphs, "random-graphs", 0, fmt.Sprintf("matched random graphs for σ (default %d for smallworld, else 0: no σ)",
		experiment.GraphSettings{Kind: "smallworld"}.WithDefaults().RandomGraphs))
	f.IntVar(&s.Bootstrap, "bootstrap", d.Bootstrap, "synthetic data sets for the power law's goodness-of-fit p-value (0: none)")
	f.StringVar(&s.Plot, "plot", "", "draw the degree distribution to this .svg or .png file")
}

// settings returns the settings the flags describe. A flag's 0 that asks
// for none (--bootstrap, --random-graphs) or for every node
// (--path-samples) is a switch in the settings, whose zero is the default.
func (o graphOptions) settings(cmd *cobra.Command, kind string) (experiment.GraphSettings, error) {
	if err := o.check(); err != nil {
		return o.s, err
	}
	if err := explicitZero(cmd, "n", "k", "m", "dims", "size", "lambda"); err != nil {
		return o.s, err
	}
	s := o.s
	layers, err := parseSizes("layers", o.layers)
	if err != nil {
		return s, err
	}
	// Never nil: an empty --layers is a mistake, not the library's default.
	s.Layers = append([]int{}, layers...)
	s.Kind, s.Seed, s.Threads, s.Log = kind, o.seed, o.threads, cmd.ErrOrStderr()
	s.MaxMemory = o.maxMemory
	s.PathSamples, s.AllPaths = max(o.pathSamples, 0), o.pathSamples == 0
	s.NoBootstrap = s.Bootstrap == 0
	s.NoSigma = cmd.Flags().Changed("random-graphs") && s.RandomGraphs == 0
	return s, nil
}

// printGraph writes the table of a graph's metrics.
func printGraph(w io.Writer, rep *experiment.GraphReport) error {
	fmt.Fprintf(w, "%-12s %9s %10s %8s %10s %11s %8s %6s %8s\n", "kind", "nodes", "edges", "<k>", "clustering", "path length", "alpha", "xmin", "sigma")
	alpha, xmin, sigma := "-", "-", "-"
	if rep.PowerLawAlpha != nil {
		alpha, xmin = fmt.Sprintf("%.3f", *rep.PowerLawAlpha), fmt.Sprint(*rep.PowerLawXMin)
	}
	if rep.Sigma != nil {
		sigma = fmt.Sprintf("%.2f", *rep.Sigma)
	}
	_, err := fmt.Fprintf(w, "%-12s %9d %10d %8.2f %10.4f %11.3f %8s %6s %8s\n", rep.Kind, rep.Nodes, rep.Edges, rep.MeanDegree,
		rep.Clustering, rep.PathLength, alpha, xmin, sigma)
	return err
}
