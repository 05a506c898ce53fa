/*
 * insn_def.h - THE eBPF opcode table (RFC 9669, including the v4 additions).
 *
 * Every legal opcode byte appears exactly once, as
 *
 *     X(NAME, CODE, KIND, MNEMONIC, WIDTH)
 *
 *   NAME      enum suffix and interpreter label (HIVE_OP_ADD64_IMM, op_ADD64_IMM)
 *   CODE      the 8-bit opcode byte
 *   KIND      operand format (HIVE_K_*, see isa.h): drives the legality check
 *             of off/imm/src/dst, the assembler, the disassembler, the JIT and
 *             the verifier
 *   MNEMONIC  the bpf_conformance / uBPF mnemonic of the base form; variants
 *             selected by off/imm (sdiv, movsx, atomics, bswap widths) are
 *             named by isa.c from the kind
 *   WIDTH     operand width in bits: 32/64 for ALU and JMP classes, the
 *             access size (8/16/32/64) for loads and stores
 *
 * The file has no include guard on purpose: include it after defining X.
 * Nothing else in hive lists opcodes; every user is generated from here.
 */

/* ---- ALU64 (class 0x07): dst = dst OP src, 64-bit ---------------------- */
X(ADD64_IMM,  0x07, ALU_K,  "add",    64)   /* dst += imm */
X(ADD64_REG,  0x0f, ALU_X,  "add",    64)   /* dst += src */
X(SUB64_IMM,  0x17, ALU_K,  "sub",    64)   /* dst -= imm */
X(SUB64_REG,  0x1f, ALU_X,  "sub",    64)   /* dst -= src */
X(MUL64_IMM,  0x27, ALU_K,  "mul",    64)   /* dst *= imm */
X(MUL64_REG,  0x2f, ALU_X,  "mul",    64)   /* dst *= src */
X(DIV64_IMM,  0x37, DIV_K,  "div",    64)   /* dst /= imm (off=1: signed); x/0 = 0 */
X(DIV64_REG,  0x3f, DIV_X,  "div",    64)   /* dst /= src (off=1: signed); x/0 = 0 */
X(OR64_IMM,   0x47, ALU_K,  "or",     64)   /* dst |= imm */
X(OR64_REG,   0x4f, ALU_X,  "or",     64)   /* dst |= src */
X(AND64_IMM,  0x57, ALU_K,  "and",    64)   /* dst &= imm */
X(AND64_REG,  0x5f, ALU_X,  "and",    64)   /* dst &= src */
X(LSH64_IMM,  0x67, ALU_K,  "lsh",    64)   /* dst <<= imm & 63 */
X(LSH64_REG,  0x6f, ALU_X,  "lsh",    64)   /* dst <<= src & 63 */
X(RSH64_IMM,  0x77, ALU_K,  "rsh",    64)   /* dst >>= imm & 63 (logical) */
X(RSH64_REG,  0x7f, ALU_X,  "rsh",    64)   /* dst >>= src & 63 (logical) */
X(NEG64,      0x87, NEG,    "neg",    64)   /* dst = -dst */
X(MOD64_IMM,  0x97, DIV_K,  "mod",    64)   /* dst %= imm (off=1: signed); x%0 = x */
X(MOD64_REG,  0x9f, DIV_X,  "mod",    64)   /* dst %= src (off=1: signed); x%0 = x */
X(XOR64_IMM,  0xa7, ALU_K,  "xor",    64)   /* dst ^= imm */
X(XOR64_REG,  0xaf, ALU_X,  "xor",    64)   /* dst ^= src */
X(MOV64_IMM,  0xb7, ALU_K,  "mov",    64)   /* dst = imm (sign-extended) */
X(MOV64_REG,  0xbf, MOV_X,  "mov",    64)   /* dst = src (off=8/16/32: movsx) */
X(ARSH64_IMM, 0xc7, ALU_K,  "arsh",   64)   /* dst s>>= imm & 63 */
X(ARSH64_REG, 0xcf, ALU_X,  "arsh",   64)   /* dst s>>= src & 63 */
X(BSWAP,      0xd7, END,    "bswap",  64)   /* dst = bswap{16,32,64}(dst), imm = width */

