"""The GitHub and Exa blocks against a local fake of the services' public HTTP APIs.

Loopback is allowed only inside these tests. The token and the key are canaries that must appear in
no output, no error and no log line.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from typing import Any

import pytest

from autogpt_app.blocks.builtin import github
from autogpt_app.blocks.builtin.exa import ExaContentsBlock, ExaSearchBlock
from autogpt_app.blocks.sdk import Block, CredentialSecret, RunContext, run_block
from autogpt_app.graphs.portable import spec_from_document
from autogpt_app.graphs.validation import find_problems
from autogpt_app.settings import get_settings
from tests.fakes.dev_apis import BIG_FILE, EXA_KEY, GITHUB_TOKEN, FakeDevApis

REPO = "https://github.com/acme/rocket"
CANARIES = (GITHUB_TOKEN, EXA_KEY)


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDevApis]:
    settings = get_settings()
    monkeypatch.setattr(settings, "outbound_allow_loopback", True)
    with FakeDevApis() as fake:
        fake.configure(settings, monkeypatch)
        yield fake


async def run(
    block: Block, token: str | None = GITHUB_TOKEN, provider: str = "github", **inputs: Any
) -> list[tuple[str, Any]]:
    creds = (
        {"credentials": CredentialSecret(id="c1", provider=provider, type="api_key", api_key=token)}
        if token is not None
        else {}
    )
    context = RunContext(user_id="u1", credentials=creds)
    outputs = await run_block(block, inputs, context)
    if context.notes:
        outputs.append(("_notes", context.notes))
    return outputs


def assert_no_secret(outputs: list[tuple[str, Any]], logs: pytest.LogCaptureFixture) -> None:
    for canary in CANARIES:
        assert canary not in repr(outputs)
        assert canary not in logs.text


# --- GitHub: reading ------------------------------------------------------------------------------


async def test_list_issues_leaves_pull_requests_out(api: FakeDevApis, logs) -> None:
    outputs = await run(github.GithubListIssuesBlock(), repo_url=REPO)

    issues = [
        {"title": "Paint it red", "url": f"{REPO}/issues/3"},
        {"title": "Engine overheats", "url": f"{REPO}/issues/1"},
    ]
    assert outputs == [("issues", issues), ("issue", issues[0]), ("issue", issues[1])]
    sent = api.requests[-1]
    assert sent.path == "/github/repos/acme/rocket/issues" and sent.query == {"per_page": "100"}
    assert sent.headers["authorization"] == f"Bearer {GITHUB_TOKEN}"
    assert sent.headers["accept"] == "application/vnd.github+json"
    assert_no_secret(outputs, logs)


async def test_read_issue_and_an_issue_without_text(api: FakeDevApis) -> None:
    assert await run(github.GithubReadIssueBlock(), issue_url=f"{REPO}/issues/1") == [
        ("title", "Engine overheats"),
        ("body", "It gets hot."),
        ("user", "ada"),
    ]
    assert await run(github.GithubReadIssueBlock(), issue_url=f"{REPO}/issues/3") == [
        ("title", "Paint it red"),
        ("body", ""),
        ("user", "linus"),
    ]


async def test_pull_requests_listed_and_read_with_their_changes(api: FakeDevApis) -> None:
    pulls = await run(github.GithubListPullRequestsBlock(), repo_url=REPO)
    pull = {"title": "Add a parachute", "url": f"{REPO}/pull/2"}
    assert pulls == [("pull_requests", [pull]), ("pull_request", pull)]

    outputs = dict(await run(github.GithubReadPullRequestBlock(), pr_url=f"{REPO}/pull/2", include_pr_changes=True))

    assert (outputs["title"], outputs["body"], outputs["author"]) == (
        "Add a parachute",
        "Wheels are not enough.",
        "grace",
    )
    changes = outputs["changes"]
    assert "--- a/engine.py\n+++ b/engine.py\n@@ -1 +1 @@\n-hot\n+cool" in changes
    assert "--- /dev/null\n+++ b/chute.py" in changes
    assert "--- a/old.py\n+++ /dev/null" in changes
    assert "--- a/icon.png\n+++ b/logo.png\n(no text difference" in changes
    assert "changes" not in dict(await run(github.GithubReadPullRequestBlock(), pr_url=f"{REPO}/pull/2"))


async def test_an_issue_is_not_a_pull_request(api: FakeDevApis) -> None:
    outputs = await run(github.GithubReadPullRequestBlock(), pr_url=f"{REPO}/pull/1")
    assert outputs[0][0] == "error" and "GitHub found no pull request there (HTTP 404)" in outputs[0][1]


async def test_branches_link_to_their_file_browser(api: FakeDevApis) -> None:
    outputs = await run(github.GithubListBranchesBlock(), repo_url=f"{REPO}.git/")
    branches = [
        {"name": "main", "url": f"{REPO}/tree/main"},
        {"name": "feature/chute", "url": f"{REPO}/tree/feature/chute"},
    ]
    assert outputs == [("branches", branches), ("branch", branches[0]), ("branch", branches[1])]


async def test_read_file_as_text_and_base64(api: FakeDevApis) -> None:
    outputs = dict(await run(github.GithubReadFileBlock(), repo_url=REPO, file_path="/README.md", branch="main"))

    data = api.files["README.md"]
    assert outputs == {"raw_content": base64.b64encode(data).decode(), "text_content": data.decode(), "size": len(data)}
    assert api.requests[-1].path == "/github/repos/acme/rocket/contents/README.md"
    assert api.requests[-1].query == {"ref": "main"}


async def test_read_file_falls_back_from_master_to_the_default_branch(api: FakeDevApis) -> None:
    outputs = dict(await run(github.GithubReadFileBlock(), repo_url=REPO, file_path="docs/guide.md"))

    assert outputs["text_content"] == "Read me first."
    assert outputs["_notes"] == ["The repository has no branch 'master': the file was read from its default branch."]
    assert [r.query for r in api.requests] == [{"ref": "master"}, {}]

    other = await run(github.GithubReadFileBlock(), repo_url=REPO, file_path="docs/guide.md", branch="release")
    assert "GitHub found no file there (HTTP 404)" in dict(other)["error"]


async def test_read_a_large_or_binary_file_and_refuse_a_folder(api: FakeDevApis) -> None:
    big = dict(await run(github.GithubReadFileBlock(), repo_url=REPO, file_path=BIG_FILE, branch="main"))
    assert base64.b64decode(big["raw_content"]) == api.files[BIG_FILE]
    assert big["size"] == len(api.files[BIG_FILE])
    assert api.requests[-1].headers["accept"] == "application/vnd.github.raw"
    assert "not UTF-8" in big["_notes"][0]

    folder = await run(github.GithubReadFileBlock(), repo_url=REPO, file_path="docs", branch="main")
    assert folder == [("error", "'docs' is a folder, not a file.")]


# --- GitHub: writing ------------------------------------------------------------------------------


async def test_make_issue_then_comment_on_it_and_list_the_comments(api: FakeDevApis, logs) -> None:
    made = await run(github.GithubMakeIssueBlock(), repo_url=REPO, title="Fuel leak", body="Drip drip.")
    assert made == [("number", 4), ("url", f"{REPO}/issues/4")]
    assert api.requests[-1].json == {"title": "Fuel leak", "body": "Drip drip."}

    posted = await run(github.GithubCommentBlock(), issue_url=f"{REPO}/issues/4", comment="On it.")
    comment_id = api.comments[4][0]["id"]
    assert posted == [("id", comment_id), ("url", f"{REPO}/issues/4#issuecomment-{comment_id}")]

    on_pull = await run(github.GithubCommentBlock(), issue_url=f"{REPO}/pull/2", comment="LGTM")
    assert api.requests[-1].path == "/github/repos/acme/rocket/issues/2/comments"
    assert on_pull[0][0] == "id"

    listed = await run(github.GithubListCommentsBlock(), issue_url=f"{REPO}/issues/4")
    item = {"id": comment_id, "body": "On it.", "user": "reporter", "url": f"{REPO}/issues/4#issuecomment-{comment_id}"}
    assert listed == [("comment", item), ("comments", [item])]
    assert_no_secret(made + posted + listed, logs)


# --- GitHub: addresses and failures ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://evil.example/acme/rocket", "'evil.example' is not GitHub"),
        ("https://github.com.evil.example/acme/rocket", "'github.com.evil.example' is not GitHub"),
        ("https://api.github.com/repos/acme/rocket", "'api.github.com' is not GitHub"),
        ("https://github.com:8443/acme/rocket", "'github.com:8443' is not GitHub"),
        ("ftp://github.com/acme/rocket", "'github.com' is not GitHub"),
        ("https://github.com/acme", "does not name a GitHub repository"),
        ("https://github.com/acme/..", "does not name a GitHub repository"),
        ("https://github.com/-bad/rocket", "does not name a GitHub repository"),
        ("https://github.com/acme/rocket/issues", "is not a repository's address"),
        ("", "Give the address of the GitHub repository"),
    ],
)
async def test_addresses_are_read_strictly_and_nothing_is_sent(api: FakeDevApis, url: str, message: str) -> None:
    outputs = await run(github.GithubListIssuesBlock(), repo_url=url)
    assert outputs[0][0] == "error" and message in outputs[0][1]
    assert api.requests == []


async def test_github_enterprise_is_its_configured_address(api: FakeDevApis, monkeypatch) -> None:
    monkeypatch.setattr(get_settings(), "github_url", "https://ghe.example.com")

    refused = await run(github.GithubListBranchesBlock(), repo_url=REPO)
    assert refused == [
        (
            "error",
            "'github.com' is not GitHub: give an address on ghe.example.com, such as https://ghe.example.com/owner/repo.",
        )
    ]
    branches = dict(await run(github.GithubListBranchesBlock(), repo_url="https://ghe.example.com/acme/rocket"))
    assert branches["branches"][0] == {"name": "main", "url": "https://ghe.example.com/acme/rocket/tree/main"}


async def test_unknown_repository_or_issue_is_a_404_sentence(api: FakeDevApis) -> None:
    outputs = await run(github.GithubListIssuesBlock(), repo_url="https://github.com/acme/secret")
    assert outputs == [
        (
            "error",
            "GitHub found no repository there (HTTP 404). Check the address, and that the token may see the "
            "repository (GitHub answers 404 for a private repository the token cannot see).",
        )
    ]
    issue = await run(github.GithubReadIssueBlock(), issue_url=f"{REPO}/issues/99")
    assert "GitHub found no issue there (HTTP 404)" in dict(issue)["error"]


async def test_wrong_token_and_refusals_never_show_the_token(api: FakeDevApis, logs) -> None:
    wrong = "ghp_wrong_canary_77aa88bb"
    outputs = await run(github.GithubListIssuesBlock(), wrong, repo_url=REPO)
    assert outputs == [
        (
            "error",
            "GitHub did not accept the token (HTTP 401): Bad credentials. Check the credential, or create a new one.",
        )
    ]

    api.fail_next(403, {"message": f"Resource not accessible by personal access token {GITHUB_TOKEN}"})
    refused = await run(github.GithubMakeIssueBlock(), repo_url=REPO, title="x")
    assert refused[0][1].startswith("GitHub refused the request (HTTP 403): Resource not accessible")
    assert wrong not in repr(outputs)
    assert_no_secret(outputs + refused, logs)


async def test_rate_limits_and_failures_on_githubs_side(api: FakeDevApis) -> None:
    reset = str(int(time.time()) + 120)
    api.fail_next(
        403,
        {"message": "API rate limit exceeded for user ID 1."},
        {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset},
    )
    limited = dict(await run(github.GithubListIssuesBlock(), repo_url=REPO))["error"]
    assert limited.startswith("GitHub is limiting requests (HTTP 403). Try again in 1")
    assert limited.endswith(" seconds.")

    api.fail_next(429, {"message": "secondary rate limit"}, {"retry-after": "30"})
    assert await run(github.GithubListPullRequestsBlock(), repo_url=REPO) == [
        ("error", "GitHub is limiting requests (HTTP 429). Try again in 30 seconds.")
    ]

    api.fail_next(502, b"<html>bad gateway</html>")
    assert await run(github.GithubReadIssueBlock(), issue_url=f"{REPO}/issues/1") == [
        ("error", "GitHub had a problem on its side (HTTP 502). Try again later.")
    ]

    api.fail_next(200, b"not json")
    assert await run(github.GithubListBranchesBlock(), repo_url=REPO) == [
        ("error", "GitHub answered with something that is not JSON.")
    ]


async def test_a_credential_without_a_token(api: FakeDevApis) -> None:
    outputs = await run(github.GithubListIssuesBlock(), "", repo_url=REPO)
    assert outputs == [
        ("error", "The GitHub credential has no token: create it with a personal access token as its API key.")
    ]


def test_an_autogpt_export_with_github_and_exa_imports() -> None:
    credentials = {"id": "c1", "provider": "github", "type": "api_key", "title": "GitHub"}
    document = {
        "name": "Issue triage",
        "description": "",
        "version": 3,
        "is_active": True,
        "nodes": [
            {
                "id": "n1",
                "block_id": "c215bfd7-0e57-4573-8f8c-f7d4963dcd74",
                "input_default": {"repo_url": REPO, "credentials": credentials},
            },
            {
                "id": "n2",
                "block_id": "a8db4d8d-db1c-4a25-a1b0-416a8c33602b",
                "input_default": {"comment": "Seen.", "credentials": credentials},
            },
            {
                "id": "n3",
                "block_id": "996cec64-ac40-4dde-982f-b0dc60a5824d",
                "input_default": {
                    "use_auto_prompt": True,
                    "type": "",
                    "category": "",
                    "contents": {"text": {"max_characters": 1000, "include_html_tags": False}},
                    "credentials": {"id": "c2", "provider": "exa", "type": "api_key", "title": "Exa"},
                },
            },
        ],
        "links": [
            {"source_id": "n1", "sink_id": "n2", "source_name": "issue_#_url", "sink_name": "issue_url"},
            {"source_id": "n1", "sink_id": "n3", "source_name": "issue_#_title", "sink_name": "query"},
        ],
    }

    spec = spec_from_document(document)

    assert len(spec.nodes) == 3
    assert find_problems(spec) == []


# --- Exa ------------------------------------------------------------------------------------------


async def test_exa_search_sends_the_filters_and_passes_results_on(api: FakeDevApis, logs) -> None:
    outputs = await run(
        ExaSearchBlock(),
        EXA_KEY,
        "exa",
        query="  agent   platforms ",
        number_of_results=5,
        category="news",
        include_domains=["example.org", " "],
        start_published_date="2025-01-01T00:00:00Z",
        contents={"text": {"discriminator": "advanced", "max_characters": 500}, "context": True},
    )

    sent = api.requests[-1]
    assert sent.path == "/exa/search" and sent.headers["x-api-key"] == EXA_KEY
    assert sent.json == {
        "query": "agent platforms",
        "numResults": 5,
        "type": "auto",
        "category": "news",
        "includeDomains": ["example.org"],
        "startPublishedDate": "2025-01-01T00:00:00+00:00",
        "contents": {"text": {"maxCharacters": 500}, "context": True},
    }
    out = dict(outputs)
    assert [r["title"] for r in out["results"]] == ["Agents", "B"]
    assert out["results"][0]["highlights"] == ["Agents act."]
    assert [v["url"] for p, v in outputs if p == "result"] == ["https://example.org/agents", "https://example.net/b"]
    assert out["context"] == "Agents\nB"
    assert (out["search_type"], out["resolved_search_type"]) == ("neural", "neural")
    assert out["cost_dollars"] == {"total": 0.005}
    assert_no_secret(outputs, logs)


async def test_an_older_autogpt_exa_search_still_runs(api: FakeDevApis) -> None:
    old_inputs = {
        "query": "rockets",
        "use_auto_prompt": True,
        "type": "",
        "category": "",
        "start_crawl_date": "",
        "contents": {
            "text": {"max_characters": 1000, "include_html_tags": False},
            "highlights": {"num_sentences": 3, "highlights_per_url": 3},
            "summary": {"query": ""},
        },
    }

    outputs = await run(ExaSearchBlock(), EXA_KEY, "exa", **old_inputs)

    assert dict(outputs)["results"]
    assert api.requests[-1].json == {
        "query": "rockets",
        "numResults": 10,
        "type": "auto",
        "contents": {
            "text": {"maxCharacters": 1000},
            "highlights": {"numSentences": 3, "highlightsPerUrl": 3},
            "summary": {},
        },
    }


async def test_exa_contents_reads_pages_and_says_which_failed(api: FakeDevApis) -> None:
    outputs = await run(
        ExaContentsBlock(), EXA_KEY, "exa", urls=["https://example.org/agents", "https://nowhere.example/"]
    )

    assert api.requests[-1].json == {
        "urls": ["https://example.org/agents", "https://nowhere.example/"],
        "text": {"includeHtmlTags": True},
        "livecrawl": "fallback",
        "livecrawlTimeout": 10000,
        "subpages": 0,
        "context": True,
    }
    out = dict(outputs)
    assert [r["text"] for r in out["results"]] == ["All about agents."]
    assert out["context"] == "All about agents."
    assert out["request_id"] == "req-contents-1"
    assert out["statuses"][1]["error"]["tag"] == "CRAWL_NOT_FOUND"


@pytest.mark.parametrize(
    ("status", "body", "headers", "start"),
    [
        (401, {"error": "Invalid API key"}, {}, "Exa refused the request (HTTP 401): check the API key"),
        (403, {"error": "forbidden"}, {}, "Exa refused the request (HTTP 403): check the API key"),
        (404, {"error": "not found"}, {}, "Exa refused the request (HTTP 404)."),
        (429, {"error": "slow down"}, {"retry-after": "5"}, "Exa says there were too many requests (HTTP 429)"),
        (503, b"down", {}, "Exa had a problem on its side (HTTP 503); try again later."),
    ],
)
async def test_exa_failures_are_readable_and_never_show_the_key(
    api: FakeDevApis, logs, status: int, body: Any, headers: dict[str, str], start: str
) -> None:
    echoed = {"error": f"{body['error']} for key {EXA_KEY}"} if isinstance(body, dict) else body
    api.fail_next(status, echoed, headers)

    outputs = await run(ExaSearchBlock(), EXA_KEY, "exa", query="q")

    assert len(outputs) == 1 and outputs[0][0] == "error" and outputs[0][1].startswith(start)
    assert_no_secret(outputs, logs)


async def test_exa_wrong_key(api: FakeDevApis) -> None:
    outputs = await run(ExaContentsBlock(), "exa-wrong-key-000", "exa", urls=["https://example.org/agents"])
    assert outputs[0][1].startswith("Exa refused the request (HTTP 401)")
    assert "exa-wrong-key-000" not in repr(outputs)


async def test_githubs_validation_failure_is_its_own_words(api: FakeDevApis) -> None:
    api.fail_next(422, {"message": "Validation Failed", "errors": [{"code": "missing_field"}]})
    assert await run(github.GithubMakeIssueBlock(), repo_url=REPO, title="x") == [
        ("error", "GitHub refused the request (HTTP 422): Validation Failed.")
    ]


async def test_the_services_go_through_the_guarded_client(api: FakeDevApis, monkeypatch) -> None:
    monkeypatch.setattr(get_settings(), "outbound_allow_loopback", False)
    blocked = "Requests to private or local addresses are not allowed (127.0.0.1)."

    assert await run(github.GithubListIssuesBlock(), repo_url=REPO) == [
        ("error", f"GitHub could not be reached: {blocked}")
    ]
    assert await run(ExaSearchBlock(), EXA_KEY, "exa", query="q") == [("error", f"Exa could not be reached: {blocked}")]
    assert api.requests == []


async def test_exa_contents_by_older_search_ids(api: FakeDevApis) -> None:
    outputs = await run(ExaContentsBlock(), EXA_KEY, "exa", ids=["https://example.net/b"], text=False, livecrawl="")

    assert api.requests[-1].json == {
        "ids": ["https://example.net/b"],
        "livecrawlTimeout": 10000,
        "subpages": 0,
        "context": True,
    }
    assert [r["title"] for r in dict(outputs)["results"]] == ["B"]
