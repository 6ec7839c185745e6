package tensor

import (
	"fmt"

	"github.com/neurite/neurite/tensor/internal/kernel"
)

// ConvGeom describes a 2-D convolution (or pooling) window over one image of
// C channels, H×W pixels, stored channel-major (C, H, W) as in PyTorch.
type ConvGeom struct {
	C, H, W          int // input channels, height, width
	KH, KW           int // kernel height and width
	StrideH, StrideW int // strides; 0 means 1
	PadH, PadW       int // zero padding on each side
}

func (g ConvGeom) strides() (int, int) { return max(1, g.StrideH), max(1, g.StrideW) }

// OutH returns the output height ⌊(H + 2·PadH − KH)/StrideH⌋ + 1.
func (g ConvGeom) OutH() int { sh, _ := g.strides(); return (g.H+2*g.PadH-g.KH)/sh + 1 }

// OutW returns the output width ⌊(W + 2·PadW − KW)/StrideW⌋ + 1.
func (g ConvGeom) OutW() int { _, sw := g.strides(); return (g.W+2*g.PadW-g.KW)/sw + 1 }

// ColRows returns C·KH·KW, the row count of the im2col matrix.
func (g ConvGeom) ColRows() int { return g.C * g.KH * g.KW }

// ColCols returns OutH·OutW, the column count of the im2col matrix.
func (g ConvGeom) ColCols() int { return g.OutH() * g.OutW() }

// Validate reports a geometry that cannot produce an output.
func (g ConvGeom) Validate() error {
	switch {
	case g.C <= 0 || g.H <= 0 || g.W <= 0:
		return fmt.Errorf("tensor: conv input %d×%d×%d: dimensions must be positive", g.C, g.H, g.W)
	case g.KH <= 0 || g.KW <= 0:
		return fmt.Errorf("tensor: conv kernel %d×%d: dimensions must be positive", g.KH, g.KW)
	case g.StrideH < 0 || g.StrideW < 0 || g.PadH < 0 || g.PadW < 0:
		return fmt.Errorf("tensor: conv stride (%d,%d) and padding (%d,%d) must not be negative", g.StrideH, g.StrideW, g.PadH, g.PadW)
	case g.H+2*g.PadH < g.KH || g.W+2*g.PadW < g.KW:
		return fmt.Errorf("tensor: conv kernel %d×%d larger than padded input %d×%d", g.KH, g.KW, g.H+2*g.PadH, g.W+2*g.PadW)
	}
	return nil
}

func (g ConvGeom) check(op string, img, col []float32, ld, off int) {
	if err := g.Validate(); err != nil {
		panic(err.Error())
	}
	p := g.ColCols()
	if len(img) != g.C*g.H*g.W || ld < p || off < 0 || len(col) < (g.ColRows()-1)*ld+off+p {
		panic(fmt.Sprintf("tensor: %s: image has %d elements, want %d; columns have %d with row stride %d and offset %d, need %d×%d",
			op, len(img), g.C*g.H*g.W, len(col), ld, off, g.ColRows(), p))
	}
}

// Im2Col unfolds img (C, H, W) into col, a (C·KH·KW) × (OutH·OutW) matrix
// whose column j holds the receptive field of output pixel j, with zeros
// where the window overhangs the padding. A convolution with weights W of
// shape (F, C·KH·KW) is then the product W·col (Chellapilla et al. 2006).
// It panics if the geometry is invalid or the slices have the wrong length.
func Im2Col(col, img []float32, g ConvGeom) { Im2ColAt(col, g.ColCols(), 0, img, g) }

// Im2ColAt is Im2Col into columns [off, off+OutH·OutW) of a matrix with row
// stride ld: a batch's images side by side make one wide matrix, so the
// whole batch's convolution is a single GEMM.
func Im2ColAt(col []float32, ld, off int, img []float32, g ConvGeom) {
	g.check("Im2Col", img, col, ld, off)
	sh, sw := g.strides()
	oh, ow := g.OutH(), g.OutW()
	row := 0
	for c := range g.C {
		plane := img[c*g.H*g.W : (c+1)*g.H*g.W]
		for ki := range g.KH {
			for kj := range g.KW {
				out := col[row*ld+off : row*ld+off+oh*ow]
				// Output columns x whose input column x·sw − PadW + kj lies
				// inside the image: [xlo, xhi). Outside, the window reads
				// padding.
				xlo, xhi := validRange(g.PadW-kj, g.W, sw, ow)
				for y := range oh {
					iy := y*sh - g.PadH + ki
					dst := out[y*ow : (y+1)*ow]
					if iy < 0 || iy >= g.H {
						clear(dst)
						continue
					}
					src := plane[iy*g.W : (iy+1)*g.W]
					clear(dst[:xlo])
					clear(dst[xhi:])
					if sw == 1 {
						copy(dst[xlo:xhi], src[xlo-g.PadW+kj:])
						continue
					}
					for x := xlo; x < xhi; x++ {
						dst[x] = src[x*sw-g.PadW+kj]
					}
				}
				row++
			}
		}
	}
}

// Col2Im is the adjoint of Im2Col: it adds every entry of col back into the
// image pixel it was copied from (overlapping windows accumulate), which is
// how a convolution's gradient reaches its input. img is accumulated into,
// not overwritten; clear it first for a plain fold.
// It panics like Im2Col.
func Col2Im(img, col []float32, g ConvGeom) { Col2ImAt(img, col, g.ColCols(), 0, g) }

// Col2ImAt is Col2Im from columns [off, off+OutH·OutW) of a matrix with row
// stride ld (see Im2ColAt).
func Col2ImAt(img, col []float32, ld, off int, g ConvGeom) {
	g.check("Col2Im", img, col, ld, off)
	sh, sw := g.strides()
	oh, ow := g.OutH(), g.OutW()
	row := 0
	for c := range g.C {
		plane := img[c*g.H*g.W : (c+1)*g.H*g.W]
		for ki := range g.KH {
			for kj := range g.KW {
				in := col[row*ld+off : row*ld+off+oh*ow]
				xlo, xhi := validRange(g.PadW-kj, g.W, sw, ow)
				for y := range oh {
					iy := y*sh - g.PadH + ki
					if iy < 0 || iy >= g.H {
						continue
					}
					dst := plane[iy*g.W : (iy+1)*g.W]
					src := in[y*ow : (y+1)*ow]
					if sw == 1 {
						kernel.Axpy(1, src[xlo:xhi], dst[xlo-g.PadW+kj:])
						continue
					}
					for x := xlo; x < xhi; x++ {
						dst[x*sw-g.PadW+kj] += src[x]
					}
				}
				row++
			}
		}
	}
}

// validRange returns the output columns [lo, hi) of a row whose input
// column x·stride − shift falls inside [0, width), clamped to [0, out).
func validRange(shift, width, stride, out int) (int, int) {
	lo := 0
	if shift > 0 {
		lo = (shift + stride - 1) / stride
	}
	last := width - 1 + shift // x·stride ≤ last
	if last < 0 {
		return lo, lo
	}
	hi := min(out, last/stride+1)
	return lo, max(lo, hi)
}