/* ---- ALU (class 0x04): 32-bit, result zero-extended to 64 -------------- */
X(ADD_IMM,    0x04, ALU_K,  "add32",  32)   /* w_dst += imm */
X(ADD_REG,    0x0c, ALU_X,  "add32",  32)   /* w_dst += w_src */
X(SUB_IMM,    0x14, ALU_K,  "sub32",  32)   /* w_dst -= imm */
X(SUB_REG,    0x1c, ALU_X,  "sub32",  32)   /* w_dst -= w_src */
X(MUL_IMM,    0x24, ALU_K,  "mul32",  32)   /* w_dst *= imm */
X(MUL_REG,    0x2c, ALU_X,  "mul32",  32)   /* w_dst *= w_src */
X(DIV_IMM,    0x34, DIV_K,  "div32",  32)   /* w_dst /= imm (off=1: signed) */
X(DIV_REG,    0x3c, DIV_X,  "div32",  32)   /* w_dst /= w_src (off=1: signed) */
X(OR_IMM,     0x44, ALU_K,  "or32",   32)   /* w_dst |= imm */
X(OR_REG,     0x4c, ALU_X,  "or32",   32)   /* w_dst |= w_src */
X(AND_IMM,    0x54, ALU_K,  "and32",  32)   /* w_dst &= imm */
X(AND_REG,    0x5c, ALU_X,  "and32",  32)   /* w_dst &= w_src */
X(LSH_IMM,    0x64, ALU_K,  "lsh32",  32)   /* w_dst <<= imm & 31 */
X(LSH_REG,    0x6c, ALU_X,  "lsh32",  32)   /* w_dst <<= w_src & 31 */
X(RSH_IMM,    0x74, ALU_K,  "rsh32",  32)   /* w_dst >>= imm & 31 */
X(RSH_REG,    0x7c, ALU_X,  "rsh32",  32)   /* w_dst >>= w_src & 31 */
X(NEG,        0x84, NEG,    "neg32",  32)   /* w_dst = -w_dst */
X(MOD_IMM,    0x94, DIV_K,  "mod32",  32)   /* w_dst %= imm (off=1: signed) */
X(MOD_REG,    0x9c, DIV_X,  "mod32",  32)   /* w_dst %= w_src (off=1: signed) */
X(XOR_IMM,    0xa4, ALU_K,  "xor32",  32)   /* w_dst ^= imm */
X(XOR_REG,    0xac, ALU_X,  "xor32",  32)   /* w_dst ^= w_src */
X(MOV_IMM,    0xb4, ALU_K,  "mov32",  32)   /* w_dst = imm */
X(MOV_REG,    0xbc, MOV_X,  "mov32",  32)   /* w_dst = w_src (off=8/16: movsx) */
X(ARSH_IMM,   0xc4, ALU_K,  "arsh32", 32)   /* w_dst s>>= imm & 31 */
X(ARSH_REG,   0xcc, ALU_X,  "arsh32", 32)   /* w_dst s>>= w_src & 31 */
X(LE,         0xd4, END,    "le",     32)   /* dst = htole{16,32,64}(dst) */
X(BE,         0xdc, END,    "be",     32)   /* dst = htobe{16,32,64}(dst) */

