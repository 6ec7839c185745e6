// Command neurite builds, trains, simulates and compares artificial and
// biological neural networks. Run "neurite --help" for the commands.
package main

import (
	"os"

	"github.com/neurite/neurite/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
