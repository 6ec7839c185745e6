package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// hostile is one bad request: the command line, and what neurite must
// answer — an exit status (1 or 2) and a phrase of its one-line message.
type hostile struct {
	args []string
	code int
	want string
}

// hostileCases are requests a user gets wrong. Each needs nothing but the
// files setupHostile writes, and none runs long: refusals come before work.
var hostileCases = []hostile{
	// Usage mistakes exit 2 and name the flag.
	{[]string{"train", "--activation", "bogus", "--data", "xor"}, 2, "--activation bogus"},
	{[]string{"train", "--dropout", "1.5", "--data", "xor"}, 2, "--dropout 1.5"},
	{[]string{"train", "--data", "banana"}, 2, "--data banana"},
	{[]string{"train", "--optimizer", "rmsprop", "--data", "xor"}, 2, "--optimizer rmsprop"},
	{[]string{"train", "--val-split", "1", "--data", "xor"}, 2, "--val-split 1"},
	{[]string{"train", "--epochs", "0"}, 2, "--epochs 0"},
	{[]string{"train", "--lr", "-1", "--data", "xor"}, 2, "--lr -1"},
	{[]string{"train", "--lr", "NaN", "--data", "xor"}, 2, "--lr NaN"},
	{[]string{"train", "--hidden", "12,x"}, 2, "--hidden"},
	{[]string{"train", "--labels", "3-12", "--data", "xor"}, 2, "--labels 3-12"},
	{[]string{"train", "--freeze", "1", "--data", "xor"}, 2, "--freeze 1: needs --init"},
	{[]string{"train", "--model", "lenet9"}, 2, "--model lenet9"},
	{[]string{"train", "--momentum", "1", "--data", "xor"}, 2, "--momentum 1"},
	{[]string{"train", "--threads", "0"}, 2, "--threads 0"},
	{[]string{"train", "--max-memory", "lots"}, 2, "--max-memory lots"},
	{[]string{"sim", "brunel", "--panel", "Z"}, 2, "--panel Z"},
	{[]string{"sim", "coba", "--duration", "-1s"}, 2, "--duration"},
	{[]string{"sim", "coba", "--duration", "0"}, 2, "--duration 0"},
	{[]string{"sim", "bogus"}, 2, `model "bogus"`},
	{[]string{"sim"}, 2, "sim needs one model name"},
	{[]string{"sim", "coba", "--raster", "r.gif"}, 2, "--raster r.gif"},
	{[]string{"convert", "--model", "m.ckpt", "--percentile", "200"}, 2, "--percentile 200"},
	{[]string{"convert", "--model", "m.ckpt", "--percentile", "0"}, 2, "--percentile 0"},
	{[]string{"convert", "--model", "m.ckpt", "--input", "banana"}, 2, "--input banana"},
	{[]string{"convert"}, 2, "--model"},
	{[]string{"eval"}, 2, "--model"},
	{[]string{"eval", "--model", "m.ckpt", "--data", "banana"}, 2, "--data banana"},
	{[]string{"predict", "--model", "m.ckpt"}, 2, "--input"},
	{[]string{"attack"}, 2, "--model"},
	{[]string{"attack", "--model", "m.ckpt", "--method", "deepfool"}, 2, "--method deepfool"},
	{[]string{"attack", "--model", "m.ckpt", "--eps", "2"}, 2, "--eps 2"},
	{[]string{"attack", "--model", "m.ckpt", "--method", "fgsm", "--steps", "9"}, 2, "--steps 9"},
	{[]string{"train", "--data", "xor", "--adversarial", "cw", "--eps", "0.1"}, 2, "--adversarial cw"},
	{[]string{"compare", "--only", "telepathy"}, 2, "--only"},
	{[]string{"compare", "--profile", "huge"}, 2, "--profile"},
	{[]string{"graph", "bogus"}, 2, "bogus"},
	{[]string{"serve", "--listen", "nonsense"}, 2, "--listen nonsense"},
	{[]string{"serve", "--listen", "127.0.0.1:99999"}, 2, "--listen 127.0.0.1:99999"},
	{[]string{"serve", "--runs", "afile"}, 2, "--runs afile"},
	{[]string{"serve", "--max-jobs", "0"}, 2, "--max-jobs 0"},
	{[]string{"serve", "--max-memory", "lots"}, 2, "--max-memory lots"},
	{[]string{"train", "--data", "xor", "--live=ftp://x"}, 2, "--live ftp://x"},
	{[]string{"sim", "coba", "--live=nowhere"}, 2, "--live nowhere"},
	{[]string{"train", "--data", "xor", "--live", "http://127.0.0.1:1"}, 1, "--live http://127.0.0.1:1"},
	{[]string{"bench", "bogus"}, 2, "bogus"},
	{[]string{"frobnicate"}, 2, "unknown command"},
	// Outputs that cannot be written are refused before any work.
	{[]string{"compare", "--out", "afile"}, 2, "--out afile"},
	{[]string{"train", "--data", "xor", "--out", "afile/x.ckpt"}, 2, "--out afile/x.ckpt"},
	{[]string{"sim", "coba", "--out", "afile/spikes"}, 2, "--out afile/spikes"},
	{[]string{"sim", "coba", "--raster", "afile/r.svg"}, 2, "--raster afile/r.svg"},
	{[]string{"graph", "smallworld", "--n", "100", "--plot", "afile/d.svg"}, 2, "--plot afile/d.svg"},
	{[]string{"attack", "--model", "m.ckpt", "--out", "afile/adv"}, 2, "--out afile/adv"},
	// Files that are missing or not what they claim exit 1 and name the file.
	{[]string{"train", "--data", "nope.csv"}, 1, "nope.csv"},
	{[]string{"eval", "--model", "missing.ckpt"}, 1, "missing.ckpt"},
	{[]string{"convert", "--model", "afile"}, 1, "afile"},
	{[]string{"attack", "--model", "afile"}, 1, "afile"},
	{[]string{"attack", "--model", "missing.ckpt"}, 1, "missing.ckpt"},
	{[]string{"predict", "--model", "afile", "--input", "x.png"}, 1, "afile"},
	{[]string{"sim", "missing.yaml"}, 1, "missing.yaml"},
	{[]string{"train", "--model", "bad.yaml", "--data", "xor"}, 1, "bad.yaml"},
}

