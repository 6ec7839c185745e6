//go:build amd64 && !purego

#include "textflag.h"

// func scatterAddPrefetch(buf *float32, idx *uint32, w *float32, n int)
//
// For k in [0, n): buf[idx[k]] += w[k], in order (scatter.go), with a
// PREFETCHT0 of buf[idx[k+16]] (scatterAhead) so that the entry is in
// cache when its turn comes. ADDSS adds the same float32s as Go's +=.
TEXT ·scatterAddPrefetch(SB), NOSPLIT, $0-32
	MOVQ buf+0(FP), DI
	MOVQ idx+8(FP), SI
	MOVQ w+16(FP), DX
	MOVQ n+24(FP), CX
	XORQ R8, R8

loop:
	CMPQ R8, CX
	JGE  done
	MOVL 64(SI)(R8*4), R9      // idx[k+16], zero-extended
	PREFETCHT0 (DI)(R9*4)
	MOVL (SI)(R8*4), AX        // idx[k]
	MOVSS (DI)(AX*4), X0
	ADDSS (DX)(R8*4), X0
	MOVSS X0, (DI)(AX*4)
	INCQ R8
	JMP  loop

done:
	RET
