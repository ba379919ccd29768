#!/usr/bin/env bash
# Endpoint factory for DATAMESH_TEST_ENDPOINT_FACTORY in AWS mode (the aws:* copies of the e2e
# and CLI suites): takes a free moto server of the pool that `aws_endpoint.sh start` made, empties
# it (moto's /moto-api/reset), and prints the mesh's endpoint, `aws://us-east-1`, then the
# environment the test's clients need (`AWS_ENDPOINT_URL=<the server>`, one NAME=value a line).
# The tests keep their fixed account ids (999999999999, 111111111111, ...): each test has a moto
# server of its own for as long as it runs, held by a lock that a watchdog keeps until the test
# removes its scratch folder ($1).
#
#   aws_endpoint.sh start POOL_DIR N   start N moto servers (support/moto_server.sh) in POOL_DIR
#   aws_endpoint.sh stop POOL_DIR      stop them
#   aws_endpoint.sh SCRATCH_DIR        (as the factory; POOL_DIR in $DATAMESH_TEST_AWS_POOL)
#
# When moto cannot be imported, start says so once (moto_server.sh) and the factory prints
# `skip <reason>`: the fixtures then report the test skipped with that reason.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

case "${1:-}" in
  start)
    pool=${2:?usage: aws_endpoint.sh start POOL_DIR N}
    count=${3:?usage: aws_endpoint.sh start POOL_DIR N}
    rm -rf "$pool"
    mkdir -p "$pool"
    pids=()
    for i in $(seq 1 "$count"); do
      "$here/moto_server.sh" start "$pool/$i" & pids+=($!)
    done
    status=0
    for pid in "${pids[@]}"; do wait "$pid" || status=1; done
    exit $status
    ;;
  stop)
    pool=${2:?usage: aws_endpoint.sh stop POOL_DIR}
    for server in "$pool"/*/; do
      [ -d "$server" ] && "$here/moto_server.sh" stop "${server%/}"
    done
    rm -rf "$pool"
    exit 0
    ;;
esac

dir=${1:?usage: aws_endpoint.sh SCRATCH_DIR}
pool=${DATAMESH_TEST_AWS_POOL:?set DATAMESH_TEST_AWS_POOL to the pool folder (ctest fixture awse2e)}
mkdir -p "$dir"
if [ -f "$pool/1/skipped" ]; then
  echo "skip the AWS-mode suite did not run: $(head -n1 "$pool/1/skipped")"
  exit 0
fi
# Wait for a free server: ctest runs at most as many tests at once as the pool has servers, but
# another ctest job (or a test's teardown still running) may hold one for a moment.
for _ in $(seq 1 6000); do
  for server in "$pool"/*/; do
    server=${server%/}
    exec {lock}>"$server/lock"
    if flock -n "$lock"; then
      url=$(head -n1 "$server/url")
      curl -sf -X POST "$url/moto-api/reset" >/dev/null
      # The watchdog inherits the lock and keeps it until the test removes its scratch folder.
      nohup bash -c "while [ -d '$dir' ]; do sleep 0.2; done" >/dev/null 2>&1 &
      exec {lock}>&-
      echo "aws://us-east-1"
      echo "AWS_ENDPOINT_URL=$url"
      exit 0
    fi
    exec {lock}>&-
  done
  sleep 0.1
done
echo "aws_endpoint.sh: no moto server of $pool became free in 10 minutes" >&2
exit 1
