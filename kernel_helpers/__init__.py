"""Podman course kit: run real podman from a notebook kernel, in a private sandbox.

Load it in a notebook with ``%load_ext kernel_helpers``.
"""

__version__ = "0.1.0"


def load_ipython_extension(ipython):
    from .magics import load
    load(ipython)


def unload_ipython_extension(ipython):
    from .magics import unload
    unload(ipython)
