"""A hostile or careless references.bib: refused by line and key, or rendered as inert text.

Tools covered: loading (and so ``cite``, ``export``, ``check``), the formatters,
the site's renderers and the site build. Each class of bad input is a table of
cases; every case names the line and key the message must point at.
"""

from __future__ import annotations

import html
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from conftest import ROOT, build_site
from mlops_atlas.bibliography import Bibliography, BibliographyError, Reference, load_bibliography
from mlops_atlas.citations import references_section, render_citations
from mlops_atlas.cli import main
from mlops_atlas.escaping import escape_markdown
from mlops_atlas.references import author_year, format_reference
from mlops_atlas.site.shortcodes import SiteContext, bibliography_list, citation_block

GOOD = """\
@article{good2020,
  author = {Alpha, Ann},
  title = {A Good Paper},
  journal = {Journal of Things},
  year = {2020}
}
"""

# (case, entry text, the text on the line the message must name, a fragment of the message)
INJECTION = [
    (
        "markup in an author",
        "@article{authortag,\n  author = {Doe, <img src=x onerror=alert(1)>},\n"
        "  title = {T},\n  journal = {J},\n  year = {2020}\n}\n",
        "author =",
        "field 'author' contains markup (<img src=x onerror=alert(1)>)",
    ),
    (
        "a script in an editor",
        "@book{editortag,\n  editor = {<script>alert(1)</script>, Ed},\n"
        "  title = {T},\n  publisher = {P},\n  year = {2020}\n}\n",
        "editor =",
        "field 'editor' contains markup (<script>)",
    ),
    (
        "an angle bracket in a name",
        "@article{namebracket,\n  author = {Doe >> Roe, Jane},\n"
        "  title = {T},\n  journal = {J},\n  year = {2020}\n}\n",
        "author =",
        "field 'author' contains an angle bracket",
    ),
    (
        "a url that closes its attribute",
        '@misc{urlquote,\n  title = {T},\n  url = {https://example.org/"onmouseover="alert(1)}\n}\n',
        "url =",
        "field 'url' must be an http(s) URL",
    ),
    (
        "a url that closes its tag",
        '@misc{urltag,\n  title = {T},\n  url = {https://example.org/"><script>alert(1)</script>}\n}\n',
        "url =",
        "field 'url' must be an http(s) URL",
    ),
    (
        "a javascript: url",
        "@misc{urljs,\n  title = {T},\n  url = {javascript:alert(1)}\n}\n",
        "url =",
        "field 'url' must be an http(s) URL",
    ),
    (
        "a non-http url",
        "@misc{urlftp,\n  title = {T},\n  url = {ftp://example.org/file}\n}\n",
        "url =",
        "field 'url' must be an http(s) URL",
    ),
    (
        "a doi with an event handler",
        '@misc{doiquote,\n  title = {T},\n  doi = {10.1000/x"><svg onload=alert(1)>}\n}\n',
        "doi =",
        "field 'doi' is not a DOI",
    ),
    (
        "a tag split across two fields",
        "@article{splittag,\n  author = {Doe, Jane},\n  title = {Foo <img src=x},\n"
        "  journal = {onerror=alert(1)> Journal},\n  year = {2020}\n}\n",
        "title =",
        "field 'title' contains markup (<img src=x)",
    ),
    (
        "a Markdown link to javascript: in a title",
        "@article{mdlink,\n  author = {Doe, Jane},\n  title = {Click [here](javascript:alert(1))},\n"
        "  journal = {J},\n  year = {2020}\n}\n",
        "title =",
        "field 'title' contains Markdown link syntax",
    ),
    (
        "a Markdown image in a title",
        "@article{mdimage,\n  author = {Doe, Jane},\n  title = {See ![x](https://evil.example/x.png)},\n"
        "  journal = {J},\n  year = {2020}\n}\n",
        "title =",
        "field 'title' contains Markdown link syntax",
    ),
    (
        "a data: URI in a note",
        "@misc{datauri,\n  title = {T},\n  url = {https://example.org/},\n"
        "  note = {data:text/html;base64,PHNjcmlwdD4=}\n}\n",
        "note =",
        "field 'note' contains a script link",
    ),
    (
        "a character reference",
        "@article{entity,\n  author = {Doe, Jane},\n  title = {&lt;script&gt;alert(1)},\n"
        "  journal = {J},\n  year = {2020}\n}\n",
        "title =",
        "field 'title' contains markup (&lt;)",
    ),
    (
        "a tag hidden by braces",
        "@article{bracedtag,\n  author = {Doe, Jane},\n  title = {<{s}cript>alert(1)},\n"
        "  journal = {J},\n  year = {2020}\n}\n",
        "title =",
        "field 'title' contains markup (<script>)",
    ),
    (
        "a LaTeX link to javascript:",
        "@misc{latexurl,\n  title = {T},\n  howpublished = {\\url{javascript:alert(1)}}\n}\n",
        "howpublished =",
        "only http(s) URLs may be linked",
    ),
    (
        "a terminal escape sequence",
        "@article{escape,\n  author = {Doe, Jane},\n  title = {Red \x1b[31mtext},\n"
        "  journal = {J},\n  year = {2020}\n}\n",
        "title =",
        "field 'title' contains a control character (\\x1b)",
    ),
]

