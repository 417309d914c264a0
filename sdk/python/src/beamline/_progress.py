"""Progress for ``wait``: one updating line in a terminal, an updating display in a
notebook (IPython), nothing otherwise."""

from __future__ import annotations

import sys
from typing import Any


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython  # type: ignore[import-not-found]
    except Exception:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


class Progress:
    """``update(text)`` replaces the line; ``close()`` ends it (the last text stays)."""

    def __init__(self, enabled: bool = True, stream: Any = None):
        self._stream = stream if stream is not None else sys.stdout
        self._mode = "off"
        self._handle: Any = None
        self._width = 0
        if not enabled:
            return
        if _in_notebook():
            self._mode = "notebook"
        elif hasattr(self._stream, "isatty") and self._stream.isatty():
            self._mode = "terminal"

    @property
    def mode(self) -> str:
        return self._mode

    def update(self, text: str) -> None:
        if self._mode == "terminal":
            pad = max(0, self._width - len(text))
            self._stream.write("\r" + text + " " * pad)
            self._stream.flush()
            self._width = len(text)
        elif self._mode == "notebook":
            from IPython.display import display  # type: ignore[import-not-found]

            if self._handle is None:
                self._handle = display(text, display_id=True)
            else:
                self._handle.update(text)

    def close(self) -> None:
        if self._mode == "terminal" and self._width:
            self._stream.write("\n")
            self._stream.flush()
        self._width = 0
