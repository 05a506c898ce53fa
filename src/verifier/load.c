/*
 * load.c - the verifier plugged into hive's BPF_PROG_LOAD (prog_verify of
 * core/prog.h).
 *
 * PROG_LOAD relocates map references first (lddw imm = map id), then calls
 * prog_verify, which runs the verifier with the kernel's log attributes and
 * describes each referenced map from hive's own map object. On acceptance it
 * reports the context accesses (the instructions whose pointer is the
 * context, the kernel's aux ptr_type == PTR_TO_CTX that convert_ctx_accesses
 * rewrites) and applies the kernel's dead-code fixup: instructions no path
 * reached are replaced by "goto -1", as sanitize_dead_code does, so that
 * poisoned CO-RE calls (call 0xbad2310) or relocations in dead code never
 * reach the helper policy or an engine. (The privileged kernel removes such
 * code instead; hive keeps the program length, which its xlated form
 * requires: every rewrite is 1:1.)
 *
 * Program types the verifier does not model (prog_type_supported false)
 * are not refused: env->verified stays false, env->unverified_why says
 * why, and the loader loads them unverified, in the VM's checked mode
 * (every access bounds-checked, an instruction budget). The kernel's
 * verdict on such a program is not reproduced: an unsafe one loads and
 * faults at run time. Every program of a modelled type gets the
 * verifier's verdict, callbacks (bpf_loop, bpf_for_each_map_elem)
 * included.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/prog.h"
#include "helpers/helpers.h"
#include "isa/isa.h"
#include "maps/map.h"
#include "verifier/run.h"

/* Map resolver: lddw immediates are map ids of env->maps (relocated). */
static int resolve_map(void *ctx, int kind, int32_t ref, struct hive_verify_map *out)
{
	const struct prog_verify_env *pe = ctx;
	uint32_t zero = 0;

	if (kind != HIVE_PSEUDO_MAP_FD)
		return -EBADF;
	for (uint32_t i = 0; i < pe->nr_maps; i++) {
		struct hive_map *m = pe->maps[i];

		if (m->obj.id != (uint32_t)ref)
			continue;
		out->map_type = m->map_type;
		out->key_size = m->key_size;
		out->value_size = m->value_size;
		out->max_entries = m->max_entries;
		out->map_flags = m->map_flags;
		out->id = m->obj.id;
		out->spin_lock_off = m->def->spin_lock_off;
		out->timer_off = -1;
		out->btf_value_type_id = m->def->btf_value_type_id;
		out->frozen = m->def->frozen != 0;
		/* constant reads of frozen read-only arrays (trace_printk formats) */
		if (out->frozen && m->map_type == BPF_MAP_TYPE_ARRAY && m->max_entries == 1)
			out->value = map_lookup_elem_ptr(m, &zero);
		out->inner_map_type = m->def->inner_type;
		out->inner_key_size = m->def->inner_key_size;
		out->inner_value_size = m->def->inner_value_size;
		out->inner_max_entries = m->def->inner_max_entries;
		out->inner_map_flags = m->def->inner_map_flags;
		memcpy(out->name, m->def->name, sizeof(out->name));
		out->name[sizeof(out->name) - 1] = 0;
		return 0;
	}
	return -EBADF;
}

int prog_verify(struct prog_verify_env *pe)
{
	struct hive_verify_opts o = HIVE_VERIFY_OPTS_INIT;
	char *klog = NULL;
	uint8_t *flags;
	int err;

	pe->verified = false;
	pe->unverified_why = NULL;
	pe->log_true_size = 0;
	pe->max_ctx_offset = 0;
	if (!prog_type_supported(pe->prog_type)) {
		pe->unverified_why = "the verifier does not model this program type";
		return 0;
	}
	flags = calloc(pe->insn_cnt, 1);
	/* the log goes to a private buffer first, copied out fault-safely
	 * (the user's pointer may be bad: -EFAULT, as copy_to_user) */
	if (flags && pe->log_buf && pe->log_size) {
		klog = malloc(pe->log_size);
		if (klog)
			klog[0] = 0;
	}
	if (!flags || (pe->log_buf && pe->log_size && !klog)) {
		free(flags);
		free(klog);
		return -ENOMEM;
	}
	o.prog_type = pe->prog_type;
	o.expected_attach_type = pe->expected_attach_type;
	o.prog_flags = pe->prog_flags;
	o.gpl = pe->gpl;
	o.log_level = pe->log_level;
	o.log_buf = klog;
	o.log_size = pe->log_size;
	o.map_resolve = resolve_map;
	o.map_ctx = pe;
	o.btf = pe->btf;
	o.func_info = pe->func_info;
	o.func_info_cnt = pe->nr_func_info;
	o.line_info = pe->line_info;
	o.line_info_cnt = pe->nr_line_info;
	err = verifier_run(pe->insns, pe->insn_cnt, &o, flags);
	pe->log_true_size = o.log_true_size;
	if (klog && o.log_true_size) {
		size_t n = strnlen(klog, pe->log_size);

		if (probe_write(pe->log_buf, klog, n < pe->log_size ? n + 1 : n))
			err = -EFAULT;
	}
	if (err)
		goto out;
	for (uint32_t i = 0; i < pe->insn_cnt; i++) {
		struct hive_insn *in = &pe->insns[i];

		pe->ctx_access[i] = !!(flags[i] & VINSN_CTX);
		if (flags[i] & VINSN_CTX) {
			uint32_t end = (uint32_t)(in->off + isa_bytes(isa_desc(in->code)->width));

			if (end > pe->max_ctx_offset)
				pe->max_ctx_offset = end;
		}
		if (flags[i] & VINSN_SEEN)
			continue;
		/* dead code: a self-loop no path reaches (sanitize_dead_code) */
		*in = (struct hive_insn){ .code = HIVE_JMP | HIVE_JA, .off = -1 };
	}
	pe->verified = true;
out:
	free(klog);
	free(flags);
	return err;
}
