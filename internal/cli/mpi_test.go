//go:build mpi

package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests run neurite under mpirun: go test -tags mpi ./internal/cli
// (Open MPI: apt-get install openmpi-bin libopenmpi-dev). Without mpirun
// they skip.

// mpiBinary builds neurite with MPI into a temporary folder.
func mpiBinary(t *testing.T) (mpirun, bin string) {
	t.Helper()
	mpirun, err := exec.LookPath("mpirun")
	if err != nil {
		t.Skip("mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev): the MPI tests need it")
	}
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	bin = filepath.Join(t.TempDir(), "neurite")
	cmd := exec.Command(goTool, "build", "-tags", "mpi", "-o", bin, "../../cmd/neurite")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags mpi: %v\n%s", err, out)
	}
	return mpirun, bin
}

// mpiArgs are mpirun's arguments for np ranks on this machine, however
// many cores it has, as whoever runs the tests.
func mpiArgs(np int) []string {
	args := []string{"-np", strconv.Itoa(np), "--oversubscribe"}
	if os.Geteuid() == 0 {
		args = append(args, "--allow-run-as-root")
	}
	return args
}

// TestMPISimMatchesOneProcess runs COBA (spikes exchanged every step),
// Brunel (every 15 steps, its delay) and the cortical microcircuit at 5%
// scale (eight populations, delays drawn per synapse, Poisson background)
// over 1, 2 and 3 ranks: rank 0
// prints the report of one process, plus the ranks and the exchange's
// measurements, and writes the same spike files, byte for byte.
func TestMPISimMatchesOneProcess(t *testing.T) {
	mpirun, bin := mpiBinary(t)
	dir := t.TempDir()
	twoPops := []string{"spikes.csv", "spikes_exc.npy", "spikes_inh.npy"}
	eightPops := []string{"spikes.csv"}
	for _, p := range []string{"L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"} {
		eightPops = append(eightPops, "spikes_"+p+".npy")
	}
	for _, tc := range []struct {
		args   []string
		window float64
		files  []string
	}{
		{[]string{"coba", "--n", "1000", "--duration", "100ms"}, 1, twoPops},
		{[]string{"brunel", "--n", "800", "--panel", "C", "--duration", "200ms"}, 15, twoPops},
		// Delays drawn down to one step: an exchange every step.
		{[]string{"microcircuit", "--scale", "0.05", "--duration", "200ms"}, 1, eightPops},
	} {
		ref := filepath.Join(dir, tc.args[0]+"-ref")
		want := simJSON(t, append(tc.args, "--out", ref, "--seed", "4")...)
		for np := 1; np <= 3; np++ {
			t.Run(fmt.Sprintf("%s/%d", tc.args[0], np), func(t *testing.T) {
				out := filepath.Join(dir, fmt.Sprintf("%s-%d", tc.args[0], np))
				args := append(append(mpiArgs(np), bin, "sim"), tc.args...)
				args = append(args, "--out", out, "--seed", "4", "--threads", "1", "--json")
				var stdout, stderr bytes.Buffer
				cmd := exec.Command(mpirun, args...)
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				if err := cmd.Run(); err != nil {
					t.Fatalf("mpirun: %v\n%s", err, stderr.String())
				}
				var got map[string]any
				if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
					t.Fatalf("stdout is not one JSON object (only rank 0 may print): %v\n%s", err, stdout.String())
				}
				if got["ranks"] != float64(np) || got["comm_seconds"] == nil {
					t.Errorf("ranks %v, comm_seconds %v; want %d and a time", got["ranks"], got["comm_seconds"], np)
				}
				comm, _ := got["comm"].(map[string]any)
				if comm["window_steps"] != tc.window || comm["exchanges"] == 0.0 {
					t.Errorf("comm = %v, want windows of %v steps", comm, tc.window)
				}
				for _, k := range []string{"ranks", "comm_seconds", "comm"} {
					delete(got, k)
				}
				// bytes_per_synapse counts every rank's row pointers.
				got["bytes_per_synapse"] = want["bytes_per_synapse"]
				if d := sameRun(want, got); len(d) > 0 {
					t.Errorf("the report over %d ranks differs from one process's in %v", np, d)
				}
				for _, name := range tc.files {
					a, _ := os.ReadFile(filepath.Join(ref, name))
					b, err := os.ReadFile(filepath.Join(out, name))
					if err != nil || len(a) == 0 || !bytes.Equal(a, b) {
						t.Errorf("%s over %d ranks (%d bytes, %v) differs from one process's (%d bytes)", name, np, len(b), err, len(a))
					}
				}
			})
		}
	}
}

