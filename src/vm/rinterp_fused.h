/*
 * rinterp_fused.h - the fused entries of the register interpreter: the
 * handler families of clang's frequent pairs and triples (one dispatch for
 * two or three instructions), their tables, and fuse(), the load-time pass
 * that gives an entry a fused handler. Included once, by rinterp.c, after
 * rinterp_ops.h; not a general header.
 *
 * Sanitizer builds (make fuzz) leave them out (RINTERP_NO_FUSED): their
 * tens of thousands of handlers take minutes to instrument. The unit tests
 * (random ALU sequences against a reference, the differential generator's
 * safe programs, the conformance cases run unchecked) cover them in the
 * plain build.
 */
#ifndef HIVE_VM_RINTERP_FUSED_H
#define HIVE_VM_RINTERP_FUSED_H

/*
 * Fused entries: clang's frequent pairs and triples, one dispatch for all
 * of them (the entries of the second and third instructions stay, for
 * jumps that land there).
 */

/* X2: rX <<= 32; rX >>= 32 (zx) or s>>= 32 (sx).  h_x2_OP_D */
#define X_zx(D, S) D = W32(S)                                   /* dst = (u32)src */
#define X_sx(D, S) D = (uint64_t)(int64_t)(int32_t)W32(S)       /* dst = (s64)(s32)src */
#define DEF_X2_CELL(d, op)                                                     \
	static RCALL uint64_t h_x2_##op##_##d(RARGS)                           \
	{                                                                      \
		X_##op(REG_##d, REG_##d);                                      \
		TAIL(e + 2);                                                   \
	}
REGS_A(DEF_X2_CELL, zx)
REGS_A(DEF_X2_CELL, sx)

/* X3: rX = rY; rX <<= 32; rX >>= 32 (or s>>=).  h_x3_OP_D_S */
#define DEF_X3_CELL(s, d, op)                                                  \
	static RCALL uint64_t h_x3_##op##_##d##_##s(RARGS)                     \
	{                                                                      \
		X_##op(REG_##d, REG_##s);                                      \
		TAIL(e + 3);                                                   \
	}
#define DEF_X3_ROW(d, op) REGS_B(DEF_X3_CELL, d, op)
REGS_A(DEF_X3_ROW, zx)
REGS_A(DEF_X3_ROW, sx)

/* T: rX = rY; rX OP= rZ as rX = rY OP rZ (Z is never X: the predecoder
 * gives Y for it). The 32-bit OPs read only the low half of rX, so one
 * handler serves both `rX = rY` and `wX = wY` before them.  h_t_OP_D_S_Z */
#define T_OPS(Y) Y(add64) Y(and64) Y(or64) Y(xor64) Y(add32) Y(and32) Y(or32) Y(xor32)
#define DEF_T_CELL(z, s, d, op)                                                \
	static RCALL uint64_t h_t_##op##_##d##_##s##_##z(RARGS)                \
	{                                                                      \
		REG_##d = REG_##s;                                             \
		RR_##op(REG_##d, REG_##z);                                     \
		TAIL(e + 2);                                                   \
	}
#define DEF_T_ROW2(s, d, op) REGS_C(DEF_T_CELL, s, d, op)
#define DEF_T_ROW(d, op) REGS_B(DEF_T_ROW2, d, op)
#define DEF_T(op) REGS_A(DEF_T_ROW, op)
T_OPS(DEF_T)

/* TI: rX = rY; rX OP= imm (a 32-bit OP after either move, as T).
 * h_ti_OP_D_S */
#define TI_OPS(Y) Y(add64) Y(and64) Y(or64) Y(xor64) Y(lsh64) Y(rsh64) Y(arsh64) Y(mul64) \
	Y(add32) Y(and32) Y(or32) Y(xor32) Y(lsh32) Y(rsh32) Y(arsh32) Y(mul32)
#define DEF_TI_CELL(s, d, op)                                                  \
	static RCALL uint64_t h_ti_##op##_##d##_##s(RARGS)                     \
	{                                                                      \
		REG_##d = REG_##s;                                             \
		RI_##op(REG_##d, e->imm);                                      \
		TAIL(e + 2);                                                   \
	}
#define DEF_TI_ROW(d, op) REGS_B(DEF_TI_CELL, d, op)
#define DEF_TI(op) REGS_A(DEF_TI_ROW, op)
TI_OPS(DEF_TI)

