"""Polls against a real SQLite database: lifecycle, eligibility, proxies, secrecy."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from attendance.audit import entries
from attendance.checkin import check_in
from attendance.errors import Conflict, Forbidden, Invalid, Unauthorized
from attendance.meetings import create_meeting, set_participants
from attendance.orm import Person, utcnow
from attendance.people import create_person
from attendance.presence import check_out
from attendance.voting.ballots import cast_ballot
from attendance.voting.master_key import MasterKey
from attendance.voting.opinions import give_opinion, opinions
from attendance.voting.passes import authenticate_pass, issue_pass
from attendance.voting.polls import PollSpec, close_poll, create_poll, open_poll
from attendance.voting.proxies import give_proxy
from attendance.voting.tables import BallotRecord, Poll, SecretCount
from attendance.voting.tally import tally

MASTER_KEY = MasterKey(secret="a master key for the tests' secret polls only")
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Đức Dũng", "Hoàng Thị Hà"]


@pytest.fixture
def room(session: Session) -> tuple[int, list[Person]]:
    """A meeting of five voting members and one observer; started an hour ago."""
    members = [create_person(session, full_name=n) for n in NAMES]
    observer = create_person(session, full_name="Vũ Thị Quan Sát")
    start = utcnow() - timedelta(hours=1)
    meeting = create_meeting(
        session, title="Kỳ họp HĐND phường", starts_at=start, ends_at=start + timedelta(hours=4)
    )
    set_participants(
        session,
        meeting_id=meeting.id,
        person_ids=[p.id for p in members],
        non_voting_ids=[observer.id],
    )
    return meeting.id, [*members, observer]


def arrive(session: Session, meeting_id: int, *people: Person, ago: float = 1) -> None:
    for p in people:
        check_in(
            session,
            meeting_id=meeting_id,
            person_id=p.id,
            source="kiosk",
            idempotency_key=f"in-{p.id}-{utcnow().timestamp()}",
            at=utcnow() - timedelta(seconds=ago),
        )


def opened(session: Session, meeting_id: int, **spec: object) -> Poll:
    poll = create_poll(
        session,
        meeting_id=meeting_id,
        spec=PollSpec(title="Thông qua nghị quyết", **spec),  # type: ignore[arg-type]
        actor="admin",
    )
    return open_poll(session, meeting_id=meeting_id, poll_id=poll.id, actor="admin")


def vote(session: Session, poll: Poll, person: Person, label: str, **kw: object) -> BallotRecord:
    option = next(o.id for o in poll.options if o.label == label)
    return cast_ballot(
        session,
        meeting_id=poll.meeting_id,
        poll_id=poll.id,
        voter_id=person.id,
        option_ids=[option],
        channel="link",
        **kw,  # type: ignore[arg-type]
    ).record


def test_default_options_are_agree_disagree_abstain(session: Session, room: tuple) -> None:
    meeting_id, _ = room
    poll = create_poll(session, meeting_id=meeting_id, spec=PollSpec(title="X"), actor="admin")
    assert [(o.label, o.role) for o in poll.options] == [
        ("Đồng ý", "yes"),
        ("Không đồng ý", "no"),
        ("Không biểu quyết", "abstain"),
    ]
    assert poll.state == "draft"


def test_poll_cannot_open_without_quorum(session: Session, room: tuple) -> None:
    meeting_id, people = room
    arrive(session, meeting_id, *people[:2])  # 2 of 5 voting members
    poll = create_poll(session, meeting_id=meeting_id, spec=PollSpec(title="X"), actor="admin")
    with pytest.raises(Conflict) as refused:
        open_poll(session, meeting_id=meeting_id, poll_id=poll.id, actor="admin")
    assert refused.value.code == "QUORUM_NOT_MET"
    assert "2/5" in refused.value.message


def test_ballot_records_the_event_that_made_the_voter_eligible(
    session: Session, room: tuple
) -> None:
    meeting_id, people = room
    arrive(session, meeting_id, *people[:3])
    poll = opened(session, meeting_id)
    record = vote(session, poll, people[0], "Đồng ý")
    assert record.eligibility_event.person_id == people[0].id
    assert record.eligibility_event.kind == "arrived"


def test_double_vote_is_refused(session: Session, room: tuple) -> None:
    meeting_id, people = room
    arrive(session, meeting_id, *people[:3])
    poll = opened(session, meeting_id)
    vote(session, poll, people[0], "Đồng ý")
    with pytest.raises(Conflict) as refused:
        vote(session, poll, people[0], "Không đồng ý")
    assert refused.value.code == "ALREADY_VOTED"


def test_vote_can_change_until_close_when_the_poll_allows_it(session: Session, room: tuple) -> None:
    meeting_id, people = room
    arrive(session, meeting_id, *people[:3])
    poll = opened(session, meeting_id, allow_change=True)
    vote(session, poll, people[0], "Đồng ý")
    vote(session, poll, people[0], "Không đồng ý")
    counts = {o["label"]: o["votes"] for o in tally(session, poll)["options"]}
    assert counts == {"Đồng ý": 0, "Không đồng ý": 1, "Không biểu quyết": 0}
    assert session.get(Poll, poll.id).ballots_cast == 1  # type: ignore[union-attr]


def test_vote_after_close_is_rejected(session: Session, room: tuple) -> None:
    meeting_id, people = room
    arrive(session, meeting_id, *people[:3])
    poll = opened(session, meeting_id)
    close_poll(session, meeting_id=meeting_id, poll_id=poll.id, actor="admin")
    with pytest.raises(Conflict) as refused:
        vote(session, poll, people[0], "Đồng ý")
    assert refused.value.code == "POLL_CLOSED"


def test_member_who_checked_out_cannot_vote(session: Session, room: tuple) -> None:
    meeting_id, people = room
    arrive(session, meeting_id, *people[:4])
    poll = opened(session, meeting_id)
    check_out(
        session,
        meeting_id=meeting_id,
        person_id=people[1].id,
        reason="Về cơ quan giải quyết việc gấp",
        actor="admin",
        idempotency_key="out-1",
    )
    with pytest.raises(Forbidden) as refused:
        vote(session, poll, people[1], "Đồng ý")
    assert refused.value.code == "NOT_PRESENT"


def test_member_who_returns_may_vote_again_eligible_by_the_return(
    session: Session, room: tuple
) -> None:
    meeting_id, people = room
    arrive(session, meeting_id, *people[:4], ago=10)
    check_out(
        session,
        meeting_id=meeting_id,
        person_id=people[1].id,
        reason="Ra ngoài",
        actor="admin",
        idempotency_key="out-1",
        at=utcnow() - timedelta(seconds=5),
    )
    arrive(session, meeting_id, people[1])
    poll = opened(session, meeting_id)
    assert vote(session, poll, people[1], "Đồng ý").eligibility_event.kind == "returned"


def test_absent_observer_and_stranger_are_refused(session: Session, room: tuple) -> None:
    meeting_id, people = room
    arrive(session, meeting_id, *people[:3], people[5])
    poll = opened(session, meeting_id)
    with pytest.raises(Forbidden) as absent:
        vote(session, poll, people[4], "Đồng ý")
    with pytest.raises(Forbidden) as observer:
        vote(session, poll, people[5], "Đồng ý")
    stranger = create_person(session, full_name="Người Lạ")
    with pytest.raises(Forbidden) as outsider:
        vote(session, poll, stranger, "Đồng ý")
    assert [absent.value.code, observer.value.code, outsider.value.code] == [
        "NOT_PRESENT",
        "NO_VOTING_RIGHTS",
        "NOT_ON_ROSTER",
    ]


def test_invalid_options_are_refused(session: Session, room: tuple) -> None:
    meeting_id, people = room
    arrive(session, meeting_id, *people[:3])
    poll = opened(session, meeting_id)
    for options in ([], [999_999], [poll.options[0].id, poll.options[1].id]):
        with pytest.raises(Invalid):
            cast_ballot(
                session,
                meeting_id=meeting_id,
                poll_id=poll.id,
                voter_id=people[0].id,
                option_ids=options,
                channel="link",
            )


def test_proxy_vote_counts_for_the_absent_member_and_shows_in_results(
    session: Session, room: tuple
) -> None:
    meeting_id, people = room
    arrive(session, meeting_id, *people[:3])
    give_proxy(
        session, meeting_id=meeting_id, grantor_id=people[4].id, holder_id=people[0].id, actor="a"
    )
    poll = opened(session, meeting_id, base="present")
    vote(session, poll, people[0], "Đồng ý")
    record = vote(session, poll, people[0], "Đồng ý", on_behalf_of=people[4].id)
    assert (record.person_id, record.cast_by_id) == (people[4].id, people[0].id)
    with pytest.raises(Forbidden) as no_proxy:
        vote(session, poll, people[1], "Đồng ý", on_behalf_of=people[3].id)
    assert no_proxy.value.code == "NO_PROXY"
    result = close_poll(session, meeting_id=meeting_id, poll_id=poll.id, actor="admin").result
    assert result is not None and '"present": 4' in result  # three in person, one by proxy
    assert "Hoàng Thị Hà" in result and "Nguyễn Văn An" in result


def test_secret_poll_leaves_no_link_between_person_and_choice(
    session: Session, room: tuple
) -> None:
    meeting_id, people = room
    arrive(session, meeting_id, *people[:5])
    poll = opened(session, meeting_id, secrecy="secret", base="cast")
    choices = ["Đồng ý", "Không đồng ý", "Đồng ý", "Không biểu quyết", "Đồng ý"]
    for person, label in zip(people[:5], choices, strict=True):
        vote(session, poll, person, label, master_key=MASTER_KEY)
        # Whatever the ballots, the poll's counters are the same rows: one per option.
        assert session.scalar(select(func.count()).select_from(SecretCount)) == 3
    session.flush()
    columns = {c["name"] for c in inspect(session.connection()).get_columns("poll_secret_counts")}
    assert columns == {"poll_id", "option_id", "votes"}  # no person, no time, no ballot
    voter_columns = {c["name"] for c in inspect(session.connection()).get_columns("poll_voters")}
    assert not voter_columns & {"option_id", "choice", "choice_id", "votes"}
    assert len(session.scalars(select(BallotRecord)).all()) == 5  # who voted is recorded
    # The audit log records that each voted, never what they chose.
    ballots = [e for e in entries(session, meeting_id=meeting_id) if e.action == "ballot_cast"]
    assert len(ballots) == 5
    assert all("option" not in e.detail for e in ballots)
    # While it is open, the secretary sees how many voted, not how: counts could be matched
    # against the audit log's order of voters.
    live = tally(session, poll)
    assert live["not_voted"] is None and live["ballots"] == 5
    assert [o["votes"] for o in live["options"]] == [None, None, None]
    closed = close_poll(
        session, meeting_id=meeting_id, poll_id=poll.id, actor="admin", master_key=MASTER_KEY
    )
    result = json.loads(closed.result or "{}")
    assert [o["votes"] for o in result["options"]] == [3, 1, 1]
    assert result["named_choices"] is None


def test_named_poll_records_who_chose_what(session: Session, room: tuple) -> None:
    meeting_id, people = room
    arrive(session, meeting_id, *people[:3])
    poll = opened(session, meeting_id)
    vote(session, poll, people[0], "Không đồng ý")
    live = tally(session, poll)
    assert {p["full_name"] for p in live["not_voted"]} == set(NAMES[1:])
    closed = close_poll(session, meeting_id=meeting_id, poll_id=poll.id, actor="admin")
    assert '"options": ["Không đồng ý"]' in (closed.result or "")


def test_secret_poll_cannot_allow_changing_a_ballot(session: Session, room: tuple) -> None:
    meeting_id, _ = room
    with pytest.raises(Invalid):
        create_poll(
            session,
            meeting_id=meeting_id,
            spec=PollSpec(title="X", secrecy="secret", allow_change=True),
            actor="admin",
        )


def test_election_allows_up_to_max_choices(session: Session, room: tuple) -> None:
    meeting_id, people = room
    arrive(session, meeting_id, *people[:3])
    spec = {"kind": "election", "options": ["Ứng viên A", "Ứng viên B", "Ứng viên C"]}
    poll = opened(session, meeting_id, max_choices=2, base="cast", **spec)
    ids = [o.id for o in poll.options]
    cast = {"meeting_id": meeting_id, "poll_id": poll.id, "channel": "link"}
    cast_ballot(session, voter_id=people[0].id, option_ids=ids[:2], **cast)  # type: ignore[arg-type]
    with pytest.raises(Invalid):
        cast_ballot(session, voter_id=people[1].id, option_ids=ids, **cast)  # type: ignore[arg-type]


def test_anonymous_opinions_on_a_secret_poll_name_nobody(session: Session, room: tuple) -> None:
    meeting_id, people = room
    arrive(session, meeting_id, *people[:3])
    secret = opened(session, meeting_id, secrecy="secret", kind="opinion")
    give_opinion(
        session,
        meeting_id=meeting_id,
        person_id=people[0].id,
        text="Đề nghị bổ sung kinh phí.",
        poll_id=secret.id,
    )
    [opinion] = opinions(session, meeting_id=meeting_id, poll_id=secret.id)
    assert (opinion.person_id, opinion.at, opinion.text) == (
        None,
        None,
        "Đề nghị bổ sung kinh phí.",
    )


def test_voting_pass_is_replaced_when_reissued(session: Session, room: tuple) -> None:
    meeting_id, people = room
    first = issue_pass(session, meeting_id=meeting_id, person_id=people[0].id, actor="admin")
    second = issue_pass(session, meeting_id=meeting_id, person_id=people[0].id, actor="admin")
    assert authenticate_pass(session, token=second).person_id == people[0].id
    with pytest.raises(Unauthorized):
        authenticate_pass(session, token=first)


def test_timestamps_are_utc(session: Session, room: tuple) -> None:
    meeting_id, people = room
    arrive(session, meeting_id, *people[:3])
    poll = opened(session, meeting_id)
    assert poll.opened_at is not None and poll.opened_at.tzinfo == timezone.utc
    assert isinstance(poll.opened_at, datetime)
