"""Import every table module so ``SQLModel.metadata`` knows them all (Alembic, tests)."""

from sqlmodel import SQLModel

from autogpt_app.auth import models as _auth_models  # noqa: F401

metadata = SQLModel.metadata
