"""Reading an article's metadata: one module per field group, each pure (an
lxml tree in, values out; the tree is never changed).

- :mod:`.structured`: the page's JSON-LD objects and ``<meta>`` values, read
  once and shared by every other reader;
- :mod:`.dates`: published and modified dates, with where each came from;
- :mod:`.authors`: the authors' names, and the publisher kept apart;
- :mod:`.headline`: the headline (not "Headline | Site");
- :mod:`.media`: the lead image and the body's images with captions and credits;
- :mod:`.links`: the body's outgoing links and the page's language alternates;
- :mod:`.walls`: paywalls, consent walls and block pages.
"""
