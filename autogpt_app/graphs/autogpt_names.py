"""AutoGPT's names for blocks this platform may not have, so a refused import can say which steps to replace.

Only facts are kept here: each block's id and AutoGPT class name, read from AutoGPT's block sources
for the blocks its published agents use most. Blocks registered here are named by their own
``autogpt_name`` first (see :func:`autogpt_block_name`), so this table only matters for the rest.
"""

from __future__ import annotations

from typing import Any

from autogpt_app.blocks.registry import find_block

#: Blocks that run a person's code in a sandbox: never offered here, whatever else gets added.
CODE_RUNNING_BLOCKS: dict[str, str] = {
    "0b02b072-abe7-11ef-8372-fb5d162dd712": "ExecuteCodeBlock",
    "ff0861c9-1726-4aec-9e5b-bf53f3622112": "InstantiateCodeSandboxBlock",
    "82b59b8e-ea10-4d57-9161-8b169b0adba6": "ExecuteCodeStepBlock",
    "45e78db5-03e9-447f-9395-308d712f5f08": "BlockInstallationBlock",
}

#: Why a code-running block is refused, shown next to its name.
CODE_RUNNING_REASON = "runs code, which this platform does not offer"

#: AutoGPT block id → class name, for blocks found in AutoGPT's published agents and the most common ones.
AUTOGPT_BLOCK_NAMES: dict[str, str] = {
    **CODE_RUNNING_BLOCKS,
    # inputs, outputs and basics
    "c0a8e994-ebf1-4a9c-a4d8-89d09c86741b": "AgentInputBlock",
    "363ae599-353e-4804-937e-b2ee3cef3da4": "AgentOutputBlock",
    "7fcd3bcb-8e1b-4e69-903d-32d3d4a92158": "AgentShortTextInputBlock",
    "90a56ffb-7024-4b2b-ab50-e26c5e5ab8ba": "AgentLongTextInputBlock",
    "96dae2bb-97a2-41c2-bd2f-13a3b5a8ea98": "AgentNumberInputBlock",
    "7e198b09-4994-47db-8b4d-952d98241817": "AgentDateInputBlock",
    "2a1c757e-86cf-4c7e-aacf-060dc382e434": "AgentTimeInputBlock",
    "95ead23f-8283-4654-aef3-10c053b74a31": "AgentFileInputBlock",
    "655d6fdf-a334-421c-b733-520549c07cd1": "AgentDropdownInputBlock",
    "cbf36ab5-df4a-43b6-8a7f-f7ed8652116e": "AgentToggleInputBlock",
    "5603b273-f41e-4020-af7d-fbc9c6a8d928": "AgentTableInputBlock",
    "d3b32f15-6fd7-40e3-be52-e083f51b19a2": "AgentGoogleDriveFileInputBlock",
    "e189baac-8c20-45a1-94a7-55177ea42565": "AgentExecutorBlock",
    "1ff065e9-88e8-4358-9d82-8dc91f622ba9": "StoreValueBlock",
    "f3b1c1b2-4c4f-4f0d-8d2f-4c4f0d8d2f4c": "PrintToConsoleBlock",
    "cc10ff7b-7753-4ff2-9af6-9399b1a7eddc": "NoteBlock",
    "95d1b990-ce13-4d88-9737-ba5c2070c97b": "UniversalTypeConverterBlock",
    "8b2a7b3c-6e9d-4a5f-8c1b-2e3f4a5b6c7d": "HumanInTheLoopBlock",
    "cbb50872-625b-42f0-8203-a2ae78242d8a": "FileStoreBlock",
    "3735a31f-7e18-4aca-9e90-08a7120674bc": "FileReadBlock",
    # logic, lists and dictionaries
    "b1ab9b19-67a6-406d-abf5-2dba76d00c79": "CalculatorBlock",
    "715696a0-e1da-45c8-b209-c2fa9c3b0be6": "ConditionBlock",
    "6dbbc4b3-ca6c-42b6-b508-da52d23e13f2": "IfInputMatchesBlock",
    "3c9c2f42-b0c3-435f-ba35-05f7a25c772a": "CountItemsBlock",
    "4a448883-71fa-49cf-91cf-70d793bd7d87": "DataSamplingBlock",
    "f66a3543-28d3-4ab5-8945-9b336371e2ce": "StepThroughItemsBlock",
    "b924ddf4-de4f-4b56-9a85-358930dcbc91": "CreateDictionaryBlock",
    "31d1064e-7446-4693-a7d4-65e5ca1180d1": "AddToDictionaryBlock",
    "0e50422c-6dee-4145-83d6-3a5a392f65de": "FindInDictionaryBlock",
    "46afe2ea-c613-43f8-95ff-6692c3ef6876": "RemoveFromDictionaryBlock",
    "27e31876-18b6-44f3-ab97-f6226d8b3889": "ReplaceDictionaryValueBlock",
    "a3cf3f64-6bb9-4cc6-9900-608a0b3359b0": "DictionaryIsEmptyBlock",
    "a912d5c7-6e00-4542-b2a9-8034136930e4": "CreateListBlock",
    "aeb08fc1-2fc1-4141-bc8e-f758f183a822": "AddToListBlock",
    "5e2c6d0a-1e37-489f-b1d0-8e1812b23333": "FindInListBlock",
    "262ca24c-1025-43cf-a578-534e23234e97": "GetListItemBlock",
    "d93c5a93-ac7e-41c1-ae5c-ef67e6e9b826": "RemoveFromListBlock",
    "fbf62922-bea1-4a3d-8bac-23587f810b38": "ReplaceListItemBlock",
    "896ed73b-27d0-41be-813c-c1c1dc856c03": "ListIsEmptyBlock",
    "422cb708-3109-4277-bfe3-bc2ae5812777": "ReverseListOrderBlock",
    # text
    "2570e8fe-8447-43ed-84c7-70d657923231": "TextDecoderBlock",
    "3060088f-6ed9-4928-9ba7-9c92823a7ccd": "MatchTextPatternBlock",
    "3146e4fe-2cdd-4f29-bd12-0c9d5bb4deb0": "ExtractTextInformationBlock",
    "db7d8f02-2f44-4c55-ab7a-eae0941f0c30": "FillTextTemplateBlock",
    "e30a4d42-7b7d-4e6a-b36e-1f9b8e3b7d85": "CombineTextsBlock",
    "d5ea33c8-a575-477a-b42f-2fe3be5055ec": "TextSplitBlock",
    "7e7c87ab-3469-4bcc-9abe-67705091b713": "TextReplaceBlock",
    "d3a7d896-3b78-4f44-8b4b-48fbf4f0bcd8": "CodeExtractionBlock",
    "ab2a782d-22cf-4587-8a70-55b59b3f9f90": "WordCharacterCountBlock",
    # AI
    "1f292d4a-41a4-4977-9684-7c8d560b9f91": "AITextGeneratorBlock",
    "ed55ac19-356e-4243-a6cb-bc599e9b716f": "AIStructuredResponseGeneratorBlock",
    "a0a69be1-4528-491c-a85a-a4ab6873e3f0": "AITextSummarizerBlock",
    "32a87eab-381e-4dd4-bdb8-4c47151be35a": "AIConversationBlock",
    "9c0b0450-d199-458b-a731-072189dd6593": "AIListGeneratorBlock",
    "553ec5b8-6c45-4299-8d75-b394d05f72ff": "AIConditionBlock",
    "3b191d9f-356f-482d-8238-ba04b6d18381": "SmartDecisionMakerBlock",
    "ed1ae7a0-b770-4089-b520-1f0005fad19a": "AIImageGeneratorBlock",
    "d76bbe4c-930e-4894-8469-b66775511f71": "AIImageCustomizerBlock",
    "3fd9c73d-4370-4925-a1ff-1b86b99fabfa": "AIImageEditorBlock",
    "44f6c8ad-d75c-4ae1-8209-aad1c0326928": "AIMusicGeneratorBlock",
    "361697fb-0c4f-4feb-aed3-8320c88c771b": "AIShortformVideoCreatorBlock",
    "530cf046-2ce0-4854-ae2c-659db17c7a46": "AIVideoGeneratorBlock",
    "6ab085e2-20b3-4055-bc3e-08036e01eca6": "IdeogramModelBlock",
    "90f8c45e-e983-4644-aa0b-b4ebe2f531bc": "ReplicateFluxAdvancedModelBlock",
    "c40d75a2-d0ea-44c9-a4f6-634bb3bdab1a": "ReplicateModelBlock",
    "4ff1ff6d-cc40-4caa-ae69-011daa20c378": "UnrealTextToSpeechBlock",
    "98c6f503-8c47-4b1c-a96d-351fc7c87dab": "CreateTalkingAvatarVideoBlock",
    "c8a5f2e9-8b3d-4a7e-9f6c-1d5e3c9b7a4f": "PerplexityBlock",
    "806fb15e-830f-4796-8692-557d300ff43c": "JinaChunkingBlock",
    "7c56b3ab-62e7-43a2-a2dc-4ec4245660b6": "JinaEmbeddingBlock",
    # web and search
    "87840993-2053-44b7-8da4-187ad4ee518c": "SearchTheWebBlock",
    "6595ae1f-b924-42cb-9a41-551a0611c4b4": "SendWebRequestBlock",
    "fff86bcd-e001-4bad-a7f6-2eae4720c8dc": "SendAuthenticatedWebRequestBlock",
    "b79ca4cc-9d5e-47d1-9d4f-e3a2d7f28df5": "ExaAnswerBlock",
    "a1f2e3d4-c5b6-4a78-9012-3456789abcde": "ExaCreateResearchBlock",
    "d1774756-4d9e-40e6-bab1-47ec0ccd81b2": "FirecrawlExtractBlock",
    "f0f43e2b-c943-48a0-a7f1-40136ca4d3b9": "FirecrawlMapWebsiteBlock",
    "ac444320-cf5e-4697-b586-2604c17a3e75": "FirecrawlScrapeBlock",
    "f8d2f28d-b3a1-405b-804e-418c087d288b": "FirecrawlSearchBlock",
    "bdbbaba0-03b7-4971-970e-699e2de6015e": "FirecrawlCrawlBlock",
    "d3863944-0eaf-45c4-a0c9-63e0fe1ee8b9": "StagehandObserveBlock",
    "86eba68b-9549-4c0b-a0db-47d85a56cc27": "StagehandActBlock",
    "fd3c0b18-2ba6-46ae-9339-fcb40537ad98": "StagehandExtractBlock",
    "f7a8b2c3-6d4e-5f8b-9e7f-6d4e5f8b9e7f": "GetWeatherInformationBlock",
    # messaging and e-mail
    "4335878a-394e-4e67-adf2-919877ff49ae": "SendEmailBlock",
    "e3950439-fa0b-40e8-b19f-e0dca0bf5853": "ValidateEmailsBlock",
    "25310c70-b89b-43ba-b25c-4dfa7e2a481c": "GmailReadBlock",
    "6c27abc2-e51d-499e-a85f-5a0041ba94f0": "GmailSendBlock",
    "12bf5a24-9b90-4f40-9090-4e86e6995e60": "GmailReplyBlock",
    "df06086a-d5ac-4abb-9996-2ad0acb2eff7": "ReadDiscordMessagesBlock",
    "d0822ab5-9f8a-44a3-8971-531dd0178b6b": "SendDiscordMessageBlock",
    "3352f512-3524-49ed-a08f-003042da2fc1": "PostToFacebookBlock",
    "89b02b96-a7cb-46f4-9900-c48b32fe1552": "PostToInstagramBlock",
    "9e8f844e-b4a5-4b25-80f2-9e1dd7d67625": "PostToXBlock",
    "589af4e4-507f-42fd-b9ac-a67ecef25811": "PostToLinkedInBlock",
    "c7733580-3c72-483e-8e47-a8d58754d853": "PostToRedditBlock",
    "47bc74eb-4af2-452c-b933-af377c7287df": "PostToTelegramBlock",
    # productivity and developer services
    "ed2ec950-fbff-4204-94c0-023fb1d625e0": "GoogleCalendarCreateEventBlock",
    "80bc3ed1-e9a4-449e-8163-a8fc86f74f6a": "GoogleCalendarReadEventsBlock",
    "c15febe0-66ce-4c6f-aebd-5ab351653804": "NotionCreatePageBlock",
    "5246cc1d-34b7-452b-8fc5-3fb25fd8f542": "NotionReadPageBlock",
    "313515dd-9848-46ea-9cd6-3c627c892c56": "NotionSearchBlock",
    "f9c68f55-dcca-40a8-8771-abf9601680aa": "LinearCreateIssueBlock",
    "691dad47-f494-44c3-a1e8-05b7990f2dab": "GithubMakeIssueBlock",
    "6443c75d-032a-4772-9c08-230c707c8acc": "GithubReadIssueBlock",
    "c215bfd7-0e57-4573-8f8c-f7d4963dcd74": "GithubListIssuesBlock",
    "bf94b2a4-1a30-4600-a783-a8a44ee31301": "GithubReadPullRequestBlock",
    "87ce6c27-5752-4bbc-8e26-6da40a3dcfd3": "GithubReadFileBlock",
    "a8db4d8d-db1c-4a25-a1b0-416a8c33602b": "GithubCommentBlock",
    "86a2a099-30df-47b4-b7e4-34ae5f83e0d5": "CodeGenerationBlock",
    "3503748d-62b6-4425-91d6-725b064af509": "AddAudioToVideoBlock",
    "8bf9eef6-5451-4213-b265-25306446e94b": "LoopVideoBlock",
    "d8b91fd4-da26-42d4-8ecb-8b196c6d84b6": "MediaDurationBlock",
    "48d8fdab-8f03-41f3-8407-8107ba11ec9b": "PineconeInitBlock",
    "477f2168-cd91-475a-8146-9499a5982434": "PineconeInsertBlock",
    "9ad93d0f-91b4-4c9c-8eb1-82e26b4a01c5": "PineconeQueryBlock",
}


def autogpt_block_name(block_id: str, node: dict[str, Any] | None = None) -> str:
    """The AutoGPT class name of ``block_id``: our block's ``autogpt_name`` when we have it, else this
    table, else the name the node's metadata carries, else "unknown block <id>"."""
    block = find_block(block_id)
    if block is not None and getattr(block, "autogpt_name", None):
        return str(block.autogpt_name)
    if block_id in AUTOGPT_BLOCK_NAMES:
        return AUTOGPT_BLOCK_NAMES[block_id]
    node = node or {}
    metadata = node.get("metadata") if isinstance(node.get("metadata"), dict) else {}
    carried = node.get("block_name") or metadata.get("block_name") or metadata.get("name")
    if isinstance(carried, str) and carried.strip():
        return carried.strip()[:100]
    return f"unknown block {block_id}"


def refusal_reason(block_id: str) -> str | None:
    """Why a block is never offered here (code-running blocks), or None."""
    return CODE_RUNNING_REASON if block_id in CODE_RUNNING_BLOCKS else None
