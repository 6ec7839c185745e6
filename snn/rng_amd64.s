//go:build amd64 && !purego

#include "textflag.h"

// 64-bit lanes multiplied by a 64-bit constant, modulo 2⁶⁴, from 32-bit
// products (AVX2 has no 64-bit multiply): x·c = lo(x)·lo(c) +
// (hi(x)·lo(c) + lo(x)·hi(c))·2³². CLO and CHI hold lo(c) and hi(c) in
// the low half of each lane; T1, T2, T3 are scratch.
#define MULC(X, CLO, CHI, T1, T2, T3) \
	VPMULUDQ CLO, X, T1 \
	VPSRLQ $32, X, T2   \
	VPMULUDQ CLO, T2, T2 \
	VPMULUDQ CHI, X, T3 \
	VPADDQ T2, T3, T2   \
	VPSLLQ $32, T2, T2  \
	VPADDQ T1, T2, X

// SplitMix64's finaliser (mix64 in rng.go) on each lane of X.
#define MIX(X, T1, T2, T3) \
	VPSRLQ $30, X, T1             \
	VPXOR T1, X, X                \
	MULC(X, Y12, Y11, T1, T2, T3) \
	VPSRLQ $27, X, T1             \
	VPXOR T1, X, X                \
	MULC(X, Y10, Y9, T1, T2, T3)  \
	VPSRLQ $31, X, T1             \
	VPXOR T1, X, X

DATA uniformLanes<>+0(SB)/8, $0
DATA uniformLanes<>+8(SB)/8, $1
DATA uniformLanes<>+16(SB)/8, $2
DATA uniformLanes<>+24(SB)/8, $3
DATA uniformLanes<>+32(SB)/8, $4
DATA uniformLanes<>+40(SB)/8, $4
DATA uniformLanes<>+48(SB)/8, $4
DATA uniformLanes<>+56(SB)/8, $4
GLOBL uniformLanes<>(SB), RODATA|NOPTR, $64

DATA uniformConsts<>+0(SB)/8, $8
DATA uniformConsts<>+8(SB)/8, $0x1ce4e5b9
DATA uniformConsts<>+16(SB)/8, $0xbf58476d
DATA uniformConsts<>+24(SB)/8, $0x133111eb
DATA uniformConsts<>+32(SB)/8, $0x94d049bb
GLOBL uniformConsts<>(SB), RODATA|NOPTR, $40

// func uniformBitsAVX2(dst *uint64, n int, key, ctr uint64)
//
// dst[i] = mix64(key ^ mix64(ctr+i)) >> 11 for i in [0, n), n a multiple
// of 8: uniform's 53 bits (rng.go), eight counters a loop in two
// independent chains of four lanes.
TEXT ·uniformBitsAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ n+8(FP), CX
	VPBROADCASTQ key+16(FP), Y15
	VPBROADCASTQ ctr+24(FP), Y14
	// Y14 = ctr + (0, 1, 2, 3), Y8 = ctr + (4, 5, 6, 7), Y13 = 8 per lane;
	// the multipliers' halves: Y12, Y11 = lo, hi of 0xbf58476d1ce4e5b9;
	// Y10, Y9 = lo, hi of 0x94d049bb133111eb. The constants come from
	// memory by VEX instructions: moved in from general registers by
	// MOVQ (a legacy SSE instruction), they cost about 1 µs a call on this
	// project's AMD EPYC, which a block of 256 neurons cannot pay.
	VPADDQ       uniformLanes<>+0(SB), Y14, Y14
	VPADDQ       uniformLanes<>+32(SB), Y14, Y8
	VPBROADCASTQ uniformConsts<>+0(SB), Y13
	VPBROADCASTQ uniformConsts<>+8(SB), Y12
	VPBROADCASTQ uniformConsts<>+16(SB), Y11
	VPBROADCASTQ uniformConsts<>+24(SB), Y10
	VPBROADCASTQ uniformConsts<>+32(SB), Y9

loop:
	CMPQ CX, $8
	JLT  done
	VMOVDQU Y14, Y0
	VMOVDQU Y8, Y4
	MIX(Y0, Y1, Y2, Y3)
	MIX(Y4, Y5, Y6, Y7)
	VPXOR Y15, Y0, Y0
	VPXOR Y15, Y4, Y4
	MIX(Y0, Y1, Y2, Y3)
	MIX(Y4, Y5, Y6, Y7)
	VPSRLQ $11, Y0, Y0
	VPSRLQ $11, Y4, Y4
	VMOVDQU Y0, (DI)
	VMOVDQU Y4, 32(DI)
	VPADDQ Y13, Y14, Y14
	VPADDQ Y13, Y8, Y8
	ADDQ $64, DI
	SUBQ $8, CX
	JMP  loop

done:
	VZEROUPPER
	RET
