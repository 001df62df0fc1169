"""Command line of the kit: ``python -m kernel_helpers VERB``.

Usage:
    python -m kernel_helpers doctor [--json]          check the host, apply kit-owned fixes
    python -m kernel_helpers classroom up|down|status the loopback registry
    python -m kernel_helpers images [--force] [NAME]  build changed course images, push them
    python -m kernel_helpers setup                    doctor + classroom up + images + clean
    python -m kernel_helpers clean [--all]            reclaim sandboxes of dead kernels
    python -m kernel_helpers sandbox env|run          a sandbox for a shell or a test
    python -m kernel_helpers sandbox shell ID         a shell in a kernel's live sandbox ID
    python -m kernel_helpers lab list|start|grade|finish [NAME]   a lab, in this shell's sandbox
    python -m kernel_helpers hub up [--roster F] [--test-auth] | down [--remove-accounts] | status
                                                      the classroom on JupyterHub (as root)
    python -m kernel_helpers uninstall                undo the kit's host changes, remove its state
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import KitError


def _cmd_doctor(args) -> int:
    from . import doctor
    return doctor.main(as_json=args.json)


def _cmd_classroom(args) -> int:
    from . import classroom
    if args.if_unused and args.action != "down":
        print("--if-unused goes with 'classroom down' only", file=sys.stderr)
        return 2
    if args.action == "down" and classroom.shared():  # the host's: --if-unused or not
        print(classroom.shared_down_line())
        return 0
    if args.action == "up":
        status = classroom.up()
    elif args.action == "down" and args.if_unused:
        return _classroom_down_if_unused()
    elif args.action == "down":
        status = classroom.down()
    else:
        status = classroom.status()
    print(status.describe())
    return 0 if (status.running or args.action == "down") else 1


USERS_LOCK = "classroom-users"  # held shared by every `make test` run (scripts/run-tests.sh)
USERS_GATE = "classroom-users-gate"  # serializes joining the users and this check


def _classroom_down_if_unused() -> int:
    """Stop the classroom unless a `make test` run, a set-up or a live sandbox uses it.

    Run by a process that does not hold USERS_LOCK itself. The locks stay held while
    stopping, so no new run or set-up can start in between (they wait for the stop).
    Lock order: gate -> classroom-users -> setup -> classroom.
    """
    import contextlib

    from . import classroom, locks, sandbox
    with contextlib.ExitStack() as held:
        held.enter_context(locks.hold(USERS_GATE, wait=300))
        for name, reason in ((USERS_LOCK, "another `make test` run is using it"),
                             ("setup", "a set-up is running")):
            try:
                held.enter_context(locks.hold(name, wait=0))
            except KitError:
                print(f"classroom registry left running: {reason}")
                return 0
        live = sandbox.live_ids()
        if live:
            shown = ", ".join(live[:3]) + (", ..." if len(live) > 3 else "")
            print(f"classroom registry left running: {len(live)} live sandbox(es) use it ({shown})")
            return 0
        print(classroom.down().describe())
    return 0


def _cmd_images(args) -> int:
    from . import images
    images.build(names=args.names or None, force=args.force, log=print)
    return 0


def _cmd_setup(args) -> int:
    from . import setup
    return setup.main()


def _cmd_clean(args) -> int:
    from . import sandbox
    for line in sandbox.reclaim(everything=args.all):
        print(line)
    return 0


def _cmd_sandbox(args) -> int:
    if args.action == "shell":  # a notebook's terminal (%podman_terminal)
        from . import terminal
        return terminal.shell(args.command)
    from . import sandbox
    return sandbox.cli(args.action, args.command)


def _cmd_lab(args) -> int:
    from .labs import line
    return line.main(args.action, args.name)


def _cmd_hub(args) -> int:
    from .hub import cli
    if args.action == "up":
        return cli.up(args.roster, test_auth=args.test_auth)
    if args.roster or args.test_auth:
        print("--roster and --test-auth go with 'hub up' only", file=sys.stderr)
        return 2
    if args.action == "down":
        return cli.down(remove_accounts=args.remove_accounts)
    return cli.status()


def _cmd_uninstall(args) -> int:
    from . import uninstall
    return uninstall.run()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kernel_helpers",
                                     description="The podman course kit.")
    sub = parser.add_subparsers(dest="verb", required=True)
    p = sub.add_parser("doctor", help="check the host and apply kit-owned workarounds")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=_cmd_doctor)
    p = sub.add_parser("classroom", help="start, stop or show the classroom registry")
    p.add_argument("action", choices=["up", "down", "status"])
    p.add_argument("--if-unused", action="store_true",
                   help="down only: stop it only if no other `make test`, set-up or live sandbox uses it")
    p.set_defaults(func=_cmd_classroom)
    p = sub.add_parser("images", help="build changed course images and push them")
    p.add_argument("names", nargs="*", help="only these recipes (default: all)")
    p.add_argument("--force", action="store_true", help="rebuild even if unchanged")
    p.set_defaults(func=_cmd_images)
    p = sub.add_parser("setup", help="doctor, classroom up, images, clean")
    p.set_defaults(func=_cmd_setup)
    p = sub.add_parser("clean", help="reclaim sandboxes left by dead kernels")
    p.add_argument("--all", action="store_true", help="remove every sandbox, live or not")
    p.set_defaults(func=_cmd_clean)
    p = sub.add_parser("sandbox", help="print a sandbox's env, run a command in a new one, "
                       "or open a shell in a kernel's sandbox")
    p.add_argument("action", choices=["env", "run", "shell"])
    p.add_argument("command", nargs=argparse.REMAINDER)
    p.set_defaults(func=_cmd_sandbox)
    p = sub.add_parser("lab", help="list the labs, or start, grade or finish one in the sandbox "
                       "this shell lives in ($PODMAN_COURSE_SANDBOX)")
    p.add_argument("action", choices=["list", "start", "grade", "finish"])
    p.add_argument("name", nargs="?", help="the lab (see 'lab list')")
    p.set_defaults(func=_cmd_lab)
    p = sub.add_parser("hub", help="the classroom on JupyterHub: one account per learner (root)")
    p.add_argument("action", choices=["up", "down", "status"])
    p.add_argument("--roster", type=Path, help="up: the roster CSV (login,name[,role])")
    p.add_argument("--test-auth", action="store_true",
                   help="up: test-only passwords (needs PODMAN_COURSE_HUB_TEST_AUTH=1)")
    p.add_argument("--remove-accounts", action="store_true",
                   help="down: remove the learners' accounts and homes too")
    p.set_defaults(func=_cmd_hub)
    p = sub.add_parser("uninstall", help="stop the classroom, remove sandboxes, the course user, "
                       "its subuids and the kit's folders; restore /dev/net/tun")
    p.set_defaults(func=_cmd_uninstall)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
