"""What a call returns is exactly what ``json.loads`` makes of the server's text, value for
value and type for type: the library checks an answer's shape but hands over the text itself,
so nothing is rounded or renamed on the way (a parse into a tree and back would: serde_json's
default float parsing is off by one unit in the last place for some numbers, which the random
answers below meet).

Each answer is served by the emulator (a fault with status 200 and the body) as a templates
list whose templates carry the value under test in an extra field."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

import paperspace_core as ps
from paperspace_core.testing import Emulator


def served(emulator: Emulator, client: ps.Client, body: str) -> Any:
    emulator.add_faults(path="/templates/getTemplates", status=200, body=body)
    return client.templates.list()


def exact(value: Any) -> str:
    """A text that tells apart what ``==`` does not (1 and 1.0 and True, 0.0 and -0.0)."""
    return json.dumps(value, default=repr) + "|" + repr(value)


def check_same(emulator: Emulator, client: ps.Client, extra: Any) -> None:
    body = json.dumps([{"id": "t1", "extra": extra}], ensure_ascii=False)
    assert exact(served(emulator, client, body)) == exact(json.loads(body))


EDGES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    2**31 - 1,
    2**31,
    -(2**31),
    -(2**31) - 1,
    2**62,
    2**63 - 1,
    -(2**63),
    2**64 - 1,
    1.5,
    -0.0,
    1e300,
    5e-324,
    "",
    "a",
    "x" * 255,
    "x" * 256,
    "y" * 70_000,
    "caf\u00e9 \u20ac \U0001f600",
    "tab\tnl\nquote\"back\\slash nul\0 bell\x07",
    [],
    {},
    [[[]]],
    {"\u00e9t\u00e9": 1, "a\"b": 2, "k" * 300: 3, "": 4},
    [{"same": 1, "keys": 2}, {"same": 3, "keys": 4}],
    {f"key{i}": i for i in range(100)},  # more distinct keys than are shared
]


@pytest.mark.parametrize("extra", EDGES, ids=[f"edge{i}" for i in range(len(EDGES))])
def test_every_kind_of_value_arrives_as_json_loads_makes_it(emulator: Emulator, client: ps.Client, extra: Any) -> None:
    check_same(emulator, client, extra)


def test_numbers_written_as_json_text_keep_their_type(emulator: Emulator, client: ps.Client) -> None:
    # 1.0 and 1E2 are floats, 100 an int (json.loads' rules).
    body = '[{"id":"t","n":[1.0,1E2,100,-0.0,12345678901234567890,1e-7]}]'
    assert exact(served(emulator, client, body)) == exact(json.loads(body))


def test_a_duplicated_key_keeps_its_last_value(emulator: Emulator, client: ps.Client) -> None:
    body = '[{"id":"t","x":1,"y":0,"x":2}]'
    assert list(served(emulator, client, body)[0].items()) == [("id", "t"), ("x", 2), ("y", 0)]


def test_equal_keys_share_one_str(emulator: Emulator, client: ps.Client) -> None:
    result = served(emulator, client, json.dumps([{"id": "a", "label": "x"}, {"id": "b", "label": "y"}]))
    first, second = (list(t) for t in result)
    assert first == second == ["id", "label"]
    assert all(a is b for a, b in zip(first, second))


def test_integers_beyond_64_bits_minus_zero_and_lone_surrogates_arrive_as_sent(
    emulator: Emulator, client: ps.Client
) -> None:
    body = '[{"id":"t","big":18446744073709551616,"neg":-9223372036854775809,"z":-0,"s":"\\ud800"}]'
    result = served(emulator, client, body)
    assert exact(result) == exact(json.loads(body))
    assert result[0]["big"] == 2**64 and result[0]["z"] == 0 and type(result[0]["z"]) is int
    assert result[0]["s"] == "\ud800"


def random_value(rng: random.Random, depth: int) -> Any:
    kind = rng.randrange(9 if depth < 6 else 6)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.randint(-(2**63), 2**64 - 1) >> rng.randrange(64)
    if kind == 2:
        return rng.uniform(-1e6, 1e6) * 10 ** rng.randint(-300, 300)
    if kind in (3, 4, 5):
        alphabet = "ab\u00e9\u20ac\U0001f600\n\"\\\0 z"
        return "".join(rng.choice(alphabet) for _ in range(rng.choice([0, 1, 5, 300])))
    if kind in (6, 7):
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(5))]
    keys = ["id", "name", "\u00e9", "k" * rng.randrange(1, 300)]
    return {rng.choice(keys) + str(rng.randrange(3)): random_value(rng, depth + 1) for _ in range(rng.randrange(5))}


def test_random_answers_arrive_as_json_loads_makes_them(emulator: Emulator, client: ps.Client) -> None:
    rng = random.Random(20261202)
    for _ in range(60):
        check_same(emulator, client, random_value(rng, 0))


def test_deep_nesting_within_the_librarys_limit(emulator: Emulator, client: ps.Client) -> None:
    check_same(emulator, client, json.loads("[" * 120 + "]" * 120))
    check_same(emulator, client, json.loads('{"a":' * 120 + "1" + "}" * 120))


@pytest.mark.parametrize("around", [(" ", ""), ("", "\n"), ("\r\n\t ", " \t\r\n"), ("\n", "")])
def test_whitespace_around_the_answer_is_skipped_as_json_loads_skips_it(
    emulator: Emulator, client: ps.Client, around: tuple[str, str]
) -> None:
    body = around[0] + '[{"id":"t","n":[1.5,null,"x"]}]' + around[1]
    assert exact(served(emulator, client, body)) == exact(json.loads(body))


TEXTS = [
    '{"a":[1,2.5,"x",null,true]}',
    ' {"a":1}',
    '{"a":1} \n',
    "\ufeff[]",  # a byte-order mark: json.loads refuses it
    "[1] x",  # extra data
    "[1]\x0b",  # whitespace to str.strip, not to JSON
    "",
    "   ",
    '{"a":}',
    "[" * 100_000 + "]" * 100_000,  # deeper than Python's recursion limit
    "NaN",
    "-0",
]


@pytest.mark.parametrize("text", TEXTS, ids=[f"text{i}" for i in range(len(TEXTS))])
def test_the_binding_decodes_every_text_as_json_loads_does(text: str) -> None:
    from paperspace_core._decode import loads

    def outcome(fn: Any) -> str:
        try:
            return exact(fn(text))
        except Exception as exc:  # the same exception, message and position
            return f"{type(exc).__name__}: {exc}"

    assert outcome(loads) == outcome(json.loads)
