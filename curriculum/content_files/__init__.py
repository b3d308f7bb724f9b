"""The curriculum as data: TOML files a trainer reads like a document, checked and loaded.

`curriculum/content/framework.toml` holds the framework (scale, methods, editions, domains and
competencies) and the curriculum's front page; `curriculum/content/modules/<code>.toml` one module
each, its teaching content as `[[body]]` blocks in page order. Prose is Markdown, rendered to the
HTML the rich text fields allow; the rest is plain text. The files are written as the latest
edition; `[[changes]]` entries say what each passage was before, so every edition can be published
in turn. `curriculum.demo` loads them through the curriculum services.
"""

from .markdown import MarkdownError, render_markdown
from .reader import CONTENT_DIR, Content, ContentError, EditionContent, demo_content, read_content

# Logged beside each page or framework revision published as an edition of the curriculum, with
# the edition's number, its version label and the change summaries (see curriculum.demo).
EDITION_ACTION = "curriculum.edition.publish"

__all__ = [
    "CONTENT_DIR",
    "EDITION_ACTION",
    "Content",
    "ContentError",
    "EditionContent",
    "MarkdownError",
    "demo_content",
    "read_content",
    "render_markdown",
]
