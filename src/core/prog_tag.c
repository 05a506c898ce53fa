/*
 * prog_tag.c - the program tag: the first 8 bytes of the SHA-1 of the
 * instructions with the immediates of map-referencing lddw zeroed, as the
 * kernel's bpf_prog_calc_tag(). SHA-1 (FIPS 180-4) is implemented here: a
 * tag is an identity, not a security property.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/prog.h"
#include "isa/isa.h"

struct sha1 {
	uint32_t h[5];
	uint64_t len;        /* bytes hashed */
	uint8_t block[64];
	uint32_t fill;
};

static uint32_t rol(uint32_t v, unsigned n)
{
	return (v << n) | (v >> (32 - n));
}

static void sha1_block(struct sha1 *s, const uint8_t *p)
{
	uint32_t w[80], a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (int i = 0; i < 80; i++) {
		uint32_t f, k, t;

		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = t;
	}
	s->h[0] += a;
	s->h[1] += b;
	s->h[2] += c;
	s->h[3] += d;
	s->h[4] += e;
}

static void sha1_init(struct sha1 *s)
{
	static const uint32_t iv[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
					0xc3d2e1f0 };

	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->fill = 0;
}

static void sha1_update(struct sha1 *s, const void *data, size_t n)
{
	const uint8_t *p = data;

	s->len += n;
	while (n) {
		size_t c = 64 - s->fill < n ? 64 - s->fill : n;

		memcpy(s->block + s->fill, p, c);
		s->fill += (uint32_t)c;
		p += c;
		n -= c;
		if (s->fill == 64) {
			sha1_block(s, s->block);
			s->fill = 0;
		}
	}
}

static void sha1_final(struct sha1 *s, uint8_t out[20])
{
	uint64_t bits = s->len * 8;
	uint8_t pad = 0x80, zero = 0, lenb[8];

	sha1_update(s, &pad, 1);
	while (s->fill != 56)
		sha1_update(s, &zero, 1);
	for (int i = 0; i < 8; i++)
		lenb[i] = (uint8_t)(bits >> (56 - 8 * i));
	sha1_update(s, lenb, 8);
	for (int i = 0; i < 5; i++) {
		out[4 * i] = (uint8_t)(s->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)s->h[i];
	}
}

void prog_sha1(const void *data, size_t len, uint8_t digest[20])
{
	struct sha1 s;

	sha1_init(&s);
	sha1_update(&s, data, len);
	sha1_final(&s, digest);
}

int prog_calc_tag(const struct hive_insn *insns, uint32_t cnt, uint8_t tag[8])
{
	struct hive_insn *dst = malloc((size_t)cnt * sizeof(*dst) + 1);
	uint8_t digest[20];
	int was_ld_map = 0;

	if (!dst)
		return -ENOMEM;
	for (uint32_t i = 0; i < cnt; i++) {
		dst[i] = insns[i];
		if (!was_ld_map && isa_is_lddw(&dst[i]) &&
		    (dst[i].src == HIVE_PSEUDO_MAP_FD || dst[i].src == HIVE_PSEUDO_MAP_VALUE)) {
			was_ld_map = 1;
			dst[i].imm = 0;
		} else if (was_ld_map && dst[i].code == 0 && dst[i].dst == 0 && dst[i].src == 0 &&
			   dst[i].off == 0) {
			was_ld_map = 0;
			dst[i].imm = 0;
		} else {
			was_ld_map = 0;
		}
	}
	prog_sha1(dst, (size_t)cnt * sizeof(*dst), digest);
	memcpy(tag, digest, 8);
	free(dst);
	return 0;
}
