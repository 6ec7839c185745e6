package experiment

import (
	"context"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/neurite/neurite/snn"
)

// FuzzSimCheckpoint resumes from damaged checkpoints whose checksum still
// matches (the fuzzer's bytes, with their CRC-32C appended), in one
// process and as rank 1 of 2 picking its file from the index: an error or
// a run, never a panic. The seeds are a checkpoint of one process and the
// index of a set written by two ranks.
func FuzzSimCheckpoint(f *testing.F) {
	dir := f.TempDir()
	build := func() *snn.Network {
		net, err := snn.Brunel(80, snn.BrunelPanels["C"], 4)
		if err != nil {
			f.Fatal(err)
		}
		return net
	}
	one := SimSettings{Network: build(), Duration: 20 * time.Millisecond, Checkpoint: filepath.Join(dir, "one.ckpt"), Version: "fuzz"}
	if _, err := Simulate(context.Background(), one); err != nil {
		f.Fatal(err)
	}
	two := SimSettings{Model: "brunel", N: 80, Panel: "C", Duration: 20 * time.Millisecond, Checkpoint: filepath.Join(dir, "two.ckpt"), Version: "fuzz"}
	if _, err := SimulateRanks(context.Background(), two, 2); err != nil {
		f.Fatal(err)
	}
	for _, name := range []string{"one.ckpt", "two.ckpt"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:len(b)-4])
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		path := filepath.Join(dir, "fuzzed.ckpt")
		crc := crc32.Checksum(body, crc32.MakeTable(crc32.Castagnoli))
		if err := os.WriteFile(path, binary.LittleEndian.AppendUint32(append([]byte(nil), body...), crc), 0o644); err != nil {
			t.Fatal(err)
		}
		if ck, err := readSimCheckpoint(path); err == nil {
			if part, err := ck.share(snn.NewLocalCluster(2).Ranks()[1]); err == nil && part == nil {
				t.Error("share returned no checkpoint and no error")
			}
		}
		Simulate(context.Background(), SimSettings{Resume: path, Duration: 30 * time.Millisecond, Version: "fuzz"})
	})
}
