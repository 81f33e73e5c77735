import datetime
import itertools

from gongzhi.core import crypto
from gongzhi.core.masking import mask_id_number, mask_phone
from gongzhi.people.idcard import make_id_number
from gongzhi.people.models import Person

_seq = itertools.count(1)


def valid_id_number(birth: datetime.date = datetime.date(1950, 3, 7), male: bool = True) -> str:
    n = next(_seq)
    sequence = (n * 2 + (1 if male else 0)) % 1000
    return make_id_number("440311", birth, sequence)


def valid_phone() -> str:
    return f"138{next(_seq):08d}"


def make_person(
    name: str = "张三", household=None, id_number: str | None = None, phone: str | None = None
) -> Person:  # type: ignore[no-untyped-def]
    idn = id_number or valid_id_number()
    ph = phone or valid_phone()
    person = Person(
        name=name,
        household=household,
        id_number_cipher=crypto.encrypt(idn),
        id_number_index=crypto.blind_index(idn),
        id_number_masked=mask_id_number(idn),
        phone_cipher=crypto.encrypt(ph),
        phone_index=crypto.blind_index(ph),
        phone_masked=mask_phone(ph),
    )
    person.save()
    return person
