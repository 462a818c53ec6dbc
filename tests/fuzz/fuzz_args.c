// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_args: pl_parse_args on any command line.
 *
 * The input is split on NUL bytes into arguments (after argv[0]
 * "proclife"), each in its own exact-size heap copy so ASan sees any read
 * past an argument. The parse must never crash, and its result must keep
 * the promises main.c relies on:
 *
 *   PL_PARSE_OK     sizes in range (ring buffer a power of two from 4K to
 *                   1G, argv bytes 16..PL_ARGV_MAX), comm NUL-terminated
 *                   within PL_COMM_LEN, pids 1..INT_MAX, duration 0 or in
 *                   (0, 1e9], CMD (if any) a NULL-terminated tail of argv,
 *                   -F only with -o, never -p with CMD
 *   PL_PARSE_ERROR  a non-empty, NUL-terminated message
 *
 * --help and --version print to stdout, which goes to /dev/null here.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"

#define MAX_ARGS 128

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd = open("/dev/null", O_WRONLY);

	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0) {
		perror("fuzz_args: /dev/null");
		exit(1);
	}
	close(fd);
	return 0;
}

static void broken(const char *what, int argc, char **argv)
{
	fprintf(stderr, "fuzz_args: %s\nargv:", what);
	for (int i = 0; i < argc; i++)
		fprintf(stderr, " [%s]", argv[i]);
	fputc('\n', stderr);
	abort();
}

static void check_ok(const struct pl_options *o, int argc, char **argv)
{
	if (o->ringbuf_size < 4096 || o->ringbuf_size > (1ULL << 30) ||
	    (o->ringbuf_size & (o->ringbuf_size - 1)))
		broken("ring buffer size out of range", argc, argv);
	if (o->argv_bytes < 16 || o->argv_bytes > PL_ARGV_MAX)
		broken("argv bytes out of range", argc, argv);
	for (unsigned int i = 0; i < o->nr_comms && i < PL_MAX_COMMS; i++)
		if (!memchr(o->comms[i], '\0', sizeof(o->comms[i])))
			broken("comm not NUL-terminated", argc, argv);
	if (o->nr_pids > PL_MAX_PIDS)
		broken("too many pids", argc, argv);
	for (unsigned int i = 0; i < o->nr_pids; i++)
		if (o->pids[i] == 0 || o->pids[i] > INT_MAX)
			broken("pid out of range", argc, argv);
	if (o->duration != 0 && !(o->duration > 0 && o->duration <= 1e9))
		broken("duration out of range", argc, argv);
	if (o->nr_uids > PL_MAX_UIDS || o->nr_comms > PL_MAX_COMMS)
		broken("too many -u or -c values", argc, argv);
	if (o->nr_outputs > PL_MAX_OUTPUTS)
		broken("too many outputs", argc, argv);
	for (unsigned int i = 0; i < o->nr_outputs; i++) {
		if (!o->outputs[i].path[0])
			broken("empty output name accepted", argc, argv);
		if ((unsigned int)o->outputs[i].format > PL_FMT_TEXT)
			broken("unknown format", argc, argv);
	}
	if (o->command) {
		if (o->nr_pids)
			broken("-p with a command accepted", argc, argv);
		if (o->command <= argv || o->command >= argv + argc)
			broken("command outside argv", argc, argv);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2];
	struct pl_options o;
	char err[512];
	enum pl_parse_result res;
	size_t pos = 0;
	int argc = 0;

	argv[argc++] = strdup("proclife");
	while (pos < size && argc < MAX_ARGS) {
		const uint8_t *nul = memchr(data + pos, '\0', size - pos);
		size_t len = nul ? (size_t)(nul - (data + pos)) : size - pos;

		argv[argc] = malloc(len + 1);
		if (!argv[argc])
			abort();
		memcpy(argv[argc], data + pos, len);
		argv[argc][len] = '\0';
		argc++;
		pos += len + 1;
	}
	argv[argc] = NULL;

	memset(err, 0x5a, sizeof(err));
	res = pl_parse_args(argc, argv, &o, err, sizeof(err));
	switch (res) {
	case PL_PARSE_OK:
		check_ok(&o, argc, argv);
		break;
	case PL_PARSE_ERROR:
		if (!memchr(err, '\0', sizeof(err)) || !err[0])
			broken("error without a message", argc, argv);
		break;
	case PL_PARSE_EXIT:
		break;
	default:
		broken("unknown parse result", argc, argv);
	}

	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return 0;
}
