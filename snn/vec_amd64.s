//go:build amd64 && !purego

// Eight-lane updates of the integrate-and-fire models (vec.go). Both
// kernels share the frame below and differ only in how the new membrane
// potential nv is computed from v (Y4), ge (Y0), gi (Y1) and the input I;
// each performs the Go loop's float32 operations in the same order.
//
// Registers: SI v, R8 ge, R9 gi, R10 I, R11 refractory counters, DI spike
// mask bytes, CX neurons left, AX the kernel's constants (vec.go lays them
// out; the offsets below are into condConsts or lifConsts).

#include "textflag.h"

// Offsets shared by condConsts and lifConsts: the threshold, the
// constants 1 and the refractory period, and each struct's two decays.
#define COND_VTH 256
#define COND_ONE 288
#define COND_REF 320
#define COND_DE 192
#define COND_DI 224
#define LIF_VTH 224
#define LIF_ONE 256
#define LIF_REF 288
#define LIF_DE 160
#define LIF_DI 192

// PROLOGUE loads the arguments and zeroes Y8.
#define PROLOGUE \
	MOVQ v+0(FP), SI; \
	MOVQ ge+8(FP), R8; \
	MOVQ gi+16(FP), R9; \
	MOVQ in+24(FP), R10; \
	MOVQ ref+32(FP), R11; \
	MOVQ n+40(FP), CX; \
	MOVQ c+48(FP), AX; \
	MOVQ mask+56(FP), DI; \
	VPXOR Y8, Y8, Y8

// LOAD reads eight neurons' ge (Y0), gi (Y1), v (Y4), counts down their
// refractory counters (Y2 = max(ref−1, 0)) and marks the frozen ones
// (Y3 = ref > 1).
#define LOAD(ONE) \
	VMOVUPS (R8), Y0; \
	VMOVUPS (R9), Y1; \
	VMOVDQU (R11), Y2; \
	VPCMPGTD ONE(AX), Y2, Y3; \
	VPSUBD ONE(AX), Y2, Y2; \
	VPMAXSD Y8, Y2, Y2; \
	VMOVUPS (SI), Y4

// STORE takes nv in Y7: a spike where nv > threshold (ordered, so NaN
// never fires) and the neuron is not frozen; v keeps its value when
// frozen; firing neurons start their refractory period; the conductances
// decay; one mask byte is written and the pointers advance.
#define STORE(VTH, REF, DE, DI_) \
	VCMPPS $0x1e, VTH(AX), Y7, Y9; \
	VPANDN Y9, Y3, Y9; \
	VBLENDVPS Y3, Y4, Y7, Y7; \
	VMOVUPS Y7, (SI); \
	VBLENDVPS Y9, REF(AX), Y2, Y2; \
	VMOVDQU Y2, (R11); \
	VMOVMSKPS Y9, BX; \
	MOVB BX, (DI); \
	VMULPS DE(AX), Y0, Y0; \
	VMOVUPS Y0, (R8); \
	VMULPS DI_(AX), Y1, Y1; \
	VMOVUPS Y1, (R9); \
	ADDQ $32, SI; \
	ADDQ $32, R8; \
	ADDQ $32, R9; \
	ADDQ $32, R10; \
	ADDQ $32, R11; \
	INCQ DI; \
	SUBQ $8, CX

// func condEulerAVX2(v, ge, gi, in *float32, ref *int32, n int, c *condConsts, mask *uint8)
TEXT ·condEulerAVX2(SB), NOSPLIT, $0-64
	PROLOGUE

loop:
	CMPQ CX, $8
	JLT done
	LOAD(COND_ONE)
	// nv = v + dt·(gl·(el−v) + ge·(ee−v) + gi·(ei−v) + I)·(1/Cm)
	VMOVUPS 64(AX), Y5 // el
	VSUBPS Y4, Y5, Y5
	VMULPS 32(AX), Y5, Y6 // gl
	VMOVUPS 96(AX), Y5 // ee
	VSUBPS Y4, Y5, Y5
	VMULPS Y0, Y5, Y5
	VADDPS Y5, Y6, Y6
	VMOVUPS 128(AX), Y5 // ei
	VSUBPS Y4, Y5, Y5
	VMULPS Y1, Y5, Y5
	VADDPS Y5, Y6, Y6
	VADDPS (R10), Y6, Y6
	VMULPS 0(AX), Y6, Y6 // dt
	VMULPS 160(AX), Y6, Y6 // 1/Cm
	VADDPS Y6, Y4, Y7
	STORE(COND_VTH, COND_REF, COND_DE, COND_DI)
	JMP loop

done:
	VZEROUPPER
	RET

// func lifExpAVX2(v, ge, gi, in *float32, ref *int32, n int, c *lifConsts, mask *uint8)
TEXT ·lifExpAVX2(SB), NOSPLIT, $0-64
	PROLOGUE

loop:
	CMPQ CX, $8
	JLT done
	LOAD(LIF_ONE)
	// nv = vv·v + vge·ge + vgi·gi + vI·I + v1: the exact propagator
	VMULPS 0(AX), Y4, Y6
	VMULPS 32(AX), Y0, Y5
	VADDPS Y5, Y6, Y6
	VMULPS 64(AX), Y1, Y5
	VADDPS Y5, Y6, Y6
	VMOVUPS (R10), Y5
	VMULPS 96(AX), Y5, Y5
	VADDPS Y5, Y6, Y6
	VADDPS 128(AX), Y6, Y7
	STORE(LIF_VTH, LIF_REF, LIF_DE, LIF_DI)
	JMP loop

done:
	VZEROUPPER
	RET
