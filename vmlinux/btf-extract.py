#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""btf-extract.py KERNEL OUT - write the raw BTF of a kernel image to OUT.

KERNEL may be raw BTF (/sys/kernel/btf/vmlinux), an ELF vmlinux, an x86
bzImage, an arm64 Image, an arm64 EFI zboot image, or any of these
compressed. The kernel's own BTF sits in its read-only data whole, so it
is found by its header: magic 0xeB9F, version 1, a 24-byte header, then
the type and string sections back to back.
"""
import lzma
import struct
import subprocess
import sys
import zlib

BTF_MAGIC = b"\x9f\xeb\x01\x00"	# 0xeB9F little-endian, version 1, flags 0
BTF_HDR = struct.Struct("<HBBIIIII")

# Compressed streams a kernel image may carry, and how to open them.
STREAMS = [
	(b"\x1f\x8b\x08", "gzip"),
	(b"\xfd7zXZ\x00", "xz"),
	(b"\x28\xb5\x2f\xfd", "zstd"),
	(b"\x02\x21\x4c\x18", "lz4"),
	(b"BZh", "bzip2"),
	(b"\x5d\x00\x00", "lzma"),
]


def decompress(kind, data):
	"""The decompressed stream at the start of data; trailing bytes are
	ignored. None when it is not a valid stream."""
	try:
		if kind == "gzip":
			return zlib.decompressobj(wbits=31).decompress(data)
		if kind == "xz":
			return lzma.LZMADecompressor(lzma.FORMAT_XZ).decompress(data)
		if kind == "lzma":
			return lzma.LZMADecompressor(lzma.FORMAT_ALONE).decompress(data)
	except (zlib.error, lzma.LZMAError):
		return None
	# zstd, lz4 and bzip2 by their tools: stdout is kept even when the
	# tool complains about what follows the stream
	cmd = {"zstd": ["zstd", "-dcq"], "lz4": ["lz4", "-dcq"],
	       "bzip2": ["bzip2", "-dcq"]}[kind]
	try:
		out = subprocess.run(cmd, input=data, stdout=subprocess.PIPE,
				     stderr=subprocess.DEVNULL).stdout
	except FileNotFoundError:
		sys.exit(f"btf-extract: {cmd[0]} is needed for this image")
	return out or None


def find_btf(data):
	"""The largest well-formed BTF blob in data, or None."""
	best = None
	pos = data.find(BTF_MAGIC)
	while pos >= 0:
		if pos + BTF_HDR.size <= len(data):
			(_, _, _, hdr_len, type_off, type_len, str_off,
			 str_len) = BTF_HDR.unpack_from(data, pos)
			end = pos + hdr_len + str_off + str_len
			if (hdr_len == BTF_HDR.size and type_off == 0 and
			    str_off == type_len and type_len > 0 and
			    str_len > 0 and end <= len(data) and
			    data[pos + hdr_len + str_off] == 0 and
			    (best is None or end - pos > len(best))):
				best = data[pos:end]
		pos = data.find(BTF_MAGIC, pos + 1)
	return best


def bzimage_payload(data):
	"""The compressed kernel inside an x86 bzImage, or None."""
	if len(data) < 0x250 or data[0x202:0x206] != b"HdrS":
		return None
	setup_sects = data[0x1F1] or 4
	offset, length = struct.unpack_from("<II", data, 0x248)
	start = (setup_sects + 1) * 512 + offset
	return data[start:start + length]


def candidates(data):
	"""Decompressed images to search, most likely first."""
	payload = bzimage_payload(data)
	if payload:
		data = payload
	for magic, kind in STREAMS:
		pos = data.find(magic)
		# the stream is at the start of a bzImage payload or a
		# compressed file, further in for an EFI zboot image
		tries = 0
		while pos >= 0 and tries < 8:
			out = decompress(kind, data[pos:])
			if out:
				yield out
			pos = data.find(magic, pos + 1)
			tries += 1


def main():
	if len(sys.argv) != 3:
		sys.exit("usage: btf-extract.py KERNEL OUT")
	with open(sys.argv[1], "rb") as f:
		data = f.read()
	btf = find_btf(data)
	if btf is None:
		for image in candidates(data):
			btf = find_btf(image)
			if btf:
				break
	if btf is None:
		sys.exit(f"btf-extract: no BTF found in {sys.argv[1]} "
			 "(a kernel built without CONFIG_DEBUG_INFO_BTF?)")
	with open(sys.argv[2], "wb") as f:
		f.write(btf)
	print(f"btf-extract: {len(btf)} bytes of BTF", file=sys.stderr)


if __name__ == "__main__":
	main()
