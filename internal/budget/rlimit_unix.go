//go:build unix

package budget

import (
	"math"
	"syscall"
)

// addressSpaceLimit returns the process's address-space limit (ulimit -v)
// in bytes, or 0 when there is none.
func addressSpaceLimit() int64 {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &rl); err != nil || rl.Cur >= math.MaxInt64 {
		return 0
	}
	return int64(rl.Cur)
}
