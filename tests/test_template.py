from __future__ import annotations

from pathlib import Path

from crawler.extraction.blocks import Block
from crawler.extraction.template import Holdback, SiteTemplates, TemplateOptions


def blocks(*texts: str) -> list[Block]:
    return [Block(text=t, kind="p", words=len(t.split())) for t in texts]


WORDS = "harbour ferry council budget market bridge library museum festival school".split()


def page(i: int, *extra: str) -> list[Block]:
    body = f"The {WORDS[i % 10]} story told with {WORDS[(i * 3 + 1) % 10]} details, part {i}."
    return blocks(body, "Zorblax Rewards: earn points", f"Comments ({i})", *extra)


def learnt(n: int = 10) -> SiteTemplates:
    templates = SiteTemplates()
    for i in range(n):
        quote = ("We will not balance the budget on the backs of night bus riders.",) if i in (3, 8) \
            else ()
        templates.observe("daily.example", page(i, *quote))
    return templates


def test_recurring_blocks_are_template_and_bodies_are_not() -> None:
    templates = learnt()
    target = page(42, "We will not balance the budget on the backs of night bus riders.")
    removed = templates.apply("daily.example", target)
    assert removed == 2  # the promo and "Comments (N)" (digits do not matter)
    assert [b.removed_by for b in target] == [None, "template", "template", None]


def test_no_template_before_enough_pages_or_on_other_sites() -> None:
    few = learnt(4)
    assert few.apply("daily.example", page(1)) == 0
    assert learnt().apply("other.example", page(1)) == 0


def test_share_threshold() -> None:
    templates = SiteTemplates(TemplateOptions(min_pages=5, min_count=3, min_share=0.5))
    for i in range(20):
        templates.observe("s", page(i, "Column sign-off") if i < 4 else page(i))
    assert templates.apply("s", blocks("Column sign-off")) == 0  # 4 of 20 pages
    assert templates.apply("s", blocks("Zorblax Rewards: earn points")) == 1


def test_save_and_load(tmp_path: Path) -> None:
    path = tmp_path / "site-templates.json"
    learnt().save(path)
    again = SiteTemplates.load(path)
    assert again.pages("daily.example") == 10
    assert again.apply("daily.example", page(99)) == 2
    assert again.to_json() == learnt().to_json()
    assert SiteTemplates.load(tmp_path / "missing.json").sites == {}


def test_holdback_releases_at_hold_pages_then_passes_through() -> None:
    templates = SiteTemplates(TemplateOptions(hold_pages=3))
    hold: Holdback[str] = Holdback(templates)
    out = []
    for i in range(5):
        templates.observe("s", page(i))
        out.append(hold.add("s", f"a{i}"))
    assert out == [[], [], ["a0", "a1", "a2"], ["a3"], ["a4"]]
    templates.observe("t", page(0))
    assert hold.add("t", "b0") == [] and hold.count == 1
    assert list(hold.flush()) == ["b0"] and hold.count == 0


def test_state_stays_small_on_a_large_site() -> None:
    templates = SiteTemplates(TemplateOptions())
    def letters(n: int) -> str:  # digits are normalised away by block_hash
        return "".join("abcdefghij"[int(d)] for d in str(n))

    for page in range(5000):
        texts = [f"Paragraph {k} of story {letters(page)}, which nobody repeats."
                 .replace(str(k), letters(k) + "z") for k in range(3)]
        # a "Read more" box on a third of the pages: a template
        if page % 3 == 0:
            texts.append("Read more: our newsletter, every morning.")
        templates.observe("big.example", blocks(*texts))
    stats = templates.sites["big.example"]
    assert stats.pages == 5000
    assert len(stats.blocks) == 1  # 15,001 distinct blocks seen; pruned at page 5,000
    assert templates.is_template("big.example",
                                 blocks("Read more: our newsletter, every morning.")[0])
    assert not templates.is_template("big.example", blocks(texts[0])[0])
