"""The one family of the review's refusals (`reviews.refusals`), without a database."""

from reviews.refusals import Conflict, GuardFailed, Invalid, Kind, NotPermitted, WrongState


def test_a_refusal_carries_its_kind_and_its_messages_by_field():
    refusal = GuardFailed({"note": ["Give a reason."], "verdict": ["Choose a verdict."]})
    assert refusal.kind is Kind.GUARD_FAILED
    assert refusal.messages == {"note": ["Give a reason."], "verdict": ["Choose a verdict."]}
    assert str(refusal) == "Give a reason.; Choose a verdict."
    assert refusal.reasons() == ["Give a reason.", "Choose a verdict."]


def test_a_refusal_no_field_is_to_blame_for_has_only_its_message():
    refusal = NotPermitted("Your role does not allow this.")
    assert refusal.messages == {} and refusal.reasons() == ["Your role does not allow this."]


def test_a_wrong_state_is_a_conflict_of_its_own_kind():
    assert isinstance(WrongState("moved on"), Conflict) and WrongState("moved on").kind is Kind.WRONG_STATE
    assert {cls.kind for cls in (NotPermitted, WrongState, GuardFailed, Invalid, Conflict)} == set(Kind)
