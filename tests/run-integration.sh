#!/bin/sh
# Integration tests: the real tracer as root over the fixtures.
cd "$(dirname "$0")/.." || exit 1
# Debian's python3 has python3-jsonschema (scripts/install-deps.sh)
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
exec "$py" tests/integration/run.py "$@"
