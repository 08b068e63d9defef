"""The words of credits, in one place: what introduces the authors ("By",
"Von", "Author:") and what introduces someone else ("Reviewed by", "Photo
by", "Updated"); months and week days; post-nominal letters; roles and the
words that go with them; desks that name no one; wire services and agencies;
the words of organisations' and newspapers' names; the furniture words of a
page that are in no one's name. :mod:`.credits` reads credit strings with them.

Each entry is what real bylines, author boxes and author fields hold on news
sites, blogs and CMSs in the common languages, never one site's wording.
"""

from __future__ import annotations

import re

#: What introduces the authors ("By", "Written by", "Von", "Author:").
AUTHOR_MARK = (
    r"\b(?:(?:written|posted|published|article|story|words|text|reporting|report|compiled|"
    r"created|authored|recipe|column|post|interview|analysis|commentary|guest\s+post)\s+)?by\b"
    r"|(?:^|(?<=\n))(?:von|par|por|door|di|av|af|från|od)\b"
    r"|\b(?:authors?|autor(?:in|en)?|auteur(?:e|s)?|autore|writer|text|words)\s*:")
#: What introduces other people ("Reviewed by", "Photo by", "Edited by") or a
#: date ("Updated"): what follows is not an author.
OTHER_MARK = (
    r"\b(?:(?:medically|clinically|expert|peer|legally|financially|professionally)\s+)?"
    r"reviewed\s+by|\bfact[\s-]?check(?:ed)?\s+by|\b(?:copy[\s-]?)?edited\s+by"
    r"|\b(?:photos?|photograph(?:s|y)?|images?|pictures?|illustrations?|video|graphics?|artwork|"
    r"design|cover|art)\s+(?:by|credit)|\b(?:illustrated|photographed|designed|produced|"
    r"translated|updated|curated|narrated|sponsored|presented|powered|verified|approved|"
    r"hosted|moderated|supported)\s+by|\badditional\s+reporting|\bwith\s+reporting\s+by"
    r"|\bcontributions?\s+by|\bin\s+partnership\s+with"
    r"|\b(?:editor|reviewer|fact[\s-]?checker|photographer|illustrator|credits?|photos?|"
    r"images?|source|via)\s*:"
    r"|\b(?:last\s+)?(?:updated|modified|published|posted|created|reviewed|edited)"
    r"(?:\s+on)?\b(?!\s+by)"
    r"|\b(?:tags|tagged|categor(?:y|ies)|topics|filed\s+under|posted\s+in)\b\s*:?"
    r"|\s(?:in|under)\s")
#: Month names and their abbreviations in English, German, French and Spanish.
MONTHS = ("jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|"
          "june|july|august|september|october|november|december|januar|februar|märz|mai|juni|"
          "juli|oktober|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|"
          "octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
          "septiembre|octubre|noviembre|diciembre")
#: Week day names and their abbreviations (English).
DAYS = ("mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|"
        "saturday|sunday")
#: Post-nominal letters: kept with the name they follow ("Jane Doe, MD"), as pages show them.
CREDENTIAL = re.compile(
    r"^(?:(?:MD|DO|PhD|DVM|VMD|RN|BSN|MSN|NP|PA|PA-C|CPA|CFA|CFP|ChFC|CLU|EA|JD|Esq|MBA|MS|MSc|"
    r"MA|BA|BS|BSc|MPH|MHA|MSW|LCSW|LPC|LMFT|LMHC|PsyD|EdD|DDS|DMD|DC|PT|DPT|OT|OTR|RD|RDN|LD|LDN|"
    r"CDN|CDE|CDCES|CSSD|FACP|FACS|FAAP|FACC|FAND|FACLM|DACVB|DACVIM|DACVN|LVT|VTS|CVT|CPP|PSP|"
    r"PMP|CISSP|CISM|CEPF|FOMA|DABOM|Jr|Sr|II|III|IV|E-RYT|RYT|CPT|CSCS|IBCLC|CNM|CRNA|APRN|FNP|"
    r"FNP-BC|FNP-C|DNP|PharmD|RPh|OD|DPM|AuD|CCC-SLP|SLP|LAc|ND|CMT|LMT|CHES|CHC|CNS|MEd|MFA|LLM|"
    r"LLB|PE|AIA|MBBS|FRCS|FRCP|MRCP|CFE|CIPP|CFEI|ACSM|NASM|MSPT|MPT|ATC|LAT|MS-HNFE|BCPS|"
    r"Dipl|MDiv|ThD|DMin|PsyM|RDH|CRC|CLC|CHWC|NBC-HWC|FAANP|FAAN|FACOG|FAAD|FASN|MSCP)\.?"
    r"|(?:[A-Z][a-z]?\.){2,4}|[A-Z][A-Za-z-]{1,6}®|(?:E-)?RYT[- ]?\d+)"
    r"(?:\s*(?:\d+|\([^)]*\)))?$")
