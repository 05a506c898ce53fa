/*
 * prog_btf.c - the BTF part of BPF_PROG_LOAD: prog_btf_fd, func_info and
 * line_info checked as the kernel's check_btf_info_early, check_btf_func
 * and check_btf_line (Linux 6.18): record sizes, non-zero record tails
 * (E2BIG, with the size the kernel expects written back into the attr),
 * increasing instruction offsets, FUNC type ids, one func_info per
 * subprogram at its first instruction, one line_info at the start of each
 * subprogram, valid string offsets. The records are kept, in the kernel's
 * record sizes, in the program object for BPF_OBJ_GET_INFO_BY_FD.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/btf_obj.h"
#include "core/prog.h"
#include "core/registry.h"
#include "helpers/helpers.h"
#include "isa/isa.h"
#include "loader/btf.h"

#define FUNCINFO_REC_MIN 8u     /* MIN_BPF_FUNCINFO_SIZE */
#define LINEINFO_REC_MIN 16u    /* MIN_BPF_LINEINFO_SIZE */
#define REC_MAX 252u            /* MAX_FUNCINFO_REC_SIZE, MAX_LINEINFO_REC_SIZE */
#define ATTR_FUNC_INFO_REC_SIZE_OFF offsetof(union bpf_attr, func_info_rec_size)
#define ATTR_LINE_INFO_REC_SIZE_OFF offsetof(union bpf_attr, line_info_rec_size)

/* Subprogram starts (sorted): 0, bpf-to-bpf call targets, callback lddw targets. */
static int subprog_starts(const struct hive_insn *insns, uint32_t cnt, uint32_t **out, uint32_t *n)
{
	uint32_t *s = malloc(((size_t)cnt + 1) * sizeof(*s)), nr = 0, pc, i, j;

	if (!s)
		return -ENOMEM;
	s[nr++] = 0;
	for (pc = 0; pc < cnt; pc++) {
		const struct hive_insn *in = &insns[pc];
		int64_t target = -1;

		if (in->code == (HIVE_JMP | HIVE_CALL) && in->src == HIVE_PSEUDO_CALL)
			target = (int64_t)pc + in->imm + 1;
		else if (isa_is_lddw(in) && in->src == HIVE_PSEUDO_FUNC)
			target = (int64_t)pc + in->imm + 1;
		if (target < 0 || target >= cnt)
			continue;
		for (i = 0; i < nr && s[i] < (uint32_t)target; i++)
			;
		if (i < nr && s[i] == (uint32_t)target)
			continue;
		for (j = nr; j > i; j--)
			s[j] = s[j - 1];
		s[i] = (uint32_t)target;
		nr++;
	}
	*out = s;
	*n = nr;
	return 0;
}

/* bpf_check_uarg_tail_zero() over one user record. */
static int rec_tail(const uint8_t *rec, uint32_t expected, uint32_t size)
{
	uint32_t i;

	for (i = expected; i < size; i++)
		if (rec[i])
			return -E2BIG;
	return 0;
}

static int check_funcs(struct prog_btf *pb, union bpf_attr *attr, const uint32_t *starts,
		       uint32_t nsub, char *msg, size_t msg_size)
{
	const uint8_t *urec = (const uint8_t *)(uintptr_t)attr->func_info;
	uint32_t rs = attr->func_info_rec_size, n = attr->func_info_cnt, i, prev = 0;
	const struct hive_btf *btf = pb->btf->btf;

	if (rs < FUNCINFO_REC_MIN || rs > REC_MAX || rs % 4) {
		snprintf(msg, msg_size, "invalid func info rec size %u\n", rs);
		return -EINVAL;
	}
	pb->func_info = calloc(n, sizeof(*pb->func_info));
	if (!pb->func_info)
		return -ENOMEM;
	for (i = 0; i < n; i++, urec += rs) {
		uint8_t rec[REC_MAX];
		const struct btf_type *t;

		if (probe_mem(rec, urec, rs))
			return -EFAULT;
		if (rec_tail(rec, sizeof(struct bpf_func_info), rs)) {
			uint32_t min = sizeof(struct bpf_func_info);

			snprintf(msg, msg_size, "nonzero tailing record in func info");
			memcpy((uint8_t *)attr + ATTR_FUNC_INFO_REC_SIZE_OFF, &min, 4);
			return -E2BIG;
		}
		memcpy(&pb->func_info[i], rec, sizeof(struct bpf_func_info));
		if (i == 0 && pb->func_info[i].insn_off) {
			snprintf(msg, msg_size, "nonzero insn_off %u for the first func info record",
				 pb->func_info[i].insn_off);
			return -EINVAL;
		}
		if (i && pb->func_info[i].insn_off <= prev) {
			snprintf(msg, msg_size,
				 "same or smaller insn offset (%u) than previous func info record (%u)",
				 pb->func_info[i].insn_off, prev);
			return -EINVAL;
		}
		t = pb->func_info[i].type_id < btf->nr_types ? btf_type(btf, pb->func_info[i].type_id) : NULL;
		if (!t || !pb->func_info[i].type_id || hive_btf_kind(t) != BTF_KIND_FUNC) {
			snprintf(msg, msg_size, "invalid type id %d in func info", (int)pb->func_info[i].type_id);
			return -EINVAL;
		}
		prev = pb->func_info[i].insn_off;
	}
	pb->nr_func_info = n;
	if (n != nsub) {
		snprintf(msg, msg_size, "number of funcs in func_info doesn't match number of subprogs\n");
		return -EINVAL;
	}
	for (i = 0; i < n; i++)
		if (pb->func_info[i].insn_off != starts[i]) {
			snprintf(msg, msg_size, "func_info BTF section doesn't match subprog layout in BPF program\n");
			return -EINVAL;
		}
	return 0;
}

