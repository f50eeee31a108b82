"""GitHub blocks: issues, comments, pull requests, branches and files of a repository.

They speak GitHub's REST API (``GITHUB_API_URL``, by default ``https://api.github.com``) with the
personal access token of a ``github`` credential (type ``api_key``), through the run's SSRF-guarded
client, and keep AutoGPT's ids and pin names (``GithubListIssuesBlock``, ``GithubReadFileBlock``…)
so its agent exports import. Repositories, issues and pull requests are given by their web address
(``https://github.com/owner/repo/issues/1``), read strictly: the host must be GitHub's web address
(``GITHUB_URL``), and owner and repository names must look like GitHub's. GitHub Enterprise Server
works by setting both addresses.

Lists give the first 100 items GitHub returns (open ones, newest first). "List issues" leaves out
pull requests, which GitHub's issue list also holds.
"""

from __future__ import annotations

import base64
import binascii
import logging
import math
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import BaseModel, Field

from autogpt_app.blocks.builtin._messaging_helpers import explain_status, masked
from autogpt_app.blocks.builtin._service_http import join_url, send
from autogpt_app.blocks.builtin.io import ADVANCED
from autogpt_app.blocks.sdk import (
    Block,
    BlockCategory,
    BlockError,
    BlockExample,
    BlockInput,
    BlockOutput,
    CredentialRequirement,
    CredentialsRef,
    RunContext,
)
from autogpt_app.net import OutboundRequestError, SafeResponse
from autogpt_app.settings import get_settings

log = logging.getLogger(__name__)

SERVICE = "GitHub"
PAGE = 100  # items GitHub gives per request at most
MAX_FILE_PAGES = 30  # GitHub lists at most 3,000 files of a pull request
NO_CREDENTIAL = "No credential was provided for 'credentials'."

_OWNER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")
_REPO = re.compile(r"[A-Za-z0-9._-]{1,100}")
_NUMBER = re.compile(r"[1-9][0-9]{0,9}")
_JSON = "application/vnd.github+json"
_RAW = "application/vnd.github.raw"

_CREDENTIAL = CredentialRequirement(
    field="credentials",
    provider="github",
    types=("api_key",),
    description="A GitHub personal access token allowed to read (and, to write, to change) the repository",
)
_EXAMPLE_SECRET = {"credentials": {"provider": "github", "type": "api_key", "api_key": "github_pat_example"}}


class NotFoundOnGitHub(BlockError):
    """GitHub answered 404 (the message is readable as any other)."""


# --- addresses ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepoRef:
    """A repository named by a GitHub web address, with the rest of the address's path."""

    owner: str
    name: str
    rest: tuple[str, ...] = ()

    @property
    def api_path(self) -> str:
        """The repository's path in the REST API."""
        return f"/repos/{self.owner}/{self.name}"

    @property
    def web_url(self) -> str:
        """The repository's page on GitHub."""
        return f"{_web_base()}/{self.owner}/{self.name}"


def _web_base() -> str:
    return get_settings().github_url.rstrip("/")


def parse_github_url(url: str, *, what: str = "repository", example: str = "owner/repo") -> RepoRef:
    """The repository an address on GitHub names, refusing any other host or a malformed path.

    Args:
        url: A web address such as ``https://github.com/owner/repo/issues/1`` (the scheme may be left out).
        what: What the address should name, for messages ("issue").
        example: The path of a good address, for messages.

    Raises:
        BlockError: the address is empty, on another host, or not a repository's.
    """
    web = httpx.URL(_web_base())
    good = f"{web.scheme}://{web.host}/{example}"
    text = url.strip()
    if not text:
        raise BlockError(f"Give the address of the GitHub {what}, such as {good}.")
    if "://" not in text:
        text = f"https://{text}"
    try:
        parsed = httpx.URL(text)
    except (httpx.InvalidURL, ValueError):
        raise BlockError(f"'{url[:200]}' is not a web address: give one such as {good}.") from None
    host = (parsed.host or "").lower()
    if parsed.scheme not in ("http", "https") or host not in {web.host, f"www.{web.host}"} or parsed.port != web.port:
        shown = f"{host}:{parsed.port}" if host and parsed.port else host or url[:200]
        raise BlockError(f"'{shown}' is not GitHub: give an address on {web.host}, such as {good}.")
    segments = [s for s in parsed.path.split("/") if s]
    if len(segments) < 2:
        raise BlockError(f"'{url[:200]}' does not name a GitHub {what}: give one such as {good}.")
    owner, name = segments[0], segments[1].removesuffix(".git")
    if not _OWNER.fullmatch(owner) or not _REPO.fullmatch(name) or name in (".", ".."):
        raise BlockError(f"'{url[:200]}' does not name a GitHub {what}: give one such as {good}.")
    return RepoRef(owner, name, tuple(segments[2:]))


