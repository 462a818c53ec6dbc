# shellcheck shell=bash
# Sourced: the Debian mirror this machine's apt already uses, so the extra
# suites (bullseye for 5.10, bookworm-backports) come from the same place.
# Reads deb822 .sources files and one-line .list files; prints the base URI
# (the part before /debian) or fails.

apt_mirror() {
	local uris u

	uris=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null
	       awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; break } }' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null)
	for u in $uris; do
		u=${u%/}
		case "$u" in
		*/debian) echo "${u%/debian}"; return 0 ;;
		esac
	done
	return 1
}
