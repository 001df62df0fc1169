"""Course images: locally built stand-ins, built from ``images/`` and pushed to the classroom.

None of these images comes from Red Hat: each recipe rebuilds something that
behaves like the image the lecture notes use (``ubi8/ubi``, ``rhel8/httpd-24``,
``rhel8/mariadb-103``) from Debian packages, and says so in its labels.

Images are built in ``engine.image_store_world()`` and tagged with their pull
names (``localhost:5000/...``), then pushed through the classroom's KIT endpoint
(``classroom.kit_host()``, a kit-only account whose credentials are only in the
0600 file ``classroom.kit_auth_file()``: never on a command line or in build.log).
Recipes marked ``learner_seed`` are also pushed to the learners' endpoint, so the
notebooks find ``localhost:5001/busybox:latest`` next to which they copy their tags.
A recipe is rebuilt only when its hash (recipe files, build args, parent's hash)
differs from the ``course.recipe-hash`` label of the image in the store, and pushed
only when the registry does not hold that exact image.

Every command has a timeout (``TIMEOUTS``); one that runs out is stopped with its
whole process group and raises ``StepTimeout``, naming the step and the build log.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import classroom, engine, locks, paths, privilege, process, registry_api
from .errors import CommandFailed, CommandTimeout, KitError, ToolMissing, UsageError

DESCRIPTION = ("Podman course stand-in for {what}, built locally from Debian packages "
               "by kernel_helpers.images. Not a Red Hat image.")
ROOTFS_EPOCH = "1700000000"  # SOURCE_DATE_EPOCH for the ubi root file system
ROOTFS_REPO = "localhost/course-build/ubi-rootfs"
TIMEOUTS = {"mmdebstrap": 1800.0, "import": 600.0, "build": 1800.0, "push": 600.0,
            "inspect": 60.0, "rmi": 120.0}  # seconds, per command


class StepTimeout(CommandTimeout):
    """A build step ran out of time; it was stopped with its whole process group."""

    def __init__(self, step: str, argv: list[str], timeout: float, log_path: Path):
        self.argv, self.timeout, self.stdout, self.stderr = list(argv), timeout, "", ""
        self.step, self.log_path = step, log_path
        KitError.__init__(self, f"{step} did not finish within {timeout:g} s and was stopped; "
                                f"see {log_path}")


@dataclass(frozen=True)
class Recipe:
    """One image build: a recipe directory, its tags on the classroom, its parent."""

    name: str
    dir: Path
    tags: tuple[str, ...]  # repository:tag on the classroom, e.g. "ubi8/ubi:latest"
    parent: str | None = None
    build_args: tuple[tuple[str, str], ...] = ()
    stands_in_for: str = ""
    prepare: str | None = None  # "busybox" (copy the host binary) or "rootfs" (mmdebstrap)
    host_files: tuple[str, ...] = ()  # host files copied in: part of the hash too
    push: bool = True  # False: kit infrastructure, kept out of the classroom catalog
    learner_seed: bool = False  # also pushed to the learners' endpoint (notebooks copy next to it)
    needs_step: str = ""  # a root-only step (privilege.STEPS) the image serves: not built without it

    @property
    def group(self) -> str:
        """The recipe directory's name: ``images httpd`` selects every httpd build."""
        return self.dir.name


def _r(name, tags, parent=None, args=(), what="", prepare=None, host_files=(), group=None,
       push=True, learner_seed=False, needs_step=""):
    return Recipe(name=name, dir=paths.recipes_dir() / (group or name), tags=tuple(tags),
                  parent=parent, build_args=tuple(args), stands_in_for=what,
                  prepare=prepare, host_files=tuple(host_files), push=push,
                  learner_seed=learner_seed, needs_step=needs_step)


