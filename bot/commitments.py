"""Find promises of money to this customer in a reply, whatever the wording.

A promise is a structure, not a phrase: someone who can commit the company ("we", "I", "let me")
in a committing verb form (future, perfective, offer: "we'll", "I've", "I'm happy to") with a
money act (a refund or credit verb, a verb of giving with money as its object, a verb of
removing a charge); or the customer's account on the receiving end of one ("your account has been
credited", "you won't be charged"); or a gift idiom ("on the house", "on us", a voucher code).
Negated, hedged, habitual and reported forms are no commitment, and neither is quoting the
knowledge base: "service credits are 10% of the monthly fee" commits nobody to anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot import commitment_words as w


@dataclass(frozen=True)
class Commitment:
    """One promise of money and the sentence that makes it."""

    kind: str  # actor | recipient | waiver | passive | idiom | gift | code
    evidence: str


def normalise(sentence: str) -> str:
    """Lower-case a sentence, expand contractions and drop reported and quoted speech."""
    text = sentence.replace("’", "'").replace("‘", "'").lower()
    for pattern, replacement in w.CONTRACTIONS:
        text = re.sub(pattern, replacement, text)
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)
    text = w.PAID_BACK.sub("refund", text)
    return w.REPORTED.sub(" , ", text)


def _is_benefit(tokens: list[str], i: int) -> bool:
    token = tokens[i]
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    if after in w.BLOCKERS:  # "your refund request" is a request, not a refund
        return False
    if token == "free":  # but not "feel free to ask"
        return not (tokens[i - 1 : i] in (["feel"], ["are"], ["be"]) and after == "to")
    if token in w.PERCENT:
        return any(t in w.PERCENT_OFF for t in tokens[i + 1 : i + 4])
    if token in ("charge", "cost") and "no" in tokens[max(0, i - 2) : i]:
        return True  # "at no charge", "at no extra cost"
    if w.CURRENCY.match(token):  # money handed over, not a price ("for 5 EUR a month")
        priced = {"for", "at", "cost", "costs", "price", "priced"} & set(tokens[max(0, i - 3) : i])
        return not priced and tokens[i + 1 : i + 3] not in (["a", "month"], ["per", "month"])
    return bool(w.BENEFITS.match(token)) or (token == "half" and after == "price")


def _is_charge(tokens: list[str], i: int) -> bool:
    return bool(w.CHARGES.match(tokens[i])) or _is_benefit(tokens, i)


def _mentions_money(tokens: list[str]) -> bool:
    return any(_is_charge(tokens, i) for i in range(len(tokens)))


def _scan(tokens: list[str], start: int, want: Callable[[list[str], int], bool]) -> bool:
    """Whether `want` holds for a word of the phrase that starts at `start`."""
    for j in range(start, min(len(tokens), start + 10)):
        if tokens[j] in w.STOPS or tokens[j] == "and" or tokens[j] in w.BLOCKERS:
            return False
        if want(tokens, j):
            return True
    return False


def _money_act(tokens: list[str], j: int) -> bool:
    """Whether the verb at `j` and what follows it move money towards the customer."""
    verb = tokens[j]
    if tokens[j + 1 : j + 2] and tokens[j + 1] in w.PRONOUNS and _mentions_money(tokens):
        # "don't worry about the late fee, we've dropped it": the pronoun stands for the money.
        tokens = [*tokens[: j + 1], "fee", *tokens[j + 2 :]]
    if verb.startswith("ask") and "to" in tokens[j + 1 : j + 4]:
        k = tokens.index("to", j + 1)  # "I'll ask billing to refund the £60"
        if k + 1 < len(tokens) and _money_act(tokens, k + 1):
            return True
    for stem, particles in w.NEEDS_PARTICLE.items():
        if verb.startswith(stem):
            window = tokens[j + 1 : j + 10]
            has_particle = any(t.startswith(particles) for t in window)
            return has_particle and _scan(tokens, j + 1, _is_charge)
    if w.MONEY_VERBS.match(verb) and not verb.endswith("s"):
        return True
    if verb in ("get", "got", "getting"):  # "I'll get you a €30 voucher"
        return _scan(tokens, j + 1, _is_benefit)
    if verb in ("pay", "paid", "paying") and tokens[j + 1 : j + 2] in (["for"], ["you"], ["off"]):
        return True  # "I'll pay for the replacement SIMs"
    if w.GIVE_VERBS.match(verb):
        return _scan(tokens, j + 1, _is_charge if verb.startswith("pa") else _is_benefit)
    if w.REMOVE_VERBS.match(verb):
        return _scan(tokens, j + 1, _is_charge)
    # Any other verb with money as its object ("I've popped a €60 credit onto your account"),
    # unless it only talks about the money.
    return not w.INQUIRY_VERBS.match(verb) and _scan(tokens, j + 1, _is_benefit)


def _actor_commits(tokens: list[str], i: int) -> bool:
    """`tokens[i]` commits the company: an actor, committing verb forms, then a money act."""
    token, before = tokens[i], tokens[i - 1] if i else ""
    invited = token in w.OBJECT_ACTORS and before in w.INVITERS
    staff = token in w.STAFF and before in ("our", "a", "the", "brightwave")
    if token not in w.ACTORS and not invited and not staff:
        return False
    asked = before in ("shall", "can", "may", "could", "should")  # "shall I apply a credit?"
    j = i + 1
    while j < len(tokens) and tokens[j] in w.CHAIN and j - i <= 7:
        j += 1
    if tokens[j : j + 2] == ["do", ":"]:  # "here's what we'll do: refund the add-on and ..."
        j += 2
    if j >= len(tokens) or (j == i + 1 and not (invited or asked)):
        return False  # "we apply credits when ..." describes a habit, it promises nothing
    if {"sure", "ensure"} & set(tokens[i:j]):  # "I'll make sure the €99 fee is refunded"
        return _scan(tokens, j, lambda t, k: t[k] in w.SETTLED or _is_benefit(t, k))
    # The verb, and every verb coordinated with it: "we'll match the price and drop your fee".
    verbs = [j] + [k + 1 for k in range(j, len(tokens) - 1) if tokens[k] == "and"]
    for k in verbs:
        if any(t in w.STOPS for t in tokens[j:k]):
            break
        if _money_act(tokens, k):
            return True
    return False


def _recipient_gains(tokens: list[str], i: int) -> bool:
    """`tokens[i]` is the customer or their account, on the receiving end of money."""
    if tokens[i] == "you":
        head, j = "you", i + 1
        if i and tokens[i - 1] in ("if", "when", "whether", "once", "unless", "until"):
            return False
    elif tokens[i] == "your":
        j = i + 1
        while j < len(tokens) and j - i <= 3 and tokens[j] not in w.RECIPIENT_CHAIN:
            j += 1
        head = tokens[j - 1]
    else:
        return False
    start = j
    while j < len(tokens) and tokens[j] in w.RECIPIENT_CHAIN:
        j += 1
    if j == start or j >= len(tokens):
        return False
    verb = tokens[j]
    lowered = _scan(tokens, j, lambda t, k: t[k] in w.LOWER)
    if lowered and (w.CHARGES.match(head) or w.PERIODS.match(head) or w.HOLDINGS.match(head)):
        return True  # "your next invoices will be 20% lower"
    if tokens[j - 1] == "have" and verb not in w.MONEY_DONE | w.REMOVED:
        verb, j = "have", j - 1  # "you'll have 6 months at 50% off"
    if verb in w.MONEY_DONE or verb == "compensated":
        return True
    if "now" in tokens[start:j] and _scan(tokens, j + 1, _is_benefit):
        # "your account now shows a 100 EUR goodwill credit": a change just made
        return True
    if verb in w.REMOVED:
        return bool(w.CHARGES.match(head) or w.PERIODS.match(head))
    if verb.startswith("pay") and _scan(tokens, j + 1, lambda t, k: t[k] in ("less", "nothing")):
        return True  # "from next month you'll be paying 10 EUR less per line"
    if verb.startswith(("receiv", "get", "see", "hav", "enjoy", "given", "offer", "sent", "grant")):
        return _scan(tokens, j + 1, _is_benefit)
    return False


def _passive_given(tokens: list[str], i: int) -> bool:
    """`tokens[i]` is money that has been or will be given ("a credit has been applied")."""
    benefit, charge = _is_benefit(tokens, i), bool(w.CHARGES.match(tokens[i]))
    if tokens[i] in w.PRONOUNS and (i == 0 or tokens[i - 1] in w.STOPS or tokens[i - 1] == "and"):
        charge = _mentions_money(tokens)  # "that charge was our mistake, and it's been refunded"
    if not (benefit or charge):
        return False
    rest = []
    for token in tokens[i + 1 : i + 10]:
        if token in w.STOPS or token in w.BLOCKERS:
            break
        rest.append(token)
    match = w.PASSIVE.match(" ".join(rest))
    if match is None:
        return False
    done = match.group(1)
    if done is None or done in w.MONEY_DONE:
        return True
    return (done in w.GIVEN and benefit and not w.CURRENCY.match(tokens[i])) or (
        done in w.REMOVED and charge
    )


def _gift_offered(tokens: list[str], i: int) -> bool:
    """An imperative or presentative gift: "enjoy a free upgrade", "here is a €20 voucher"."""
    if i and tokens[i - 1] not in w.STOPS and tokens[i - 1] != "please":
        return False
    if tokens[i] in ("enjoy", "accept", "expect"):
        return _scan(tokens, i + 1, _is_benefit)
    if tokens[i] == "here" and tokens[i + 1 : i + 2] in (["is"], ["are"]):
        return _scan(tokens, i + 2, _is_benefit)
    return False


_TOKEN_RULES = (
    ("actor", _actor_commits),
    ("recipient", _recipient_gains),
    ("passive", _passive_given),
    ("gift", _gift_offered),
)


def _sentence_kind(sentence: str) -> str | None:
    text = normalise(sentence)
    if w.CODE.search(sentence) and not w.CODE_VETO.search(sentence.lower()):
        return "code"
    tokens = w.TOKEN.findall(text)
    if w.WAIVER.search(text):
        return "waiver"
    if w.IDIOMS.search(text):
        return "idiom"
    period = w.PERIOD_FREE.search(text)
    if period and (w.PERIODS.match(period.group(1)) or w.CHARGES.match(period.group(1))):
        return "idiom"
    if w.NEEDS_BENEFIT.search(text) and any(_is_benefit(tokens, i) for i in range(len(tokens))):
        return "idiom"
    addressed = {"you", "your"} & set(tokens)
    if w.FREE_PERIOD.search(text) and addressed and not w.HEDGES.search(text):
        return "idiom"  # "your three new lines come with six months free"
    for kind, rule in _TOKEN_RULES:
        if any(rule(tokens, i) for i in range(len(tokens))):
            return kind
    return None


def find_commitments(text: str) -> list[Commitment]:
    """Every sentence of `text` that promises money to the customer, with why it counts."""
    kept = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))
    found = []
    for sentence in w.SENTENCE.split(w.QUOTED.sub(" ", kept)):
        sentence = sentence.strip()
        kind = _sentence_kind(sentence) if sentence else None
        if kind is not None:
            found.append(Commitment(kind=kind, evidence=sentence))
    return found
