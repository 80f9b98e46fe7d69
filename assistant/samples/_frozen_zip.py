"""Make Office files (zip packages) byte-identical across rebuilds."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

_CORE_DATE = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def freeze_zip(path: Path, when: datetime) -> None:
    """Rewrite `path` with fixed entry timestamps and fixed created/modified core properties."""
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, blob in entries:
            if name == "docProps/core.xml":
                blob = _CORE_DATE.sub(rb"\g<1>" + stamp + rb"\g<2>", blob)
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, blob)
