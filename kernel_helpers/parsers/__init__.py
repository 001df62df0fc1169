"""Pure parsers: plan a learner's command, turn its output into a DataFrame.

Nothing here runs a process. ``argv.parse`` reads a podman/skopeo command line (the kit's
only reader of one); ``plan`` decides which table a command is and how
to ask podman for JSON; ``to_frame`` turns that output into readable columns;
``split_image_reference`` explains image names the way containers/image reads them.
"""

from __future__ import annotations

import pandas as pd

from ..errors import ParseError
from .argv import command_words
from .info import additional_image_stores, info_frame, layers_frame, registries_frame, skopeo_inspect_frame
from .planning import Plan, plan
from .reference import split_image_reference, split_name
from .tables import (
    history_frame,
    images_frame,
    inspect_frame,
    inspect_kind,
    network_ls_frame,
    pod_ps_frame,
    port_frame,
    ps_frame,
    search_frame,
    volume_ls_frame,
)

FRAMES = {
    "ps": ps_frame,
    "images": images_frame,
    "inspect": inspect_frame,
    "history": history_frame,
    "port": port_frame,
    "search": search_frame,
    "info": info_frame,
    "network_ls": network_ls_frame,
    "volume_ls": volume_ls_frame,
    "pod_ps": pod_ps_frame,
    "skopeo_inspect": skopeo_inspect_frame,
}


def to_frame(kind: str, text: str) -> pd.DataFrame:
    """Parse the stdout of a ``kind`` table command (see ``plan``) into a DataFrame.

    Raises ``errors.ParseError`` when the output is not what the kind expects
    (bad JSON, unknown ``podman port`` line) or the kind is unknown.
    """
    try:
        parser = FRAMES[kind]
    except KeyError:
        raise ParseError(str(kind), text, f"no table parser for kind {kind!r}") from None
    return parser(text)


__all__ = [
    "FRAMES", "Plan", "additional_image_stores", "command_words", "history_frame", "images_frame",
    "info_frame", "inspect_frame", "inspect_kind", "layers_frame", "network_ls_frame", "plan", "pod_ps_frame",
    "port_frame", "ps_frame", "registries_frame", "search_frame", "skopeo_inspect_frame",
    "split_image_reference", "split_name", "to_frame", "volume_ls_frame",
]