PATHS = [
    (
        "a key that climbs out of its folder",
        "@misc{../../../../bibliography/references,\n  title = {T},\n  url = {https://example.org/}\n}\n",
        "@misc{",
        "the key must be ASCII letters, digits",
    ),
    (
        "a key with a non-ASCII letter",
        "@misc{müller2020,\n  title = {T},\n  url = {https://example.org/}\n}\n",
        "@misc{",
        "the key must be ASCII letters, digits",
    ),
    (
        "a topic that climbs out of its folder",
        "@misc{topicpath,\n  title = {T},\n  url = {https://example.org/},\n"
        "  keywords = {drift, ../../evil}\n}\n",
        "keywords =",
        "topic '../../evil' must be ASCII letters",
    ),
]

WRONG_VALUES = [
    (
        "an access date that is only a year",
        "@misc{urldateyear,\n  title = {T},\n  url = {https://example.org/},\n  urldate = {2024}\n}\n",
        "urldate =",
        "field 'urldate' must be a real date, YYYY-MM-DD: '2024'",
    ),
    (
        "an access date in month 13",
        "@misc{urldate13,\n  title = {T},\n  url = {https://example.org/},\n  urldate = {2024-13-01}\n}\n",
        "urldate =",
        "field 'urldate' must be a real date",
    ),
    (
        "an access date in month 00",
        "@misc{urldate00,\n  title = {T},\n  url = {https://example.org/},\n  urldate = {2024-00-10}\n}\n",
        "urldate =",
        "field 'urldate' must be a real date",
    ),
    (
        "an access date on 30 February",
        "@misc{urldatefeb,\n  title = {T},\n  url = {https://example.org/},\n  urldate = {2024-02-30}\n}\n",
        "urldate =",
        "field 'urldate' must be a real date",
    ),
    (
        "a superscript digit in uba-classes",
        "@misc{classsup,\n  title = {T},\n  url = {https://example.org/},\n  uba-classes = {1, ²}\n}\n",
        "uba-classes =",
        "field 'uba-classes' must list class numbers 1-8",
    ),
    (
        "an Arabic-Indic digit in uba-classes",
        "@misc{classarabic,\n  title = {T},\n  url = {https://example.org/},\n  uba-classes = {\u0661}\n}\n",
        "uba-classes =",
        "field 'uba-classes' must list class numbers 1-8",
    ),
    (
        "a full-width year",
        "@article{fullwidth,\n  author = {Doe, Jane},\n  title = {T},\n  journal = {J},\n"
        "  year = {\uff12\uff10\uff12\uff10}\n}\n",
        "year =",
        "field 'year' must be a four-digit year",
    ),
]

