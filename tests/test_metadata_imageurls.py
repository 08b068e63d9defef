"""crawler.extraction.metadata.imageurls: an image's URL, when two URLs are one
image, and what is no article image."""

from __future__ import annotations

from crawler.extraction import core
from crawler.extraction.metadata.imageurls import (
    image_key,
    image_url,
    is_furniture_url,
    is_icon,
    named_width,
)

URL = "https://news.example/2026/05/bridge-reopens"


def _first(markup: str, tag: str = "img"):
    tree, _, _ = core.parse_page(f"<html><head></head><body>{markup}</body></html>")
    assert tree is not None
    return next(tree.iter(tag))


def test_largest_srcset_candidate_lazy_attributes_and_picture_sources():
    def url(markup: str) -> str | None:
        return image_url(_first(markup), URL)[0]

    assert url("<img src='/a-300.jpg' srcset='/a-300.jpg 300w, /a-1200.jpg 1200w, "
               "/a-800.jpg 800w'>") == "https://news.example/a-1200.jpg"
    assert url("<img srcset='/b.jpg 1x, /b@2x.jpg 2x'>") == "https://news.example/b@2x.jpg"
    # commas inside a candidate's URL (image CDNs) do not split it
    assert url("<img srcset='https://cdn.example/w_300,h_200/c.jpg 300w, "
               "https://cdn.example/w_900,h_600/c.jpg 900w'>") == \
        "https://cdn.example/w_900,h_600/c.jpg"
    assert url("<img src='data:image/gif;base64,R0lGOD' data-src='/img/river.jpg'>") == \
        "https://news.example/img/river.jpg"
    assert url("<img src='/img/placeholder.png' data-lazy-src='/real.jpg'>") == \
        "https://news.example/real.jpg"
    assert url("<picture><source type='image/webp' srcset='/p-640.webp 640w, /p-1600.webp "
               "1600w'><img src='/p-640.jpg'></picture>") == "https://news.example/p-1600.webp"
    assert url("<img src='data:image/gif;base64,R0lGOD'><noscript><img src='/ns.jpg'>"
               "</noscript>") == "https://news.example/ns.jpg"
    assert url("<img src='/spacer.gif'>") is None


def test_furniture_urls():
    assert is_furniture_url("https://news.example/wp-content/uploads/logo_2x.png")
    assert is_furniture_url("https://news.example/assets/icons/arrow.png")
    assert is_furniture_url("https://pixel.wp.com/g.gif?v=ext")
    assert is_furniture_url("https://news.example/t.gif")
    assert is_furniture_url("https://news.example/authors/jane-doe.jpg")
    assert not is_furniture_url("https://news.example/2026/05/google-pixel-10-review.jpg")
    assert not is_furniture_url("https://news.example/2026/05/catalogo-primavera.jpg")


def test_one_image_many_urls_and_the_width_a_file_name_names():
    assert image_key("https://cdn.example/a.jpg?w=300") == \
        image_key("http://CDN.example/a-1024x683.jpg?width=1200#top")
    assert image_key("https://cdn.example/a.jpg?id=1") != image_key("https://cdn.example/a.jpg?id=2")
    assert named_width("https://news.example/up/bridge-220x124.jpg") == 220
    assert named_width("https://news.example/up/bridge.jpg") is None


def test_icons_by_declared_size_and_class_words_up_to_the_block():
    p = _first("<p><span class='author-avatar'><img src='/jane.jpg'></span></p>", "p")
    assert is_icon(next(p.iter("img")), p)
    p = _first("<p><img src='/badge.png' width='32' height='32'></p>", "p")
    assert is_icon(next(p.iter("img")), p)
    # the class words above the image's block element are not the image's
    p = _first("<div class='logo-wall'><p><img src='/crowd.jpg' width='800'></p></div>", "p")
    assert not is_icon(next(p.iter("img")), p)
