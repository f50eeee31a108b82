"""Seed agents that message people on chat services (their samples post to a local fake of the API)."""

from __future__ import annotations

from autogpt_app.blocks.builtin.discord import SendDiscordMessageBlock
from autogpt_app.blocks.builtin.text import FillTextTemplateBlock
from autogpt_app.store.seed.builder import graph, long_text_input, node, output, text_input
from autogpt_app.store.seed.model import Sample, SeedAgent, Served, all_of, contains, equals

_ANNOUNCEMENT = """\
**{{ product }} {{ version }} is out!** 🎉
{% for line in highlights.splitlines() if line.strip() %}
• {{ line.strip().lstrip('-*• ') }}{% endfor %}
{% if link %}
Read more: {{ link }}{% endif %}"""

DISCORD_ANNOUNCER = SeedAgent(
    slug="discord-release-announcer",
    name="Discord Release Announcer",
    subheading="Post a tidy release announcement with its highlights to a Discord channel",
    description=(
        "Turns a version number and a few highlights into a clean release announcement and posts it to a "
        "channel of your Discord server, with a bold headline, one bullet per highlight and a link to the full "
        "notes. Long announcements are split into several messages, as Discord allows 2,000 characters each.\n\n"
        "Needs a Discord bot token: create a bot in Discord's developer portal, invite it to your server, add "
        "the token under Credentials (provider discord) and pick it when you run the agent. Give the channel "
        "by its name (general) or its id."
    ),
    categories=("marketing", "productivity"),
    creator="quill-and-ink",
    changelog="First release: headline, highlights and link, posted by your bot.",
    graph=graph(
        "Discord Release Announcer",
        "Posts a release announcement with its highlights to a Discord channel.",
        [
            text_input("product", "product", "Product", "The product's name, e.g. Acme CLI"),
            text_input("version", "version", "Version", "The version released, e.g. 2.1"),
            long_text_input("highlights", "highlights", "Highlights", "One highlight per line"),
            text_input("link", "link", "Release notes", "Address of the full release notes (optional)", ""),
            text_input("channel", "channel", "Channel", "The Discord channel: its name (general) or its id"),
            node("write", FillTextTemplateBlock, format=_ANNOUNCEMENT),
            node("post", SendDiscordMessageBlock),
            output("out", "announcement", "Announcement", "The text posted"),
            output("out_status", "status", "Status", "Whether Discord accepted the message"),
        ],
        [
            "product.result -> write.values_#_product",
            "version.result -> write.values_#_version",
            "highlights.result -> write.values_#_highlights",
            "link.result -> write.values_#_link",
            "write.output -> post.message_content",
            "channel.result -> post.channel_name",
            "write.output -> out.value",
            "post.status -> out_status.value",
        ],
    ),
    samples=(
        Sample(
            inputs={
                "product": "Acme CLI",
                "version": "2.1",
                "highlights": "- Faster start-up\n- New `sync` command\n\n* Fewer dependencies",
                "link": "https://acme.example/releases/2.1",
                "channel": "112233445566778899",
            },
            settings={"discord_api_url": "{server}/discord/api/v10"},
            credentials={"discord_api_key": {"provider": "discord", "type": "api_key", "api_key": "bot-sample-token"}},
            serve={
                "/discord/api/v10/channels/112233445566778899/messages": Served(
                    '{"id": "900000000000000001", "channel_id": "112233445566778899"}', "application/json"
                )
            },
            expect={
                "announcement": all_of(
                    contains("**Acme CLI 2.1 is out!**", "• Faster start-up", "• New `sync` command"),
                    contains("• Fewer dependencies", "Read more: https://acme.example/releases/2.1"),
                ),
                "status": equals("Message sent"),
            },
            posted={"/discord/api/v10/channels/112233445566778899/messages": ("Acme CLI 2.1 is out!",)},
        ),
    ),
)

MESSAGING_AGENTS: tuple[SeedAgent, ...] = (DISCORD_ANNOUNCER,)
