"""The signing examples a person copies after making a webhook work as written: the shell lines (curl and
openssl) and the Python lines each deliver once to a real server, and the agent gets the body's value."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from autogpt_app.triggers.views import RECEIVE_PATH
from autogpt_app.ui.states.trigger_rows import bearer_example, signing_example
from tests.api.server import served
from tests.triggers.conftest import deliveries, runs_of


@pytest.fixture(scope="module")
def base_url():
    with served("tests.fakes.served_api:app") as url:
        yield url


def _run(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("openssl")), reason="needs curl and openssl")
async def test_the_shell_and_python_examples_each_start_a_run(base_url, ada, make_webhook):
    hook = await make_webhook(input_mapping={"name": "$.hello"})
    url = base_url + RECEIVE_PATH.format(trigger_id=hook.id)
    shell, python = signing_example(url, hook.secret).split("\n\n# Python\n")
    assert '"status": "started"' in _run(["bash", "-c", shell]).replace('":"', '": "')
    assert "started" in _run([sys.executable, "-c", python])
    assert [r.inputs for r in await runs_of(ada.id)] == [{"name": "world"}, {"name": "world"}]
    assert [d.status for d in await deliveries(hook.id)] == ["started", "started"]


@pytest.mark.skipif(not shutil.which("curl"), reason="needs curl")
async def test_the_bearer_example_starts_a_run(base_url, ada, make_webhook):
    hook = await make_webhook(input_mapping={"name": "$.hello"}, config={"auth_mode": "bearer"})
    url = base_url + RECEIVE_PATH.format(trigger_id=hook.id)
    assert "started" in _run(["bash", "-c", bearer_example(url, hook.secret)])
    assert [r.inputs for r in await runs_of(ada.id)] == [{"name": "world"}]
