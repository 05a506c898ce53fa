/*
 * fuse.c - multi-instruction patterns compiled as one x86 sequence.
 */
#include "jit/x86_64.h"

int jit_fuse(struct jit_ctx *c, uint32_t pc)
{
	(void)c;
	(void)pc;
	return 0;
}
