"""From a folder of news articles to a table of dated, actor-tagged events.

The build (`pipeline.build.build`) runs these stages in this order; each is a
pure function over DataFrames in a module named after what it does:

1. ingest     files + manifest.csv -> `articles`: one row per readable article,
              with its text (web pages through trafilatura) and publication date.
2. clean      `articles` -> `blocks`: every paragraph of the text, marked as
              body, caption or boilerplate (comment prompts, related posts, ...).
3. sentences  `articles`, `blocks` -> `sentences`: body and caption sentences,
              with character offsets into the article's text.
4. timex      `sentences` -> `timexes`: temporal expressions with TIMEX3 values;
              relative ones carry a placeholder ("UNDEF-last-Tuesday").
5. resolve    `timexes`, `articles` -> `timexes` with values filled from each
              article's publication date (inferred from the text when missing),
              a date range, a precision and a one-line explanation.
6. actors     `sentences` -> `mentions`: states, organizations, armed groups,
              people (with affiliation) and places, from the gazetteer in one pass.
7. events     `sentences`, `timexes`, `mentions` -> one candidate event per
              dated sentence that names an actor and an event cue.
8. merge      candidates -> `events` (one row per real-world event, every source
              counted) and `evidence` (every supporting sentence).

Dates are resolved before actors because an alias can depend on the date
("Moscow" is the Soviet Union before 1991-12-26). Output columns are defined in
`pipeline.schema`; writing is atomic (`pipeline.write`).
"""
