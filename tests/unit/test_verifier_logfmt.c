/*
 * test_verifier_logfmt.c - the verifier log's fast formatter
 * (vlog_vformat) gives exactly vsnprintf's output and return value for
 * every format it takes over, at every buffer size (truncation), and
 * hands other formats to vsnprintf.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "verifier/env.h"

static int fast(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vlog_vformat(buf, size, fmt, ap);
	va_end(ap);
	return r;
}

#define SAME(fmt, ...)                                                                   \
	do {                                                                             \
		char a_[128], b_[128];                                                   \
		for (size_t sz_ = 0; sz_ <= sizeof(a_); sz_ += sz_ < 40 ? 1 : 44) {     \
			int ra_, rb_;                                                    \
			memset(a_, 'A', sizeof(a_));                                     \
			memset(b_, 'A', sizeof(b_));                                     \
			ra_ = fast(a_, sz_, fmt, __VA_ARGS__);                           \
			rb_ = snprintf(b_, sz_, fmt, __VA_ARGS__);                       \
			if (ra_ != rb_ || memcmp(a_, b_, sizeof(a_))) {                  \
				test_fail(__FILE__, __LINE__, "format \"%s\" size %zu: fast %d \"%.*s\", vsnprintf %d \"%.*s\"", \
					  fmt, sz_, ra_, (int)(sz_ ? sz_ : 1), a_, rb_,   \
					  (int)(sz_ ? sz_ : 1), b_);                      \
				break;                                                   \
			}                                                                \
		}                                                                        \
	} while (0)

TEST(verifier_log_fast_format)
{
	static const long long lls[] = { 0, 1, -1, 9, 10, -10, 255, 4096, LLONG_MAX, LLONG_MIN,
					 (long long)0xffffffff00000000ULL, -4095 };
	static const int is[] = { 0, 1, -1, 7, -7, 10, 99, 100, INT_MAX, INT_MIN, 1 << 20 };

	for (size_t i = 0; i < sizeof(lls) / sizeof(lls[0]); i++) {
		SAME("%lld", lls[i]);
		SAME("%llu", (unsigned long long)lls[i]);
		SAME("0x%llx", (unsigned long long)lls[i]);
		SAME("%sid=%lld,", "smin=", lls[i]);
	}
	for (size_t i = 0; i < sizeof(is) / sizeof(is[0]); i++) {
		SAME(" R%d=", is[i]);
		SAME("%d: ", is[i]);
		SAME("%u", (unsigned)is[i]);
		SAME("%x|%%|", (unsigned)is[i]);
		SAME("%*c;", is[i] % 64, ' ');
		SAME("%c%c", 'a' + (is[i] & 7), 'z');
	}
	SAME("%s", "");
	SAME("%s", "map_value_or_null(id=1,map=rxcnt,ks=4,vs=8)");
	SAME("%s%s=", "fp", "-8");
	SAME("no conversions at all, a long line of text that is cut at small sizes %s", "");
	/* formats it does not take over go to vsnprintf unchanged */
	SAME("%5d|%-3s|%.2s|%08llx", 42, "ab", "xyz", 0x1234ULL);
	SAME("%ld %lu %hhd", -3L, 3UL, 7);
}
