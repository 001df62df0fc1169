"""Labs: the learner does the task on the real engine, and the kit checks it.

Usage (``%lab`` in a notebook, ``python -m kernel_helpers lab`` in a terminal):
    labs.table()               the labs: name, notebook, title, minutes
    labs.start("03-rhel7")     reset, snapshot, set-up; the task sheet
    r = labs.grade("03-rhel7") read-only checks: r.passed, r.df, r.row("running")
    labs.finish("03-rhel7")    remove what the lab and the learner made

Modules: ``format`` (the lab file), ``loader`` (the catalogue), ``kinds`` (the check
registry) with ``checks_engine``, ``checks_service``, ``checks_host`` (namespaces, host
files, ports) and ``checks_units`` (units in the systemd host) (the checks), ``probe``
(read-only podman), ``state`` (snapshots, removal), ``pushed`` (the push registry),
``hostside`` (the lab's host folder and systemd host), ``lifecycle``
(start, grade, finish), ``records`` (every grade, in the learner's file and the
classroom's grades service), ``views`` (what is shown), ``line`` (the magic's and the CLI's
line), ``docs`` (``%lab?``).
"""

from .docs import magic_doc
from .format import Lab, LabError, LabFileError
from .lifecycle import finish, grade, perform, start
from .line import run_line
from .loader import get, labs, table

__all__ = ["Lab", "LabError", "LabFileError", "finish", "get", "grade", "labs", "magic_doc",
           "perform", "run_line", "start", "table"]
