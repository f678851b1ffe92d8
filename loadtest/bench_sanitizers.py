"""Lesson HTML sanitising, nh3 vs bleach: a CPU-bound micro-benchmark on a generated lesson corpus.

    .venv/bin/python -m loadtest.bench_sanitizers [--docs 200] [--repeat 5] [--seed 5] [--no-write]

Both sanitisers get the same input: markdown-it's output for each lesson, exactly as GET /lessons/{id}
produces it, and the same allowlist (write.rendering's constants). Each call is timed on its own with
perf_counter_ns after a warm-up pass; p50/p99/mean per document and throughput are printed, and written to
docs/benchmarks.md ("Lesson HTML sanitising: nh3 vs bleach"). The run fails (exit 1) if either sanitiser
lets anything unsafe through, on the hostile lessons or on the raw hostile HTML of the renderer's tests.

Decision recorded in docs/adr/0005-html-sanitiser.md. Run from the repository root: the hostile strings and
the HTML safety check are the test suite's own (tests/write), so "safe" means the same thing here.
"""

import argparse
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import bleach
from bleach.html5lib_shim import Filter

from loadtest.report import REPORT, ROOT, machine, write_section
from tests.write.html_helpers import unsafe_parts
from tests.write.xss_vectors import HOSTILE
from write import rendering

SECTION = "## Lesson HTML sanitising: nh3 vs bleach"

# --- the corpus ------------------------------------------------------------------------------------------

_WORD_TEXT = (
    "the a of to and in is that for it as with be on by this are from or an at which can we function value "
    "variable list query index table request response server client test error type class method loop data "
    "model module package return import string number object array schema migration transaction cache "
    "latency throughput example result note important first then next finally because however instead "
    "student lesson exercise chapter practice review solution problem approach pattern design system"
)
WORDS = _WORD_TEXT.split()
LANGUAGES = ["python", "javascript", "sql", "bash", "rust", "text", "go"]
CODE_LINES = [
    "def handler(request):",
    "    user = await repository.get(request.user_id)",
    "    return {'id': user.id, 'name': user.name}",
    "SELECT id, title FROM courses WHERE status = 'published' ORDER BY created_at DESC;",
    "for (const item of items) { total += item.price * item.quantity; }",
    "if response.status_code != 200:",
    "    raise RuntimeError(f'unexpected {response.status_code}')",
    "let v: Vec<u32> = (0..10).map(|x| x * x).collect();",
    "curl -s https://api.example.com/v1/courses | jq '.items[0]'",
    "x = [i ** 2 for i in range(10) if i % 2 == 0]  # <even squares> & more",
]
# Hostile lines in markdown (as a teacher could type them); the renderer's tests hold the full list.
HOSTILE_MARKDOWN = [h for h in HOSTILE if "\n" not in h]


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 18))
    spot = rng.randrange(len(words))
    words[spot] = rng.choice(
        [
            f"**{words[spot]}**",
            f"*{words[spot]}*",
            f"`{words[spot]}()`",
            f"[{words[spot]}](https://docs.example.com/{words[spot]}/{rng.randint(1, 999)})",
            f"~~{words[spot]}~~",
            words[spot],
        ]
    )
    return " ".join(words).capitalize() + "."


def _block(rng: random.Random, hostile: bool) -> str:
    kind = rng.choices(
        ["para", "list", "ordered", "code", "quote", "table", "image", "heading"], [8, 3, 2, 3, 1, 1, 1, 2]
    )[0]
    if hostile and rng.random() < 0.35:
        return rng.choice(HOSTILE_MARKDOWN)
    if kind == "para":
        return " ".join(_sentence(rng) for _ in range(rng.randint(2, 6)))
    if kind == "list":
        items = [f"- {_sentence(rng)}" for _ in range(rng.randint(3, 8))]
        if rng.random() < 0.3:
            items.insert(1, f"  - {_sentence(rng)}")
        return "\n".join(items)
    if kind == "ordered":
        return "\n".join(f"{n}. {_sentence(rng)}" for n in range(1, rng.randint(3, 7)))
    if kind == "code":
        body = "\n".join(rng.choices(CODE_LINES, k=rng.randint(3, 15)))
        return f"```{rng.choice(LANGUAGES)}\n{body}\n```"
    if kind == "quote":
        return "> " + _sentence(rng) + "\n> " + _sentence(rng)
    if kind == "table":
        rows = ["| term | meaning | cost |", "|:-----|:-------:|-----:|"]
        rows += [
            f"| `{rng.choice(WORDS)}` | {_sentence(rng)} | {rng.randint(1, 99)} |" for _ in range(rng.randint(2, 6))
        ]
        return "\n".join(rows)
    if kind == "image":
        return f'![diagram {rng.randint(1, 9)}](https://img.example.com/{rng.randint(1, 9999)}.png "Figure")'
    return "#" * rng.randint(2, 4) + " " + _sentence(rng).rstrip(".")


