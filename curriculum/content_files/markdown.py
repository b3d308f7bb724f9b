"""Markdown prose rendered to the HTML that the module pages' rich text features allow."""

from markdown_it import MarkdownIt
from markdown_it.token import Token

# What the rich text fields accept (curriculum.blocks.RICH_TEXT_FEATURES: h3, h4, bold, italic,
# ol, ul, link) as the Markdown tokens that produce it.
_ALLOWED_BLOCK_TOKENS = {
    "paragraph_open",
    "paragraph_close",
    "heading_open",
    "heading_close",
    "bullet_list_open",
    "bullet_list_close",
    "ordered_list_open",
    "ordered_list_close",
    "list_item_open",
    "list_item_close",
    "inline",
}
_ALLOWED_INLINE_TOKENS = {
    "text",
    "softbreak",
    "strong_open",
    "strong_close",
    "em_open",
    "em_close",
    "link_open",
    "link_close",
}
_ALLOWED_HEADINGS = {"h3", "h4"}
# Names a writer recognises for what the page cannot show.
_REFUSED = {
    "html_block": "raw HTML",
    "html_inline": "raw HTML",
    "image": "an image",
    "table_open": "a table",
    "code_block": "a code block",
    "fence": "a code block",
    "code_inline": "code",
    "blockquote_open": "a block quote",
    "hr": "a horizontal rule",
    "hardbreak": "a hard line break (a line ending in two spaces or a backslash)",
    "s_open": "strikethrough",
}
# Inside a table or a quote: the table or quote itself is named once.
_UNNAMED = {"thead_open", "tbody_open", "tr_open", "th_open", "td_open"}

# CommonMark, with the table syntax switched on only so that a table is recognised and refused.
_parser = MarkdownIt("commonmark").enable("table")
# A line break inside a paragraph is only where the file was wrapped: the page gets a space.
_parser.add_render_rule("softbreak", lambda *args: " ")


class MarkdownError(ValueError):
    """Markdown that renders something the rich text fields do not allow."""


def _problems(tokens: list[Token]) -> list[str]:
    problems = []
    for token in tokens:
        if token.type == "heading_open" and token.tag not in _ALLOWED_HEADINGS:
            level = int(token.tag[1])
            problems.append(
                f'a level-{level} heading ("{"#" * level} …"): use ### or #### in the body'
            )
        elif (
            token.type not in _ALLOWED_BLOCK_TOKENS | _ALLOWED_INLINE_TOKENS | _UNNAMED
            and not token.type.endswith("_close")
        ):
            problems.append(_REFUSED.get(token.type, token.type.removesuffix("_open")))
        if token.children:
            problems += _problems(token.children)
    return problems


def render_markdown(text: str) -> str:
    """The HTML of `text`; raises MarkdownError naming what the rich text cannot hold."""
    tokens = _parser.parse(text)
    if problems := _problems(tokens):
        unique = list(dict.fromkeys(problems))
        raise MarkdownError(f"Markdown not allowed here: {'; '.join(unique)}.")
    return _parser.renderer.render(tokens, _parser.options, {}).strip()
