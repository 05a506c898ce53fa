/*
 * rinterp_ops.h - the handlers of the register interpreter that are
 * generated per register operand, and their tables. Included once, by
 * rinterp.c, after the definitions it relies on (struct rent, RARGS,
 * TAIL, SELECT, rs_cur); not a general header.
 *
 * Each family is one body macro expanded over register numbers: RR
 * (register-register ALU), RI (register-immediate ALU), JR / JI
 * (conditional jumps), LDX / STX / ST (memory), LDDW, and the fused
 * families of clang's frequent pairs and triples. tab_<family> maps
 * [op][register]... to the handler; rinterp.c's decode() and fuse() pick
 * from them.
 */
#ifndef HIVE_VM_RINTERP_OPS_H
#define HIVE_VM_RINTERP_OPS_H

/* Register operands by number; r10 comes from the run state. */
#define REG_0 r0
#define REG_1 r1
#define REG_2 r2
#define REG_3 r3
#define REG_4 r4
#define REG_5 r5
#define REG_6 r6
#define REG_7 r7
#define REG_8 r8
#define REG_9 r9
#define REG_10 (rs_cur->fp)
#define OFF ((uint64_t)(int64_t)e->off)

/* Lists of register numbers; two copies, so that one can expand in the other. */
#define REGS_A(M, ...) M(0, __VA_ARGS__) M(1, __VA_ARGS__) M(2, __VA_ARGS__) M(3, __VA_ARGS__) \
	M(4, __VA_ARGS__) M(5, __VA_ARGS__) M(6, __VA_ARGS__) M(7, __VA_ARGS__) M(8, __VA_ARGS__) \
	M(9, __VA_ARGS__)
#define REGS_B(M, ...) M(0, __VA_ARGS__) M(1, __VA_ARGS__) M(2, __VA_ARGS__) M(3, __VA_ARGS__) \
	M(4, __VA_ARGS__) M(5, __VA_ARGS__) M(6, __VA_ARGS__) M(7, __VA_ARGS__) M(8, __VA_ARGS__) \
	M(9, __VA_ARGS__)
#define REGS_C(M, ...) M(0, __VA_ARGS__) M(1, __VA_ARGS__) M(2, __VA_ARGS__) M(3, __VA_ARGS__) \
	M(4, __VA_ARGS__) M(5, __VA_ARGS__) M(6, __VA_ARGS__) M(7, __VA_ARGS__) M(8, __VA_ARGS__) \
	M(9, __VA_ARGS__)
#define REGS_D(M, ...) M(0, __VA_ARGS__) M(1, __VA_ARGS__) M(2, __VA_ARGS__) M(3, __VA_ARGS__) \
	M(4, __VA_ARGS__) M(5, __VA_ARGS__) M(6, __VA_ARGS__) M(7, __VA_ARGS__) M(8, __VA_ARGS__) \
	M(9, __VA_ARGS__)
#define REGS_B11(M, ...) REGS_B(M, __VA_ARGS__) M(10, __VA_ARGS__)
#define REGS_A11(M, ...) REGS_A(M, __VA_ARGS__) M(10, __VA_ARGS__)

/*
 * Register-register ALU ops, Y(name): D is the destination register, S the
 * source. The 32-bit forms work on the low halves and zero-extend.
 */
#define RR_OPS(Y)                                                              \
	Y(add64) Y(sub64) Y(mul64) Y(and64) Y(or64) Y(xor64) Y(mov64)          \
	Y(lsh64) Y(rsh64) Y(arsh64)                                            \
	Y(add32) Y(sub32) Y(mul32) Y(and32) Y(or32) Y(xor32) Y(mov32)          \
	Y(lsh32) Y(rsh32) Y(arsh32)
