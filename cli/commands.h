/*
 * commands.h - the table of `hive` command families (no include guard).
 *
 *     CMD(NAME, FUNCTION, SUMMARY)
 *
 * generates the dispatch in main.c, the list in `hive --help` and
 * docs/cli.md's index. Each family lives in cli/<name>.c and takes
 * (argc, argv) after the family word; it returns the process exit code.
 */
