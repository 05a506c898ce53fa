/*
 * test_verifier_common.c - helpers shared by the verifier tests (vtest.h):
 * kernel maps, the kernel and hive loaders, log normalisation.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"
#include "hive/hive_bpf.h"
#include "verifier/vtest.h"

int vt_map_fd[VT_NMAPS];
static int maps_in_kernel;

int vt_maps_open(void)
{
	union bpf_attr attr;
	int i;

	maps_in_kernel = test_kernel_bpf_available();
	for (i = 0; i < VT_NMAPS; i++) {
		if (!maps_in_kernel) {
			vt_map_fd[i] = 1000 + i;
			continue;
		}
		vt_map_attr(i, &attr);
		vt_map_fd[i] = (int)syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
		if (vt_map_fd[i] < 0)
			return -errno;
	}
	return 0;
}

int vt_maps_open_hive(void)
{
	union bpf_attr attr;
	int i;

	maps_in_kernel = 0;
	for (i = 0; i < VT_NMAPS; i++) {
		vt_map_attr(i, &attr);
		vt_map_fd[i] = hive_bpf(BPF_MAP_CREATE, &attr, sizeof(attr));
		if (vt_map_fd[i] < 0)
			return vt_map_fd[i];
	}
	return 0;
}

void vt_maps_close(void)
{
	int i;

	for (i = 0; i < VT_NMAPS; i++)
		if (maps_in_kernel && vt_map_fd[i] >= 0)
			close(vt_map_fd[i]);
}

int vt_resolve_map(void *ctx, int kind, int32_t ref, struct hive_verify_map *out)
{
	int i;

	(void)ctx;
	(void)kind;
	for (i = 0; i < VT_NMAPS; i++) {
		union bpf_attr attr;

		if (vt_map_fd[i] != ref)
			continue;
		vt_map_attr(i, &attr);
		out->map_type = attr.map_type;
		out->key_size = attr.key_size;
		out->value_size = attr.value_size;
		out->max_entries = attr.max_entries;
		out->map_flags = attr.map_flags;
		out->id = (uint32_t)i + 1;
		out->spin_lock_off = -1;
		out->timer_off = -1;
		return 0;
	}
	return -EBADF;
}

#define VT_LOG_SIZE (1u << 22)

int vt_kernel_raw(const struct hive_insn *insns, uint32_t cnt, uint32_t prog_type,
		  uint32_t prog_flags, uint32_t log_level, char *buf, uint32_t size,
		  uint32_t *true_size)
{
	union bpf_attr attr;
	int fd, err;

	if (!maps_in_kernel)
		return -ENOSYS;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = prog_type;
	attr.insn_cnt = cnt;
	attr.insns = (uintptr_t)insns;
	attr.license = (uintptr_t)"GPL";
	attr.log_level = log_level;
	attr.log_size = size;
	attr.log_buf = (uintptr_t)buf;
	attr.prog_flags = prog_flags;
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0) {
		err = -errno;
	} else {
		err = 0;
		close(fd);
	}
	/* log_true_size follows core_relo_rec_size (Linux 6.4+ uapi) */
	if (true_size)
		memcpy(true_size, (const char *)&attr.core_relo_rec_size + sizeof(uint32_t),
		       sizeof(*true_size));
	return err;
}

int vt_hive_raw(const struct hive_insn *insns, uint32_t cnt, uint32_t prog_type,
		uint32_t prog_flags, uint32_t log_level, char *buf, uint32_t size,
		uint32_t *true_size)
{
	struct hive_verify_opts o = HIVE_VERIFY_OPTS_INIT;
	int err;

	o.prog_type = prog_type;
	o.prog_flags = prog_flags;
	o.log_level = log_level;
	o.log_buf = buf;
	o.log_size = size;
	o.map_resolve = vt_resolve_map;
	err = hive_verify(insns, cnt, &o);
	if (true_size)
		*true_size = o.log_true_size;
	return err;
}

int vt_kernel(const struct hive_insn *insns, uint32_t cnt, uint32_t prog_type,
	      uint32_t prog_flags, uint32_t log_level, struct vt_result *r)
{
	memset(r, 0, sizeof(*r));
	if (!maps_in_kernel)
		return -ENOSYS;
	r->log = calloc(1, VT_LOG_SIZE);
	if (!r->log)
		return -ENOMEM;
	r->err = vt_kernel_raw(insns, cnt, prog_type, prog_flags, log_level,
			       log_level ? r->log : NULL, log_level ? VT_LOG_SIZE : 0, &r->true_size);
	return 0;
}

int vt_hive(const struct hive_insn *insns, uint32_t cnt, uint32_t prog_type,
	    uint32_t prog_flags, uint32_t log_level, struct vt_result *r)
{
	memset(r, 0, sizeof(*r));
	r->log = calloc(1, VT_LOG_SIZE);
	if (!r->log)
		return -ENOMEM;
	r->err = vt_hive_raw(insns, cnt, prog_type, prog_flags, log_level,
			     log_level ? r->log : NULL, log_level ? VT_LOG_SIZE : 0, &r->true_size);
	return 0;
}

void vt_result_free(struct vt_result *r)
{
	free(r->log);
	r->log = NULL;
}

char *vt_normalize(const char *log)
{
	size_t n = strlen(log), i, o = 0;
	char *out = malloc(n + 1);
	const char *line = log;

	if (!out)
		return NULL;
	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) + 1 : strlen(line);

		/* liveness.c debug lines: "(0) frame 0 insn 9 +live -8" */
		if (!(line[0] == '(' && line[1] >= '0' && line[1] <= '9' && line[2] == ')') &&
		    !memmem(line, len, "live stack update done", 22)) {
			for (i = 0; i < len; i++) {
				/* kernel addresses: 0xffff followed by 12 hex digits */
				if (!strncmp(line + i, "0xffff", 6) && i + 18 <= len) {
					size_t k = 6;

					while (k < 18 && strchr("0123456789abcdef", line[i + k]))
						k++;
					if (k == 18) {
						memcpy(out + o, "ADDR", 4);
						o += 4;
						i += 17;
						continue;
					}
				}
				out[o++] = line[i];
			}
		}
		line += len;
	}
	out[o] = 0;
	return out;
}

void vt_error_line(const char *log, char *buf, size_t len)
{
	const char *p = strstr(log, "processed ");
	const char *end, *start;

	buf[0] = 0;
	if (!p)
		p = log + strlen(log);
	end = p;
	if (end > log && end[-1] == '\n')
		end--;
	start = end;
	while (start > log && start[-1] != '\n')
		start--;
	if ((size_t)(end - start) >= len)
		end = start + len - 1;
	memcpy(buf, start, (size_t)(end - start));
	buf[end - start] = 0;
}