#define W32(x) ((uint32_t)(x))
#define RR_add64(D, S)  D += S                                  /* dst += src */
#define RR_sub64(D, S)  D -= S                                  /* dst -= src */
#define RR_mul64(D, S)  D *= S                                  /* dst *= src */
#define RR_and64(D, S)  D &= S                                  /* dst &= src */
#define RR_or64(D, S)   D |= S                                  /* dst |= src */
#define RR_xor64(D, S)  D ^= S                                  /* dst ^= src */
#define RR_mov64(D, S)  D = S                                   /* dst = src */
#define RR_lsh64(D, S)  D <<= (S & 63)                          /* dst <<= src & 63 */
#define RR_rsh64(D, S)  D >>= (S & 63)                          /* dst >>= src & 63 */
#define RR_arsh64(D, S) D = (uint64_t)((int64_t)D >> (S & 63))  /* dst s>>= src & 63 */
#define RR_add32(D, S)  D = W32(W32(D) + W32(S))                /* w_dst += w_src */
#define RR_sub32(D, S)  D = W32(W32(D) - W32(S))                /* w_dst -= w_src */
#define RR_mul32(D, S)  D = W32(W32(D) * W32(S))                /* w_dst *= w_src */
#define RR_and32(D, S)  D = W32(D) & W32(S)                     /* w_dst &= w_src */
#define RR_or32(D, S)   D = W32(D) | W32(S)                     /* w_dst |= w_src */
#define RR_xor32(D, S)  D = W32(D) ^ W32(S)                     /* w_dst ^= w_src */
#define RR_mov32(D, S)  D = W32(S)                              /* w_dst = w_src */
#define RR_lsh32(D, S)  D = W32(W32(D) << (S & 31))             /* w_dst <<= w_src & 31 */
#define RR_rsh32(D, S)  D = W32(D) >> (S & 31)                  /* w_dst >>= w_src & 31 */
#define RR_arsh32(D, S) D = W32((int32_t)W32(D) >> (S & 31))    /* w_dst s>>= w_src & 31 */

/*
 * Register-immediate ALU ops, Y(name), on I = e->imm as prepared: the imm
 * sign-extended (sub: negated, so it is an add), the shift count masked,
 * the lddw value (mov64). neg64 has no operand.
 */
#define RI_OPS(Y)                                                              \
	Y(add64) Y(mul64) Y(and64) Y(or64) Y(xor64) Y(mov64)                   \
	Y(lsh64) Y(rsh64) Y(arsh64) Y(neg64)                                   \
	Y(add32) Y(mul32) Y(and32) Y(or32) Y(xor32) Y(mov32)                   \
	Y(lsh32) Y(rsh32) Y(arsh32) Y(fp)
#define RI_add64(D, I)  D += I                                  /* dst += imm (sub: += -imm) */
#define RI_mul64(D, I)  D *= I                                  /* dst *= imm */
#define RI_and64(D, I)  D &= I                                  /* dst &= imm */
#define RI_or64(D, I)   D |= I                                  /* dst |= imm */
#define RI_xor64(D, I)  D ^= I                                  /* dst ^= imm */
#define RI_mov64(D, I)  D = I                                   /* dst = imm, or lddw */
#define RI_lsh64(D, I)  D <<= I                                 /* dst <<= imm & 63 */
#define RI_rsh64(D, I)  D >>= I                                 /* dst >>= imm & 63 */
#define RI_arsh64(D, I) D = (uint64_t)((int64_t)D >> I)         /* dst s>>= imm & 63 */
#define RI_neg64(D, I)  D = 0 - D                               /* dst = -dst */
#define RI_add32(D, I)  D = W32(W32(D) + W32(I))                /* w_dst += imm (sub: += -imm) */
#define RI_mul32(D, I)  D = W32(W32(D) * W32(I))                /* w_dst *= imm */
#define RI_and32(D, I)  D = W32(D) & W32(I)                     /* w_dst &= imm */
#define RI_or32(D, I)   D = W32(D) | W32(I)                     /* w_dst |= imm */
#define RI_xor32(D, I)  D = W32(D) ^ W32(I)                     /* w_dst ^= imm */
#define RI_mov32(D, I)  D = W32(I)                              /* w_dst = imm */
#define RI_lsh32(D, I)  D = W32(W32(D) << I)                    /* w_dst <<= imm & 31 */
#define RI_rsh32(D, I)  D = W32(D) >> I                         /* w_dst >>= imm & 31 */
#define RI_arsh32(D, I) D = W32((int32_t)W32(D) >> I)           /* w_dst s>>= imm & 31 */
#define RI_fp(D, I)     D = REG_10                              /* dst = r10 */