// setupHostile makes the working folder the cases expect: afile is a
// plain file (so afile/x cannot be created), bad.yaml a spec that does
// not parse.
func setupHostile(t *testing.T) {
	t.Helper()
	t.Chdir(t.TempDir())
	for name, body := range map[string]string{"afile": "not a model", "bad.yaml": "inputs: [\n"} {
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkAnswer asserts what every refusal must look like: the expected
// status, one "neurite: …" line (and at most the pointer to --help after
// it), no Go panic or runtime error, and no output file left behind.
func checkAnswer(t *testing.T, args []string, code int, stderr string, want hostile, before []string) {
	t.Helper()
	if code != want.code {
		t.Errorf("%v: exit %d, want %d (stderr %q)", args, code, want.code, stderr)
	}
	for _, bad := range []string{"panic", "goroutine ", "fatal error", "runtime error"} {
		if strings.Contains(stderr, bad) {
			t.Fatalf("%v: %q in stderr:\n%s", args, bad, stderr)
		}
	}
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	at := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "neurite: ") })
	switch {
	case at < 0:
		t.Errorf("%v: no \"neurite: \" line in %q", args, stderr)
	case !strings.Contains(lines[at], want.want):
		t.Errorf("%v: message %q does not contain %q", args, lines[at], want.want)
	case len(lines)-at > 2 || len(lines)-at == 2 && !strings.HasPrefix(lines[at+1], "Run '"):
		t.Errorf("%v: more than one line after the message: %q", args, lines[at:])
	case want.code == 2 && len(lines)-at != 2:
		t.Errorf("%v: a usage error without the pointer to --help: %q", args, lines[at:])
	}
	after, _ := filepath.Glob("*")
	if extra := slices.DeleteFunc(after, func(f string) bool { return slices.Contains(before, f) }); len(extra) > 0 {
		t.Errorf("%v: left %v behind", args, extra)
	}
}

// TestHostileInputs runs every bad request in hostileCases.
func TestHostileInputs(t *testing.T) {
	for _, tt := range hostileCases {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			setupHostile(t)
			before, _ := filepath.Glob("*")
			code, _, stderr := run(t, tt.args...)
			checkAnswer(t, tt.args, code, stderr, tt, before)
		})
	}
}

// FuzzArgs runs neurite on argument lists made of the hostile cases' words
// and whatever the fuzzer adds, under a context already cancelled (so a
// request that is accepted stops at its first check instead of running)
// and a small memory limit: no argument list may crash the process or
// leave it without a one-line answer.
func FuzzArgs(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzzing: not in -short")
	}
	for _, c := range hostileCases {
		f.Add(strings.Join(c.args, "\x00"))
	}
	f.Add("sim\x00coba\x00--n\x0010000000000")
	f.Add("graph\x00random\x00--n\x0020000\x00--p\x001")
	f.Add("train\x00--batch\x00100000000\x00--train-samples\x001000")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f.Fuzz(func(t *testing.T, joined string) {
		args := strings.Split(joined, "\x00")
		if len(args) > 32 || len(joined) > 512 {
			return
		}
		for _, a := range args {
			// Commands that write into the working folder or read the
			// whole comparison are exercised by the table, not here.
			if a == "compare" || strings.HasPrefix(a, "--out") || strings.HasPrefix(a, "--raster") || strings.HasPrefix(a, "--plot") {
				return
			}
		}
		t.Chdir(t.TempDir()) // an interrupted training run writes its checkpoint here
		args = append(args, "--max-memory", "256MiB", "--threads", "1")
		var stdout, stderr bytes.Buffer
		code := execute(ctx, args, &stdout, &stderr)
		if code != 0 && code != 1 && code != 2 {
			t.Fatalf("%q: exit %d", args, code)
		}
		if code != 0 && !strings.Contains(stderr.String(), "neurite: ") {
			t.Fatalf("%q: exit %d without a message: %q", args, code, stderr.String())
		}
	})
}
