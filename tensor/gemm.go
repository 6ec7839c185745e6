package tensor

import (
	"runtime"
	"sync"

	"github.com/neurite/neurite/tensor/internal/kernel"
)

// Transpose says whether a GEMM operand is used as stored or transposed.
type Transpose bool

// The two values of Transpose.
const (
	NoTrans Transpose = false
	Trans   Transpose = true
)

// Cache blocking (Goto & van de Geijn 2008, "Anatomy of high-performance
// matrix multiplication"): a kc×NR panel of packed B stays in L1 while the
// micro-kernel sweeps an mc×kc block of packed A held in L2; a kc×nc block
// of B sits in L3. Sizes are multiples of the register tile.
const (
	mr = kernel.MR
	nr = kernel.NR
	kc = 256
	mc = 16 * mr // 64 rows: 64 KiB of packed A
	nc = 256 * nr
)

// directMaxRows is the largest M the direct path serves: for batch-1
// inference and single LSTM steps, packing B would cost as much as the
// product itself, so rows of C are built from vector kernels instead.
const directMaxRows = 4

// isReduction reports a product that is really a few long dot products:
// rows of A and of B both contiguous along k, few outputs, k long (a
// convolution's weight gradient sums over a whole batch of pixels).
// Packing would copy both operands to compute little; gemm.reduction
// reads each once, a cache-sized slice of k at a time.
func isReduction(tA, tB Transpose, m, n, k int) bool {
	return tA == NoTrans && tB == Trans && m*n <= 4096 && k >= 1024
}

// Gemm computes C = alpha·op(A)·op(B) + beta·C, where op(X) is X or Xᵀ as
// tA and tB say, op(A) is m×k, op(B) is k×n and C is m×n. All three are
// row-major with leading dimensions (row strides) lda, ldb and ldc.
//
// When beta is 0, C is not read, so NaNs in C do not reach the result. The
// work is split over runtime.GOMAXPROCS(0) goroutines by blocks of C, never by
// k, and every element of C is summed in the same order whatever the split,
// so the result is bit-for-bit the same for any GOMAXPROCS.
//
// Gemm panics if a dimension is negative, a leading dimension is smaller
// than its row length, or a slice is too short for its matrix.
func Gemm(tA, tB Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic("tensor: Gemm: negative dimension")
	}
	ar, ac := m, k
	if tA {
		ar, ac = k, m
	}
	br, bc := k, n
	if tB {
		br, bc = n, k
	}
	checkMatrix("A", ar, ac, a, lda)
	checkMatrix("B", br, bc, b, ldb)
	checkMatrix("C", m, n, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scaleMatrix(beta, m, n, c, ldc)
		return
	}
	g := gemm{tA: tA, tB: tB, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc}
	if isReduction(tA, tB, m, n, k) {
		g.reduction(m, n)
		return
	}
	if m <= directMaxRows {
		g.direct(0, m, 0, n)
		return
	}
	g.parallel(m, n, runtime.GOMAXPROCS(0))
}

func checkMatrix(name string, rows, cols int, s []float32, ld int) {
	if ld < max(1, cols) {
		panic("tensor: Gemm: leading dimension of " + name + " smaller than its row length")
	}
	if rows > 0 && cols > 0 && len(s) < (rows-1)*ld+cols {
		panic("tensor: Gemm: slice of " + name + " too short for its shape")
	}
}