RECIPES: tuple[Recipe, ...] = (
    _r("busybox", ["busybox:latest"], what="busybox", prepare="busybox",
       host_files=["/bin/busybox"], learner_seed=True),
    _r("ubi", ["ubi8/ubi:latest", "ubi7/ubi:latest"], what="ubi8/ubi and ubi7/ubi",
       args=[("SOURCE_DATE_EPOCH", ROOTFS_EPOCH)], prepare="rootfs"),
    _r("httpd-1-105", ["rhel8/httpd-24:1-105"], parent="ubi", args=[("VERSION", "1-105")],
       what="registry.redhat.io/rhel8/httpd-24", group="httpd"),
    _r("httpd-latest", ["rhel8/httpd-24:latest"], parent="ubi", args=[("VERSION", "1-112")],
       what="registry.redhat.io/rhel8/httpd-24", group="httpd"),
    _r("mariadb", ["rhel8/mariadb-103:latest"], parent="ubi",
       what="registry.redhat.io/rhel8/mariadb-103"),
    # Not a course image: a Debian 13 machine booting systemd, for notebook 07 (not pushed).
    _r("systemd-host", ["course/systemd-host:latest"], what="a host running systemd",
       args=[("SOURCE_DATE_EPOCH", ROOTFS_EPOCH)], prepare="rootfs", push=False,
       needs_step="systemd-host"),
)


@dataclass
class BuildResult:
    """What ``build`` did for one recipe."""

    recipe: str
    tags: list[str]
    action: str  # "built" or "reused"
    pushed: bool
    seconds: float


def _by_name(recipes) -> dict[str, Recipe]:
    return {r.name: r for r in recipes}


def recipe_hash(recipe: Recipe, recipes=None) -> str:
    """sha256 of the recipe dir's files (sorted paths + contents), build args, parent's hash."""
    recipes = RECIPES if recipes is None else recipes
    digest = hashlib.sha256()
    if not recipe.dir.is_dir():
        raise UsageError(f"recipe directory {recipe.dir} does not exist")
    files = sorted(p for p in recipe.dir.rglob("*") if p.is_file())
    for path in files:
        rel = path.relative_to(recipe.dir).as_posix()
        data = path.read_bytes()
        digest.update(f"file {rel} {len(data)}\n".encode())
        digest.update(data)
    for host_file in recipe.host_files:
        data = Path(host_file).read_bytes() if Path(host_file).exists() else b""
        digest.update(f"host {host_file} {len(data)}\n".encode())
        digest.update(data)
    for key, value in sorted(recipe.build_args):
        digest.update(f"arg {key}={value}\n".encode())
    if recipe.parent:
        parent = _by_name(recipes).get(recipe.parent)
        if parent is None:
            raise UsageError(f"recipe {recipe.name}: unknown parent {recipe.parent}")
        digest.update(f"parent {recipe_hash(parent, recipes)}\n".encode())
    return digest.hexdigest()


def pull_name(tag: str) -> str:
    """Full pull name of a classroom tag: ``localhost:5000/ubi8/ubi:latest``."""
    return f"{classroom.pull_host()}/{tag}"


def select(names=None, recipes=None) -> list[Recipe]:
    """Recipes to consider, in build order: the named ones (by name or group) and ancestors."""
    recipes = list(RECIPES if recipes is None else recipes)
    if not names:  # all, but what only a root-only step uses when this mode skips that step
        return [r for r in recipes if not (r.needs_step and privilege.refusal(r.needs_step))]
    table = _by_name(recipes)
    unknown = [n for n in names if n not in table and n not in {r.group for r in recipes}]
    if unknown:
        raise UsageError(f"unknown image recipe(s): {', '.join(unknown)}; "
                         f"known: {', '.join(table)}")
    wanted: set[str] = set()
    for recipe in recipes:
        if recipe.name in names or recipe.group in names:
            cur = recipe
            while cur is not None:
                wanted.add(cur.name)
                cur = table.get(cur.parent) if cur.parent else None
    return [r for r in recipes if r.name in wanted]


class _Runner:
    """Runs argv lists in the image-store world with timeouts, logging to one file."""

    def __init__(self, world: engine.World, log_path: Path):
        self.env = world.full_env()
        self.log_path = log_path

    def _stopped(self, done: process.Completed, step: str) -> process.Completed:
        """DONE, unless it ran out of time: then say so in the build log, raise StepTimeout."""
        if done.timed_out:
            with open(self.log_path, "a") as log:
                log.write(f"\n# {step}: stopped after {done.timeout:g} s (timeout)\n")
            raise StepTimeout(step, done.argv, done.timeout, self.log_path)
        return done

    def call(self, argv: list[str], step: str, timeout: float) -> process.Completed:
        """Run ARGV with its output captured; on timeout (group stopped) raise StepTimeout."""
        return self._stopped(process.run(argv, env=self.env, timeout=timeout), step)

    def run(self, argv: list[str], step: str, timeout: float,
            stdout_path: Path | None = None) -> None:
        """Run ARGV logged in build.log (its stdout there too, or in STDOUT_PATH)."""
        with open(self.log_path, "a") as log, \
                open(stdout_path or os.devnull, "wb") as out:
            log.write(f"\n$ {' '.join(argv)}\n")
            log.flush()
            proc = process.run_logged(argv, log=log, stdout=out if stdout_path else None,
                                      env=self.env, timeout=timeout)
        if self._stopped(proc, step).returncode != 0:
            raise CommandFailed(argv, proc.returncode, stderr=self.tail())

    def tail(self, lines: int = 25) -> str:
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