// TestMPIRankDies kills one rank of three in the middle of a long run:
// every rank must be gone within seconds, and mpirun must say which one
// died.
func TestMPIRankDies(t *testing.T) {
	mpirun, bin := mpiBinary(t)
	args := append(mpiArgs(3), bin, "sim", "brunel", "--n", "2000", "--duration", "1000s", "--threads", "1")
	var out bytes.Buffer
	cmd := exec.Command(mpirun, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // to clean up whatever is left
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var ranks []int
	for deadline := time.Now().Add(time.Minute); len(ranks) < 3; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the ranks did not start: %v\n%s", ranks, out.String())
		}
		ranks = children(cmd.Process.Pid)
	}
	time.Sleep(2 * time.Second) // well into the simulation
	if err := syscall.Kill(ranks[1], syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	select {
	case err := <-exited:
		if err == nil {
			t.Fatal("mpirun exited with status 0 after a rank was killed")
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("20 s after a rank was killed, mpirun still runs:\n%s", out.String())
	}
	took := time.Since(killed)
	for _, pid := range ranks {
		if running(pid) {
			t.Errorf("rank process %d still runs after mpirun exited", pid)
		}
	}
	if !strings.Contains(out.String(), "exited on signal 9") {
		t.Errorf("mpirun's output does not say which rank died:\n%s", out.String())
	}
	t.Logf("every rank gone %.1f s after one was killed", took.Seconds())
	if took > 10*time.Second {
		t.Errorf("the job took %v to end after a rank died, want seconds", took)
	}
}

// running reports whether process pid still runs (neither gone nor a
// zombie waiting to be reaped) a second from now.
func running(pid int) bool {
	for deadline := time.Now().Add(time.Second); ; time.Sleep(50 * time.Millisecond) {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return false
		}
		// The state follows the command's closing parenthesis.
		if f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:])); len(f) > 0 && f[0] == "Z" {
			return false
		}
		if time.Now().After(deadline) {
			return true
		}
	}
}

// children returns the processes whose parent is pid.
func children(pid int) []int {
	var kids []int
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		for _, field := range strings.Fields(string(b)) {
			if k, err := strconv.Atoi(field); err == nil {
				kids = append(kids, k)
			}
		}
	}
	return kids
}

// TestMPISimResume: a Brunel run with STDP (a spec file) over two ranks,
// stopped at 0.5 s and resumed over two ranks to 1 s, prints the report
// of a straight 1 s run in one process and writes the same spike files;
// its checkpoint resumed in one process, or over three ranks, is refused
// with one message saying how many processes to use.
func TestMPISimResume(t *testing.T) {
	mpirun, bin := mpiBinary(t)
	dir := t.TempDir()
	spec, err := filepath.Abs("../../experiment/testdata/brunel-stdp.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ref := filepath.Join(dir, "straight")
	want := simJSON(t, spec, "--duration", "1s", "--seed", "2", "--out", ref)
	mpiSim := func(np int, args ...string) (map[string]any, string, error) {
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(mpirun, append(append(mpiArgs(np), bin, "sim"), args...)...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = dir, &stdout, &stderr
		if err := runFor(cmd, time.Minute); err != nil {
			return nil, stderr.String(), err
		}
		var rep map[string]any
		if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
			t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout.String())
		}
		return rep, stderr.String(), nil
	}
	if _, stderr, err := mpiSim(2, spec, "--duration", "500ms", "--seed", "2", "--out", "split", "--checkpoint", "run.ckpt",
		"--checkpoint-every", "200ms", "--threads", "1", "--json"); err != nil {
		t.Fatalf("mpirun: %v\n%s", err, stderr)
	}
	got, stderr, err := mpiSim(2, "--resume", "run.ckpt", "--duration", "1s", "--threads", "1", "--json")
	if err != nil {
		t.Fatalf("mpirun --resume: %v\n%s", err, stderr)
	}
	if got["resumed_from_ms"] != 500.0 || got["ranks"] != 2.0 {
		t.Errorf("resumed from %v ms over %v ranks, want 500 and 2", got["resumed_from_ms"], got["ranks"])
	}
	for _, k := range []string{"ranks", "comm_seconds", "comm"} {
		delete(got, k)
	}
	got["bytes_per_synapse"] = want["bytes_per_synapse"]
	if d := sameRun(want, got); len(d) > 0 || want["spikes"] == 0.0 {
		t.Errorf("the resumed run over 2 ranks differs from a straight run in one process in %v (%v spikes)", d, want["spikes"])
	}
	for _, name := range []string{"spikes.csv", "spikes_exc.npy", "spikes_inh.npy"} {
		a, _ := os.ReadFile(filepath.Join(ref, name))
		b, err := os.ReadFile(filepath.Join(dir, "split", name))
		if err != nil || len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s of the resumed run over 2 ranks (%d bytes, %v) differs from the straight run's (%d bytes)", name, len(b), err, len(a))
		}
	}

	code, _, errOut := run(t, "sim", "--resume", filepath.Join(dir, "run.ckpt"), "--duration", "1s")
	if code == 0 || !strings.Contains(errOut, "written by 2 processes: resume it with mpirun -np 2") {
		t.Errorf("resumed in one process: exit %d, %s", code, errOut)
	}
	_, stderr, err = mpiSim(3, "--resume", "run.ckpt", "--duration", "1s")
	if err == nil || strings.Count(stderr, "written by 2 processes") != 1 {
		t.Errorf("resumed over 3 ranks: %v; want one message saying so:\n%s", err, stderr)
	}
}