BRACES = [
    (
        "a field whose brace is never closed",
        "@article{unclosed2021,\n  author = {Doe, Jane},\n  title = {Unclosed title,\n"
        "  journal = {J},\n  year = {2021}\n}\n",
        "title =",
        "field 'title' opens a '{' that is never closed",
    ),
    (
        "an entry that is never closed",
        "@article{noend2021,\n  author = {Doe, Jane},\n  title = {T},\n  journal = {J},\n"
        "  year = {2021}\n\n",
        "@article{noend2021",
        "the entry is never closed",
    ),
    (
        "an extra brace that closes the entry early",
        "@article{early2021,\n  author = {Doe, Jane},\n  title = {T}},\n  journal = {J},\n"
        "  year = {2021}\n}\n",
        "title =",
        "this '}' closes the entry but a field follows on line",
    ),
]

NEXT = "\n@article{next2022,\n  author = {Roe, Rick},\n  title = {T},\n  journal = {J},\n  year = {2022}\n}\n"


def line_of(text: str, needle: str, after: str) -> int:
    """1-based line of ``needle``, searched from where ``after`` starts."""
    return text[: text.index(needle, text.index(after))].count("\n") + 1


def key_of(entry: str) -> str:
    return entry.split("{", 1)[1].split(",", 1)[0]


def write_bib(folder: Path, entry: str) -> tuple[Path, str]:
    text = GOOD + "\n" + entry + NEXT
    path = folder / "refs.bib"
    path.write_text(text, encoding="utf-8")
    return path, text


ALL_REFUSED = INJECTION + PATHS + WRONG_VALUES + BRACES


@pytest.mark.parametrize(
    ("entry", "needle", "message"),
    [case[1:] for case in ALL_REFUSED],
    ids=[case[0] for case in ALL_REFUSED],
)
def test_load_refuses_with_file_line_and_key(
    tmp_path: Path, entry: str, needle: str, message: str
) -> None:
    path, text = write_bib(tmp_path, entry)
    with pytest.raises(BibliographyError) as caught:
        load_bibliography(path)
    expected = f"{path}:{line_of(text, needle, entry)}: {key_of(entry)}: "
    lines = str(caught.value).splitlines()
    assert any(line.startswith(expected) and message in line for line in lines), lines


@pytest.mark.parametrize("command", [["cite", "good2020"], ["check"], ["export", "-o", "out.bib"]])
@pytest.mark.parametrize(
    "entry", [case[1] for case in ALL_REFUSED], ids=[case[0] for case in ALL_REFUSED]
)
def test_the_cli_refuses_in_one_message_and_writes_nothing(
    tmp_path: Path, capsys, monkeypatch, command: list[str], entry: str
) -> None:
    path, _ = write_bib(tmp_path, entry)
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path)
    status = main(
        ["--bib", str(path), *command, *(["--docs", "docs"] if command == ["check"] else [])]
    )
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    assert captured.err.startswith(f"mlops-atlas: error: {path}:")
    assert "Traceback" not in captured.err
    assert "\x1b" not in captured.err  # a terminal escape in a field is shown escaped
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "refs.bib"]


def test_the_brace_error_names_the_entry_not_the_next_one(tmp_path: Path) -> None:
    path, text = write_bib(tmp_path, BRACES[0][1])
    with pytest.raises(BibliographyError) as caught:
        load_bibliography(path)
    [problem] = caught.value.problems
    assert (problem.line, problem.key) == (line_of(text, "title =", "unclosed2021"), "unclosed2021")


def test_keys_repeated_or_differing_in_case_name_both_lines(tmp_path: Path) -> None:
    text = GOOD + "\n" + GOOD + "\n" + GOOD.replace("good2020", "Good2020")
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BibliographyError) as caught:
        load_bibliography(path)
    assert [str(problem) for problem in caught.value.problems] == [
        f"{path}:8: good2020: duplicate key (first on line 1)",
        f"{path}:15: Good2020: duplicate key (same as 'good2020' on line 1)",
    ]


def test_a_bib_that_is_not_utf8_names_its_line(tmp_path: Path, capsys) -> None:
    path = tmp_path / "refs.bib"
    path.write_bytes((GOOD + "\n@misc{latin,\n  title = {Acción},\n}\n").encode("latin-1"))
    assert main(["--bib", str(path), "cite", "good2020"]) == 2
    assert capsys.readouterr().err == (
        f"mlops-atlas: error: {path}:9: not UTF-8 (byte 0xf3): save the file as UTF-8\n"
    )


