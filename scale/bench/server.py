"""Gunicorn under the benchmark settings on loopback, `wrk` against it, and signing in through
the real sign-in page for the scenarios that need a session."""

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings


class BenchError(Exception):
    """A scenario could not be measured (the reason is shown in the table's notes)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`workers` gunicorn sync workers serving the benchmark URLconf on 127.0.0.1."""

    def __init__(self, *, workers: int = 3, env: dict | None = None, log: Path | None = None):
        self.workers = workers
        self.port = free_port()
        self.env = {**os.environ, **(env or {}), "DJANGO_SETTINGS_MODULE": "scale.bench.settings"}
        self.log = log or Path(tempfile.gettempdir()) / f"bench-gunicorn-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, ready_path: str = "/bench/bare/", timeout: float = 300) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
            "--timeout",
            "300",
            # The app is loaded once, before the workers fork, so they all start warm.
            "--preload",
        ]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                command, env=self.env, cwd=settings.BASE_DIR, stdout=log, stderr=log
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn stopped at start-up; see {self.log}")
            try:
                status, _, _ = self.request("GET", ready_path)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise BenchError(f"gunicorn did not answer {ready_path} within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> "Server":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def workers_peak_rss_mb(self) -> float | None:
        """The largest peak resident size (VmHWM) among the workers, in MB."""
        peaks = [peak_rss_mb(pid) for pid in self.worker_pids()]
        peaks = [peak for peak in peaks if peak is not None]
        return max(peaks) if peaks else None

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, dict[str, list[str]], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(
                method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})}
            )
            response = connection.getresponse()
            received: dict[str, list[str]] = {}
            for name, value in response.getheaders():
                received.setdefault(name.lower(), []).append(value)
            return response.status, received, response.read()
        finally:
            connection.close()

    def sign_in(self, email: str, password: str) -> str:
        """Sign in through the real sign-in page; the Cookie header that carries the session.

        The cookies are Secure (production settings) and this is plain HTTP on loopback, so they
        are read and sent by hand rather than by a cookie jar that would withhold them."""
        status, headers, page = self.request("GET", "/accounts/login/")
        if status != 200:
            raise BenchError(f"the sign-in page answered {status}")
        cookies = _cookies(headers)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None or "csrftoken" not in cookies:
            raise BenchError("the sign-in page gave no CSRF token")
        form = urlencode(
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": email,
                "password": password,
            }
        ).encode()
        status, headers, _ = self.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookies['csrftoken']}",
            },
        )
        cookies |= _cookies(headers)
        if status != 302 or "sessionid" not in cookies:
            raise BenchError(f"signing in as {email} failed (status {status})")
        return "; ".join(f"{name}={value}" for name, value in cookies.items())


def _cookies(headers: dict[str, list[str]]) -> dict[str, str]:
    found = {}
    for line in headers.get("set-cookie", []):
        name, _, rest = line.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def peak_rss_mb(pid: int | str = "self") -> float | None:
    """A process's peak resident size (VmHWM) in MB, from /proc."""
    return _proc_status_mb(pid, "VmHWM")


def rss_mb(pid: int | str = "self") -> float | None:
    return _proc_status_mb(pid, "VmRSS")


def _proc_status_mb(pid: int | str, field: str) -> float | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


# Stops each wrk thread after its share of the request bound, so a run is bounded in requests as
# well as in time.
_BOUND_SCRIPT = """
local bound = tonumber(os.getenv("BENCH_MAX_REQUESTS_PER_THREAD") or "0")
local done = 0
function response(status, headers, body)
  done = done + 1
  if bound > 0 and done >= bound then wrk.thread:stop() end
end
"""


@dataclass
class Load:
    """What one wrk run measured."""

    requests_per_second: float
    requests: int
    latency_ms: float
    non_2xx: int
    socket_errors: int
    seconds: float


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    url: str,
    *,
    seconds: float,
    connections: int = 8,
    threads: int = 2,
    max_requests: int = 200_000,
    headers: dict | None = None,
) -> Load:
    if not wrk_available():
        raise BenchError("wrk is not installed (Debian package wrk; `make bench` installs it)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_BOUND_SCRIPT)
    command = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=30s",
        f"--script={script.name}",
    ]
    for name, value in (headers or {}).items():
        command += ["--header", f"{name}: {value}"]
    command.append(url)
    env = {**os.environ, "BENCH_MAX_REQUESTS_PER_THREAD": str(max(1, max_requests // threads))}
    try:
        done = subprocess.run(  # noqa: S603 - wrk from PATH with our own arguments
            command, capture_output=True, text=True, env=env, timeout=seconds + 60, check=False
        )
    finally:
        os.unlink(script.name)
    if done.returncode != 0:
        raise BenchError(f"wrk failed: {done.stderr.strip() or done.stdout.strip()}")
    return parse_wrk(done.stdout)


def parse_wrk(output: str) -> Load:
    """Read wrk's summary: requests per second, requests, mean latency, errors."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in ([\d.]+)(m?s|m)\b", output)
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s|m)\b", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:(.*)", output)
    if rate is None or total is None:
        raise BenchError(f"could not read wrk's output: {output.strip()[:300]}")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
    seconds_scale = {"ms": 0.001, "s": 1.0, "m": 60.0}
    socket_errors = sum(int(n) for n in re.findall(r"\d+", errors.group(1))) if errors else 0
    return Load(
        requests_per_second=float(rate.group(1)),
        requests=int(total.group(1)),
        latency_ms=float(latency.group(1)) * scale[latency.group(2)] if latency else 0.0,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=socket_errors,
        seconds=float(total.group(2)) * seconds_scale[total.group(3)],
    )
