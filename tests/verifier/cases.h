/*
 * cases.h - table-driven verifier cases (no include guard; data only).
 *
 *     VCASE(name, prog_type, expected errno, "log substring", insns...)
 *
 * Every case is verified by hive_verify() and checked against the expected
 * errno and the substring of its level-1 log; when the kernel's bpf() is
 * usable, the same program is loaded there and must give the same errno,
 * the same error line and the same level-1 log. Map references use
 * C_LD_MAP(reg, VT_MAP_*) and are bound to real maps at run time.
 */

/* ---- CFG and structure ---------------------------------------------------- */
VCASE(cfg_unreachable, 1, -EINVAL, "unreachable insn 2",
      HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN(), HIVE_MOV64_IMM(0, 1), HIVE_EXIT_INSN())
VCASE(cfg_jump_out_of_range, 1, -EINVAL, "jump out of range from insn 1 to 7",
      HIVE_MOV64_IMM(0, 0), HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 5), HIVE_EXIT_INSN())
VCASE(cfg_jump_back_out_of_range, 1, -EINVAL, "jump out of range from insn 1 to -1",
      HIVE_MOV64_IMM(0, 0), HIVE_JMP_IMM(HIVE_JEQ, 0, 0, -3), HIVE_EXIT_INSN())
VCASE(cfg_last_not_exit, 1, -EINVAL, "last insn is not an exit or jmp",
      HIVE_MOV64_IMM(0, 0))
VCASE(cfg_fallthrough_end, 1, -EINVAL, "last insn is not an exit or jmp",
      HIVE_MOV64_IMM(0, 0), HIVE_JMP_IMM(HIVE_JEQ, 0, 0, -2))
VCASE(cfg_into_ldimm64, 1, -EINVAL, "jump into the middle of ldimm64 insn 1",
      HIVE_JMP_IMM(HIVE_JEQ, 1, 0, 1), C_LDDW(0, 5), HIVE_EXIT_INSN())
VCASE(cfg_ldimm64_truncated, 1, -EINVAL, "last insn is not an exit or jmp",
      HIVE_MOV64_IMM(0, 0), HIVE_INSN(0x18, 0, 0, 0, 1))
VCASE(cfg_ldimm64_bad_second, 1, -EINVAL, "invalid bpf_ld_imm64 insn",
      HIVE_INSN(0x18, 0, 0, 0, 1), HIVE_INSN(0, 1, 0, 0, 0), HIVE_EXIT_INSN())
VCASE(cfg_unknown_opcode, 1, -EINVAL, "unknown opcode ff",
      HIVE_INSN(0xff, 0, 0, 0, 0), HIVE_EXIT_INSN())
VCASE(cfg_callx_unknown, 1, -EINVAL, "unknown opcode 8d",
      HIVE_INSN(0x8d, 0, 1, 0, 0), HIVE_EXIT_INSN())
