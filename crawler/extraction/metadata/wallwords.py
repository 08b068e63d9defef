"""What walls say and how they are marked up, in one place: the class and id
words of paywall containers and consent dialogs, the markup of bot-challenge
vendors, and the phrases of subscribe prompts, consent dialogs and block pages
in the common languages. :mod:`.walls` reads pages with them.

Each entry is what paywall vendors, CMSs, consent-management platforms (CMPs)
and bot-protection services put on real pages, never one site's wording.
Phrases are case-insensitive regular expressions; class-word stems are lower
case and found as substrings of a page's class and id words.
"""

from __future__ import annotations

import re

# Class and id words of paywall containers (around the paid text or the gate),
# and of paywall vendors' and membership plugins' widgets, which count only
# around a prompt: literal stems found first (fast), then the whole word checked.
PAYWALL_STEMS = (
    "paywall", "pay-wall", "regwall", "reg-wall", "registration-wall", "subscri", "premium",
    "paid", "metered", "locked", "tp-container", "tp-modal", "piano", "tinypass", "pelcro",
    "poool", "zephr", "laterpay", "pmpro", "mepr-", "rcp_restricted", "wpmem", "memberful",
    "plenigo", "axate", "steady")
CONTAINER_WORD = re.compile(
    r"pay-?wall|reg-?wall|registration-?wall|subscri(?:ber|ption)s?[-_]?(?:only|wall|gate)"
    r"|premium[-_]?(?:content|article|only|gate)|paid[-_]?(?:content|article|only)"
    r"|metered-?content|locked-?content|content-?locked|article-?locked")
VENDOR_WORD = re.compile(r"tp-(?:container|modal)|piano|tinypass|pelcro|poool|zephr|laterpay"
                         r"|pmpro|mepr-|rcp_restricted|wpmem|memberful|plenigo|axate|steady")
# "no-paywall", "non-paywall" (Google's example of the free part), "is-not-subscriber".
# Neither are newsletter or e-mail subscription forms.
NEGATED = re.compile(r"(?:^|[-_])(?:no|non|not|free|hide|unlocked|without)(?:[-_]|$)|^no"
                     r"|newsletter|e?-?mail")

# Class and id words of consent dialogs: consent-management platforms' (CMPs')
# containers and the words sites give their own.
CONSENT_BOX_STEMS = (
    "consent", "cookie", "qc-cmp", "cmpbox", "cmpwrapper", "gdpr", "didomi", "onetrust",
    "optanon", "sp_message", "truste", "usercentrics", "tcf", "borlabs", "iubenda", "osano",
    "klaro", "axeptio", "tarteaucitron", "cky-", "cmplz", "cc-window", "cc-banner",
    "privacy-center", "privacy-wall", "privacy-gate")
# Consent hosts: the first label of hosts that serve consent interstitials.
CONSENT_HOSTS = ("consent", "guce", "myprivacy")

# Challenge and block vendors' markup (class/id words, script/iframe/form URLs,
# inline scripts), read on small pages only: some of it (bot-management
# scripts, captcha widgets of forms) is on ordinary pages too.
CHALLENGES = {
    "cloudflare": r"(?<![\w-])(?:challenge-(?:form|running|stage|body|error-text)|cf-(?:browser-"
                  r"verification|challenge|error-details|wrapper|chl-widget))|_cf_chl_opt"
                  r"|challenge-platform/h/\w/orchestrate",
    "imperva": r"_incapsula_resource\?cwudnsai|incapsula incident",
    "perimeterx": r"(?<![\w-])px-captcha|perimeterx",
    "datadome": r"captcha-delivery\.com",
    "aws-waf": r"awswaf",
    "sucuri": r"sucuri-(?:firewall|block)",
    "ddos-guard": r"ddos-guard",
}
CHALLENGE = {name: re.compile(p) for name, p in CHALLENGES.items()}
CAPTCHA_WIDGET = re.compile(r"g-recaptcha|h-captcha|cf-turnstile|recaptcha/api|hcaptcha\.com")


def _phrases(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), re.I)


