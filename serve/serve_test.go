package serve

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neurite/neurite/experiment"
)

// newTest starts a Server on a loopback port for the test.
func newTest(t *testing.T, s Settings) (*Server, *httptest.Server) {
	t.Helper()
	if s.Runs == "" {
		s.Runs = filepath.Join(t.TempDir(), "runs")
	}
	sv, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(sv.Handler())
	t.Cleanup(func() {
		sv.Close()
		ts.Close()
	})
	return sv, ts
}

func post(t *testing.T, url, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

// TestBadJobs: each refused request answers 400 naming its JSON key (or
// none, for a request that is not one), and starts nothing.
func TestBadJobs(t *testing.T) {
	sv, ts := newTest(t, Settings{})
	tests := []struct {
		name, body, field string
	}{
		{"not JSON", `{"kind":`, ""},
		{"trailing data", `{"kind":"train"} {}`, ""},
		{"unknown key", `{"kind":"train","out":"/etc/passwd"}`, ""},
		{"wrong type", `{"kind":"train","epochs":"many"}`, "epochs"},
		{"kind", `{"kind":"bake"}`, "kind"},
		{"model path", `{"kind":"train","model":"../../m.yaml"}`, "model"},
		{"data path", `{"kind":"train","data":"/etc/passwd"}`, "data"},
		{"sim model", `{"kind":"sim","model":"x.yaml"}`, "model"},
		{"epochs", `{"kind":"train","data":"xor","epochs":-1}`, "epochs"},
		{"lr", `{"kind":"train","data":"xor","lr":-1}`, "lr"},
		{"threads", `{"kind":"train","data":"xor","threads":-2}`, "threads"},
		{"hidden", `{"kind":"train","data":"xor","hidden":[0]}`, "hidden"},
		{"duration syntax", `{"kind":"sim","model":"coba","duration":"long"}`, "duration"},
		{"duration", `{"kind":"sim","model":"coba","duration":"-1s"}`, "duration"},
		{"panel", `{"kind":"sim","model":"brunel","panel":"Z"}`, "panel"},
		{"scale", `{"kind":"sim","model":"microcircuit","scale":2}`, "scale"},
		{"mixed", `{"kind":"sim","model":"coba","epochs":3}`, "kind"},
		{"huge", `{"kind":"train","model":"` + strings.Repeat("x", 70000) + `"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, m := post(t, ts.URL+"/api/jobs", tt.body)
			if code != http.StatusBadRequest {
				t.Fatalf("POST %s = %d %v, want 400", tt.body, code, m)
			}
			if got, _ := m["field"].(string); got != tt.field {
				t.Errorf("POST %s: field %q (%v), want %q", tt.body, got, m["error"], tt.field)
			}
			if msg, _ := m["error"].(string); msg == "" || strings.Contains(msg, "\n") {
				t.Errorf("POST %s: error %q, want one line", tt.body, msg)
			}
		})
	}
	if len(sv.ids()) != 0 {
		t.Errorf("%d runs started by refused requests", len(sv.ids()))
	}
}

// TestTraversal: only files of the runs folder are served: not through
// "..", encoded or not, absolute paths, or a symbolic link out of it.
func TestTraversal(t *testing.T) {
	dir := t.TempDir()
	runs := filepath.Join(dir, "runs")
	os.MkdirAll(filepath.Join(runs, "a"), 0o755)
	os.WriteFile(filepath.Join(runs, "a", "x.txt"), []byte("inside"), 0o644)
	secret := filepath.Join(dir, "secret.txt")
	os.WriteFile(secret, []byte("SECRET"), 0o644)
	if err := os.Symlink(secret, filepath.Join(runs, "a", "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(dir, filepath.Join(runs, "up")); err != nil {
		t.Fatal(err)
	}
	_, ts := newTest(t, Settings{Runs: runs})
	get := func(path string) (int, string) {
		// A raw request line: a client would clean the path first.
		c, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/runs/a/x.txt"); code != 200 || body != "inside" {
		t.Fatalf("GET /runs/a/x.txt = %d %q, want 200 inside", code, body)
	}
	for _, p := range []string{
		"/runs/../secret.txt", "/runs/a/../../secret.txt", "/runs/%2e%2e/secret.txt", "/runs/a/%2e%2e/%2e%2e/secret.txt",
		"/runs/..%2fsecret.txt", "/runs/a%2f..%2f..%2fsecret.txt", "/runs/" + secret, "/runs//" + secret, "/runs/a/link.txt",
		"/runs/up/secret.txt", "/runs/%2fetc%2fpasswd", "/runs/a/x.txt%00", "/runs/..\\secret.txt",
	} {
		if code, body := get(p); code == 200 || strings.Contains(body, "SECRET") || strings.Contains(body, "root:") {
			t.Errorf("GET %s = %d %q, want a refusal", p, code, body)
		}
	}
}

// TestHubNeverBlocks: a client that never reads costs publish nothing:
// it returns at once, the events past the queues are dropped and counted.
func TestHubNeverBlocks(t *testing.T) {
	h := newHub()
	_, unsubscribe := h.subscribe() // never read
	defer unsubscribe()
	const events = 20 * (jobQueue + clientQueue)
	start := time.Now()
	for i := range events {
		h.publish(&experiment.TrainStep{Step: i})
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("%d publishes took %v", events, took)
	}
	h.finish()
	if d := h.dropped.Load(); d < int64(events-jobQueue-clientQueue-keepEvents["train"]) {
		t.Errorf("dropped %d of %d events, want all but the queues' room", d, events)
	}
}

// TestStalledClient: a browser that opens a run's stream and never reads
// does not hold the job up: a run sending an event every batch
// completes, and the events the client could not take are counted as
// dropped.
// stallStream opens run id's event stream like a browser that then stops
// reading: a small receive buffer that nothing drains.
func stallStream(t *testing.T, ts *httptest.Server, id string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c.(*net.TCPConn).SetReadBuffer(4096)
	fmt.Fprintf(c, "GET /api/runs/%s/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", id)
	return c
}

func TestStalledClient(t *testing.T) {
	sv, ts := newTest(t, Settings{ObserveEvery: time.Nanosecond})
	code, m := post(t, ts.URL+"/api/jobs", `{"kind":"train","data":"xor","epochs":30000,"threads":1}`)
	if code != http.StatusCreated {
		t.Fatalf("POST = %d %v", code, m)
	}
	id := m["id"].(string)
	defer stallStream(t, ts, id).Close()
	rn := sv.lookup(id)
	select {
	case <-rn.done:
	case <-time.After(2 * time.Minute):
		t.Fatal("the job did not end with a stalled client")
	}
	info := rn.snapshot()
	if info.State != stateDone {
		t.Fatalf("state %s (%s), want done", info.State, info.Error)
	}
	t.Logf("dropped %d events", info.Dropped)
	if info.Dropped == 0 {
		t.Error("no events dropped for a client that never read")
	}
}

// TestForeignRequests: another site's page may not start jobs through the
// user's browser, nor reach the server under a host name of its own.
func TestForeignRequests(t *testing.T) {
	sv, ts := newTest(t, Settings{})
	body := `{"kind":"train","data":"xor"}`
	for _, tt := range []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"cross-site", map[string]string{"Sec-Fetch-Site": "cross-site", "Content-Type": "text/plain"}, http.StatusForbidden},
		{"other origin", map[string]string{"Origin": "http://evil.example", "Content-Type": "text/plain"}, http.StatusForbidden},
		{"rebound host", map[string]string{"Host": "evil.example:8080"}, http.StatusMisdirectedRequest},
	} {
		req, _ := http.NewRequest("POST", ts.URL+"/api/jobs", strings.NewReader(body))
		for k, v := range tt.header {
			req.Header.Set(k, v)
		}
		if h, ok := tt.header["Host"]; ok {
			req.Host = h
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, resp.StatusCode, tt.want)
		}
	}
	if n := len(sv.ids()); n != 0 {
		t.Errorf("%d jobs started", n)
	}
}

// TestListen: the default is loopback; another interface only when asked.
func TestListen(t *testing.T) {
	if _, err := Listen("0.0.0.0:0", false, nil); err == nil {
		t.Error("Listen(0.0.0.0:0) without public: no error")
	}
	if _, err := Listen("nonsense", false, nil); err == nil {
		t.Error("Listen(nonsense): no error")
	}
	l, err := Listen("127.0.0.1:0", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	var warn strings.Builder
	if l, err := Listen("0.0.0.0:0", true, &warn); err == nil {
		l.Close()
		if !strings.Contains(warn.String(), "warning") {
			t.Errorf("public listen warned %q", warn.String())
		}
	}
}

// FuzzDecodeJobRequest: any body gives a request or a *RequestError,
// never a panic, and a request it accepts names no file.
func FuzzDecodeJobRequest(f *testing.F) {
	f.Add(`{"kind":"train","model":"mlp","data":"xor","epochs":2}`)
	f.Add(`{"kind":"sim","model":"coba","duration":"100ms"}`)
	f.Add(`{"kind":"train","hidden":[1,2]}`)
	f.Add(`{"kind":"sim","model":"brunel","panel":"B","n":-1}`)
	f.Fuzz(func(t *testing.T, body string) {
		q, err := DecodeJobRequest(strings.NewReader(body))
		if err != nil {
			if _, ok := err.(*RequestError); !ok {
				t.Fatalf("error %T %v, want *RequestError", err, err)
			}
			return
		}
		if strings.ContainsAny(q.Model, "/\\") || strings.ContainsAny(q.Data, "/\\") {
			t.Fatalf("accepted a path: %+v", q)
		}
		q.settings("", 1<<30, "test") // checks, never panics
	})
}

// FuzzPush: any body pushed for an attached run answers 200 or 400, never
// a panic, and leaves the run's stream working.
func FuzzPush(f *testing.F) {
	f.Add("{\"kind\":\"train\",\"data\":{\"step\":1}}\n{\"kind\":\"sim\",\"data\":{}}\n")
	f.Add("{\"kind\":\"end\",\"data\":{\"x\":1},\"error\":\"boom\"}\n")
	f.Add("{\"kind\":\"fields\",\"data\":[1,2]}\n")
	f.Add("\n\n{")
	sv, err := New(Settings{Runs: f.TempDir()})
	if err != nil {
		f.Fatal(err)
	}
	h := sv.Handler()
	f.Fuzz(func(t *testing.T, body string) {
		rn := sv.external("train", "fuzz")
		req := httptest.NewRequest("POST", "http://127.0.0.1/api/runs/"+rn.id+"/push", strings.NewReader(body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK && w.Code != http.StatusBadRequest {
			t.Fatalf("push %q: %d", body, w.Code)
		}
		if rn.end(stateStopped, "") {
			rn.close()
		}
	})
}

// TestKeepRuns: the server keeps a bounded number of ended runs in memory;
// the others are listed from their folders.
func TestKeepRuns(t *testing.T) {
	sv, ts := newTest(t, Settings{})
	for range keepRuns + 20 {
		_, _, finish := sv.Attach("train", "mlp")
		finish(map[string]int{"x": 1}, nil)
	}
	_, _, _ = sv.Attach("sim", "coba") // one under way
	sv.mu.Lock()
	n := len(sv.runs)
	sv.mu.Unlock()
	if n > keepRuns+1 {
		t.Errorf("%d runs in memory, want at most %d", n, keepRuns+1)
	}
	resp, err := http.Get(ts.URL + "/api/runs")
	if err != nil {
		t.Fatal(err)
	}
	var runs []RunInfo
	json.NewDecoder(resp.Body).Decode(&runs)
	resp.Body.Close()
	if len(runs) != keepRuns+21 {
		t.Errorf("%d runs listed, want %d", len(runs), keepRuns+21)
	}
	// An evicted run's stream is its record.
	old := runs[len(runs)-1]
	if sv.lookup(old.ID) != nil {
		t.Fatalf("oldest run %s still in memory", old.ID)
	}
	resp, err = http.Get(ts.URL + "/api/runs/" + old.ID + "/events")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(string(b), "event: status\ndata: {") || !strings.Contains(string(b), `"state":"done"`) {
		t.Errorf("events of an evicted run: %q", b)
	}
}
