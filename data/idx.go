package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// IDX is an array read from the IDX format of the MNIST files (LeCun et
// al.): a magic number naming the element type and the number of
// dimensions, the dimensions as big-endian uint32s, then the elements.
// Only unsigned bytes (type 0x08), the type of every MNIST file, are read.
type IDX struct {
	Dims []int
	Data []byte
}

// maxIDXElements bounds what a header may ask for: 1 GiB of bytes, far
// above MNIST's 47 MB, so a corrupted header cannot make the reader
// allocate without limit.
const maxIDXElements = 1 << 30

// ReadIDX decodes an IDX array. It returns an error naming the problem for
// a bad magic number, an unsupported type, an absurd size or a short file.
func ReadIDX(r io.Reader) (*IDX, error) {
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, fmt.Errorf("data: IDX header: %w", eofErr(err))
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("data: IDX magic %x: first two bytes must be zero", magic)
	}
	if magic[2] != 0x08 {
		return nil, fmt.Errorf("data: IDX element type 0x%02x: only unsigned bytes (0x08) are supported", magic[2])
	}
	nd := int(magic[3])
	if nd == 0 || nd > 8 {
		return nil, fmt.Errorf("data: IDX with %d dimensions: want 1 to 8", nd)
	}
	dims := make([]int, nd)
	total := 1
	for i := range dims {
		var d uint32
		if err := binary.Read(r, binary.BigEndian, &d); err != nil {
			return nil, fmt.Errorf("data: IDX dimension %d: %w", i, eofErr(err))
		}
		dims[i] = int(d)
		if d == 0 || total > maxIDXElements/int(d) {
			return nil, fmt.Errorf("data: IDX dimensions %v…: empty or more than %d elements", dims[:i+1], maxIDXElements)
		}
		total *= int(d)
	}
	// Read in bounded chunks rather than trusting the header with one
	// allocation: a truncated file fails before much memory is spent.
	data := make([]byte, 0, min(total, 1<<20))
	buf := make([]byte, 1<<16)
	for len(data) < total {
		n, err := io.ReadFull(r, buf[:min(len(buf), total-len(data))])
		data = append(data, buf[:n]...)
		if err != nil {
			return nil, fmt.Errorf("data: IDX data: have %d of %d bytes: %w", len(data), total, eofErr(err))
		}
	}
	return &IDX{Dims: dims, Data: data}, nil
}

func eofErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("file ends early")
	}
	return err
}

// ReadIDXFile reads an IDX file, gunzipping it if its name ends in .gz.
func ReadIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReader(f)
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	x, err := ReadIDX(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return x, nil
}