def parse_repo_url(url: str) -> RepoRef:
    """A repository's own address (``https://github.com/owner/repo``)."""
    ref = parse_github_url(url)
    if ref.rest:
        web = httpx.URL(_web_base())
        raise BlockError(
            f"'{url[:200]}' is not a repository's address: give one such as {web.scheme}://{web.host}/owner/repo."
        )
    return ref


def parse_numbered_url(url: str, kinds: tuple[str, ...], what: str) -> tuple[RepoRef, int]:
    """The repository and number of an issue or pull request address (``…/issues/1``, ``…/pull/2``)."""
    example = f"owner/repo/{kinds[0]}/1"
    ref = parse_github_url(url, what=what, example=example)
    if len(ref.rest) < 2 or ref.rest[0] not in kinds or not _NUMBER.fullmatch(ref.rest[1]):
        web = httpx.URL(_web_base())
        raise BlockError(
            f"'{url[:200]}' is not the address of a GitHub {what}: give one such as "
            f"{web.scheme}://{web.host}/{example}."
        )
    return ref, int(ref.rest[1])


# --- the API --------------------------------------------------------------------------------------


def _token(context: RunContext) -> str:
    credential = context.secret("credentials")
    token = credential.api_key.get_secret_value().strip() if credential.api_key is not None else ""
    if not token:
        raise BlockError("The GitHub credential has no token: create it with a personal access token as its API key.")
    return token


def _wait_seconds(response: SafeResponse) -> float | None:
    """Seconds until GitHub lifts a rate limit, from ``Retry-After`` or ``X-RateLimit-Reset``."""
    try:
        return max(0.0, float(response.headers["retry-after"]))
    except (KeyError, ValueError):
        pass
    if response.headers.get("x-ratelimit-remaining") == "0":
        try:
            return max(0.0, float(response.headers["x-ratelimit-reset"]) - time.time())
        except (KeyError, ValueError):
            return None
    return None


def _explain(response: SafeResponse, body: Any, token: str, what: str) -> BlockError:
    status = response.status_code
    limited = response.headers.get("x-ratelimit-remaining") == "0" or "retry-after" in response.headers
    if status in (403, 429) and limited:
        wait = _wait_seconds(response)
        when = f"in {max(1, math.ceil(wait)):g} seconds" if wait is not None else "in a little while"
        return BlockError(f"GitHub is limiting requests (HTTP {status}). Try again {when}.")
    if status == 404:
        return NotFoundOnGitHub(
            f"GitHub found no {what} there (HTTP 404). Check the address, and that the token may see the "
            "repository (GitHub answers 404 for a private repository the token cannot see)."
        )
    return BlockError(masked(explain_status(SERVICE, response, body), token))


async def _request(
    context: RunContext,
    token: str,
    method: str,
    path: str,
    *,
    what: str,
    params: Mapping[str, Any] | None = None,
    json: Any = None,
    accept: str = _JSON,
) -> SafeResponse:
    """One call to GitHub's REST API; a failure becomes one readable sentence without the token."""
    headers = {"Authorization": f"Bearer {token}", "Accept": accept, "X-GitHub-Api-Version": "2022-11-28"}
    url = join_url(get_settings().github_api_url, path)
    response = await send(context, SERVICE, method, url, secrets=(token,), headers=headers, params=params, json=json)
    if not response.is_success:
        try:
            body = response.json()
        except OutboundRequestError:  # an error page that is not JSON only loses GitHub's own words
            body = None
        raise _explain(response, body, token, what)
    return response


