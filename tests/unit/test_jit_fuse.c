/*
 * test_jit_fuse.c - the multi-instruction patterns of src/jit/fuse.c: each
 * idiom in a form where it must fuse (the temporaries are dead) and in
 * forms where it must not (a temporary is read later, a jump lands inside),
 * compared with the interpreter in unchecked and checked runs. The x86
 * listing shows whether the fused instruction was emitted.
 */
#if defined(__x86_64__)     /* the JIT's host */
#include "jit_testutil.h"

static _Alignas(16) uint8_t mem[256];

static void fill(void)
{
	unsigned i;

	for (i = 0; i < sizeof(mem); i++)
		mem[i] = (uint8_t)(i * 29 + 3);
}

/* Compare both engines in both modes; then, unchecked, look for @needle
 * (NULL: no check) in the JIT listing. */
static void case_of(const char *src, const char *needle, bool present)
{
	struct jt_env env = { .mem = mem, .memlen = sizeof(mem) };
	struct jt_prog g = { 0 };
	struct hive_vm *vm;
	char *text = NULL;

	fill();
	if (!jt_asm(&g, src))
		return;
	jt_compare2(&g, &env, src);
	if (needle) {
		vm = hive_vm_create();
		REQUIRE(vm);
		hive_vm_set_engine(vm, HIVE_ENGINE_JIT);
		hive_vm_set_checks(vm, false);
		REQUIRE(hive_vm_load(vm, g.p, g.n) == 0);
		REQUIRE(hive_vm_dump_jited(vm, 0, &text) == 0);
		if (!!strstr(text, needle) != present)
			test_fail(__FILE__, __LINE__, "\"%s\" %s in the code of:\n%s\n%s", needle,
				  present ? "missing" : "unexpected", src, text);
		free(text);
		hive_vm_destroy(vm);
	}
	jt_free(&g);
}

TEST(jit_fuse_address_arithmetic)
{
	/* r3 = r10 - 64 + r2; load through it, r3 dead: one access */
	case_of("mov %r2, 5\nstdw [%r10-64], 1\nstdw [%r10-56], 2\nmov %r3, %r10\nadd %r3, -64\n"
		"add %r3, %r2\nldxb %r0, [%r3+3]\nexit\n", "movzx eax, byte ptr [rbp + rsi - 0x3d]", true);
	/* r3 live afterwards: lea, then the load */
	case_of("mov %r2, 5\nstdw [%r10-64], 1\nstdw [%r10-56], 2\nmov %r3, %r10\nadd %r3, -64\n"
		"add %r3, %r2\nldxb %r0, [%r3+3]\nadd %r0, %r3\nsub %r0, %r10\nexit\n",
		"lea rdx, [rbp + rsi - 0x40]", true);
	/* the load overwrites the address register */
	case_of("mov %r2, 8\nmov %r4, %r1\nadd %r4, %r2\nsub %r4, 4\nldxw %r4, [%r4+0]\nmov %r0, %r4\n"
		"exit\n", NULL, false);
	/* stores through a fused address, value and imm */
	case_of("mov %r2, 16\nmov %r6, 7\nmov %r4, %r1\nadd %r4, %r2\nstxb [%r4+1], %r6\n"
		"mov %r4, %r1\nadd %r4, 40\nsth [%r4-2], -3\nldxdw %r0, [%r1+16]\nldxdw %r2, [%r1+32]\n"
		"xor %r0, %r2\nexit\n", "mov byte ptr [rdi + rsi + 1], bl", true);
	/* storing the address itself: no fold */
	case_of("mov %r4, %r1\nadd %r4, 8\nstxdw [%r4+0], %r4\nldxdw %r0, [%r1+8]\nsub %r0, %r1\n"
		"exit\n", NULL, false);
	/* a jump into the chain splits it */
	case_of("mov %r0, 0\nmov %r2, 1\njeq %r2, 1, in\nmov %r3, %r1\nin:\nadd %r3, 8\n"
		"mov %r0, %r3\nexit\n", NULL, false);
}

