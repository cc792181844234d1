"""dataclasses' generated methods compiled once and kept (`anpo.cli.method_code`): the
classes are the same as without the kept code, a second process compiles nothing, and a
file from another interpreter is ignored."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# Two identical classes, one made before the kept code is in use (dataclasses' own exec)
# and one after: same code objects, same annotations (objects, not strings, although this
# module and method_code both use `from __future__ import annotations`).
PROCESS = """
import dataclasses, sys
from pathlib import Path

def make():
    @dataclasses.dataclass(frozen=True, order=True)
    class Point:
        lat: float
        lon: float = 0.0
        tags: list[str] = dataclasses.field(default_factory=list)
    return Point

Plain = make()
from anpo.cli import method_code
method_code.use(Path(sys.argv[1]))
Kept = make()
methods = ("__init__", "__repr__", "__eq__", "__lt__", "__hash__", "__setattr__")
same = all(getattr(Plain, m).__code__ == getattr(Kept, m).__code__ for m in methods)
print(same, Plain.__init__.__annotations__ == Kept.__init__.__annotations__, Kept(1.0) < Kept(2.0),
      repr(Kept(1.5, tags=["a"])).removeprefix("make.<locals>."), method_code._added, sep="|")
method_code.save()
"""


def _run(path: Path) -> list[str]:
    run = subprocess.run([sys.executable, "-c", PROCESS, str(path)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip().split("|")


def test_kept_methods_are_the_same_and_compiled_once(tmp_path: Path) -> None:
    path = tmp_path / "methods.marshal"
    first = _run(path)
    assert first == ["True", "True", "True", "Point(lat=1.5, lon=0.0, tags=['a'])", "True"]
    assert path.is_file()
    second = _run(path)  # every text found in the file: nothing compiled, nothing to add
    assert second == [*first[:4], "False"]


def test_a_file_from_another_interpreter_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "methods.marshal"
    path.write_bytes(b"\x00\x00\r\nnot marshal data")
    assert _run(path)[0] == "True"
    assert _run(path)[-1] == "False"  # rewritten by the first run
