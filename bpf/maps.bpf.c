// SPDX-License-Identifier: GPL-2.0
/*
 * The one definition of every shared map and setting (maps.bpf.h), and
 * the license of the linked object.
 */
#define PL_DEFINE_SHARED
#include "common.bpf.h"

char LICENSE[] SEC("license") = "GPL";
