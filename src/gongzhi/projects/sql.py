"""The ballot API's one hand-written statement (decision 0030, "the census is checked by the write").

Why not the ORM: on PostgreSQL a ballot is the census check, the voter-roll row and the ballot
upsert in one round trip instead of reading the person, BEGIN, two INSERTs and COMMIT — the
ballot API's throughput is bounded by database round trips (issue #7, bench/ballots.py: ≥ 300
ballots/s). SQLite keeps the ORM path in actions_vote.ballot_cast.
"""

from django.db import connection

from gongzhi.core.cache import pure
from gongzhi.people.models import Person
from gongzhi.projects.models import Ballot, VoterRoll
from gongzhi.territory.models import TerritoryNode


@pure()
def cast_ballot() -> str:
    """PostgreSQL: census check, roll row and ballot upsert in one statement, atomic on its own.

    `voter` yields the person only if their household lies under the vote's area and their
    residence type is admitted — the census as it is when the ballot is written, exactly what
    actions_vote.check_census reads; nobody outside it gets a roll row or a ballot (0 rows written).
    Parameters: person, area (path), types (list), vote, day, token, channel, choices (JSON text)."""
    q = connection.ops.quote_name
    person, node = q(Person._meta.db_table), q(TerritoryNode._meta.db_table)
    roll, ballot = q(VoterRoll._meta.db_table), q(Ballot._meta.db_table)
    return (
        f"WITH voter AS (SELECT p.id FROM {person} p INNER JOIN {node} h ON h.id = p.household_id "  # noqa: S608
        "WHERE p.id = %(person)s AND starts_with(h.path, %(area)s) AND p.residence_type = ANY(%(types)s)), "
        f"roll AS (INSERT INTO {roll} (vote_id, person_id, voted_on) SELECT %(vote)s, id, %(day)s FROM voter "
        "ON CONFLICT (vote_id, person_id) DO NOTHING) "
        f"INSERT INTO {ballot} (token, vote_id, channel, choices) "
        "SELECT %(token)s, %(vote)s, %(channel)s, %(choices)s::jsonb FROM voter "
        "ON CONFLICT (token) DO UPDATE SET choices = EXCLUDED.choices"
    )
