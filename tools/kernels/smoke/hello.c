// SPDX-License-Identifier: GPL-2.0
/* hello: proves a statically linked program runs in the test VM. */
#include <stdio.h>

int main(void)
{
	printf("hello from a static binary\n");
	return 0;
}
