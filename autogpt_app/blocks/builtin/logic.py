"""Logic and arithmetic blocks: a two-number calculator, a comparison that branches, and a safe
calculator for arithmetic written as text.

The calculator and the condition keep AutoGPT's ids and pin names, so its agent exports import.
Nothing here evaluates code: the expression calculator parses the text with ``ast`` and walks a
whitelist of number and operator nodes itself.
"""

from __future__ import annotations

import ast
import math
import operator
import warnings
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from pydantic import Field

from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext

#: Largest exponent (in absolute value) either calculator accepts.
MAX_EXPONENT = 1000
#: Largest whole-number result, in bits (about 3,000 decimal digits).
MAX_INT_BITS = 10_000
#: Longest expression the expression calculator reads.
MAX_EXPRESSION_LENGTH = 500


class CalculationError(ValueError):
    """A calculation that has no usable answer; the message is shown to the person."""


def _check_number(value: int | float | complex) -> int | float:
    """Return ``value`` if it is a usable real number, else raise CalculationError."""
    if isinstance(value, complex):
        raise CalculationError("The result is not a real number (e.g. a root of a negative number).")
    if isinstance(value, float) and not math.isfinite(value):
        raise CalculationError("The result is too large to represent.")
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise CalculationError("The result is too large (more than about 3,000 digits).")
    return value


def _power(base: int | float, exponent: int | float) -> int | float:
    if abs(exponent) > MAX_EXPONENT:
        raise CalculationError(f"Exponents larger than {MAX_EXPONENT} are not allowed.")
    if isinstance(base, int) and isinstance(exponent, int) and abs(base).bit_length() * exponent > MAX_INT_BITS:
        raise CalculationError("The result is too large (more than about 3,000 digits).")
    if base == 0 and exponent < 0:
        raise CalculationError("Zero cannot be raised to a negative power (that divides by zero).")
    return base**exponent


def _calculate(func: Callable[[Any, Any], Any], a: int | float, b: int | float) -> int | float:
    """Apply ``func`` and turn every arithmetic failure into a readable CalculationError."""
    try:
        return _check_number(func(a, b))
    except ZeroDivisionError:
        raise CalculationError("Division by zero is not possible.") from None
    except OverflowError:
        raise CalculationError("The result is too large to represent.") from None


# ---------------------------------------------------------------------------------------------
# Calculator (AutoGPT's CalculatorBlock)
# ---------------------------------------------------------------------------------------------


class Operation(StrEnum):
    """The calculator's operations; the values are those AutoGPT stores in its exports."""

    ADD = "Add"
    SUBTRACT = "Subtract"
    MULTIPLY = "Multiply"
    DIVIDE = "Divide"
    POWER = "Power"


_OPERATIONS: dict[Operation, Callable[[Any, Any], Any]] = {
    Operation.ADD: operator.add,
    Operation.SUBTRACT: operator.sub,
    Operation.MULTIPLY: operator.mul,
    Operation.DIVIDE: operator.truediv,
    Operation.POWER: _power,
}