/*
 * Conditional jumps, Y(name): taken when J_name(D, V) holds, V the source
 * register or the prepared imm (sign-extended for 64-bit compares, the low
 * 32 bits for 32-bit ones).
 */
#define J_OPS(Y) J64_OPS(Y) J32_OPS(Y)
#define J64_OPS(Y)                                                             \
	Y(jeq) Y(jne) Y(jgt) Y(jge) Y(jlt) Y(jle) Y(jsgt) Y(jsge) Y(jslt) Y(jsle) Y(jset)
#define J32_OPS(Y)                                                             \
	Y(jeq32) Y(jne32) Y(jgt32) Y(jge32) Y(jlt32) Y(jle32)                  \
	Y(jsgt32) Y(jsge32) Y(jslt32) Y(jsle32) Y(jset32)
#define S64(x) ((int64_t)(x))
#define S32(x) ((int32_t)W32(x))
#define J_jeq(D, V)    ((D) == (V))                             /* if dst == src */
#define J_jne(D, V)    ((D) != (V))                             /* if dst != src */
#define J_jgt(D, V)    ((D) > (V))                              /* if dst > src */
#define J_jge(D, V)    ((D) >= (V))                             /* if dst >= src */
#define J_jlt(D, V)    ((D) < (V))                              /* if dst < src */
#define J_jle(D, V)    ((D) <= (V))                             /* if dst <= src */
#define J_jsgt(D, V)   (S64(D) > S64(V))                        /* if dst s> src */
#define J_jsge(D, V)   (S64(D) >= S64(V))                       /* if dst s>= src */
#define J_jslt(D, V)   (S64(D) < S64(V))                        /* if dst s< src */
#define J_jsle(D, V)   (S64(D) <= S64(V))                       /* if dst s<= src */
#define J_jset(D, V)   (((D) & (V)) != 0)                       /* if dst & src */
#define J_jeq32(D, V)  (W32(D) == W32(V))                       /* if w_dst == w_src */
#define J_jne32(D, V)  (W32(D) != W32(V))                       /* if w_dst != w_src */
#define J_jgt32(D, V)  (W32(D) > W32(V))                        /* if w_dst > w_src */
#define J_jge32(D, V)  (W32(D) >= W32(V))                       /* if w_dst >= w_src */
#define J_jlt32(D, V)  (W32(D) < W32(V))                        /* if w_dst < w_src */
#define J_jle32(D, V)  (W32(D) <= W32(V))                       /* if w_dst <= w_src */
#define J_jsgt32(D, V) (S32(D) > S32(V))                        /* if w_dst s> w_src */
#define J_jsge32(D, V) (S32(D) >= S32(V))                       /* if w_dst s>= w_src */
#define J_jslt32(D, V) (S32(D) < S32(V))                        /* if w_dst s< w_src */
#define J_jsle32(D, V) (S32(D) <= S32(V))                       /* if w_dst s<= w_src */
#define J_jset32(D, V) ((W32(D) & W32(V)) != 0)                 /* if w_dst & w_src */

/* Loads and stores by width, Y(name, bits); the base may be r10. */
#define M_OPS(Y) Y(b, 8) Y(h, 16) Y(w, 32) Y(dw, 64)

/* ---- the generated handlers ----------------------------------------------- */

/* RR: dst, src in r0-r9.  h_rr_OP_D_S */
#define DEF_RR_CELL(s, d, op)                                                  \
	static RCALL uint64_t h_rr_##op##_##d##_##s(RARGS)                     \
	{                                                                      \
		RR_##op(REG_##d, REG_##s);                                     \
		NEXT();                                                        \
	}
#define DEF_RR_ROW(d, op) REGS_B(DEF_RR_CELL, d, op)
#define DEF_RR(op) REGS_A(DEF_RR_ROW, op)
RR_OPS(DEF_RR)

/* RI: dst in r0-r9, operand e->imm.  h_ri_OP_D */
#define DEF_RI_CELL(d, op)                                                     \
	static RCALL uint64_t h_ri_##op##_##d(RARGS)                           \
	{                                                                      \
		RI_##op(REG_##d, e->imm);                                      \
		NEXT();                                                        \
	}
