/*
 * print.c - the single channel for library messages (hive_set_print) and
 * the message table of hive's own error codes (hive_strerror).
 *
 * Nothing else in libhive writes to stdout or stderr; modules call
 * hive_pr_warn()/hive_pr_info()/hive_pr_debug() from util.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hive/hive.h"
#include "util.h"

static int default_print(enum hive_print_level level, const char *fmt, va_list ap)
{
	if (level == HIVE_DEBUG && !getenv("HIVE_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static hive_print_fn print_fn = default_print;

hive_print_fn hive_set_print(hive_print_fn fn)
{
	hive_print_fn old = print_fn;

	print_fn = fn;
	return old;
}

void hive_print(enum hive_print_level level, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (print_fn) {
		va_start(ap, fmt);
		print_fn(level, fmt, ap);
		va_end(ap);
	}
	errno = saved;
}

const char *hive_version(void)
{
	return HIVE_VERSION_STRING;
}

const char *hive_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
#define HIVE_ERR_CASE(name, value, msg) case value: return msg;
	HIVE_ERRORS(HIVE_ERR_CASE)
#undef HIVE_ERR_CASE
	default:
		return strerror(err);
	}
}
