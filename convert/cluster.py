"""A batch on a Dask cluster (`--scheduler tcp://HOST:PORT`): the distributed Client's
executor stands in for the local process pool, so the work is the same `batch` code.

Workers read the inputs and write the outputs through paths they share with this machine,
so every path handed to them is absolute; and they must make the same bytes, so each must
run the same Octavo, pandoc, WeasyPrint, fonts and SOURCE_DATE_EPOCH, or the run is refused.
"""

from __future__ import annotations

import os
from concurrent.futures import Executor

from .errors import UsageError
from .settings import Settings

CONNECT_TIMEOUT = "20s"


def identity(settings: Settings) -> dict[str, str]:
    """What shapes a worker's output besides the post: compared between here and each worker."""
    from . import batch

    found = {
        "octavo code": batch._code_fingerprint(),
        "pandoc": batch._version("pypandoc-binary"),
        "weasyprint": batch._version("weasyprint"),
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "(unset)"),
    }
    if "pdf" in settings.formats:
        found["fonts"] = batch._fonts_fingerprint()
    return found


def _warm(settings: Settings) -> None:
    from . import batch

    batch.warm(settings)


def connect(address: str, settings: Settings):
    """(client, executor) for the scheduler at `address`, after checking every worker.

    UsageError when Dask is not installed, the scheduler cannot be reached, it has no
    workers, or a worker differs from this machine in anything that shapes the outputs.
    """
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--scheduler needs Dask's distributed scheduler: pip install 'octavo[dask]'") from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        theirs = client.run(identity, settings)
        if not theirs:
            raise UsageError(f"the Dask scheduler at {address} has no workers")
        ours = identity(settings)
        for worker, found in sorted(theirs.items()):
            differ = [key for key in ours if found.get(key) != ours[key]]
            if differ:
                detail = "; ".join(f"{key}: {found.get(key)!r} there, {ours[key]!r} here" if key != "octavo code"
                                   else "Octavo's code or assets differ" for key in differ)
                raise UsageError(f"Dask worker {worker} would not make the same outputs as this machine "
                                 f"({detail}); install the same Octavo, tools and fonts there")
        client.run(_warm, settings)
    except BaseException:
        client.close()
        raise
    executor: Executor = client.get_executor()
    return client, executor