async def _json(context: RunContext, token: str, method: str, path: str, *, what: str, **kwargs: Any) -> Any:
    response = await _request(context, token, method, path, what=what, **kwargs)
    try:
        return response.json()
    except OutboundRequestError:
        raise BlockError("GitHub answered with something that is not JSON.") from None


def _items(body: Any, what: str) -> list[dict[str, Any]]:
    if not isinstance(body, list):
        raise BlockError(f"GitHub answered the list of {what} in an unexpected form.")
    return [item for item in body if isinstance(item, dict)]


def _login(item: Mapping[str, Any]) -> str:
    user = item.get("user")
    return str(user.get("login") or "") if isinstance(user, dict) else ""


# --- shared shapes --------------------------------------------------------------------------------


class TitledLink(BaseModel):
    """An issue or pull request as lists give it."""

    title: str = Field(description="Its title")
    url: str = Field(description="Its page on GitHub")


class BranchItem(BaseModel):
    """A branch of a repository."""

    name: str = Field(description="The branch's name")
    url: str = Field(description="The branch's file browser on GitHub")


class CommentItem(BaseModel):
    """A comment on an issue or pull request."""

    id: int = Field(description="The comment's id")
    body: str = Field(description="The comment's text")
    user: str = Field(description="Who wrote it")
    url: str = Field(description="The comment's address on GitHub")


class _GitHubInput(BlockInput):
    credentials: CredentialsRef | None = Field(default=None, description="The GitHub token to act with")


class _GitHubBlock(Block):
    """Runs :meth:`work` and turns any failure into the ``error`` pin."""

    categories = (BlockCategory.WEB,)
    credentials = (_CREDENTIAL,)

    async def work(self, input: Any, context: RunContext) -> list[tuple[str, Any]]:
        """The block's outputs, in order; raises :class:`BlockError` with a readable reason."""
        raise NotImplementedError

    async def run(self, input: Any, context: RunContext):
        try:
            outputs = await self.work(input, context)
        except BlockError as exc:
            yield "error", str(exc)
            return
        for pin, value in outputs:
            yield pin, value


def _examples(good: dict[str, Any], bad: dict[str, Any], refusal: str) -> tuple[BlockExample, ...]:
    return (
        BlockExample(input=good, output=[("error", NO_CREDENTIAL)], description="a GitHub token is required"),
        BlockExample(
            input=bad, output=[("error", refusal)], secrets=_EXAMPLE_SECRET, description="only GitHub addresses"
        ),
    )


_ELSEWHERE = "https://gitlab.com/owner/repo"
_NOT_GITHUB = "'gitlab.com' is not GitHub: give an address on github.com, such as https://github.com/{}."


async def _titled_links(
    context: RunContext, repo_url: str, listing: str, skip: Callable[[dict[str, Any]], bool] | None = None
) -> list[dict[str, str]]:
    """Title and address of each open item of a repository's ``issues`` or ``pulls`` listing (first page)."""
    repo = parse_repo_url(repo_url)
    body = await _json(
        context, _token(context), "GET", f"{repo.api_path}/{listing}", what="repository", params={"per_page": PAGE}
    )
    what = "pull requests" if listing == "pulls" else listing
    return [
        TitledLink(title=str(item.get("title") or ""), url=str(item.get("html_url") or "")).model_dump()
        for item in _items(body, what)
        if skip is None or not skip(item)
    ]


# --- issues ---------------------------------------------------------------------------------------


class GithubListIssuesBlock(_GitHubBlock):
    """Lists a repository's open issues."""

    id = "c215bfd7-0e57-4573-8f8c-f7d4963dcd74"
    name = "List GitHub issues"
    autogpt_name = "GithubListIssuesBlock"
    description = "Lists the open issues of a GitHub repository (up to 100, newest first): title and address of each."

    class Input(_GitHubInput):
        repo_url: str = Field(description="The repository's address, such as https://github.com/owner/repo")

    class Output(BlockOutput):
        issue: TitledLink = Field(description="One issue (title and address)")
        issues: list[TitledLink] = Field(description="All the issues found")

    examples = _examples(
        {"repo_url": "https://github.com/owner/repo"}, {"repo_url": _ELSEWHERE}, _NOT_GITHUB.format("owner/repo")
    )

    async def work(self, input: Input, context: RunContext) -> list[tuple[str, Any]]:
        # GitHub lists pull requests among issues; they have their own block.
        issues = await _titled_links(context, input.repo_url, "issues", skip=lambda item: "pull_request" in item)
        return [("issues", issues), *(("issue", issue) for issue in issues)]


