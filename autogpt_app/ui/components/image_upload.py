"""An image picker: a drop zone that uploads at once, a preview, and a remove button."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventHandler

#: What the browser lets through; the server checks the bytes again whatever the browser says.
IMAGE_ACCEPT = {"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/webp": [".webp"]}


def name_file_input(component: rx.Component, name: str) -> bool:
    """Give the drop zone's hidden file input an accessible name (``rx.upload`` takes no props for it)."""
    for child in component.children:
        if type(child).__name__ == "Input":
            child.custom_attrs["aria-label"] = name
            return True
        if name_file_input(child, name):
            return True
    return False


def image_upload(
    upload_id: str,
    *,
    image_url: rx.Var,
    on_upload: EventHandler,
    on_rejected: EventHandler,
    on_clear: EventHandler,
    max_bytes: int,
    alt: str = "Chosen image",
) -> rx.Component:
    """A drop zone for one PNG, JPEG or WebP image of at most ``max_bytes``, with a preview of ``image_url``.

    Args:
        upload_id: the Reflex upload id (one per page).
        image_url: the image shown as the preview (empty: none).
        on_upload: handler taking ``files: list[rx.UploadFile]``, called as soon as a file is dropped.
        on_rejected: handler taking the browser's list of refused files (wrong type or too large).
        on_clear: handler that forgets the image.
        max_bytes: the size limit the browser enforces before sending.
        alt: text alternative of the preview.
    """
    zone = rx.upload(
        rx.vstack(
            rx.icon("image-up", size=22, color=rx.color("gray", 10)),
            rx.text("Drop an image here, or click to choose one", size="2"),
            rx.text(f"PNG, JPEG or WebP, up to {max_bytes // (1024 * 1024)} MB", size="1", color_scheme="gray"),
            align="center",
            spacing="1",
        ),
        id=upload_id,
        accept=IMAGE_ACCEPT,
        multiple=False,
        max_files=1,
        max_size=max_bytes,
        on_drop=on_upload(rx.upload_files(upload_id=upload_id)),
        on_drop_rejected=on_rejected,
        border=f"1px dashed {rx.color('gray', 8)}",
        border_radius="8px",
        padding="1rem",
        width="100%",
        cursor="pointer",
        _hover={"background": rx.color("gray", 2)},
        data_testid="image-dropzone",
    )
    name_file_input(zone, "Choose an image file")
    preview = rx.hstack(
        rx.image(
            src=image_url,
            alt=alt,
            max_height="6rem",
            max_width="10rem",
            object_fit="contain",
            border_radius="6px",
            border=f"1px solid {rx.color('gray', 5)}",
            data_testid="image-preview",
        ),
        rx.button(
            rx.icon("x", size=14),
            "Remove image",
            type="button",
            size="1",
            variant="soft",
            color_scheme="gray",
            on_click=on_clear,
        ),
        align="center",
        spacing="3",
        wrap="wrap",
    )
    return rx.vstack(zone, rx.cond(image_url != "", preview, rx.fragment()), spacing="2", width="100%")
