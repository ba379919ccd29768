"""Objects are safe to use from several threads, and calls run at once (the GIL is released
during every native call)."""

import socket
import threading

from conftest import PRODUCER_ID


def test_threads_calling_at_once(mesh):
    db = mesh.publish_orders()
    consumer, producer = mesh.consumer(), mesh.producer()
    errors, ids, lock = [], [], threading.Lock()

    def request(n):
        try:
            for _ in range(5):
                answer = consumer.request_access_to_product(PRODUCER_ID, db, ["SELECT"],
                                                            ["orders"])
                producer.list_pending_access_requests()
                with lock:
                    ids.append(answer["SubscriptionId"])
        except Exception as e:  # noqa: BLE001 — reported below
            errors.append(e)

    threads = [threading.Thread(target=request, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # An identical request while one is Pending answers the same id: one subscription.
    assert len(ids) == 40 and len(set(ids)) == 1
    pending = producer.list_pending_access_requests()["Subscriptions"]
    assert [s["SubscriptionId"] for s in pending] == [ids[0]]


def test_the_gil_is_released_during_a_call():
    """A thread blocked in a call (a server that never answers) leaves the interpreter to the
    others: the main thread accepts the connection and reads the request meanwhile."""
    from data_mesh_util.DataMeshAdmin import DataMeshAdmin
    from data_mesh_util.exceptions import DataMeshError
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(30)
    port = listener.getsockname()[1]
    admin = DataMeshAdmin("999999999999", endpoint=f"http://127.0.0.1:{port}",
                          use_credentials={"AccessKeyId": "k", "SecretAccessKey": "s"})
    outcome = []

    def call():
        try:
            admin.list_accounts()
        except DataMeshError as e:
            outcome.append(e.code)

    caller = threading.Thread(target=call)
    caller.start()
    connection, _ = listener.accept()   # Python runs while the call waits for its answer
    connection.settimeout(30)
    assert connection.recv(4096)          # the request arrived: the call is in progress
    assert caller.is_alive()
    connection.close()
    listener.close()
    caller.join(60)
    assert not caller.is_alive() and outcome and outcome[0] != ""
