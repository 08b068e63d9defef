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
        quote = (("We will not balance the budget on the backs of night bus riders.",)
                 if i in (3, 8) else ())
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


class Item:
    def __init__(self, name: str, blocks: list[Block]) -> None:
        self.name, self.blocks = name, blocks

    def __repr__(self) -> str:
        return self.name


def names(items: list[Item]) -> list[str]:
    return [i.name for i in items]


def test_holdback_releases_a_page_once_each_of_its_blocks_is_decided() -> None:
    templates = SiteTemplates(TemplateOptions(hold_pages=3, min_pages=3, min_count=3))
    hold: Holdback[Item] = Holdback(templates)
    out = []
    for i in range(6):
        templates.observe("s", page(i))
        out.append(names(hold.add("s", Item(f"a{i}", page(i)))))
    # a0's body is text after 3 pages, the promo template from the 3rd page on;
    # from then on each page waits for 3 pages of exposure of its own body
    assert out == [[], [], ["a0"], ["a1"], ["a2"], ["a3"]]
    templates.observe("t", page(0))
    assert names(hold.add("t", Item("b0", page(0)))) == [] and hold.count == 3
    assert names(hold.flush()) == ["a4", "a5", "b0"] and hold.count == 0


def test_holdback_holds_at_most_max_held_and_releases_the_sites_held_longest() -> None:
    """Many small sites of one page each (a CC-NEWS day): past ``max_held`` the
    site held longest is decided on what is known."""
    templates = SiteTemplates(TemplateOptions(hold_pages=3, min_pages=3, min_count=3,
                                              max_held=3))
    hold: Holdback[Item] = Holdback(templates)
    out = []
    for n, site in enumerate(["s1", "s2", "s3", "s4", "s2", "s5"]):
        templates.observe(site, page(n))
        out.append(names(hold.add(site, Item(f"{site}-{n}", page(n)))))
        assert hold.count <= 3
    # s2's holding began before s3's: its second page takes it over the bound
    assert out == [[], [], [], ["s1-0"], ["s2-1", "s2-4"], []]
    assert names(hold.flush()) == ["s3-2", "s4-3", "s5-5"] and hold.count == 0
    hold.held = {"x": [Item("x0", page(0)), Item("x1", page(1))]}  # as a checkpoint restores
    assert hold.count == 2


def test_holdback_off_passes_everything_through() -> None:
    templates = SiteTemplates(TemplateOptions(hold_pages=0))
    hold: Holdback[Item] = Holdback(templates)
    templates.observe("s", page(0))
    assert names(hold.add("s", Item("a0", page(0)))) == ["a0"]


def test_a_new_block_on_a_known_site_holds_its_pages_until_it_is_template() -> None:
    """Statistics of earlier runs decide known blocks at once, never a new one."""
    templates = learnt(40)  # a known site: 40 pages, promo and comments template
    hold: Holdback[Item] = Holdback(templates)
    new_promo = "Hazte socio del club Quibbo y ahorra"
    finished = []

    def finish(items: list[Item]) -> None:  # as the writer does, when released
        for item in items:
            templates.apply("daily.example", item.blocks)
            finished.append([b.text for b in item.blocks if b.removed_by is None])

    for i in range(40, 44):
        blocks_now = page(i, new_promo)
        templates.observe("daily.example", blocks_now)
        finish(hold.add("daily.example", Item(f"a{i}", blocks_now)))
    finish(list(hold.flush()))
    # the new block is on 4 of the 4 pages since it appeared: template, although
    # it is on 4 of the site's 44 pages
    assert templates.is_template("daily.example", blocks(new_promo)[0])
    assert len(finished) == 4 and all(len(kept) == 1 and new_promo not in kept
                                      for kept in finished)


def test_a_held_new_block_is_not_let_through_by_old_statistics() -> None:
    templates = learnt(40)
    hold: Holdback[Item] = Holdback(templates)
    first = page(40, "Hazte socio del club Quibbo y ahorra")
    templates.observe("daily.example", first)
    assert hold.add("daily.example", Item("a40", first)) == []
    assert templates.verdicts("daily.example", first)[1:3] == ["template", "template"]


def test_version_1_statistics_load_as_seen_from_the_first_page(tmp_path: Path) -> None:
    path = tmp_path / "site-templates.json"
    path.write_text('{"version": 1, "sites": {"s": {"pages": 8, "blocks": {"abc": 6}}}}')
    stats = SiteTemplates.load(path).sites["s"]
    assert stats.pages == 8 and stats.blocks["abc"] == 6 and stats.first["abc"] == 1


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
    # 15,001 distinct blocks seen; pruned at page 5,000: the paragraphs of the
    # last 100 pages (1 % share of their exposure) and the template are left
    assert len(stats.blocks) == 1 + 3 * 100 and len(stats.first) == len(stats.blocks)
    assert templates.is_template("big.example",
                                 blocks("Read more: our newsletter, every morning.")[0])
    assert not templates.is_template("big.example", blocks(texts[0])[0])
