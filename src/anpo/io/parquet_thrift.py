"""The Thrift compact protocol, as far as Parquet's metadata needs it (writing only).

parquet.thrift's structures (FileMetaData, PageHeader, ...) are serialized with Thrift's
compact protocol. A struct is a sequence of fields, each a header byte (the field id as a
delta from the previous field's id in the high nibble, the wire type in the low one; a long
form for deltas over 15) and a value, then a stop byte 0. Integers are zigzag ULEB128
varints, binaries a varint length and their bytes, booleans live in the header's type
nibble, lists a header (size and element type) and their elements. A union is a struct
with one field set.

    page_header = struct((1, I32, 0), (2, I32, size), (3, I32, size), (5, STRUCT, struct(...)))

Nested structs are encoded on their own and passed as bytes: field-id deltas are per struct.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

BOOL = 1  # wire types of the compact protocol (BOOLEAN_TRUE = 1, BOOLEAN_FALSE = 2)
BYTE = 3
I16 = 4
I32 = 5
I64 = 6
BINARY = 8
LIST = 9
STRUCT = 12

Field = tuple[int, int, Any]  # (field id, wire type, value; None: field not set)


def uvarint(value: int) -> bytes:
    """ULEB128 of a non-negative integer."""
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _zigzag(value: int) -> bytes:
    return uvarint((value << 1) ^ (value >> 63))


def _value(wire: int, value: Any) -> bytes:
    if wire in (I16, I32, I64):
        return _zigzag(int(value))
    if wire == BYTE:
        return bytes([int(value) & 0xFF])
    if wire == BINARY:
        raw = value.encode() if isinstance(value, str) else bytes(value)
        return uvarint(len(raw)) + raw
    if wire == STRUCT:
        return bytes(value)
    if wire == LIST:
        element, items = value
        return list_header(element, len(items)) + b"".join(_element(element, v) for v in items)
    raise ValueError(f"unsupported Thrift wire type {wire}")


def _element(wire: int, value: Any) -> bytes:
    if wire == BOOL:  # booleans in a list are one byte each
        return b"\x01" if value else b"\x02"
    return _value(wire, value)


def list_header(element: int, size: int) -> bytes:
    """A list's header: size and element type in one byte below 15, else 0xF_ and a varint."""
    if size < 15:
        return bytes([(size << 4) | element])
    return bytes([0xF0 | element]) + uvarint(size)


def struct(*fields: Field) -> bytes:
    """A struct of the given fields (ids increasing; None values are left out)."""
    out = bytearray()
    last = 0
    for fid, wire, value in fields:
        if value is None:
            continue
        code = (1 if value else 2) if wire == BOOL else wire
        delta = fid - last
        if 0 < delta <= 15:
            out.append((delta << 4) | code)
        else:
            out.append(code)
            out += _zigzag(fid)
        if wire != BOOL:
            out += _value(wire, value)
        last = fid
    out.append(0)
    return bytes(out)


def struct_list(items: Sequence[bytes]) -> tuple[int, Sequence[bytes]]:
    """The value of a LIST field of encoded structs."""
    return (STRUCT, items)
