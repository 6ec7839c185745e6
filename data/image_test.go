package data

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// pngBytes encodes img as PNG.
func pngBytes(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withPNGSize returns the PNG b with its header declaring w×h pixels
// (IHDR rewritten, its CRC recomputed), the pixel data left as it was.
func withPNGSize(b []byte, w, h uint32) []byte {
	b = slices.Clone(b)
	// 8-byte signature, 4-byte length, "IHDR", then width and height.
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// imageFixtures writes the test images into a temporary directory and
// returns their paths by name.
func imageFixtures(t *testing.T) map[string]string {
	t.Helper()
	gray := image.NewGray(image.Rect(0, 0, 3, 2))
	copy(gray.Pix, []byte{0, 51, 102, 153, 204, 255})
	rgb := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	for i, c := range []color.NRGBA{{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}, {255, 255, 255, 255}} {
		rgb.SetNRGBA(i%2, i/2, c)
	}
	grayPNG := pngBytes(t, gray)
	p5 := append([]byte("P5\n# a comment\n3 2\n255\n"), 0, 51, 102, 153, 204, 255)
	files := map[string][]byte{
		"gray.png":       grayPNG,
		"rgb.png":        pngBytes(t, rgb),
		"p5.pgm":         p5,
		"p2.pgm":         []byte("P2 3 2 10\n0 2 4\n6 8 10"),
		"maxval.pgm":     append([]byte("P5 2 1 100 "), 50, 100),
		"TRUNC.PNG":      grayPNG[:len(grayPNG)-20],
		"trunc.pgm":      p5[:len(p5)-1],
		"huge.png":       withPNGSize(grayPNG, 100000, 100000),
		"huge.pgm":       []byte("P5 100000 100000 255\n"),
		"overflow.pgm":   []byte("P5 9999999999 9999999999 255\n"),
		"wide.pgm":       []byte("P2 4097 1 255\n0"),
		"zero.pgm":       []byte("P5 0 3 255\n"),
		"maxval0.pgm":    []byte("P5 1 1 0\n\x00"),
		"maxval16.pgm":   []byte("P5 1 1 65535\n\x00\x00"),
		"magic.pgm":      []byte("P6 1 1 255\n\x00\x00\x00"),
		"above.pgm":      []byte("P5 2 1 100\n\x32\xc8"),
		"badp2.pgm":      []byte("P2 2 1 255\n7 x"),
		"p2above.pgm":    []byte("P2 2 1 10\n7 11"),
		"negative.pgm":   []byte("P2 -2 1 10\n7 1"),
		"empty.pgm":      nil,
		"notpng.png":     []byte("P5 1 1 255\n\x00"),
		"inputs.csv":     []byte("0,0.5,1\n0.25,0.75,1\n"),
		"image.jpg":      grayPNG,
		"commentEOF.pgm": []byte("P5 1 1 # no end"),
	}
	dir := t.TempDir()
	paths := map[string]string{}
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		paths[name] = p
	}
	return paths
}

func TestReadImage(t *testing.T) {
	paths := imageFixtures(t)
	// color.GrayModel's luma of pure red, green and blue, by hand:
	// (19595·R + 38470·G + 7471·B + 2¹⁵) >> 24 with 16-bit channels.
	red, green, blue := (19595*65535+1<<15)>>24, (38470*65535+1<<15)>>24, (7471*65535+1<<15)>>24
	tests := []struct {
		name    string
		pix     []float32
		w, h    int
		wantErr string // a substring of the error; empty for success
	}{
		{name: "gray.png", pix: []float32{0, 0.2, 0.4, 0.6, 0.8, 1}, w: 3, h: 2},
		{name: "rgb.png", pix: []float32{float32(red) / 255, float32(green) / 255, float32(blue) / 255, 1}, w: 2, h: 2},
		{name: "p5.pgm", pix: []float32{0, 0.2, 0.4, 0.6, 0.8, 1}, w: 3, h: 2},
		{name: "p2.pgm", pix: []float32{0, 0.2, 0.4, 0.6, 0.8, 1}, w: 3, h: 2},
		{name: "maxval.pgm", pix: []float32{0.5, 1}, w: 2, h: 1},
		{name: "TRUNC.PNG", wantErr: "TRUNC.PNG: png: invalid format: unexpected EOF"},
		{name: "trunc.pgm", wantErr: "trunc.pgm: PGM data: 3×2 pixels: unexpected EOF"},
		{name: "huge.png", wantErr: "huge.png is 100000×100000: want 1 to 4096 pixels a side"},
		{name: "huge.pgm", wantErr: "huge.pgm is 100000×100000: want 1 to 4096"},
		{name: "overflow.pgm", wantErr: "overflow.pgm is 9999999999×9999999999"},
		{name: "wide.pgm", wantErr: "wide.pgm is 4097×1"},
		{name: "zero.pgm", wantErr: "zero.pgm is 0×3"},
		{name: "maxval0.pgm", wantErr: "PGM maxval 0"},
		{name: "maxval16.pgm", wantErr: "PGM maxval 65535: want 1 to 255"},
		{name: "magic.pgm", wantErr: `not a PGM file (magic "P6"`},
		{name: "above.pgm", wantErr: "PGM pixel 1 is 200, above maxval 100"},
		{name: "badp2.pgm", wantErr: "PGM pixel 1: bad value"},
		{name: "p2above.pgm", wantErr: "PGM pixel 1: bad value"},
		{name: "negative.pgm", wantErr: "PGM width"},
		{name: "empty.pgm", wantErr: "PGM header: unexpected EOF"},
		{name: "commentEOF.pgm", wantErr: "PGM maxval: unexpected EOF"},
		{name: "notpng.png", wantErr: "notpng.png: png: invalid format"},
		{name: "image.jpg", wantErr: "want a .png or .pgm image"},
		{name: "missing.png", wantErr: "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := paths[tt.name]
			if path == "" {
				path = filepath.Join(t.TempDir(), tt.name)
			}
			pix, w, h, err := ReadImage(path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n") {
					t.Errorf("ReadImage(%s) = %v, want one line containing %q", tt.name, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadImage(%s): %v", tt.name, err)
			}
			if w != tt.w || h != tt.h || !slices.Equal(pix, tt.pix) {
				t.Errorf("ReadImage(%s) = %v %d×%d, want %v %d×%d", tt.name, pix, w, h, tt.pix, tt.w, tt.h)
			}
		})
	}
}

func TestReadInputs(t *testing.T) {
	paths := imageFixtures(t)
	tests := []struct {
		name, file string
		width      int
		shape      []int
		first      []float32 // the first row
		wantErr    string
	}{
		{name: "png", file: "gray.png", width: 6, shape: []int{1, 6}, first: []float32{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{name: "pgm", file: "p2.pgm", width: 6, shape: []int{1, 6}, first: []float32{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{name: "csv", file: "inputs.csv", width: 3, shape: []int{2, 3}, first: []float32{0, 0.5, 1}},
		{name: "png of the wrong size", file: "gray.png", width: 784, wantErr: "gray.png is 3×2 (6 pixels); the model takes 784 inputs"},
		{name: "pgm of the wrong size", file: "p5.pgm", width: 5, wantErr: "p5.pgm is 3×2 (6 pixels); the model takes 5 inputs"},
		// The size is checked before the pixels: a truncated file of the
		// wrong size reports its size, not its truncation.
		{name: "truncated png of the wrong size", file: "TRUNC.PNG", width: 784, wantErr: "TRUNC.PNG is 3×2 (6 pixels); the model takes 784 inputs"},
		{name: "truncated pgm of the wrong size", file: "trunc.pgm", width: 784, wantErr: "trunc.pgm is 3×2 (6 pixels)"},
		{name: "huge png", file: "huge.png", width: 784, wantErr: "huge.png is 100000×100000: want 1 to 4096"},
		{name: "csv of the wrong width", file: "inputs.csv", width: 4, wantErr: "inputs.csv has 3 columns; the model takes 4 inputs"},
		{name: "jpeg", file: "image.jpg", width: 6, wantErr: "want a .png, .pgm or .csv file"},
		{name: "no inputs", file: "gray.png", width: 0, wantErr: "a model of 0 inputs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := ReadInputs(paths[tt.file], tt.width)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n") {
					t.Errorf("ReadInputs(%s, %d) = %v, want one line containing %q", tt.file, tt.width, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadInputs(%s, %d): %v", tt.file, tt.width, err)
			}
			if !slices.Equal(x.Shape, tt.shape) || !slices.Equal(x.Row(0), tt.first) {
				t.Errorf("ReadInputs(%s, %d) = %v %v, want %v %v", tt.file, tt.width, x.Shape, x.Row(0), tt.shape, tt.first)
			}
		})
	}
}

// TestReadImageColourLikeGrayModel checks the fast path for gray PNGs and
// the general one for colour against color.GrayModel pixel by pixel.
func TestReadImageColourLikeGrayModel(t *testing.T) {
	dir := t.TempDir()
	for _, img := range []image.Image{image.NewGray(image.Rect(0, 0, 7, 5)), image.NewRGBA(image.Rect(0, 0, 7, 5)), image.NewNRGBA64(image.Rect(0, 0, 7, 5))} {
		set := img.(interface{ Set(x, y int, c color.Color) })
		for i := range 35 {
			set.Set(i%7, i/7, color.NRGBA{uint8(37 * i), uint8(91 * i), uint8(13 * i), uint8(255 - 3*i)})
		}
		b := pngBytes(t, img)
		p := filepath.Join(dir, "x.png")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		pix, _, _, err := ReadImage(p)
		if err != nil {
			t.Fatal(err)
		}
		decoded, err := png.Decode(bytes.NewReader(b)) // what the file holds (PNG stores colour unpremultiplied)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range pix {
			want := float32(color.GrayModel.Convert(decoded.At(i%7, i/7)).(color.Gray).Y) / 255
			if v != want {
				t.Errorf("%T pixel %d = %v, want %v", img, i, v, want)
				break
			}
		}
	}
}

func FuzzReadPGM(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzzing is skipped under -short")
	}
	f.Add([]byte("P5\n# c\n3 2\n255\n\x00\x33\x66\x99\xcc\xff"))
	f.Add([]byte("P2 3 2 10\n0 2 4\n6 8 10"))
	f.Add([]byte("P5 100000 100000 255\n"))
	f.Add([]byte("P2 1 1 255 #\n7"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pix, w, h, err := decodePGM(bufio.NewReader(bytes.NewReader(b)), "fuzz.pgm", nil)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error on two lines: %q", err)
			}
			return
		}
		if w < 1 || h < 1 || w > MaxImageSide || h > MaxImageSide || len(pix) != w*h {
			t.Fatalf("decodePGM = %d pixels, %d×%d", len(pix), w, h)
		}
		for i, v := range pix {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("pixel %d = %v, outside [0, 1]", i, v)
			}
		}
	})
}
