/*
 * prog_types.h - THE table of program types hive runs (no include guard).
 *
 *     X(ID, NAME, CTX, ACCESS, RUN, HELPERS)
 *
 *   ID       the kernel's enum bpf_prog_type value
 *   NAME     bpftool's name for the type
 *   CTX      size in bytes of the context the program sees (the UAPI
 *            struct: __sk_buff, xdp_md, pt_regs; for tracepoints the
 *            largest record, for raw tracepoints, tracing (fentry,
 *            fexit, fmod_ret, tp_btf, iter) and LSM programs 12 u64
 *            arguments; perf events struct bpf_perf_event_data)
 *   ACCESS   prog_ctx.c function that checks a context access (offset,
 *            size, read/write) as the kernel's is_valid_access and gives
 *            its rewrite (the kernel's convert_ctx_access)
 *   RUN      prog_run.c handler of BPF_PROG_TEST_RUN (NONE: -ENOTSUPP,
 *            as the kernel answers for types without test_run)
 *   HELPERS  prog_ctx.c predicate: may this type call helper id N (the
 *            kernel's get_func_proto)
 *
 * Generates the type names, the context checks and rewrites of PROG_LOAD,
 * the helper policy and the test-run dispatch. Other ids: PROG_LOAD fails
 * with EINVAL naming the type.
 */
X( 1, socket_filter,  192, ctx_skb_filter, run_skb,    helpers_sk_filter)
X( 2, kprobe,         168, ctx_kprobe,     NONE,       helpers_tracing_events)
X( 3, sched_cls,      192, ctx_skb_tc,     run_skb,    helpers_tc)
X( 4, sched_act,      192, ctx_skb_tc,     run_skb,    helpers_tc)
X( 5, tracepoint,    2048, ctx_tracepoint, NONE,       helpers_tracing_events)
X( 6, xdp,             24, ctx_xdp,        run_xdp,    helpers_xdp)
X( 7, perf_event,     184, ctx_perf_event, NONE,       helpers_tracing_events)
X( 8, cgroup_skb,     192, ctx_skb_cgroup, run_skb,    helpers_cgroup_skb)
X(17, raw_tracepoint,  96, ctx_raw_tp,     run_raw_tp, helpers_tracing_events)
X(26, tracing,         96, ctx_tracing,    run_tracing, helpers_tracing_events)
X(29, lsm,             96, ctx_lsm,        NONE,       helpers_tracing_events)
X(30, sk_lookup,       72, ctx_sk_lookup,  run_sk_lookup, helpers_sk_lookup)
X(31, syscall,      65535, ctx_syscall,    run_syscall, helpers_syscall)