// scaleMatrix sets C = beta·C; beta = 0 writes zeros without reading C.
func scaleMatrix(beta float32, m, n int, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// gemm holds one call's operands; its methods compute sub-blocks of C.
type gemm struct {
	tA, tB Transpose
	k      int
	alpha  float32
	a      []float32
	lda    int
	b      []float32
	ldb    int
	beta   float32
	c      []float32
	ldc    int
	packed *PackedB // B already packed (GemmPacked), or nil
}

// minFlopsPerThread keeps small products on one goroutine: handing work to
// another costs more than it saves below a few million flops per thread
// (measured on a 784-128-10 MLP epoch, whose GEMMs are 1–13 MFLOP, on 2
// threads: 0.9 s split, 0.8 s unsplit). Large products still use every
// core.
const minFlopsPerThread = 1 << 23

// parallel splits C into at most threads bands and computes them
// concurrently. Each band packs its own copy of the operand it shares with
// the others (all of B for a band of rows, all of A for a band of columns),
// so the split runs along the dimension whose shared operand is smaller:
// rows when m ≥ n. Bands are aligned to register tiles.
func (g *gemm) parallel(m, n, threads int) {
	work := 2 * m * n * g.k
	threads = max(1, min(threads, work/minFlopsPerThread))
	rowTiles, colTiles := ceilDiv(m, mr), ceilDiv(n, nr)
	byRows := m >= n
	tiles := colTiles
	if byRows {
		tiles = rowTiles
	}
	bands(tiles, min(threads, tiles), func(lo, hi int) {
		if byRows {
			g.blocked(lo*mr, min(hi*mr, m), 0, n)
		} else {
			g.blocked(0, m, lo*nr, min(hi*nr, n))
		}
	})
}

// bands splits [0, count) into threads contiguous ranges and runs f on
// each in its own goroutine (on the caller's when threads ≤ 1), returning
// when all are done.
func bands(count, threads int, f func(lo, hi int)) {
	if threads <= 1 {
		f(0, count)
		return
	}
	var wg sync.WaitGroup
	for t := range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(count*t/threads, count*(t+1)/threads)
		}()
	}
	wg.Wait()
}

// packBuffers are reused across calls; the pool keeps one set per goroutine
// in flight rather than allocating megabytes per product.
type packBuffers struct{ a, b []float32 }

var packPool = sync.Pool{New: func() any { return new(packBuffers) }}

// blocked computes rows [i0,i1) and columns [j0,j1) of C with the GotoBLAS
// loop nest: jc over nc-wide column blocks, pc over kc-deep slices of k
// (packing B), ic over mc-tall row blocks (packing A), then the macro-kernel
// over register tiles. When beta is 0 the first slice stores into C rather
// than adding to it, which saves clearing C first.
//
// B is packed so that the panels every row block reads again come from a
// compact, cache-resident copy. When there is a single row block (a thin
// product such as a convolution's few filters times a batch of pixels) each
// panel is read once, so copying it would only add a pass over B: the
// micro-kernel then reads B where it lies, and only a ragged last panel is
// padded.
func (g *gemm) blocked(i0, i1, j0, j1 int) {
	if g.beta != 0 {
		scaleMatrix(g.beta, i1-i0, j1-j0, g.c[i0*g.ldc+j0:], g.ldc)
	}
	bufs := packPool.Get().(*packBuffers)
	defer packPool.Put(bufs)
	inPlace := g.tB == NoTrans && g.packed == nil && i1-i0 <= mc
	var edge [mr * nr]float32
	for jc := j0; jc < j1; jc += nc {
		ncur := min(nc, j1-jc)
		for pc := 0; pc < g.k; pc += kc {
			kcur := min(kc, g.k-pc)
			b := panels{data: g.packed.block(jc, pc), ld: nr, packed: true}
			switch {
			case inPlace:
				b = panels{data: g.b[pc*g.ldb+jc:], ld: g.ldb}
				if rem := ncur % nr; rem != 0 {
					bufs.b = grow(bufs.b, kcur*nr)
					g.packB(bufs.b, pc, kcur, jc+ncur-rem, rem)
					b.ragged = bufs.b
				}
			case b.data == nil:
				bufs.b = grow(bufs.b, kcur*roundUp(ncur, nr))
				g.packB(bufs.b, pc, kcur, jc, ncur)
				b.data = bufs.b
			}
			store := pc == 0 && g.beta == 0
			for ic := i0; ic < i1; ic += mc {
				mcur := min(mc, i1-ic)
				bufs.a = grow(bufs.a, kcur*roundUp(mcur, mr))
				g.packA(bufs.a, ic, mcur, pc, kcur)
				g.macro(bufs.a, b, ic, mcur, jc, ncur, kcur, store, &edge)
			}
		}
	}
}

