"""Answers from the car's owner's manual: offline, short, cited (docs/manual.md).

`document` parses the manual (Markdown, one ``## <id>: <title>`` heading per section),
`index` retrieves sections with BM25 (bm25s), `answer` extracts one or two sentences and
checks them (`grounding`), `route` says which sentences are questions for the manual,
`loader` builds it all from the configuration. Nothing here reaches a bus.
"""
