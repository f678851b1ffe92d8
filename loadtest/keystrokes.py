"""Search typed the way people type it, for the Locust searchers: a title's words entered a few letters
at a time (one request per burst, as a debounced search box sends), now and then with a typo that the
typist does not go back to fix."""

import random
import re

_WORD = re.compile(r"[^\W\d_]+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
TYPO_SHARE = 0.25  # searches with one mistyped word
MAX_WORDS = 3


def words_of(title: str) -> list[str]:
    """A title's searchable words, lower-cased: letters only, three or more of them."""
    return [word for word in _WORD.findall(title.casefold()) if len(word) >= 3]


def mistype(word: str, rng: random.Random) -> str:
    """``word`` with one letter replaced, dropped or doubled, never the first (people get that one right)."""
    at = rng.randrange(1, len(word))
    edit = rng.choice(("replace", "drop", "double") if len(word) > 4 else ("replace", "double"))
    if edit == "replace":
        return word[:at] + rng.choice(_LETTERS.replace(word[at], "")) + word[at + 1 :]
    if edit == "drop":
        return word[:at] + word[at + 1 :]
    return word[:at] + word[at] + word[at:]


def keystrokes(title: str, rng: random.Random) -> list[str]:
    """The queries a search box sends while someone types up to ``MAX_WORDS`` words of ``title``: the text
    after each burst of 1-4 keys, the last one the whole typed text. Empty when the title has no word."""
    words = words_of(title)
    if not words:
        return []
    start = rng.randrange(len(words))
    typed = words[start : start + rng.randint(1, MAX_WORDS)]
    if rng.random() < TYPO_SHARE:
        candidates = [i for i, word in enumerate(typed) if len(word) >= 5]
        if candidates:
            at = rng.choice(candidates)
            typed[at] = mistype(typed[at], rng)
    text = " ".join(typed)
    queries, end = [], 0
    while end < len(text):
        end = min(len(text), end + rng.randint(1, 4))
        if text[:end].strip() and not text[:end].endswith(" "):
            queries.append(text[:end])
    return queries
