/*
 * x86_64_mem.c - loads, stores, atomics and legacy packet loads.
 *
 * Unchecked runs (verified programs) access memory directly through
 * [reg + off]. Checked runs compute the address in r11 and test it against
 * the current 512-byte frame, then the ctx, inline; anything else goes to an
 * out-of-line stub that calls vm_check_access() (the call-chain stack, the
 * ctx, the static and the helper grants), which either lets the access
 * proceed or stops the run with -HIVE_EMEM and the fault pc/address/size,
 * exactly as the interpreter does. r10-relative accesses with a constant
 * offset inside the current frame need no check at all (r10 is read only).
 *
 * Atomics are checked for natural alignment in every run (the interpreter's
 * contract); the read-modify-write forms use lock-prefixed instructions or
 * a lock cmpxchg loop.
 */
#include "jit/x86_64.h"

#if HIVE_JIT_X86_64

/* Argument of the memory-check stub: pc, size and direction in 32 bits. */
static uint32_t pack_access(uint32_t pc, unsigned size, unsigned prot)
{
	return pc << 8 | size << 2 | prot;
}

struct x86_mem emit_access_mem(struct jit_ctx *c, uint32_t pc, struct x86_mem m, unsigned size,
			       unsigned prot, bool want_tmp)
{
	bool in_frame = m.base == RBP && m.index == X86_NOREG && m.disp >= -HIVE_STACK_SIZE &&
			m.disp <= -(int)size;

	if (!c->checks || in_frame) {
		if (!want_tmp)
			return m;
		if (m.disp || m.index != X86_NOREG)
			emit_lea(c, true, TMP, &m);          /* lea r11, [mem] */
		else
			emit_mov_rr(c, true, TMP, m.base);   /* mov r11, base */
		return mem_bd(TMP, 0);
	}
	if (m.disp || m.index != X86_NOREG)
		emit_lea(c, true, TMP, &m);                  /* lea r11, [mem] */
	else
		emit_mov_rr(c, true, TMP, m.base);           /* mov r11, base */
	m = mem_bd(TMP, HIVE_STACK_SIZE);
	emit_lea(c, true, TMP2, &m);                         /* lea r10, [r11 + 512] */
	emit_alu_rr(c, true, ALU_SUB, TMP2, RBP);            /* sub r10, rbp */
	emit_alu_ri(c, true, ALU_CMP, TMP2, (int32_t)(HIVE_STACK_SIZE - size)); /* in frame? */
	if (prot == HIVE_PROT_RW) {
		emit_jcc_stub(c, CC_A, STUB_MEMCHECK, pack_access(pc, size, prot),
			      c->rest[pc]);                  /* ja: full check */
		return mem_bd(TMP, 0);
	}
	{
		/* then the ctx: ctx_start <= addr, addr + size <= ctx_end, prot */
		uint32_t j_ok = emit_jcc8_fwd(c, CC_BE), stub = c->prev_stub_base + c->stub_bytes;
		struct x86_mem f = RUNF(ctx_end);

		emit_op_rm(c, OP_W, 0x8b, TMP2, &f);         /* mov r10, run->ctx_end */
		emit_alu_rr(c, true, ALU_SUB, TMP2, TMP);    /* sub r10, r11: room left */
		emit_jcc_off(c, CC_B, stub);                 /* jb: past the end */
		emit_alu_ri(c, true, ALU_CMP, TMP2, (int32_t)size);
		emit_jcc_off(c, CC_B, stub);                 /* jb: not size bytes */
		f = RUNF(ctx_start);
		emit_op_rm(c, OP_W, 0x3b, TMP, &f);          /* cmp r11, run->ctx_start */
		emit_jcc_off(c, CC_B, stub);                 /* jb: before the start */
		f = RUNF(ctx_prot);
		emit_op_rm(c, 0, 0xf6, 0, &f);               /* test byte run->ctx_prot, prot */
		emit1(c, (uint8_t)prot);
		emit_jcc_off(c, CC_E, stub);                 /* jz: direction refused */
		jit_add_stub(c, STUB_MEMCHECK, pack_access(pc, size, prot), c->rest[pc],
			     c->pos + c->ilen);
		patch8_here(c, j_ok);                        /* .ok: */
	}
	return mem_bd(TMP, 0);
}

