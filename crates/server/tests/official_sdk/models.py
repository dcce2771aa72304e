"""The official SDK's response models as key trees, and the comparison of a raw answer against them.

The models are Alibaba Cloud's own (PyPI `alibabacloud-ccc20200701`): each `XxxResponseBody` class lists,
in its `__init__` annotations, every key CCC documents for that answer. `schema_of` walks them into a tree;
`compare` walks a raw JSON answer and the tree side by side and names every difference by its path.
"""

import inspect
import typing

from alibabacloud_ccc20200701 import models as main_models

# A schema is one of:
#   ("string",) ("integer",) ("number",) ("boolean",) ("any",)
#   ("array", item_schema)
#   ("map",)                          -- Dict[str, X]: free-form keys
#   ("object", {WireKey: schema})     -- a model class
SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _wire_keys(cls):
    """Python attribute name -> wire key, read from what `to_map` writes for a fully set instance."""
    names = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    keys = {}
    for name in names:
        probe = cls()
        setattr(probe, name, _Marker(name))
        try:
            out = probe.to_map()
        except AttributeError:
            out = {}
        found = [k for k, v in out.items() if _marked(v)]
        if found:
            keys[name] = found[0]
    return keys


_MARKED = {"__marked__": True}


def _marked(value):
    # Scalars and lists of scalars are copied as they are; nested models (and lists of them) call
    # `.to_map()` on the value or on each item, which the marker answers with `_MARKED`.
    if isinstance(value, _Marker) or value == _MARKED:
        return True
    return isinstance(value, list) and any(_marked(v) for v in value)


class _Marker:
    """Stands in for any value: `to_map` either copies it or calls `.to_map()` on it (nested models)."""

    def __init__(self, name):
        self.name = name

    def to_map(self):
        return _MARKED

    def __iter__(self):
        return iter((self,))


def _hints(cls):
    module = inspect.getmodule(cls)
    return typing.get_type_hints(cls.__init__, globalns=vars(module), localns=vars(main_models))


def schema_of(tp, depth=0):
    """The key tree of a type annotation of the models."""
    if depth > 12:
        return ("any",)
    if tp in SCALARS:
        return (SCALARS[tp],)
    if tp is typing.Any or tp is object:
        return ("any",)
    origin = typing.get_origin(tp)
    if origin in (list, typing.List):
        (item,) = typing.get_args(tp) or (typing.Any,)
        return ("array", schema_of(item, depth + 1))
    if origin in (dict, typing.Dict):
        return ("map",)
    if inspect.isclass(tp) and hasattr(tp, "to_map"):
        hints = _hints(tp)
        keys = _wire_keys(tp)
        return ("object", {keys[n]: schema_of(hints[n], depth + 1) for n in keys if n in hints})
    return ("any",)


def body_schema(action):
    """The schema of `action`'s response body (`XxxResponseBody`)."""
    return schema_of(getattr(main_models, action + "ResponseBody"))


def _kind(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def compare(raw, schema, path, report):
    """Walks `raw` against `schema`; appends to `report` (a dict of lists) what differs, by path.

    - unknown:  a key the model does not have
    - missing:  a key the model has that the answer leaves out
    - type:     a value of another JSON type than the model's (null counts as present with no value)
    - unchecked: an empty array or a null object, whose inside this answer cannot show
    """
    kind = schema[0]
    got = _kind(raw)
    if got == "null":
        if kind in ("object", "array"):
            report["unchecked"].append(path)
        return
    if kind == "any":
        return
    if kind == "map":
        if got != "object":
            report["type"].append(f"{path}: {got}, the model has a map")
        return
    if kind == "object":
        if got != "object":
            report["type"].append(f"{path}: {got}, the model has an object")
            return
        fields = schema[1]
        for key in raw:
            if key not in fields:
                report["unknown"].append(_join(path, key))
        for key, sub in fields.items():
            if key in raw:
                compare(raw[key], sub, _join(path, key), report)
            else:
                report["missing"].append(_join(path, key))
        return
    if kind == "array":
        if got != "array":
            report["type"].append(f"{path}: {got}, the model has an array")
            return
        if not raw:
            if schema[1][0] in ("object", "array"):
                report["unchecked"].append(path + "[]")
            return
        # Every item is checked; paths name the array once (`Data.List[]`), so a key missing from some
        # items and present in others is reported once.
        for item in raw:
            compare(item, schema[1], path + "[]", report)
        return
    if kind == "number" and got == "integer":
        return
    if got != kind:
        report["type"].append(f"{path}: {got}, the model has {kind}")


def _join(path, key):
    return f"{path}.{key}" if path else key


def merge(a, b):
    """The union of two schemas: an object has the keys of both, an array the union of their items."""
    if a[0] == "object" and b[0] == "object":
        keys = dict(a[1])
        for key, sub in b[1].items():
            keys[key] = merge(keys[key], sub) if key in keys else sub
        return ("object", keys)
    if a[0] == "array" and b[0] == "array":
        return ("array", merge(a[1], b[1]))
    return a


def _data(schema):
    return schema[1].get("Data", ("any",))


def documented(actions):
    """What counts as documented, per action, for unknown keys and types.

    Call-control answers and PollUserStatus carry the same CCC objects — `{UserContext, CallContext,
    ContextId}` — and the sign-in family (SignInGroup, ReadyForService, TakeBreak, …) answers with that same
    UserContext, flat. Each action's model is generated from that action's own page, which lists a subset of
    the object (HoldCall's model leaves out `ChannelFlags`, the very key that shows the hold; ReleaseCall's
    leaves out `CallType`). So a key is documented for an answer if any official model documents it for the
    same object. Everything else — other keys, other objects — is the action's own model.
    """
    own = {a: body_schema(a) for a in actions}
    snapshots = [a for a in actions if _data(own[a])[0] == "object" and "UserContext" in _data(own[a])[1]]
    flat = [a for a in actions if _data(own[a])[0] == "object" and "UserState" in _data(own[a])[1]]
    user = ("object", {})
    for a in snapshots:
        user = merge(user, _data(own[a])[1]["UserContext"])
    for a in flat:
        user = merge(user, _data(own[a]))
    snapshot = ("object", {})
    for a in snapshots:
        snapshot = merge(snapshot, _data(own[a]))
    snapshot[1]["UserContext"] = user
    result = dict(own)
    for a in snapshots:
        result[a] = ("object", {**own[a][1], "Data": snapshot})
    for a in flat:
        result[a] = ("object", {**own[a][1], "Data": user})
    return result


def diff(action, body, union):
    """The differences between `action`'s raw answer `body` and the official models, each list sorted and
    without repeats: unknown keys and types against `union` (see `documented`), missing keys against the
    action's own model."""
    against_union = {"unknown": [], "missing": [], "type": [], "unchecked": []}
    compare(body, union, "", against_union)
    against_own = {"unknown": [], "missing": [], "type": [], "unchecked": []}
    compare(body, body_schema(action), "", against_own)
    report = {
        "unknown": against_union["unknown"],
        "type": against_union["type"],
        "missing": against_own["missing"],
        "unchecked": against_own["unchecked"],
    }
    return {k: sorted(set(v)) for k, v in report.items()}
