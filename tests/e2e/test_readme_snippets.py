"""README.md shows each snippet of docs/snippets/ (signed links, backend requests, webhook
receivers) exactly as the file the tests run: a reader copies code that was executed."""

import re

import pytest

from installed import ROOT

SNIPPETS = ROOT / "docs" / "snippets"
FAMILIES = sorted({path.name.split(".")[0] for path in SNIPPETS.iterdir()})


@pytest.mark.parametrize("family", FAMILIES)
def test_the_readme_shows_each_snippet_as_it_is(family):
    readme = (ROOT / "README.md").read_text()
    shown = dict(re.findall(r"\(`docs/snippets/(%s\.[a-z]+)`\):\n\n```[a-z]*\n(.*?)```\n" % re.escape(family), readme, flags=re.S))
    assert sorted(shown) == sorted(path.name for path in SNIPPETS.glob(family + ".*"))
    for name, block in shown.items():
        assert block == (SNIPPETS / name).read_text(), "README.md shows another %s than docs/snippets/ holds" % name


def test_every_family_has_four_languages():
    for family in FAMILIES:
        assert sorted(path.suffix for path in SNIPPETS.glob(family + ".*")) == [".js", ".php", ".py", ".sh"], family