def _inspect_labels_and_id(runner: _Runner, image: str) -> tuple[str, dict] | None:
    proc = runner.call(["podman", "image", "inspect", "--format", "json", image],
                       f"podman image inspect {image}", TIMEOUTS["inspect"])
    if proc.returncode != 0:
        return None
    try:
        data = json.loads(proc.stdout)[0]
    except (ValueError, IndexError):
        return None
    return data["Id"], (data.get("Labels") or (data.get("Config") or {}).get("Labels") or {})


def _prepare_context(recipe: Recipe, runner: _Runner, context: Path, log) -> list[str]:
    """Copy the recipe into a fresh build context; return extra build args."""
    if context.exists():
        shutil.rmtree(context)
    shutil.copytree(recipe.dir, context, symlinks=True)
    if recipe.prepare == "busybox":
        source = Path(recipe.host_files[0])
        if not source.exists():
            raise ToolMissing("busybox-static", "apt-get install busybox-static")
        shutil.copy2(source, context / "busybox")
        return []
    if recipe.prepare == "rootfs":
        if shutil.which("mmdebstrap") is None:
            raise ToolMissing("mmdebstrap", "apt-get install mmdebstrap")
        lines = (context / "mmdebstrap.args").read_text().splitlines()
        args = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
        tar = context.parent / f"{recipe.name}-rootfs.tar"
        runner.env["SOURCE_DATE_EPOCH"] = dict(recipe.build_args).get("SOURCE_DATE_EPOCH",
                                                                      ROOTFS_EPOCH)
        try:
            runner.run(["mmdebstrap", *args], f"{recipe.name}: mmdebstrap (root file system)",
                       TIMEOUTS["mmdebstrap"], stdout_path=tar)
            rootfs = f"{ROOTFS_REPO}:{recipe_hash(recipe)[:12]}"
            runner.run(["podman", "import", str(tar), rootfs], f"{recipe.name}: podman import",
                       TIMEOUTS["import"])
        finally:
            runner.env.pop("SOURCE_DATE_EPOCH", None)
            tar.unlink(missing_ok=True)
        return [f"ROOTFS={rootfs}"]
    return []


def _build_one(recipe: Recipe, digest: str, runner: _Runner, log) -> str:
    """Build RECIPE with podman build; returns the new image ID."""
    context = paths.state_dir() / "images" / "build" / recipe.name
    paths.ensure(context.parent)
    extra = _prepare_context(recipe, runner, context, log)
    if recipe.parent:
        parent = _by_name(RECIPES)[recipe.parent]
        extra.append(f"BASE={pull_name(parent.tags[0])}")
    labels = {
        "org.opencontainers.image.description": DESCRIPTION.format(what=recipe.stands_in_for),
        "course.stand-in": "true",
        "course.recipe": recipe.name,
        "course.recipe-hash": digest,
    }
    argv = ["podman", "build", "--pull=never", "--layers", "-f",
            str(context / "Containerfile")]
    for tag in recipe.tags:
        argv += ["-t", pull_name(tag)]
    for key, value in labels.items():
        argv += ["--label", f"{key}={value}"]
    for key, value in recipe.build_args:
        argv += ["--build-arg", f"{key}={value}"]
    for arg in extra:
        argv += ["--build-arg", arg]
    runner.run(argv + [str(context)], f"{recipe.name}: podman build", TIMEOUTS["build"])
    shutil.rmtree(context, ignore_errors=True)
    if recipe.prepare == "rootfs":  # the imported root fs is only a build input
        runner.call(["podman", "rmi", "--ignore", extra[0].split("=", 1)[1]],
                    f"{recipe.name}: podman rmi (root file system)", TIMEOUTS["rmi"])
    found = _inspect_labels_and_id(runner, pull_name(recipe.tags[0]))
    if found is None:
        raise KitError(f"{recipe.name}: podman build succeeded but "
                       f"{pull_name(recipe.tags[0])} is not in the store")
    return found[0]


