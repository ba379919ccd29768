#!/usr/bin/env bash
# A moto server (AWS services mocked in Python) on 127.0.0.1 for the AWS-mode tests.
#
#   moto_server.sh start STATE_DIR   start tests/support/moto/server.py on a free loopback port
#                                    and write its URL to STATE_DIR/url (its pid to STATE_DIR/pid,
#                                    its output to STATE_DIR/server.log)
#   moto_server.sh stop STATE_DIR    stop it and delete STATE_DIR
#
# moto is not a Debian package: it comes from PyPI (`python3 -m pip install 'moto[server]'`,
# docs/AWS.md). When the python3 on PATH (or $MOTO_PYTHON) cannot import it, start prints one
# line saying the AWS-mode suite did not run and why, writes that reason to STATE_DIR/skipped and
# succeeds: the suite's tests then report themselves skipped with that reason.
# The ctest fixture "moto" runs start before and stop after the tests that need it
# (tests/CMakeLists.txt).
set -euo pipefail
command=${1:?usage: moto_server.sh start|stop STATE_DIR}
state=${2:?usage: moto_server.sh start|stop STATE_DIR}
python=${MOTO_PYTHON:-python3}
here=$(cd "$(dirname "$0")" && pwd)

case "$command" in
  start)
    rm -rf "$state"
    mkdir -p "$state"
    # From /: python -c puts the working folder first on sys.path, and tests/support/moto is not moto.
    if ! reason=$(cd / && "$python" -c 'import moto.server' 2>&1); then
      reason="$python cannot import moto.server: $(printf '%s' "$reason" | tail -n1)"
      echo "$reason" >"$state/skipped"
      echo "moto_server.sh: the AWS-mode suite did not run: $reason (see docs/AWS.md, Running against moto)"
      exit 0
    fi
    "$python" "$here/moto/server.py" "$state/url" >"$state/server.log" 2>&1 &
    echo $! >"$state/pid"
    for _ in $(seq 1 300); do
      [ -s "$state/url" ] && break
      if ! kill -0 "$(cat "$state/pid")" 2>/dev/null; then
        echo "moto_server.sh: the server exited before it was ready:" >&2
        cat "$state/server.log" >&2
        exit 1
      fi
      sleep 0.1
    done
    [ -s "$state/url" ] || { echo "moto_server.sh: no URL after 30 s:" >&2; cat "$state/server.log" >&2; exit 1; }
    echo "moto_server.sh: moto $(cd / && "$python" -c 'import moto; print(moto.__version__)') at $(cat "$state/url")"
    ;;
  stop)
    if [ -f "$state/pid" ]; then
      pid=$(cat "$state/pid")
      kill "$pid" 2>/dev/null || true
      # Gone, or a zombie nobody reaps yet (the server's parent, this script's start, has exited).
      for _ in $(seq 1 100); do
        state_letter=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
        [ -n "$state_letter" ] && [ "$state_letter" != Z ] || break
        sleep 0.1
      done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -rf "$state"
    ;;
  *)
    echo "moto_server.sh: unknown command $command" >&2
    exit 2
    ;;
esac