/* ---- JMP (class 0x05): 64-bit compares, calls, exit -------------------- */
X(JA,         0x05, JA,     "ja",     64)   /* pc += off */
X(JEQ_IMM,    0x15, JCC_K,  "jeq",    64)   /* if dst == imm goto +off */
X(JEQ_REG,    0x1d, JCC_X,  "jeq",    64)   /* if dst == src goto +off */
X(JGT_IMM,    0x25, JCC_K,  "jgt",    64)   /* if dst > imm (unsigned) */
X(JGT_REG,    0x2d, JCC_X,  "jgt",    64)   /* if dst > src (unsigned) */
X(JGE_IMM,    0x35, JCC_K,  "jge",    64)   /* if dst >= imm (unsigned) */
X(JGE_REG,    0x3d, JCC_X,  "jge",    64)   /* if dst >= src (unsigned) */
X(JSET_IMM,   0x45, JCC_K,  "jset",   64)   /* if dst & imm */
X(JSET_REG,   0x4d, JCC_X,  "jset",   64)   /* if dst & src */
X(JNE_IMM,    0x55, JCC_K,  "jne",    64)   /* if dst != imm */
X(JNE_REG,    0x5d, JCC_X,  "jne",    64)   /* if dst != src */
X(JSGT_IMM,   0x65, JCC_K,  "jsgt",   64)   /* if dst s> imm */
X(JSGT_REG,   0x6d, JCC_X,  "jsgt",   64)   /* if dst s> src */
X(JSGE_IMM,   0x75, JCC_K,  "jsge",   64)   /* if dst s>= imm */
X(JSGE_REG,   0x7d, JCC_X,  "jsge",   64)   /* if dst s>= src */
X(CALL,       0x85, CALL,   "call",   64)   /* src=0 helper imm, 1 local pc+imm+1, 2 kfunc */
X(EXIT,       0x95, EXIT,   "exit",   64)   /* return r0 (or return from a local call) */
X(JLT_IMM,    0xa5, JCC_K,  "jlt",    64)   /* if dst < imm (unsigned) */
X(JLT_REG,    0xad, JCC_X,  "jlt",    64)   /* if dst < src (unsigned) */
X(JLE_IMM,    0xb5, JCC_K,  "jle",    64)   /* if dst <= imm (unsigned) */
X(JLE_REG,    0xbd, JCC_X,  "jle",    64)   /* if dst <= src (unsigned) */
X(JSLT_IMM,   0xc5, JCC_K,  "jslt",   64)   /* if dst s< imm */
X(JSLT_REG,   0xcd, JCC_X,  "jslt",   64)   /* if dst s< src */
X(JSLE_IMM,   0xd5, JCC_K,  "jsle",   64)   /* if dst s<= imm */
X(JSLE_REG,   0xdd, JCC_X,  "jsle",   64)   /* if dst s<= src */

/* ---- JMP32 (class 0x06): 32-bit compares, gotol ------------------------ */
X(JA32,       0x06, JA32,   "ja32",   32)   /* gotol: pc += imm */
X(JEQ32_IMM,  0x16, JCC_K,  "jeq32",  32)   /* if w_dst == imm */
X(JEQ32_REG,  0x1e, JCC_X,  "jeq32",  32)   /* if w_dst == w_src */
X(JGT32_IMM,  0x26, JCC_K,  "jgt32",  32)   /* if w_dst > imm (unsigned) */
X(JGT32_REG,  0x2e, JCC_X,  "jgt32",  32)   /* if w_dst > w_src (unsigned) */
X(JGE32_IMM,  0x36, JCC_K,  "jge32",  32)   /* if w_dst >= imm (unsigned) */
X(JGE32_REG,  0x3e, JCC_X,  "jge32",  32)   /* if w_dst >= w_src (unsigned) */
X(JSET32_IMM, 0x46, JCC_K,  "jset32", 32)   /* if w_dst & imm */
X(JSET32_REG, 0x4e, JCC_X,  "jset32", 32)   /* if w_dst & w_src */
X(JNE32_IMM,  0x56, JCC_K,  "jne32",  32)   /* if w_dst != imm */
X(JNE32_REG,  0x5e, JCC_X,  "jne32",  32)   /* if w_dst != w_src */
X(JSGT32_IMM, 0x66, JCC_K,  "jsgt32", 32)   /* if w_dst s> imm */
X(JSGT32_REG, 0x6e, JCC_X,  "jsgt32", 32)   /* if w_dst s> w_src */
X(JSGE32_IMM, 0x76, JCC_K,  "jsge32", 32)   /* if w_dst s>= imm */
X(JSGE32_REG, 0x7e, JCC_X,  "jsge32", 32)   /* if w_dst s>= w_src */
X(JLT32_IMM,  0xa6, JCC_K,  "jlt32",  32)   /* if w_dst < imm (unsigned) */
X(JLT32_REG,  0xae, JCC_X,  "jlt32",  32)   /* if w_dst < w_src (unsigned) */
X(JLE32_IMM,  0xb6, JCC_K,  "jle32",  32)   /* if w_dst <= imm (unsigned) */
X(JLE32_REG,  0xbe, JCC_X,  "jle32",  32)   /* if w_dst <= w_src (unsigned) */
X(JSLT32_IMM, 0xc6, JCC_K,  "jslt32", 32)   /* if w_dst s< imm */
X(JSLT32_REG, 0xce, JCC_X,  "jslt32", 32)   /* if w_dst s< w_src */
X(JSLE32_IMM, 0xd6, JCC_K,  "jsle32", 32)   /* if w_dst s<= imm */
X(JSLE32_REG, 0xde, JCC_X,  "jsle32", 32)   /* if w_dst s<= w_src */

