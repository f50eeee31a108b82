"""Import every table module so ``SQLModel.metadata`` knows them all (Alembic, tests)."""

from sqlmodel import SQLModel

from autogpt_app.auth import models as _auth_models  # noqa: F401
from autogpt_app.chat import models as _chat_models  # noqa: F401
from autogpt_app.credentials import models as _credentials_models  # noqa: F401
from autogpt_app.executions import models as _execution_models  # noqa: F401
from autogpt_app.executions import review_models as _review_models  # noqa: F401
from autogpt_app.graphs import models as _graph_models  # noqa: F401
from autogpt_app.library import models as _library_models  # noqa: F401
from autogpt_app.notifications import models as _notification_models  # noqa: F401
from autogpt_app.scheduling import models as _scheduling_models  # noqa: F401
from autogpt_app.store import models as _store_models  # noqa: F401
from autogpt_app.triggers import models as _trigger_models  # noqa: F401

metadata = SQLModel.metadata
