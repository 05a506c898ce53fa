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
 * the lddw value (mov64). neg64 and neg32 have no operand.
 */
#define RI_OPS(Y)                                                              \
	Y(add64) Y(mul64) Y(and64) Y(or64) Y(xor64) Y(mov64)                   \
	Y(lsh64) Y(rsh64) Y(arsh64) Y(neg64)                                   \
	Y(add32) Y(mul32) Y(and32) Y(or32) Y(xor32) Y(mov32)                   \
	Y(lsh32) Y(rsh32) Y(arsh32) Y(neg32) Y(fp)
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
#define RI_neg32(D, I)  D = W32(0 - W32(D))                     /* w_dst = -w_dst */
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

#endif /* HIVE_VM_RINTERP_OPS_H */
