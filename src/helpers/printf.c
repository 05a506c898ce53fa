/*
 * printf.c - the kernel's formatted-output rules for bpf_trace_printk and
 * bpf_snprintf (bpf_bprintf_prepare + bstr_printf in kernel/bpf/helpers.c).
 *
 * Accepted conversions: %d %i %u %x %X with optional l/ll, %c, %s, %%,
 * %p (plain, K, x, s, S, B), %pks %pus (strings), %pI4 %pi4 %pI6 %pi6;
 * flags "0+- " and a width; no precision, no 'h'. %s must be followed by
 * NUL, a space or punctuation. Anything else is -EINVAL, as are control
 * characters in the format, more conversions than arguments, and a format
 * without a NUL within its size. Arguments are staged in a 512-byte buffer
 * as in the kernel (strings copied fault-safe, truncated to what is left;
 * -ENOSPC when it is full).
 *
 * Differences, because hive is not the kernel: %p, %pK and %px print the
 * raw address as 16 hex digits (the kernel hashes %p); %ps, %pS and %pB
 * print 0x<address> (no kernel symbols).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/trace.h"
#include "helpers/helpers.h"

#define MAX_BPRINTF_BUF 1024u     /* output of bpf_trace_printk */
#define MAX_BPRINTF_BIN_ARGS 512u /* staging of the arguments */
#define MAX_BPRINTF_VARARGS 12u   /* bpf_snprintf */
#define MAX_TRACE_PRINTK_VARARGS 3u

