"""Building the manual's answerer from the configuration (parse, index: a few ms)."""

from __future__ import annotations

import logging

from daemon.manual.answer import Answerer
from daemon.manual.config import ManualConfig
from daemon.manual.document import load_manual
from daemon.manual.gate import Gate
from daemon.manual.index import ManualIndex
from daemon.manual.meaning import load_embedder
from daemon.manual.sentence_model import require_sentence_model
from daemon.manual.settings import AnswerSettings
from daemon.manual.vectors import stored_path

_LOG = logging.getLogger(__name__)


def load_answerer(config: ManualConfig) -> Answerer | None:
    """The answerer for the configured manual; None when ``manual.enabled`` is false. The
    meaning gate's model is loaded at the first question that needs it (daemon/manual/gate.py).

    Raises:
        ConfigError: the manual cannot be read or is not in the documented format.
        ModelError: ``manual.meaning`` is on and the embedding model is missing or not the
            pinned one (daemon/manual/meaning.py); ``manual.judge`` is on and the sentence
            model's package is not installed (its files are verified when it is loaded,
            daemon/manual/gate.py).
    """
    if not config.enabled:
        return None
    manual = load_manual(config.manual_path())
    embedder = load_embedder() if config.meaning else None
    index = ManualIndex(manual, embedder=embedder)
    settings = AnswerSettings(min_score=config.min_score, min_coverage=config.min_coverage,
                              max_chars=config.max_chars, intro=config.intro)
    _LOG.info("owner's manual: %d sections from %s", len(manual.sections), manual.source)
    gate = None
    if config.judge:
        require_sentence_model()  # its files are checked when first used (gate.py)
        gate = Gate(manual, stored=stored_path(config.manual_path()))
    return Answerer(index, settings, gate)
