"""Ctrl-C interrupts a call to a server that does not answer: KeyboardInterrupt is raised in
the script at once (not after the remote backend's 60 s timeout), and the process exits
cleanly. The test holds the server's connection open the whole time, so the call itself can
only end by the interrupt."""

import signal
import socket
import subprocess
import sys

SCRIPT = """
import sys
from data_mesh_util.DataMeshAdmin import DataMeshAdmin
admin = DataMeshAdmin("999999999999", endpoint=sys.argv[1],
                      use_credentials={"AccessKeyId": "k", "SecretAccessKey": "s"})
try:
    admin.list_accounts()
    print("answered", flush=True)
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def test_ctrl_c_interrupts_a_waiting_call():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(60)
    port = listener.getsockname()[1]
    child = subprocess.Popen([sys.executable, "-c", SCRIPT, f"http://127.0.0.1:{port}"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        connection, _ = listener.accept()
        connection.settimeout(60)
        assert connection.recv(4096)  # the request is sent: the call waits for its answer
        child.send_signal(signal.SIGINT)
        # Bounded only so that a regression fails instead of hanging: the remote timeout is
        # 60 s, and the connection stays open until the child is gone.
        out, err = child.communicate(timeout=45)
        connection.close()
    finally:
        child.kill()
        listener.close()
    assert out.strip() == "interrupted", err
    assert child.returncode == 0, err
