"""The whole-workflow script of docs/PYTHON.md ("A whole workflow, embedded") runs as written:
the text of the page itself, in a new python3 with the build's package."""

import os
import re
import subprocess
import sys

DOC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "PYTHON.md")


def test_the_whole_workflow_example_runs_as_written():
    text = open(DOC, encoding="utf-8").read()
    section = text.split("## A whole workflow, embedded", 1)[1]
    script = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["Active", "orders"]
