package data

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/neurite/neurite/tensor"
)

// MaxImageSide is the largest width or height, in pixels, that ReadImage
// and ReadInputs accept. The size is read from the file's header and
// checked before any pixel is decoded, so a small file declaring a huge
// image cannot make them allocate.
const MaxImageSide = 4096

// ReadImage decodes a PNG (.png) or PGM (.pgm, binary P5 or plain P2,
// maxval at most 255) file, chosen by the extension, into intensities in
// [0, 1], row by row: a PGM sample v becomes v/maxval; a PNG pixel is
// converted to 8-bit gray by color.GrayModel (luma 0.299·R + 0.587·G +
// 0.114·B of the alpha-premultiplied colour, so transparent pixels are
// black) and divided by 255. It returns an error naming the file for an
// unknown extension, a malformed or truncated file, a PGM sample above
// maxval, and an image wider or taller than MaxImageSide.
func ReadImage(path string) (pixels []float32, w, h int, err error) {
	return readImage(path, nil)
}

// ReadInputs reads the examples a model of width inputs is to be run on:
// an image (.png or .pgm, as ReadImage decodes it) as one example of its
// pixels, which must number width; or a CSV file (.csv) of one example per
// line, every column a feature (ReadCSV with NoLabel), which must have
// width columns. It returns an (examples, width) tensor, or an error
// naming the file and its size when they do not fit; an image's size is
// checked from its header, before its pixels are decoded.
func ReadInputs(path string, width int) (*tensor.Tensor, error) {
	if width <= 0 {
		return nil, fmt.Errorf("data: %s: a model of %d inputs", path, width)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png", ".pgm":
		pix, _, _, err := readImage(path, func(w, h int) error {
			if w*h != width {
				return fmt.Errorf("data: %s is %d×%d (%d pixels); the model takes %d inputs", path, w, h, w*h, width)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		return tensor.FromData(pix, 1, width), nil
	case ".csv":
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		d, err := ReadCSV(f, path, CSVOptions{NoLabel: true})
		if err != nil {
			return nil, err
		}
		if d.Features() != width {
			return nil, fmt.Errorf("data: %s has %d columns; the model takes %d inputs", path, d.Features(), width)
		}
		return d.X, nil
	}
	return nil, fmt.Errorf("data: %s: want a .png, .pgm or .csv file", path)
}

// readImage opens and decodes path by its extension; fits, if not nil,
// vets the declared size before the pixels are decoded.
func readImage(path string, fits func(w, h int) error) ([]float32, int, int, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".png" && ext != ".pgm" {
		return nil, 0, 0, fmt.Errorf("data: %s: want a .png or .pgm image", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, err
	}
	defer f.Close()
	if ext == ".pgm" {
		return decodePGM(bufio.NewReader(f), path, fits)
	}
	return decodePNG(f, path, fits)
}

// checkSize rejects a declared size that is empty, larger than
// MaxImageSide on a side, or that fits refuses.
func checkSize(name string, w, h int, fits func(w, h int) error) error {
	if w <= 0 || h <= 0 || w > MaxImageSide || h > MaxImageSide {
		return fmt.Errorf("data: %s is %d×%d: want 1 to %d pixels a side", name, w, h, MaxImageSide)
	}
	if fits != nil {
		return fits(w, h)
	}
	return nil
}

// decodePNG reads the header for the size, vets it, then rewinds and
// decodes the pixels.
func decodePNG(r io.ReadSeeker, name string, fits func(w, h int) error) ([]float32, int, int, error) {
	cfg, err := png.DecodeConfig(bufio.NewReader(r))
	if err != nil {
		return nil, 0, 0, fmt.Errorf("data: %s: %w", name, err)
	}
	if err := checkSize(name, cfg.Width, cfg.Height, fits); err != nil {
		return nil, 0, 0, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, 0, 0, fmt.Errorf("data: %s: %w", name, err)
	}
	img, err := png.Decode(bufio.NewReader(r))
	if err != nil {
		return nil, 0, 0, fmt.Errorf("data: %s: %w", name, err)
	}
	b := img.Bounds()
	pix := make([]float32, 0, b.Dx()*b.Dy())
	if g, ok := img.(*image.Gray); ok { // the common case, without a colour interface per pixel
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for _, v := range g.Pix[g.PixOffset(b.Min.X, y):g.PixOffset(b.Max.X, y)] {
				pix = append(pix, float32(v)/255)
			}
		}
		return pix, b.Dx(), b.Dy(), nil
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			g := color.GrayModel.Convert(img.At(x, y)).(color.Gray)
			pix = append(pix, float32(g.Y)/255)
		}
	}
	return pix, b.Dx(), b.Dy(), nil
}

// decodePGM reads a binary (P5) or plain (P2) PGM with maxval at most 255
// (Netpbm's format: magic, width, height and maxval separated by
// whitespace, comments from # to the end of a line; in P5 one whitespace
// byte, then a byte per pixel).
func decodePGM(r *bufio.Reader, name string, fits func(w, h int) error) ([]float32, int, int, error) {
	magic, err := pgmToken(r)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("data: %s: PGM header: %w", name, err)
	}
	if magic != "P5" && magic != "P2" {
		return nil, 0, 0, fmt.Errorf("data: %s: not a PGM file (magic %.8q, want P5 or P2)", name, magic)
	}
	var hdr [3]int // width, height, maxval
	for k, what := range []string{"width", "height", "maxval"} {
		tok, err := pgmToken(r)
		if err == nil {
			hdr[k], err = pgmInt(tok)
		}
		if err != nil {
			return nil, 0, 0, fmt.Errorf("data: %s: PGM %s: %w", name, what, err)
		}
	}
	w, h, maxv := hdr[0], hdr[1], hdr[2]
	if maxv <= 0 || maxv > 255 {
		return nil, 0, 0, fmt.Errorf("data: %s: PGM maxval %d: want 1 to 255", name, maxv)
	}
	if err := checkSize(name, w, h, fits); err != nil {
		return nil, 0, 0, err
	}
	pix := make([]float32, w*h)
	if magic == "P5" {
		buf := make([]byte, w*h)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, 0, 0, fmt.Errorf("data: %s: PGM data: %d×%d pixels: %w", name, w, h, err)
		}
		for i, b := range buf {
			if int(b) > maxv {
				return nil, 0, 0, fmt.Errorf("data: %s: PGM pixel %d is %d, above maxval %d", name, i, b, maxv)
			}
			pix[i] = float32(b) / float32(maxv)
		}
		return pix, w, h, nil
	}
	for i := range pix {
		tok, err := pgmToken(r)
		v := 0
		if err == nil {
			v, err = pgmInt(tok)
		}
		if err != nil || v > maxv {
			return nil, 0, 0, fmt.Errorf("data: %s: PGM pixel %d: bad value", name, i)
		}
		pix[i] = float32(v) / float32(maxv)
	}
	return pix, w, h, nil
}

