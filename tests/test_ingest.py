"""ingest: reading a folder of articles, and every kind of bad input, one problem line each."""

import functools
import socket
from pathlib import Path

import pandas as pd
import pytest

from pipeline import ingest, webpage
from pipeline.schema import ARTICLES

FIXTURES = Path(__file__).parent / "fixtures"
# Real paragraphs from seed 004, so the articles look like news.
P1 = (
    "A delegation of Russian diplomats arrived in Damascus last Tuesday to discuss the future of Russia's military "
    "presence in Syria, following the recent fall of Bashar al-Assad, whom Russia had supported for years."
)
P2 = (
    "The meeting was attended by Russia's Deputy Foreign Minister Mikhail Bogdanov, but no immediate decisions "
    "were made."
)
HEADER = "file,title,source,url,published,published_note\n"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test: ingest must never fetch."""

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def by_name(df: pd.DataFrame) -> dict[str, dict]:
    return {r["article"]: r for r in df.to_dict("records")}


def test_reads_txt_with_manifest_dates_and_schema(tmp_path):
    write(
        tmp_path,
        {
            "a.txt": P1 + "\r\n\r\n" + P2,
            "b.txt": P2 + "\n\n" + P1,
            "manifest.csv": HEADER + "a.txt,Russia Appeals,Example News,,2025-02-02,\n"
            'b.txt,Talks,,,2024-12-10,"estimated: the forum met on Saturday"\n',
        },
    )
    df, problems = ingest.read_articles(tmp_path)
    assert problems == []
    assert df.columns.tolist() == list(ARTICLES)
    assert df.dtypes.astype(str).tolist() == [dtype for dtype, _ in ARTICLES.values()]
    rows = by_name(df)
    assert rows["a.txt"]["published"] == "2025-02-02" and rows["a.txt"]["published_basis"] == "manifest"
    assert rows["a.txt"]["title"] == "Russia Appeals" and rows["a.txt"]["format"] == "txt"
    assert rows["a.txt"]["text"] == P1 + "\n\n" + P2  # CRLF made LF
    assert rows["b.txt"]["published_basis"] == "manifest (estimated)"
    assert rows["b.txt"]["published_note"] == "estimated: the forum met on Saturday"


def test_unlisted_file_and_manifest_without_published(tmp_path):
    write(tmp_path, {"a.txt": P1, "b.txt": P2, "manifest.csv": "file,title\na.txt,Delegation\n"})
    df, problems = ingest.read_articles(tmp_path)
    rows = by_name(df)
    assert pd.isna(rows["a.txt"]["published"]) and rows["a.txt"]["published_basis"] == "missing"
    assert rows["a.txt"]["title"] == "Delegation"
    assert pd.isna(rows["b.txt"]["published"]) and rows["b.txt"]["published_basis"] == "missing"
    assert any(p.startswith("manifest.csv: no 'published' column") for p in problems)
    assert any(p.startswith("b.txt: not in manifest.csv") for p in problems)


def test_no_manifest_at_all(tmp_path):
    write(tmp_path, {"a.txt": P1})
    df, problems = ingest.read_articles(tmp_path)
    assert len(df) == 1 and df["published_basis"].tolist() == ["missing"]
    assert problems == ["manifest.csv: not found; every article is unlisted (no titles, dates from pages or text)"]


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("empty.txt", b"", "empty.txt: empty file; skipped"),
        ("blank.txt", b"  \n\n\t\n", "blank.txt: empty file; skipped"),
        (
            "image.txt",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
            "image.txt: binary file (NUL bytes); skipped",
        ),
        (
            "noise.txt",
            bytes([1, 2, 3, 4, 5, 6, 7, 8, 65, 66]) * 100,
            "noise.txt: binary file (control characters); skipped",
        ),
        ("notes.docx", b"PK\x03\x04", "notes.docx: not an article type (.txt, .html, .htm); ignored"),
        (
            "empty.html",
            b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
            "empty.html: no article text found in the page; skipped",
        ),
    ],
)
def test_unusable_files_are_skipped_with_one_problem(tmp_path, name, content, problem):
    write(
        tmp_path,
        {
            "good.txt": P1,
            name: content,
            "manifest.csv": HEADER + "good.txt,,,,2025-02-02,\n" + f"{name},,,,2025-02-02,\n",
        },
    )
    df, problems = ingest.read_articles(tmp_path)
    assert df["article"].tolist() == ["good.txt"]
    assert problem in problems


def test_cp1252_text_is_decoded_with_a_note(tmp_path):
    raw = ("“We are fine,” an embassy employee told TASS – without giving further details. Café.").encode("cp1252")
    write(tmp_path, {"win.txt": raw})
    df, problems = ingest.read_articles(tmp_path)
    assert df["text"].iloc[0] == "“We are fine,” an embassy employee told TASS – without giving further details. Café."
    assert "win.txt: not valid UTF-8, decoded as cp1252; kept the text" in problems


@pytest.mark.parametrize(
    "raw, text, note",
    [
        ("Tehran’s ties".encode(), "Tehran’s ties", None),
        (b"\xef\xbb\xbf" + "Tehran’s ties".encode(), "Tehran’s ties", None),
        ("Tehran’s ties".encode("utf-16"), "Tehran’s ties", "decoded as UTF-16"),
        (b"Caf\xe9 \x93quoted\x94", "Café “quoted”", "not valid UTF-8, decoded as cp1252"),
        (b"T\x81rkiye", "T\x81rkiye", "not valid UTF-8 or cp1252, decoded as latin-1"),
    ],
)
def test_decode_never_fails(raw, text, note):
    assert ingest.decode(raw) == (text, note)


def test_unreadable_manifest_treats_every_file_as_unlisted(tmp_path):
    write(tmp_path, {"a.txt": P1, "manifest.csv": b"\x00\x01\x02PK\x03\x04" * 50})
    df, problems = ingest.read_articles(tmp_path)
    assert len(df) == 1 and df["published_basis"].tolist() == ["missing"]
    assert "manifest.csv: not a text file; treated every file as unlisted" in problems


def test_manifest_without_file_column(tmp_path):
    write(tmp_path, {"a.txt": P1, "manifest.csv": "name,published\na.txt,2025-02-02\n"})
    df, problems = ingest.read_articles(tmp_path)
    assert df["published_basis"].tolist() == ["missing"]
    assert "manifest.csv: no 'file' column (columns: name, published); treated every file as unlisted" in problems


def test_manifest_with_bad_row_bad_date_and_missing_file(tmp_path):
    write(
        tmp_path,
        {
            "a.txt": P1,
            "b.txt": P2,
            "c.txt": P1 + " " + P2,
            "manifest.csv": HEADER
            + "a.txt,A,,,08/12/2024,\n"  # not ISO
            + "b.txt,B,,,2024-02-30,\n"  # no such day
            + "c.txt,C,,,2024-12-08,,too,many,fields\n"  # malformed row
            + "gone.txt,Gone,,,2024-12-08,\n",
        },
    )
    df, problems = ingest.read_articles(tmp_path)
    rows = by_name(df)
    assert set(rows) == {"a.txt", "b.txt", "c.txt"}
    assert pd.isna(rows["a.txt"]["published"]) and rows["a.txt"]["title"] == "A"
    assert pd.isna(rows["b.txt"]["published"])
    assert "a.txt: manifest date '08/12/2024' is not a YYYY-MM-DD date; left published empty" in problems
    assert "b.txt: manifest date '2024-02-30' is not a YYYY-MM-DD date; left published empty" in problems
    assert "manifest.csv: row 4 has 9 fields, the header 6; row ignored" in problems
    assert "gone.txt: listed in manifest.csv but not in the folder; skipped its row" in problems
    assert "c.txt: not in manifest.csv; read it without title or manifest date" in problems


def test_duplicate_articles_keep_the_first(tmp_path):
    # Same words, different spacing, case and quotes: the same article saved twice.
    write(tmp_path, {"a.txt": P1 + "\n\n" + P2, "b.txt": P1.upper().replace("'", "’") + "\n" + P2 + "\n"})
    df, problems = ingest.read_articles(tmp_path)
    assert df["article"].tolist() == ["a.txt"]
    assert problems == [
        "manifest.csv: not found; every article is unlisted (no titles, dates from pages or text)",
        "b.txt: same text as a.txt; kept a.txt, skipped b.txt",
    ]


def test_duplicates_are_found_across_chunks(tmp_path):
    write(tmp_path, {"a.txt": P1, "b.txt": P2, "c.txt": P1})
    chunks = list(ingest.iter_articles(tmp_path, chunk_size=1))
    assert [c["article"].tolist() for c, _ in chunks] == [["a.txt"], ["b.txt"], []]
    assert "c.txt: same text as a.txt; kept a.txt, skipped c.txt" in chunks[2][1]


def test_five_megabyte_article_is_cut_at_the_cap(tmp_path):
    para = P1 + " " + P2 + "\n\n"
    big = para * (5_000_000 // len(para) + 1)
    write(tmp_path, {"big.txt": big})
    df, problems = ingest.read_articles(tmp_path)
    text = df["text"].iloc[0]
    assert len(text) <= ingest.MAX_CHARS and big.startswith(text) and text.endswith(P2)
    assert f"big.txt: {len(big):,} characters, over the 1,000,000 cap; kept the first {len(text):,}" in problems


def test_folder_must_exist(tmp_path):
    with pytest.raises(NotADirectoryError):
        ingest.read_articles(tmp_path / "nope")


# --- web pages (fixtures/html, see its README) ---------------------------------------

HTML = FIXTURES / "html"
DW = (HTML / "dw.com.uncork.html").read_text(encoding="utf-8")
SALON = (HTML / "salon.com.emissions.html").read_text(encoding="utf-8")
NATGEO = (HTML / "nationalgeographic.co.uk.goats.html").read_text(encoding="utf-8")
BOING = (HTML / "boingboing.net.millenials.html").read_text(encoding="utf-8")
SYNTHETIC = (HTML / "synthetic_script.html").read_text(encoding="utf-8")
PAGES = {"dw": DW, "salon": SALON, "natgeo": NATGEO, "boing": BOING}


@functools.cache
def page(name: str) -> dict:
    """extract_html of a fixture page, once per test session (trafilatura is the slow part)."""
    return ingest.extract_html(PAGES[name])


@pytest.mark.parametrize(
    "name, sentence",
    [
        (
            "dw",
            "Climbing out of Ahrweiler, a charming medieval village just south of Bonn, the path ascends at such an "
            "ominous gradient that my legs are jelly by half way and my lungs begging for oxygen.",
        ),
        (
            "dw",
            "The Kreuzberg family winery, situated opposite the meandering Ahr River in Dernau, is largely responsible "
            "for the variety's rehabilitation, and in 2011 winemaker Ludwig Kreuzberg was awarded Collection of the Year "
            "at the German Wine Awards.",
        ),
        (
            "dw",
            'He places it on the table and whispers, "So you\'ve discovered our little secret?" I most certainly have.',
        ),
        (
            "salon",
            "Perhaps surprisingly, total emissions fell 2 percent compared with the year before, according to the "
            "Rhodium Group, a research firm that frequently crunches climate numbers.",
        ),
        ("salon", "The country now generates half as much coal-fired electricity as it did in 2009."),
        (
            "salon",
            "Renewable energy from hydroelectricity, solar power, and wind turbines, increased 6 percent in 2019.",
        ),
        (
            "natgeo",
            "It takes four hours to sail to Redonda, but only two minutes of wandering around here before the first "
            "dragon appears.",
        ),
        (
            "natgeo",
            "But the mine shut down following the outbreak of World War I, and two critical things were left "
            "behind: goats, and rats.",
        ),
        (
            "natgeo",
            "A study from 2012 counted 17 different types of vegetation growing on Redonda; the latest count, from "
            "2019, showed 88.",
        ),
        (
            "boing",
            "Cartoonist Matt Bors got a spot on CNN for his great, scathing critique of the narrative of the lazy, "
            'narcissistic "Millennials," which has gone well beyond "get off my lawn" territory and into the realm '
            "of out-and-out demographic prejudice.",
        ),
        ("boing", "Click through for the whole thing."),
    ],
)
def test_real_page_main_text_is_extracted(name, sentence):
    assert sentence in page(name)["text"]


@pytest.mark.parametrize(
    "name, junk",
    [
        ("dw", "We use cookies"),  # cookie banner
        ("dw", "DW.COM in 30 languages"),  # meta navigation
        ("dw", "TOP STORIES"),  # breadcrumbs and footer
        ("dw", "Advertisement"),  # ad slot
        ("dw", "Hip Berliners drink foreign beer"),  # "DW recommends"
        ("dw", "Sour grapes"),  # related content
        ("dw", "Print this page"),  # toolbox
        ("dw", "Deutsche Welle |"),  # footer copyright
        ("salon", "News & Politics"),  # navigation
        ("salon", "Little America"),  # "Up Next" teasers
        ("salon", "Advertisement"),  # ad slots inside the article
        ("salon", "Related Topics"),  # topic buttons
        ("salon", "Show Comments"),  # comments button
        ("salon", "Fearless journalism"),  # newsletter form
        ("salon", "Copyright ©"),  # footer
        ("natgeo", "Magazine subscription"),  # top navigation
        ("natgeo", "Michael Hingston"),  # byline and share kit
        ("natgeo", "Cookie Policy"),  # footer links
        ("natgeo", "Cookie Settings"),  # consent button
        ("natgeo", "You might also like"),  # recommendations
        ("natgeo", "loneliest tree"),  # a recommended article
        ("boing", "Follow Us"),  # sidebar
        ("boing", "82 COMMENTS"),  # comment count link
        ("boing", "GET THE BOING BOING NEWSLETTER"),  # newsletter form
        ("boing", "Choir! Choir! Choir!"),  # next-post teaser (dated 2019)
        ("boing", "READ THE REST"),  # teaser links
        ("boing", "Wix Unlimited Plan"),  # sponsored teaser
        ("boing", "uses cookies"),  # footer cookie notice
    ],
)
def test_real_page_boilerplate_is_left_out(name, junk):
    assert junk not in page(name)["text"]


@pytest.mark.parametrize(
    "name, title, source, url",
    [
        (
            "dw",
            "Uncork the mystery of Germany's Frühburgunder | DW | 10.06.2013",
            "DW.COM",
            "https://www.dw.com/en/uncork-the-mystery-of-germanys-fr%C3%BChburgunder/a-16863843",
        ),
        (
            "salon",
            "Despite everything, U.S. emissions dipped in 2019",
            "Salon.com",
            "https://www.salon.com/2020/01/10/despite-everything-u-s-emissions-dipped-in-2019_partner/",
        ),
        (
            "natgeo",
            "Ravenous wild goats ruled this island for over a century. Now, it's being reborn.",
            "National Geographic",
            "https://www.nationalgeographic.co.uk/environment-and-conservation/2020/01/ravenous-wild-goats-ruled-island-over-century-now-its-being",
        ),
        (
            "boing",
            "Hating Millennials - the prejudice you're allowed to boast about",
            "Boing Boing",
            "https://boingboing.net/2013/07/19/hating-millennials-the-preju.html",
        ),
    ],
)
def test_real_page_metadata(name, title, source, url):
    assert (page(name)["title"], page(name)["source"], page(name)["url"]) == (title, source, url)


@pytest.mark.parametrize(
    "name, published, source_that_won",
    [
        # No publication field; htmldate alone takes the related-content teaser (01.08.2019),
        # eight years after the last year the article mentions (2011).
        (
            "dw",
            "2013-06-10",
            "htmldate limited to 1898-2013, the years the text mentions (± 2); unrestricted it gave 2019-08-01",
        ),
        ("salon", "2020-01-10", "page's declared publication date (article:published_time / datePublished)"),
        # <meta name="date"> and the date line under the headline are the update (6 January);
        # article:published_time says 3 January.
        (
            "natgeo",
            "2020-01-03",
            "page's declared publication date (article:published_time / datePublished); "
            "htmldate's page date 2020-01-06 differs (an update or a teaser)",
        ),
        # The next-post teasers are dated 2019-09-24/25; the post itself is from 19 July 2013.
        ("boing", "2013-07-19", "page's declared publication date (article:published_time / datePublished)"),
    ],
)
def test_real_page_date(name, published, source_that_won):
    assert (page(name)["published"], page(name)["published_note"]) == (published, source_that_won)


def test_json_ld_date_published_is_a_declaration_too():
    # Salon without its meta tags: only the JSON-LD "datePublished" is left.
    html = SALON.replace('property="article:published_time"', 'property="x"').replace(
        'name="parsely-pub-date"', 'name="x"'
    )
    assert webpage.choose_published(html, "In 2019 emissions fell.") == (
        "2020-01-10",
        "page's declared publication date (article:published_time / datePublished)",
    )


@pytest.mark.parametrize(
    "text, years",
    [
        (
            "In 2011 winemaker Ludwig Kreuzberg was awarded Collection of the Year; in 1981 the vines were planted.",
            (1981, 2011),
        ),
        ("More than 2,000 people and 6,000 black rats.", None),  # a thousands separator is no year
        ("No year at all.", None),
    ],
)
def test_text_years(text, years):
    assert webpage.text_years(text) == years


def test_page_date_outside_the_text_years_is_kept_when_nothing_else_fits():
    # A page whose only date is a copyright year far from the years the text mentions.
    html = (
        "<html><head><meta name='date' content='2024-05-01'></head><body><article><p>The war ended in 1918, "
        "four years after it began in 1914.</p></article></body></html>"
    )
    assert webpage.choose_published(html, "The war ended in 1918, four years after it began in 1914.") == (
        "2024-05-01",
        "htmldate (page markup); outside the years the text mentions (1914-1918)",
    )


def test_script_and_javascript_link_in_the_body_stay_literal_text():
    page = ingest.extract_html(SYNTHETIC)
    assert "<script>alert(1)</script>" in page["text"]
    assert "[link](javascript:alert(1))" in page["text"]
    assert "Injected by script" not in page["text"]  # a real <script> is code, not text
    assert "Leave a Reply" not in page["text"] and "Great article" not in page["text"]  # comments dropped
    assert "Home" not in page["text"]  # navigation dropped
    assert page["published"] == "2025-01-30" and page["source"] == "Example Wire"


def test_html_files_in_a_folder_get_page_metadata_unless_the_manifest_has_a_date(tmp_path):
    write(
        tmp_path,
        {
            "page.html": SYNTHETIC,
            "dated.htm": SYNTHETIC.replace("Officials said", "Diplomats said"),
            "manifest.csv": HEADER + "dated.htm,Manifest title,,,2025-02-02,\n",
        },
    )
    rows = by_name(ingest.read_articles(tmp_path)[0])
    assert rows["page.html"]["published"] == "2025-01-30" and rows["page.html"]["published_basis"] == "page metadata"
    assert rows["page.html"]["format"] == "html" and rows["page.html"]["title"] == "Ministry reports talks on the bases"
    assert rows["dated.htm"]["published"] == "2025-02-02" and rows["dated.htm"]["published_basis"] == "manifest"
    assert rows["dated.htm"]["title"] == "Manifest title" and rows["dated.htm"]["source"] == "Example Wire"


def test_build_on_a_real_page_without_manifest(tmp_path):
    from pipeline.build import build

    write(tmp_path, {"salon.com.emissions.html": SALON})
    result = build(tmp_path)
    art = result.articles.iloc[0]
    assert (art["published"], art["published_basis"], art["format"]) == ("2020-01-10", "page metadata", "html")
    assert art["published_note"].startswith("page's declared publication date")
    assert result.stats["sentences"] >= 15 and result.stats["timexes"] >= 4
    assert result.summary.startswith(f"{len(result.events)} events") and "from 1 articles" in result.summary
    # Only the expected notice: no manifest. Nothing crashed, nothing was skipped.
    assert result.problems == [
        "manifest.csv: not found; every article is unlisted (no titles, dates from pages or text)"
    ]


def test_links_leaving_the_folder_loops_and_subfolders_are_reported_not_followed(tmp_path):
    import os

    outside = tmp_path / "private.txt"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\nRussia attacked on Sunday.\n", encoding="utf-8")
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Russia attacked Kyiv on Sunday, Ukrainian officials said.\n", encoding="utf-8")
    (folder / "sub" / "b.txt").write_text("Turkey met Iran in Ankara on Monday.\n", encoding="utf-8")
    (folder / "c.txt").write_text("Iran met Turkey in Tehran on Friday, officials said.\n", encoding="utf-8")
    os.symlink(outside, folder / "leak.txt")
    os.symlink(folder / "c.txt", folder / "c_link.txt")  # inside the folder: read (a copy of c.txt)
    os.symlink("loop2.txt", folder / "loop1.txt")
    os.symlink("loop1.txt", folder / "loop2.txt")
    os.symlink(".", folder / "self.txt")
    os.symlink("gone.txt", folder / "dangling.txt")
    articles, problems = ingest.read_articles(folder)
    assert articles["article"].tolist() == ["a.txt", "c.txt"]
    assert not articles["text"].str.contains("root:").any()
    joined = "\n".join(problems)
    assert "leak.txt: symbolic link to a file outside the articles folder; not followed" in joined
    assert "loop1.txt: symbolic link loop" in joined and "loop2.txt: symbolic link loop" in joined
    assert "self.txt: symbolic link loop" in joined
    assert "dangling.txt: symbolic link to a missing file" in joined
    assert "sub: a subfolder; its files are not read" in joined
    assert "c_link.txt: same text as c.txt" in joined


RUSSIAN = (
    "Москва заявила в воскресенье, что российские войска покинули базу под Дамаском. "
    "Министр обороны сказал, что переговоры с новыми властями Сирии продолжатся на следующей неделе."
)


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
def test_russian_in_a_windows_or_koi8_code_page_is_decoded_and_the_note_names_it(tmp_path, encoding):
    write(tmp_path, {"ru.txt": RUSSIAN.encode(encoding)})
    df, problems = ingest.read_articles(tmp_path)
    assert df["text"].iloc[0] == RUSSIAN
    assert f"ru.txt: not valid UTF-8, decoded as {encoding} (detected); kept the text" in problems


def test_the_same_text_in_two_encodings_is_one_article(tmp_path):
    write(tmp_path, {"a_utf8.txt": RUSSIAN.encode("utf-8"), "b_cp1251.txt": RUSSIAN.encode("cp1251")})
    df, problems = ingest.read_articles(tmp_path)
    assert df["article"].tolist() == ["a_utf8.txt"]
    assert any(p.startswith("b_cp1251.txt: same text as a_utf8.txt") for p in problems)


def test_an_unbalanced_quote_in_the_manifest_names_every_row_it_swallowed():
    text = 'file,title,published\na.txt,"Talks resume,2024-12-01\nb.txt,Second,2024-12-02\nc.txt,Third,2024-12-03\n'
    df, problems = ingest.read_manifest_text(text)
    assert df.empty
    assert problems == [
        'manifest.csv: lines 2-4 were read as one row (an unbalanced quote " in line 2); 3 rows ignored: '
        "a.txt, b.txt, c.txt"
    ]


def test_a_lone_carriage_return_in_a_title_survives_the_articles_round_trip(tmp_path):
    from pipeline.write import read_table, write_table

    write(
        tmp_path,
        {
            "a.txt": "Russia attacked Kyiv on Sunday, officials said.\n",
            "manifest.csv": 'file,title,published\na.txt,"Strikes on Kyiv\rcontinue",2024-12-10\n',
        },
    )
    df, _ = ingest.read_articles(tmp_path)
    assert df["title"].iloc[0] == "Strikes on Kyiv\rcontinue"
    write_table(df, tmp_path / "out" / "events_articles.csv")
    back = read_table(tmp_path / "out" / "events_articles.csv")
    assert back["title"].tolist() == ["Strikes on Kyiv\rcontinue"] and len(back) == 1


def test_control_characters_in_file_names_are_escaped_in_problem_lines(tmp_path):
    from pipeline.build import build

    (tmp_path / "bad\nname\x1b[2J.txt").write_bytes(b"")
    (tmp_path / "ok.txt").write_text("Russia attacked Kyiv on Sunday, officials said.\n", encoding="utf-8")
    problems = build(tmp_path).problems
    assert "bad\\nname\\x1b[2J.txt: empty file; skipped" in problems
    assert all(p.isprintable() for p in problems)


def test_a_page_the_extractor_chokes_on_is_reported_and_the_rest_is_read(tmp_path, monkeypatch):
    def extract(text):
        if "choke" in text:
            raise RecursionError("maximum recursion depth exceeded")
        return webpage.extract_html(text)

    monkeypatch.setattr(ingest, "extract_html", extract)
    write(tmp_path, {"a.html": "<html><body><p>choke</p></body></html>", "b.txt": "Russia said on Sunday it left.\n"})
    df, problems = ingest.read_articles(tmp_path)
    assert df["article"].tolist() == ["b.txt"]
    assert "a.html: could not be read (RecursionError: maximum recursion depth exceeded); skipped" in problems