// panels locates the k×NR panels of B for one kc×nc block: packed one after
// the other (ld = NR), or in place in B with row stride ld, the last
// panel, when narrower than NR, packed with zero padding into ragged.
type panels struct {
	data   []float32
	ld     int
	packed bool
	ragged []float32
}

// macro runs the micro-kernel over every register tile of an mcur×ncur block
// of C, adding to C or, with store, overwriting it. Edge tiles are computed
// in full (packing padded them with zeros) into a scratch tile, then copied
// to C, so they round exactly like inner ones.
func (g *gemm) macro(ap []float32, b panels, ic, mcur, jc, ncur, kcur int, store bool, edge *[mr * nr]float32) {
	for jr := 0; jr < ncur; jr += nr {
		nn := min(nr, ncur-jr)
		bpanel, ldb := b.data, b.ld
		switch {
		case b.packed:
			bpanel = b.data[jr*kcur : (jr+nr)*kcur]
		case nn < nr:
			bpanel = b.ragged
			ldb = nr
		default:
			bpanel = b.data[jr:]
		}
		for ir := 0; ir < mcur; ir += mr {
			apanel := ap[ir*kcur : (ir+mr)*kcur]
			mm := min(mr, mcur-ir)
			cOff := (ic+ir)*g.ldc + jc + jr
			if mm == mr && nn == nr {
				kernel.Micro(kcur, apanel, bpanel, ldb, g.c[cOff:], g.ldc, store)
				continue
			}
			kernel.Micro(kcur, apanel, bpanel, ldb, edge[:], nr, true)
			for r := range mm {
				crow := g.c[cOff+r*g.ldc : cOff+r*g.ldc+nn]
				tile := edge[r*nr : r*nr+nn]
				if store {
					copy(crow, tile)
					continue
				}
				for j := range crow {
					crow[j] += tile[j]
				}
			}
		}
	}
}

// packA copies rows [ic, ic+mcur) and depths [pc, pc+kcur) of alpha·op(A)
// into MR-row panels, k-major, zero-padding the last panel. Both loops read
// A along its rows: A stored transposed gives, at each depth, a contiguous
// run of op(A)'s column that is dealt out to the panels; A stored as is
// gives MR rows that are interleaved into one panel.
func (g *gemm) packA(dst []float32, ic, mcur, pc, kcur int) {
	alpha := g.alpha
	full := mcur / mr * mr
	if g.tA {
		for p := range kcur {
			src := g.a[(pc+p)*g.lda+ic : (pc+p)*g.lda+ic+mcur]
			for ir := 0; ir < full; ir += mr {
				out := dst[ir*kcur+p*mr : ir*kcur+p*mr+mr : ir*kcur+p*mr+mr]
				in := src[ir : ir+mr : ir+mr]
				out[0], out[1], out[2], out[3] = alpha*in[0], alpha*in[1], alpha*in[2], alpha*in[3]
			}
			if full < mcur {
				out := dst[full*kcur+p*mr : full*kcur+p*mr+mr]
				for r := range out {
					out[r] = 0
					if full+r < mcur {
						out[r] = alpha * src[full+r]
					}
				}
			}
		}
		return
	}
	for ir := 0; ir < full; ir += mr {
		panel := dst[ir*kcur : (ir+mr)*kcur]
		row := (ic+ir)*g.lda + pc
		a0 := g.a[row : row+kcur]
		a1 := g.a[row+g.lda : row+g.lda+kcur][:len(a0)]
		a2 := g.a[row+2*g.lda : row+2*g.lda+kcur][:len(a0)]
		a3 := g.a[row+3*g.lda : row+3*g.lda+kcur][:len(a0)]
		for p, v := range a0 {
			out := panel[p*mr : p*mr+mr : p*mr+mr]
			out[0], out[1], out[2], out[3] = alpha*v, alpha*a1[p], alpha*a2[p], alpha*a3[p]
		}
	}
	if full < mcur {
		panel := dst[full*kcur : (full+mr)*kcur]
		for r := range mr {
			if full+r >= mcur {
				for p := range kcur {
					panel[p*mr+r] = 0
				}
				continue
			}
			src := g.a[(ic+full+r)*g.lda+pc : (ic+full+r)*g.lda+pc+kcur]
			for p, v := range src {
				panel[p*mr+r] = alpha * v
			}
		}
	}
}

