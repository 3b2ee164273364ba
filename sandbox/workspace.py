"""The sample workspace: Brightwave Telecom's support team and three customer organisations."""

from __future__ import annotations

from dataclasses import dataclass

from emulators import SlackEmulator

VENDOR_TEAM = "T_VENDOR"
AGENT_CHANNEL = "C_AGENTS"
DIGEST_CHANNEL = "C_DIGEST"


@dataclass(frozen=True)
class Person:
    """A member of the sample workspace."""

    user_id: str
    name: str
    real_name: str
    team_id: str


@dataclass(frozen=True)
class CustomerOrg:
    """A customer organisation and its Slack Connect support channel."""

    team_id: str
    name: str
    channel_id: str
    channel_name: str
    people: tuple[Person, ...]


AGENTS = (
    Person("U_ANA", "ana", "Ana Agent", VENDOR_TEAM),
    Person("U_BEN", "ben", "Ben Agent", VENDOR_TEAM),
    Person("U_CHLOE", "chloe", "Chloe Lead", VENDOR_TEAM),
)
MANAGER = Person("U_MAYA", "maya", "Maya Manager", VENDOR_TEAM)

CUSTOMERS = (
    CustomerOrg(
        "T_ACME",
        "Acme Logistics",
        "C_ACME",
        "ext-acme-logistics",
        (
            Person("U_DANA", "dana", "Dana (Acme)", "T_ACME"),
            Person("U_ERIK", "erik", "Erik (Acme)", "T_ACME"),
        ),
    ),
    CustomerOrg(
        "T_GLOBEX",
        "Globex Retail",
        "C_GLOBEX",
        "ext-globex-retail",
        (Person("U_FIONA", "fiona", "Fiona (Globex)", "T_GLOBEX"),),
    ),
    CustomerOrg(
        "T_INITECH",
        "Initech Health",
        "C_INITECH",
        "ext-initech-health",
        (Person("U_GRACE", "grace", "Grace (Initech)", "T_INITECH"),),
    ),
)


def seed(slack: SlackEmulator) -> None:
    """Create the teams, people and channels of the sample workspace in an emulator."""
    staff = (*AGENTS, MANAGER)
    for person in staff:
        slack.add_user(person.user_id, person.name, team_id=VENDOR_TEAM, real_name=person.real_name)
    slack.add_channel(
        AGENT_CHANNEL,
        "support-escalations",
        is_private=True,
        members=[p.user_id for p in AGENTS],
    )
    slack.add_channel(DIGEST_CHANNEL, "support-digest", members=[p.user_id for p in staff])
    for org in CUSTOMERS:
        slack.add_team(org.team_id, org.name)
        for person in org.people:
            slack.add_user(
                person.user_id, person.name, team_id=org.team_id, real_name=person.real_name
            )
        slack.add_channel(
            org.channel_id,
            org.channel_name,
            is_ext_shared=True,
            connected_team_ids=[org.team_id],
            members=[*(p.user_id for p in org.people), *(a.user_id for a in AGENTS)],
        )
