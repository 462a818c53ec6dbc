#!/bin/bash
# fetch-kernel.sh VERSION - download and unpack a Debian kernel for the VM tests.
#
#   VERSION   5.10 (bullseye), 6.1 (bookworm), 6.12 (bookworm-backports),
#             or "host" (/boot/vmlinuz-$(uname -r) of this machine)
#
# The kernel ends up in $KERNELS_DIR/VERSION/ as vmlinuz, config and
# package (the .deb it came from); the last line printed is that directory.
# A kernel already there is reused without touching the network; set
# PROCLIFE_KERNEL_REFRESH=1 to resolve and download the newest one again.
#
# Apt runs with a private configuration under $KERNELS_DIR/apt, so the
# machine's own sources and package lists are never changed and no root is
# needed.  Only the kernel image package is downloaded (apt-get download),
# never installed; only ./boot is extracted from it.
#
# Environment:
#   PROCLIFE_KERNELS_DIR    cache directory (default: <repo>/build/kernels)
#   PROCLIFE_KERNEL_FLAVOUR cloud-amd64 (default: small, boots fast) or amd64
#   PROCLIFE_KERNEL_MIRROR  Debian mirror, the URI before /debian (default:
#                           the one this machine's apt sources use)
#   PROCLIFE_KERNEL_PKG     exact package to use instead of the resolved one
#                           (NAME or NAME=DEBVERSION)
#   PROCLIFE_KERNEL_REFRESH 1: ignore the cache and fetch again
#
# Exit status: 0 ok; 1 failure; 2 usage; 77 the kernel is not available here
# (the host has no /boot/vmlinuz), which a test runner should report as a skip.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
kernels_dir=${PROCLIFE_KERNELS_DIR:-$root/build/kernels}
flavour=${PROCLIFE_KERNEL_FLAVOUR:-cloud-amd64}
# shellcheck source=apt-mirror.sh
. "$here/apt-mirror.sh"
mirror=${PROCLIFE_KERNEL_MIRROR:-$(apt_mirror)} ||
	{ echo "fetch-kernel: no Debian mirror in the apt sources: set PROCLIFE_KERNEL_MIRROR" >&2; exit 1; }
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

die() { echo "fetch-kernel: $*" >&2; exit 1; }
log() { echo "fetch-kernel: $*" >&2; }

usage() {
	echo "usage: $0 5.10|6.1|6.12|host" >&2
	exit 2
}

[ $# -eq 1 ] || usage
version=$1

# The suites that carry each kernel line, security updates included.
case "$version" in
5.10) suites="bullseye bullseye-security" ;;
6.1)  suites="bookworm bookworm-updates bookworm-security" ;;
6.12) suites="bookworm-backports" ;;
host) ;;
*) usage ;;
esac

out=$kernels_dir/$version

# Check that a kernel config has what proclife needs and print the options
# we care about, so a log shows at once why a kernel cannot run the tests.
check_config() {
	local config=$1 opt val missing=0

	for opt in BPF_SYSCALL DEBUG_INFO_BTF BPF_EVENTS FTRACE_SYSCALLS \
		   BPF_LSM KPROBES KPROBE_EVENTS BPF_JIT DEBUG_INFO_BTF_MODULES \
		   SCHED_INFO SCHEDSTATS CGROUP_BPF; do
		val=$(sed -n "s/^CONFIG_$opt=//p" "$config")
		[ -n "$val" ] || val=n
		log "  CONFIG_$opt=$val"
	done
	for opt in BPF_SYSCALL DEBUG_INFO_BTF BPF_EVENTS; do
		grep -q "^CONFIG_$opt=y" "$config" || {
			log "CONFIG_$opt is not =y in $config: kernel unusable"
			missing=1
		}
	done
	return $missing
}

# Private apt: our own sources, lists and cache under $kernels_dir/apt.
apt_dir=$kernels_dir/apt
apt_opts=(
	-o "Dir::Etc::sourcelist=$apt_dir/sources.list"
	-o "Dir::Etc::sourceparts=$apt_dir/sources.list.d"
	-o "Dir::State::Lists=$apt_dir/lists"
	-o "Dir::Cache=$apt_dir/cache"
	-o "APT::Sandbox::User=root"
)

