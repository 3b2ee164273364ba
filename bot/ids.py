"""Action, callback and block ids, and the /hitl limits: one source for everyone who uses them."""

from typing import Final

# Buttons on an automatic answer in the customer's thread.
TALK_TO_PERSON: Final = "hitl_talk_to_person"
THUMBS_UP: Final = "hitl_thumbs_up"
THUMBS_DOWN: Final = "hitl_thumbs_down"

# Buttons on the escalation card in the agent channel.
APPROVE: Final = "hitl_approve"
EDIT: Final = "hitl_edit"
TAKE_OVER: Final = "hitl_take_over"
HAND_BACK: Final = "hitl_hand_back"
RESOLVE: Final = "hitl_resolve"

# The Edit modal.
EDIT_VIEW: Final = "hitl_edit_view"
EDIT_BLOCK: Final = "hitl_edit_text_block"
EDIT_INPUT: Final = "hitl_edit_text"

# Block ids of the card's parts (stable so updates replace the same blocks).
CARD_ACTIONS_BLOCK: Final = "hitl_card_actions"
ANSWER_ACTIONS_BLOCK: Final = "hitl_answer_actions"

COMMAND: Final = "/hitl"

CARD_ACTIONS: Final = (APPROVE, EDIT, TAKE_OVER, HAND_BACK, RESOLVE)
ANSWER_ACTIONS: Final = (TALK_TO_PERSON, THUMBS_UP, THUMBS_DOWN)

# The longest period `/hitl digest [days]` and `hitl digest --print --days` accept.
MAX_DIGEST_DAYS = 90