struct x86_mem emit_access(struct jit_ctx *c, uint32_t pc, unsigned base, int16_t off,
			   unsigned size, unsigned prot, bool want_tmp)
{
	return emit_access_mem(c, pc, mem_bd(xreg(base), off), size, prot, want_tmp);
}

void emit_ldx(struct jit_ctx *c, const struct hive_insn *in, uint32_t pc)
{
	unsigned size = isa_bytes(isa_desc(in->code)->width);
	struct x86_mem m = emit_access(c, pc, in->src, in->off, size, HIVE_PROT_READ, false);

	if (isa_desc(in->code)->kind == HIVE_K_LDXSX)
		emit_load_sx(c, size, xreg(in->dst), &m);    /* dst = *(sN *)(src + off) */
	else
		emit_load(c, size, xreg(in->dst), &m);       /* dst = *(uN *)(src + off) */
}

void emit_st(struct jit_ctx *c, const struct hive_insn *in, uint32_t pc)
{
	unsigned size = isa_bytes(isa_desc(in->code)->width);
	struct x86_mem m = emit_access(c, pc, in->dst, in->off, size, HIVE_PROT_WRITE, false);

	if (isa_desc(in->code)->kind == HIVE_K_STX) {
		emit_store(c, size, &m, xreg(in->src));      /* *(uN *)(dst + off) = src */
	} else if (c->blind && in->imm) {
		emit_blinded_imm(c, in->imm);
		emit_store(c, size, &m, TMP2);               /* *(uN *)(dst + off) = r10 */
	} else {
		emit_store_imm(c, size, &m, in->imm);        /* *(uN *)(dst + off) = imm */
	}
}

/* op = add/or/and/xor: the x86 group-1 ALU op */
static enum x86_alu atomic_alu(int32_t imm)
{
	switch (imm & ~HIVE_FETCH) {
	case HIVE_ADD: return ALU_ADD;
	case HIVE_OR:  return ALU_OR;
	case HIVE_AND: return ALU_AND;
	default:       return ALU_XOR;
	}
}

void emit_atomic(struct jit_ctx *c, const struct hive_insn *in, uint32_t pc)
{
	unsigned size = isa_bytes(isa_desc(in->code)->width);
	bool w = size == 8;
	unsigned flags = w ? OP_W : 0;
	int src = xreg(in->src);
	struct x86_mem m = emit_access(c, pc, in->dst, in->off, size, HIVE_PROT_RW, true);
	uint32_t loop;

	emit_test_ri(c, false, TMP, (int32_t)(size - 1));    /* test r11b, size - 1 */
	emit_jcc_stub(c, CC_NE, STUB_MISALIGN, pc << 8 | size,
		      c->rest ? c->rest[pc] : 0);            /* jnz: misaligned */

	switch (in->imm) {
	case HIVE_ADD:
	case HIVE_OR:
	case HIVE_AND:
	case HIVE_XOR:
		/* lock op [r11], src */
		emit_op_rm(c, flags | OP_LOCK, (uint8_t)(atomic_alu(in->imm) * 8 + 1), src, &m);
		break;
	case HIVE_ADD | HIVE_FETCH:
		emit_op_rm(c, flags | OP_LOCK | OP_0F, 0xc1, src, &m); /* lock xadd [r11], src */
		break;
	case HIVE_XCHG:
		emit_op_rm(c, flags, 0x87, src, &m);         /* xchg [r11], src */
		break;
	case HIVE_CMPXCHG:
		/* lock cmpxchg [r11], src: if [r11] == r0 then [r11] = src; r0 = old */
		emit_op_rm(c, flags | OP_LOCK | OP_0F, 0xb1, src, &m);
		if (!w)
			emit_mov_rr(c, false, RAX, RAX);     /* mov eax, eax: zero-extend old */
		break;
	default:
		/*
		 * fetch_or/and/xor: r10 = r0; rax = [r11];
		 * .loop: r9 = rax op src; lock cmpxchg [r11], r9; jne .loop;
		 * src = rax (old value); r0 = r10 unless src is r0.
		 */
		emit_mov_rr(c, true, TMP2, RAX);             /* mov r10, rax */
		emit_load(c, size, RAX, &m);                 /* mov rax, [r11] */
		loop = c->ilen;
		emit_mov_rr(c, w, AUX, RAX);                 /* .loop: mov r9, rax */
		emit_alu_rr(c, w, atomic_alu(in->imm), AUX, src == RAX ? TMP2 : src); /* op r9, src */
		emit_op_rm(c, flags | OP_LOCK | OP_0F, 0xb1, AUX, &m); /* lock cmpxchg [r11], r9 */
		emit2(c, 0x70 | CC_NE, (uint8_t)(loop - (c->ilen + 2))); /* jne .loop */
		if (src != RAX) {
			emit_mov_rr(c, w, src, RAX);         /* mov src, rax: old value */
			emit_mov_rr(c, true, RAX, TMP2);     /* mov rax, r10 */
		} else if (!w) {
			emit_mov_rr(c, false, RAX, RAX);     /* zero-extend old value */
		}
		break;
	}
}

