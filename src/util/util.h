/*
 * util.h - small internal helpers shared by every module: message printing
 * (through the hive_set_print callback), allocation wrappers and bit tricks.
 * Not part of the public API.
 */
#ifndef HIVE_UTIL_H
#define HIVE_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "hive/hive.h"

void hive_print(enum hive_print_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define hive_pr_warn(...)  hive_print(HIVE_WARN, __VA_ARGS__)
#define hive_pr_info(...)  hive_print(HIVE_INFO, __VA_ARGS__)
#define hive_pr_debug(...) hive_print(HIVE_DEBUG, __VA_ARGS__)

#define HIVE_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Free *pp and set it to NULL. */
static inline void hive_zfree(void *pp)
{
	void **p = (void **)pp;

	free(*p);
	*p = NULL;
}

#endif /* HIVE_UTIL_H */