#: Link texts around a name ("About Jane Doe", "Learn more about Jane Doe").
LEAD_IN = re.compile(
    r"^\s*(?:(?:learn|read|find\s+out|see)\s+more\s+(?:about|from)|more\s+(?:about|from|by)|"
    r"about(?:\s+the\s+author)?|meet(?:\s+the\s+author)?|(?:view|see|read)\s+(?:all\s+)?"
    r"(?:posts|articles|stories)(?:\s+(?:by|from))?|(?:all\s+)?(?:posts|articles|stories)\s+by|"
    r"contact|follow|visit|email|profile\s+of)\s+", re.I)
#: Words of a page's furniture, in no one's name.
FURNITURE = frozenset({
    "story", "rate", "font", "size", "share", "comments", "comment", "listen", "subscribe",
    "follow", "email", "min", "minute", "minutes", "views", "likes", "article", "articles",
    "posts", "updated", "published", "menu", "search", "login", "logout", "cookie", "cookies",
    "privacy", "policy", "terms", "advertisement", "sponsored", "newsletter", "podcast", "video",
    "videos", "photos", "gallery", "topics", "categories", "category", "tags", "related", "me",
    "us", "you", "our", "we", "click", "here", "download", "free", "best", "top", "how", "why",
    "what", "guide", "tips", "review", "reviews", "vs", "new", "sign", "up", "now", "today",
    "permalink", "topic", "source", "sources", "hello", "welcome", "thanks", "continue",
    "reading", "trackback", "pingback"})
#: Lower-case words inside a name ("Ludwig van Beethoven", "Ana de la Cruz").
PARTICLES = frozenset({"van", "von", "der", "den", "de", "da", "di", "du", "del", "della", "la",
                       "le", "dos", "das", "do", "bin", "ibn", "al", "el", "ten", "ter", "zu",
                       "y", "e", "st.", "mc", "mac", "d'", "af"})
#: Credits that name no one: a generic desk, not a person nor an organisation.
STAFF = frozenset({
    "staff", "staff writer", "staff writers", "staff reporter", "newsroom", "editorial team",
    "editorial staff", "editorial board", "editorial", "editors", "editor", "admin",
    "administrator", "guest", "guest author", "guest contributor", "guest writer", "contributor",
    "contributors", "anonymous", "unknown", "redaktion", "rédaction", "redazione", "redacción",
    "team", "web team", "news desk", "desk", "wire", "wires", "agencies", "news", "author",
    "authors", "web desk", "digital desk", "online desk", "our team", "editorial desk",
    "news staff", "editorial department", "wire services", "wire service", "news service"})
#: Whole parts that are no one's name: navigation, sharing, labels, dates
#: (a word of :data:`FURNITURE` anywhere in a part already rules it out).
NOT_NAMES = frozenset({
    "a", "about", "about the author", "accept", "ad", "advertiser content", "advertising",
    "all rights reserved", "an", "analysis", "and", "audio", "author", "authors", "back", "bio",
    "blog", "bluesky", "by", "close", "contact", "copy link", "copyright", "e-mail", "edit",
    "editor's note", "expert", "facebook", "feed", "full bio", "guest post", "home",
    "homepage", "image", "in", "insights", "instagram", "learn more", "like", "link",
    "linkedin", "loading", "log in", "mastodon", "more", "more from", "news", "next", "on",
    "open", "opinion", "page", "partner content", "pause", "photo", "pinterest", "play", "post",
    "previous", "print", "profile", "read", "read more", "reddit", "reject", "reply", "rss",
    "save", "sections", "see all", "see more", "settings", "shares", "show more", "skip", "the",
    "threads", "tiktok", "tweet", "twitter", "uncategorized", "view", "web", "website",
    "whatsapp", "with", "x", "youtube", *MONTHS.split("|"), *DAYS.split("|")})
