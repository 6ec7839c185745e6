package serve

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/neurite/neurite/internal/budget"
)

//go:embed index.html
var page []byte

// DefaultListen is the address the server listens on when Settings.Listen
// is empty: the loopback interface only.
const DefaultListen = "127.0.0.1:8080"

// Settings configure a [Server]. Zero fields take the defaults written on
// them.
type Settings struct {
	// Runs is the folder each job's files go to (a folder per run) and
	// the only one files are served from (default "runs"; made if absent).
	Runs string
	// MaxJobs is how many jobs may run at once (default 2); a request for
	// one more is refused with 429.
	MaxJobs int
	// MaxMemory is each job's memory budget in bytes (0: the machine's
	// default budget shared by MaxJobs): a job estimated to need more is
	// refused before it allocates.
	MaxMemory int64
	// ObserveEvery is the shortest wall time between two events of a kind
	// a job sends (0: experiment's default, 1/60 s).
	ObserveEvery time.Duration
	// Public answers requests addressed to any host name. Without it
	// (the default), only requests addressed to a loopback address or
	// localhost are: set it when listening on another interface.
	Public bool
	// Version is neurite's version, recorded in checkpoints.
	Version string
	// Log receives a line per job started and ended (nil: none).
	Log io.Writer
}

// Server is the web UI's server. Its methods may be called from several
// goroutines.
type Server struct {
	s    Settings
	root *os.Root

	mu      sync.Mutex
	runs    map[string]*run
	order   []string // run ids, oldest first
	running int
	closing bool
	wg      sync.WaitGroup // jobs under way
}

// New returns a Server for s, making the runs folder if it does not exist.
func New(s Settings) (*Server, error) {
	if s.Runs == "" {
		s.Runs = "runs"
	}
	if s.MaxJobs == 0 {
		s.MaxJobs = 2
	}
	if s.MaxJobs < 0 {
		return nil, fmt.Errorf("serve: MaxJobs %d: must be at least 1", s.MaxJobs)
	}
	if s.MaxMemory < 0 {
		return nil, fmt.Errorf("serve: MaxMemory %d: must be positive (0: default)", s.MaxMemory)
	}
	if s.MaxMemory == 0 {
		s.MaxMemory = budget.Default() / int64(s.MaxJobs)
	}
	if err := os.MkdirAll(s.Runs, 0o755); err != nil {
		return nil, fmt.Errorf("serve: runs folder: %w", err)
	}
	root, err := os.OpenRoot(s.Runs)
	if err != nil {
		return nil, fmt.Errorf("serve: runs folder: %w", err)
	}
	return &Server{s: s, root: root, runs: map[string]*run{}}, nil
}

// Handler returns the server's HTTP handler.
func (sv *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:")
		w.Write(page)
	})
	mux.HandleFunc("GET /api/runs", sv.listRuns)
	mux.HandleFunc("POST /api/jobs", sv.startJob)
	mux.HandleFunc("POST /api/runs/{id}/stop", sv.stopRun)
	mux.HandleFunc("GET /api/runs/{id}/events", sv.events)
	mux.HandleFunc("POST /api/attach", sv.attach)
	mux.HandleFunc("POST /api/runs/{id}/push", sv.push)
	mux.Handle("GET /runs/", http.StripPrefix("/runs/", http.FileServerFS(sv.root.FS())))
	// A page of another site open in the same browser may not start or
	// stop jobs (cross-site request forgery), nor reach the server under
	// a name of its own that resolves to this machine (DNS rebinding).
	csrf := http.NewCrossOriginProtection()
	return csrf.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !sv.s.Public && !loopbackHost(r.Host) {
			writeJSON(w, http.StatusMisdirectedRequest, &RequestError{Msg: fmt.Sprintf("host %q: this server answers only to a loopback address", r.Host)})
			return
		}
		mux.ServeHTTP(w, r)
	}))
}

// loopbackHost reports whether a Host header names this machine's
// loopback interface.
func loopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	return loopback(strings.Trim(host, "[]"))
}

// Serve answers HTTP requests on l until ctx ends; then it stops the jobs
// under way (each checkpoints) and waits for them.
func (sv *Server) Serve(ctx context.Context, l net.Listener) error {
	hs := &http.Server{Handler: sv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(l) }()
	select {
	case err := <-errc:
		sv.Close()
		return err
	case <-ctx.Done():
	}
	sv.Close()
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	hs.Shutdown(shut)
	return nil
}

// Close stops every job under way and waits for them to end.
func (sv *Server) Close() {
	sv.mu.Lock()
	sv.closing = true
	for _, r := range sv.runs {
		if r.cancel != nil {
			r.cancel()
		}
	}
	sv.mu.Unlock()
	sv.wg.Wait()
	sv.mu.Lock()
	for _, r := range sv.runs {
		if r.external && r.end(stateStopped, "the server closed") {
			r.close()
		}
	}
	sv.mu.Unlock()
}

// Listen returns a listener on addr ("" : DefaultListen). A host that is
// not a loopback address is refused unless public is true: the server then
// answers anyone who can reach it, and warn (when not nil) is told so.
func Listen(addr string, public bool, warn io.Writer) (net.Listener, error) {
	if addr == "" {
		addr = DefaultListen
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("serve: listen address %q: %w", addr, err)
	}
	if !loopback(host) {
		if !public {
			return nil, fmt.Errorf("serve: listen address %q is not a loopback address", addr)
		}
		if warn != nil {
			fmt.Fprintf(warn, "warning: listening on %s: anyone who can reach it can start jobs on this machine\n", addr)
		}
	}
	return net.Listen("tcp", addr)
}

// Loopback reports whether addr is on a loopback interface.
func Loopback(addr net.Addr) bool {
	host, _, err := net.SplitHostPort(addr.String())
	return err == nil && loopback(host)
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// newID returns a fresh run id: the time and random bits.
func newID(prefix string) string {
	var b [3]byte
	rand.Read(b[:])
	return prefix + "-" + time.Now().UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
}

// validID reports whether id can name a run folder.
func validID(id string) bool {
	if id == "" || len(id) > 100 || strings.HasPrefix(id, ".") {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// folder returns the path of run id's folder, making it.
func (sv *Server) folder(id string) (string, error) {
	if err := sv.root.Mkdir(id, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return "", err
	}
	return filepath.Join(sv.s.Runs, id), nil
}

// lookup returns the live run id, or nil.
func (sv *Server) lookup(id string) *run {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	return sv.runs[id]
}

// keepRuns bounds the runs the server keeps in memory; older ones that
// are over are listed from their folders.
const keepRuns = 64

func (sv *Server) add(r *run) {
	sv.runs[r.id] = r
	sv.order = append(sv.order, r.id)
	for i := 0; len(sv.order) > keepRuns && i < len(sv.order); {
		if old := sv.runs[sv.order[i]]; old.state() != stateRunning {
			delete(sv.runs, sv.order[i])
			sv.order = slices.Delete(sv.order, i, i+1)
			continue
		}
		i++
	}
}

func (sv *Server) logf(format string, args ...any) {
	if sv.s.Log != nil {
		fmt.Fprintf(sv.s.Log, format, args...)
	}
}

// ids returns the live runs' ids, newest first.
func (sv *Server) ids() []string {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	ids := slices.Clone(sv.order)
	slices.Reverse(ids)
	return ids
}
