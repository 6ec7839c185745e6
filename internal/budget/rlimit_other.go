//go:build !unix

package budget

// addressSpaceLimit: no such limit outside Unix.
func addressSpaceLimit() int64 { return 0 }