VCASE(cfg_call_bad_destination, 1, -EINVAL, "call to invalid destination",
      C_CALL_SUB(100), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(cfg_self_loop_unreachable_exit, 1, -EINVAL, "unreachable insn 2",
      HIVE_MOV64_IMM(0, 0), HIVE_JMP_A(-1), HIVE_EXIT_INSN())
VCASE(cfg_subprog_jump_across, 1, -EINVAL, "unreachable insn 4",
      C_CALL_SUB(2), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN(),
      HIVE_JMP_A(1), HIVE_EXIT_INSN(), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())

/* ---- registers and reserved fields ---------------------------------------- */
VCASE(reg_r0_uninit_exit, 1, -EACCES, "R0 !read_ok", HIVE_EXIT_INSN())
VCASE(reg_uninit_src, 1, -EACCES, "R2 !read_ok", HIVE_MOV64_REG(0, 2), HIVE_EXIT_INSN())
VCASE(reg_invalid_r11, 1, -EINVAL, "R11 is invalid",
      HIVE_INSN(0xb7, 11, 0, 0, 1), HIVE_EXIT_INSN())
VCASE(reg_fp_read_only, 1, -EACCES, "frame pointer is read only",
      HIVE_MOV64_IMM(10, 0), HIVE_EXIT_INSN())
VCASE(alu_reserved_src, 1, -EINVAL, "BPF_ALU uses reserved fields",
      HIVE_INSN(0x07, 0, 1, 0, 1), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(mov_reserved_off, 1, -EINVAL, "BPF_MOV uses reserved fields",
      HIVE_INSN(0xb7, 0, 0, 1, 0), HIVE_EXIT_INSN())
VCASE(alu_div_by_zero_imm, 1, -EINVAL, "div by zero",
      HIVE_MOV64_IMM(0, 1), HIVE_ALU64_IMM(HIVE_DIV, 0, 0), HIVE_EXIT_INSN())
VCASE(alu_mod_by_zero_imm32, 1, -EINVAL, "div by zero",
      HIVE_MOV64_IMM(0, 1), HIVE_ALU32_IMM(HIVE_MOD, 0, 0), HIVE_EXIT_INSN())
VCASE(alu_div_by_reg_ok, 1, 0, "",
      HIVE_MOV64_IMM(0, 1), HIVE_MOV64_IMM(1, 0), HIVE_ALU64_REG(HIVE_DIV, 0, 1), HIVE_EXIT_INSN())
VCASE(alu_invalid_shift, 1, -EINVAL, "invalid shift 64",
      HIVE_MOV64_IMM(0, 1), HIVE_ALU64_IMM(HIVE_LSH, 0, 64), HIVE_EXIT_INSN())
VCASE(alu_invalid_shift32, 1, -EINVAL, "invalid shift 32",
      HIVE_MOV64_IMM(0, 1), HIVE_ALU32_IMM(HIVE_RSH, 0, 32), HIVE_EXIT_INSN())
VCASE(alu_neg_reserved, 1, -EINVAL, "BPF_NEG uses reserved fields",
      HIVE_MOV64_IMM(0, 1), HIVE_INSN(0x87, 0, 0, 0, 1), HIVE_EXIT_INSN())
VCASE(alu_end_reserved, 1, -EINVAL, "BPF_END uses reserved fields",
      HIVE_MOV64_IMM(0, 1), HIVE_INSN(0xd4, 0, 0, 0, 8), HIVE_EXIT_INSN())
VCASE(jmp_reserved_imm, 1, -EINVAL, "BPF_JMP/JMP32 uses reserved fields",
      HIVE_MOV64_IMM(0, 1), HIVE_INSN(0x1d, 0, 0, 0, 1), HIVE_EXIT_INSN())
VCASE(ja_reserved, 1, -EINVAL, "BPF_JA uses reserved fields",
      HIVE_MOV64_IMM(0, 1), HIVE_INSN(0x05, 0, 0, 0, 1), HIVE_EXIT_INSN())
VCASE(exit_reserved, 1, -EINVAL, "BPF_EXIT uses reserved fields",
      HIVE_MOV64_IMM(0, 1), HIVE_INSN(0x95, 0, 0, 0, 1))
VCASE(call_reserved, 1, -EINVAL, "BPF_CALL uses reserved fields",
      HIVE_INSN(0x85, 1, 0, 0, 5), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(ldx_reserved, 1, -EINVAL, "BPF_LDX uses reserved fields",
      HIVE_INSN(0x79, 0, 10, -8, 1), HIVE_EXIT_INSN())
VCASE(stx_reserved, 1, -EINVAL, "BPF_STX uses reserved fields",
      HIVE_MOV64_IMM(0, 0), HIVE_INSN(0x7b, 10, 0, -8, 1), HIVE_EXIT_INSN())
VCASE(st_reserved, 1, -EINVAL, "BPF_ST uses reserved fields",
      HIVE_MOV64_IMM(0, 0), HIVE_INSN(0x7a, 10, 1, -8, 1), HIVE_EXIT_INSN())

/* ---- scalars and branches -------------------------------------------------- */
VCASE(scalar_bounds_ok, 1, 0, "",
      HIVE_CALL_HELPER(7), HIVE_ALU64_IMM(HIVE_AND, 0, 0xff), HIVE_JMP_IMM(HIVE_JGT, 0, 10, 1),
      HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(scalar_dead_branch_pruned, 1, 0, "",
      HIVE_MOV64_IMM(1, 5), HIVE_JMP_IMM(HIVE_JGT, 1, 10, 1), HIVE_JMP_A(1),
      HIVE_MOV64_REG(0, 9), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(scalar_tnum_prunes_jeq, 1, 0, "",
      HIVE_CALL_HELPER(7), HIVE_ALU64_IMM(HIVE_AND, 0, 2), HIVE_JMP_IMM(HIVE_JEQ, 0, 1, 1),
      HIVE_JMP_A(1), HIVE_MOV64_REG(0, 9), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(scalar_jset_refine_stack, 1, 0, "",
      HIVE_CALL_HELPER(7), HIVE_ALU64_IMM(HIVE_AND, 0, 7), HIVE_MOV64_REG(1, 10),
      HIVE_ALU64_REG(HIVE_ADD, 1, 0), HIVE_LDX_MEM(HIVE_B, 0, 1, -8), HIVE_MOV64_IMM(0, 0),
      HIVE_EXIT_INSN())
VCASE(scalar_linked_regs_refine, 1, 0, "",
      HIVE_CALL_HELPER(7), HIVE_MOV64_REG(1, 0), HIVE_ALU64_IMM(HIVE_ADD, 1, 4),
      HIVE_JMP_IMM(HIVE_JGT, 0, 4, 3), HIVE_ALU64_REG(HIVE_ADD, 1, 10),
      HIVE_LDX_MEM(HIVE_B, 0, 1, -16), HIVE_JMP_A(0), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())

/* ---- pointer arithmetic --------------------------------------------------- */
VCASE(ptr_ctx_mul, 1, -EACCES, "R1 pointer arithmetic with *= operator prohibited",
      HIVE_ALU64_IMM(HIVE_MUL, 1, 2), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(ptr_32bit, 1, -EACCES, "R1 32-bit pointer arithmetic prohibited",
      HIVE_ALU32_IMM(HIVE_ADD, 1, 2), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(ptr_bitwise, 1, -EACCES, "R1 bitwise operator &= on pointer prohibited",
      HIVE_ALU64_IMM(HIVE_AND, 1, 2), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(ptr_plus_ptr, 1, -EACCES, "R1 pointer += pointer prohibited",
      HIVE_ALU64_REG(HIVE_ADD, 1, 10), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(ptr_minus_ptr_ok, 1, 0, "",
      HIVE_MOV64_REG(0, 10), HIVE_ALU64_REG(HIVE_SUB, 0, 1), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(ptr_fp_sub_scalar, 1, -EACCES, "R1 subtraction from stack pointer prohibited",
      HIVE_CALL_HELPER(7), HIVE_ALU64_IMM(HIVE_AND, 0, 7), HIVE_MOV64_REG(1, 10),
      HIVE_ALU64_REG(HIVE_SUB, 1, 0), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(ptr_unbounded_min, 1, -EINVAL, "math between ctx pointer and register with unbounded min value",
      HIVE_MOV64_REG(6, 1), HIVE_CALL_HELPER(7), HIVE_ALU64_REG(HIVE_ADD, 6, 0),
      HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(ptr_const_too_big, 1, -EINVAL, "math between ctx pointer and 805306368 is not allowed",
      HIVE_ALU64_IMM(HIVE_ADD, 1, 0x30000000), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(ptr_offset_too_big, 1, -EINVAL, "ctx pointer offset 536870912 is not allowed",
      HIVE_ALU64_IMM(HIVE_ADD, 1, 0x10000000), HIVE_ALU64_IMM(HIVE_ADD, 1, 0x10000000),
      HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(ptr_scalar_minus_ptr, 1, -EACCES, "R0 tried to subtract pointer from scalar",
      HIVE_MOV64_IMM(0, 5), HIVE_ALU64_REG(HIVE_SUB, 0, 1), HIVE_EXIT_INSN())
VCASE(ptr_modified_ctx_deref, 1, -EACCES, "dereference of modified ctx ptr R1 off=4 disallowed",
      HIVE_ALU64_IMM(HIVE_ADD, 1, 4), HIVE_LDX_MEM(HIVE_W, 0, 1, 0), HIVE_EXIT_INSN())

/* ---- stack ------------------------------------------------------------------- */
VCASE(stack_write_oob, 1, -EACCES, "invalid write to stack R10 off=-520 size=8",
      HIVE_ST_MEM(HIVE_DW, 10, -520, 0), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(stack_write_positive, 1, -EACCES, "invalid write to stack R10 off=0 size=8",
      HIVE_ST_MEM(HIVE_DW, 10, 0, 0), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(stack_misaligned, 1, -EACCES, "misaligned stack access off 0+0+-7 size 4",
      HIVE_ST_MEM(HIVE_W, 10, -7, 0), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(stack_uninit_read_root_ok, 1, 0, "",
      HIVE_LDX_MEM(HIVE_DW, 0, 10, -8), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(stack_read_beyond_512, 1, -EACCES, "invalid read from stack R10 off=-528 size=8",
      HIVE_LDX_MEM(HIVE_DW, 0, 10, -528), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(stack_spill_fill_ptr, 1, 0, "",
      HIVE_STX_MEM(HIVE_DW, 10, 1, -8), HIVE_LDX_MEM(HIVE_DW, 2, 10, -8),
      HIVE_LDX_MEM(HIVE_W, 0, 2, 0), HIVE_EXIT_INSN())
VCASE(stack_partial_ptr_spill, 1, -EACCES, "invalid size of register spill",
      HIVE_STX_MEM(HIVE_W, 10, 1, -8), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(stack_partial_ptr_fill, 1, -EACCES, "invalid size of register fill",
      HIVE_STX_MEM(HIVE_DW, 10, 1, -8), HIVE_LDX_MEM(HIVE_W, 2, 10, -8),
      HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(stack_var_off_read, 1, 0, "",
      HIVE_ST_MEM(HIVE_DW, 10, -8, 0), HIVE_ST_MEM(HIVE_DW, 10, -16, 0), HIVE_CALL_HELPER(7),
      HIVE_ALU64_IMM(HIVE_AND, 0, 8), HIVE_MOV64_REG(1, 10), HIVE_ALU64_REG(HIVE_ADD, 1, 0),
      HIVE_LDX_MEM(HIVE_DW, 0, 1, -16), HIVE_EXIT_INSN())
VCASE(stack_var_off_unbounded, 1, -EINVAL, "math between fp pointer and register with unbounded min value",
      HIVE_CALL_HELPER(7), HIVE_MOV64_REG(1, 10), HIVE_ALU64_REG(HIVE_ADD, 1, 0),
      HIVE_LDX_MEM(HIVE_DW, 0, 1, -16), HIVE_EXIT_INSN())

/* ---- context ------------------------------------------------------------------ */
VCASE(ctx_skb_len_ok, 1, 0, "", HIVE_LDX_MEM(HIVE_W, 0, 1, 0), HIVE_EXIT_INSN())
VCASE(ctx_skb_narrow_ok, 1, 0, "", HIVE_LDX_MEM(HIVE_B, 0, 1, 1), HIVE_EXIT_INSN())
VCASE(ctx_skb_bad_off, 1, -EACCES, "invalid bpf_context access off=1000 size=4",
      HIVE_LDX_MEM(HIVE_W, 0, 1, 1000), HIVE_EXIT_INSN())
VCASE(ctx_skb_dw_of_u32, 1, -EACCES, "invalid bpf_context access off=0 size=8",
      HIVE_LDX_MEM(HIVE_DW, 0, 1, 0), HIVE_EXIT_INSN())
VCASE(ctx_socket_no_data, 1, -EACCES, "invalid bpf_context access off=76 size=4",
      HIVE_LDX_MEM(HIVE_W, 0, 1, 76), HIVE_EXIT_INSN())
VCASE(ctx_socket_write_mark, 1, -EACCES, "invalid bpf_context access off=8 size=4",
      HIVE_ST_MEM(HIVE_W, 1, 8, 0), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(ctx_socket_write_cb_ok, 1, 0, "",
      HIVE_ST_MEM(HIVE_W, 1, 48, 0), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(ctx_tc_write_mark_ok, 3, 0, "",
      HIVE_ST_MEM(HIVE_W, 1, 8, 0), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(ctx_tc_leak_ptr, 3, 0, "",
      HIVE_STX_MEM(HIVE_W, 1, 1, 8), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(ctx_xdp_write, 6, -EACCES, "invalid bpf_context access off=0 size=4",
      HIVE_ST_MEM(HIVE_W, 1, 0, 0), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(ctx_xdp_egress_ifindex, 6, -EACCES, "invalid bpf_context access off=20 size=4",
      HIVE_LDX_MEM(HIVE_W, 0, 1, 20), HIVE_EXIT_INSN())
VCASE(ctx_kprobe_ok, 2, 0, "", HIVE_LDX_MEM(HIVE_DW, 0, 1, 160), HIVE_EXIT_INSN())
VCASE(ctx_kprobe_oob, 2, -EACCES, "invalid bpf_context access off=168 size=8",
      HIVE_LDX_MEM(HIVE_DW, 0, 1, 168), HIVE_EXIT_INSN())
VCASE(ctx_tracepoint_header, 5, -EACCES, "invalid bpf_context access off=0 size=8",
      HIVE_LDX_MEM(HIVE_DW, 0, 1, 0), HIVE_EXIT_INSN())
VCASE(ctx_tracepoint_ok, 5, 0, "", HIVE_LDX_MEM(HIVE_DW, 0, 1, 8), HIVE_EXIT_INSN())
VCASE(ctx_raw_tp_ok, 17, 0, "", HIVE_LDX_MEM(HIVE_DW, 0, 1, 88), HIVE_EXIT_INSN())
VCASE(ctx_raw_tp_oob, 17, -EACCES, "invalid bpf_context access off=96 size=8",
      HIVE_LDX_MEM(HIVE_DW, 0, 1, 96), HIVE_EXIT_INSN())
VCASE(ctx_perf_event_sample_period, 7, 0, "", HIVE_LDX_MEM(HIVE_W, 0, 1, 168), HIVE_EXIT_INSN())

/* ---- packets -------------------------------------------------------------------- */
VCASE(pkt_checked_ok, 6, 0, "",
      HIVE_LDX_MEM(HIVE_W, 2, 1, 0), HIVE_LDX_MEM(HIVE_W, 3, 1, 4), HIVE_MOV64_REG(4, 2),
      HIVE_ALU64_IMM(HIVE_ADD, 4, 14), HIVE_JMP_REG(HIVE_JGT, 4, 3, 1),
      HIVE_LDX_MEM(HIVE_B, 0, 2, 13), HIVE_MOV64_IMM(0, 2), HIVE_EXIT_INSN())
VCASE(pkt_past_range, 6, -EACCES, "invalid access to packet, off=14 size=1, R2(id=0,off=14,r=14)",
      HIVE_LDX_MEM(HIVE_W, 2, 1, 0), HIVE_LDX_MEM(HIVE_W, 3, 1, 4), HIVE_MOV64_REG(4, 2),
      HIVE_ALU64_IMM(HIVE_ADD, 4, 14), HIVE_JMP_REG(HIVE_JGT, 4, 3, 1),
      HIVE_LDX_MEM(HIVE_B, 0, 2, 14), HIVE_MOV64_IMM(0, 2), HIVE_EXIT_INSN())
VCASE(pkt_unchecked, 6, -EACCES, "R2 offset is outside of the packet",
      HIVE_LDX_MEM(HIVE_W, 2, 1, 0), HIVE_LDX_MEM(HIVE_B, 0, 2, 0), HIVE_MOV64_IMM(0, 2),
      HIVE_EXIT_INSN())
VCASE(pkt_end_deref, 6, -EACCES, "R3 invalid mem access 'pkt_end'",
      HIVE_LDX_MEM(HIVE_W, 3, 1, 4), HIVE_LDX_MEM(HIVE_B, 0, 3, 0), HIVE_MOV64_IMM(0, 2),
      HIVE_EXIT_INSN())
VCASE(pkt_tc_write_ok, 3, 0, "",
      HIVE_LDX_MEM(HIVE_W, 2, 1, 76), HIVE_LDX_MEM(HIVE_W, 3, 1, 80), HIVE_MOV64_REG(4, 2),
      HIVE_ALU64_IMM(HIVE_ADD, 4, 8), HIVE_JMP_REG(HIVE_JGT, 4, 3, 1),
      HIVE_ST_MEM(HIVE_DW, 2, 0, 0), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(pkt_reversed_compare, 6, 0, "",
      HIVE_LDX_MEM(HIVE_W, 2, 1, 0), HIVE_LDX_MEM(HIVE_W, 3, 1, 4), HIVE_MOV64_REG(4, 2),
      HIVE_ALU64_IMM(HIVE_ADD, 4, 4), HIVE_JMP_REG(HIVE_JLT, 3, 4, 1),
      HIVE_LDX_MEM(HIVE_W, 0, 2, 0), HIVE_MOV64_IMM(0, 2), HIVE_EXIT_INSN())

/* ---- maps and helpers -------------------------------------------------------------- */
VCASE(map_lookup_null_deref, 1, -EACCES, "R0 invalid mem access 'map_value_or_null'",
      HIVE_ST_MEM(HIVE_DW, 10, -8, 0), C_LD_MAP(1, VT_MAP_HASH), HIVE_MOV64_REG(2, 10),
      HIVE_ALU64_IMM(HIVE_ADD, 2, -8), HIVE_CALL_HELPER(1), HIVE_LDX_MEM(HIVE_DW, 0, 0, 0),
      HIVE_EXIT_INSN())
VCASE(map_lookup_ok, 1, 0, "",
      HIVE_ST_MEM(HIVE_DW, 10, -8, 0), C_LD_MAP(1, VT_MAP_HASH), HIVE_MOV64_REG(2, 10),
      HIVE_ALU64_IMM(HIVE_ADD, 2, -8), HIVE_CALL_HELPER(1), HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 1),
      HIVE_LDX_MEM(HIVE_DW, 0, 0, 0), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(map_value_oob, 1, -EACCES, "invalid access to map value, value_size=8 off=8 size=8",
      HIVE_ST_MEM(HIVE_DW, 10, -8, 0), C_LD_MAP(1, VT_MAP_HASH), HIVE_MOV64_REG(2, 10),
      HIVE_ALU64_IMM(HIVE_ADD, 2, -8), HIVE_CALL_HELPER(1), HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 1),
      HIVE_LDX_MEM(HIVE_DW, 0, 0, 8), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(map_array_const_key_not_null, 1, 0, "",
      HIVE_MOV64_IMM(3, 1), HIVE_STX_MEM(HIVE_W, 10, 3, -8), C_LD_MAP(1, VT_MAP_ARRAY),
      HIVE_MOV64_REG(2, 10), HIVE_ALU64_IMM(HIVE_ADD, 2, -8), HIVE_CALL_HELPER(1), HIVE_LDX_MEM(HIVE_DW, 0, 0, 0),
      HIVE_EXIT_INSN())
VCASE(map_array_key_out_of_range, 1, -EACCES, "R0 invalid mem access 'map_value_or_null'",
      HIVE_MOV64_IMM(3, 7), HIVE_STX_MEM(HIVE_W, 10, 3, -8), C_LD_MAP(1, VT_MAP_ARRAY),
      HIVE_MOV64_REG(2, 10), HIVE_ALU64_IMM(HIVE_ADD, 2, -8), HIVE_CALL_HELPER(1), HIVE_LDX_MEM(HIVE_DW, 0, 0, 0),
      HIVE_EXIT_INSN())
VCASE(map_value_var_off_ok, 1, 0, "",
      HIVE_ST_MEM(HIVE_W, 10, -4, 0), C_LD_MAP(1, VT_MAP_ARRAY48), HIVE_MOV64_REG(2, 10),
      HIVE_ALU64_IMM(HIVE_ADD, 2, -4), HIVE_CALL_HELPER(1), HIVE_MOV64_REG(6, 0),
      HIVE_CALL_HELPER(7), HIVE_ALU64_IMM(HIVE_AND, 0, 0x1f), HIVE_ALU64_REG(HIVE_ADD, 6, 0),
      HIVE_LDX_MEM(HIVE_DW, 0, 6, 8), HIVE_EXIT_INSN())
VCASE(map_value_var_off_oob, 1, -EACCES, "R6 max value is outside of the allowed memory range",
      HIVE_ST_MEM(HIVE_W, 10, -4, 0), C_LD_MAP(1, VT_MAP_ARRAY48), HIVE_MOV64_REG(2, 10),
      HIVE_ALU64_IMM(HIVE_ADD, 2, -4), HIVE_CALL_HELPER(1), HIVE_MOV64_REG(6, 0),
      HIVE_CALL_HELPER(7), HIVE_ALU64_IMM(HIVE_AND, 0, 0x3f), HIVE_ALU64_REG(HIVE_ADD, 6, 0),
      HIVE_LDX_MEM(HIVE_DW, 0, 6, 8), HIVE_EXIT_INSN())
VCASE(map_rdonly_write, 1, -EACCES, "write into map forbidden, value_size=8 off=0 size=8",
      HIVE_ST_MEM(HIVE_W, 10, -4, 0), C_LD_MAP(1, VT_MAP_RDONLY), HIVE_MOV64_REG(2, 10),
      HIVE_ALU64_IMM(HIVE_ADD, 2, -4), HIVE_CALL_HELPER(1), HIVE_ST_MEM(HIVE_DW, 0, 0, 1),
      HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(map_key_not_stack_ptr, 1, -EACCES, "R2 type=scalar expected=fp",
      C_LD_MAP(1, VT_MAP_HASH), HIVE_MOV64_IMM(2, 0), HIVE_CALL_HELPER(1),
      HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(map_arg_not_map, 1, -EACCES, "R1 type=fp expected=map_ptr",
      HIVE_MOV64_REG(1, 10), HIVE_MOV64_REG(2, 10), HIVE_ALU64_IMM(HIVE_ADD, 2, -8),
      HIVE_CALL_HELPER(1), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(map_update_value_uninit_root_ok, 1, 0, "",
      HIVE_ST_MEM(HIVE_DW, 10, -8, 0), C_LD_MAP(1, VT_MAP_HASH), HIVE_MOV64_REG(2, 10),
      HIVE_ALU64_IMM(HIVE_ADD, 2, -8), HIVE_MOV64_REG(3, 10), HIVE_ALU64_IMM(HIVE_ADD, 3, -16),
      HIVE_MOV64_IMM(4, 0), HIVE_CALL_HELPER(2), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(map_bad_fd, 1, -EBADF, "fd -1 is not pointing to valid bpf_map",
      HIVE_INSN(0x18, 1, 1, 0, -1), HIVE_INSN(0, 0, 0, 0, 0), HIVE_MOV64_IMM(0, 0),
      HIVE_EXIT_INSN())
VCASE(helper_unknown, 1, -EINVAL, "invalid func unknown#9999",
      HIVE_CALL_HELPER(9999), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(helper_not_for_type, 6, -EINVAL, "program of this type cannot use helper bpf_probe_read#4",
      HIVE_CALL_HELPER(4), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(helper_clobbers_r1, 1, -EACCES, "R1 !read_ok",
      HIVE_CALL_HELPER(7), HIVE_MOV64_REG(0, 1), HIVE_EXIT_INSN())
VCASE(helper_trace_printk_ok, 5, 0, "",
      HIVE_ST_MEM(HIVE_DW, 10, -8, 0x41), HIVE_MOV64_REG(1, 10), HIVE_ALU64_IMM(HIVE_ADD, 1, -8),
      HIVE_MOV64_IMM(2, 8), HIVE_CALL_HELPER(6), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(helper_size_zero, 5, -EACCES, "R2 invalid zero-sized read",
      HIVE_MOV64_REG(1, 10), HIVE_ALU64_IMM(HIVE_ADD, 1, -8), HIVE_MOV64_IMM(2, 0),
      HIVE_CALL_HELPER(6), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(helper_size_unbounded, 5, -EACCES, "R2 min value is negative",
      HIVE_MOV64_REG(6, 10), HIVE_CALL_HELPER(7), HIVE_MOV64_REG(2, 0), HIVE_MOV64_REG(1, 6),
      HIVE_ALU64_IMM(HIVE_ADD, 1, -8), HIVE_CALL_HELPER(6), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(helper_probe_read_ok, 2, 0, "",
      HIVE_MOV64_REG(1, 10), HIVE_ALU64_IMM(HIVE_ADD, 1, -16), HIVE_MOV64_IMM(2, 16),
      HIVE_MOV64_IMM(3, 0), HIVE_CALL_HELPER(4), HIVE_LDX_MEM(HIVE_DW, 0, 10, -16), HIVE_EXIT_INSN())
VCASE(helper_smp_id_bounded, 1, 0, "",
      HIVE_CALL_HELPER(8), HIVE_JMP_IMM(HIVE_JLT, 0, 64, 1), HIVE_MOV64_REG(0, 9),
      HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(helper_tail_call_ok, 1, 0, "",
      C_LD_MAP(2, VT_MAP_PROG_ARRAY), HIVE_MOV64_IMM(3, 0), HIVE_CALL_HELPER(12),
      HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(helper_tail_call_wrong_map, 1, -EINVAL, "expected prog array map for tail call",
      C_LD_MAP(2, VT_MAP_HASH), HIVE_MOV64_IMM(3, 0), HIVE_CALL_HELPER(12),
      HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(helper_ringbuf_ok, 1, 0, "",
      C_LD_MAP(1, VT_MAP_RINGBUF), HIVE_MOV64_IMM(2, 8), HIVE_MOV64_IMM(3, 0),
      HIVE_CALL_HELPER(131), HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 4), HIVE_ST_MEM(HIVE_DW, 0, 0, 1),
      HIVE_MOV64_REG(1, 0), HIVE_MOV64_IMM(2, 0), HIVE_CALL_HELPER(132), HIVE_MOV64_IMM(0, 0),
      HIVE_EXIT_INSN())
VCASE(helper_ringbuf_leak, 1, -EINVAL, "BPF_EXIT instruction in main prog would lead to reference leak",
      C_LD_MAP(1, VT_MAP_RINGBUF), HIVE_MOV64_IMM(2, 8), HIVE_MOV64_IMM(3, 0),
      HIVE_CALL_HELPER(131), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(helper_ringbuf_oob, 1, -EACCES, "invalid access to memory, mem_size=8 off=8 size=8",
      C_LD_MAP(1, VT_MAP_RINGBUF), HIVE_MOV64_IMM(2, 8), HIVE_MOV64_IMM(3, 0),
      HIVE_CALL_HELPER(131), HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 4), HIVE_ST_MEM(HIVE_DW, 0, 8, 1),
      HIVE_MOV64_REG(1, 0), HIVE_MOV64_IMM(2, 0), HIVE_CALL_HELPER(132), HIVE_MOV64_IMM(0, 0),
      HIVE_EXIT_INSN())
VCASE(helper_ld_abs_ok, 1, 0, "",
      HIVE_MOV64_REG(6, 1), C_LD_ABS(HIVE_B, 12), HIVE_EXIT_INSN())
VCASE(helper_ld_abs_wrong_r6, 1, -EINVAL, "at the time of BPF_LD_ABS|IND R6 != pointer to skb",
      HIVE_MOV64_IMM(6, 0), C_LD_ABS(HIVE_B, 12), HIVE_EXIT_INSN())
VCASE(helper_ld_abs_xdp, 6, -EINVAL, "BPF_LD_[ABS|IND] instructions not allowed for this program type",
      HIVE_MOV64_REG(6, 1), C_LD_ABS(HIVE_B, 12), HIVE_EXIT_INSN())

/* ---- atomics ------------------------------------------------------------------------ */
VCASE(atomic_stack_add_ok, 1, 0, "",
      HIVE_ST_MEM(HIVE_DW, 10, -8, 0), HIVE_MOV64_IMM(1, 1), C_ATOMIC(HIVE_DW, 10, 1, -8, HIVE_ADD),
      HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(atomic_ctx, 1, -EACCES, "BPF_ATOMIC stores into R1 ctx is not allowed",
      HIVE_MOV64_IMM(2, 1), C_ATOMIC(HIVE_W, 1, 2, 0, HIVE_ADD), HIVE_MOV64_IMM(0, 0),
      HIVE_EXIT_INSN())
VCASE(atomic_bad_op, 1, -EINVAL, "BPF_ATOMIC uses invalid atomic opcode 02",
      HIVE_MOV64_IMM(1, 1), C_ATOMIC(HIVE_DW, 10, 1, -8, 2), HIVE_MOV64_IMM(0, 0),
      HIVE_EXIT_INSN())
VCASE(atomic_byte_size, 1, -EINVAL, "invalid atomic operand size",
      HIVE_MOV64_IMM(1, 1), C_ATOMIC(HIVE_B, 10, 1, -8, HIVE_ADD), HIVE_MOV64_IMM(0, 0),
      HIVE_EXIT_INSN())

/* ---- loops ---------------------------------------------------------------------------- */
VCASE(loop_bounded_ok, 1, 0, "",
      HIVE_MOV64_IMM(0, 0), HIVE_ALU64_IMM(HIVE_ADD, 0, 1), HIVE_JMP_IMM(HIVE_JLT, 0, 10, -2),
      HIVE_EXIT_INSN())
VCASE(loop_infinite, 1, -EINVAL, "infinite loop detected at insn 1",
      HIVE_MOV64_IMM(0, 0), HIVE_JMP_IMM(HIVE_JEQ, 0, 0, -1), HIVE_EXIT_INSN())
VCASE(loop_unbounded_counter, 1, -EINVAL, "infinite loop detected at insn 1",
      HIVE_CALL_HELPER(7), HIVE_ALU64_IMM(HIVE_ADD, 0, 1), HIVE_JMP_IMM(HIVE_JNE, 0, 0, -2),
      HIVE_EXIT_INSN())
/* E2BIG, but its level-1 log (one path of 1M insns) overflows: ENOSPC wins */
VCASE(loop_too_complex, 1, -ENOSPC, "BPF program is too large. Processed 1000001 insn",
      HIVE_MOV64_IMM(0, 0), HIVE_ALU64_IMM(HIVE_ADD, 0, 1), HIVE_JMP_IMM(HIVE_JLT, 0, 0x7fffffff, -2),
      HIVE_EXIT_INSN())

/* ---- bpf-to-bpf calls --------------------------------------------------------------------- */
VCASE(call_subprog_ok, 1, 0, "",
      HIVE_MOV64_IMM(1, 3), C_CALL_SUB(1), HIVE_EXIT_INSN(),
      HIVE_MOV64_REG(0, 1), HIVE_ALU64_IMM(HIVE_ADD, 0, 1), HIVE_EXIT_INSN())
VCASE(call_subprog_ret_stack_ptr, 1, -EINVAL, "cannot return stack pointer to the caller",
      C_CALL_SUB(1), HIVE_EXIT_INSN(), HIVE_MOV64_REG(0, 10), HIVE_EXIT_INSN())
VCASE(call_subprog_r6_preserved, 1, 0, "",
      HIVE_MOV64_REG(6, 1), C_CALL_SUB(2), HIVE_LDX_MEM(HIVE_W, 0, 6, 0), HIVE_EXIT_INSN(),
      HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(call_subprog_caller_r1_clobbered, 1, -EACCES, "R1 !read_ok",
      C_CALL_SUB(2), HIVE_MOV64_REG(0, 1), HIVE_EXIT_INSN(),
      HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(call_subprog_stack_too_deep, 1, -EACCES, "combined stack size of 2 calls is 768. Too large",
      HIVE_ST_MEM(HIVE_DW, 10, -256, 0), C_CALL_SUB(2), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN(),
      HIVE_ST_MEM(HIVE_DW, 10, -512, 0), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(call_recursion, 1, -E2BIG, "the call stack of 9 frames is too deep",
      C_CALL_SUB(-1), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
VCASE(call_caller_stack_access, 1, 0, "",
      HIVE_ST_MEM(HIVE_DW, 10, -8, 7), HIVE_MOV64_REG(1, 10), HIVE_ALU64_IMM(HIVE_ADD, 1, -8),
      C_CALL_SUB(1), HIVE_EXIT_INSN(), HIVE_LDX_MEM(HIVE_DW, 0, 1, 0), HIVE_EXIT_INSN())

/* ---- return values -------------------------------------------------------------------------- */
VCASE(ret_cgroup_skb_range, 8, -EINVAL, "At program exit the register R0 has smin=2 smax=2 should have been in [0, 1]",
      HIVE_MOV64_IMM(0, 2), HIVE_EXIT_INSN())
VCASE(ret_cgroup_skb_ok, 8, 0, "", HIVE_MOV64_IMM(0, 1), HIVE_EXIT_INSN())
VCASE(ret_cgroup_skb_ptr, 8, -EINVAL, "At program exit the register R0 is not a known value (ctx)",
      HIVE_MOV64_REG(0, 1), HIVE_EXIT_INSN())
VCASE(ret_socket_any, 1, 0, "", HIVE_MOV64_IMM(0, -5), HIVE_EXIT_INSN())
VCASE(ret_syscall_needs_sleepable, 31, -EINVAL, "Syscall programs can only be sleepable",
      HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN())
/* x s>> 63 is 0 or -1; "& 7" forks the state (0 | 7), so "!= 3" is always taken */
VCASE(scalar_fork_and_minus1_or_0, 1, 0, "",
      HIVE_LDX_MEM(HIVE_W, 0, 1, 0), HIVE_ALU64_IMM(HIVE_LSH, 0, 32),
      HIVE_ALU64_IMM(HIVE_ARSH, 0, 63), HIVE_ALU64_IMM(HIVE_AND, 0, 7),
      HIVE_JMP_IMM(HIVE_JNE, 0, 3, 1), HIVE_LDX_MEM(HIVE_DW, 0, 0, 0), HIVE_EXIT_INSN())
/* "| 8" forks too, and the 0 side re-runs the OR: 8, so the bad load is reached */
VCASE(scalar_fork_or_reruns_insn, 1, -EACCES, "R0 invalid mem access 'scalar'",
      HIVE_LDX_MEM(HIVE_W, 0, 1, 0), HIVE_ALU64_IMM(HIVE_LSH, 0, 32),
      HIVE_ALU64_IMM(HIVE_ARSH, 0, 63), HIVE_ALU64_IMM(HIVE_OR, 0, 8),
      HIVE_JMP_IMM(HIVE_JNE, 0, 8, 1), HIVE_LDX_MEM(HIVE_DW, 0, 0, 0), HIVE_EXIT_INSN())
