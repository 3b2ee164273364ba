"""Load the operator's policy: risk scoring, channel modes, compensation limits and SLA."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

Category = Literal[
    "churn",
    "human_request",
    "legal",
    "billing_dispute",
    "money_offer",
    "complaint",
    "anger",
    "frustration",
    "repeated_contact",
    "unresolved",
    "high_value",
    "low_confidence",
    "model",
]
CATEGORIES: tuple[str, ...] = get_args(Category)
# Categories a message's own words can carry (the rest come from context or the model).
TEXT_CATEGORIES: tuple[str, ...] = (
    "churn",
    "human_request",
    "legal",
    "billing_dispute",
    "money_offer",
    "complaint",
    "anger",
)
ChannelMode = Literal["auto", "review", "off"]
Offer = Literal["service_credit", "free_month", "discount", "refund"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class PolicyError(ValueError):
    """Report a policy file that cannot be used, in one line naming the file and the field."""


class IntentRule(BaseModel):
    """Describe one family of customer intent as word slots that must co-occur nearby."""

    model_config = _FROZEN

    name: str
    category: Category
    # Each slot lists alternative terms (words or short phrases, any inflection); the rule fires
    # when every slot matches within `window` words of the first one, in either order.
    slots: tuple[tuple[str, ...], ...] = ()
    # Terms that fire on their own.
    phrases: tuple[str, ...] = ()
    # Terms that, near a match, mark it as a routine use ("cancel my order"); "@name" pulls in
    # the lexicon's shared list of that name.
    unless: tuple[str, ...] = ()
    window: int = Field(default=5, ge=0, le=20)
    # The slots must come in the order written: a verb that doubles as a noun ("phone",
    # "call") asks for a person only before one ("phone someone", not "someone's phone").
    ordered: bool = False
    # The sentence must name the customer (a `first_person` word): "can we get a credit for
    # the outage" asks for money, "how are credits for an outage worked out" asks how it works.
    personal: bool = False
    negatable: bool = True
    max_words: int | None = Field(default=None, ge=1)
    weight: float | None = Field(default=None, ge=0.0, le=1.0)


class LexiconPolicy(BaseModel):
    """Hold the word lists: intent rules plus the words that steer negation and typo matching."""

    model_config = _FROZEN

    rules: tuple[IntentRule, ...]
    negators: tuple[str, ...]
    # Words allowed between a negator and the intent it negates ("don't *want to* cancel").
    negation_passthrough: tuple[str, ...]
    # Real words that must never be read as typos of a lexicon word ("contact" vs "contract").
    known_words: tuple[str, ...] = ()
    # A word of the English frequency list seen this often is real: never a typo of a lexicon
    # word. Rarer entries of the list include misspellings ("cancelation").
    real_word_min_count: int = Field(default=100, ge=1)
    # Words by which customers name themselves, for rules marked `personal`.
    first_person: tuple[str, ...] = ()
    # Named word lists that several rules share through "@name" in their `unless`.
    shared: dict[str, tuple[str, ...]] = {}

    @model_validator(mode="after")
    def _shared_lists_exist(self) -> LexiconPolicy:
        """Reject a rule that names a shared list nobody defined."""
        for index, rule in enumerate(self.rules):
            for term in rule.unless:
                if term.startswith("@") and term[1:] not in self.shared:
                    raise ValueError(f"rules.{index}.unless: no shared list named {term[1:]!r}")
        return self

    def unless_terms(self, rule: IntentRule) -> tuple[str, ...]:
        """Return a rule's veto terms with shared lists expanded."""
        out: list[str] = []
        for term in rule.unless:
            out.extend(self.shared[term[1:]] if term.startswith("@") else (term,))
        return tuple(out)


class TonePolicy(BaseModel):
    """Tune the sentiment and frustration signals."""

    model_config = _FROZEN

    anger_compound: float = Field(default=-0.6, ge=-1.0, le=0.0)
    shouting_min_words: int = Field(default=3, ge=1)
    shouting_ratio: float = Field(default=0.6, ge=0.0, le=1.0)
    punctuation_run: int = Field(default=2, ge=2)
    trend_floor: float = Field(default=-0.3, ge=-1.0, le=1.0)
    trend_drop: float = Field(default=0.4, ge=0.0, le=2.0)
    repeat_similarity: float = Field(default=0.8, ge=0.0, le=1.0)


class RiskPolicy(BaseModel):
    """Configure how customer messages are scored and when they escalate."""

    model_config = _FROZEN

    threshold: float = Field(ge=0.0, le=1.0)
    weights: dict[str, float]
    lexicon: LexiconPolicy
    tone: TonePolicy = TonePolicy()
    repeat_contact_window_hours: float = Field(default=24.0, gt=0)
    repeat_contact_min: int = Field(default=2, ge=1)
    unresolved_min: int = Field(default=1, ge=1)
    high_value_monthly_eur: float = Field(default=150.0, ge=0)
    high_value_tiers: tuple[str, ...] = ("enterprise",)
    grounding_min: float = Field(default=0.6, ge=0.0, le=1.0)

    @field_validator("weights")
    @classmethod
    def _known_weights(cls, weights: dict[str, float]) -> dict[str, float]:
        """Reject unknown categories and weights outside [0, 1] so typos do not pass silently."""
        for name, value in weights.items():
            if name not in CATEGORIES:
                raise ValueError(f"unknown category {name!r} (known: {', '.join(CATEGORIES)})")
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"weight for {name!r} must be between 0 and 1, got {value}")
        return weights

    def weight(self, category: str) -> float:
        """Return the configured weight of a category, 0 when it is switched off."""
        return self.weights.get(category, 0.0)


