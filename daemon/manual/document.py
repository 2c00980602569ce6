"""The owner's manual as data: parsed from Markdown into sections.

The format (docs/manual.md): each section starts with a ``## <id>: <title>`` heading (``id`` is
lower case letters, digits and hyphens, unique in the file); an optional ``Also: a, b, c`` line
right under it lists words drivers use for the topic (used to find the section, never spoken);
the rest is plain sentences, each able to stand alone when read out. Anything before the first
section (a ``#`` title, an introduction) is ignored. Pure: `parse_manual` takes text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from daemon.errors import ConfigError

_HEADING = re.compile(r"^##\s+(?P<id>[^:\s]+)\s*:\s*(?P<title>\S.*?)\s*$")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ALSO = re.compile(r"^also\s*:\s*(?P<words>.*)$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
_MARKUP = re.compile(r"[*_`]+|^\s*(?:[-+]|\d+\.)\s+")


@dataclass(frozen=True)
class Section:
    """One section of the manual.

    Attributes:
        id: the stable section id cited in events and on the head unit ("tyre-pressures").
        title: the heading's title ("Recommended tyre pressures").
        also: words drivers use for the topic (retrieval only).
        sentences: the body, one sentence per item, markup removed.
        line: the 1-based line of the heading in the source file.
    """

    id: str
    title: str
    also: tuple[str, ...]
    sentences: tuple[str, ...]
    line: int

    @property
    def text(self) -> str:
        """The body as one paragraph."""
        return " ".join(self.sentences)


@dataclass(frozen=True)
class Manual:
    """A parsed manual: its sections in file order and where it came from."""

    sections: tuple[Section, ...]
    source: str

    def get(self, section_id: str) -> Section:
        """The section with ``section_id``; KeyError if there is none."""
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)


def split_sentences(text: str) -> tuple[str, ...]:
    """``text`` cut into sentences at ., ! or ? followed by white space and a capital or digit
    ("at 80 km/h. Then" splits; "e.g. the" does not)."""
    return tuple(s.strip() for s in _SENTENCE_END.split(text) if s.strip())


def _body(lines: list[str]) -> tuple[str, ...]:
    paragraph = " ".join(_MARKUP.sub("", line).strip() for line in lines if line.strip())
    return split_sentences(re.sub(r"\s+", " ", paragraph))


def parse_manual(text: str, source: str = "<manual>") -> Manual:
    """Parse a manual in the documented format.

    Raises:
        ConfigError: a bad heading or id, a duplicate id, an empty section or no section at
            all, named as ``source:line``.
    """
    heads: list[tuple[int, str, str]] = []
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        if line.startswith("##") and not line.startswith("###"):
            found = _HEADING.match(line)
            if found is None or not _ID.match(found["id"]):
                raise _error(source, number, f"bad section heading {line.strip()!r}")
            heads.append((number, found["id"], found["title"]))
    if not heads:
        raise _error(source, 1, "no sections (headings '## <id>: <title>')")
    sections: list[Section] = []
    seen: set[str] = set()
    for i, (number, section_id, title) in enumerate(heads):
        if section_id in seen:
            raise _error(source, number, f"section id {section_id!r} used twice")
        seen.add(section_id)
        end = heads[i + 1][0] - 1 if i + 1 < len(heads) else len(lines)
        body = [line for line in lines[number:end] if not line.startswith("###")]
        also: tuple[str, ...] = ()
        first = next((j for j, line in enumerate(body) if line.strip()), None)
        if first is not None and (found_also := _ALSO.match(body[first].strip())):
            also = tuple(w.strip() for w in found_also["words"].split(",") if w.strip())
            body = body[first + 1:]
        sentences = _body(body)
        if not sentences:
            raise _error(source, number, f"section {section_id!r} has no text")
        sections.append(Section(section_id, title, also, sentences, number))
    return Manual(tuple(sections), source)


def load_manual(path: Path) -> Manual:
    """Read and parse the manual at ``path``.

    Raises:
        ConfigError: the file cannot be read, is not UTF-8 or is not in the format.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read the owner's manual {path}: {exc.strerror}",
                          fix="set manual.path to the manual's Markdown file, or "
                              "manual.enabled: false") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})",
                          fix="save the manual as UTF-8") from None
    return parse_manual(text, str(path))


def _error(source: str, line: int, why: str) -> ConfigError:
    return ConfigError(f"{source}:{line}: {why}",
                       fix="see docs/manual.md for the manual's format")
