"""Text from data made safe for the page it lands in: HTML, or Markdown that becomes HTML.

Bibliography fields, author names and keys are data, never markup. The site
hands Markdown to Python-Markdown, which passes raw HTML, entities and link
syntax through; so data placed in Markdown has every character that HTML or
Markdown would read as syntax turned into a numeric character reference, which
the reader sees as the character itself.
"""

from __future__ import annotations

import html
import re
from typing import Literal

__all__ = ["Output", "escape", "escape_markdown", "escape_markdown_inline"]

Output = Literal["text", "markdown", "html"]
"""Where text goes: a terminal (as is), Markdown or HTML."""

_MARKDOWN_SYNTAX = re.compile(r"[\\`*_{}\[\]<>&\"'|#]|:(?=\S)")
_BLOCK_START = re.compile(r"[-+=:!?~0-9]")


def escape_markdown_inline(text: str) -> str:
    """`escape_markdown` for text in the middle of a line (no block-start escape).

    Examples:
        >>> escape_markdown_inline("a *b* [c](d) <e>")
        'a &#42;b&#42; &#91;c&#93;(d) &#60;e&#62;'
    """
    return _MARKDOWN_SYNTAX.sub(lambda match: f"&#{ord(match.group(0))};", text)


def escape_markdown(text: str) -> str:
    r"""Text that Markdown shows as itself: HTML and Markdown syntax become character references.

    Covers what Python-Markdown and the site's extensions read as syntax inside
    a line (HTML, entities, code, emphasis, links, attribute lists, tables,
    emoji ``:name:``) and, at the start of the text, what starts a block (lists,
    quotes, headings, admonitions). Line breaks become spaces (as Markdown shows
    them), so no line of the text can start a block. The rest is left as it is.

    Examples:
        >>> escape_markdown('x <img onerror="a()"> [y](javascript:z)')
        'x &#60;img onerror=&#34;a()&#34;&#62; &#91;y&#93;(javascript&#58;z)'
        >>> escape_markdown("- a list? no: *text*\n# no heading")
        '&#45; a list? no: &#42;text&#42; &#35; no heading'
    """
    escaped = escape_markdown_inline(re.sub(r"[ \t]*[\r\n]\s*", " ", text))
    if escaped and _BLOCK_START.match(escaped):
        escaped = f"&#{ord(escaped[0])};{escaped[1:]}"
    return escaped


def escape(text: str, output: Output) -> str:
    """``text`` made safe to place in ``output``: unchanged as text, escaped for HTML or Markdown.

    Examples:
        >>> escape("Smith & <Jones>", "html"), escape("Smith & <Jones>", "text")
        ('Smith &amp; &lt;Jones&gt;', 'Smith & <Jones>')
    """
    if output == "html":
        return html.escape(text)
    if output == "markdown":
        return escape_markdown(text)
    return text