#define DEF_RI(op) REGS_A(DEF_RI_CELL, op)
RI_OPS(DEF_RI)

/* LDDW: dst in r0-r9 = the resolved 64-bit value; the entry after the
 * second slot is next.  h_lddw_D */
#define DEF_LDDW_CELL(d, unused)                                               \
	static RCALL uint64_t h_lddw_##d(RARGS)                                \
	{                                                                      \
		REG_##d = e->imm;                                              \
		TAIL(e + 2);                                                   \
	}
REGS_A(DEF_LDDW_CELL, 0)

/* JR: compare two of r0-r9.  h_jr_OP_D_S */
#define DEF_JR_CELL(s, d, op)                                                  \
	static RCALL uint64_t h_jr_##op##_##d##_##s(RARGS)                     \
	{                                                                      \
		TAIL(SELECT(J_##op(REG_##d, REG_##s), e->t, e + 1));                 \
	}
#define DEF_JR_ROW(d, op) REGS_B(DEF_JR_CELL, d, op)
#define DEF_JR(op) REGS_A(DEF_JR_ROW, op)
J_OPS(DEF_JR)

/* JI: compare one of r0-r9 with an imm; the target is e->t, the imm in off's
 * place would not fit 64-bit operands, so it is re-derived from e->k. */
#define JI_VAL(op) ((uint64_t)(int64_t)e->k)
#define DEF_JI_CELL(d, op)                                                     \
	static RCALL uint64_t h_ji_##op##_##d(RARGS)                           \
	{                                                                      \
		TAIL(SELECT(J_##op(REG_##d, JI_VAL(op)), e->t, e + 1));              \
	}
#define DEF_JI(op) REGS_A(DEF_JI_CELL, op)
J_OPS(DEF_JI)

/* LDX: dst in r0-r9 = *(uN *)(src + off), src in r0-r10.  h_ldx_W_D_S */
#define DEF_LDX_CELL(s, d, w, bits)                                            \
	static RCALL uint64_t h_ldx_##w##_##d##_##s(RARGS)                     \
	{                                                                      \
		REG_##d = load##bits(REG_##s + OFF);                           \
		NEXT();                                                        \
	}
#define DEF_LDX_ROW(d, w, bits) REGS_B11(DEF_LDX_CELL, d, w, bits)
#define DEF_LDX(w, bits) REGS_A(DEF_LDX_ROW, w, bits)
M_OPS(DEF_LDX)

/* STX: *(uN *)(dst + off) = src, dst in r0-r10, src in r0-r9.  h_stx_W_D_S */
#define DEF_STX_CELL(s, d, w, bits)                                            \
	static RCALL uint64_t h_stx_##w##_##d##_##s(RARGS)                     \
	{                                                                      \
		store##bits(REG_##d + OFF, REG_##s);                           \
		NEXT();                                                        \
	}
#define DEF_STX_ROW(d, w, bits) REGS_B(DEF_STX_CELL, d, w, bits)
#define DEF_STX(w, bits) REGS_A11(DEF_STX_ROW, w, bits)
M_OPS(DEF_STX)

/* ST: *(uN *)(dst + off) = imm, dst in r0-r10.  h_st_W_D */
#define DEF_ST_CELL(d, w, bits)                                                \
	static RCALL uint64_t h_st_##w##_##d(RARGS)                            \
	{                                                                      \
		store##bits(REG_##d + OFF, e->imm);                            \
		NEXT();                                                        \
	}
#define DEF_ST(w, bits) REGS_A11(DEF_ST_CELL, w, bits)
M_OPS(DEF_ST)

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
 * gives Y for it).  h_t_OP_D_S_Z */
#define T_OPS(Y) Y(add64) Y(and64) Y(or64) Y(xor64)
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

/* TI: rX = rY; rX OP= imm.  h_ti_OP_D_S */
#define TI_OPS(Y) Y(add64) Y(and64) Y(or64) Y(xor64) Y(lsh64) Y(rsh64) Y(arsh64) Y(mul64)
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

/* IM: rA += imm (in off); rB = rC.  h_im_A_B_C */
#define DEF_IM_CELL(c, b, a)                                                   \
	static RCALL uint64_t h_im_##a##_##b##_##c(RARGS)                      \
	{                                                                      \
		REG_##a += OFF;                                                \
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

/* AN: rA &= imm; rA = -rA.  NA: rA = -rA; rA &= rB.  h_an_A, h_na_A_B */
#define DEF_AN_CELL(a, unused)                                                 \
	static RCALL uint64_t h_an_##a(RARGS)                                  \
	{                                                                      \
		REG_##a = 0 - (REG_##a & e->imm);                              \
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

/* ---- the handler tables, indexed [op][dst][src] ----------------------- */

#define ENUM_RR(op) RRO_##op,
#define ENUM_RI(op) RIO_##op,
#define ENUM_J(op) JO_##op,
enum rr_op { RR_OPS(ENUM_RR) RR_N };
enum ri_op { RI_OPS(ENUM_RI) RI_N };
enum j_op { J_OPS(ENUM_J) J_N };
#undef ENUM_RR
#undef ENUM_RI
#undef ENUM_J
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
#define ENUM_M(w, bits) M_##w,
enum m_op { M_OPS(ENUM_M) M_N };
#undef ENUM_M

#define TAB_RR_CELL(s, d, op) h_rr_##op##_##d##_##s,
#define TAB_RR_ROW(d, op) { REGS_B(TAB_RR_CELL, d, op) },
#define TAB_RR(op) { REGS_A(TAB_RR_ROW, op) },
static rhandler *const tab_rr[RR_N][10][10] = { RR_OPS(TAB_RR) };

#define TAB_RI_CELL(d, op) h_ri_##op##_##d,
#define TAB_RI(op) { REGS_A(TAB_RI_CELL, op) },
static rhandler *const tab_ri[RI_N][10] = { RI_OPS(TAB_RI) };

#define TAB_LDDW_CELL(d, unused) h_lddw_##d,
static rhandler *const tab_lddw[10] = { REGS_A(TAB_LDDW_CELL, 0) };

#define TAB_JR_CELL(s, d, op) h_jr_##op##_##d##_##s,
#define TAB_JR_ROW(d, op) { REGS_B(TAB_JR_CELL, d, op) },
#define TAB_JR(op) { REGS_A(TAB_JR_ROW, op) },
static rhandler *const tab_jr[J_N][10][10] = { J_OPS(TAB_JR) };

#define TAB_JI_CELL(d, op) h_ji_##op##_##d,
#define TAB_JI(op) { REGS_A(TAB_JI_CELL, op) },
static rhandler *const tab_ji[J_N][10] = { J_OPS(TAB_JI) };

#define TAB_LDX_CELL(s, d, w) h_ldx_##w##_##d##_##s,
#define TAB_LDX_ROW(d, w) { REGS_B11(TAB_LDX_CELL, d, w) },
#define TAB_LDX(w, bits) { REGS_A(TAB_LDX_ROW, w) },
static rhandler *const tab_ldx[M_N][10][11] = { M_OPS(TAB_LDX) };

#define TAB_STX_CELL(s, d, w) h_stx_##w##_##d##_##s,
#define TAB_STX_ROW(d, w) { REGS_B(TAB_STX_CELL, d, w) },
#define TAB_STX(w, bits) { REGS_A11(TAB_STX_ROW, w) },
static rhandler *const tab_stx[M_N][11][10] = { M_OPS(TAB_STX) };

#define TAB_ST_CELL(d, w) h_st_##w##_##d,
#define TAB_ST(w, bits) { REGS_A11(TAB_ST_CELL, w) },
static rhandler *const tab_st[M_N][11] = { M_OPS(TAB_ST) };

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

#define TAB_AN_CELL(a, unused) h_an_##a,
static rhandler *const tab_an[10] = { REGS_A(TAB_AN_CELL, 0) };

#define TAB_IJ_CELL(b, a, op) h_ij_##op##_##a##_##b,
#define TAB_IJ_ROW(a, op) { REGS_B(TAB_IJ_CELL, a, op) },
#define TAB_IJ(op) { REGS_A(TAB_IJ_ROW, op) },
static rhandler *const tab_ij[J64_N][10][10] = { J64_OPS(TAB_IJ) };

#endif /* HIVE_VM_RINTERP_OPS_H */