def lesson_corpus(count: int, seed: int) -> tuple[list[str], list[bool]]:
    """``count`` lessons of 1-20 KB (log-uniform: many short, some long); about one in eight hostile."""
    rng = random.Random(seed)
    documents, hostile_flags = [], []
    for _ in range(count):
        target = int(1024 * 20 ** rng.random())
        hostile = rng.random() < 0.125
        parts = [f"# {_sentence(rng).rstrip('.')}"]
        while sum(len(part) + 2 for part in parts) < target:
            parts.append(_block(rng, hostile))
        documents.append("\n\n".join(parts)[: 20 * 1024])
        hostile_flags.append(hostile)
    return documents, hostile_flags


# --- bleach, configured like write.rendering's nh3 cleaner -------------------------------------------------


def _bleach_allows(tag: str, name: str, value: str) -> bool:
    if name in rendering.ALLOWED_ATTRIBUTES.get(tag, ()):
        if name in ("href", "src"):
            # nh3 runs with url_relative="deny": only absolute URLs of an allowed scheme (bleach then
            # re-checks the scheme itself).
            scheme, colon, _ = value.strip().partition(":")
            return bool(colon) and scheme.lower() in rendering.URL_SCHEMES
        return True
    # bleach cannot filter class tokens: an exact "language-xxx" value or nothing. Table-cell alignment
    # (style) is not kept: bleach blanks any style without its tinycss2-based CSS sanitiser.
    return tag == "code" and name == "class" and value in rendering.ALLOWED_CLASSES["code"]


