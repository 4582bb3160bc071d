// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Value parsers for policy text: integers, sizes, CPU counts, IPv4
 * addresses and CIDR subnets. Strict by design: no signs, no spaces, no
 * leading zeros, no fractions where none make sense, overflow checked.
 * Pure string work on untrusted input; no privilege.
 */
#include "config.h"

#include "internal.h"

#include <string.h>

/* Leading digits of s as a number: digits counted in *ndig; -1 on
 * overflow past max or on a leading zero in front of more digits. */
static int values_digits(const char *s, uint64_t max, uint64_t *out, size_t *ndig)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		if (i == 1 && s[0] == '0')
			return -1;
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(s[i] - '0'), &v) || v > max)
			return -1;
	}
	*out = v;
	*ndig = i;
	return 0;
}

int policy_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;
	size_t n;

	if (s == NULL || values_digits(s, max, &v, &n) < 0 || n == 0 || s[n] != '\0' || v < min)
		return -1;
	*out = v;
	return 0;
}

/* 4096, 64K, 256M, 1G (powers of 1024); at most INT64_MAX bytes. */
int policy_parse_size(const char *s, uint64_t *out)
{
	uint64_t v, mult = 1;
	size_t n;

	if (s == NULL || values_digits(s, INT64_MAX, &v, &n) < 0 || n == 0)
		return -1;
	switch (s[n]) {
	case '\0':
		break;
	case 'K':
	case 'k':
		mult = 1ULL << 10;
		break;
	case 'M':
	case 'm':
		mult = 1ULL << 20;
		break;
	case 'G':
	case 'g':
		mult = 1ULL << 30;
		break;
	default:
		return -1;
	}
	if (s[n] != '\0' && s[n + 1] != '\0')
		return -1;
	if (__builtin_mul_overflow(v, mult, &v) || v > INT64_MAX)
		return -1;
	*out = v;
	return 0;
}

/* "2", "1.5", "0.25", "0.001": > 0, at most 3 decimals, at most 1024. */
int policy_parse_cpu(const char *s, uint32_t *milli)
{
	uint64_t whole, frac = 0;
	size_t n, i;

	if (s == NULL || values_digits(s, 1024, &whole, &n) < 0 || n == 0)
		return -1;
	s += n;
	if (*s == '.') {
		s++;
		for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
			if (i == 3)
				return -1;
			frac = frac * 10 + (uint64_t)(s[i] - '0');
		}
		if (i == 0)
			return -1;
		for (; i < 3; i++)
			frac *= 10;
		s += strspn(s, "0123456789");
	}
	if (*s != '\0')
		return -1;
	whole = whole * 1000 + frac;
	if (whole == 0 || whole > 1024 * 1000)
		return -1;
	*milli = (uint32_t)whole;
	return 0;
}

/* Dotted quad, each part 0..255 without leading zeros; host byte order. */
static int values_ipv4_prefix(const char *s, uint32_t *addr, size_t *used)
{
	uint32_t a = 0;
	const char *p = s;
	int part;

	for (part = 0; part < 4; part++) {
		uint64_t v;
		size_t n;

		if (part > 0) {
			if (*p != '.')
				return -1;
			p++;
		}
		if (values_digits(p, 255, &v, &n) < 0 || n == 0)
			return -1;
		a = (a << 8) | (uint32_t)v;
		p += n;
	}
	*addr = a;
	*used = (size_t)(p - s);
	return 0;
}

int policy_parse_ipv4(const char *s, uint32_t *addr)
{
	uint32_t a;
	size_t n;

	if (s == NULL || values_ipv4_prefix(s, &a, &n) < 0 || s[n] != '\0')
		return -1;
	*addr = a;
	return 0;
}

/* a.b.c.d/N, N 0..32, host bits zero. */
int policy_parse_cidr(const char *s, uint32_t *net, unsigned *prefix)
{
	uint32_t a, mask;
	uint64_t p;
	size_t n;

	if (s == NULL || values_ipv4_prefix(s, &a, &n) < 0 || s[n] != '/' ||
	    policy_parse_uint(s + n + 1, 0, 32, &p) < 0)
		return -1;
	mask = p == 0 ? 0 : ~(uint32_t)0 << (32 - p);
	if ((a & ~mask) != 0)
		return -1;
	*net = a;
	*prefix = (unsigned)p;
	return 0;
}
