"""Run one conversion in a forked child with a time and memory cap, so a pathological
post fails alone (the child is killed) while the warmed-up parent worker lives on."""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import time
import traceback

from .errors import ExportError, OctavoError


def _vm_size() -> int:
    """This process's current virtual memory size in bytes (Linux /proc)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def run_limited(fn, *args, timeout: float, memory_mb: int, path: str | None = None):
    """Return fn(*args) computed in a child limited to `timeout` seconds and `memory_mb`
    more address space than the parent; ExportError on a limit, a crash or an exception."""
    limit = _vm_size() + memory_mb * 1024 * 1024
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never returns
        os.close(read_end)
        _child(fn, args, write_end, limit, timeout)
    os.close(write_end)
    try:
        data = _read_all(read_end, deadline=time.monotonic() + timeout + 5)
    finally:
        os.close(read_end)
    if data is None:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return _outcome(data, status, timeout, memory_mb, path)


def _child(fn, args, fd: int, limit: int, timeout: float) -> None:
    """Apply the limits, run fn, send ("ok", value) or ("error", exception) and exit."""
    status = 0
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(max(1, int(timeout + 0.999)))
        try:
            payload = ("ok", fn(*args))
        except MemoryError:
            payload = ("memory", None)
        except Exception as exc:  # sent to the parent, which re-raises it
            payload = ("error", exc if _picklable(exc) else RuntimeError(
                "".join(traceback.format_exception_only(exc)).strip()))
        with os.fdopen(fd, "wb") as out:
            pickle.dump(payload, out, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _picklable(exc: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return False
    return True


def _read_all(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes until EOF, or None when the deadline passes first."""
    chunks = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _outcome(data, status, timeout, memory_mb, path):
    """Turn the child's message and exit status into a value or an ExportError."""
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGALRM, signal.SIGKILL):
        raise ExportError(f"rendering took longer than {timeout:g} s (time limit)", path)
    if not data:
        how = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
               else f"status {os.WEXITSTATUS(status)}")
        raise ExportError(f"renderer crashed ({how}); memory limit {memory_mb} MB", path)
    kind, value = pickle.loads(data)
    if kind == "memory":
        raise ExportError(f"rendering needed more than {memory_mb} MB (memory limit)", path)
    if kind == "error":
        if isinstance(value, OctavoError) and value.path is None:
            value.path = path  # pickling keeps only the message
        raise value
    return value
