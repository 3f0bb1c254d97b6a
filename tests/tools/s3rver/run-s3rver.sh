#!/bin/sh
# Runs s3rver (an S3-compatible server, npm package pinned in package-lock.json) for the storage
# tests. Usage: run-s3rver.sh INSTALL_DIR s3rver-arguments...
# The package is installed once with `npm ci` into INSTALL_DIR (in the build tree: node_modules
# never goes into the source tree), then s3rver replaces this shell so that the caller's kill
# reaches the server itself.
set -eu
if [ $# -lt 1 ]; then
    echo "usage: $0 INSTALL_DIR [s3rver args...]" >&2
    exit 2
fi
install_dir=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "run-s3rver.sh: $tool is not installed; the storage tests need Node.js and npm" \
             "(Debian: apt-get install nodejs npm)" >&2
        exit 127
    fi
done
bin=$install_dir/node_modules/.bin/s3rver
stamp=$install_dir/.installed-lock
# Reinstall when the pinned lock file changed since the last install.
if [ ! -x "$bin" ] || ! cmp -s "$here/package-lock.json" "$stamp"; then
    mkdir -p "$install_dir"
    # A lock directory: tests run in parallel must not run two installs into one directory.
    lock=$install_dir/.install-lock
    tries=0
    until mkdir "$lock" 2>/dev/null; do
        tries=$((tries + 1))
        if [ "$tries" -gt 600 ]; then
            echo "run-s3rver.sh: $lock held for 10 minutes; remove it if no install runs" >&2
            exit 1
        fi
        sleep 1
    done
    trap 'rmdir "$lock" 2>/dev/null || true' EXIT
    if [ ! -x "$bin" ] || ! cmp -s "$here/package-lock.json" "$stamp"; then
        cp "$here/package.json" "$here/package-lock.json" "$install_dir/"
        (cd "$install_dir" && npm ci --no-audit --no-fund --loglevel=error) >&2
        cp "$here/package-lock.json" "$stamp"
    fi
    rmdir "$lock"
    trap - EXIT
fi
exec "$bin" "$@"
