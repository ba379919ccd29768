"""The Python half of datamesh_python_bench (bench/python_overhead_main.cc): times
DataMeshConsumer.get_subscription through the built data_mesh_util package.

The C++ half starts it once, then asks for one batch at a time on stdin so that the two sides'
batches interleave: each line "CALLS" runs CALLS calls and answers one line, the mean
nanoseconds per call (time.perf_counter over the batch). An empty line or end of input stops.

    PYTHONPATH=build/python python3 bench/python_overhead.py ENDPOINT MESH_ID KEY_ID SECRET SUB_ID
"""

import sys
import time

from data_mesh_util.DataMeshConsumer import DataMeshConsumer


def main(endpoint, mesh_id, key_id, secret, subscription_id):
    consumer = DataMeshConsumer(data_mesh_account_id=mesh_id, region_name="us-east-1",
                                use_credentials={"AccessKeyId": key_id,
                                                 "SecretAccessKey": secret},
                                endpoint=endpoint)
    get = consumer.get_subscription
    # Both shapes are read once, as scripts do: the answer is the one they get.
    answer = get(request_id=subscription_id)
    if answer.get("SubscriptionId") != subscription_id:
        sys.exit(f"unexpected answer {answer!r}")
    for line in sys.stdin:
        if not line.strip():
            break
        calls = int(line)
        start = time.perf_counter()
        for _ in range(calls):
            get(request_id=subscription_id)
        elapsed = time.perf_counter() - start
        print(round(elapsed * 1e9 / calls), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:6])