static int check_lines(struct prog_btf *pb, union bpf_attr *attr, const struct hive_insn *insns,
		       uint32_t cnt, const uint32_t *starts, uint32_t nsub, char *msg, size_t msg_size)
{
	const uint8_t *urec = (const uint8_t *)(uintptr_t)attr->line_info;
	uint32_t rs = attr->line_info_rec_size, n = attr->line_info_cnt, i, s = 0, prev = 0;
	const struct hive_btf *btf = pb->btf->btf;

	if (rs < LINEINFO_REC_MIN || rs > REC_MAX || rs % 4)
		return -EINVAL;
	pb->line_info = calloc(n, sizeof(*pb->line_info));
	if (!pb->line_info)
		return -ENOMEM;
	for (i = 0; i < n; i++, urec += rs) {
		uint8_t rec[REC_MAX];
		struct bpf_line_info *l = &pb->line_info[i];

		if (probe_mem(rec, urec, rs))
			return -EFAULT;
		if (rec_tail(rec, sizeof(*l), rs)) {
			uint32_t min = sizeof(*l);

			snprintf(msg, msg_size, "nonzero tailing record in line_info");
			memcpy((uint8_t *)attr + ATTR_LINE_INFO_REC_SIZE_OFF, &min, 4);
			return -E2BIG;
		}
		memcpy(l, rec, sizeof(*l));
		if ((i && l->insn_off <= prev) || l->insn_off >= cnt) {
			snprintf(msg, msg_size, "Invalid line_info[%u].insn_off:%u (prev_offset:%u prog->len:%u)\n",
				 i, l->insn_off, prev, cnt);
			return -EINVAL;
		}
		if (!insns[l->insn_off].code) {
			snprintf(msg, msg_size, "Invalid insn code at line_info[%u].insn_off\n", i);
			return -EINVAL;
		}
		if (!btf_str(btf, l->line_off) || !btf_str(btf, l->file_name_off)) {
			snprintf(msg, msg_size, "Invalid line_info[%u].line_off or .file_name_off\n", i);
			return -EINVAL;
		}
		if (s != nsub) {
			if (l->insn_off == starts[s]) {
				s++;
			} else if (starts[s] < l->insn_off) {
				snprintf(msg, msg_size, "missing bpf_line_info for func#%u\n", s);
				return -EINVAL;
			}
		}
		prev = l->insn_off;
	}
	pb->nr_line_info = n;
	if (s != nsub) {
		snprintf(msg, msg_size, "missing bpf_line_info for %u funcs starting from func#%u\n",
			 nsub - s, s);
		return -EINVAL;
	}
	return 0;
}

int prog_btf_load(struct prog_btf *pb, union bpf_attr *attr, const struct hive_insn *insns,
		  uint32_t cnt, char *msg, size_t msg_size)
{
	uint32_t *starts = NULL, nsub = 0;
	int err;

	memset(pb, 0, sizeof(*pb));
	msg[0] = 0;
	if (!attr->func_info_cnt && !attr->line_info_cnt)
		return 0;
	err = btf_obj_from_fd((int)attr->prog_btf_fd, &pb->btf);
	if (err)
		return err;
	err = subprog_starts(insns, cnt, &starts, &nsub);
	if (!err && attr->func_info_cnt)
		err = check_funcs(pb, attr, starts, nsub, msg, msg_size);
	if (!err && attr->line_info_cnt) {
		if (attr->line_info_cnt > INT32_MAX / sizeof(struct bpf_line_info))
			err = -EINVAL;
		else
			err = check_lines(pb, attr, insns, cnt, starts, nsub, msg, msg_size);
	}
	free(starts);
	if (err)
		prog_btf_release(pb);
	return err;
}