/*
 * Legacy packet loads: r0 = big-endian 1/2/4 bytes at pkt + off, with
 * off = imm (ABS) or (s32)(src + imm) (IND). Out of bounds (or no packet):
 * the function returns 0, like the kernel and the interpreter.
 */
void emit_ld_pkt(struct jit_ctx *c, const struct hive_insn *in, uint32_t pc)
{
	unsigned size = isa_bytes(isa_desc(in->code)->width);
	bool ind = isa_desc(in->code)->kind == HIVE_K_LDIND;
	struct x86_mem m, run_pkt = RUNF(pkt), run_size = RUNF(pkt_size);

	(void)pc;
	if (!ind && in->imm < 0) {
		emit_jcc_stub(c, -1, STUB_EXIT0, c->cur_mask, 0);      /* always out of bounds */
		return;
	}
	if (!ind && (int64_t)in->imm + size <= INT32_MAX) {
		emit_alu_mi(c, true, ALU_CMP, &run_size, (int32_t)(in->imm + (int32_t)size));
		emit_jcc_stub(c, CC_B, STUB_EXIT0, c->cur_mask, 0);    /* pkt_size < off + size: return 0 */
		emit_op_rm(c, OP_W, 0x8b, TMP2, &run_pkt);   /* mov r10, run->pkt */
		m = mem_bd(TMP2, in->imm);
	} else {
		if (ind) {
			m = mem_bd(xreg(in->src), in->imm);
			emit_lea(c, false, TMP, &m);         /* lea r11d, [src + imm] */
			emit_movsx_rr(c, true, 32, TMP, TMP); /* movsxd r11, r11d */
			emit_test_rr(c, true, TMP, TMP);
			emit_jcc_stub(c, CC_S, STUB_EXIT0, c->cur_mask, 0); /* off < 0: return 0 */
		} else {
			emit_mov_imm64(c, TMP, (uint64_t)(uint32_t)in->imm); /* mov r11, imm */
		}
		emit_op_rm(c, OP_W, 0x8b, TMP2, &run_size);  /* mov r10, run->pkt_size */
		emit_alu_ri(c, true, ALU_SUB, TMP2, (int32_t)size); /* sub r10, size */
		emit_jcc_stub(c, CC_B, STUB_EXIT0, c->cur_mask, 0);    /* pkt_size < size */
		emit_alu_rr(c, true, ALU_CMP, TMP, TMP2);    /* cmp r11, r10 */
		emit_jcc_stub(c, CC_A, STUB_EXIT0, c->cur_mask, 0);    /* off > pkt_size - size */
		emit_op_rm(c, OP_W, 0x8b, TMP2, &run_pkt);   /* mov r10, run->pkt */
		m = mem_bid(TMP2, TMP, 0, 0);
	}
	switch (size) {
	case 1:
		emit_load(c, 1, RAX, &m);                    /* movzx eax, byte [pkt + off] */
		break;
	case 2:
		emit_load(c, 2, RAX, &m);                    /* movzx eax, word [pkt + off] */
		emit_shift_ri(c, OP_66, SH_ROL, RAX, 8);     /* rol ax, 8 */
		break;
	default:
		emit_load(c, 4, RAX, &m);                    /* mov eax, [pkt + off] */
		emit_bswap(c, false, RAX);                   /* bswap eax */
		break;
	}
}

#endif /* HIVE_JIT_X86_64 */