#: Roles and jobs, alone or after a name ("Senior Reporter", "Founder"), in no
#: one's name.
ROLES = re.compile(
    r"\b(?:editor|editors|writer|writers|reporter|reporters|correspondent|contributor|columnist|"
    r"journalist|founder|co-founder|cofounder|ceo|cto|cfo|coo|cmo|director|manager|head|"
    r"executive|specialist|expert|analyst|strategist|consultant|marketer|designer|developer|"
    r"engineer|intern|producer|officer|president|chief|coordinator|attorney|lawyer|owner|"
    r"professor|researcher|scientist|student|teacher|instructor|educator|educators|coach|"
    r"nutritionist|dietitian|physician|nurse|therapist|photographer|illustrator|member|"
    r"representative|advisor|adviser|administrator|moderator|fellow|blogger|host|"
    r"presenter|anchor|critic|reviewer|architect|associate|assistant|deputy|senior|junior|"
    r"principal|vp|redakteur(?:in)?|journalistin|autorin|rédacteur|rédactrice|journaliste|"
    r"correspondant|correspondante|redattore|redattrice|redactor|redactora|periodista|"
    r"partner|lead|leader|advocate|practitioner|pharmacist|"
    r"dentist|surgeon|veterinarian|psychologist|psychiatrist|counselor|counsellor|trainer|"
    r"winemaker|chef|economist|historian|planner|agent|broker|investor|entrepreneur|"
    r"influencer|creator|enthusiast|lover|geek|nerd|fan|mom|dad|mother|father|wife|husband)s?\b",
    re.I)
#: Words before a role that are part of it ("Managing Editor", "Tech Reporter").
ROLE_MODIFIERS = frozenset({
    "managing", "senior", "contributing", "executive", "associate", "assistant", "deputy",
    "chief", "staff", "features", "feature", "news", "sports", "tech", "technology", "health",
    "print", "digital", "web", "online", "social", "media", "copy", "trending", "guest",
    "freelance", "special", "head", "lead", "travel", "food", "science", "political",
    "politics", "business", "culture", "style", "fashion", "investigative", "general",
    "national", "international", "foreign", "local", "city", "metro", "video", "audio",
    "data", "content", "commerce", "shopping", "deals", "review", "reviews", "product",
    "entertainment", "lifestyle", "opinion", "editorial", "community", "seo", "marketing",
    "research", "medical", "legal", "financial", "finance", "personal", "sr.", "sr", "jr",
    "junior", "principal", "the", "a", "an", "our", "your", "and", "&", "-", "|", "of"})
#: Wire services and news agencies: organisations, never people.
WIRES = frozenset({
    "associated press", "the associated press", "ap", "reuters", "thomson reuters", "afp",
    "agence france-presse", "agence france presse", "dpa", "deutsche presse-agentur", "bloomberg",
    "bloomberg news", "upi", "united press international", "pa", "pa media", "press association",
    "pa wire", "ansa", "efe", "agencia efe", "europa press", "kyodo", "kyodo news", "jiji press",
    "xinhua", "yonhap", "pti", "press trust of india", "ians", "ani", "aap",
    "australian associated press", "canadian press", "the canadian press", "apa", "kna", "epd",
    "sda", "keystone-sda", "belga", "anp", "ntb", "ritzau", "stt", "lusa", "tass", "ria novosti",
    "interfax", "anadolu agency", "anadolu", "bernama", "antara", "sapa", "cnn wire",
    "tribune news service", "tribune content agency", "mcclatchy", "new york times news service",
    "washington post news service", "dow jones newswires", "dow jones", "ap wire",
    "reuters staff", "afp staff", "ap staff", "kathpress", "apa-ots", "sid", "ddp", "dapd",
    "nzpa", "rnz", "aap newswire"})
#: Words of an organisation's name (Team, News, Media, Inc, University ...) or a domain.
ORG_WORDS = re.compile(
    r"\b(?:team|staff|editors|editorial|newsroom|desk|press|news|newswire|media|inc|llc|ltd|"
    r"gmbh|corp|corporation|company|co|group|agency|associates|foundation|institute|university|"
    r"college|school|academy|association|society|council|committee|department|ministry|"
    r"services|solutions|technologies|labs|magazine|times|daily|weekly|online|network|networks|"
    r"studio|studios|official|club|bank|insurance|hospital|clinic|center|centre|blog|redaktion|"
    r"rédaction|redazione|redacción|organization|organisation|hub|systems|software|consulting|"
    r"marketing|digital|global|international|financial|construction|law|firm|llp|pllc|plc|"
    r"shop|store|publishing|publications|editions|review|journal|report|tv|radio|channel|"
    r"bureau|government|office|republic|union)\b|\.(?:com|org|net|io|co|de|fr|uk|in)\b", re.I)
#: Words of a newspaper's name: a site's own name that has them ("Washington
#: Post") is no person's, where a personal site's name is ("Jane Doe").
PAPER_WORDS = re.compile(
    r"\b(?:post|herald|tribune|gazette|chronicle|observer|courier|sentinel|examiner|inquirer|"
    r"guardian|independent|telegraph|mirror|express|star|sun|globe|record|register|bulletin|"
    r"dispatch|monitor|standard|statesman|leader|farmer|appeal|today|live|insider|wire|"
    r"post-gazette|zeitung|nachrichten|allgemeine|rundschau|kurier|anzeiger|tagblatt)\b", re.I)
