/*
 * test_bpf_fs.h - a private hive filesystem per test (HIVE_FS = a fresh
 * directory under /tmp), so that ids and pins of one test never meet
 * another's. Header-only: each test file gets its own copy of the state.
 */
#ifndef HIVE_TEST_BPF_FS_H
#define HIVE_TEST_BPF_FS_H

#include <stdio.h>
#include <stdlib.h>

static char fsdir[256];

static inline void private_fs(void)
{
	snprintf(fsdir, sizeof(fsdir), "/tmp/hive-test-XXXXXX");
	if (mkdtemp(fsdir))
		setenv("HIVE_FS", fsdir, 1);
}

static inline void cleanup_fs(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fsdir);
	if (system(cmd))
		return;
}

#endif /* HIVE_TEST_BPF_FS_H */