TEST(jit_fuse_extensions)
{
	case_of("lddw %r1, 0x8765432187654321\nmov %r0, %r1\nlsh %r0, 32\nrsh %r0, 32\nexit\n",
		"mov eax, edi", true);
	case_of("lddw %r1, 0x8765432187654321\nmov %r0, %r1\nlsh %r0, 32\narsh %r0, 32\nexit\n",
		"movsxd rax, edi", true);
	case_of("lddw %r0, 0x87654321876585f1\nlsh %r0, 48\narsh %r0, 48\nexit\n",
		"movsx rax, ax", true);
	case_of("lddw %r0, 0x87654321876585f1\nlsh %r0, 56\nrsh %r0, 56\nexit\n",
		"movzx eax, al", true);
	case_of("lddw %r1, 0x8765432187654321\nlsh %r1, 32\nmov %r0, %r1\nrsh %r0, 32\nmov %r1, 0\n"
		"exit\n", "mov eax, edi", true);
	case_of("lddw %r1, 0x8765432187654321\nlsh %r1, 48\nmov %r0, %r1\narsh %r0, 48\nexit\n",
		"movsx rax, di", true);
	/* the shifted register is read later */
	case_of("lddw %r1, 0x8765432187654321\nlsh %r1, 32\nmov %r0, %r1\nrsh %r0, 32\n"
		"add %r0, %r1\nexit\n", "mov eax, edi", false);
	/* different counts: no fusion */
	case_of("lddw %r0, 0x8765432187654321\nlsh %r0, 32\nrsh %r0, 31\nexit\n", NULL, false);
}

TEST(jit_fuse_load_op)
{
	case_of("stdw [%r10-8], 100\nmov %r0, 5\nldxdw %r2, [%r10-8]\nmul %r0, %r2\nexit\n",
		"imul rax, qword ptr [rbp - 8]", true);
	case_of("stw [%r10-8], -100\nmov %r0, 5\nldxw %r2, [%r10-8]\nadd32 %r0, %r2\nexit\n",
		"add eax, dword ptr [rbp - 8]", true);
	/* 32-bit load feeding a 64-bit op: keeps the load */
	case_of("stw [%r10-8], -100\nmov %r0, 5\nldxw %r2, [%r10-8]\nadd %r0, %r2\nexit\n",
		NULL, false);
	/* the loaded register is read again */
	case_of("stdw [%r10-8], 100\nmov %r0, 5\nldxdw %r2, [%r10-8]\nsub %r0, %r2\nadd %r0, %r2\n"
		"exit\n", NULL, false);
	/* compares, both operand orders */
	case_of("stdw [%r10-8], 100\nmov %r0, 5\nmov %r3, 7\nldxdw %r2, [%r10-8]\n"
		"jgt %r2, %r3, +1\nmov %r0, 9\nexit\n", "cmp qword ptr [rbp - 8], rdx", true);
	case_of("stdw [%r10-8], 100\nmov %r0, 5\nmov %r3, 7\nldxdw %r2, [%r10-8]\n"
		"jgt %r3, %r2, +1\nmov %r0, 9\nexit\n", "cmp rdx, qword ptr [rbp - 8]", true);
	case_of("stdw [%r1+8], 100\nmov %r0, 5\nmov %r3, 4\nldxdw %r2, [%r1+8]\n"
		"jset %r3, %r2, +1\nmov %r0, 9\nexit\n", NULL, false);
}