/* ---- LD (class 0x00): 64-bit immediate and legacy packet loads --------- */
X(LDDW,       0x18, LDDW,   "lddw",   64)   /* dst = imm64 (two slots; src = pseudo kind) */
X(LDABSW,     0x20, LDABS,  "ldabsw", 32)   /* r0 = ntohl(*(u32 *)(pkt + imm)) */
X(LDABSH,     0x28, LDABS,  "ldabsh", 16)   /* r0 = ntohs(*(u16 *)(pkt + imm)) */
X(LDABSB,     0x30, LDABS,  "ldabsb",  8)   /* r0 = *(u8 *)(pkt + imm) */
X(LDINDW,     0x40, LDIND,  "ldindw", 32)   /* r0 = ntohl(*(u32 *)(pkt + src + imm)) */
X(LDINDH,     0x48, LDIND,  "ldindh", 16)   /* r0 = ntohs(*(u16 *)(pkt + src + imm)) */
X(LDINDB,     0x50, LDIND,  "ldindb",  8)   /* r0 = *(u8 *)(pkt + src + imm) */

/* ---- LDX (class 0x01): dst = *(size *)(src + off) ---------------------- */
X(LDXW,       0x61, LDX,    "ldxw",   32)   /* dst = *(u32 *)(src + off) */
X(LDXH,       0x69, LDX,    "ldxh",   16)   /* dst = *(u16 *)(src + off) */
X(LDXB,       0x71, LDX,    "ldxb",    8)   /* dst = *(u8 *)(src + off) */
X(LDXDW,      0x79, LDX,    "ldxdw",  64)   /* dst = *(u64 *)(src + off) */
X(LDXSW,      0x81, LDXSX,  "ldxsw",  32)   /* dst = *(s32 *)(src + off) */
X(LDXSH,      0x89, LDXSX,  "ldxsh",  16)   /* dst = *(s16 *)(src + off) */
X(LDXSB,      0x91, LDXSX,  "ldxsb",   8)   /* dst = *(s8 *)(src + off) */

/* ---- ST (class 0x02): *(size *)(dst + off) = imm ----------------------- */
X(STW,        0x62, ST,     "stw",    32)   /* *(u32 *)(dst + off) = imm */
X(STH,        0x6a, ST,     "sth",    16)   /* *(u16 *)(dst + off) = imm */
X(STB,        0x72, ST,     "stb",     8)   /* *(u8 *)(dst + off) = imm */
X(STDW,       0x7a, ST,     "stdw",   64)   /* *(u64 *)(dst + off) = imm */

/* ---- STX (class 0x03): *(size *)(dst + off) = src, atomics ------------- */
X(STXW,       0x63, STX,    "stxw",   32)   /* *(u32 *)(dst + off) = src */
X(STXH,       0x6b, STX,    "stxh",   16)   /* *(u16 *)(dst + off) = src */
X(STXB,       0x73, STX,    "stxb",    8)   /* *(u8 *)(dst + off) = src */
X(STXDW,      0x7b, STX,    "stxdw",  64)   /* *(u64 *)(dst + off) = src */
X(ATOMIC32,   0xc3, ATOMIC, "lock",   32)   /* atomic op imm on *(u32 *)(dst + off) */
X(ATOMIC64,   0xdb, ATOMIC, "lock",   64)   /* atomic op imm on *(u64 *)(dst + off) */
