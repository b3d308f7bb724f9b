"""Earlier editions of a content file, made by undoing the changes it lists.

A file is written as its latest edition. Each `[[changes]]` entry says what a passage was in the
edition before; undoing them, and leaving out what first appeared in an edition (a block, a
reading item or a competency marked `edition = N`), gives the file as that earlier edition read.
This works on the parsed TOML, before the schema reads it, so each edition is checked in full.
"""

import copy
from collections.abc import Iterator

from .schema import Change

Path = tuple[str | int, ...]


def _text_fields(node, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Every string in the file with where it is, leaving out the changes themselves."""
    if isinstance(node, dict):
        for key, value in node.items():
            if not (path == () and key == "changes"):
                yield from _text_fields(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _text_fields(value, (*path, index))
    elif isinstance(node, str):
        yield path, node


def _parent(root, path: Path):
    for step in path[:-1]:
        root = root[step]
    return root


def _preview(text: str) -> str:
    text = " ".join(text.split())
    return f"“{text[:60]}…”" if len(text) > 60 else f"“{text}”"


def _leave_out(node, edition: int):
    """The tree without what first appeared in `edition`, and not core where core came then."""
    if isinstance(node, list):
        return [
            _leave_out(item, edition)
            for item in node
            if not (isinstance(item, dict) and item.get("edition") == edition)
        ]
    if isinstance(node, dict):
        node = {key: _leave_out(value, edition) for key, value in node.items()}
        if node.get("core_from_edition") == edition:
            del node["core_from_edition"]
            node["core"] = False
        return node
    return node


def undo_edition(raw: dict, changes: list[Change], edition: int) -> tuple[dict, list[str]]:
    """The file as it read before `edition`, from the file as `edition` reads; and the problems
    found: a change whose `now` is not in the text exactly once cannot be undone."""
    before = copy.deepcopy(raw)
    before.pop("changes", None)
    problems = []
    emptied: list[Path] = []
    for number, change in enumerate(changes, start=1):
        if change.edition != edition:
            continue
        where = f"changes #{number} (edition {edition})"
        found = [(path, text) for path, text in _text_fields(before) if change.now in text]
        count = sum(text.count(change.now) for _, text in found)
        if count != 1:
            problems.append(
                f"{where}: now: {_preview(change.now)} is found {count} times in the file's text "
                "(outside [[changes]]); it must be found exactly once — copy it from the file, "
                "line breaks included, with enough words to be unique"
            )
            continue
        path, text = found[0]
        replaced = text.replace(change.now, change.was)
        _parent(before, path)[path[-1]] = replaced
        if isinstance(path[-1], int) and not replaced.strip():
            emptied.append(path)
    # A list item that was wholly new is left out (from the last, so that indexes still hold).
    for path in sorted(emptied, reverse=True):
        del _parent(before, path)[path[-1]]
    return _leave_out(before, edition), problems


def editions_used(raw: dict) -> Iterator[tuple[Path, int]]:
    """Every edition number a file names outside [[changes]], with where."""

    def walk(node, path: Path):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in {"edition", "core_from_edition"} and isinstance(value, int):
                    if path:
                        yield (*path, key), value
                elif not (path == () and key in {"changes", "editions"}):
                    yield from walk(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(value, (*path, index))

    yield from walk(raw, ())
