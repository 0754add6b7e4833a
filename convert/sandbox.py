"""Run one conversion in a forked child with a time and memory cap, so a pathological
post fails alone (the child is killed) while the warmed-up parent worker lives on.

The child is forked once and serves call after call (each with its own caps), and is
replaced only when a call kills it, fails on memory, or it has grown: a fresh fork per
call cost each PDF about 20,000 copy-on-write page faults, some 100 ms of CPU, as the
render wrote to pages it shared with the parent (bench/RESULTS.md). So what a call needs
from the parent must travel in its arguments: state the parent gains after the fork
(caches filled later) is not the child's.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import struct
import threading
import time
import traceback
from dataclasses import dataclass
from multiprocessing import util

from .errors import ExportError, OctavoError

RETIRE_GROWTH_MB = 256
"""A child whose address space grew this much since it was forked retires after its call,
so a worker's memory stays flat however many posts it renders."""
_HEADER = struct.Struct("!Q")


def _vm_size() -> int:
    """This process's current virtual memory size in bytes (Linux /proc)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


@dataclass
class _Child:
    pid: int
    requests: int
    """Write end of the pipe the child reads calls from."""
    replies: int
    owner: int
    """The process that forked it (a process forked from the owner must not use it)."""

    def close(self, kill: bool = False) -> int:
        """Close the pipes (the child exits at EOF) or kill it; reap it; its wait status."""
        if self.requests < 0:
            return 0
        if kill:
            os.kill(self.pid, signal.SIGKILL)
        os.close(self.requests)
        os.close(self.replies)
        self.requests = self.replies = -1
        return os.waitpid(self.pid, 0)[1]

    def __del__(self):
        """Its thread ended (or the process is ending): let the child go."""
        try:
            self.close()
        except OSError:
            pass


_local = threading.local()
"""`child`: this thread's render child (threads of one worker, as Dask may run, each have
their own, as each call had its own fork before)."""


def run_limited(fn, *args, timeout: float, memory_mb: int, path: str | None = None):
    """Return fn(*args) computed in the render child, limited to `timeout` seconds and
    `memory_mb` more address space than it had; ExportError on a limit, a crash or an
    exception (the exception itself when it is picklable)."""
    child = _serving()
    try:
        _send(child.requests, (fn, args, timeout, memory_mb))
        data = _read_message(child.replies, deadline=time.monotonic() + timeout + 5)
    except (EOFError, BrokenPipeError):   # it ended without a reply: alarm, signal, crash
        status = _release(kill=False)
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGALRM, signal.SIGKILL):
            raise ExportError(f"rendering took longer than {timeout:g} s (time limit)", path) from None
        how = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
               else f"status {os.WEXITSTATUS(status)}")
        raise ExportError(f"renderer crashed ({how}); memory limit {memory_mb} MB", path) from None
    if data is None:
        _release(kill=True)
        raise ExportError(f"rendering took longer than {timeout:g} s (time limit)", path)
    kind, value, retiring = pickle.loads(data)
    if retiring:
        _release(kill=False)
    if kind == "memory":
        raise ExportError(f"rendering needed more than {memory_mb} MB (memory limit)", path)
    if kind == "error":
        if isinstance(value, OctavoError) and value.path is None:
            value.path = path  # pickling keeps only the message
        raise value
    return value


def _serving() -> _Child:
    """This thread's render child, forked now if it has none (or only its parent's)."""
    child = getattr(_local, "child", None)
    if child is not None and child.owner != os.getpid():
        os.close(child.requests)   # inherited from the process this one was forked from
        os.close(child.replies)
        child.requests = child.replies = -1
        child = None
    if child is None:
        calls, requests = os.pipe()
        replies, answers = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(requests)
            os.close(replies)
            _serve(calls, answers)
        os.close(calls)
        os.close(answers)
        child = _local.child = _Child(pid, requests, replies, os.getpid())
        # reaped before this process ends, even a pool worker that leaves by os._exit
        # (multiprocessing runs its finalizers first): an unreaped child's CPU time would
        # be no one's, and it would outlive its worker until it noticed
        util.Finalize(child, child.close, exitpriority=0)
    return child


def _release(kill: bool) -> int:
    """Forget the child after a call that ended it (or will): killed first or not, reaped;
    its wait status."""
    child, _local.child = _local.child, None
    return child.close(kill)


def _serve(calls: int, answers: int) -> None:
    """The child's loop: each call under its own caps; exit at EOF, after a memory failure,
    or once grown by RETIRE_GROWTH_MB."""
    _local.child = None   # the parent's, not this process's
    born = _vm_size()
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    status = 0
    try:
        while True:
            fn, args, timeout, memory_mb = pickle.loads(_read_message(calls))
            kind, value = _call(fn, args, timeout, memory_mb)
            retiring = kind == "memory" or _vm_size() - born > RETIRE_GROWTH_MB * 2**20
            _send(answers, (kind, value, retiring))
            if retiring:
                break
    except EOFError:   # the parent closed the pipe (or ended)
        pass
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _call(fn, args, timeout: float, memory_mb: int) -> tuple[str, object]:
    """("ok", fn(*args)), ("memory", None) or ("error", exception) under the caps; the
    alarm's default action ends the child when the time is up."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (_vm_size() + memory_mb * 2**20, hard))
    signal.alarm(max(1, int(timeout + 0.999)))
    try:
        return "ok", fn(*args)
    except MemoryError:
        return "memory", None
    except Exception as exc:  # sent to the parent, which re-raises it
        return "error", (exc if _picklable(exc) else RuntimeError(
            "".join(traceback.format_exception_only(exc)).strip()))
    finally:
        signal.alarm(0)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _picklable(exc: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return False
    return True


def _send(fd: int, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _read_message(fd: int, deadline: float | None = None) -> bytes | None:
    """One framed message, or None when the deadline passes first; EOFError at the end."""
    header = _read_exactly(fd, _HEADER.size, deadline)
    return None if header is None else _read_exactly(fd, _HEADER.unpack(header)[0], deadline)


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes | None:
    chunks, left = [], size
    while left:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                return None
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
