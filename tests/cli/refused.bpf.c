/* A packet read without a bounds check: refused by the verifier (EACCES),
 * for the CLI's failed-load output (tests/unit/test_cli_prog.c). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int refused(struct xdp_md *ctx)
{
	int *p = (int *)(long)ctx->data;

	return *p;
}

char LICENSE[] SEC("license") = "GPL";