/* AJI: rX += imm; if rX OP imm2 goto (imm in off, imm2 in k).  h_aji_OP_D */
#define DEF_AJI_CELL(d, op)                                                    \
	static RCALL uint64_t h_aji_##op##_##d(RARGS)                          \
	{                                                                      \
		REG_##d += OFF;                                                \
		TAIL(SELECT(J_##op(REG_##d, (uint64_t)(int64_t)e->k), e->t, e + 2)); \
	}
#define DEF_AJI(op) REGS_A(DEF_AJI_CELL, op)
J64_OPS(DEF_AJI)

/* AJD / AJS: rX += imm (in off); if rD OP rS goto, X being D / S.  h_ajd_OP_D_S */
#define DEF_AJ_CELL(s, d, op)                                                  \
	static RCALL uint64_t h_ajd_##op##_##d##_##s(RARGS)                    \
	{                                                                      \
		REG_##d += OFF;                                                \
		TAIL(SELECT(J_##op(REG_##d, REG_##s), e->t, e + 2));                 \
	}                                                                      \
	static RCALL uint64_t h_ajs_##op##_##d##_##s(RARGS)                    \
	{                                                                      \
		REG_##s += OFF;                                                \
		TAIL(SELECT(J_##op(REG_##d, REG_##s), e->t, e + 2));                 \
	}
#define DEF_AJ_ROW(d, op) REGS_B(DEF_AJ_CELL, d, op)
#define DEF_AJ(op) REGS_A(DEF_AJ_ROW, op)
J64_OPS(DEF_AJ)

/* LK: rX = *(u64 *)(r10 + off); rY OP= rX (Y is not X: a spilled operand
 * reloaded for one use).  h_lk_OP_X_Y */
#define LK_OPS(Y) Y(add64) Y(sub64) Y(mul64) Y(and64) Y(or64) Y(xor64)
#define DEF_LK_CELL(y, x, op)                                                  \
	static RCALL uint64_t h_lk_##op##_##x##_##y(RARGS)                     \
	{                                                                      \
		REG_##x = load64(REG_10 + OFF);                                \
		RR_##op(REG_##y, REG_##x);                                     \
		TAIL(e + 2);                                                   \
	}
#define DEF_LK_ROW(x, op) REGS_B(DEF_LK_CELL, x, op)
#define DEF_LK(op) REGS_A(DEF_LK_ROW, op)
LK_OPS(DEF_LK)

/* MM: rA = rB; rC = rD (register shuffles).  h_mm_A_B_C_D */
#define DEF_MM_CELL(d4, c, b, a)                                               \
	static RCALL uint64_t h_mm_##a##_##b##_##c##_##d4(RARGS)               \
	{                                                                      \
		REG_##a = REG_##b;                                             \
		REG_##c = REG_##d4;                                            \
		TAIL(e + 2);                                                   \
	}
#define DEF_MM_ROW3(c, b, a) REGS_D(DEF_MM_CELL, c, b, a)
#define DEF_MM_ROW2(b, a) REGS_C(DEF_MM_ROW3, b, a)
#define DEF_MM_ROW(a, unused) REGS_B(DEF_MM_ROW2, a)
REGS_A(DEF_MM_ROW, 0)

/* II: rA += imm (in off); rB += imm2 (in imm).  h_ii_A_B */
#define DEF_II_CELL(b, a)                                                      \
	static RCALL uint64_t h_ii_##a##_##b(RARGS)                            \
	{                                                                      \
		REG_##a += OFF;                                                \
		REG_##b += e->imm;                                             \
		TAIL(e + 2);                                                   \
	}
#define DEF_II_ROW(a, unused) REGS_B(DEF_II_CELL, a)
REGS_A(DEF_II_ROW, 0)

/* IM: rA += imm (in off); rB = rC.  IW: wA += imm; rB = rC.
 * h_im_A_B_C, h_iw_A_B_C */
#define DEF_IM_CELL(c, b, a)                                                   \
	static RCALL uint64_t h_im_##a##_##b##_##c(RARGS)                      \
	{                                                                      \
		REG_##a += OFF;                                                \
		REG_##b = REG_##c;                                             \
		TAIL(e + 2);                                                   \
	}                                                                      \
	static RCALL uint64_t h_iw_##a##_##b##_##c(RARGS)                      \
	{                                                                      \
		REG_##a = W32(REG_##a + OFF);                                  \
		REG_##b = REG_##c;                                             \
		TAIL(e + 2);                                                   \
	}
#define DEF_IM_ROW2(b, a) REGS_C(DEF_IM_CELL, b, a)
#define DEF_IM_ROW(a, unused) REGS_B(DEF_IM_ROW2, a)
REGS_A(DEF_IM_ROW, 0)

/* RI: rA += rB; rC += imm (in imm).  h_ai_A_B_C */
#define DEF_AI_CELL(c, b, a)                                                   \
	static RCALL uint64_t h_ai_##a##_##b##_##c(RARGS)                      \
	{                                                                      \
		REG_##a += REG_##b;                                            \
		REG_##c += e->imm;                                             \
		TAIL(e + 2);                                                   \
	}
#define DEF_AI_ROW2(b, a) REGS_C(DEF_AI_CELL, b, a)
#define DEF_AI_ROW(a, unused) REGS_B(DEF_AI_ROW2, a)
REGS_A(DEF_AI_ROW, 0)

/* IR: rA += imm (in off); rA OP= rB.  h_ir_OP_A_B */
#define DEF_IR_CELL(b, a, op)                                                  \
	static RCALL uint64_t h_ir_##op##_##a##_##b(RARGS)                     \
	{                                                                      \
		REG_##a += OFF;                                                \
		RR_##op(REG_##a, REG_##b);                                     \
		TAIL(e + 2);                                                   \
	}
#define DEF_IR_ROW(a, op) REGS_B(DEF_IR_CELL, a, op)
#define DEF_IR(op) REGS_A(DEF_IR_ROW, op)
T_OPS(DEF_IR)

/* FPI: rA = r10; rA += imm (a stack address).  h_fpi_A */
#define DEF_FPI_CELL(a, unused)                                                \
	static RCALL uint64_t h_fpi_##a(RARGS)                                 \
	{                                                                      \
		REG_##a = REG_10 + e->imm;                                     \
		TAIL(e + 2);                                                   \
	}
REGS_A(DEF_FPI_CELL, 0)

/* XM: rA OP= rB; rC = rA.  h_xm_OP_A_B_C */
#define XM_OPS(Y) Y(add64) Y(xor64)
#define DEF_XM_CELL(c, b, a, op)                                               \
	static RCALL uint64_t h_xm_##op##_##a##_##b##_##c(RARGS)               \
	{                                                                      \
		RR_##op(REG_##a, REG_##b);                                     \
		REG_##c = REG_##a;                                             \
		TAIL(e + 2);                                                   \
	}
#define DEF_XM_ROW2(b, a, op) REGS_C(DEF_XM_CELL, b, a, op)
#define DEF_XM_ROW(a, op) REGS_B(DEF_XM_ROW2, a, op)
#define DEF_XM(op) REGS_A(DEF_XM_ROW, op)
XM_OPS(DEF_XM)

/* LM: rA = *(u32 *)(rA + off); rB = rC.  h_lm_A_B_C */
#define DEF_LM_CELL(c, b, a)                                                   \
	static RCALL uint64_t h_lm_##a##_##b##_##c(RARGS)                      \
	{                                                                      \
		REG_##a = load32(REG_##a + OFF);                               \
		REG_##b = REG_##c;                                             \
		TAIL(e + 2);                                                   \
	}
#define DEF_LM_ROW2(b, a) REGS_C(DEF_LM_CELL, b, a)
#define DEF_LM_ROW(a, unused) REGS_B(DEF_LM_ROW2, a)
REGS_A(DEF_LM_ROW, 0)

/* LL: rA = *(u32 *)(rB + off); rB = *(u32 *)(rB + off2) (off2 in k).  h_ll_A_B */
#define DEF_LL_CELL(b, a)                                                      \
	static RCALL uint64_t h_ll_##a##_##b(RARGS)                            \
	{                                                                      \
		REG_##a = load32(REG_##b + OFF);                               \
		REG_##b = load32(REG_##b + (uint64_t)(int64_t)e->k);           \
		TAIL(e + 2);                                                   \
	}
#define DEF_LL_ROW(a, unused) REGS_B(DEF_LL_CELL, a)
REGS_A(DEF_LL_ROW, 0)

/* MA: rA = rB; rB += rC.  h_ma_A_B_C */
#define DEF_MA_CELL(c, b, a)                                                   \
	static RCALL uint64_t h_ma_##a##_##b##_##c(RARGS)                      \
	{                                                                      \
		REG_##a = REG_##b;                                             \
		REG_##b += REG_##c;                                            \
		TAIL(e + 2);                                                   \
	}
#define DEF_MA_ROW2(b, a) REGS_C(DEF_MA_CELL, b, a)
#define DEF_MA_ROW(a, unused) REGS_B(DEF_MA_ROW2, a)
REGS_A(DEF_MA_ROW, 0)

/* SM: rA <<= imm; rB = rA.  h_sm_A_B */
#define DEF_SM_CELL(b, a)                                                      \
	static RCALL uint64_t h_sm_##a##_##b(RARGS)                            \
	{                                                                      \
		REG_##a <<= e->imm;                                            \
		REG_##b = REG_##a;                                             \
		TAIL(e + 2);                                                   \
	}
#define DEF_SM_ROW(a, unused) REGS_B(DEF_SM_CELL, a)
REGS_A(DEF_SM_ROW, 0)

/* ML: rA = rB; rC = *(u64 *)(r10 + off).  h_ml_A_B_C */
#define DEF_ML_CELL(c, b, a)                                                   \
	static RCALL uint64_t h_ml_##a##_##b##_##c(RARGS)                      \
	{                                                                      \
		REG_##a = REG_##b;                                             \
		REG_##c = load64(REG_10 + OFF);                                \
		TAIL(e + 2);                                                   \
	}
#define DEF_ML_ROW2(b, a) REGS_C(DEF_ML_CELL, b, a)
#define DEF_ML_ROW(a, unused) REGS_B(DEF_ML_ROW2, a)
REGS_A(DEF_ML_ROW, 0)

/* IJ: rA += imm (in off); if rB OP imm2 goto (imm2 in k), A not B.  h_ij_OP_A_B */
#define DEF_IJ_CELL(b, a, op)                                                  \
	static RCALL uint64_t h_ij_##op##_##a##_##b(RARGS)                     \
	{                                                                      \
		REG_##a += OFF;                                                \
		TAIL(SELECT(J_##op(REG_##b, (uint64_t)(int64_t)e->k), e->t, e + 2)); \
	}
#define DEF_IJ_ROW(a, op) REGS_B(DEF_IJ_CELL, a, op)
#define DEF_IJ(op) REGS_A(DEF_IJ_ROW, op)
J64_OPS(DEF_IJ)

/* AN: rA &= imm; rA = -rA (AW: the same on wA).  NA: rA = -rA; rA &= rB.
 * h_an_A, h_aw_A, h_na_A_B */
#define DEF_AN_CELL(a, unused)                                                 \
	static RCALL uint64_t h_an_##a(RARGS)                                  \
	{                                                                      \
		REG_##a = 0 - (REG_##a & e->imm);                              \
		TAIL(e + 2);                                                   \
	}                                                                      \
	static RCALL uint64_t h_aw_##a(RARGS)                                  \
	{                                                                      \
		REG_##a = W32(0 - (REG_##a & e->imm));                         \
		TAIL(e + 2);                                                   \
	}
REGS_A(DEF_AN_CELL, 0)
#define DEF_NA_CELL(b, a)                                                      \
	static RCALL uint64_t h_na_##a##_##b(RARGS)                            \
	{                                                                      \
		REG_##a = (0 - REG_##a) & REG_##b;                             \
		TAIL(e + 2);                                                   \
	}
#define DEF_NA_ROW(a, unused) REGS_B(DEF_NA_CELL, a)
REGS_A(DEF_NA_ROW, 0)

/* NW: wA = -wA; wA &= imm.  AX: wA &= imm; wA ^= wB (B is never A).
 * Steps of a bitwise CRC on 32-bit registers.  h_nw_A, h_ax_A_B */
#define DEF_NW_CELL(a, unused)                                                 \
	static RCALL uint64_t h_nw_##a(RARGS)                                  \
	{                                                                      \
		REG_##a = W32(0 - REG_##a) & e->imm;                           \
		TAIL(e + 2);                                                   \
	}
REGS_A(DEF_NW_CELL, 0)
#define DEF_AX_CELL(b, a)                                                      \
	static RCALL uint64_t h_ax_##a##_##b(RARGS)                            \
	{                                                                      \
		REG_##a = (W32(REG_##a) & e->imm) ^ W32(REG_##b);              \
		TAIL(e + 2);                                                   \
	}
#define DEF_AX_ROW(a, unused) REGS_B(DEF_AX_CELL, a)
REGS_A(DEF_AX_ROW, 0)

/* LS: rA = *(uN *)(rB + off); rA <<= imm (N = 8, 16, 32).  h_ls_W_A_B */
#define DEF_LS_CELL(b, a, w, bits)                                             \
	static RCALL uint64_t h_ls_##w##_##a##_##b(RARGS)                      \
	{                                                                      \
		REG_##a = load##bits(REG_##b + OFF) << e->imm;                 \
		TAIL(e + 2);                                                   \
	}
#define DEF_LS_ROW(a, w, bits) REGS_B(DEF_LS_CELL, a, w, bits)
#define DEF_LS(w, bits) REGS_A(DEF_LS_ROW, w, bits)
#define LS_OPS(Y) Y(b, 8) Y(h, 16) Y(w, 32)
LS_OPS(DEF_LS)

/* LO: rA = *(u8 *)(rB + off); rC |= rA.  h_lo_A_B_C */
#define DEF_LO_CELL(c, b, a)                                                   \
	static RCALL uint64_t h_lo_##a##_##b##_##c(RARGS)                      \
	{                                                                      \
		REG_##a = load8(REG_##b + OFF);                                \
		REG_##c |= REG_##a;                                            \
		TAIL(e + 2);                                                   \
	}
#define DEF_LO_ROW2(b, a) REGS_C(DEF_LO_CELL, b, a)
#define DEF_LO_ROW(a, unused) REGS_B(DEF_LO_ROW2, a)
REGS_A(DEF_LO_ROW, 0)

/* SO: rA <<= imm; rB |= rA.  h_so_A_B */
#define DEF_SO_CELL(b, a)                                                      \
	static RCALL uint64_t h_so_##a##_##b(RARGS)                            \
	{                                                                      \
		REG_##a <<= e->imm;                                            \
		REG_##b |= REG_##a;                                            \
		TAIL(e + 2);                                                   \
	}
#define DEF_SO_ROW(a, unused) REGS_B(DEF_SO_CELL, a)
REGS_A(DEF_SO_ROW, 0)

/* MS: rA = imm; *(u8 *)(rB + off) = rA.  h_ms_A_B */
#define DEF_MS_CELL(b, a)                                                      \
	static RCALL uint64_t h_ms_##a##_##b(RARGS)                            \
	{                                                                      \
		REG_##a = e->imm;                                              \
		store8(REG_##b + OFF, REG_##a);                                \
		TAIL(e + 2);                                                   \
	}
#define DEF_MS_ROW(a, unused) REGS_B(DEF_MS_CELL, a)
REGS_A(DEF_MS_ROW, 0)

/* MJD / MJS: rA = imm (in off); if rD OP rS goto, A being D / S.  h_mjd_OP_D_S */
#define DEF_MJ_CELL(s, d, op)                                                  \
	static RCALL uint64_t h_mjd_##op##_##d##_##s(RARGS)                    \
	{                                                                      \
		REG_##d = OFF;                                                 \
		TAIL(SELECT(J_##op(REG_##d, REG_##s), e->t, e + 2));           \
	}                                                                      \
	static RCALL uint64_t h_mjs_##op##_##d##_##s(RARGS)                    \
	{                                                                      \
		REG_##s = OFF;                                                 \
		TAIL(SELECT(J_##op(REG_##d, REG_##s), e->t, e + 2));           \
	}
#define DEF_MJ_ROW(d, op) REGS_B(DEF_MJ_CELL, d, op)
#define DEF_MJ(op) REGS_A(DEF_MJ_ROW, op)
J64_OPS(DEF_MJ)

/* IX: rA += imm (in off); rB = (u32)rA or (s64)(s32)rA (rB = rA;
 * rB <<= 32; rB >>= 32 or s>>= 32).  h_ix_OP_A_B */
#define DEF_IX_CELL(b, a, op)                                                  \
	static RCALL uint64_t h_ix_##op##_##a##_##b(RARGS)                     \
	{                                                                      \
		REG_##a += OFF;                                                \
		X_##op(REG_##b, REG_##a);                                      \
		TAIL(e + 4);                                                   \
	}
#define DEF_IX_ROW(a, op) REGS_B(DEF_IX_CELL, a, op)
REGS_A(DEF_IX_ROW, zx)
REGS_A(DEF_IX_ROW, sx)

/* RM: rA >>= imm; rB = rC.  h_rm_A_B_C */
#define DEF_RM_CELL(c, b, a)                                                   \
	static RCALL uint64_t h_rm_##a##_##b##_##c(RARGS)                      \
	{                                                                      \
		REG_##a >>= e->imm;                                            \
		REG_##b = REG_##c;                                             \
		TAIL(e + 2);                                                   \
	}
#define DEF_RM_ROW2(b, a) REGS_C(DEF_RM_CELL, b, a)
#define DEF_RM_ROW(a, unused) REGS_B(DEF_RM_ROW2, a)
REGS_A(DEF_RM_ROW, 0)

/* OS: rA OP= rB; rA >>= imm, at the OP's width (a hash step, a bit field,
 * a CRC step on w registers).  h_os_OP_A_B */
#define OS_OPS(Y) Y(xor64, rsh64) Y(and64, rsh64) Y(xor32, rsh32)
#define DEF_OS_CELL(b, a, op, sh)                                              \
	static RCALL uint64_t h_os_##op##_##a##_##b(RARGS)                     \
	{                                                                      \
		RR_##op(REG_##a, REG_##b);                                     \
		RI_##sh(REG_##a, e->imm);                                      \
		TAIL(e + 2);                                                   \
	}
#define DEF_OS_ROW(a, op, sh) REGS_B(DEF_OS_CELL, a, op, sh)
#define DEF_OS(op, sh) REGS_A(DEF_OS_ROW, op, sh)
OS_OPS(DEF_OS)

/* LW: rA = *(u32 *)(rB + off); rC = *(u32 *)(rB + off2) (off2 in k; C is
 * not B, A is not B).  h_lw_A_B_C */
#define DEF_LW_CELL(c, b, a)                                                   \
	static RCALL uint64_t h_lw_##a##_##b##_##c(RARGS)                      \
	{                                                                      \
		REG_##a = load32(REG_##b + OFF);                               \
		REG_##c = load32(REG_##b + (uint64_t)(int64_t)e->k);           \
		TAIL(e + 2);                                                   \
	}
#define DEF_LW_ROW2(b, a) REGS_C(DEF_LW_CELL, b, a)
#define DEF_LW_ROW(a, unused) REGS_B(DEF_LW_ROW2, a)
REGS_A(DEF_LW_ROW, 0)

/* MG: rA = rB; if rC > rD goto (a loop's closing compare after a move).
 * h_mg_A_B_C_D */
#define DEF_MG_CELL(d4, c, b, a)                                               \
	static RCALL uint64_t h_mg_##a##_##b##_##c##_##d4(RARGS)               \
	{                                                                      \
		REG_##a = REG_##b;                                             \
		TAIL(REG_##c > REG_##d4 ? e->t : e + 2);                       \
	}
#define DEF_MG_ROW3(c, b, a) REGS_D(DEF_MG_CELL, c, b, a)
#define DEF_MG_ROW2(b, a) REGS_C(DEF_MG_ROW3, b, a)
#define DEF_MG_ROW(a, unused) REGS_B(DEF_MG_ROW2, a)
REGS_A(DEF_MG_ROW, 0)

/* XU: rA ^= rB; rA *= rC (a hash step).  h_xu_A_B_C */
#define DEF_XU_CELL(c, b, a)                                                   \
	static RCALL uint64_t h_xu_##a##_##b##_##c(RARGS)                      \
	{                                                                      \
		REG_##a ^= REG_##b;                                            \
		REG_##a *= REG_##c;                                            \
		TAIL(e + 2);                                                   \
	}
#define DEF_XU_ROW2(b, a) REGS_C(DEF_XU_CELL, b, a)
#define DEF_XU_ROW(a, unused) REGS_B(DEF_XU_ROW2, a)
REGS_A(DEF_XU_ROW, 0)

/* FA: rA = r10; rA += imm; rA += rB (an address in a stack array).
 * h_fa_A_B */
#define DEF_FA_CELL(b, a)                                                      \
	static RCALL uint64_t h_fa_##a##_##b(RARGS)                            \
	{                                                                      \
		REG_##a = REG_10 + e->imm + REG_##b;                           \
		TAIL(e + 3);                                                   \
	}
#define DEF_FA_ROW(a, unused) REGS_B(DEF_FA_CELL, a)
REGS_A(DEF_FA_ROW, 0)

/* TZ: rA = rB; rA += rC; rA <<= 32; rA >>= 32 (a 32-bit sum).  h_tz_A_B_C */
#define DEF_TZ_CELL(c, b, a)                                                   \
	static RCALL uint64_t h_tz_##a##_##b##_##c(RARGS)                      \
	{                                                                      \
		REG_##a = W32(REG_##b + REG_##c);                              \
		TAIL(e + 4);                                                   \
	}
#define DEF_TZ_ROW2(b, a) REGS_C(DEF_TZ_CELL, b, a)
#define DEF_TZ_ROW(a, unused) REGS_B(DEF_TZ_ROW2, a)
REGS_A(DEF_TZ_ROW, 0)

/* LSO: rA = *(u8 *)(rB + off); rA <<= imm; rC |= rA (a byte put in
 * place in a word).  h_lso_A_B_C */
#define DEF_LSO_CELL(c, b, a)                                                  \
	static RCALL uint64_t h_lso_##a##_##b##_##c(RARGS)                     \
	{                                                                      \
		REG_##a = load8(REG_##b + OFF) << e->imm;                      \
		REG_##c |= REG_##a;                                            \
		TAIL(e + 3);                                                   \
	}
#define DEF_LSO_ROW2(b, a) REGS_C(DEF_LSO_CELL, b, a)
#define DEF_LSO_ROW(a, unused) REGS_B(DEF_LSO_ROW2, a)
REGS_A(DEF_LSO_ROW, 0)

/* SS: *(u64 *)(r10 + off) = rA; *(u64 *)(r10 + off2) = rB (off2 in k);
 * SL: *(u64 *)(r10 + off) = rA; rB = *(u64 *)(r10 + off2) (spills).
 * h_ss_A_B, h_sl_A_B */
#define DEF_SS_CELL(b, a)                                                      \
	static RCALL uint64_t h_ss_##a##_##b(RARGS)                            \
	{                                                                      \
		store64(REG_10 + OFF, REG_##a);                                \
		store64(REG_10 + (uint64_t)(int64_t)e->k, REG_##b);            \
		TAIL(e + 2);                                                   \
	}                                                                      \
	static RCALL uint64_t h_sl_##a##_##b(RARGS)                            \
	{                                                                      \
		store64(REG_10 + OFF, REG_##a);                                \
		REG_##b = load64(REG_10 + (uint64_t)(int64_t)e->k);            \
		TAIL(e + 2);                                                   \
	}
#define DEF_SS_ROW(a, unused) REGS_B(DEF_SS_CELL, a)
REGS_A(DEF_SS_ROW, 0)

/* MLK: rA = rB; rC = *(u64 *)(r10 + off); rA *= rC (C is not A: a
 * product with a spilled factor).  h_mlk_A_B_C */
#define DEF_MLK_CELL(c, b, a)                                                  \
	static RCALL uint64_t h_mlk_##a##_##b##_##c(RARGS)                     \
	{                                                                      \
		const uint64_t t_ = REG_##b;                                   \
		REG_##c = load64(REG_10 + OFF);                                \
		REG_##a = t_ * REG_##c;                                        \
		TAIL(e + 3);                                                   \
	}
#define DEF_MLK_ROW2(b, a) REGS_C(DEF_MLK_CELL, b, a)
#define DEF_MLK_ROW(a, unused) REGS_B(DEF_MLK_ROW2, a)
REGS_A(DEF_MLK_ROW, 0)

/* LJ: rA = *(uN *)(rB + off); if rA == / != imm goto (imm in k; N = 8 or
 * 32: a flag or a count read and tested).  h_lj_OP_W_A_B */
#define LJ_OPS(Y) Y(jeq) Y(jne)
#define DEF_LJ_CELL(b, a, op, w, bits)                                         \
	static RCALL uint64_t h_lj_##op##_##w##_##a##_##b(RARGS)               \
	{                                                                      \
		REG_##a = load##bits(REG_##b + OFF);                           \
		TAIL(J_##op(REG_##a, (uint64_t)(int64_t)e->k) ? e->t : e + 2); \
	}
#define DEF_LJ_ROW(a, op, w, bits) REGS_B(DEF_LJ_CELL, a, op, w, bits)
#define DEF_LJ(op) REGS_A(DEF_LJ_ROW, op, b, 8) REGS_A(DEF_LJ_ROW, op, w, 32)
LJ_OPS(DEF_LJ)

/* LLO: rA = *(u8 *)(rB + off) << imm; rC = *(u8 *)(rB + off2); rA |= rC
 * (two bytes of a word; off2 in k; A, C not B).  h_llo_A_B_C */
#define DEF_LLO_CELL(c, b, a)                                                  \
	static RCALL uint64_t h_llo_##a##_##b##_##c(RARGS)                     \
	{                                                                      \
		const uint64_t hi_ = load8(REG_##b + OFF) << e->imm;           \
		REG_##c = load8(REG_##b + (uint64_t)(int64_t)e->k);            \
		REG_##a = hi_ | REG_##c;                                       \
		TAIL(e + 4);                                                   \
	}
#define DEF_LLO_ROW2(b, a) REGS_C(DEF_LLO_CELL, b, a)
#define DEF_LLO_ROW(a, unused) REGS_B(DEF_LLO_ROW2, a)
REGS_A(DEF_LLO_ROW, 0)

/* SW: *(u32 *)(rA + off) = rB; *(u32 *)(rA + off2) = rC (off2 in k).
 * h_sw_A_B_C */
#define DEF_SW_CELL(c, b, a)                                                   \
	static RCALL uint64_t h_sw_##a##_##b##_##c(RARGS)                      \
	{                                                                      \
		store32(REG_##a + OFF, REG_##b);                               \
		store32(REG_##a + (uint64_t)(int64_t)e->k, REG_##c);           \
		TAIL(e + 2);                                                   \
	}
#define DEF_SW_ROW2(b, a) REGS_C(DEF_SW_CELL, b, a)
#define DEF_SW_ROW(a, unused) REGS_B(DEF_SW_ROW2, a)
REGS_A(DEF_SW_ROW, 0)

/* AM: rA += rB; rC = imm.  h_am_A_B_C */
#define DEF_AM_CELL(c, b, a)                                                   \
	static RCALL uint64_t h_am_##a##_##b##_##c(RARGS)                      \
	{                                                                      \
		REG_##a += REG_##b;                                            \
		REG_##c = e->imm;                                              \
		TAIL(e + 2);                                                   \
	}
#define DEF_AM_ROW2(b, a) REGS_C(DEF_AM_CELL, b, a)
#define DEF_AM_ROW(a, unused) REGS_B(DEF_AM_ROW2, a)
REGS_A(DEF_AM_ROW, 0)

/* NJ: rA &= imm (in off); if rA OP imm2 goto (imm2 in k; any 64-bit
 * compare).  h_nj_OP_A */
#define DEF_NJ_CELL(a, op)                                                     \
	static RCALL uint64_t h_nj_##op##_##a(RARGS)                           \
	{                                                                      \
		REG_##a &= OFF;                                                \
		TAIL(J_##op(REG_##a, (uint64_t)(int64_t)e->k) ? e->t : e + 2); \
	}
#define DEF_NJ(op) REGS_A(DEF_NJ_CELL, op)
J64_OPS(DEF_NJ)

/* SH: rA SH= imm; then rA OP= rB (h_sha_SH_OP_A_B) or rB OP= rA
 * (h_shb_SH_OP_A_B): a shifted value mixed into a hash or a word. */
#define SH_OPS(Y, ...) Y(lsh64, __VA_ARGS__) Y(rsh64, __VA_ARGS__)
#define SHX_OPS(Y, sh) Y(xor64, sh) Y(or64, sh) Y(add64, sh) Y(and64, sh)
#define DEF_SH_CELL(b, a, op, sh)                                              \
	static RCALL uint64_t h_sha_##sh##_##op##_##a##_##b(RARGS)             \
	{                                                                      \
		RI_##sh(REG_##a, e->imm);                                      \
		RR_##op(REG_##a, REG_##b);                                     \
		TAIL(e + 2);                                                   \
	}                                                                      \
	static RCALL uint64_t h_shb_##sh##_##op##_##a##_##b(RARGS)             \
	{                                                                      \
		RI_##sh(REG_##a, e->imm);                                      \
		RR_##op(REG_##b, REG_##a);                                     \
		TAIL(e + 2);                                                   \
	}
#define DEF_SH_ROW(a, op, sh) REGS_B(DEF_SH_CELL, a, op, sh)
#define DEF_SH_OP(op, sh) REGS_A(DEF_SH_ROW, op, sh)
#define DEF_SH(sh, unused) SHX_OPS(DEF_SH_OP, sh)
SH_OPS(DEF_SH, 0)

/* SI: *(u8 *)(rA + off) = rB; rA += imm.  h_si_A_B */
#define DEF_SI_CELL(b, a)                                                      \
	static RCALL uint64_t h_si_##a##_##b(RARGS)                            \
	{                                                                      \
		store8(REG_##a + OFF, REG_##b);                                \
		REG_##a += e->imm;                                             \
		TAIL(e + 2);                                                   \
	}
#define DEF_SI_ROW(a, unused) REGS_B(DEF_SI_CELL, a)
REGS_A(DEF_SI_ROW, 0)

/* SB: *(u8 *)(rA + off) = rB; rB += imm (the stored value steps).
 * h_sb_A_B */
#define DEF_SB_CELL(b, a)                                                      \
	static RCALL uint64_t h_sb_##a##_##b(RARGS)                            \
	{                                                                      \
		store8(REG_##a + OFF, REG_##b);                                \
		REG_##b += e->imm;                                             \
		TAIL(e + 2);                                                   \
	}
#define DEF_SB_ROW(a, unused) REGS_B(DEF_SB_CELL, a)
REGS_A(DEF_SB_ROW, 0)

/* RN: rA >>= imm; rB &= imm2 (imm2 in k).  RW: wA >>= imm; wB &= imm2.
 * h_rn_A_B, h_rw_A_B */
#define DEF_RN_CELL(b, a)                                                      \
	static RCALL uint64_t h_rn_##a##_##b(RARGS)                            \
	{                                                                      \
		REG_##a >>= e->imm;                                            \
		REG_##b &= (uint64_t)(int64_t)e->k;                            \
		TAIL(e + 2);                                                   \
	}                                                                      \
	static RCALL uint64_t h_rw_##a##_##b(RARGS)                            \
	{                                                                      \
		REG_##a = W32(REG_##a) >> e->imm;                              \
		REG_##b = W32(REG_##b) & (uint32_t)e->k;                       \
		TAIL(e + 2);                                                   \
	}
#define DEF_RN_ROW(a, unused) REGS_B(DEF_RN_CELL, a)
REGS_A(DEF_RN_ROW, 0)

/* MV: rA = rB; goto +off (the target in t).  h_mv_A_B */
#define DEF_MV_CELL(b, a)                                                      \
	static RCALL uint64_t h_mv_##a##_##b(RARGS)                            \
	{                                                                      \
		REG_##a = REG_##b;                                             \
		TAIL(e->t);                                                    \
	}
#define DEF_MV_ROW(a, unused) REGS_B(DEF_MV_CELL, a)
REGS_A(DEF_MV_ROW, 0)

/* KM: rA = imm; rB = rC.  h_km_A_B_C */
#define DEF_KM_CELL(c, b, a)                                                   \
	static RCALL uint64_t h_km_##a##_##b##_##c(RARGS)                      \
	{                                                                      \
		REG_##a = e->imm;                                              \
		REG_##b = REG_##c;                                             \
		TAIL(e + 2);                                                   \
	}
#define DEF_KM_ROW2(b, a) REGS_C(DEF_KM_CELL, b, a)
#define DEF_KM_ROW(a, unused) REGS_B(DEF_KM_ROW2, a)
REGS_A(DEF_KM_ROW, 0)


#define ENUM_T(op) TO_##op,
#define ENUM_TI(op) TIO_##op,
enum t_op { T_OPS(ENUM_T) T_N };
enum ti_op { TI_OPS(ENUM_TI) TI_N };
#undef ENUM_T
#undef ENUM_TI
#define ENUM_LK(op) LKO_##op,
enum lk_op { LK_OPS(ENUM_LK) LK_N };
#undef ENUM_LK
#define ENUM_J64(op) + 1
enum { J64_N = 0 J64_OPS(ENUM_J64) };
#undef ENUM_J64

#define TAB_X2_CELL(d, op) h_x2_##op##_##d,
static rhandler *const tab_x2[2][10] = { { REGS_A(TAB_X2_CELL, zx) }, { REGS_A(TAB_X2_CELL, sx) } };
#define TAB_X3_CELL(s, d, op) h_x3_##op##_##d##_##s,
#define TAB_X3_ROW(d, op) { REGS_B(TAB_X3_CELL, d, op) },
static rhandler *const tab_x3[2][10][10] = { { REGS_A(TAB_X3_ROW, zx) }, { REGS_A(TAB_X3_ROW, sx) } };

#define TAB_T_CELL(z, s, d, op) h_t_##op##_##d##_##s##_##z,
#define TAB_T_ROW2(s, d, op) { REGS_C(TAB_T_CELL, s, d, op) },
#define TAB_T_ROW(d, op) { REGS_B(TAB_T_ROW2, d, op) },
#define TAB_T(op) { REGS_A(TAB_T_ROW, op) },
static rhandler *const tab_t[T_N][10][10][10] = { T_OPS(TAB_T) };

#define TAB_TI_CELL(s, d, op) h_ti_##op##_##d##_##s,
#define TAB_TI_ROW(d, op) { REGS_B(TAB_TI_CELL, d, op) },
#define TAB_TI(op) { REGS_A(TAB_TI_ROW, op) },
static rhandler *const tab_ti[TI_N][10][10] = { TI_OPS(TAB_TI) };

#define TAB_AJI_CELL(d, op) h_aji_##op##_##d,
#define TAB_AJI(op) { REGS_A(TAB_AJI_CELL, op) },
static rhandler *const tab_aji[J64_N][10] = { J64_OPS(TAB_AJI) };

#define TAB_AJD_CELL(s, d, op) h_ajd_##op##_##d##_##s,
#define TAB_AJD_ROW(d, op) { REGS_B(TAB_AJD_CELL, d, op) },
#define TAB_AJD(op) { REGS_A(TAB_AJD_ROW, op) },
static rhandler *const tab_ajd[J64_N][10][10] = { J64_OPS(TAB_AJD) };
#define TAB_AJS_CELL(s, d, op) h_ajs_##op##_##d##_##s,
#define TAB_AJS_ROW(d, op) { REGS_B(TAB_AJS_CELL, d, op) },
#define TAB_AJS(op) { REGS_A(TAB_AJS_ROW, op) },
static rhandler *const tab_ajs[J64_N][10][10] = { J64_OPS(TAB_AJS) };

#define TAB_LK_CELL(y, x, op) h_lk_##op##_##x##_##y,
#define TAB_LK_ROW(x, op) { REGS_B(TAB_LK_CELL, x, op) },
#define TAB_LK(op) { REGS_A(TAB_LK_ROW, op) },
static rhandler *const tab_lk[LK_N][10][10] = { LK_OPS(TAB_LK) };

#define TAB_MM_CELL(d4, c, b, a) h_mm_##a##_##b##_##c##_##d4,
#define TAB_MM_ROW3(c, b, a) { REGS_D(TAB_MM_CELL, c, b, a) },
#define TAB_MM_ROW2(b, a) { REGS_C(TAB_MM_ROW3, b, a) },
#define TAB_MM_ROW(a, unused) { REGS_B(TAB_MM_ROW2, a) },
static rhandler *const tab_mm[10][10][10][10] = { REGS_A(TAB_MM_ROW, 0) };

#define TAB_II_CELL(b, a) h_ii_##a##_##b,
#define TAB_II_ROW(a, unused) { REGS_B(TAB_II_CELL, a) },
static rhandler *const tab_ii[10][10] = { REGS_A(TAB_II_ROW, 0) };

#define TAB_IM_CELL(c, b, a) h_im_##a##_##b##_##c,
#define TAB_IM_ROW2(b, a) { REGS_C(TAB_IM_CELL, b, a) },
#define TAB_IM_ROW(a, unused) { REGS_B(TAB_IM_ROW2, a) },
static rhandler *const tab_im[10][10][10] = { REGS_A(TAB_IM_ROW, 0) };
#define TAB_IW_CELL(c, b, a) h_iw_##a##_##b##_##c,
#define TAB_IW_ROW2(b, a) { REGS_C(TAB_IW_CELL, b, a) },
#define TAB_IW_ROW(a, unused) { REGS_B(TAB_IW_ROW2, a) },
static rhandler *const tab_iw[10][10][10] = { REGS_A(TAB_IW_ROW, 0) };

#define TAB_AI_CELL(c, b, a) h_ai_##a##_##b##_##c,
#define TAB_AI_ROW2(b, a) { REGS_C(TAB_AI_CELL, b, a) },
#define TAB_AI_ROW(a, unused) { REGS_B(TAB_AI_ROW2, a) },
static rhandler *const tab_ai[10][10][10] = { REGS_A(TAB_AI_ROW, 0) };

#define TAB_IR_CELL(b, a, op) h_ir_##op##_##a##_##b,
#define TAB_IR_ROW(a, op) { REGS_B(TAB_IR_CELL, a, op) },
#define TAB_IR(op) { REGS_A(TAB_IR_ROW, op) },
static rhandler *const tab_ir[T_N][10][10] = { T_OPS(TAB_IR) };

#define TAB_FPI_CELL(a, unused) h_fpi_##a,
static rhandler *const tab_fpi[10] = { REGS_A(TAB_FPI_CELL, 0) };

#define TAB_XM_CELL(c, b, a, op) h_xm_##op##_##a##_##b##_##c,
#define TAB_XM_ROW2(b, a, op) { REGS_C(TAB_XM_CELL, b, a, op) },
#define TAB_XM_ROW(a, op) { REGS_B(TAB_XM_ROW2, a, op) },
#define TAB_XM(op) { REGS_A(TAB_XM_ROW, op) },
static rhandler *const tab_xm[2][10][10][10] = { XM_OPS(TAB_XM) };

#define TAB_LM_CELL(c, b, a) h_lm_##a##_##b##_##c,
#define TAB_LM_ROW2(b, a) { REGS_C(TAB_LM_CELL, b, a) },
#define TAB_LM_ROW(a, unused) { REGS_B(TAB_LM_ROW2, a) },
static rhandler *const tab_lm[10][10][10] = { REGS_A(TAB_LM_ROW, 0) };

#define TAB_MA_CELL(c, b, a) h_ma_##a##_##b##_##c,
#define TAB_MA_ROW2(b, a) { REGS_C(TAB_MA_CELL, b, a) },
#define TAB_MA_ROW(a, unused) { REGS_B(TAB_MA_ROW2, a) },
static rhandler *const tab_ma[10][10][10] = { REGS_A(TAB_MA_ROW, 0) };

#define TAB_ML_CELL(c, b, a) h_ml_##a##_##b##_##c,
#define TAB_ML_ROW2(b, a) { REGS_C(TAB_ML_CELL, b, a) },
#define TAB_ML_ROW(a, unused) { REGS_B(TAB_ML_ROW2, a) },
static rhandler *const tab_ml[10][10][10] = { REGS_A(TAB_ML_ROW, 0) };

#define TAB_LL_CELL(b, a) h_ll_##a##_##b,
#define TAB_LL_ROW(a, unused) { REGS_B(TAB_LL_CELL, a) },
static rhandler *const tab_ll[10][10] = { REGS_A(TAB_LL_ROW, 0) };

#define TAB_SM_CELL(b, a) h_sm_##a##_##b,
#define TAB_SM_ROW(a, unused) { REGS_B(TAB_SM_CELL, a) },
static rhandler *const tab_sm[10][10] = { REGS_A(TAB_SM_ROW, 0) };

#define TAB_NA_CELL(b, a) h_na_##a##_##b,
#define TAB_NA_ROW(a, unused) { REGS_B(TAB_NA_CELL, a) },
static rhandler *const tab_na[10][10] = { REGS_A(TAB_NA_ROW, 0) };

#define TAB_SI_CELL(b, a) h_si_##a##_##b,
#define TAB_SI_ROW(a, unused) { REGS_B(TAB_SI_CELL, a) },
static rhandler *const tab_si[10][10] = { REGS_A(TAB_SI_ROW, 0) };

#define TAB_SB_CELL(b, a) h_sb_##a##_##b,
#define TAB_SB_ROW(a, unused) { REGS_B(TAB_SB_CELL, a) },
static rhandler *const tab_sb[10][10] = { REGS_A(TAB_SB_ROW, 0) };
#define TAB_RN_CELL(b, a) h_rn_##a##_##b,
#define TAB_RN_ROW(a, unused) { REGS_B(TAB_RN_CELL, a) },
static rhandler *const tab_rn[10][10] = { REGS_A(TAB_RN_ROW, 0) };
#define TAB_RW_CELL(b, a) h_rw_##a##_##b,
#define TAB_RW_ROW(a, unused) { REGS_B(TAB_RW_CELL, a) },
static rhandler *const tab_rw[10][10] = { REGS_A(TAB_RW_ROW, 0) };
#define TAB_MV_CELL(b, a) h_mv_##a##_##b,
#define TAB_MV_ROW(a, unused) { REGS_B(TAB_MV_CELL, a) },
static rhandler *const tab_mv[10][10] = { REGS_A(TAB_MV_ROW, 0) };
#define TAB_KM_CELL(c, b, a) h_km_##a##_##b##_##c,
#define TAB_KM_ROW2(b, a) { REGS_C(TAB_KM_CELL, b, a) },
#define TAB_KM_ROW(a, unused) { REGS_B(TAB_KM_ROW2, a) },
static rhandler *const tab_km[10][10][10] = { REGS_A(TAB_KM_ROW, 0) };

#define TAB_AN_CELL(a, unused) h_an_##a,
static rhandler *const tab_an[10] = { REGS_A(TAB_AN_CELL, 0) };
#define TAB_NW_CELL(a, unused) h_nw_##a,
static rhandler *const tab_nw[10] = { REGS_A(TAB_NW_CELL, 0) };
#define TAB_AX_CELL(b, a) h_ax_##a##_##b,
#define TAB_AX_ROW(a, unused) { REGS_B(TAB_AX_CELL, a) },
static rhandler *const tab_ax[10][10] = { REGS_A(TAB_AX_ROW, 0) };
#define TAB_AW_CELL(a, unused) h_aw_##a,
static rhandler *const tab_aw[10] = { REGS_A(TAB_AW_CELL, 0) };
#define TAB_SHA_CELL(b, a, op, sh) h_sha_##sh##_##op##_##a##_##b,
#define TAB_SHA_ROW(a, op, sh) { REGS_B(TAB_SHA_CELL, a, op, sh) },
#define TAB_SHA_OP(op, sh) { REGS_A(TAB_SHA_ROW, op, sh) },
#define TAB_SHA(sh, unused) { SHX_OPS(TAB_SHA_OP, sh) },
static rhandler *const tab_sha[2][4][10][10] = { SH_OPS(TAB_SHA, 0) };
#define TAB_SHB_CELL(b, a, op, sh) h_shb_##sh##_##op##_##a##_##b,
#define TAB_SHB_ROW(a, op, sh) { REGS_B(TAB_SHB_CELL, a, op, sh) },
#define TAB_SHB_OP(op, sh) { REGS_A(TAB_SHB_ROW, op, sh) },
#define TAB_SHB(sh, unused) { SHX_OPS(TAB_SHB_OP, sh) },
static rhandler *const tab_shb[2][4][10][10] = { SH_OPS(TAB_SHB, 0) };

#define TAB_SW_CELL(c, b, a) h_sw_##a##_##b##_##c,
#define TAB_SW_ROW2(b, a) { REGS_C(TAB_SW_CELL, b, a) },
#define TAB_SW_ROW(a, unused) { REGS_B(TAB_SW_ROW2, a) },
static rhandler *const tab_sw[10][10][10] = { REGS_A(TAB_SW_ROW, 0) };

#define TAB_AM_CELL(c, b, a) h_am_##a##_##b##_##c,
#define TAB_AM_ROW2(b, a) { REGS_C(TAB_AM_CELL, b, a) },
#define TAB_AM_ROW(a, unused) { REGS_B(TAB_AM_ROW2, a) },
static rhandler *const tab_am[10][10][10] = { REGS_A(TAB_AM_ROW, 0) };

#define TAB_NJ_CELL(a, op) h_nj_##op##_##a,
#define TAB_NJ(op) { REGS_A(TAB_NJ_CELL, op) },
static rhandler *const tab_nj[J64_N][10] = { J64_OPS(TAB_NJ) };

#define TAB_LLO_CELL(c, b, a) h_llo_##a##_##b##_##c,
#define TAB_LLO_ROW2(b, a) { REGS_C(TAB_LLO_CELL, b, a) },
#define TAB_LLO_ROW(a, unused) { REGS_B(TAB_LLO_ROW2, a) },
static rhandler *const tab_llo[10][10][10] = { REGS_A(TAB_LLO_ROW, 0) };

#define TAB_LJ_CELL(b, a, op, w) h_lj_##op##_##w##_##a##_##b,
#define TAB_LJ_ROW(a, op, w) { REGS_B(TAB_LJ_CELL, a, op, w) },
#define TAB_LJ(op) { { REGS_A(TAB_LJ_ROW, op, b) }, { REGS_A(TAB_LJ_ROW, op, w) } },
static rhandler *const tab_lj[2][2][10][10] = { LJ_OPS(TAB_LJ) };

#define TAB_MLK_CELL(c, b, a) h_mlk_##a##_##b##_##c,
#define TAB_MLK_ROW2(b, a) { REGS_C(TAB_MLK_CELL, b, a) },
#define TAB_MLK_ROW(a, unused) { REGS_B(TAB_MLK_ROW2, a) },
static rhandler *const tab_mlk[10][10][10] = { REGS_A(TAB_MLK_ROW, 0) };

#define TAB_LSO_CELL(c, b, a) h_lso_##a##_##b##_##c,
#define TAB_LSO_ROW2(b, a) { REGS_C(TAB_LSO_CELL, b, a) },
#define TAB_LSO_ROW(a, unused) { REGS_B(TAB_LSO_ROW2, a) },
static rhandler *const tab_lso[10][10][10] = { REGS_A(TAB_LSO_ROW, 0) };

#define TAB_SS_CELL(b, a) h_ss_##a##_##b,
#define TAB_SS_ROW(a, unused) { REGS_B(TAB_SS_CELL, a) },
static rhandler *const tab_ss[10][10] = { REGS_A(TAB_SS_ROW, 0) };
#define TAB_SL_CELL(b, a) h_sl_##a##_##b,
#define TAB_SL_ROW(a, unused) { REGS_B(TAB_SL_CELL, a) },
static rhandler *const tab_sl[10][10] = { REGS_A(TAB_SL_ROW, 0) };

#define TAB_XU_CELL(c, b, a) h_xu_##a##_##b##_##c,
#define TAB_XU_ROW2(b, a) { REGS_C(TAB_XU_CELL, b, a) },
#define TAB_XU_ROW(a, unused) { REGS_B(TAB_XU_ROW2, a) },
static rhandler *const tab_xu[10][10][10] = { REGS_A(TAB_XU_ROW, 0) };

#define TAB_FA_CELL(b, a) h_fa_##a##_##b,
#define TAB_FA_ROW(a, unused) { REGS_B(TAB_FA_CELL, a) },
static rhandler *const tab_fa[10][10] = { REGS_A(TAB_FA_ROW, 0) };

#define TAB_TZ_CELL(c, b, a) h_tz_##a##_##b##_##c,
#define TAB_TZ_ROW2(b, a) { REGS_C(TAB_TZ_CELL, b, a) },
#define TAB_TZ_ROW(a, unused) { REGS_B(TAB_TZ_ROW2, a) },
static rhandler *const tab_tz[10][10][10] = { REGS_A(TAB_TZ_ROW, 0) };

#define TAB_RM_CELL(c, b, a) h_rm_##a##_##b##_##c,
#define TAB_RM_ROW2(b, a) { REGS_C(TAB_RM_CELL, b, a) },
#define TAB_RM_ROW(a, unused) { REGS_B(TAB_RM_ROW2, a) },
static rhandler *const tab_rm[10][10][10] = { REGS_A(TAB_RM_ROW, 0) };

#define ENUM_OS(op, sh) OSO_##op,
enum os_op { OS_OPS(ENUM_OS) OS_N };
#undef ENUM_OS
#define TAB_OS_CELL(b, a, op, sh) h_os_##op##_##a##_##b,
#define TAB_OS_ROW(a, op, sh) { REGS_B(TAB_OS_CELL, a, op, sh) },
#define TAB_OS(op, sh) { REGS_A(TAB_OS_ROW, op, sh) },
static rhandler *const tab_os[OS_N][10][10] = { OS_OPS(TAB_OS) };

#define TAB_LW_CELL(c, b, a) h_lw_##a##_##b##_##c,
#define TAB_LW_ROW2(b, a) { REGS_C(TAB_LW_CELL, b, a) },
#define TAB_LW_ROW(a, unused) { REGS_B(TAB_LW_ROW2, a) },
static rhandler *const tab_lw[10][10][10] = { REGS_A(TAB_LW_ROW, 0) };

#define TAB_MG_CELL(d4, c, b, a) h_mg_##a##_##b##_##c##_##d4,
#define TAB_MG_ROW3(c, b, a) { REGS_D(TAB_MG_CELL, c, b, a) },
#define TAB_MG_ROW2(b, a) { REGS_C(TAB_MG_ROW3, b, a) },
#define TAB_MG_ROW(a, unused) { REGS_B(TAB_MG_ROW2, a) },
static rhandler *const tab_mg[10][10][10][10] = { REGS_A(TAB_MG_ROW, 0) };

#define TAB_LS_CELL(b, a, w) h_ls_##w##_##a##_##b,
#define TAB_LS_ROW(a, w) { REGS_B(TAB_LS_CELL, a, w) },
#define TAB_LS(w, bits) { REGS_A(TAB_LS_ROW, w) },
static rhandler *const tab_ls[3][10][10] = { LS_OPS(TAB_LS) };

#define TAB_LO_CELL(c, b, a) h_lo_##a##_##b##_##c,
#define TAB_LO_ROW2(b, a) { REGS_C(TAB_LO_CELL, b, a) },
#define TAB_LO_ROW(a, unused) { REGS_B(TAB_LO_ROW2, a) },
static rhandler *const tab_lo[10][10][10] = { REGS_A(TAB_LO_ROW, 0) };

#define TAB_SO_CELL(b, a) h_so_##a##_##b,
#define TAB_SO_ROW(a, unused) { REGS_B(TAB_SO_CELL, a) },
static rhandler *const tab_so[10][10] = { REGS_A(TAB_SO_ROW, 0) };

#define TAB_MS_CELL(b, a) h_ms_##a##_##b,
#define TAB_MS_ROW(a, unused) { REGS_B(TAB_MS_CELL, a) },
static rhandler *const tab_ms[10][10] = { REGS_A(TAB_MS_ROW, 0) };

#define TAB_MJD_CELL(s, d, op) h_mjd_##op##_##d##_##s,
#define TAB_MJD_ROW(d, op) { REGS_B(TAB_MJD_CELL, d, op) },
#define TAB_MJD(op) { REGS_A(TAB_MJD_ROW, op) },
static rhandler *const tab_mjd[J64_N][10][10] = { J64_OPS(TAB_MJD) };
#define TAB_MJS_CELL(s, d, op) h_mjs_##op##_##d##_##s,
#define TAB_MJS_ROW(d, op) { REGS_B(TAB_MJS_CELL, d, op) },
#define TAB_MJS(op) { REGS_A(TAB_MJS_ROW, op) },
static rhandler *const tab_mjs[J64_N][10][10] = { J64_OPS(TAB_MJS) };

#define TAB_IX_CELL(b, a, op) h_ix_##op##_##a##_##b,
#define TAB_IX_ROW(a, op) { REGS_B(TAB_IX_CELL, a, op) },
static rhandler *const tab_ix[2][10][10] = { { REGS_A(TAB_IX_ROW, zx) }, { REGS_A(TAB_IX_ROW, sx) } };


#define TAB_IJ_CELL(b, a, op) h_ij_##op##_##a##_##b,
#define TAB_IJ_ROW(a, op) { REGS_B(TAB_IJ_CELL, a, op) },
#define TAB_IJ(op) { REGS_A(TAB_IJ_ROW, op) },
static rhandler *const tab_ij[J64_N][10][10] = { J64_OPS(TAB_IJ) };

/* The OS op of a register ALU opcode, or -1. */
static int os_op(uint8_t code)
{
	switch (code) {
	case HIVE_OP_XOR64_REG: return OSO_xor64;
	case HIVE_OP_AND64_REG: return OSO_and64;
	case HIVE_OP_XOR_REG:   return OSO_xor32;
	default:                return -1;
	}
}

/* The T op of a register ALU opcode, or -1. */
static int t_op(uint8_t code)
{
	switch (code) {
	case HIVE_OP_ADD64_REG: return TO_add64;
	case HIVE_OP_AND64_REG: return TO_and64;
	case HIVE_OP_OR64_REG:  return TO_or64;
	case HIVE_OP_XOR64_REG: return TO_xor64;
	case HIVE_OP_ADD_REG:   return TO_add32;
	case HIVE_OP_AND_REG:   return TO_and32;
	case HIVE_OP_OR_REG:    return TO_or32;
	case HIVE_OP_XOR_REG:   return TO_xor32;
	default:                return -1;
	}
}

/* The TI op of an immediate ALU opcode, or -1. */
static int ti_op(uint8_t code)
{
	switch (code) {
	case HIVE_OP_ADD64_IMM: case HIVE_OP_SUB64_IMM: return TIO_add64;
	case HIVE_OP_AND64_IMM:  return TIO_and64;
	case HIVE_OP_OR64_IMM:   return TIO_or64;
	case HIVE_OP_XOR64_IMM:  return TIO_xor64;
	case HIVE_OP_LSH64_IMM:  return TIO_lsh64;
	case HIVE_OP_RSH64_IMM:  return TIO_rsh64;
	case HIVE_OP_ARSH64_IMM: return TIO_arsh64;
	case HIVE_OP_MUL64_IMM:  return TIO_mul64;
	case HIVE_OP_ADD_IMM: case HIVE_OP_SUB_IMM: return TIO_add32;
	case HIVE_OP_AND_IMM:    return TIO_and32;
	case HIVE_OP_OR_IMM:     return TIO_or32;
	case HIVE_OP_XOR_IMM:    return TIO_xor32;
	case HIVE_OP_LSH_IMM:    return TIO_lsh32;
	case HIVE_OP_RSH_IMM:    return TIO_rsh32;
	case HIVE_OP_ARSH_IMM:   return TIO_arsh32;
	case HIVE_OP_MUL_IMM:    return TIO_mul32;
	default:                 return -1;
	}
}

/* The LK op of a register ALU opcode, or -1. */
static int lk_op(uint8_t code)
{
	switch (code) {
	case HIVE_OP_ADD64_REG: return LKO_add64;
	case HIVE_OP_SUB64_REG: return LKO_sub64;
	case HIVE_OP_MUL64_REG: return LKO_mul64;
	case HIVE_OP_AND64_REG: return LKO_and64;
	case HIVE_OP_OR64_REG:  return LKO_or64;
	case HIVE_OP_XOR64_REG: return LKO_xor64;
	default:                return -1;
	}
}


static bool is_shift32(const struct hive_insn *in, uint8_t code, unsigned reg)
{
	return in->code == code && in->dst == reg && in->imm == 32;
}

/* Whether @in is rX += imm or rX -= imm with -imm an int32 (r0-r9); its
 * addend in *k. */
static bool is_addi(const struct hive_insn *in, int32_t *k)
{
	if (in->dst >= 10)
		return false;
	if (in->code == HIVE_OP_ADD64_IMM) {
		*k = in->imm;
		return true;
	}
	if (in->code == HIVE_OP_SUB64_IMM && in->imm != INT32_MIN) {
		*k = -in->imm;
		return true;
	}
	return false;
}

static bool is_mov(const struct hive_insn *in)
{
	return in->code == HIVE_OP_MOV64_REG && !in->off && in->dst < 10 && in->src < 10;
}

/*
 * The pairs of MM, II, IM, AI, IR and FPI at @pc (tried before the other
 * fusions: these are the most frequent pairs of clang's code). Returns
 * whether the entry got one.
 */
static bool fuse_pair(const struct hive_vm *vm, struct rent *ents, uint32_t pc)
{
	const struct hive_insn *a = &vm->insns[pc], *b = a + 1;
	struct rent *e = &ents[pc];
	int32_t k1, k2;
	int op;

	/* a move in second place that starts a zero/sign extension is left
	 * to X3 */
	const bool mov_extends = pc + 3 < vm->ninsns && is_mov(b) &&
				 is_shift32(b + 1, HIVE_OP_LSH64_IMM, b->dst);

	if (is_mov(a) && pc + 2 < vm->ninsns && b->code == HIVE_OP_LDXDW && b->src == 10 &&
	    b->dst < 10 && b->dst != a->dst && b[1].code == HIVE_OP_MUL64_REG &&
	    b[1].dst == a->dst && b[1].src == b->dst) {
		e->h = tab_mlk[a->dst][a->src][b->dst];
		e->off = b->off;
		return true;
	}
	if ((a->code == HIVE_OP_LDXB || a->code == HIVE_OP_LDXW) && a->dst < 10 && a->src < 10 &&
	    (b->code == HIVE_OP_JEQ_IMM || b->code == HIVE_OP_JNE_IMM) && b->dst == a->dst) {
		e->h = tab_lj[b->code == HIVE_OP_JNE_IMM][a->code == HIVE_OP_LDXW][a->dst][a->src];
		e->k = b->imm;
		e->t = &ents[isa_jump_target(b, pc + 1)];
		return true;
	}
	if (a->code == HIVE_OP_STXW && b->code == HIVE_OP_STXW && a->dst < 10 && a->src < 10 &&
	    b->dst == a->dst && b->src < 10) {
		e->h = tab_sw[a->dst][a->src][b->src];
		e->k = b->off;
		return true;
	}
	if (a->code == HIVE_OP_ADD64_REG && a->dst < 10 && a->src < 10 &&
	    b->code == HIVE_OP_MOV64_IMM && b->dst < 10) {
		e->h = tab_am[a->dst][a->src][b->dst];
		e->imm = (uint64_t)(int64_t)b->imm;
		return true;
	}
	if (a->code == HIVE_OP_AND64_IMM && a->dst < 10 && (b->code & 0x0f) == 0x05 &&
	    (op = j_op(b->code)) >= 0 && b->dst == a->dst) {
		/* (code & 0x0f) == 0x05: a 64-bit jump on an immediate */
		e->h = tab_nj[op][a->dst];
		e->off = a->imm;
		e->k = b->imm;
		e->t = &ents[isa_jump_target(b, pc + 1)];
		return true;
	}
	if (a->code == HIVE_OP_LDXB && a->dst < 10 && a->src < 10 && a->dst != a->src &&
	    pc + 3 < vm->ninsns && b->code == HIVE_OP_LSH64_IMM && b->dst == a->dst &&
	    b[1].code == HIVE_OP_LDXB && b[1].src == a->src && b[1].dst < 10 &&
	    b[1].dst != a->src && b[1].dst != a->dst &&
	    b[2].code == HIVE_OP_OR64_REG && b[2].dst == a->dst && b[2].src == b[1].dst) {
		e->h = tab_llo[a->dst][a->src][b[1].dst];
		e->imm = (uint32_t)b->imm & 63;
		e->k = b[1].off;
		return true;
	}
	if (a->code == HIVE_OP_LDXB && a->dst < 10 && a->src < 10 && pc + 2 < vm->ninsns &&
	    b->code == HIVE_OP_LSH64_IMM && b->dst == a->dst &&
	    b[1].code == HIVE_OP_OR64_REG && b[1].src == a->dst && b[1].dst < 10 &&
	    b[1].dst != a->dst) {
		e->h = tab_lso[a->dst][a->src][b[1].dst];
		e->imm = (uint32_t)b->imm & 63;
		return true;
	}
	if (a->code == HIVE_OP_STXDW && a->dst == 10 && a->src < 10 && b->dst == 10 &&
	    b->code == HIVE_OP_STXDW && b->src < 10) {
		e->h = tab_ss[a->src][b->src];
		e->k = b->off;
		return true;
	}
	if (a->code == HIVE_OP_STXDW && a->dst == 10 && a->src < 10 && b->src == 10 &&
	    b->code == HIVE_OP_LDXDW && b->dst < 10) {
		e->h = tab_sl[a->src][b->dst];
		e->k = b->off;
		return true;
	}
	if ((a->code == HIVE_OP_LDXB || a->code == HIVE_OP_LDXH || a->code == HIVE_OP_LDXW) &&
	    a->dst < 10 && a->src < 10 && b->code == HIVE_OP_LSH64_IMM && b->dst == a->dst) {
		e->h = tab_ls[a->code == HIVE_OP_LDXB ? 0 : a->code == HIVE_OP_LDXH ? 1 : 2]
			     [a->dst][a->src];
		e->imm = (uint32_t)b->imm & 63;
		return true;
	}
	if (a->code == HIVE_OP_LDXB && a->dst < 10 && a->src < 10 && b->code == HIVE_OP_OR64_REG &&
	    b->src == a->dst && b->dst < 10 && b->dst != a->dst) {
		e->h = tab_lo[a->dst][a->src][b->dst];
		return true;
	}
	if (a->code == HIVE_OP_LSH64_IMM && a->dst < 10 && b->code == HIVE_OP_OR64_REG &&
	    b->src == a->dst && b->dst < 10 && b->dst != a->dst) {
		e->h = tab_so[a->dst][b->dst];
		e->imm = (uint32_t)a->imm & 63;
		return true;
	}
	if (a->code == HIVE_OP_MOV64_IMM && a->dst < 10 && b->code == HIVE_OP_STXB &&
	    b->src == a->dst && b->dst < 10) {
		e->h = tab_ms[a->dst][b->dst];
		e->imm = (uint64_t)(int64_t)a->imm;
		e->off = b->off;
		return true;
	}
	if (a->code == HIVE_OP_MOV64_IMM && a->dst < 10 && is_mov(b) && !mov_extends) {
		e->h = tab_km[a->dst][b->dst][b->src];
		e->imm = (uint64_t)(int64_t)a->imm;
		return true;
	}
	if (is_mov(a) && (b->code == HIVE_OP_JA || b->code == HIVE_OP_JA32)) {
		e->h = tab_mv[a->dst][a->src];
		e->t = &ents[isa_jump_target(b, pc + 1)];
		return true;
	}
	if (a->code == HIVE_OP_MOV64_IMM && a->dst < 10 && (b->code & 0x0f) == 0x0d &&
	    (op = j_op(b->code)) >= 0 && b->dst < 10 && b->src < 10 &&
	    (b->dst == a->dst || b->src == a->dst)) {
		/* (code & 0x0f) == 0x0d: a 64-bit jump on two registers */
		e->h = b->dst == a->dst ? tab_mjd[op][b->dst][b->src] : tab_mjs[op][b->dst][b->src];
		e->off = a->imm;
		e->t = &ents[isa_jump_target(b, pc + 1)];
		return true;
	}
	if (is_addi(a, &k1) && pc + 4 < vm->ninsns && is_mov(b) && b->src == a->dst &&
	    b->dst != a->dst && mov_extends) {
		const struct hive_insn *c = b + 2;

		if (is_shift32(c, HIVE_OP_RSH64_IMM, b->dst) ||
		    is_shift32(c, HIVE_OP_ARSH64_IMM, b->dst)) {
			e->h = tab_ix[c->code == HIVE_OP_ARSH64_IMM][a->dst][b->dst];
			e->off = k1;
			return true;
		}
	}
	if (a->code == HIVE_OP_RSH64_IMM && a->dst < 10 && is_mov(b) && !mov_extends) {
		e->h = tab_rm[a->dst][b->dst][b->src];
		e->imm = (uint32_t)a->imm & 63;
		return true;
	}
	if ((op = os_op(a->code)) >= 0 && a->dst < 10 && a->src < 10 &&
	    b->code == (op == OSO_xor32 ? HIVE_OP_RSH_IMM : HIVE_OP_RSH64_IMM) &&
	    b->dst == a->dst) {
		e->h = tab_os[op][a->dst][a->src];
		e->imm = ri_imm(vm, pc + 1, b);
		return true;
	}
	if (a->code == HIVE_OP_LDXW && b->code == HIVE_OP_LDXW && a->dst < 10 && a->src < 10 &&
	    b->src == a->src && a->dst != a->src && b->dst < 10 && b->dst != a->src) {
		e->h = tab_lw[a->dst][a->src][b->dst];
		e->k = b->off;
		return true;
	}
	if (is_mov(a) && b->code == HIVE_OP_JGT_REG && b->dst < 10 && b->src < 10) {
		e->h = tab_mg[a->dst][a->src][b->dst][b->src];
		e->t = &ents[isa_jump_target(b, pc + 1)];
		return true;
	}
	if (a->code == HIVE_OP_XOR64_REG && a->dst < 10 && a->src < 10 &&
	    b->code == HIVE_OP_MUL64_REG && b->dst == a->dst && b->src < 10) {
		e->h = tab_xu[a->dst][a->src][b->src];
		return true;
	}
	if (a->code == HIVE_OP_MOV64_REG && !a->off && a->dst < 10 && a->src == 10 &&
	    pc + 2 < vm->ninsns && is_addi(b, &k2) && b->dst == a->dst &&
	    b[1].code == HIVE_OP_ADD64_REG && b[1].dst == a->dst && b[1].src < 10 &&
	    b[1].src != a->dst) {
		e->h = tab_fa[a->dst][b[1].src];
		e->imm = (uint64_t)(int64_t)k2;
		return true;
	}
	if (is_mov(a) && a->src != a->dst && pc + 3 < vm->ninsns &&
	    b->code == HIVE_OP_ADD64_REG && b->dst == a->dst && b->src < 10 &&
	    is_shift32(b + 1, HIVE_OP_LSH64_IMM, a->dst) &&
	    is_shift32(b + 2, HIVE_OP_RSH64_IMM, a->dst)) {
		e->h = tab_tz[a->dst][a->src][b->src == a->dst ? a->src : b->src];
		return true;
	}
	if ((a->code == HIVE_OP_LSH64_IMM || a->code == HIVE_OP_RSH64_IMM) && a->dst < 10 &&
	    b->src < 10 && b->dst < 10 && b->src != b->dst &&
	    (b->dst == a->dst || b->src == a->dst) && !is_shift32(a, HIVE_OP_LSH64_IMM, a->dst) &&
	    (op = b->code == HIVE_OP_XOR64_REG ? 0 : b->code == HIVE_OP_OR64_REG ? 1 :
		  b->code == HIVE_OP_ADD64_REG ? 2 : b->code == HIVE_OP_AND64_REG ? 3 : -1) >= 0) {
		const int sh = a->code == HIVE_OP_RSH64_IMM;

		e->h = b->dst == a->dst ? tab_sha[sh][op][a->dst][b->src] :
					  tab_shb[sh][op][a->dst][b->dst];
		e->imm = (uint32_t)a->imm & 63;
		return true;
	}
	if (is_mov(a) && is_mov(b)) {
		if (mov_extends)
			return false;
		e->h = tab_mm[a->dst][a->src][b->dst][b->src];
		return true;
	}
	if (a->code == HIVE_OP_MOV64_REG && !a->off && a->dst < 10 && a->src == 10 &&
	    is_addi(b, &k2) && b->dst == a->dst) {
		e->h = tab_fpi[a->dst];
		e->imm = (uint64_t)(int64_t)k2;
		return true;
	}
	if (a->code == HIVE_OP_ADD64_REG && a->dst < 10 && a->src < 10 && is_addi(b, &k2)) {
		e->h = tab_ai[a->dst][a->src][b->dst];
		e->imm = (uint64_t)(int64_t)k2;
		return true;
	}
	if ((a->code == HIVE_OP_XOR64_REG || a->code == HIVE_OP_ADD64_REG) && a->dst < 10 &&
	    a->src < 10 && is_mov(b) && b->src == a->dst && !mov_extends) {
		e->h = tab_xm[a->code == HIVE_OP_XOR64_REG][a->dst][a->src][b->dst];
		return true;
	}
	if (a->code == HIVE_OP_LDXW && a->dst < 10 && a->src == a->dst && is_mov(b) &&
	    !mov_extends) {
		e->h = tab_lm[a->dst][b->dst][b->src];
		return true;
	}
	if (a->code == HIVE_OP_LDXW && a->dst < 10 && a->src < 10 && b->code == HIVE_OP_LDXW &&
	    b->dst == a->src && b->src == a->src) {
		e->h = tab_ll[a->dst][a->src];
		e->k = b->off;
		return true;
	}
	if (is_mov(a) && b->code == HIVE_OP_ADD64_REG && b->dst == a->src && b->src < 10) {
		e->h = tab_ma[a->dst][a->src][b->src];
		return true;
	}
	if (is_mov(a) && b->code == HIVE_OP_LDXDW && b->dst < 10 && b->src == 10) {
		e->h = tab_ml[a->dst][a->src][b->dst];
		e->off = b->off;
		return true;
	}
	if (a->code == HIVE_OP_LSH64_IMM && a->dst < 10 && is_mov(b) && b->src == a->dst &&
	    !mov_extends) {
		e->h = tab_sm[a->dst][b->dst];
		e->imm = (uint32_t)a->imm & 63;
		return true;
	}
	if (a->code == HIVE_OP_AND64_IMM && a->dst < 10 && b->code == HIVE_OP_NEG64 &&
	    b->dst == a->dst) {
		e->h = tab_an[a->dst];
		e->imm = (uint64_t)(int64_t)a->imm;
		return true;
	}
	if (a->code == HIVE_OP_NEG64 && a->dst < 10 && b->code == HIVE_OP_AND64_REG &&
	    b->dst == a->dst && b->src < 10 && b->src != a->dst) {
		e->h = tab_na[a->dst][b->src];
		return true;
	}
	if (a->code == HIVE_OP_STXB && a->dst < 10 && a->src < 10 && is_addi(b, &k2) &&
	    b->dst == a->dst) {
		e->h = tab_si[a->dst][a->src];
		e->imm = (uint64_t)(int64_t)k2;
		return true;
	}
	if (a->code == HIVE_OP_STXB && a->dst < 10 && a->src < 10 && is_addi(b, &k2) &&
	    b->dst == a->src) {
		e->h = tab_sb[a->dst][a->src];
		e->imm = (uint64_t)(int64_t)k2;
		return true;
	}
	if (a->code == HIVE_OP_RSH64_IMM && a->dst < 10 && b->code == HIVE_OP_AND64_IMM &&
	    b->dst < 10) {
		e->h = tab_rn[a->dst][b->dst];
		e->imm = (uint32_t)a->imm & 63;
		e->k = b->imm;
		return true;
	}
	if (a->code == HIVE_OP_RSH_IMM && a->dst < 10 && b->code == HIVE_OP_AND_IMM &&
	    b->dst < 10) {
		e->h = tab_rw[a->dst][b->dst];
		e->imm = (uint32_t)a->imm & 31;
		e->k = b->imm;
		return true;
	}
	if (a->code == HIVE_OP_NEG && a->dst < 10 && b->code == HIVE_OP_AND_IMM &&
	    b->dst == a->dst) {
		e->h = tab_nw[a->dst];
		e->imm = (uint64_t)(uint32_t)b->imm;
		return true;
	}
	if (a->code == HIVE_OP_AND_IMM && a->dst < 10 && b->code == HIVE_OP_XOR_REG &&
	    b->dst == a->dst && b->src < 10 && b->src != a->dst) {
		e->h = tab_ax[a->dst][b->src];
		e->imm = (uint64_t)(uint32_t)a->imm;
		return true;
	}
	if (a->code == HIVE_OP_AND_IMM && a->dst < 10 && b->code == HIVE_OP_NEG &&
	    b->dst == a->dst) {
		e->h = tab_aw[a->dst];
		e->imm = (uint64_t)(uint32_t)a->imm;
		return true;
	}
	if ((a->code == HIVE_OP_ADD_IMM || a->code == HIVE_OP_SUB_IMM) && a->dst < 10 &&
	    is_mov(b) && !mov_extends) {
		e->h = tab_iw[a->dst][b->dst][b->src];
		e->off = (int32_t)ri_imm(vm, pc, a);     /* sub: the negated imm */
		return true;
	}
	if (!is_addi(a, &k1))
		return false;
	if (is_addi(b, &k2)) {
		e->h = tab_ii[a->dst][b->dst];
		e->off = k1;
		e->imm = (uint64_t)(int64_t)k2;
		return true;
	}
	if (is_mov(b)) {
		if (mov_extends)
			return false;
		e->h = tab_im[a->dst][b->dst][b->src];
		e->off = k1;
		return true;
	}
	if (b->dst == a->dst && b->src < 10 && b->src != a->dst && (op = t_op(b->code)) >= 0) {
		e->h = tab_ir[op][a->dst][b->src];
		e->off = k1;
		return true;
	}
	return false;
}

/*
 * Give the entry at @pc a fused handler when its instruction starts one
 * of the fused sequences (see "Fused entries"). Every instruction of the
 * sequence is an ALU op or the closing conditional jump, so none can
 * fail or be the target of a fall-through from inside.
 */
static void fuse(const struct hive_vm *vm, struct rent *ents, uint32_t pc)
{
	const struct hive_insn *a = &vm->insns[pc], *b = a + 1, *c = a + 2;
	const bool has_c = pc + 2 < vm->ninsns;
	struct rent *e = &ents[pc];
	const unsigned d = a->dst, s = a->src;
	int op;

	if (pc + 1 >= vm->ninsns || fuse_pair(vm, ents, pc) || d >= 10)
		return;
	if (is_shift32(a, HIVE_OP_LSH64_IMM, d) &&
	    (is_shift32(b, HIVE_OP_RSH64_IMM, d) || is_shift32(b, HIVE_OP_ARSH64_IMM, d))) {
		e->h = tab_x2[b->code == HIVE_OP_ARSH64_IMM][d];
		return;
	}
	if ((a->code == HIVE_OP_MOV64_REG || a->code == HIVE_OP_MOV_REG) && !a->off && s < 10) {
		/* after wX = wY only a 32-bit op: it reads the low half alone */
		const bool w = a->code == HIVE_OP_MOV_REG;

		if (!w && has_c && is_shift32(b, HIVE_OP_LSH64_IMM, d) &&
		    (is_shift32(c, HIVE_OP_RSH64_IMM, d) || is_shift32(c, HIVE_OP_ARSH64_IMM, d))) {
			e->h = tab_x3[c->code == HIVE_OP_ARSH64_IMM][d][s];
			return;
		}
		if (b->dst != d)
			return;
		op = t_op(b->code);
		if (op >= (w ? TO_add32 : 0) && b->src < 10) {
			e->h = tab_t[op][d][s][b->src == d ? s : b->src];
			return;
		}
		op = ti_op(b->code);
		if (op >= (w ? TIO_add32 : 0)) {
			e->h = tab_ti[op][d][s];
			e->imm = ri_imm(vm, pc + 1, b);
		}
		return;
	}
	if (a->code == HIVE_OP_LDXDW && s == 10 && b->src == d && b->dst < 10 && b->dst != d &&
	    (op = lk_op(b->code)) >= 0) {
		e->h = tab_lk[op][d][b->dst];
		return;
	}
	if ((a->code == HIVE_OP_ADD64_IMM || (a->code == HIVE_OP_SUB64_IMM && a->imm != INT32_MIN)) &&
	    (b->code & 0x07) == 0x05 && (op = j_op(b->code)) >= 0 && b->dst < 10) {
		if (!(b->code & 0x08)) {
			e->h = b->dst == d ? tab_aji[op][d] : tab_ij[op][d][b->dst];
		} else if (b->src >= 10) {
			return;
		} else if (b->dst == d) {
			e->h = tab_ajd[op][d][b->src];
		} else if (b->src == d) {
			e->h = tab_ajs[op][b->dst][d];
		} else {
			return;
		}
		e->off = a->code == HIVE_OP_SUB64_IMM ? -a->imm : a->imm;
		e->k = b->imm;
		e->t = &ents[isa_jump_target(b, pc + 1)];
	}
}

#endif /* HIVE_VM_RINTERP_FUSED_H */