// packB copies depths [pc, pc+kcur) and columns [jc, jc+ncur) of op(B) into
// NR-column panels, k-major, zero-padding the last panel.
func (g *gemm) packB(dst []float32, pc, kcur, jc, ncur int) {
	for jr := 0; jr < ncur; jr += nr {
		panel := dst[jr*kcur : (jr+nr)*kcur]
		cols := min(nr, ncur-jr)
		if g.tB {
			// op(B)[p][j] = B[j][p]: column j of the panel is row jc+jr+j
			// of B. Transposing in blocks of 16 depths reads each row a
			// cache line at a time while the block being written stays in
			// L1.
			const block = 16
			for p0 := 0; p0 < kcur; p0 += block {
				p1 := min(p0+block, kcur)
				for j := range cols {
					row := g.b[(jc+jr+j)*g.ldb+pc+p0 : (jc+jr+j)*g.ldb+pc+p1]
					for q, v := range row {
						panel[(p0+q)*nr+j] = v
					}
				}
				if cols < nr {
					for p := p0; p < p1; p++ {
						clear(panel[p*nr+cols : p*nr+nr])
					}
				}
			}
			continue
		}
		for p := range kcur {
			src := g.b[(pc+p)*g.ldb+jc+jr:]
			out := panel[p*nr : p*nr+nr]
			copy(out, src[:cols])
			clear(out[cols:])
		}
	}
}

// direct computes rows [i0,i1) and columns [j0,j1) of C without packing,
// one row of C at a time: as a sum of scaled rows of B (axpy) when B is
// stored k×n, or as dot products with rows of B when it is stored n×k.
func (g *gemm) direct(i0, i1, j0, j1 int) {
	n := j1 - j0
	var gathered []float32 // a row of op(A) when A is stored transposed
	if g.tA && g.tB {
		gathered = make([]float32, g.k)
	}
	for i := i0; i < i1; i++ {
		crow := g.c[i*g.ldc+j0 : i*g.ldc+j0+n]
		if !g.tB {
			scaleMatrix(g.beta, 1, n, crow, n)
			for p := range g.k {
				kernel.Axpy(g.alpha*g.opA(i, p), g.b[p*g.ldb+j0:p*g.ldb+j0+n], crow)
			}
			continue
		}
		rowA := gathered
		if g.tA {
			for p := range g.k {
				rowA[p] = g.a[p*g.lda+i]
			}
		} else {
			rowA = g.a[i*g.lda : i*g.lda+g.k]
		}
		for j := range crow {
			d := g.alpha * kernel.Dot(rowA, g.b[(j0+j)*g.ldb:(j0+j)*g.ldb+g.k])
			if g.beta == 0 {
				crow[j] = d
			} else {
				crow[j] = g.beta*crow[j] + d
			}
		}
	}
}

// reductionBlock is the depth of the slices reduction sums at a time: the
// rows of A in a slice (m·4 KiB) stay in cache while B streams by once.
const reductionBlock = 1024

