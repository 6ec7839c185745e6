// Package budget checks the memory a request will need before anything is
// allocated: a size a user or a file gives (neurons, synapses, layer
// widths, batch, image pixels) is estimated first and refused with an
// error naming the request, the estimate and the limit, instead of
// crashing the process when the allocation fails.
package budget

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// Error reports a request whose estimated memory is over the limit.
type Error struct {
	What  string // the request, e.g. "a network of 10000000000 neurons"
	Need  int64  // its estimate in bytes (math.MaxInt64: too large to count)
	Limit int64  // the limit in bytes
}

func (e *Error) Error() string {
	if e.Need == math.MaxInt64 {
		return fmt.Sprintf("%s needs more memory than can be counted, over the limit of %s", e.What, Format(e.Limit))
	}
	return fmt.Sprintf("%s needs about %s of memory, over the limit of %s", e.What, Format(e.Need), Format(e.Limit))
}

// ErrOverBudget is what every *Error matches with errors.Is.
var ErrOverBudget = errors.New("budget: over the memory limit")

func (e *Error) Is(target error) bool { return target == ErrOverBudget }

// Check returns an *Error when need bytes exceed limit (0: Default()).
// Negative or NaN needs count as too large: they come from overflowed
// products of sizes.
func Check(what string, need float64, limit int64) error {
	if limit <= 0 {
		limit = Default()
	}
	if need > float64(limit) || need < 0 || math.IsNaN(need) {
		n := int64(math.MaxInt64)
		if need >= 0 && need < math.MaxInt64 {
			n = int64(need)
		}
		return &Error{What: what, Need: n, Limit: limit}
	}
	return nil
}

// Default is the limit when none is set: half of the physical memory, and
// half of the process's address-space limit (ulimit -v) when that is lower,
// since Go's runtime reserves address space beyond what it uses; 4 GiB
// when neither can be read.
func Default() int64 {
	limit := int64(0)
	if total := physical(); total > 0 {
		limit = total / 2
	}
	if as := addressSpaceLimit(); as > 0 {
		if half := as / 2; limit == 0 || half < limit {
			limit = half
		}
	}
	if limit <= 0 {
		return 4 << 30
	}
	return limit
}

// physical returns the machine's memory in bytes (0 when unknown).
func physical() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err == nil && kb > 0 {
				return kb << 10
			}
		}
	}
	return 0
}

// units are the suffixes Parse accepts, binary and decimal.
var units = []struct {
	suffix string
	scale  float64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
	{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40}, {"B", 1},
}

// Parse reads a size such as "4GiB", "512MiB", "1.5G" or "1000000" (bytes).
func Parse(s string) (int64, error) {
	t := strings.TrimSpace(s)
	scale := 1.0
	for _, u := range units {
		if strings.HasSuffix(strings.ToUpper(t), strings.ToUpper(u.suffix)) {
			t, scale = strings.TrimSpace(t[:len(t)-len(u.suffix)]), u.scale
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || !(v > 0) || v*scale > math.MaxInt64/2 {
		return 0, fmt.Errorf("budget: size %q: want a positive size such as 4GiB, 512MiB or 1.5G", s)
	}
	return int64(v * scale), nil
}

// Format writes bytes for people: "1.5 GiB", "800 MiB", "12 KiB".
func Format(b int64) string {
	if b == math.MaxInt64 {
		return "more than can be counted"
	}
	v := float64(b)
	for _, u := range []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"} {
		if v < 1024 || u == "PiB" {
			if u == "B" {
				return fmt.Sprintf("%d B", b)
			}
			return strconv.FormatFloat(v, 'g', 3, 64) + " " + u
		}
		v /= 1024
	}
	return ""
}

// Tolerance is how far an estimate may be from the bytes really
// allocated, either way: maps and the growth of appended slices make some
// estimates approximate, and the packages' tests hold them to it.
const Tolerance = 1.5

// Allocated returns the bytes f allocates (runtime.MemStats.TotalAlloc:
// everything, transient slices included, which is what the estimates count
// at their peak). It collects garbage first; for tests and benchmarks.
func Allocated(f func()) float64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return float64(b.TotalAlloc - a.TotalAlloc)
}