// TestMPIOneRankFails gives one rank of two a spec file that does not
// parse (mpirun's MPMD form): the job ends within seconds, saying why
// once, while the other rank waits in the simulation's first exchange.
func TestMPIOneRankFails(t *testing.T) {
	mpirun, bin := mpiBinary(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("populations: [{name: a, model: lif, n: -3}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	spec, _ := filepath.Abs("../../experiment/testdata/brunel-stdp.yaml")
	common := []string{"--duration", "1000s", "--threads", "1"}
	args := append(append(append(mpiArgs(1), bin, "sim", spec), common...), ":")
	args = append(append(append(args, mpiArgs(1)[:2]...), bin, "sim", bad), common...)
	var out bytes.Buffer
	cmd := exec.Command(mpirun, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := runFor(cmd, 30*time.Second)
	took := time.Since(start)
	if err == nil {
		t.Fatalf("the job succeeded:\n%s", out.String())
	}
	if strings.Contains(err.Error(), "still runs") {
		t.Fatalf("%v: a rank hangs after another failed:\n%s", err, out.String())
	}
	if n := strings.Count(out.String(), "neurite: "+bad); n != 1 {
		t.Errorf("the bad spec is reported %d times, want once:\n%s", n, out.String())
	}
	t.Logf("the job ended %.1f s after it started", took.Seconds())
	if took > 15*time.Second {
		t.Errorf("the job took %v to end after a rank failed", took)
	}
}

// runFor runs cmd, killing it and whatever it started after limit.
func runFor(cmd *exec.Cmd, limit time.Duration) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		return fmt.Errorf("mpirun still runs after %v", limit)
	}
}

// TestMPITrain trains an MLP on 3,000 MNIST images data-parallel over two
// ranks with one process's global batch: rank 0 alone prints, its test
// accuracy is within 0.2 points of one process's, and checkpoints pass
// both ways: rank 0's resumes in one process, one process's over two
// ranks, each ending within 0.2 points of the other.
func TestMPITrain(t *testing.T) {
	mpirun, bin := mpiBinary(t)
	dir := t.TempDir()
	common := []string{"--model", "mlp", "--hidden", "64", "--train-samples", "3000", "--test-samples", "1000", "--epochs", "1", "--threads", "1", "--json"}
	accuracy := func(out []byte, ranks float64) float64 {
		t.Helper()
		var rep map[string]any
		if err := json.Unmarshal(out, &rep); err != nil {
			t.Fatalf("stdout is not one JSON object (only rank 0 may print): %v\n%s", err, out)
		}
		if r, _ := rep["ranks"].(float64); r != ranks {
			t.Errorf("ranks %v, want %v", rep["ranks"], ranks)
		}
		return rep["test_accuracy"].(float64)
	}
	one := func(args ...string) float64 {
		t.Helper()
		code, stdout, stderr := run(t, append([]string{"train"}, args...)...)
		if code != 0 {
			t.Fatalf("train %v: exit %d: %s", args, code, stderr)
		}
		return accuracy([]byte(stdout), 0)
	}
	two := func(args ...string) float64 {
		t.Helper()
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(mpirun, append(append(mpiArgs(2), bin, "train"), args...)...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = dir, &stdout, &stderr
		if err := runFor(cmd, 2*time.Minute); err != nil {
			t.Fatalf("mpirun train %v: %v\n%s", args, err, stderr.String())
		}
		return accuracy(stdout.Bytes(), 2)
	}
	near := func(what string, a, b float64) {
		t.Helper()
		t.Logf("%s: %.4f and %.4f", what, a, b)
		if math.Abs(a-b) > 0.002 {
			t.Errorf("%s: test accuracy %.4f over two ranks, %.4f in one process: more than 0.2 points apart", what, a, b)
		}
	}
	oneCk, twoCk := filepath.Join(dir, "one.st"), filepath.Join(dir, "two.st")
	a1 := one(append(common, "--out", oneCk)...)
	a2 := two(append(common, "--out", twoCk)...)
	near("one epoch", a2, a1)
	if a1 < 0.8 {
		t.Fatalf("one epoch reached %.4f only: the comparison proves little", a1)
	}
	// Second epochs: rank 0's checkpoint in one process, one process's
	// over two ranks.
	b1 := one("--resume", twoCk, "--epochs", "2", "--threads", "1", "--json")
	b2 := two("--resume", oneCk, "--epochs", "2", "--threads", "1", "--json")
	near("two epochs, resumed across", b2, b1)
}