TEST(jit_fuse_constants)
{
	case_of("mov %r0, 3\nmov %r2, 100\nadd %r0, %r2\nexit\n", "add rax, 0x64", true);
	case_of("mov %r0, 3\nmov32 %r2, -1\nadd %r0, %r2\nexit\n", NULL, false);  /* zext */
	case_of("mov %r0, 3\nmov32 %r2, -1\nadd32 %r0, %r2\nexit\n", NULL, false);
	case_of("mov %r0, 300\nmov %r2, 8\nrsh %r0, %r2\nexit\n", "shr rax, 8", true);
	case_of("mov %r0, 5\nmov %r6, 128\njgt %r6, %r0, +1\nmov %r0, 9\nexit\n",
		"cmp rax, 0x80", true);
	case_of("mov %r0, 5\nmov %r6, -1\njgt %r0, %r6, +1\nmov %r0, 9\nexit\n", NULL, false);
	case_of("mov %r0, 5\nmov32 %r6, -1\njgt %r0, %r6, +1\nmov %r0, 9\nexit\n", NULL, false);
	case_of("mov %r0, 5\nmov32 %r6, -1\njgt32 %r0, %r6, +1\nmov %r0, 9\nexit\n", NULL, false);
	case_of("mov %r2, -1\nstxdw [%r10-8], %r2\nldxdw %r0, [%r10-8]\nexit\n",
		"mov qword ptr [rbp - 8], -1", true);
	case_of("mov32 %r2, -1\nstxdw [%r10-8], %r2\nldxdw %r0, [%r10-8]\nexit\n", NULL, false);
	case_of("mov32 %r2, -1\nstxw [%r10-8], %r2\nldxdw %r0, [%r10-8]\nexit\n", NULL, false);
	/* the constant is read again */
	case_of("mov %r0, 3\nmov %r2, 100\nadd %r0, %r2\nadd %r0, %r2\nexit\n", NULL, false);
}

TEST(jit_fuse_three_operand_and_rotate)
{
	case_of("mov %r1, 7\nmov %r0, %r1\nmul %r0, 100\nadd %r0, %r1\nexit\n",
		"imul rax, rdi, 0x64", true);
	case_of("mov %r1, 7\nmov %r2, 3\nmov %r0, %r1\nlsh %r0, %r2\nadd %r0, %r1\nexit\n", NULL,
		false);
	case_of("mov %r1, 7\nmov %r0, %r1\nlsh %r0, 2\nadd %r0, %r1\nexit\n", NULL, false);
	case_of("lddw %r3, 0x9e3779b97f4a7c15\nmov %r5, %r3\nrsh %r5, 51\nlsh %r3, 13\n"
		"or %r3, %r5\nmov %r0, %r3\nexit\n", "rol rdx, 0xd", true);
	case_of("lddw %r3, 0x9e3779b97f4a7c15\nmov %r5, %r3\nlsh %r5, 7\nrsh %r3, 57\n"
		"or %r3, %r5\nmov %r0, %r3\nexit\n", "rol rdx, 7", true);
	/* the temporary survives: no rotate */
	case_of("lddw %r3, 0x9e3779b97f4a7c15\nmov %r5, %r3\nrsh %r5, 51\nlsh %r3, 13\n"
		"or %r3, %r5\nmov %r0, %r3\nadd %r0, %r5\nexit\n", "rol", false);
}

TEST(jit_fuse_lowbit_mask)
{
	static const char *const vals[] = { "0", "1", "2", "3", "0xffffffffffffffff", "0x80000001" };
	char src[256];
	unsigned i;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		snprintf(src, sizeof(src), "lddw %%r4, %s\nlddw %%r3, 0xedb88320f0f0f0f0\n"
			 "and %%r4, 1\nneg %%r4\nand %%r4, %%r3\nmov %%r0, %%r4\nexit\n", vals[i]);
		case_of(src, "cmovne", true);
		snprintf(src, sizeof(src), "lddw %%r4, %s\nlddw %%r3, 0xedb88320f0f0f0f0\n"
			 "and32 %%r4, 1\nneg32 %%r4\nand32 %%r4, %%r3\nmov %%r0, %%r4\nexit\n",
			 vals[i]);
		case_of(src, "cmovne", true);
	}
	/* and with itself: plain code */
	case_of("mov %r4, 3\nand %r4, 1\nneg %r4\nand %r4, %r4\nmov %r0, %r4\nexit\n", "cmov", false);
}