def test_a_name_pybtex_cannot_split_is_placed_at_its_entry(tmp_path: Path) -> None:
    entry = "@article{commas,\n  author = {Doe, Jane, Jr, Extra},\n  title = {T},\n  journal = {J},\n  year = {2020}\n}\n"
    path, text = write_bib(tmp_path, entry)
    with pytest.raises(BibliographyError) as caught:
        load_bibliography(path)
    assert str(caught.value) == (
        f"{path}:{line_of(text, 'author =', entry)}: commas: "
        "BibTeX error: Too many commas in 'Doe, Jane, Jr, Extra'"
    )


def test_legal_but_awkward_fields_load(tmp_path: Path) -> None:
    """Characters that are text, not syntax, are allowed: the renderers escape them."""
    path = tmp_path / "refs.bib"
    path.write_text(AWKWARD_BIB, encoding="utf-8")
    bibliography = load_bibliography(path)
    assert bibliography["awk.ward_1-a"].get("title").startswith("Ranking when x < y & z*")
    assert bibliography["awk.ward_1-a"].authors[0] == ("Ann", 'D"Angelo')


# ---- rendering: every field escaped where it lands, even past the checks ---------------

PAYLOADS = {
    "title": 'Foo <img src=x onerror=alert(1)> [click](javascript:alert(2)) {: onclick="alert(3)"}',
    "journal": '<script>alert(4)</script> *J* `x` :smile: --8<-- "/etc/passwd"',
    "booktitle": "</em><svg onload=alert(5)>",
    "publisher": "![img](javascript:alert(6)) &amp; <b>",
    "howpublished": "# heading\n- list\n!!! danger\n```\ncode",
    "volume": '"><a href=javascript:alert(7)>',
    "pages": "1--2 <i>",
    "year": "2020<script>",
    "urldate": "2026-13-45",
    "unverified": "<script>alert(8)</script> [x](javascript:alert(9))",
}
PERSONS = (('<img src=x onerror="alert(10)">', 'Doe"><script>alert(11)</script>'), ("Bob", "*Roe*"))


def hostile_references() -> list[Reference]:
    """Hand-made references holding raw payloads: what the checks would refuse, rendered anyway."""
    made = []
    for kind, url in [
        ("article", "javascript:alert(12)"),
        ("inproceedings", 'https://example.org/"onmouseover="alert(13)'),
        ("book", "https://example.org/ok?a=1&b=2"),
        ("misc", "data:text/html,<script>alert(14)</script>"),
    ]:
        fields = {**PAYLOADS, "url": url}
        if kind == "misc":
            fields["doi"] = '10.1000/x"><script>alert(15)</script>'
        made.append(Reference(f"hostile-{kind}", kind, fields, authors=PERSONS, editors=PERSONS))
    made.append(Reference("hostile-anon", "misc", {**PAYLOADS, "url": "javascript:alert(16)"}))
    return made


class Tags(HTMLParser):
    """Every start tag of an HTML text, with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


LIVE_TAGS = {"script", "img", "svg", "iframe", "object", "embed", "style", "b", "i", "base", "form"}


ICONS = frozenset({"svg"})
"""The site's icons (``:material-download:``) are inline SVG: allowed, but never with a handler."""


def assert_inert(page: str, allowed_tags: frozenset[str] = ICONS) -> None:
    """No payload became markup: no live tag, no event handler, no script link."""
    parser = Tags()
    parser.feed(page)
    for tag, attrs in parser.tags:
        assert tag not in LIVE_TAGS - allowed_tags, (tag, attrs)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            if name in ("href", "src", "action", "xlink:href"):
                assert not re.match(r"\s*(?:javascript|vbscript|data):", value or "", re.I), value
            assert "alert(" not in (value or ""), (tag, name, value)


def site_markdown() -> markdown.Markdown:
    """Python-Markdown with exactly the site's extensions and settings."""
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    return markdown.Markdown(
        extensions=config.markdown_extensions, extension_configs=config.mdx_configs
    )


