"""The vocabulary of money commitments: who commits, the verbs of giving, what money looks like.

These are word classes, not phrasings: `bot.commitments` combines them into a structure (an actor,
a committing verb form, a money object) so a new wording is caught without a new entry here.
"""

from __future__ import annotations

import re


def words(text: str) -> frozenset[str]:
    """The set of the space-separated words of a text."""
    return frozenset(text.split())


# Who can commit the company: the writer, the company, or "us" after "let"/"like ... to".
ACTORS = frozenset({"we", "i", "brightwave"})
# People of the company: "our team will credit", "a colleague will refund you".
STAFF = words("team colleague colleagues agent agents billing manager department")
OBJECT_ACTORS = frozenset({"us", "me"})  # "let me give you", "would you like us to apply"
INVITERS = frozenset({"let", "like", "allow"})

# Words allowed between the actor and the verb: modals of future, offer and completion, and the
# adverbs people put there. "not", "never", "do" and "may" are absent on purpose: a negated, a
# habitual ("we apply credits when ...") or a hedged verb is no commitment.
CHAIN = words(
    """will shall would can could are am have has had be been going to like love happy glad
    pleased able delighted also just already now gladly happily hereby gone ahead and decided
    want wanted make sure ensure that you personally immediately today right then so of course
    definitely certainly absolutely really more than willing went agree agreed promise promised"""
)
# Verbs that talk about money without moving it: a checked or explained refund is not a promise.
INQUIRY_VERBS = re.compile(
    r"^(check|review|look|ask|explain|discuss|confirm|investigat|chase|escalat|follow|updat|"
    r"track|rais|quer|disput|forward|pass|let|tell|know|find|see|understand|not|log|consider|"
    r"calculat|describ|show|decid|help|contact|talk|call|reply|answer|respond|email|say|mention|"
    r"keep|verify|research|examin|assess|evaluat|submit|flag|refer|loop|connect|speak|need|"
    r"requir|note|record|clarif|share|link|point|walk|guide|a$|an$|the$|this$|that$|in$|on$|"
    r"be$|back$|there$)"
)
# What the customer is told about their money after "make sure" / "ensure" ("... is refunded").
SETTLED = words(
    "refunded credited reimbursed waived removed reversed cancelled covered returned cleared free"
)
# Between "you"/"your account" and what happens to it: future and perfective forms only.
RECIPIENT_CHAIN = words(
    "will shall are is be been have has going to now also just already automatically then soon "
    "both each all"
)

# Verbs that are a money act by themselves ("we'll refund you").
MONEY_VERBS = re.compile(r"^(refund|reimburs|compensat|credit|halv|comp$|comped|comping)")
# Verbs of giving: a money act when what they give is money ("we'll give you a free month").
GIVE_VERBS = re.compile(
    r"^(giv|gave|offer|add|appl|issu|send|sent|grant|provid|extend|throw|threw|gift|transfer|"
    r"process|arrang|approv|put|get|got|pay|paid|award|upgrad|set(?!tl)|hand|treat)"
)
# Verbs of taking a charge away: a money act when what they remove is a charge.
REMOVE_VERBS = re.compile(
    r"^(waiv|remov|cover|revers|cancel|drop|wip|zero|deduct|absorb|forgiv|void|scrap|lower|settl|"
    r"reduc|cut|halv|foot|eat|knock|take|took|writ|wrote|pick)"
)
# These need a particle to mean money: "take ... off", "write ... off", "pick up the bill".
NEEDS_PARTICLE = {"take": ("off", "care"), "took": ("off", "care"), "knock": ("off",)}
NEEDS_PARTICLE |= {"writ": ("off",), "wrote": ("off",), "pick": ("up",), "eat": ("cost",)}