class GithubReadIssueBlock(_GitHubBlock):
    """Reads an issue's title, text and author."""

    id = "6443c75d-032a-4772-9c08-230c707c8acc"
    name = "Read GitHub issue"
    autogpt_name = "GithubReadIssueBlock"
    description = "Reads a GitHub issue (or pull request) by its address: its title, its text and who opened it."

    class Input(_GitHubInput):
        issue_url: str = Field(description="The issue's address, such as https://github.com/owner/repo/issues/1")

    class Output(BlockOutput):
        title: str = Field(description="The issue's title")
        body: str = Field(description="The issue's text (empty if it has none)")
        user: str = Field(description="Who opened it")

    examples = _examples(
        {"issue_url": "https://github.com/owner/repo/issues/1"},
        {"issue_url": "https://github.com/owner/repo"},
        "'https://github.com/owner/repo' is not the address of a GitHub issue: give one such as "
        "https://github.com/owner/repo/issues/1.",
    )

    async def work(self, input: Input, context: RunContext) -> list[tuple[str, Any]]:
        repo, number = parse_numbered_url(input.issue_url, ("issues", "pull"), "issue")
        token = _token(context)
        issue = await _json(context, token, "GET", f"{repo.api_path}/issues/{number}", what="issue")
        if not isinstance(issue, dict):
            raise BlockError("GitHub answered the issue in an unexpected form.")
        return [
            ("title", str(issue.get("title") or "")),
            ("body", str(issue.get("body") or "")),
            ("user", _login(issue)),
        ]


class GithubMakeIssueBlock(_GitHubBlock):
    """Opens a new issue in a repository."""

    id = "691dad47-f494-44c3-a1e8-05b7990f2dab"
    name = "Create GitHub issue"
    autogpt_name = "GithubMakeIssueBlock"
    description = "Opens a new issue in a GitHub repository with a title and a text; gives its number and address."
    categories = (BlockCategory.WEB, BlockCategory.OUTPUT)

    class Input(_GitHubInput):
        repo_url: str = Field(description="The repository's address, such as https://github.com/owner/repo")
        title: str = Field(description="The issue's title")
        body: str = Field(default="", description="The issue's text (Markdown)")

    class Output(BlockOutput):
        number: int = Field(description="The new issue's number")
        url: str = Field(description="The new issue's address")

    examples = (
        BlockExample(
            input={"repo_url": "https://github.com/owner/repo", "title": " "},
            output=[("error", "Give the issue a title.")],
            secrets=_EXAMPLE_SECRET,
        ),
        *_examples(
            {"repo_url": "https://github.com/owner/repo", "title": "Bug"},
            {"repo_url": _ELSEWHERE, "title": "Bug"},
            _NOT_GITHUB.format("owner/repo"),
        ),
    )

    async def work(self, input: Input, context: RunContext) -> list[tuple[str, Any]]:
        repo = parse_repo_url(input.repo_url)
        if not input.title.strip():
            raise BlockError("Give the issue a title.")
        token = _token(context)
        issue = await _json(
            context,
            token,
            "POST",
            f"{repo.api_path}/issues",
            what="repository",
            json={"title": input.title.strip(), "body": input.body},
        )
        if not isinstance(issue, dict) or not isinstance(issue.get("number"), int):
            raise BlockError("GitHub answered the new issue in an unexpected form.")
        log.info("github issue %s created in %s/%s", issue["number"], repo.owner, repo.name)
        return [("number", issue["number"]), ("url", str(issue.get("html_url") or ""))]