@pytest.fixture(scope="module")
def to_html():
    converter = site_markdown()

    def convert(text: str) -> str:
        converter.reset()
        return converter.convert(text)

    return convert


@pytest.mark.parametrize("style", ["apa", "ieee"])
@pytest.mark.parametrize("reference", hostile_references(), ids=lambda r: r.key)
def test_formatted_references_are_inert_in_markdown_and_html(reference, style, to_html) -> None:
    rendered_markdown = format_reference(reference, style, "markdown")
    rendered_html = format_reference(reference, style, "html")
    for page in (to_html(rendered_markdown), rendered_html):
        assert_inert(page)
        # the payload is still there, as text a reader can see
        text = html.unescape(re.sub(r"<[^>]+>", "", page))
        assert "img src=x onerror=alert(1)" in text


def links_in(page: str) -> list[str | None]:
    parser = Tags()
    parser.feed(page)
    return [dict(attrs).get("href") for tag, attrs in parser.tags if tag == "a"]


def test_only_checked_http_urls_and_dois_become_links(to_html) -> None:
    by_type = {reference.type: reference for reference in hostile_references()}
    book = format_reference(by_type["book"], "apa", "markdown")
    assert links_in(to_html(book)) == ["https://example.org/ok?a=1&b=2"]
    for kind in ("article", "inproceedings", "misc"):
        for output in ("markdown", "html"):
            page = format_reference(by_type[kind], "ieee", output)
            assert links_in(to_html(page) if output == "markdown" else page) == [], page


def test_a_bad_access_date_never_crashes_or_becomes_december() -> None:
    for urldate in ("2024", "2024-13-01", "2024-00-10", "not a date"):
        reference = Reference(
            "k", "misc", {"title": "T", "url": "https://example.org/", "urldate": urldate}
        )
        for style in ("apa", "ieee"):
            formatted = format_reference(reference, style)
            assert urldate in formatted
            assert "December" not in formatted
            assert "Dec." not in formatted


def test_author_year_labels_escape_names(to_html) -> None:
    reference = hostile_references()[0]
    label = author_year(reference, "markdown")
    assert '"' not in label
    assert "<" not in label
    assert_inert(to_html(f'!!! quote "Cite this work: {label}"\n\n    body\n'))
    title = re.search(
        r'<p class="admonition-title">(.*?)</p>', to_html(f'!!! quote "Cite: {label}"\n\n    x\n')
    )
    assert title is not None
    assert html.unescape(title.group(1)) == "Cite: " + author_year(reference)


def hostile_context() -> SiteContext:
    references = {reference.key: reference for reference in hostile_references()}
    return SiteContext(bibliography=Bibliography(Path("x.bib"), references), diagrams={})


def test_citation_block_and_bibliography_page_are_inert(to_html, monkeypatch) -> None:
    context = hostile_context()
    monkeypatch.setattr(
        Bibliography,
        "to_bibtex",
        lambda self, keys=None: "@misc{x,\n note = {```\n<script>alert(17)</script>\n```}\n}",
    )
    pages = [
        citation_block(key, "readings/x.md", context) for key in context.bibliography.references
    ]
    pages.append(bibliography_list("bibliography.md", context))
    for page in pages:
        converted = to_html(page)
        assert_inert(converted)
        # the BibTeX stayed whole inside its code block: the fence in the field did not close it
        blocks = [
            html.unescape(re.sub(r"<[^>]+>", "", block))
            for block in re.findall(r"<pre\b.*?</pre>", converted, re.S)
        ]
        assert any(block.strip().endswith("```}\n}") for block in blocks), blocks
        assert "alert(17)" not in re.sub(r"<pre\b.*?</pre>", "", converted, flags=re.S)


def test_in_text_citations_and_references_section_are_inert(to_html) -> None:
    context = hostile_context()
    keys = context.bibliography.keys()
    text = "As " + "; ".join(f"[@{key}, §1]" for key in keys) + " show.\n"
    rendered, cited = render_citations(text, context.bibliography, lambda key: f"b.md#{key}")
    assert cited == keys
    page = to_html(
        rendered + references_section(cited, context.bibliography, lambda key: f"b.md#{key}")
    )
    assert_inert(page)
    assert page.count('href="b.md#hostile-') == 2 * len(keys)