TEST(jit_fuse_cmov)
{
	static const char *const conds[] = { "jgt", "jsgt", "jeq", "jset", "jle32", "jslt" };
	char src[256];
	unsigned i, v;

	for (i = 0; i < sizeof(conds) / sizeof(conds[0]); i++) {
		for (v = 0; v < 3; v++) {
			snprintf(src, sizeof(src),
				 "lddw %%r1, %s\nmov %%r2, 5\nmov %%r0, 1\n%s %%r1, %%r2, +1\n"
				 "mov %%r0, %%r2\n%s %%r1, -3, +1\nmov %%r0, 77\nexit\n",
				 v == 0 ? "3" : v == 1 ? "-7" : "0x100000005", conds[i], conds[i]);
			case_of(src, "cmov", true);
		}
	}
	/* a jump into the move keeps the branch */
	case_of("mov %r0, 1\nmov %r1, 2\njgt %r1, 1, +1\nin:\nmov %r0, %r1\njeq %r0, 7, in\nexit\n",
		"cmov", false);
}

/* Words recomposed from byte loads, little and big endian, 2/4/8 bytes,
 * through a fused address and not. */
TEST(jit_fuse_byte_loads)
{
	case_of("ldxb %r5, [%r1+1]\nlsh %r5, 8\nldxb %r6, [%r1+0]\nor %r5, %r6\nldxb %r6, [%r1+2]\n"
		"lsh %r6, 16\nor %r5, %r6\nldxb %r0, [%r1+3]\nlsh %r0, 24\nor %r5, %r0\n"
		"mov %r0, %r5\nexit\n", "mov r8d, dword ptr [rdi]", true);
	case_of("mov %r2, 12\nmov %r0, %r1\nadd %r0, %r2\nldxb %r5, [%r0+0]\nlsh %r5, 8\n"
		"ldxb %r6, [%r0+1]\nor %r5, %r6\nmov %r0, %r5\nexit\n", "rol r8w, 8", true);
	case_of("ldxh %r2, [%r1+6]\nlsh %r2, 16\nldxh %r3, [%r1+4]\nor32 %r2, %r3\nmov %r0, %r2\n"
		"exit\n", "mov esi, dword ptr [rdi + 4]", true);
	/* 8 bytes big-endian */
	case_of("ldxb %r0, [%r1+7]\nldxb %r2, [%r1+6]\nlsh %r2, 8\nor %r0, %r2\nldxb %r2, [%r1+5]\n"
		"lsh %r2, 16\nor %r0, %r2\nldxb %r2, [%r1+4]\nlsh %r2, 24\nor %r0, %r2\n"
		"ldxb %r2, [%r1+3]\nlsh %r2, 32\nor %r0, %r2\nldxb %r2, [%r1+2]\nlsh %r2, 40\n"
		"or %r0, %r2\nldxb %r2, [%r1+1]\nlsh %r2, 48\nor %r0, %r2\nldxb %r2, [%r1+0]\n"
		"lsh %r2, 56\nor %r0, %r2\nexit\n", "bswap rax", true);
	/* the partial value is used: no fusion */
	case_of("ldxb %r5, [%r1+1]\nlsh %r5, 8\nldxb %r6, [%r1+0]\nor %r5, %r6\nmov %r0, %r5\n"
		"add %r0, %r6\nexit\n", "word ptr", false);
	/* overlapping bytes, gaps, 32-bit shifts dropping bytes */
	case_of("ldxb %r5, [%r1+1]\nlsh %r5, 8\nldxb %r6, [%r1+1]\nor %r5, %r6\nmov %r0, %r5\nexit\n",
		"word ptr", false);
	case_of("ldxb %r5, [%r1+2]\nlsh %r5, 8\nldxb %r6, [%r1+0]\nor %r5, %r6\nmov %r0, %r5\nexit\n",
		"word ptr", false);
	case_of("ldxb %r5, [%r1+1]\nlsh32 %r5, 24\nlsh32 %r5, 8\nldxb %r6, [%r1+0]\nor %r5, %r6\n"
		"mov %r0, %r5\nexit\n", NULL, false);
}

#endif
