"""Building the manual's answerer from the configuration (parse, index: a few ms)."""

from __future__ import annotations

import logging

from daemon.manual.answer import Answerer, AnswerSettings
from daemon.manual.config import ManualConfig
from daemon.manual.document import load_manual
from daemon.manual.gate import Gate
from daemon.manual.index import ManualIndex
from daemon.manual.meaning import load_embedder
from daemon.manual.sentence_model import load_sentence_model

_LOG = logging.getLogger(__name__)


def load_answerer(config: ManualConfig) -> Answerer | None:
    """The answerer for the configured manual; None when ``manual.enabled`` is false.

    Raises:
        ConfigError: the manual cannot be read or is not in the documented format.
        ModelError: ``manual.meaning`` (``manual.judge``) is on and the embedding model
            (the sentence model) is missing or not the pinned one (daemon/manual/meaning.py,
            daemon/manual/sentence_model.py).
    """
    if not config.enabled:
        return None
    manual = load_manual(config.manual_path())
    embedder = load_embedder() if config.meaning else None
    index = ManualIndex(manual, embedder=embedder)
    settings = AnswerSettings(min_score=config.min_score, min_coverage=config.min_coverage,
                              max_chars=config.max_chars, intro=config.intro)
    _LOG.info("owner's manual: %d sections from %s", len(manual.sections), manual.source)
    gate = Gate(load_sentence_model(), manual) if config.judge else None
    return Answerer(index, settings, gate)
