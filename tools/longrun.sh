#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# longrun.sh [MINUTES] [RATE] [DIR]: proclife as a service for MINUTES
# (default 60) over a steady workload of RATE /bin/true processes a second
# (default 200): the live JSON Lines file rotated at 64 MiB, a SIGHUP
# (logrotate's reopen) every 10 minutes, RSS and open fds sampled every
# 30 s. Then longrun-check.py reads every piece and checks that each child
# of the workload shows its exec, exit and reap exactly once, and that the
# totals add up. Results in DIR (default /tmp/proclife-longrun).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
PROCLIFE=${PROCLIFE:-$HERE/../proclife}
. "$HERE/lib.sh"
min=${1:-60}
rate=${2:-200}
dir=${3:-/tmp/proclife-longrun}
need_root_and_proclife
make -s -C "$HERE" >/dev/null || die "cannot build tools/"
rm -rf "$dir" && mkdir -p "$dir" || die "cannot make $dir"

start_proclife /dev/null "$dir/stderr" -q --service -c true \
	-o "$dir/trace.jsonl" -F jsonl --rotate-size 64M --rotate-keep 1000
pl=$PL_PID
(while kill -0 "$pl" 2>/dev/null; do
	echo "$(date +%s) $(awk '/VmRSS/ { print $2 }' "/proc/$pl/status") $(ls "/proc/$pl/fd" | wc -l)"
	sleep 30
done) >"$dir/rss.txt" &
(for ((i = 0; i < min / 10; i++)); do
	sleep 600
	kill -HUP "$pl" && echo "hup $(date +%s)"
done) >"$dir/hups" &
hupper=$!
"$HERE/build/pace" "$rate" $((min * 60)) >"$dir/spawned"
kill "$hupper" 2>/dev/null
sleep 1
kill -INT "$pl"
wait "$pl"
echo "proclife exit $?" >>"$dir/stderr"
echo "RSS KiB (first, last, max): $(awk 'NR == 1 { f = $2 } $2 > m { m = $2 } END { print f, $2, m }' "$dir/rss.txt")"
python3 "$HERE/longrun-check.py" "$dir"
