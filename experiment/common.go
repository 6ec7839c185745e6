package experiment

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/neurite/neurite/internal/atomicfile"
)

// FieldError reports a setting that cannot be used. Field is the Go name
// of the settings field (for example "Epochs" or "Model"); a command-line
// front end translates it to its own name for the setting (--epochs).
type FieldError struct {
	Field string
	Value any    // the value refused (nil: none was given)
	Msg   string // what is wrong, e.g. "must be at least 1"
	// Related are the Go names of other settings the message refers to,
	// one %s in Msg each (e.g. Msg "needs %s", Related ["Init"]), so that
	// a front end can name them its own way too.
	Related []string
}

func (e *FieldError) Error() string {
	if e.Value == nil {
		return fmt.Sprintf("experiment: %s: %s", e.Field, e.Reason(nil))
	}
	return fmt.Sprintf("experiment: %s %v: %s", e.Field, e.Value, e.Reason(nil))
}

// Reason returns Msg with the related settings named by name (nil: their
// Go names).
func (e *FieldError) Reason(name func(field string) string) string {
	if len(e.Related) == 0 {
		return e.Msg
	}
	args := make([]any, len(e.Related))
	for i, f := range e.Related {
		if name != nil {
			f = name(f)
		}
		args[i] = f
	}
	return fmt.Sprintf(e.Msg, args...)
}

// fieldErr returns a *FieldError.
func fieldErr(field string, value any, format string, args ...any) error {
	return &FieldError{Field: field, Value: value, Msg: fmt.Sprintf(format, args...)}
}

// fieldNeeds returns a *FieldError whose message msg names the related
// settings with a %s each.
func fieldNeeds(field string, value any, msg string, related ...string) error {
	return &FieldError{Field: field, Value: value, Msg: msg, Related: related}
}

// IsSettingError reports whether err is (or wraps) a *FieldError: a
// mistake in the settings rather than a failure of the job.
func IsSettingError(err error) bool {
	var fe *FieldError
	return errors.As(err, &fe)
}

// Progress is a report of a long job's progress: Done of Total units of
// the named stage (batches of an epoch, images of a pass, simulated
// milliseconds). Message describes the state (loss, speed) when there is
// one. A new Stage or Total starts a new bar.
type Progress struct {
	Stage   string
	Done    int64
	Total   int64
	Message string
}

// Reporting is what every job takes to tell its caller how it goes: both
// fields may be nil.
type Reporting struct {
	// Log receives a line per notable step (what is being built, each
	// epoch's loss); the CLI passes standard error.
	Log io.Writer
	// Progress receives frequent updates of long loops.
	Progress func(Progress)
	// Observe, when set, receives typed observations of the run as it
	// goes (see [Event]): *TrainStep after training batches,
	// *SimFrame as a simulation advances, *ReceptiveFields while an STDP
	// network learns. It is called on the job's goroutine, so it must
	// return quickly (a viewer hands the event to a bounded buffer and
	// drops it when the buffer is full). Each event is new and may be
	// kept. Observing never changes a result.
	Observe func(Event)
	// ObserveEvery is the shortest wall time between two events of a
	// kind (0: 1/60 s; the last of a run is always sent).
	ObserveEvery time.Duration
}

func (r Reporting) logf(format string, args ...any) {
	if r.Log != nil {
		fmt.Fprintf(r.Log, format, args...)
	}
}

func (r Reporting) progress(p Progress) {
	if r.Progress != nil {
		r.Progress(p)
	}
}

// withThreads runs f with the process's parallelism set to threads (0:
// keep it), the one setting the tensor kernels and ann's batch loops read;
// the simulators take the count explicitly as well. Results never depend
// on it.
func withThreads(threads int, f func() error) error {
	if threads < 0 {
		return fieldErr("Threads", threads, "must be at least 1 (0: all cores)")
	}
	if threads > 0 {
		prev := runtime.GOMAXPROCS(threads)
		defer runtime.GOMAXPROCS(prev)
	}
	return f()
}

// threadsOr returns threads, or the process's parallelism for 0.
func threadsOr(threads int) int {
	if threads > 0 {
		return threads
	}
	return runtime.GOMAXPROCS(0)
}

// checkFile refuses, before a job starts, an output file it could not
// write later; checkDir the same for an output folder.
func checkFile(field, path string) error {
	if path == "" {
		return nil
	}
	if err := atomicfile.CheckFile(path); err != nil {
		return fieldErr(field, path, "%v", err)
	}
	return nil
}

func checkDir(field, dir string) error {
	if dir == "" {
		return nil
	}
	if err := atomicfile.CheckDir(dir); err != nil {
		return fieldErr(field, dir, "%v", err)
	}
	return nil
}