# Statements that the rest of the text is for subscribers, as sites word them.
PROMPT = _phrases(
    r"subscribe (?:now |today )?to (?:continue|keep) reading",
    r"subscribe (?:now |today )?to (?:read|unlock|access)\b",
    r"(?:subscribe|log ?in|sign ?in|register|sign up)(?: now| for free)? (?:to|and)"
    r" (?:continue|keep) reading",
    r"to (?:continue|keep) reading,? (?:please )?(?:subscribe|log ?in|sign ?in|register|sign up)",
    r"(?:create|register for) (?:a |an )?(?:free )?account to (?:continue|keep|read)",
    r"to read (?:this|the full|the rest of this) (?:article|story),? (?:please )?"
    r"(?:subscribe|log ?in|sign ?in|register)",
    r"continue reading (?:this |your )?(?:article |story )?with (?:a |an )?(?:\S+ )?"
    r"(?:subscription|membership)",
    r"(?:this|the) (?:article|story|content|post|report|page) is"
    r" (?:only |exclusively |exclusive )?(?:available )?(?:for|to)"
    r" (?:paid |paying |premium |digital )?(?:\S+ )?(?:subscribers|members)",
    r"for (?:paid |paying |premium )?subscribers only",
    r"(?:subscribers?|members?)[- ]only (?:content|article|story|post)",
    r"keep reading with a \d+-day free trial",
    r"you(?:'ve| have) (?:reached|used (?:up )?)(?:your|all (?:of )?your) (?:\w+ )?"
    r"(?:free|complimentary) (?:articles?|stories|reads)",
    r"(?:the )?rest of (?:this|the) (?:article|story) is (?:only )?(?:available|for|reserved)",
    r"unlock (?:this|the full) (?:article|story)",
    r"weiterlesen mit\b", r"(?:abonnieren|abo abschließen|registrieren) und weiterlesen",
    r"(?:nur|exklusiv) für (?:abonnent|abonnierende|abo-?kunden|plus-)",
    r"réservée? aux abonnés", r"il vous reste \d+(?:[.,]\d+)? ?% de (?:cet |l')article",
    r"abonnez-vous pour (?:lire|continuer|poursuivre|accéder)",
    r"(?:exclusivo|sólo|solo|únicamente) para (?:suscriptores|abonados|socios|assinantes)",
    r"(?:suscríbete|regístrate|hazte socio) para (?:seguir|continuar) leyendo",
    r"riservat[oa] agli abbonati", r"(?:abbonati|registrati|accedi) per continuare a leggere",
    r"(?:alleen|exclusief) (?:beschikbaar )?voor abonnees", r"word abonnee om verder te lezen",
    r"(?:assine|assina) para (?:continuar|ler)",
    r"(?:endast för|kun for|bare for) (?:prenumeranter|abonnenter)",
    r"(?:tylko|wyłącznie) dla (?:prenumeratorów|subskrybentów|abonentów)",
)
# Account nudges beside a teaser (and in many sites' headers: weak alone).
NUDGE = _phrases(
    r"already (?:a |an )?(?:digital )?(?:subscriber|member)\b", r"(?:bereits|schon) abonnent",
    r"déjà abonné", r"ya eres (?:suscriptor|abonado|socio)", r"già abbonato", r"al abonnee",
    r"já é assinante", r"redan prenumerant", r"allerede abonnent",
    r"masz już (?:prenumeratę|konto)",
)
# What makes a line of a consent dialog: its own vocabulary (words ordinary
# prose seldom uses), or a short button label.
CONSENT_WORD = _phrases(
    r"cookie", r"consent", r"legitimate interest", r"\bvendors?\b", r"\bour partners",
    r"personali[sz]ed (?:ads|advertising|content)", r"store and/or access", r"opt[- ]out",
    r"privacy (?:policy|settings|choices|preferences|notice|center|centre)", r"your privacy",
    r"einwillig", r"zustimm", r"datenschutz", r"personalisierte", r"berechtigte[ns]? interesse",
    r"consentement", r"partenaires", r"personnalis[ée]", r"intérêt légitime", r"vie privée",
    r"consentimiento", r"\bsocios\b", r"personalizad[oa]s?", r"interés legítimo", r"privacidad",
    r"consenso", r"personalizzat[ie]", r"interesse legittimo", r"toestemming",
    r"gepersonaliseerd", r"gerechtvaardigd belang", r"consentimento", r"parceiros",
    r"interesse legítimo", r"samtyck", r"samtykke", r"zgod[ay] na", r"prywatnoś",
    r"^.{0,30}(?:accept|reject|agree|decline|allow|deny|manage|options|settings|customi[sz]e"
    r"|akzeptier|ablehnen|zustimmen|einstellungen|accepter|refuser|paramétrer|aceptar|rechazar"
    r"|configurar|accett|rifiut|impostazioni|accepteren|weigeren|instellingen|aceitar|rejeitar"
    r"|godkänn|avvisa|godta|afvis).{0,20}$",
)
# The choice a consent dialog asks for: its accept button's words.
ACCEPT = _phrases(
    r"\b(?:accept|agree|allow|consent|got it|ok)\b", r"akzeptier", r"zustimm", r"einverstanden",
    r"accepter", r"j'accepte", r"acept", r"accett", r"accepteren", r"akkoord", r"aceit",
    r"concordo", r"godkänn", r"acceptera", r"godta", r"zgadzam", r"akceptuj",
)
# What challenge and block pages say (title or text).
BLOCK = _phrases(
    r"just a moment\.\.\.|checking (?:if the site connection is secure|your browser)",
    r"verif(?:y|ying) (?:that )?you are (?:a )?human", r"enable javascript and cookies to continue",
    r"needs to review the security of your connection", r"attention required!",
    r"sorry, you have been blocked", r"you are unable to access", r"why have i been blocked",
    r"\baccess (?:is )?denied\b", r"you don't have permission to access",
    r"access to this page has been denied", r"request unsuccessful", r"incapsula incident",
    r"pardon our interruption", r"press (?:&|and) hold", r"are you a robot",
    r"unusual (?:traffic|activity) from your", r"\b403 forbidden\b", r"\btoo many requests\b",
    r"the requested url was rejected", r"your support id is", r"request (?:was )?blocked",
    r"bot (?:verification|check)", r"security check to access", r"ddos protection by",
    r"why do i have to complete a captcha", r"human verification",
    r"your access to this site has been limited", r"errors\.edgesuite\.net",
    r"website firewall - access denied", r"automated (?:queries|requests|access)",
    r"zugriff verweigert", r"accès refusé", r"acceso denegado", r"accesso negato",
    r"toegang geweigerd",
)