class GithubCommentBlock(_GitHubBlock):
    """Posts a comment on an issue or pull request."""

    id = "a8db4d8d-db1c-4a25-a1b0-416a8c33602b"
    name = "Comment on GitHub issue"
    autogpt_name = "GithubCommentBlock"
    description = (
        "Posts a comment on a GitHub issue or pull request, given by its address; gives the comment's address."
    )
    categories = (BlockCategory.WEB, BlockCategory.OUTPUT)

    class Input(_GitHubInput):
        issue_url: str = Field(
            description="The issue's or pull request's address, such as https://github.com/owner/repo/issues/1"
        )
        comment: str = Field(description="The comment's text (Markdown)")

    class Output(BlockOutput):
        id: int = Field(description="The new comment's id")
        url: str = Field(description="The new comment's address")

    examples = (
        BlockExample(
            input={"issue_url": "https://github.com/owner/repo/pull/2", "comment": ""},
            output=[("error", "There is no comment to post.")],
            secrets=_EXAMPLE_SECRET,
        ),
        *_examples(
            {"issue_url": "https://github.com/owner/repo/issues/1", "comment": "Thanks!"},
            {"issue_url": "https://gitlab.com/owner/repo/issues/1", "comment": "Thanks!"},
            _NOT_GITHUB.format("owner/repo/issues/1"),
        ),
    )

    async def work(self, input: Input, context: RunContext) -> list[tuple[str, Any]]:
        repo, number = parse_numbered_url(input.issue_url, ("issues", "pull"), "issue")
        if not input.comment.strip():
            raise BlockError("There is no comment to post.")
        token = _token(context)
        comment = await _json(
            context,
            token,
            "POST",
            f"{repo.api_path}/issues/{number}/comments",
            what="issue or pull request",
            json={"body": input.comment},
        )
        if not isinstance(comment, dict) or not isinstance(comment.get("id"), int):
            raise BlockError("GitHub answered the new comment in an unexpected form.")
        return [("id", comment["id"]), ("url", str(comment.get("html_url") or ""))]


class GithubListCommentsBlock(_GitHubBlock):
    """Lists the comments of an issue or pull request."""

    id = "c4b5fb63-0005-4a11-b35a-0c2467bd6b59"
    name = "List GitHub comments"
    autogpt_name = "GithubListCommentsBlock"
    description = (
        "Lists the comments of a GitHub issue or pull request (up to 100, oldest first): text, author, address."
    )

    class Input(_GitHubInput):
        issue_url: str = Field(
            description="The issue's or pull request's address, such as https://github.com/owner/repo/issues/1"
        )

    class Output(BlockOutput):
        comment: CommentItem = Field(description="One comment")
        comments: list[CommentItem] = Field(description="All the comments found")

    examples = _examples(
        {"issue_url": "https://github.com/owner/repo/issues/1"},
        {"issue_url": "https://gitlab.com/owner/repo/issues/1"},
        _NOT_GITHUB.format("owner/repo/issues/1"),
    )

    async def work(self, input: Input, context: RunContext) -> list[tuple[str, Any]]:
        repo, number = parse_numbered_url(input.issue_url, ("issues", "pull"), "issue")
        token = _token(context)
        body = await _json(
            context,
            token,
            "GET",
            f"{repo.api_path}/issues/{number}/comments",
            what="issue or pull request",
            params={"per_page": PAGE},
        )
        comments = [
            CommentItem(
                id=int(c.get("id") or 0),
                body=str(c.get("body") or ""),
                user=_login(c),
                url=str(c.get("html_url") or ""),
            ).model_dump()
            for c in _items(body, "comments")
        ]
        return [*(("comment", comment) for comment in comments), ("comments", comments)]


# --- pull requests --------------------------------------------------------------------------------


class GithubListPullRequestsBlock(_GitHubBlock):
    """Lists a repository's open pull requests."""

    id = "ffef3c4c-6cd0-48dd-817d-459f975219f4"
    name = "List GitHub pull requests"
    autogpt_name = "GithubListPullRequestsBlock"
    description = "Lists the open pull requests of a GitHub repository (up to 100, newest first): title and address."

    class Input(_GitHubInput):
        repo_url: str = Field(description="The repository's address, such as https://github.com/owner/repo")

    class Output(BlockOutput):
        pull_request: TitledLink = Field(description="One pull request (title and address)")
        pull_requests: list[TitledLink] = Field(description="All the pull requests found")

    examples = _examples(
        {"repo_url": "https://github.com/owner/repo"}, {"repo_url": _ELSEWHERE}, _NOT_GITHUB.format("owner/repo")
    )

    async def work(self, input: Input, context: RunContext) -> list[tuple[str, Any]]:
        pulls = await _titled_links(context, input.repo_url, "pulls")
        return [("pull_requests", pulls), *(("pull_request", pull) for pull in pulls)]


