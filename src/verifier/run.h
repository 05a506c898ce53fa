/*
 * run.h - what the verifier exports to hive's loader (load.c) beyond the
 * public hive_verify(): per-instruction results and the modelled program
 * types. Kept apart from env.h, whose kernel-named types clash with the
 * loader's headers.
 */
#ifndef HIVE_VERIFIER_RUN_H
#define HIVE_VERIFIER_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "hive/hive_verifier.h"

#define VINSN_SEEN 1u  /* reached by some path */
#define VINSN_CTX  2u  /* a load/store through the context pointer */

/*
 * hive_verify() plus per-instruction results: when the program is accepted
 * and @insn_flags is not NULL, insn_flags[i] gets VINSN_* bits for each of
 * the @cnt slots. Same return values as hive_verify().
 */
int verifier_run(const struct hive_insn *insns, uint32_t cnt, struct hive_verify_opts *opts,
		 uint8_t *insn_flags);

/* The program types whose context and rules the verifier models (ctx.c). */
bool prog_type_supported(uint32_t prog_type);

#endif /* HIVE_VERIFIER_RUN_H */