// pgmToken skips whitespace and comments and returns the next token, a
// run of at most 10 non-whitespace bytes. It consumes the one byte that
// ends the token: a P5 raster starts right after the maxval's.
func pgmToken(r *bufio.Reader) (string, error) {
	var tok []byte
	for {
		c, err := r.ReadByte()
		if err == io.EOF && len(tok) > 0 {
			return string(tok), nil
		}
		if err != nil {
			return "", unexpected(err)
		}
		switch {
		case c == '#' && len(tok) == 0:
			if err := skipLine(r); err != nil {
				return "", unexpected(err)
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			if len(tok) > 0 {
				return string(tok), nil
			}
		default:
			if len(tok) == 10 {
				return "", fmt.Errorf("token %.10q… too long", tok)
			}
			tok = append(tok, c)
		}
	}
}

// pgmInt parses a non-negative decimal of at most 10 digits.
func pgmInt(tok string) (int, error) {
	for _, c := range []byte(tok) {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not a non-negative integer", tok)
		}
	}
	return strconv.Atoi(tok)
}

// skipLine reads up to and including the next newline.
func skipLine(r *bufio.Reader) error {
	for {
		_, err := r.ReadSlice('\n')
		if err != bufio.ErrBufferFull { // a line longer than the buffer reads on
			return err
		}
	}
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
