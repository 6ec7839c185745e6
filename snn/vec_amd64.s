//go:build amd64 && !purego

#include "textflag.h"

// func condEulerAVX2(v, ge, gi, in *float32, ref *int32, n int, c *condConsts, mask *uint8)
TEXT ·condEulerAVX2(SB), NOSPLIT, $0-64
	MOVQ v+0(FP), SI
	MOVQ ge+8(FP), R8
	MOVQ gi+16(FP), R9
	MOVQ in+24(FP), R10
	MOVQ ref+32(FP), R11
	MOVQ n+40(FP), CX
	MOVQ c+48(FP), AX
	MOVQ mask+56(FP), DI
	VPXOR Y8, Y8, Y8 // zero

condEulerAVX2loop:
	CMPQ CX, $8
	JLT condEulerAVX2done
	VMOVUPS (R8), Y0 // ge (before decay)
	VMOVUPS (R9), Y1 // gi
	VMOVDQU (R11), Y2 // refractory steps left
	VPCMPGTD 288(AX), Y2, Y3 // frozen = ref > 1
	VPSUBD 288(AX), Y2, Y2
	VPMAXSD Y8, Y2, Y2 // ref = max(ref-1, 0)
	VMOVUPS (SI), Y4 // v
	// nv = v + dt*(gl*(el-v) + ge*(ee-v) + gi*(ei-v) + I)*invC, in Go's order
	VMOVUPS 64(AX), Y5
	VSUBPS Y4, Y5, Y5
	VMULPS 32(AX), Y5, Y6
	VMOVUPS 96(AX), Y5
	VSUBPS Y4, Y5, Y5
	VMULPS Y0, Y5, Y5
	VADDPS Y5, Y6, Y6
	VMOVUPS 128(AX), Y5
	VSUBPS Y4, Y5, Y5
	VMULPS Y1, Y5, Y5
	VADDPS Y5, Y6, Y6
	VADDPS (R10), Y6, Y6
	VMULPS 0(AX), Y6, Y6
	VMULPS 160(AX), Y6, Y6
	VADDPS Y6, Y4, Y7
	VCMPPS $0x1e, 256(AX), Y7, Y9 // nv > vth (ordered: NaN never fires)
	VPANDN Y9, Y3, Y9 // ... and not frozen
	VBLENDVPS Y3, Y4, Y7, Y7 // frozen ? v : nv
	VMOVUPS Y7, (SI)
	VBLENDVPS Y9, 320(AX), Y2, Y2 // firing neurons start their refractory period
	VMOVDQU Y2, (R11)
	VMOVMSKPS Y9, BX
	MOVB BX, (DI)
	VMULPS 192(AX), Y0, Y0
	VMOVUPS Y0, (R8)
	VMULPS 224(AX), Y1, Y1
	VMOVUPS Y1, (R9)
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, R9
	ADDQ $32, R10
	ADDQ $32, R11
	INCQ DI
	SUBQ $8, CX
	JMP condEulerAVX2loop

condEulerAVX2done:
	VZEROUPPER
	RET

// func lifExpAVX2(v, ge, gi, in *float32, ref *int32, n int, c *lifConsts, mask *uint8)
TEXT ·lifExpAVX2(SB), NOSPLIT, $0-64
	MOVQ v+0(FP), SI
	MOVQ ge+8(FP), R8
	MOVQ gi+16(FP), R9
	MOVQ in+24(FP), R10
	MOVQ ref+32(FP), R11
	MOVQ n+40(FP), CX
	MOVQ c+48(FP), AX
	MOVQ mask+56(FP), DI
	VPXOR Y8, Y8, Y8 // zero

lifExpAVX2loop:
	CMPQ CX, $8
	JLT lifExpAVX2done
	VMOVUPS (R8), Y0 // ge (before decay)
	VMOVUPS (R9), Y1 // gi
	VMOVDQU (R11), Y2 // refractory steps left
	VPCMPGTD 256(AX), Y2, Y3 // frozen = ref > 1
	VPSUBD 256(AX), Y2, Y2
	VPMAXSD Y8, Y2, Y2 // ref = max(ref-1, 0)
	VMOVUPS (SI), Y4 // v
	// nv = vv*v + vge*ge + vgi*gi + vI*I + v1, in Go's order
	VMULPS 0(AX), Y4, Y6
	VMULPS 32(AX), Y0, Y5
	VADDPS Y5, Y6, Y6
	VMULPS 64(AX), Y1, Y5
	VADDPS Y5, Y6, Y6
	VMOVUPS (R10), Y5
	VMULPS 96(AX), Y5, Y5
	VADDPS Y5, Y6, Y6
	VADDPS 128(AX), Y6, Y7
	VCMPPS $0x1e, 224(AX), Y7, Y9 // nv > vth (ordered: NaN never fires)
	VPANDN Y9, Y3, Y9 // ... and not frozen
	VBLENDVPS Y3, Y4, Y7, Y7 // frozen ? v : nv
	VMOVUPS Y7, (SI)
	VBLENDVPS Y9, 288(AX), Y2, Y2 // firing neurons start their refractory period
	VMOVDQU Y2, (R11)
	VMOVMSKPS Y9, BX
	MOVB BX, (DI)
	VMULPS 160(AX), Y0, Y0
	VMOVUPS Y0, (R8)
	VMULPS 192(AX), Y1, Y1
	VMOVUPS Y1, (R9)
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, R9
	ADDQ $32, R10
	ADDQ $32, R11
	INCQ DI
	SUBQ $8, CX
	JMP lifExpAVX2loop

lifExpAVX2done:
	VZEROUPPER
	RET