BENEFITS = re.compile(
    r"^(credits?|refunds?|refunded|discounts?|discounted|vouchers?|coupons?|rebates?|cashback|"
    r"compensation|goodwill|reimbursement|cheque|money|free|gratis|complimentary|"
    r"gesture|giftcard|gift|bonus|freebie|promo|credited|reimbursed|waived|waiver|reward|perk)$"
)
CHARGES = re.compile(
    r"^(fees?|charges?|surcharges?|costs?|bills?|invoices?|balance|penalty|penalties|price|"
    r"rental|amount|overcharge|subscription|debt|arrears|excess|tab)$"
)
CURRENCY = re.compile(
    r"^(€|\$|£|eur|euros?|usd|dollars?|gbp|pounds?|quid|bucks|chf|francs?|sek|nok|dkk|kr|pln|"
    r"cents?|\d+(?:[.,]\d+)*(?:€|eur|k))$"
)
PERCENT = frozenset({"%", "percent", "pct"})
PERCENT_OFF = words("off discount reduction refund credit cashback rebate back cheaper less lower")
# What a giving verb hands over when it is not money: stop looking for money after these.
BLOCKERS = words(
    """request requests question questions query message messages ticket claim details link
    form case information info email reference note article policy how what where why
    whether if text confirmation update reply answer colleague agent person about regarding
    concerning"""
)
PERIODS = re.compile(
    r"^(months?|years?|weeks?|quarters?|invoices?|bills?|subscriptions?|rental|renewal|january|"
    r"february|march|april|may|june|july|august|september|october|november|december)$"
)
FREE_WORDS = ("free", "on us", "on the house", "covered", "waived", "free of charge", "our treat")

# What a customer holds whose price can go down: "your plan is now 15% cheaper".
HOLDINGS = re.compile(r"^(plans?|contracts?|tariffs?|rates?|lines?|package|bundle|renewal)$")
# Phrasal verbs of paying back, read as the one verb they mean.
PAID_BACK = re.compile(r"\b(?:pa(?:y|id|ying)|sen[dt]|giv(?:e|en|ing)|gave) (?:(?:you|it) )?back\b")
# A code the customer is told about, not given: "the code SUMMER50 you mentioned expired".
CODE_VETO = re.compile(r"\b(?:expired|invalid|not valid|mentioned|asked|can not|cannot)\b")
PRONOUNS = words("it them this that these those")

# A free period ("six months free", "a free year") and what hedges it into a policy statement.
FREE_PERIOD = re.compile(
    r"\b(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
    r"(?:months?|years?|weeks?|quarters?)\s+(?:free|of free|at no)\b"
    r"|\bfree\s+(?:months?|years?|weeks?|quarters?)\b"
)
HEDGES = re.compile(
    r"\b(?:if|may|might|can|could|eligible|qualif\w*|when|once|customers|request|whether)\b"
)

