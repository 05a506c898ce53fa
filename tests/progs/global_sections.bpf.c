// SPDX-License-Identifier: GPL-2.0
/* Custom global data sections (.data.NAME, .rodata.NAME, .bss.NAME are
 * separate maps) and string literals (.rodata.str1.1). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 big_table[128] SEC(".data.tables") = { [0] = 1, [127] = 127 };
const volatile __u32 limits[4] SEC(".rodata.limits") = { 10, 20, 30, 40 };
__u64 scratch[8] SEC(".bss.scratch");
char msg_buf[32] SEC(".data.msg") = "initial";

SEC("tracepoint/syscalls/sys_enter_getpid")
int sections_tp(void *ctx)
{
	__u32 i = bpf_get_smp_processor_id() & 3;

	big_table[i] += limits[i];
	scratch[i] = big_table[127];
	bpf_printk("hive %s %d", msg_buf, limits[i]);
	return 0;
}

char _license[] SEC("license") = "GPL";
