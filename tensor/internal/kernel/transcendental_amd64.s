//go:build amd64 && !purego

// Vector Sigmoid32 and Tanh32 (transcendental.go): the same float32
// operations in the same order, eight lanes at a time, so that they give
// the Go reference's bits. Min and max keep the input as the second source
// so that a NaN passes through as in Go. AX points at vecConsts, one
// 32-byte row per constant:

#include "textflag.h"

#define LOG2E 0
#define LN2HI 32
#define LN2LO 64
#define C720 96
#define C120 128
#define C24 160
#define C6 192
#define HALF 224
#define ONE 256
#define EXPLO 288
#define EXPHI 320
#define SIGN 352
#define NINE 384
#define MNINE 416
#define THIRD 448
#define TWOFIF 480
#define SMALL 512
#define MSMALL 544
#define TWO 576

// EXP(src, dst) sets dst = Exp32(src) lane by lane, using Y8–Y13:
// clamp to the finite range, k = floor(x·log2e + 0.5), r = x − k·ln2 in two
// parts, the degree-6 Taylor polynomial of eʳ by Horner's rule, and 2ᵏ
// added to the exponent bits.
#define EXP(src, dst) \
	VMOVUPS EXPLO(AX), Y13; \
	VMAXPS src, Y13, Y8; \
	VMOVUPS EXPHI(AX), Y13; \
	VMINPS Y8, Y13, Y8; \
	VMULPS LOG2E(AX), Y8, Y9; \
	VADDPS HALF(AX), Y9, Y9; \
	VROUNDPS $1, Y9, Y9; \
	VCVTTPS2DQ Y9, Y10; \
	VMULPS LN2HI(AX), Y9, Y11; \
	VSUBPS Y11, Y8, Y11; \
	VMULPS LN2LO(AX), Y9, Y12; \
	VSUBPS Y12, Y11, Y11; \
	VMULPS C720(AX), Y11, Y12; \
	VADDPS C120(AX), Y12, Y12; \
	VMULPS Y11, Y12, Y12; \
	VADDPS C24(AX), Y12, Y12; \
	VMULPS Y11, Y12, Y12; \
	VADDPS C6(AX), Y12, Y12; \
	VMULPS Y11, Y12, Y12; \
	VADDPS HALF(AX), Y12, Y12; \
	VMULPS Y11, Y12, Y12; \
	VADDPS ONE(AX), Y12, Y12; \
	VMULPS Y11, Y12, Y12; \
	VADDPS ONE(AX), Y12, Y12; \
	VPSLLD $23, Y10, Y10; \
	VPADDD Y10, Y12, dst

// func sigmoidAVX2(dst, x *float32, n int, c *[19][8]float32)
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ c+24(FP), AX

loop:
	CMPQ CX, $8
	JLT done
	VMOVUPS (SI), Y0
	VXORPS SIGN(AX), Y0, Y0 // −x
	EXP(Y0, Y1)
	VADDPS ONE(AX), Y1, Y1
	VMOVUPS ONE(AX), Y2
	VDIVPS Y1, Y2, Y2 // 1/(1 + e⁻ˣ)
	VMOVUPS Y2, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP loop

done:
	VZEROUPPER
	RET

// func tanhAVX2(dst, x *float32, n int, c *[19][8]float32)
TEXT ·tanhAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ c+24(FP), AX

loop:
	CMPQ CX, $8
	JLT done
	VMOVUPS (SI), Y0
	VMOVUPS MNINE(AX), Y13
	VMAXPS Y0, Y13, Y3
	VMOVUPS NINE(AX), Y13
	VMINPS Y3, Y13, Y3
	VMULPS TWO(AX), Y3, Y3 // 2·clamp(x, ±9)
	EXP(Y3, Y1)
	VSUBPS ONE(AX), Y1, Y2 // e − 1
	VADDPS ONE(AX), Y1, Y1 // e + 1
	VDIVPS Y1, Y2, Y2
	// Near zero: x·(1 − x²·(1/3 − x²·2/15)).
	VMULPS Y0, Y0, Y4
	VMULPS TWOFIF(AX), Y4, Y5
	VMOVUPS THIRD(AX), Y6
	VSUBPS Y5, Y6, Y6
	VMULPS Y6, Y4, Y6
	VMOVUPS ONE(AX), Y5
	VSUBPS Y6, Y5, Y5
	VMULPS Y5, Y0, Y5
	VCMPPS $0x1e, MSMALL(AX), Y0, Y6 // x > −1/16
	VCMPPS $0x11, SMALL(AX), Y0, Y7  // x < 1/16
	VANDPS Y7, Y6, Y6
	VBLENDVPS Y6, Y5, Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP loop

done:
	VZEROUPPER
	RET
