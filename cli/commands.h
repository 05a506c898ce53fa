/*
 * commands.h - the table of `hive` command families (no include guard).
 *
 *     CMD(NAME, FUNCTION, SUMMARY)
 *
 * generates the dispatch in main.c, the list in `hive --help` and
 * docs/cli.md's index. Each family lives in cli/<name>.c and takes
 * (argc, argv) after the family word; it returns the process exit code.
 */
CMD(asm, cmd_asm, "assemble eBPF text into raw instructions")
CMD(disasm, cmd_disasm, "print raw eBPF instructions as text (bpftool xlated format)")
CMD(prog, cmd_prog, "inspect, load, pin and test-run programs (bpftool prog)")
CMD(map, cmd_map, "create, inspect and edit maps (bpftool map)")
CMD(btf, cmd_btf, "list BTF objects, dump BTF as raw types or C (bpftool btf)")
CMD(gen, cmd_gen, "generate a C skeleton header for an object file (bpftool gen)")
CMD(run, cmd_run, "load and test-run a program in one step (.c sources compiled first)")
CMD(verify, cmd_verify, "verify programs of an object or raw instructions, print the verifier log")
