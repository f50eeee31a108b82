"""Human review: the run pauses until its owner approves (perhaps changing the data) or rejects it.

AutoGPT's ``HumanInTheLoopBlock``, with its id and pins, so its exports import. The pause itself is
the engine's (``executions/reviews.py``): the runner records a pending review instead of running this
step, the run waits holding no worker, and once the person decides, the resumed run gives the block
the decision (``RunContext.review``), which it passes on along the approve or the reject pin.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext

#: Hours a review waits by default, and at most (30 days).
DEFAULT_TIMEOUT_HOURS = 24.0
MAX_TIMEOUT_HOURS = 30 * 24.0

#: The error outside a run (a block example, a decision maker's tool call): there is nobody to ask.
OUTSIDE_A_RUN = "A Human review step can only wait for a person inside a run of an agent."


class HumanReviewBlock(Block):
    """Pauses the run until its owner approves or rejects the data."""

    id = "8b2a7b3c-6e9d-4a5f-8c1b-2e3f4a5b6c7d"
    name = "Human review"
    autogpt_name = "HumanInTheLoopBlock"
    description = (
        "Pauses the run and asks you to approve the data (changing it if you like) or reject it; "
        "the run continues on the 'approved' or the 'rejected' path."
    )
    categories = (BlockCategory.BASIC,)

    class Input(BlockInput):
        data: Any = Field(description="The data a person should look at")
        name: str = Field(default="", description="What the data is, e.g. 'Reply to the customer'")
        editable: bool = Field(default=True, description="Whether the reviewer may change the data")
        timeout: float = Field(
            default=DEFAULT_TIMEOUT_HOURS,
            gt=0,
            le=MAX_TIMEOUT_HOURS,
            description="Hours to wait for a decision (at most 720); then the run takes the 'rejected' path",
        )

    class Output(BlockOutput):
        approved_data: Any = Field(description="The data, as approved (changed by the reviewer if they did)")
        rejected_data: Any = Field(description="The data, when it was rejected or nobody decided in time")
        review_message: str = Field(default="", description="What the reviewer wrote")

    examples = (
        BlockExample(
            input={"data": {"to": "ada@example.com"}, "name": "E-mail to send"},
            output=[("error", OUTSIDE_A_RUN)],
            description="outside a run there is nobody to ask",
        ),
    )

    async def run(self, input: Input, context: RunContext):
        decision = context.review
        if decision is None:
            yield "error", OUTSIDE_A_RUN
            return
        yield ("approved_data" if decision.approved else "rejected_data"), decision.data
        if decision.comment:
            yield "review_message", decision.comment