# Patterns over a normalised sentence (lower case, contractions expanded).
SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
QUOTED = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”|«[^»\n]*»")
REPORTED = re.compile(
    r"\b(?:you|your \w+|he|she|they|someone|somebody)\s+(?:\w+\s+){0,2}?(?:asked|requested|"
    r"mentioned|said|wrote|were told|was told|were promised|was promised|promised|claimed|want|"
    r"wanted|would like|asking|hoped|expected|thought)\b"
    r"(?:(?!\b(?:so|and|but|then|which)\b)[^;:,.!?—–])*"
)
CONTRACTIONS = (
    (r"\bwon't\b", "will not"),
    (r"\bcan't\b", "can not"),
    (r"\bshan't\b", "shall not"),
    (r"n't\b", " not"),
    (r"'ll\b", " will"),
    (r"'ve\b", " have"),
    (r"'re\b", " are"),
    (r"'m\b", " am"),
    (r"'d\b", " would"),
    (r"'s been\b", " has been"),
    (r"\b(here|it|that|there|what|who|he|she)'s\b", r"\1 is"),
    (r"'s\b", ""),
)
TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[a-z]+|[€$£%]|[^\s\w']")
STOPS = frozenset(",;:!?.()[]—–&/")
WAIVER = re.compile(
    r"\b(?:you|we|i)\s+(?:will|shall|are going to)\s+not\s+(?:be\s+)?(?:charg|bill|invoic|"
    r"pay\b|owe\b|have to pay|need to pay|ask you to pay)"
    r"|\byou\s+(?:will\s+)?(?:only\s+)?(?:pay|owe)\s+(?:us\s+)?(?:nothing|zero|0\b|no\b|half)"
    r"|\bwill (?:now )?cost (?:you )?(?:nothing|zero|0\b)"
    r"|\byou will not (?:see|find|get|receive|have) (?:\S+ ){0,4}?(?:charge|fee|bill|invoice)"
    r"|\bno (?:\S+ )?(?:invoice|bill|charge|fee) will be (?:issued|sent|charged|applied|raised)"
    r"|\b(?:invoice|bill|fee|charge|month|payment)s? will not be (?:charged|billed|invoiced|"
    r"collected|taken|debited)|\bno need to pay\b|\bwill not (?:need|have) to pay\b"
    r"|\byou (?:can|should|will) (?:now )?expect (?:\S+ ){0,3}?(?:refund|credit|compensation|"
    r"voucher|discount|free)"
    r"|\byour (?:\w+ )?(?:reward|gift|voucher|code|compensation|credit|refund|discount)\s*:"
)
PASSIVE = re.compile(
    r"^(?:\S+ ){0,6}?(?:(?:has|have)(?: now| just| already)? been|will be|will now be|is being|"
    r"are being|is now|are now) (\w+)"
    r"|^(?:\S+ ){0,6}?(?:is|are)(?: now)? (?:on (?:its|their|the) way|coming)"
)
MONEY_DONE = words("credited refunded reimbursed repaid returned")
GIVEN = words(
    "applied added issued processed sent approved granted given paid transferred arranged put "
    "scheduled made released deposited loaded"
)
REMOVED = words(
    "waived removed reversed cancelled canceled dropped written wiped zeroed reduced lowered "
    "halved covered cleared"
)
IDIOMS = re.compile(
    r"\bon the house\b|\bour (?:treat|gift)\b|\bwith our compliments\b"
    r"|\bcall it (?:even|quits)\b"
    r"|(?<!\brely )(?<!\bcount )(?<!\bdepend )(?<!\bcall )(?<!\bwait )(?<!\bbased )\bon us\b"
    r"|\bconsider (?:it|this|that|the|your)(?: [\w ]{1,30}?)? (?:waived|refunded|credited|"
    r"cancelled|covered|gone|free)\b"
)
PERIOD_FREE = re.compile(
    r"\b(?:your|this|next|whole of|rest of|coming|first)\s+(?:\w+\s+){0,3}?(\w+)\s+(?:is|are|"
    r"will be|would be)\s+(?:\w+\s+)?(?:free|on us|on the house|covered|waived)\b"
)
NEEDS_BENEFIT = re.compile(
    r"\bas (?:our|an?) (?:apology|goodwill gesture|gesture of goodwill|thank you)\b"
    r"|\bto apologi[sz]e\b|\bto make (?:it|this|things) (?:up|right)\b|"
    r"\bmake (?:it|this|that) up to you\b|\bfrom us\b|\b(?:is|are) (?:all )?yours\b"
)
LOWER = words("lower cheaper less reduced smaller free zero halved waived covered")
CODE = re.compile(
    r"\b(?i:voucher|promo|promotion|discount|coupon|gift)\b[^.;]{0,40}?(?i:code)\s*:?\s*"
    r"[A-Z0-9][A-Z0-9-]{3,}\b|"
    r"\b(?i:use|enter|apply|redeem|with|quote)\s+(?i:the\s+|this\s+|your\s+)?"
    r"(?i:voucher\s+|promo\s+|promotion\s+|discount\s+|coupon\s+|gift\s+)?(?i:code)\s*:?\s*"
    r"[A-Z0-9][A-Z0-9-]{3,}\b"
    r"|\b(?i:voucher|promo|promotion|discount|coupon|gift)\s+(?i:code)\s*(?:(?i:is)|:)\s*"
    r"[A-Z0-9][A-Z0-9-]{3,}\b"
)
