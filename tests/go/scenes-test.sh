#!/bin/sh
# Run the fixture scenes in tests/go/ against their expect blocks:
# every outcome of issue "goroutines, locks, races" from a scene of its own.
BIN=$1
here=$(cd "$(dirname "$0")" && pwd)
exec "$BIN" test "$here"/*.yaml