class CalculatorBlock(Block):
    """Adds, subtracts, multiplies, divides or raises two numbers."""

    id = "b1ab9b19-67a6-406d-abf5-2dba76d00c79"
    name = "Calculator"
    autogpt_name = "CalculatorBlock"
    description = "Does one sum with two numbers: add, subtract, multiply, divide or raise to a power."
    categories = (BlockCategory.MATH, BlockCategory.LOGIC)

    class Input(BlockInput):
        operation: Operation = Field(description="The operation: Add, Subtract, Multiply, Divide or Power")
        a: float = Field(description="The first number (A)")
        b: float = Field(description="The second number (B)")
        round_result: bool = Field(default=False, description="Round the result to a whole number")

    class Output(BlockOutput):
        result: float = Field(description="The result of the calculation")

    examples = (
        BlockExample(input={"operation": "Add", "a": 10, "b": 5}, output=[("result", 15.0)]),
        BlockExample(
            input={"operation": "Divide", "a": 10, "b": 3, "round_result": True},
            output=[("result", 3)],
            description="rounded to a whole number",
        ),
        BlockExample(input={"operation": "Power", "a": 2, "b": 10}, output=[("result", 1024.0)]),
        BlockExample(
            input={"operation": "Divide", "a": 1, "b": 0},
            output=[("error", "Division by zero is not possible.")],
        ),
        BlockExample(
            input={"operation": "Power", "a": 10, "b": 5000},
            output=[("error", "Exponents larger than 1000 are not allowed.")],
        ),
        BlockExample(
            input={"operation": "Power", "a": 10, "b": 400},
            output=[("error", "The result is too large to represent.")],
            description="beyond the range of numbers",
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            result = _calculate(_OPERATIONS[input.operation], input.a, input.b)
        except CalculationError as exc:
            yield "error", str(exc)
            return
        yield "result", round(result) if input.round_result else result


# ---------------------------------------------------------------------------------------------
# Condition (AutoGPT's ConditionBlock)
# ---------------------------------------------------------------------------------------------


class ComparisonOperator(StrEnum):
    """How the two values are compared; the symbols are those AutoGPT stores in its exports."""

    EQUAL = "=="
    NOT_EQUAL = "!="
    GREATER_THAN = ">"
    LESS_THAN = "<"
    GREATER_THAN_OR_EQUAL = ">="
    LESS_THAN_OR_EQUAL = "<="
    CONTAINS = "contains"


def _as_number(value: Any) -> Any:
    """A numeric string becomes its number; anything else is returned unchanged (text is stripped)."""
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            return text
        return number if math.isfinite(number) else text
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, dict):
        return "dictionary"
    return type(value).__name__


def _equal(a: Any, b: Any) -> bool:
    return _as_number(a) == _as_number(b)


def _contains(container: Any, item: Any) -> bool:
    if isinstance(container, str):
        needle = item if isinstance(item, str) else _format_plain(item)
        return needle in container
    if isinstance(container, list | tuple | set):
        return any(_equal(element, item) for element in container)
    if isinstance(container, dict):
        return item in container or (not isinstance(item, str) and _format_plain(item) in container)
    raise CalculationError(f"'contains' needs text, a list or a dictionary as the first value, not {_kind(container)}.")


def _format_plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_ORDERINGS: dict[ComparisonOperator, Callable[[Any, Any], bool]] = {
    ComparisonOperator.GREATER_THAN: operator.gt,
    ComparisonOperator.LESS_THAN: operator.lt,
    ComparisonOperator.GREATER_THAN_OR_EQUAL: operator.ge,
    ComparisonOperator.LESS_THAN_OR_EQUAL: operator.le,
}


def compare(value1: Any, op: ComparisonOperator, value2: Any) -> bool:
    """Compare two values the way the Condition block does.

    Raises:
        CalculationError: the values cannot be compared with ``op``.
    """
    if op is ComparisonOperator.CONTAINS:
        return _contains(value1, value2)
    a, b = _as_number(value1), _as_number(value2)
    if op is ComparisonOperator.EQUAL:
        return bool(a == b)
    if op is ComparisonOperator.NOT_EQUAL:
        return bool(a != b)
    try:
        return bool(_ORDERINGS[op](a, b))
    except TypeError:
        raise CalculationError(
            f"Cannot compare {_kind(a)} {value1!r} with {_kind(b)} {value2!r} using '{op.value}'."
        ) from None


class ConditionBlock(Block):
    """Compares two values and sends a value down the 'yes' or the 'no' branch."""

    id = "715696a0-e1da-45c8-b209-c2fa9c3b0be6"
    name = "Condition"
    autogpt_name = "ConditionBlock"
    description = "Compares two values (equal, greater, contains…) and continues on the 'yes' or the 'no' path."
    categories = (BlockCategory.LOGIC,)

    class Input(BlockInput):
        value1: Any = Field(description="The first value, e.g. 10 or 'hello'")
        operator: ComparisonOperator = Field(description="How to compare: ==, !=, >, <, >=, <= or contains")
        value2: Any = Field(description="The second value, e.g. 20 or 'world'")
        yes_value: Any = Field(default=None, description="Sent on 'yes' when true (value 1 if left empty)")
        no_value: Any = Field(default=None, description="Sent on 'no' when false (value 1 if left empty)")

    class Output(BlockOutput):
        result: bool = Field(description="Whether the comparison holds")
        yes_output: Any = Field(description="The 'yes' value, when the comparison holds")
        no_output: Any = Field(description="The 'no' value, when it does not")

    examples = (
        BlockExample(
            input={"value1": 10, "operator": ">", "value2": 5, "yes_value": "Greater", "no_value": "Not greater"},
            output=[("result", True), ("yes_output", "Greater")],
        ),
        BlockExample(
            input={"value1": "9", "operator": ">", "value2": "10"},
            output=[("result", False), ("no_output", "9")],
            description="numbers written as text compare as numbers",
        ),
        BlockExample(
            input={"value1": "The quick brown fox", "operator": "contains", "value2": "brown"},
            output=[("result", True), ("yes_output", "The quick brown fox")],
        ),
        BlockExample(
            input={"value1": 5, "operator": "<", "value2": "apple"},
            output=[("error", "Cannot compare number 5 with text 'apple' using '<'.")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            result = compare(input.value1, input.operator, input.value2)
        except CalculationError as exc:
            yield "error", str(exc)
            return
        yield "result", result
        if result:
            yield "yes_output", input.yes_value if input.yes_value is not None else input.value1
        else:
            yield "no_output", input.no_value if input.no_value is not None else input.value1


# ---------------------------------------------------------------------------------------------
# Expression calculator
# ---------------------------------------------------------------------------------------------

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: _power,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}
_ALLOWED = "numbers, + - * / // % ^ (or **) and parentheses"
# Common ways of writing the operators that Python spells differently.
_SPELLINGS = str.maketrans({"^": "**", "×": "*", "÷": "/", "−": "-"})


def _walk(node: ast.AST) -> int | float:
    if isinstance(node, ast.Expression):
        return _walk(node.body)
    if isinstance(node, ast.Constant):
        if type(node.value) in (int, float):
            return _check_number(node.value)
        raise CalculationError(f"Only numbers can be calculated, not {node.value!r}.")
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _check_number(_UNARY[type(node.op)](_walk(node.operand)))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _calculate(_BINARY[type(node.op)], _walk(node.left), _walk(node.right))
    if isinstance(node, ast.Name):
        raise CalculationError(f"Names such as '{node.id}' are not allowed; use only {_ALLOWED}.")
    if isinstance(node, ast.Call):
        raise CalculationError(f"Function calls are not allowed; use only {_ALLOWED}.")
    if isinstance(node, ast.Attribute):
        raise CalculationError(f"Attribute access is not allowed; use only {_ALLOWED}.")
    raise CalculationError(f"This kind of expression is not allowed; use only {_ALLOWED}.")


def evaluate_expression(text: str) -> int | float:
    """Evaluate arithmetic written as text, without ever executing it as code.

    Raises:
        CalculationError: the text is not plain arithmetic, or the result is unusable.
    """
    source = text.strip()
    if not source:
        raise CalculationError("The expression is empty.")
    if len(source) > MAX_EXPRESSION_LENGTH:
        raise CalculationError(f"The expression is too long ({len(source)} characters; the limit is 500).")
    try:
        with warnings.catch_warnings():  # e.g. "'int' object is not callable" for '2(3)': an error below anyway
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(source.translate(_SPELLINGS), mode="eval")
    except SyntaxError:
        raise CalculationError(f"'{source}' is not a valid calculation; use only {_ALLOWED}.") from None
    except (RecursionError, MemoryError, ValueError):
        raise CalculationError("The expression is too deeply nested.") from None
    try:
        return _walk(tree)
    except RecursionError:
        raise CalculationError("The expression is too deeply nested.") from None


class ExpressionCalculatorBlock(Block):
    """Calculates arithmetic written as text, such as '(2 + 3) * 4 / 5 ^ 2'."""

    id = "8a438708-fd4d-4ee0-a185-66873297c4f2"
    name = "Expression calculator"
    description = "Works out a calculation written as text, like '(2 + 3) * 4', with + - * / ^ and brackets."
    categories = (BlockCategory.MATH,)

    class Input(BlockInput):
        expression: str = Field(
            description="The calculation, e.g. '(2 + 3) * 4 / 5 ^ 2'. Allowed: numbers, + - * / // % ^ and ( )"
        )

    class Output(BlockOutput):
        result: float = Field(description="The value of the calculation")

    examples = (
        BlockExample(input={"expression": "(2 + 3) * 4 / 5 ^ 2"}, output=[("result", 0.8)]),
        BlockExample(input={"expression": "-7 // 2 + 10 % 4"}, output=[("result", -2)]),
        BlockExample(input={"expression": "2 ** 0.5 * 2 ** 0.5"}, output=[("result", lambda v: abs(v - 2) < 1e-9)]),
        BlockExample(input={"expression": "1 / (3 - 3)"}, output=[("error", "Division by zero is not possible.")]),
        BlockExample(
            input={"expression": "price * 2"},
            output=[("error", f"Names such as 'price' are not allowed; use only {_ALLOWED}.")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            result = evaluate_expression(input.expression)
        except CalculationError as exc:
            yield "error", str(exc)
            return
        yield "result", result
