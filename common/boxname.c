// SPDX-License-Identifier: GPL-2.0-or-later
/* The box name rule (nsrun(1), BOX). Pure string check on untrusted input. */
#include "boxname.h"

#include <stddef.h>

static bool boxname_lower_digit(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool nsr_box_name_valid(const char *box)
{
	size_t i;

	if (box == NULL || !boxname_lower_digit(box[0]))
		return false;
	for (i = 1; box[i] != '\0'; i++) {
		if (i >= NSR_BOX_NAME_MAX)
			return false;
		if (!boxname_lower_digit(box[i]) && box[i] != '-')
			return false;
	}
	return true;
}