void prog_btf_release(struct prog_btf *pb)
{
	if (pb->btf)
		obj_put(&pb->btf->obj);
	free(pb->func_info);
	free(pb->line_info);
	memset(pb, 0, sizeof(*pb));
}

size_t prog_btf_payload(const struct prog_btf *pb)
{
	return (size_t)pb->nr_func_info * sizeof(struct bpf_func_info) +
	       (size_t)pb->nr_line_info * sizeof(struct bpf_line_info);
}

int prog_btf_store(const struct prog_btf *pb, struct hive_obj *obj, struct hive_prog_def *def,
		   uint64_t off)
{
	size_t fsz = (size_t)pb->nr_func_info * sizeof(struct bpf_func_info);
	size_t lsz = (size_t)pb->nr_line_info * sizeof(struct bpf_line_info);
	int err;

	if (!pb->btf)
		return 0;
	err = reg_ref_add(HIVE_OBJ_PROG, obj->id, HIVE_BTF_REF_SLOT, &pb->btf->obj);
	if (err)
		return err;
	def->btf_id = pb->btf->obj.id;
	def->nr_func_info = pb->nr_func_info;
	def->nr_line_info = pb->nr_line_info;
	def->func_info_off = off;
	def->line_info_off = off + fsz;
	if (fsz)
		memcpy(obj->base + off, pb->func_info, fsz);
	if (lsz)
		memcpy(obj->base + off + fsz, pb->line_info, lsz);
	return 0;
}

void prog_btf_unstore(struct hive_obj *obj, const struct hive_prog_def *def)
{
	struct hive_btf_obj *btf;

	if (!def->btf_id)
		return;
	btf = btf_obj_get_by_id(def->btf_id);
	if (!btf)
		return;
	reg_ref_del(HIVE_OBJ_PROG, obj->id, HIVE_BTF_REF_SLOT, &btf->obj);
	obj_put(&btf->obj);
}

/* Copy min(@unr, @nr) records of @rs bytes to user @uptr: 0 or -EFAULT. */
static int copy_recs(uint64_t uptr, uint32_t unr, const void *src, uint32_t nr, uint32_t rs)
{
	uint32_t n = unr < nr ? unr : nr;

	if (!n)
		return 0;
	return probe_write((void *)(uintptr_t)uptr, src, (size_t)n * rs) ? -EFAULT : 0;
}

int prog_btf_info(const struct hive_prog *p, struct bpf_prog_info *info,
		  const struct bpf_prog_info *u, uint32_t info_len)
{
	const struct hive_prog_def *def = p->def;
	const uint8_t *base = p->obj.base;
	int err = 0;

	if ((u->nr_func_info || u->func_info_rec_size) &&
	    u->func_info_rec_size != sizeof(struct bpf_func_info))
		return -EINVAL;
	if ((u->nr_line_info || u->line_info_rec_size) &&
	    u->line_info_rec_size != sizeof(struct bpf_line_info))
		return -EINVAL;
	if ((u->nr_jited_line_info || u->jited_line_info_rec_size) &&
	    u->jited_line_info_rec_size != sizeof(uint64_t))
		return -EINVAL;
	info->btf_id = def->btf_id;
	info->func_info_rec_size = sizeof(struct bpf_func_info);
	info->line_info_rec_size = sizeof(struct bpf_line_info);
	info->jited_line_info_rec_size = sizeof(uint64_t);
	info->func_info = u->func_info;
	info->line_info = u->line_info;
	info->jited_line_info = u->jited_line_info;
	info->nr_func_info = def->nr_func_info;
	info->nr_line_info = def->nr_line_info;
	if (info_len >= offsetof(struct bpf_prog_info, func_info) + 8)
		err = copy_recs(u->func_info, u->nr_func_info, base + def->func_info_off,
				def->nr_func_info, sizeof(struct bpf_func_info));
	if (!err && info_len >= offsetof(struct bpf_prog_info, line_info) + 8)
		err = copy_recs(u->line_info, u->nr_line_info, base + def->line_info_off,
				def->nr_line_info, sizeof(struct bpf_line_info));
	return err;
}
