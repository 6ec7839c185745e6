package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.txt")
	if err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "first"); return err }); err != nil {
		t.Fatal(err)
	}
	// A failing writer must leave the previous content and no temp file.
	boom := errors.New("boom")
	err := Write(path, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write with failing writer = %v, want wrapped %v", err, boom)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "first" {
		t.Errorf("after failed write, file holds %q, want %q", got, "first")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only f.txt", len(entries))
	}
	if err := Write(filepath.Join(dir, "new", "sub", "f"), func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }); err != nil {
		t.Errorf("writing into a new directory: %v", err)
	}
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, nil, 0o644)
	if err := Write(filepath.Join(blocker, "f"), func(io.Writer) error { return nil }); err == nil {
		t.Error("writing below a regular file succeeded")
	}
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		err  error
	}{
		{"new file in a folder", CheckFile(filepath.Join(dir, "new.ckpt"))},
		{"new file in a new folder", CheckFile(filepath.Join(dir, "a", "b", "new.ckpt"))},
		{"existing file", CheckFile(file)},
		{"folder", CheckDir(filepath.Join(dir, "out"))},
	} {
		if tt.err != nil {
			t.Errorf("%s: %v", tt.name, tt.err)
		}
	}
	for _, tt := range []struct {
		name string
		err  error
	}{
		{"file under a file", CheckFile(filepath.Join(file, "x.ckpt"))},
		{"a folder as the file", CheckFile(dir)},
		{"a file as the folder", CheckDir(file)},
		{"folder under a file", CheckDir(filepath.Join(file, "out"))},
	} {
		if tt.err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".neurite-check-*")); len(left) > 0 {
		t.Errorf("checks left %v behind", left)
	}
}