struct out {
	char *buf;
	size_t size;
	size_t len;  /* length of the full text */
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len < o->size) {
		size_t room = o->size - o->len;

		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

/* Append with a validated host printf spec. */
static void putf(struct out *o, const char *spec, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct out *o, const char *spec, ...)
{
	char tmp[1100];
	va_list ap;
	int n;

	va_start(ap, spec);
	n = vsnprintf(tmp, sizeof(tmp), spec, ap);
	va_end(ap);
	if (n > 0)
		put(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void format_ip(char *dst, size_t size, char kind, char ver, const uint8_t *ip)
{
	size_t n = 0;

	if (ver == '4') {
		snprintf(dst, size, kind == 'I' ? "%u.%u.%u.%u" : "%03u.%03u.%03u.%03u",
			 ip[0], ip[1], ip[2], ip[3]);
		return;
	}
	dst[0] = 0;
	for (int i = 0; i < 16 && n < size; i += 2) {
		int w = snprintf(dst + n, size - n, kind == 'I' ? "%s%02x%02x" : "%s%02x%02x",
				 (kind == 'I' && i) ? ":" : "", ip[i], ip[i + 1]);
		if (w < 0)
			break;
		n += (size_t)w;
	}
}

int helper_bprintf(char *out_buf, size_t out_size, const char *fmt, size_t fmt_size,
		   const uint64_t *args, uint32_t num_args)
{
	struct out o = { out_buf, out_size, 0 };
	const char *end = memchr(fmt, 0, fmt_size);
	size_t bin = 0, n;
	uint32_t spec_no = 0;

	if (!end)
		return -EINVAL;
	n = (size_t)(end - fmt);
	for (size_t i = 0; i < n; i++) {
		char spec[32], text[MAX_BPRINTF_BIN_ARGS];
		size_t start, sl;
		unsigned char c = (unsigned char)fmt[i];
		uint64_t arg;

		if (!isascii(c) || (!isprint(c) && !isspace(c)))
			return -EINVAL;
		if (c != '%') {
			put(&o, fmt + i, 1);
			continue;
		}
		if (fmt[i + 1] == '%') {
			put(&o, "%", 1);
			i++;
			continue;
		}
		if (spec_no >= num_args)
			return -EINVAL;
		arg = args[spec_no];
		start = i++;
		/* optional "[0 +-][num]" width */
		while (fmt[i] == '0' || fmt[i] == '+' || fmt[i] == '-' || fmt[i] == ' ')
			i++;
		if (fmt[i] >= '1' && fmt[i] <= '9') {
			i++;
			while (fmt[i] >= '0' && fmt[i] <= '9')
				i++;
		}
		sl = i - start;   /* "%" + flags + width */
		if (sl + 4 > sizeof(spec))
			return -EINVAL;
		memcpy(spec, fmt + start, sl);
		spec[sl] = 0;

		if (fmt[i] == 'p') {
			char ptype = fmt[i + 1];
			const char *kind;

			if ((ptype == 'k' || ptype == 'u') && fmt[i + 2] == 's') {
				i += 2;
				goto string;
			}
			if (ptype == 0 || isspace((unsigned char)ptype) ||
			    ispunct((unsigned char)ptype) || ptype == 'K' || ptype == 'x' ||
			    ptype == 's' || ptype == 'S' || ptype == 'B') {
				/* pointer value, staged as a long */
				bin = (bin + 3) & ~(size_t)3;
				if (MAX_BPRINTF_BIN_ARGS - bin < 8)
					return -ENOSPC;
				bin += 8;
				kind = (ptype == 's' || ptype == 'S' || ptype == 'B') ? "0x%llx" : "%016llx";
				snprintf(text, sizeof(text), kind, (unsigned long long)arg);
				if (ptype && !isspace((unsigned char)ptype) && !ispunct((unsigned char)ptype))
					i++;
				strcat(spec, "s");
				putf(&o, spec, text);
				spec_no++;
				continue;
			}
			/* only %pI4 %pi4 %pI6 %pi6 */
			if ((ptype != 'i' && ptype != 'I') || (fmt[i + 2] != '4' && fmt[i + 2] != '6'))
				return -EINVAL;
			{
				uint8_t ip[16] = { 0 };
				size_t iplen = fmt[i + 2] == '4' ? 4 : 16;

				if (MAX_BPRINTF_BIN_ARGS - bin < iplen)
					return -ENOSPC;
				if (probe_mem(ip, (const void *)(uintptr_t)arg, iplen))
					memset(ip, 0, sizeof(ip));
				format_ip(text, sizeof(text), ptype, fmt[i + 2], ip);
				bin += strlen(text) + 1;
				i += 2;
				strcat(spec, "s");
				putf(&o, spec, text);
				spec_no++;
				continue;
			}
		} else if (fmt[i] == 's') {
			long got;
string:
			if (fmt[i + 1] != 0 && !isspace((unsigned char)fmt[i + 1]) &&
			    !ispunct((unsigned char)fmt[i + 1]))
				return -EINVAL;
			if (bin == MAX_BPRINTF_BIN_ARGS)
				return -ENOSPC;
			got = probe_str(text, (const void *)(uintptr_t)arg, MAX_BPRINTF_BIN_ARGS - bin);
			if (got < 0) {
				text[0] = 0;
				got = 1;
			}
			bin += (size_t)got;
			strcat(spec, "s");
			putf(&o, spec, text);
			spec_no++;
			continue;
		} else if (fmt[i] == 'c') {
			if (bin == MAX_BPRINTF_BIN_ARGS)
				return -ENOSPC;
			bin++;
			strcat(spec, "c");
			putf(&o, spec, (int)(unsigned char)arg);
			spec_no++;
			continue;
		}
		{
			size_t size = 4;
			char conv;

			if (fmt[i] == 'l') {
				size = 8;
				i++;
			}
			if (fmt[i] == 'l')
				i++;
			conv = fmt[i];
			if (conv != 'i' && conv != 'd' && conv != 'u' && conv != 'x' && conv != 'X')
				return -EINVAL;
			bin = (bin + 3) & ~(size_t)3;
			if (MAX_BPRINTF_BIN_ARGS - bin < size)
				return -ENOSPC;
			bin += size;
			sl = strlen(spec);
			spec[sl] = 'l';
			spec[sl + 1] = 'l';
			spec[sl + 2] = conv;
			spec[sl + 3] = 0;
			if (conv == 'd' || conv == 'i')
				putf(&o, spec, size == 8 ? (long long)arg : (long long)(int32_t)arg);
			else
				putf(&o, spec, size == 8 ? (unsigned long long)arg
						     : (unsigned long long)(uint32_t)arg);
			spec_no++;
		}
	}
	if (o.size)
		o.buf[o.len < o.size ? o.len : o.size - 1] = 0;
	return (int)o.len;
}

/*
 * bpf_trace_printk(fmt, fmt_size, a1, a2, a3): format (at most three
 * conversions) and append a line to the trace log; returns the length of
 * the text, or -EINVAL/-ENOSPC from the format rules.
 */
uint64_t helper_trace_printk(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			     struct hive_run *run)
{
	const char *fmt = (const char *)(uintptr_t)r1;
	uint64_t args[MAX_TRACE_PRINTK_VARARGS] = { r3, r4, r5 };
	char buf[MAX_BPRINTF_BUF];
	int n;

	if (!helper_mem(run, fmt, (uint32_t)r2, HIVE_PROT_READ, "trace_printk"))
		return 0;
	n = helper_bprintf(buf, sizeof(buf), fmt, (uint32_t)r2, args, MAX_TRACE_PRINTK_VARARGS);
	if (n < 0)
		return (uint64_t)(int64_t)n;
	trace_log_printk(buf);
	return (uint64_t)n;
}

/*
 * bpf_snprintf(str, str_size, fmt, data, data_len): data holds data_len/8
 * u64 arguments (at most 12). Returns the length of the full text plus one
 * (the NUL), even when str_size truncated it.
 */
uint64_t helper_snprintf(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			 struct hive_run *run)
{
	char *str = (char *)(uintptr_t)r1;
	const char *fmt = (const char *)(uintptr_t)r3;
	const uint64_t *data = (const uint64_t *)(uintptr_t)r4;
	uint32_t str_size = (uint32_t)r2, data_len = (uint32_t)r5;
	uint64_t args[MAX_BPRINTF_VARARGS];
	size_t flen = 0;
	int n;

	if (data_len % 8 || data_len > MAX_BPRINTF_VARARGS * 8 || (data_len && !data))
		return (uint64_t)-EINVAL;
	if (!helper_mem(run, str, str_size, HIVE_PROT_WRITE, "snprintf") ||
	    !helper_mem(run, data, data_len, HIVE_PROT_READ, "snprintf"))
		return 0;
	/* The format is a constant string: find its NUL inside program memory. */
	for (;; flen++) {
		if (!helper_mem(run, fmt + flen, 1, HIVE_PROT_READ, "snprintf"))
			return 0;
		if (!fmt[flen])
			break;
	}
	if (data_len)
		memcpy(args, data, data_len);
	n = helper_bprintf(str, str ? str_size : 0, fmt, flen + 1, args, data_len / 8);
	if (n < 0)
		return (uint64_t)(int64_t)n;
	return (uint64_t)n + 1;
}
