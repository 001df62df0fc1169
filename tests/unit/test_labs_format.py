"""The lab files: the kit's catalogue reads, a teacher's folder adds labs, and every mistake in a
lab file is one line naming the file and the field. No podman here."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import tomllib

from kernel_helpers.labs import docs, loader
from kernel_helpers.labs.format import BUILTINS, PLACEHOLDER, expand, texts
from kernel_helpers.labs.kinds import REGISTRY
from kernel_helpers.labs.reader import load_file, parse

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = tomllib.loads(docs.FORMAT)


def catalogue():
    return [lab for lab in loader.labs().values() if lab.source.parent == loader.CATALOG]


def test_the_kit_has_labs_for_notebooks_02_and_03_at_least_two_each():
    per_notebook = {}
    for lab in catalogue():
        per_notebook.setdefault(lab.notebook[:2], []).append(lab.name)
    assert len(catalogue()) >= 4
    assert len(per_notebook["02"]) >= 2 and len(per_notebook["03"]) >= 2, per_notebook


def test_the_kit_has_twelve_labs_two_for_each_notebook_02_to_07():
    per_notebook = {}
    for lab in catalogue():
        per_notebook.setdefault(lab.notebook[:2], []).append(lab.name)
    assert len(catalogue()) >= 12
    assert all(len(per_notebook.get(f"0{n}", [])) >= 2 for n in range(2, 8)), per_notebook


def test_a_systemd_host_lab_and_host_folders_are_bound():
    lab = loader.get("07-user-unit")
    assert lab.systemd_host and not loader.get("06-webcontent").systemd_host
    bound = loader.get("06-webcontent").bind({"FILES": "/sb/files", "WEB_PORT": 8080})
    assert bound.cleanup.paths == ("/sb/files/webcontent",)
    assert bound.check("mount").params["value"] == "/sb/files/webcontent:/var/www/html"


@pytest.mark.parametrize("lab", catalogue(), ids=lambda lab: lab.name)
def test_every_kit_lab_is_complete(lab):
    assert (ROOT / "notebooks" / "src" / f"{lab.notebook}.py").exists(), lab.notebook
    assert lab.name.startswith(lab.notebook[:2] + "-"), "a lab's name starts with its notebook's number"
    assert 2 <= len(lab.hints) <= 3 and lab.solution and lab.wrong_steps and lab.wrong_what
    assert set(lab.wrong_fails) <= {c.id for c in lab.checks}
    assert all(c.hint for c in lab.checks)


@pytest.mark.parametrize("lab", catalogue(), ids=lambda lab: lab.name)
def test_a_lab_that_pushes_names_its_repositories_after_the_sandbox(lab):
    """The push registry is shared by every learner on the host: a lab's names there are unique."""
    for repository in lab.cleanup.repositories:
        assert repository.startswith("{SANDBOX}/"), repository
    for check in lab.checks:
        if check.kind == "registry_tag":
            assert check.params["repository"] in lab.cleanup.repositories
            assert "{SANDBOX}" in lab.task, "the task says why the name holds the sandbox id"


def test_binding_fills_every_variable_and_types_ports():
    lab = loader.get("04-web-page")
    bound = lab.bind({**{k: "x" for k in BUILTINS}, "WEB_PORT": 20123})
    assert not [t for t in texts(bound) if PLACEHOLDER.search(t)]
    page = bound.check("page")
    assert page.params["port"] == 20123 and "20123" in bound.task
    assert bound.check("port").params["value"] == "20123:8080"


def test_expand_leaves_go_templates_and_unknown_names():
    assert expand("{A} {{.Names}} {B}", {"A": 1}) == "1 {{.Names}} {B}"


def test_the_format_example_in_the_help_is_a_valid_lab(tmp_path):
    path = tmp_path / "03-example.toml"
    path.write_text(docs.FORMAT)
    lab = load_file(path)
    assert lab.check("running").kind == "container_running" and lab.ports == (("WEB_PORT", 8000),)


def test_the_help_documents_every_check_kind_and_variable():
    text = docs.magic_doc()
    for name in [*REGISTRY, *BUILTINS, loader.LABS_ENV]:
        assert name in text
    assert "flag (image|env|port|mount|restart|entrypoint|cmd)" in text


def _broken(change):
    data = copy.deepcopy(EXAMPLE)
    change(data)
    return data