def test_escape_markdown_shows_every_character_as_itself(to_html) -> None:
    nasty = "# <b>x</b> & *y* _z_ `c` [l](u) {: .k} | :smile: ~ \\ ' \" 1. -"
    converted = to_html(escape_markdown(nasty))
    assert html.unescape(re.sub(r"<[^>]+>", "", converted)).strip() == nasty


# ---- the site build of a hostile bibliography --------------------------------------------

AWKWARD_BIB = r"""@article{awk.ward_1-a,
  author = {D"Angelo, Ann and Star*, Bob and {Back`tick}, Cy},
  title = {Ranking when x < y & z* [sic] "quoted" `code` a_b_c :smile: #1 | pipe},
  journal = {Journal of a < b & c > d},
  year = {2021},
  url = {https://example.org/ok?a=1&b=2},
  note = {A note with ``` a fence and ```` a longer one},
  keywords = {nasty_topic, drift},
  unverified = {pages *and* [volume] < 3}
}

@misc{plain2020,
  title = {Plain},
  url = {https://example.org/plain},
  keywords = {drift}
}
"""

AWKWARD_TITLE = 'Ranking when x < y & z* [sic] "quoted" `code` a_b_c :smile: #1 | pipe'

HOSTILE_BIB = "".join(case[1] + "\n" for case in INJECTION + PATHS[:1])


def make_project(folder: Path, bib: str) -> Path:
    """A throwaway MkDocs project: the project's hook, theme and Markdown set-up; no examples."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    theme = re.search(r"^theme:\n(?:[ \t].*\n|\n)*", config, re.M).group(0)
    theme = re.sub(
        r"(custom_dir: *)(\S+)", lambda m: f"{m[1]}{ROOT / m[2]}", theme
    )  # our templates
    extensions = re.search(r"^markdown_extensions:\n(?:[ \t].*\n|\n)*", config, re.M).group(0)
    hook = ROOT / "src" / "mlops_atlas" / "site" / "hooks.py"
    (folder / "mkdocs.yml").write_text(
        f"site_name: hostile\nhooks: ['{hook}']\n{theme}{extensions}", encoding="utf-8"
    )
    (folder / "examples").mkdir()
    (folder / "bibliography").mkdir()
    (folder / "bibliography" / "references.bib").write_text(bib, encoding="utf-8")
    docs = folder / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(
        "---\ncite: awk.ward_1-a\n---\n# Cited\n\n<!-- md:citation awk.ward_1-a -->\n\n"
        "As [@awk.ward_1-a, §2] and [@plain2020] show.\n",
        encoding="utf-8",
    )
    (docs / "bibliography.md").write_text("# Bibliography\n\n<!-- md:bibliography -->\n")
    return folder


@pytest.mark.site
def test_the_build_refuses_a_hostile_bibliography_and_writes_nothing_outside(
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path, HOSTILE_BIB)
    bib = project / "bibliography" / "references.bib"
    # the key climbs from docs/generated/downloads/entries/ to the project's own references.bib
    entries = project / "docs" / "generated" / "downloads" / "entries"
    depth = len(entries.relative_to(project).parts)
    escaping = "/".join([".."] * depth) + "/bibliography/references"
    bib.write_text(
        HOSTILE_BIB.replace("../../../../bibliography/references", escaping), encoding="utf-8"
    )
    before = bib.read_bytes()
    result = build_site(project / "mkdocs.yml", project / "site", project / ".cache")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    text = bib.read_text(encoding="utf-8")
    for _, entry, needle, message in INJECTION + PATHS[:1]:
        entry = entry.replace("../../../../bibliography/references", escaping)
        expected = f"{bib}:{line_of(text, needle, entry)}: {key_of(entry)}: "
        lines = result.stderr.splitlines()
        assert any(expected in line and message in line for line in lines), (expected, message)
    assert bib.read_bytes() == before
    assert not (project / "site").exists() or not list((project / "site").rglob("*.bib"))


@pytest.mark.site
def test_check_refuses_the_hostile_project_too(tmp_path: Path, capsys) -> None:
    project = make_project(tmp_path, HOSTILE_BIB)
    bib = project / "bibliography" / "references.bib"
    assert main(["--bib", str(bib), "check", "--docs", str(project / "docs")]) == 2
    err = capsys.readouterr().err
    assert f"{bib}:2: authortag: field 'author' contains markup" in err


one_worker = pytest.mark.xdist_group("awkward-site")
"""The tests reading the awkward site run on one xdist worker, which builds it once."""


@pytest.fixture(scope="module")
def awkward_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("awkward"), AWKWARD_BIB)
    result = build_site(project / "mkdocs.yml", project / "site", project / ".cache")
    assert result.returncode == 0, result.stderr
    return project / "site"


def article(page: str) -> str:
    """The page's own content, without the theme around it."""
    return re.search(r'<article class="md-content__inner.*?</article>', page, re.S).group(0)


