"""The pages' JavaScript as native ES modules (Public/shared, Public/resident, Public/pro, Public/stats), read as text.

Holds the house rules that no browser test would notice breaking: every named import exists, imports only
go downward (entry → views → services → state → shared) and never in a circle, a view never imports
another view, no file is over 400 lines (the strings tables are the exception), and each page preloads
exactly the modules its entry point needs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PUBLIC = Path(__file__).resolve().parents[2] / "Public"
MAX_LINES = 400
STRINGS_TABLES = {"resident/strings.js", "pro/strings.js"}

# Each module's level; a module imports only from lower levels, or from its own level where that level
# is a toolkit of peers (shared, page helpers, services). Views (3) never import each other.
LEVELS = {
    "shared": 0,
    "resident/state.js": 1, "resident/strings.js": 1, "resident/conversation/call-back-strings.js": 1,
    "resident/conversation/reply-text-strings.js": 1, "resident/conversation/retriage-strings.js": 1,
    "resident/words.js": 2, "resident/titles.js": 2, "resident/errors.js": 2, "resident/render.js": 2, "resident/catalog.js": 2,
    "resident/conversation/call-back-words.js": 2,
    "resident/child-code.js": 3,
    "resident/conversation/uploads.js": 3, "resident/conversation/outbox.js": 3,
    "resident/conversation/photos.js": 3, "resident/conversation/poll.js": 3, "resident/conversation/attention.js": 3,
    "resident/subject.js": 4, "resident/service.js": 4, "resident/questions.js": 4, "resident/red-flag.js": 4,
    "resident/identification.js": 4, "resident/feedback.js": 4,
    "resident/conversation/status.js": 4, "resident/conversation/timeline.js": 4, "resident/conversation/notify-offer.js": 4,
    "resident/conversation/call-back.js": 4, "resident/conversation/reply-text.js": 4, "resident/conversation/retriage.js": 4,
    "resident/conversation/passed-on.js": 4,
    "resident/service-hours.js": 4, "resident/earlier.js": 4, "resident/forget.js": 4,
    "resident/main.js": 5,
    "pro/state.js": 1, "pro/strings.js": 1,
    "pro/words.js": 2, "pro/render.js": 2, "pro/child-identity.js": 2,
    "pro/signal.js": 3, "pro/modal.js": 3, "pro/queue-feed.js": 3, "pro/cases.js": 3, "pro/stream.js": 3,
    "pro/call-feed.js": 3,
    "pro/session.js": 4, "pro/queue.js": 4, "pro/queue-filter.js": 4, "pro/my-cases.js": 4, "pro/case-view.js": 4, "pro/timeline.js": 4,
    "pro/compose.js": 4, "pro/photos.js": 4, "pro/dialogs.js": 4, "pro/shifts.js": 4, "pro/admin.js": 4,
    "pro/call-backs.js": 4, "pro/call-panel.js": 4, "pro/dialog-strings.js": 1, "pro/dialog-more.js": 4,
    "pro/main.js": 5,
    "stats/state.js": 1, "stats/strings.js": 1,
    "stats/words.js": 2, "stats/render.js": 2, "stats/range.js": 2, "stats/chart.js": 2, "stats/table.js": 2,
    "stats/card.js": 2, "stats/log-words.js": 2,
    "stats/report-feed.js": 3, "stats/live-feed.js": 3, "stats/log-feed.js": 3,
    "stats/session.js": 4, "stats/filters.js": 4, "stats/live.js": 4, "stats/figures.js": 4, "stats/times.js": 4,
    "stats/groups.js": 4, "stats/flags.js": 4, "stats/comments.js": 4, "stats/access-log.js": 4,
    "stats/call-backs.js": 4,
    "stats/main.js": 5,
}
VIEWS = 4
PAGES = {"index.html": "resident/main.js", "pro/index.html": "pro/main.js", "stats/index.html": "stats/main.js"}

IMPORT_RE = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"([^"]+)";', re.M)
EXPORT_RE = re.compile(r"^export\s+(?:async\s+)?(?:function|const|let|class)\s+([\w$]+)(.*)$", re.M)


def modules() -> list[str]:
    return sorted(p.relative_to(PUBLIC).as_posix() for d in ("shared", "resident", "pro", "stats") for p in (PUBLIC / d).rglob("*.js"))


def level(name: str) -> int:
    return LEVELS["shared"] if name.startswith("shared/") else LEVELS[name]


def imports(name: str) -> list[tuple[str, list[str]]]:
    """(imported module, names) for each import of `name`, module paths relative to Public/."""
    source = (PUBLIC / name).read_text(encoding="utf-8")
    found = []
    for names, target in IMPORT_RE.findall(source):
        path = ((PUBLIC / name).parent / target).resolve().relative_to(PUBLIC.resolve()).as_posix()
        found.append((path, [n.strip().split(" as ")[0] for n in names.split(",") if n.strip()]))
    return found


def exports(name: str) -> set[str]:
    names = set()
    for first, rest in EXPORT_RE.findall((PUBLIC / name).read_text(encoding="utf-8")):
        names.add(first)
        names.update(re.findall(r",\s*([\w$]+)\s*=", rest))  # export const A = 1, B = 2
    return names


def closure(entry: str) -> set[str]:
    seen, todo = set(), [entry]
    while todo:
        name = todo.pop()
        for target, _ in imports(name):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_every_module_has_a_level():
    assert len(modules()) >= 20, modules()
    unplaced = [m for m in modules() if not m.startswith("shared/") and m not in LEVELS]
    assert not unplaced, f"give these modules a level in LEVELS: {unplaced}"


def test_named_imports_exist():
    missing = [f"{name}: {n} from {target}" for name in modules() for target, names in imports(name)
               for n in names if not (PUBLIC / target).is_file() or n not in exports(target)]
    assert not missing, missing


def test_imports_only_go_downward_and_views_stay_apart():
    wrong = []
    for name in modules():
        for target, _ in imports(name):
            a, b = level(name), level(target)
            if b > a or (b == a and a == VIEWS) or b == 5:
                wrong.append(f"{name} (level {a}) imports {target} (level {b})")
    assert not wrong, wrong


def test_no_import_cycles():
    graph = {name: [t for t, _ in imports(name)] for name in modules()}
    state: dict[str, int] = {}
    cycles = []

    def visit(node, path):
        state[node] = 1
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                cycles.append(" → ".join(path[path.index(nxt):] + [nxt]))
            elif not state.get(nxt):
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in graph:
        if not state.get(node):
            visit(node, [node])
    assert not cycles, cycles


@pytest.mark.parametrize("name", modules())
def test_no_file_over_400_lines(name):
    if name in STRINGS_TABLES:
        return
    lines = len((PUBLIC / name).read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines"


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_loads_its_entry_as_a_module_and_preloads_what_it_imports(page):
    html = (PUBLIC / page).read_text(encoding="utf-8")
    entry = PAGES[page]
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts == [f' type="module" src="/{entry}"'], scripts
    preloaded = set(re.findall(r'<link rel="modulepreload" href="/([^"]+)">', html))
    needed = closure(entry)
    assert preloaded == needed, f"missing {sorted(needed - preloaded)}, not imported {sorted(preloaded - needed)}"
