#!/bin/sh
# Runs a command inside a private D-Bus session with a fresh, unlocked gnome-keyring: a real
# Secret Service for the tests of the console's keychain, without touching the user's own.
set -eu
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_RUNTIME_DIR="$home/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
dbus-run-session -- sh -c '
  printf switchyard-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  "$@"' sh "$@"
