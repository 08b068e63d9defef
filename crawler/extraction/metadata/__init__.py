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
- :mod:`.links`: the body's outgoing links and the page's language alternates;
- :mod:`.walls`: paywalls, consent walls and block pages; :mod:`.wallwords`,
  the words and markup of walls.
"""