def _push(recipe: Recipe, image_id: str, runner: _Runner, force: bool) -> bool:
    """Push RECIPE's tags to the kit endpoint (and seeds to the learners' one) where the
    registry lacks that exact image. Credentials come from the 0600 auth file only."""
    if not recipe.push:
        return False
    # (push to, read back from, login to read back): the kit endpoint writes the course
    # storage that the anonymous pull endpoint serves.
    targets = [(classroom.kit_host(), classroom.pull_port(), None)]
    if recipe.learner_seed:
        targets.append((classroom.push_host(), classroom.push_port(),
                        (classroom.COURSE_USER, classroom.COURSE_PASSWORD)))
    authfile = str(classroom.kit_auth_file())
    pushed = False
    for tag in recipe.tags:
        for host, port, login in targets:
            if not force and registry_api.config_digest(port, tag, login) == f"sha256:{image_id}":
                continue
            runner.run(["podman", "push", "--tls-verify=false", "--authfile", authfile,
                        pull_name(tag), f"docker://{host}/{tag}"],
                       f"{recipe.name}: podman push to {host}/{tag}", TIMEOUTS["push"])
            pushed = True
    return pushed


def build(names=None, force: bool = False,
          log: Callable[[str], None] = print) -> list[BuildResult]:
    """Build changed course images (all, or NAMES and their parents) and push them.

    Starts the classroom registry if needed. One line per image goes to LOG. Holds the
    kit's "images" lock (taken before "classroom", never after it).
    Raises ``CommandFailed`` with the tail of the build log when a step fails, and
    ``StepTimeout`` when one runs out of time.
    """
    if classroom.shared():
        raise KitError(f"the classroom registry is {classroom.OWNER}'s ({classroom.MODE_ENV}="
                       f"{classroom.SHARED}): {classroom.OWNER} builds and pushes the course images")
    if shutil.which("podman") is None:
        raise ToolMissing("podman", "apt-get install podman")
    with locks.hold("images"):
        return _build_locked(names, force, log)


def _build_locked(names, force: bool, log: Callable[[str], None]) -> list[BuildResult]:
    classroom.up()
    world = engine.image_store_world().write()
    build_log = paths.ensure(paths.state_dir() / "images") / "build.log"
    build_log.write_text(f"# course image build, {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
    runner = _Runner(world, build_log)
    selected = select(names)
    for recipe in RECIPES if not names else ():
        if recipe not in selected:
            log(f"{recipe.name}: not built, {privilege.refusal(recipe.needs_step)}")
    rebuilt: set[str] = set()
    results = []
    for recipe in selected:
        start = time.monotonic()
        digest = recipe_hash(recipe)
        found = _inspect_labels_and_id(runner, pull_name(recipe.tags[0]))
        stale = found is None or found[1].get("course.recipe-hash") != digest
        for tag in recipe.tags[1:] if not stale else ():
            other = _inspect_labels_and_id(runner, pull_name(tag))
            stale = other is None or other[0] != found[0]
            if stale:
                break
        forced = force and (not names or recipe.name in names or recipe.group in names)
        if stale or forced or recipe.parent in rebuilt:
            image_id, action = _build_one(recipe, digest, runner, log), "built"
            rebuilt.add(recipe.name)
        else:
            image_id, action = found[0], "reused"
        pushed = _push(recipe, image_id, runner, force=False)
        seconds = time.monotonic() - start
        results.append(BuildResult(recipe.name, [pull_name(t) for t in recipe.tags],
                                   action, pushed, seconds))
        what = f"built in {seconds:.1f} s" if action == "built" else "reused"
        log(f"{recipe.name:<13} {what}{', pushed' if pushed else ''}: "
            f"{', '.join(pull_name(t) for t in recipe.tags)}")
    # builds replaced by a rebuild (now or by an older kit) are left untagged in the store, and
    # every sandbox would list them as <none>
    runner.run(["podman", "image", "prune", "-f"], "prune the replaced builds", timeout=300)
    return results