apt_setup() {
	local s url list

	mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" \
		 "$apt_dir/cache/archives/partial"
	list=$apt_dir/sources.list.new
	: > "$list"
	for s in bullseye bullseye-security bookworm bookworm-updates \
		 bookworm-security bookworm-backports; do
		case "$s" in
		*-security) url=$mirror/debian-security ;;
		*) url=$mirror/debian ;;
		esac
		echo "deb [signed-by=$keyring] $url $s main" >> "$list"
	done
	mv "$list" "$apt_dir/sources.list"

	# Package lists are refreshed at most once an hour.
	if [ -n "$(find "$apt_dir/lists" -maxdepth 1 -name '*_Packages*' -mmin -60 \
		   2>/dev/null | head -1)" ]; then
		return 0
	fi
	log "apt-get update (private lists in $apt_dir)"
	apt-get "${apt_opts[@]}" -qq update >&2 || die "apt-get update failed"
}

# The newest linux-image-$flavour meta-package of one of $suites names the
# versioned image package (linux-image-6.1.0-NN-cloud-amd64) it depends on.
resolve_package() {
	local meta=linux-image-$flavour line ver suite s dep

	while IFS='|' read -r _ ver line; do
		ver=$(echo "$ver" | tr -d ' ')
		suite=$(echo "$line" | awk '{print $2}')
		suite=${suite%%/*}
		for s in $suites; do
			[ "$s" = "$suite" ] || continue
			# bookworm carries no 6.12 and bookworm-backports no 6.1,
			# but check the upstream version anyway.
			case "$ver" in "$version".*) ;; *) continue ;; esac
			dep=$(apt-cache "${apt_opts[@]}" show "$meta=$ver" |
			      sed -n 's/^Depends: *//p' | head -1 | tr ',' '\n' |
			      sed -n 's/^ *\(linux-image-[^ ]*\).*/\1/p' | head -1)
			[ -n "$dep" ] || die "cannot read the dependency of $meta=$ver"
			echo "$dep=$ver"
			return 0
		done
	done < <(apt-cache "${apt_opts[@]}" madison "$meta")
	die "no $meta $version.* in: $suites"
}

if [ "$version" = host ]; then
	rel=$(uname -r)
	if [ ! -r "/boot/vmlinuz-$rel" ]; then
		log "host kernel $rel has no /boot/vmlinuz-$rel: skipped"
		exit 77
	fi
	mkdir -p "$out"
	cp "/boot/vmlinuz-$rel" "$out/vmlinuz.new" && mv "$out/vmlinuz.new" "$out/vmlinuz"
	if [ -r "/boot/config-$rel" ]; then
		cp "/boot/config-$rel" "$out/config"
	elif [ -r /proc/config.gz ]; then
		zcat /proc/config.gz > "$out/config"
	else
		rm -f "$out/config"
	fi
	echo "host:$rel" > "$out/package"
	echo "$rel" > "$out/release"
	if [ -f "$out/config" ]; then
		check_config "$out/config" || exit 1
	fi
	echo "$out"
	exit 0
fi

if [ -s "$out/vmlinuz" ] && [ -s "$out/config" ] && [ "${PROCLIFE_KERNEL_REFRESH:-0}" != 1 ]; then
	log "$version: cached $(cat "$out/package")"
	echo "$out"
	exit 0
fi

command -v apt-get >/dev/null || die "apt-get not found (a Debian host is needed)"
[ -r "$keyring" ] || die "$keyring missing: apt-get install debian-archive-keyring"
apt_setup
pkg=${PROCLIFE_KERNEL_PKG:-$(resolve_package)}
log "$version: $pkg"

debs=$kernels_dir/debs
mkdir -p "$debs"
name=${pkg%%=*}
deb=$(ls "$debs/${name}_"*.deb 2>/dev/null | head -1 || true)
if [ -z "$deb" ] || [ "${PROCLIFE_KERNEL_REFRESH:-0}" = 1 ]; then
	log "apt-get download $pkg"
	(cd "$debs" && apt-get "${apt_opts[@]}" -q download "$pkg" >&2) ||
		die "apt-get download $pkg failed"
	deb=$(ls -t "$debs/${name}_"*.deb | head -1)
fi

# Only ./boot is needed: vmlinuz-REL and config-REL (modules stay packed).
tmp=$(mktemp -d "$kernels_dir/.extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/*' ||
	die "cannot extract ./boot from $deb"
vmlinuz=$(ls "$tmp"/boot/vmlinuz-* 2>/dev/null | head -1)
config=$(ls "$tmp"/boot/config-* 2>/dev/null | head -1)
[ -n "$vmlinuz" ] || die "$deb has no /boot/vmlinuz-*"
[ -n "$config" ] || die "$deb has no /boot/config-*"
rel=${vmlinuz##*/vmlinuz-}

log "$version: $rel, config check:"
check_config "$config" || die "$rel lacks a required option"

mkdir -p "$out"
mv "$vmlinuz" "$out/vmlinuz"
mv "$config" "$out/config"
echo "$(basename "$deb")" > "$out/package"
echo "$rel" > "$out/release"
echo "$out"
