package atomicfile

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestFileCommitAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "f.npy")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(f, "xxxxdata")
	// A header patched once the content is known.
	if _, err := f.WriteAt([]byte("head"), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("%s exists before Commit (stat: %v)", path, err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "headdata" {
		t.Errorf("committed file = %q, want %q", got, "headdata")
	}
	if err := f.Commit(); err == nil {
		t.Errorf("second Commit = nil, want an error")
	}
	f.Abort() // after Commit: nothing to do

	g, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(g, "partial")
	g.Abort()
	g.Abort()
	if got, _ := os.ReadFile(path); string(got) != "headdata" {
		t.Errorf("after Abort the file = %q, want the committed %q", got, "headdata")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %v, want only f.npy (no temporary file)", names)
	}
}
