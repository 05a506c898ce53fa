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
