"""Reading an article's metadata: one module per field group, each pure (an
lxml tree in, values out; the tree is never changed).

- :mod:`.structured`: the page's JSON-LD objects and ``<meta>`` values, read
  once and shared by every other reader;
- :mod:`.sitenames`: what names the site (``og:site_name``, JSON-LD site and
  publisher names, the declared publisher, the host name), for the headline
  and the authors;
- :mod:`.dates`: published and modified dates, with where each came from;
  :mod:`.dateshown`, the dates the page's body shows or marks (by the
  headline, ``<time>``, "Published on ..."); :mod:`.datevalues`, a date's
  value read from an attribute or a text;
- :mod:`.authors`: the authors' names, and the publisher kept apart;
  :mod:`.bylines`, the bylines the page shows; :mod:`.credits`, one credit
  string into clean names; :mod:`.creditwords`, the words of credits;
- :mod:`.headline`: the headline (not "Headline | Site");
- :mod:`.media`: the lead image and the body's images with captions and credits;
  :mod:`.bodyregion`, where the article's body is among the kept blocks;
  :mod:`.bodyimages`, which images are the body's; :mod:`.imageurls`, which
  picture an ``<img>`` shows and whether it is furniture (logo, icon, pixel);
  :mod:`.captions`, an image's caption and credit;
- :mod:`.links`: the body's outgoing links and the page's language alternates;
  :mod:`.elements`, small helpers on elements (text, block element, ordinals);
- :mod:`.walls`: paywalls, consent walls and block pages; :mod:`.wallwords`,
  the words and markup of walls.
"""