BROKEN = [
    (lambda d: d.update(colour="red"), "colour: unknown key"),
    (lambda d: d.pop("title"), "title: missing"),
    (lambda d: d.update(name="03-other"), "name: '03-other' must be the file's name"),
    (lambda d: d.update(minutes="five"), "minutes: must be a whole number"),
    (lambda d: d.update(hints=["only one"]), "hints: give 2 or 3 progressive hints, not 1"),
    (lambda d: d["checks"][0].update(kind="container_up"), "checks[0].kind: unknown kind 'container_up'"),
    (lambda d: d["checks"][0].update(colour="red"), "checks[0].colour: container_running takes no 'colour'"),
    (lambda d: d["checks"][0].pop("name"), "checks[0].name: missing"),
    (lambda d: d["checks"][0].pop("hint"), "checks[0].hint: missing"),
    (lambda d: d["checks"][0].update(name=3), "checks[0].name: must be str, not 3"),
    (lambda d: d["checks"].append({"kind": "container_flag", "name": "web", "flag": "colour",
                                   "value": "red", "hint": "h"}),
     "checks[1].flag: must be one of image, env"),
    (lambda d: d["checks"].append(dict(d["checks"][0])), "checks[1].id: 'running' is used twice"),
    (lambda d: d["wrong"].update(fails=["nothing"]), "wrong.fails: must name the check(s)"),
    (lambda d: d["wrong"].update(steps=[]), "wrong.steps: give the commands"),
    (lambda d: d["solution"].update(steps=[{"docker": "ps"}]), "solution.steps[0]: needs exactly one of"),
    (lambda d: d["solution"].update(steps=[{"shell": "ls", "input": "x"}]), "a shell step takes no input"),
    (lambda d: d["ports"].update(WEB_PORT=70000), "ports.WEB_PORT: must be a port number"),
    (lambda d: d["variables"].update(SANDBOX="mine"), "variables.SANDBOX: must be a new name"),
    (lambda d: d.update(task="Use {NOPE}."), "task: unknown variable {NOPE}"),
    (lambda d: d["wrong"].update(steps=["run {NOPE}"]), "wrong.steps: unknown variable {NOPE}"),
    (lambda d: d["cleanup"].update(containers="web"), "cleanup.containers: must be a list"),
    (lambda d: d["checks"][0].update(id="Not ok!"), "checks[0].id: must be a short name"),
    (lambda d: d.setdefault("setup", {}).update(systemd_host="yes"),
     "setup.systemd_host: must be true or false"),
    (lambda d: d["cleanup"].update(paths="{FILES}/x"), "cleanup.paths: must be a list"),
]


@pytest.mark.parametrize("change, words", BROKEN, ids=[w.split(":")[0] for _, w in BROKEN])
def test_a_broken_lab_file_is_one_line_naming_the_file_and_the_field(change, words):
    from kernel_helpers.labs import LabFileError

    with pytest.raises(LabFileError) as caught:
        parse(_broken(change), Path("/teacher/03-example.toml"))
    message = str(caught.value)
    assert "\n" not in message and message.startswith("lab file /teacher/03-example.toml: ")
    assert words in message, message


def test_a_file_that_is_not_toml_is_named(tmp_path):
    from kernel_helpers.labs import LabFileError

    path = tmp_path / "03-bad.toml"
    path.write_text('name = "03-bad"\ntitle = \n')
    with pytest.raises(LabFileError, match=r"03-bad.toml: not valid TOML"):
        load_file(path)


def test_a_teacher_adds_a_lab_from_a_folder_of_her_own(tmp_path, monkeypatch):
    (tmp_path / "03-example.toml").write_text(docs.FORMAT)
    monkeypatch.setenv(loader.LABS_ENV, str(tmp_path))
    table = loader.table()
    assert "03-example" in list(table["name"])
    assert list(table.columns) == ["name", "notebook", "title", "minutes"]
    assert loader.get("03-example").source == tmp_path / "03-example.toml"


def test_a_teacher_lab_cannot_take_a_kit_lab_name(tmp_path, monkeypatch):
    from kernel_helpers.labs import LabFileError

    kit = loader.get("03-rhel7")
    (tmp_path / "03-rhel7.toml").write_text(kit.source.read_text())
    monkeypatch.setenv(loader.LABS_ENV, str(tmp_path))
    clash = r"03-rhel7.toml: name: '03-rhel7' is already the lab of .*/catalog/"
    with pytest.raises(LabFileError, match=clash):
        loader.labs()


def test_a_missing_teacher_folder_and_an_unknown_lab_are_one_line(tmp_path, monkeypatch):
    from kernel_helpers.labs import LabError

    with pytest.raises(LabError, match=r"no lab named 'nope' \(%lab list shows them: 02-"):
        loader.get("nope")
    monkeypatch.setenv(loader.LABS_ENV, str(tmp_path / "gone"))
    with pytest.raises(LabError, match=r"PODMAN_COURSE_LABS=.*gone: no such folder"):
        loader.labs()