def _file_change(change: Mapping[str, Any]) -> str:
    """One file's change as a unified diff (old and new name, then GitHub's patch)."""
    status = str(change.get("status") or "")
    name = str(change.get("filename") or "")
    old = str(change.get("previous_filename") or name)
    before = "/dev/null" if status == "added" else f"a/{old}"
    after = "/dev/null" if status == "removed" else f"b/{name}"
    patch = str(change.get("patch") or "")
    return f"--- {before}\n+++ {after}\n{patch or '(no text difference: a binary file, or too large to show)'}"


class GithubReadPullRequestBlock(_GitHubBlock):
    """Reads a pull request's title, text, author and, if asked, its changes."""

    id = "bf94b2a4-1a30-4600-a783-a8a44ee31301"
    name = "Read GitHub pull request"
    autogpt_name = "GithubReadPullRequestBlock"
    description = (
        "Reads a GitHub pull request by its address: title, text, author and, if asked, "
        "its changes as a diff of each file."
    )

    class Input(_GitHubInput):
        pr_url: str = Field(description="The pull request's address, such as https://github.com/owner/repo/pull/1")
        include_pr_changes: bool = Field(default=False, description="Also give the changes it makes (a diff)")

    class Output(BlockOutput):
        title: str = Field(description="The pull request's title")
        body: str = Field(description="Its text (empty if it has none)")
        author: str = Field(description="Who opened it")
        changes: str = Field(description="The changes it makes, file by file (when asked)")

    examples = _examples(
        {"pr_url": "https://github.com/owner/repo/pull/1"},
        {"pr_url": "https://github.com/owner/repo/issues/1"},
        "'https://github.com/owner/repo/issues/1' is not the address of a GitHub pull request: give one such as "
        "https://github.com/owner/repo/pull/1.",
    )

    async def work(self, input: Input, context: RunContext) -> list[tuple[str, Any]]:
        repo, number = parse_numbered_url(input.pr_url, ("pull",), "pull request")
        token = _token(context)
        pull = await _json(context, token, "GET", f"{repo.api_path}/pulls/{number}", what="pull request")
        if not isinstance(pull, dict):
            raise BlockError("GitHub answered the pull request in an unexpected form.")
        outputs: list[tuple[str, Any]] = [
            ("title", str(pull.get("title") or "")),
            ("body", str(pull.get("body") or "")),
            ("author", _login(pull)),
        ]
        if input.include_pr_changes:
            changes: list[str] = []
            for page in range(1, MAX_FILE_PAGES + 1):
                body = await _json(
                    context,
                    token,
                    "GET",
                    f"{repo.api_path}/pulls/{number}/files",
                    what="pull request",
                    params={"per_page": PAGE, "page": page},
                )
                files = _items(body, "changed files")
                changes.extend(_file_change(f) for f in files)
                if len(files) < PAGE:
                    break
            outputs.append(("changes", "\n\n".join(changes)))
        return outputs


# --- repository -----------------------------------------------------------------------------------


class GithubListBranchesBlock(_GitHubBlock):
    """Lists a repository's branches."""

    id = "74243e49-2bec-4916-8bf4-db43d44aead5"
    name = "List GitHub branches"
    autogpt_name = "GithubListBranchesBlock"
    description = "Lists the branches of a GitHub repository (up to 100): name and file browser address of each."

    class Input(_GitHubInput):
        repo_url: str = Field(description="The repository's address, such as https://github.com/owner/repo")

    class Output(BlockOutput):
        branch: BranchItem = Field(description="One branch (name and address)")
        branches: list[BranchItem] = Field(description="All the branches found")

    examples = _examples(
        {"repo_url": "https://github.com/owner/repo"}, {"repo_url": _ELSEWHERE}, _NOT_GITHUB.format("owner/repo")
    )

    async def work(self, input: Input, context: RunContext) -> list[tuple[str, Any]]:
        repo = parse_repo_url(input.repo_url)
        token = _token(context)
        body = await _json(
            context, token, "GET", f"{repo.api_path}/branches", what="repository", params={"per_page": PAGE}
        )
        branches = [
            BranchItem(
                name=str(b.get("name")), url=f"{repo.web_url}/tree/{quote(str(b.get('name')), safe='/')}"
            ).model_dump()
            for b in _items(body, "branches")
            if b.get("name")
        ]
        return [("branches", branches), *(("branch", branch) for branch in branches)]


