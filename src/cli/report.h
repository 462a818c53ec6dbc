/* SPDX-License-Identifier: GPL-2.0 */
/*
 * proclife report FILE.jsonl [-o OUT [-F FMT]]... [--tree] [--summary]:
 * rebuild the timeline from a JSON Lines record (-o x.jsonl) and write any
 * output, as the live run would have written it. No tracing, no root.
 */
#ifndef PL_REPORT_H
#define PL_REPORT_H

/* argv[0] is "report". Returns the exit status. */
int report_main(int argc, char **argv);

#endif
