#!/usr/bin/env python3
"""Baseline: how teams watch KNIME Server jobs today, with `requests` and a 1 s poll.

Starts JOBS jobs of WORKFLOW at once (one thread each): create the job, execute it with
async=true, read it every second until it is finished, read its outputs from the last read, and
discard it. Prints one JSON line: requests sent, detection latency per job, CPU time and peak RSS
of this process (interpreter start-up included).

Usage: python3 bench/baselines/poll_requests.py BASE_URL WORKFLOW JOBS
BASE_URL is the context root, such as http://127.0.0.1:8080/knime.
"""
import json
import resource
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from urllib.parse import quote

import requests

TERMINAL = {
    "EXECUTION_FINISHED", "EXECUTION_FAILED", "EXECUTION_FAILED_WITH_CONTENT",
    "EXECUTION_CANCELLED", "NOT_EXECUTABLE", "LOAD_ERROR", "DISCARDED", "VANISHED",
}

lock = threading.Lock()
sent = {"count": 0}


def call(session, method, url, **kwargs):
    with lock:
        sent["count"] += 1
    response = session.request(method, url, timeout=60, **kwargs)
    response.raise_for_status()
    return response


def run_job(base, workflow, index):
    session = requests.Session()
    name = f"job-{index}"
    created = call(session, "POST", f"{base}/rest/v4/repository{quote(workflow)}:jobs").json()
    job_url = f"{base}/rest/v4/jobs/{created['id']}"
    call(session, "POST", f"{job_url}?async=true", json={"name": name})
    while True:
        job = call(session, "GET", job_url).json()
        if job["state"] in TERMINAL:
            detected_ms = time.time() * 1000
            break
        time.sleep(1)
    finished = datetime.fromisoformat(job["finishedExecutionAt"].replace("Z", "+00:00"))
    call(session, "DELETE", job_url)
    ok = job["state"] == "EXECUTION_FINISHED" and job.get("outputValues", {}).get("greeting") == f"Hello, {name}!"
    return ok, detected_ms - finished.timestamp() * 1000


def main():
    base, workflow, jobs = sys.argv[1].rstrip("/"), sys.argv[2], int(sys.argv[3])
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda index: run_job(base, workflow, index), range(jobs)))
    wall_ms = (time.perf_counter() - started) * 1000
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "jobs": jobs,
        "succeeded": sum(1 for ok, _ in results if ok),
        "requests": sent["count"],
        "latenciesMs": [latency for _, latency in results],
        "wallMs": wall_ms,
        "cpuTotalMs": (usage.ru_utime + usage.ru_stime) * 1000,
        "maxRssBytes": usage.ru_maxrss * 1024,
    }))


if __name__ == "__main__":
    main()
