"""`make up` waits for every service of compose/Procfile: each has a readiness URL on the port it listens on."""

import re

from honcho.environ import parse_procfile

from workers import stack


def test_every_procfile_service_has_its_ready_url_on_its_own_port():
    processes = parse_procfile(stack.PROCFILE.read_text()).processes
    assert set(processes) == set(stack.READY_URLS)
    assert {"command-api", "read-api", "relay", "worker", "worker-2"} <= set(processes)
    for name, command in processes.items():
        port = re.search(r"--port (\d+)|EDU_WORKER_OPS_PORT=(\d+)", command)
        if port:  # the APIs and the second worker say their port; the relay and first worker use the defaults
            assert f":{port.group(1) or port.group(2)}/health/ready" in stack.READY_URLS[name], name
    assert stack.READY_URLS["read-api"] == "http://127.0.0.1:8002/health/ready"
    assert len(set(stack.READY_URLS.values())) == len(stack.READY_URLS)