class _ForcedAttributes(Filter):
    """nh3's link_rel and set_tag_attribute_values, as an html5lib filter run after bleach's sanitising."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag"):
                if token["name"] == "a":
                    token["data"][(None, "rel")] = rendering.LINK_REL
                for name, value in rendering.FORCED_ATTRIBUTES.get(token["name"], {}).items():
                    token["data"][(None, name)] = value
            yield token


BLEACH = bleach.Cleaner(
    tags=set(rendering.ALLOWED_TAGS),
    attributes=_bleach_allows,
    protocols=set(rendering.URL_SCHEMES),
    strip=True,  # drop disallowed tags (their text stays, escaped), as nh3 does
    strip_comments=True,
    filters=[_ForcedAttributes],  # no LinkifyFilter: text is never turned into links
)

SANITISERS: dict[str, Callable[[str], str]] = {"nh3": rendering.sanitise_html, "bleach": BLEACH.clean}


# --- measuring -------------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    samples_ns: list[int]
    input_bytes: int

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.samples_ns)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] / 1000

    @property
    def mean_us(self) -> float:
        return statistics.fmean(self.samples_ns) / 1000

    @property
    def docs_per_s(self) -> float:
        return len(self.samples_ns) / (sum(self.samples_ns) / 1e9)

    @property
    def mb_per_s(self) -> float:
        return self.input_bytes / 1e6 / (sum(self.samples_ns) / 1e9)


def measure(name: str, function: Callable[[str], str], inputs: list[str], repeat: int) -> Result:
    for text in inputs:  # warm-up: imports, caches, allocator
        function(text)
    gc.collect()
    samples = []
    clock = time.perf_counter_ns
    for _ in range(repeat):
        for text in inputs:
            start = clock()
            function(text)
            samples.append(clock() - start)
    size = sum(len(text.encode()) for text in inputs) * repeat
    return Result(name, samples, size)


def safety_failures(corpus_html: list[str], hostile: list[bool]) -> dict[str, list[str]]:
    """Per sanitiser: what it let through, on the hostile lessons and on the raw hostile HTML strings."""
    failures: dict[str, list[str]] = {}
    hostile_html = [html for html, flag in zip(corpus_html, hostile, strict=True) if flag]
    for name, function in SANITISERS.items():
        found = []
        for source in hostile_html + HOSTILE:
            found += [f"{source[:60]!r}: {part}" for part in unsafe_parts(function(source))]
        failures[name] = found
    return failures


# --- reporting -------------------------------------------------------------------------------------------


def table(results: list[Result]) -> list[str]:
    lines = [
        "| step | p50 µs | p99 µs | mean µs | docs/s | MB/s (input) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.percentile(0.50):,.0f} | {r.percentile(0.99):,.0f} | {r.mean_us:,.0f} "
            f"| {r.docs_per_s:,.0f} | {r.mb_per_s:,.1f} |"
        )
    return lines


def report(
    args,
    command: str,
    host: dict[str, str],
    corpus: list[str],
    hostile: list[bool],
    html: list[str],
    results: list[Result],
    failures,
) -> str:
    by_name = {r.name: r for r in results}
    nh3_r, bleach_r, md_r = by_name["nh3"], by_name["bleach"], by_name["markdown-it"]
    sizes = sorted(len(doc.encode()) for doc in corpus)
    lines = [
        SECTION,
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `{command}`.",
        "",
        *[f"- {key}: {value}" for key, value in host.items()],
        f"- Corpus: {len(corpus)} generated lessons (seed {args.seed}), markdown {sizes[0] / 1024:.1f}-"
        f"{sizes[-1] / 1024:.1f} KB (median {statistics.median(sizes) / 1024:.1f} KB, total "
        f"{sum(sizes) / 1024:.0f} KB); markdown-it's HTML of them: {sum(len(h.encode()) for h in html) / 1024:.0f} KB. "
        f"Headings, paragraphs with inline markup and links, lists, fenced code, quotes, tables, images; "
        f"{sum(hostile)} lessons carry hostile snippets.",
        f"- Method: each call timed alone (`time.perf_counter_ns`), one warm-up pass, then {args.repeat} passes "
        f"over the corpus = {len(nh3_r.samples_ns)} calls per step, single thread, GC on. Sanitisers get "
        "markdown-it's output; MB/s counts their input bytes.",
        "",
        *table(results),
        "",
        f"- nh3 is **{bleach_r.mean_us / nh3_r.mean_us:.0f}x faster** than bleach on the mean "
        f"({bleach_r.percentile(0.5) / nh3_r.percentile(0.5):.0f}x at p50, "
        f"{bleach_r.percentile(0.99) / nh3_r.percentile(0.99):.0f}x at p99).",
        f"- Per lesson, markdown + nh3 costs {md_r.mean_us + nh3_r.mean_us:,.0f} µs on average; markdown + bleach "
        f"{md_r.mean_us + bleach_r.mean_us:,.0f} µs. With nh3 the sanitiser is "
        f"{100 * nh3_r.mean_us / (md_r.mean_us + nh3_r.mean_us):.0f}% of the rendering; with bleach "
        f"{100 * bleach_r.mean_us / (md_r.mean_us + bleach_r.mean_us):.0f}%.",
        "- Safety, on the hostile lessons plus the renderer tests' "
        f"{len(HOSTILE)} raw hostile HTML/markdown strings (no script/style/iframe/…, no on* attributes, only "
        "http/https/mailto URLs, rel on every link): "
        + "; ".join(f"{name} {'OK' if not found else f'{len(found)} FAILURES'}" for name, found in failures.items())
        + ".",
        "- Same allowlist for both (write/rendering.py). Differences: bleach keeps no table-cell alignment (it "
        "blanks every `style` unless given its tinycss2 CSS sanitiser), and keeps the *text* of dropped "
        "`<script>`/`<style>` elements (escaped), where nh3 drops it.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=200, help="lessons in the corpus")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes over the corpus")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    command = " ".join([".venv/bin/python -m loadtest.bench_sanitizers", *(argv if argv is not None else sys.argv[1:])])

    host = machine(("nh3", "bleach", "markdown-it-py"))  # before the run: its load average is the other work's
    corpus, hostile = lesson_corpus(args.docs, args.seed)
    html = [rendering.markdown_to_html_unsanitised(doc) for doc in corpus]
    print(f"{len(corpus)} lessons, {sum(map(len, corpus)) / 1024:.0f} KB of markdown; timing ...", flush=True)
    results = [
        measure("markdown-it", rendering.markdown_to_html_unsanitised, corpus, args.repeat),
        measure("nh3", SANITISERS["nh3"], html, args.repeat),
        measure("bleach", SANITISERS["bleach"], html, args.repeat),
    ]
    results[0].input_bytes = sum(len(doc.encode()) for doc in corpus) * args.repeat  # markdown bytes in
    failures = safety_failures(html, hostile)

    text = report(args, command, host, corpus, hostile, html, results, failures)
    print("\n".join(table(results)))
    print("\n".join(line for line in text.splitlines() if line.startswith("- nh3 is") or line.startswith("- Safety")))
    for name, found in failures.items():
        for failure in found[:20]:
            print(f"UNSAFE {name}: {failure}")
    if not args.no_write:
        write_section(SECTION, text)
        print(f"written: {REPORT.relative_to(ROOT)}")
    return 1 if any(failures.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
