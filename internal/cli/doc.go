// Package cli implements the neurite command: one file per verb, each with
// an options struct and a run function over the importable packages, so the
// command stays a thin layer a Go user could rewrite.
//
// The contract every verb keeps (see README.md): results go to stdout, as a
// short table or, with --json, as exactly one JSON object; progress, logs
// and warnings go to stderr. Exit status 0 is success, 2 a usage error (bad
// flag, value or argument) and 1 any other failure, reported as
// "neurite: <what went wrong>". Only Main maps errors to exit codes.
package cli