def visible_text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", article(page))).split())


@pytest.mark.site
@one_worker
def test_the_built_pages_show_awkward_fields_as_text(awkward_site: Path) -> None:
    pages = {
        "cited": (awkward_site / "index.html").read_text("utf-8"),
        "bibliography": (awkward_site / "bibliography" / "index.html").read_text("utf-8"),
    }
    for name, page in pages.items():
        content = article(page)
        assert_inert(content)
        text = visible_text(page)
        assert AWKWARD_TITLE in text, name
        assert "Journal of a < b & c > d" in text, name
        assert 'D"Angelo, A., Star*, B., & Back`tick, C. (2021)' in text, name
        assert "A note with ``` a fence and ```` a longer one" in text, name  # BibTeX shown whole
        assert "<em>y</em>" not in content
        assert "<code>code</code>" not in content
    assert 'Cite this work: D"Angelo et al., 2021' in visible_text(pages["cited"])
    assert 'As (D"Angelo et al., 2021, §2) and (Plain, n.d.) show.' in visible_text(pages["cited"])
    assert "pages *and* [volume] < 3. Check the source" in visible_text(pages["bibliography"])
    assert 'href="https://example.org/ok?a=1&amp;b=2"' in pages["bibliography"]


@pytest.mark.site
@one_worker
def test_the_downloads_of_awkward_names_stay_in_their_folder(awkward_site: Path) -> None:
    downloads = awkward_site / "generated" / "downloads"
    assert (downloads / "entries" / "awk.ward_1-a.bib").is_file()
    assert (downloads / "topics" / "nasty_topic.bib").is_file()
    page = (awkward_site / "bibliography" / "index.html").read_text("utf-8")
    for href in re.findall(r'href="(\.\./generated/downloads/[^"]+)"', page):
        target = (awkward_site / "bibliography" / href).resolve()
        assert target.is_file(), href
        assert target.is_relative_to(downloads), href


# ---- check: what it cannot read is a problem, never "ok" ---------------------------------


def test_check_fails_on_a_missing_or_non_folder_docs(tmp_path: Path, capsys) -> None:
    assert main(["check", "--docs", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err == (
        f"mlops-atlas: error: {tmp_path / 'nope'}: the docs folder does not exist (give it with --docs)\n"
    )
    (tmp_path / "page.md").write_text("# x\n")
    assert main(["check", "--docs", str(tmp_path / "page.md")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_check_reports_a_page_that_is_not_utf8(tmp_path: Path, capsys) -> None:
    page = tmp_path / "latin1.md"
    page.write_bytes("# Título\n\nSegún [@sculley2015hidden]\n\nAcción\n".encode("latin-1"))
    assert main(["check", "--docs", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{page}:1: not UTF-8 (byte 0xed): save the page as UTF-8" in err
    assert "Traceback" not in err


def test_check_reports_a_folder_it_cannot_read(tmp_path: Path, capsys, monkeypatch) -> None:
    (tmp_path / "ok.md").write_text("# fine\n")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.md").write_text("[@nope1999]\n")
    real_scandir = os.scandir

    def scandir(path):  # what the OS does for a folder without read permission (we run as root)
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert main(["check", "--docs", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert (
        f"{locked}: cannot read this folder (Permission denied): its pages were not checked" in err
    )