// reduction computes C for isReduction shapes as m·n dot products over
// k, summed slice by slice in a fixed order. Columns of C are split over
// goroutines; each element is still summed by one of them in that order,
// so the split never changes a bit.
func (g *gemm) reduction(m, n int) {
	acc := make([]float32, m*n)
	columns := func(j0, j1 int) {
		for p0 := 0; p0 < g.k; p0 += reductionBlock {
			p1 := min(p0+reductionBlock, g.k)
			for j := j0; j < j1; j++ {
				bj := g.b[j*g.ldb+p0 : j*g.ldb+p1]
				for i := range m {
					acc[i*n+j] += kernel.Dot(g.a[i*g.lda+p0:i*g.lda+p1], bj)
				}
			}
		}
	}
	bands(n, min(runtime.GOMAXPROCS(0), n, 2*m*n*g.k/minFlopsPerThread), columns)
	for i := range m {
		crow := g.c[i*g.ldc : i*g.ldc+n]
		for j := range crow {
			v := g.alpha * acc[i*n+j]
			if g.beta != 0 {
				v += g.beta * crow[j]
			}
			crow[j] = v
		}
	}
}

func (g *gemm) opA(i, p int) float32 {
	if g.tA {
		return g.a[p*g.lda+i]
	}
	return g.a[i*g.lda+p]
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func roundUp(a, b int) int { return ceilDiv(a, b) * b }

// KernelName names the GEMM micro-kernel this process uses: "avx2-fma" for
// the assembly kernel, "go" for the portable one.
func KernelName() string {
	if kernel.Accelerated() {
		return "avx2-fma"
	}
	return "go"
}

// PackedB is a right-hand operand op(B) packed once for many products: a
// recurrent layer multiplies by the same weights at every time step, and
// packing them each time would cost as much as the product.
type PackedB struct {
	tB   Transpose
	k, n int
	b    []float32 // the original, for products too small to use the packing
	ldb  int
	data []float32
	offs map[[2]int]int // (jc, pc) block → offset into data
}

// PackB packs op(B) (k × n) for GemmPacked. The packing is a copy: later
// changes to b are not seen. It panics like Gemm on bad shapes.
func PackB(tB Transpose, k, n int, b []float32, ldb int) *PackedB {
	br, bc := k, n
	if tB {
		br, bc = n, k
	}
	checkMatrix("B", br, bc, b, ldb)
	p := &PackedB{tB: tB, k: k, n: n, b: b, ldb: ldb, offs: map[[2]int]int{}}
	g := gemm{tB: tB, k: k, b: b, ldb: ldb}
	for jc := 0; jc < n; jc += nc {
		ncur := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kcur := min(kc, k-pc)
			p.offs[[2]int{jc, pc}] = len(p.data)
			start := len(p.data)
			p.data = append(p.data, make([]float32, kcur*roundUp(ncur, nr))...)
			g.packB(p.data[start:], pc, kcur, jc, ncur)
		}
	}
	return p
}

// block returns the packed panels of column block jc and depth block pc,
// or nil when there is no packing.
func (p *PackedB) block(jc, pc int) []float32 {
	if p == nil {
		return nil
	}
	return p.data[p.offs[[2]int{jc, pc}]:]
}

// GemmPacked computes C = alpha·op(A)·op(B) + beta·C with op(B) packed by
// PackB: the same result, bit for bit, as Gemm. Work is split over
// GOMAXPROCS goroutines by rows of C.
func GemmPacked(tA Transpose, m int, alpha float32, a []float32, lda int, pb *PackedB, beta float32, c []float32, ldc int) {
	n, k := pb.n, pb.k
	ar, ac := m, k
	if tA {
		ar, ac = k, m
	}
	checkMatrix("A", ar, ac, a, lda)
	checkMatrix("C", m, n, c, ldc)
	if m <= 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 || m <= directMaxRows || isReduction(tA, pb.tB, m, n, k) {
		Gemm(tA, pb.tB, m, n, k, alpha, a, lda, pb.b, pb.ldb, beta, c, ldc)
		return
	}
	g := gemm{tA: tA, tB: pb.tB, k: k, alpha: alpha, a: a, lda: lda, b: pb.b, ldb: pb.ldb, beta: beta, c: c, ldc: ldc, packed: pb}
	tiles := ceilDiv(m, mr)
	bands(tiles, min(runtime.GOMAXPROCS(0), 2*m*n*k/minFlopsPerThread, tiles), func(lo, hi int) {
		g.blocked(lo*mr, min(hi*mr, m), 0, n)
	})
}