def _file_path(path: str) -> str:
    """``path`` inside a repository, made safe for the API's URL (no ``..``, each part quoted)."""
    parts = [p for p in path.strip().split("/") if p]
    if not parts:
        raise BlockError("Give the path of the file in the repository, such as README.md or docs/index.md.")
    if any(p in (".", "..") for p in parts):
        raise BlockError("A file path in a repository cannot contain '.' or '..' parts.")
    return "/".join(quote(p, safe="") for p in parts)


class GithubReadFileBlock(_GitHubBlock):
    """Reads a file of a repository."""

    id = "87ce6c27-5752-4bbc-8e26-6da40a3dcfd3"
    name = "Read GitHub file"
    autogpt_name = "GithubReadFileBlock"
    description = (
        "Reads a file of a GitHub repository on a branch: its text, its bytes in base64 and its size. "
        "If the repository has no branch 'master', its default branch is read."
    )

    class Input(_GitHubInput):
        repo_url: str = Field(description="The repository's address, such as https://github.com/owner/repo")
        file_path: str = Field(description="The file's path in the repository, such as docs/index.md")
        branch: str = Field(
            default="master", description="The branch (or tag, or commit) to read from", json_schema_extra=ADVANCED
        )

    class Output(BlockOutput):
        text_content: str = Field(description="The file's content as UTF-8 text")
        raw_content: str = Field(description="The file's content in base64")
        size: int = Field(description="The file's size in bytes")

    examples = (
        BlockExample(
            input={"repo_url": "https://github.com/owner/repo", "file_path": "../secrets"},
            output=[("error", "A file path in a repository cannot contain '.' or '..' parts.")],
            secrets=_EXAMPLE_SECRET,
        ),
        *_examples(
            {"repo_url": "https://github.com/owner/repo", "file_path": "README.md"},
            {"repo_url": _ELSEWHERE, "file_path": "README.md"},
            _NOT_GITHUB.format("owner/repo"),
        ),
    )

    async def work(self, input: Input, context: RunContext) -> list[tuple[str, Any]]:
        repo = parse_repo_url(input.repo_url)
        path = _file_path(input.file_path)
        branch = input.branch.strip()
        token = _token(context)
        where = f"{repo.api_path}/contents/{path}"
        try:
            entry = await _json(context, token, "GET", where, what="file", params={"ref": branch} if branch else None)
        except NotFoundOnGitHub:
            if branch != "master":
                raise
            # AutoGPT's default branch is 'master'; most repositories now name theirs 'main'.
            entry = await _json(context, token, "GET", where, what="file")
            context.note("The repository has no branch 'master': the file was read from its default branch.")
            branch = ""
        if isinstance(entry, list):
            raise BlockError(f"'{input.file_path.strip()[:200]}' is a folder, not a file.")
        if not isinstance(entry, dict) or entry.get("type") != "file":
            raise BlockError(f"'{input.file_path.strip()[:200]}' is not a file.")
        if entry.get("encoding") == "base64" and entry.get("content"):
            raw = "".join(str(entry["content"]).split())
            try:
                data = base64.b64decode(raw, validate=True)
            except (binascii.Error, ValueError):
                raise BlockError("GitHub answered the file in an unexpected form.") from None
        else:
            # Past 1 MB the contents API leaves the content out; the raw media type gives the bytes.
            response = await _request(
                context, token, "GET", where, what="file", params={"ref": branch} if branch else None, accept=_RAW
            )
            data = response.content
            raw = base64.b64encode(data).decode("ascii")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="replace")
            context.note("The file is not UTF-8 text: its text has replacement characters; raw_content has its bytes.")
        return [("raw_content", raw), ("text_content", text), ("size", int(entry.get("size") or len(data)))]