class ChannelPolicy(BaseModel):
    """Map channels to the bot's mode: answer, draft for review, or stay silent."""

    model_config = _FROZEN

    default_mode: ChannelMode = "auto"
    modes: dict[str, ChannelMode] = {}

    def mode_for(self, channel_id: str) -> str:
        """Return the mode configured for a channel, or the default."""
        return self.modes.get(channel_id, self.default_mode)


class TierLimits(BaseModel):
    """Cap what an offer of money may reach for one account tier."""

    model_config = _FROZEN

    max_credit_eur: float = Field(ge=0)
    max_free_months: int = Field(ge=0)
    allowed_offers: tuple[Offer, ...]
    # When set, the credit cap is also bounded by this many months of the account's fee.
    max_credit_monthly_fees: float | None = Field(default=None, ge=0)

    def credit_cap(self, monthly_fee: float | None = None) -> float:
        """Return the largest credit in EUR for an account paying `monthly_fee`."""
        if self.max_credit_monthly_fees is None or monthly_fee is None:
            return self.max_credit_eur
        return min(self.max_credit_eur, self.max_credit_monthly_fees * monthly_fee)


class CompensationPolicy(BaseModel):
    """Hold the compensation limits per account tier."""

    model_config = _FROZEN

    tiers: dict[str, TierLimits]
    default_tier: str = "standard"

    @field_validator("tiers")
    @classmethod
    def _has_tiers(cls, tiers: dict[str, TierLimits]) -> dict[str, TierLimits]:
        """Require at least one tier so every lookup has an answer."""
        if not tiers:
            raise ValueError("at least one tier is required")
        return tiers

    def limits_for(self, tier: str | None) -> TierLimits:
        """Return the limits of a tier, falling back to the default tier for unknown ones."""
        if tier is not None and tier.lower() in self.tiers:
            return self.tiers[tier.lower()]
        if self.default_tier in self.tiers:
            return self.tiers[self.default_tier]
        return min(self.tiers.values(), key=lambda limits: limits.max_credit_eur)


class SlaPolicy(BaseModel):
    """Say when to remind agents of an escalation nobody has picked up."""

    model_config = _FROZEN

    reminder_minutes: int = Field(default=15, ge=1)
    mention: str | None = None
    holding_reply_max_minutes: int = Field(default=60, ge=1)


class AnsweringPolicy(BaseModel):
    """Say how much of the knowledge base Claude reads, and how long a customer may wait."""

    model_config = _FROZEN

    # The whole knowledge base goes into the cached system prompt when its estimated size
    # (characters / 3, see bot.prompts.estimate_tokens) is at most this; otherwise only the
    # passages that match each message are sent.
    kb_in_prompt_max_tokens: int = Field(default=60000, ge=0)
    # The whole answer (every model call and tool turn): past it, agents get the offline draft.
    deadline_seconds: float = Field(default=20.0, gt=0, le=600)


class Policy(BaseModel):
    """Bundle every operator-configurable rule of the bot."""

    model_config = _FROZEN

    risk: RiskPolicy
    channels: ChannelPolicy = ChannelPolicy()
    compensation: CompensationPolicy
    sla: SlaPolicy = SlaPolicy()
    answering: AnsweringPolicy = AnsweringPolicy()


def default_policy_path() -> Path:
    """Return the path of the policy shipped with the bot."""
    return Path(__file__).parent / "data" / "policy.yaml"


def load_policy(path: Path | None = None) -> Policy:
    """Load the shipped policy, overlaid with the operator's file when one is given.

    Mappings in the operator's file are merged key by key into the defaults; lists and
    scalars replace them, so a file may set just `risk: {threshold: 0.6}`.
    """
    data = _read_mapping(default_policy_path())
    if path is not None:
        data = _overlay(data, _read_mapping(path))
    shown = path if path is not None else default_policy_path()
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(_describe(shown, exc)) from None


def _read_mapping(path: Path) -> dict[str, Any]:
    """Read a YAML file that must hold a mapping."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read policy file: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise PolicyError(f"{path}: not valid YAML{where}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: expected a mapping at the top level, got {type(data).__name__}")
    return data


def _overlay(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Merge `override` into `base`: mappings recursively, everything else replaced."""
    merged = dict(base)
    for key, value in override.items():
        current = merged.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            merged[key] = _overlay(current, value)
        else:
            merged[key] = value
    return merged


def _describe(path: Path, exc: ValidationError) -> str:
    """Render the first validation error as one line naming the file and the field."""
    errors = exc.errors()
    first = errors[0]
    field = ".".join(str(part) for part in first["loc"]) or "(top level)"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{path}: {field}: {message}{more}"
