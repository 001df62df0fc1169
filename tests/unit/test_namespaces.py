"""Namespace comparison, `podman top` parsing and the host's side from /proc (a fake /proc
in a temporary folder, and this process's own)."""

from __future__ import annotations

import os
import pwd

import pytest

from kernel_helpers import namespaces
from kernel_helpers.namespaces import HostProcess

TOP = (
    """PID   PPID  USER      COMMAND
1     0     root      /usr/sbin/apache2 -DFOREGROUND{sp}
8     1     www-data  /usr/sbin/apache2 -DFOREGROUND{sp}
7     1     www-data  /usr/sbin/apache2 -k start
"""
).format(sp=" ")  # podman top pads the last column
# a rootless container's processes on the host: root inside is uid 0 on the host here (a name
# every host has), www-data (33 inside) a subordinate uid no host user has
ON_HOST = [HostProcess(5771, 1, 0), HostProcess(5794, 7, 4294967000), HostProcess(5795, 8, 4294967000)]


def test_tree_frame_orders_children_under_their_parent():
    df = namespaces.tree_frame(TOP, ON_HOST)
    assert df["PID inside"].tolist() == [1, 7, 8]
    assert df["PID on host"].tolist() == [5771, 5794, 5795]
    assert df["command"].tolist() == ["/usr/sbin/apache2 -DFOREGROUND",
                                      "  └─ /usr/sbin/apache2 -k start",
                                      "  └─ /usr/sbin/apache2 -DFOREGROUND"]
    assert df["user inside"].tolist() == ["root", "www-data", "www-data"]
    assert df["user on host"].tolist() == ["root", "4294967000", "4294967000"]


def test_a_process_the_host_did_not_list_has_no_host_pid_and_no_crash():
    df = namespaces.tree_frame(TOP, ON_HOST[:1])  # the workers started after /proc was read
    assert df["PID on host"].tolist()[0] == 5771 and df["PID on host"].isna().tolist() == [False, True, True]
    assert df["user on host"].tolist() == ["root", "", ""]


def test_podman_tops_question_marks_are_never_parsed_as_numbers():
    # podman 4.3 in a nested machine prints "?" for hpid and huser; the kit does not ask for them,
    # and a line that is not a process (no PID) is skipped
    df = namespaces.tree_frame("PID PPID USER COMMAND\n? ? root sleep\n1 0 root sleep 600\n")
    assert df["PID inside"].tolist() == [1] and df["PID on host"].isna().all()


def fake_proc(root, processes):
    """A /proc with PID/ns/pid links and PID/status files: {pid: (pid namespace, NSpid, uid)}."""
    for pid, (pidns, nspid, uid) in processes.items():
        (root / str(pid) / "ns").mkdir(parents=True)
        os.symlink(pidns, root / str(pid) / "ns" / "pid")
        (root / str(pid) / "status").write_text(
            f"Name:\tx\nPid:\t{pid}\nNSpid:\t{nspid}\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\n")
    (root / "self").mkdir()
    (root / "meminfo").write_text("")
    return root


def test_processes_in_lists_the_namespaces_processes_with_pid_inside_and_host_uid(tmp_path):
    proc = fake_proc(tmp_path, {
        900: ("pid:[4026531836]", "900", 0),                 # the host's own
        5771: ("pid:[4026532331]", "5771\t1", 0),            # the container's PID 1
        5794: ("pid:[4026532331]", "5794\t7", 33),
        6100: ("pid:[4026532999]", "6100\t310\t1", 100000),  # another container (nested)
    })
    (proc / "5800").mkdir()  # a process that ended while /proc was read: no status, no ns
    found = namespaces.processes_in("pid:[4026532331]", proc=proc)
    assert found == [HostProcess(5771, 1, 0), HostProcess(5794, 7, 33)]
    assert namespaces.processes_in("pid:[4026532999]", proc=proc) == [HostProcess(6100, 1, 100000)]


def test_processes_in_this_process_own_namespace_include_itself():
    found = namespaces.processes_in(os.readlink("/proc/self/ns/pid"))
    me = next(p for p in found if p.host_pid == os.getpid())
    assert me.host_uid == os.getuid()


@pytest.mark.parametrize(("uid", "name"), [(0, "root"), (4294967000, "4294967000")])
def test_host_user_is_the_hosts_name_or_the_number(uid, name):
    assert namespaces.host_user(uid) == name
    if uid == 0:
        assert pwd.getpwuid(0).pw_name == name


def test_tree_frame_of_nothing_is_an_empty_table():
    assert namespaces.tree_frame("").empty


def test_compare_marks_only_different_namespaces_isolated():
    host = {"net": "net:[1]", "uts": "uts:[2]", "user": "user:[3]"}
    container = {"net": "net:[9]", "uts": "uts:[2]", "user": "user:[3]"}
    df = namespaces.compare(host, container).set_index("namespace")
    assert df.loc["net", "isolated"] and not df.loc["uts", "isolated"]
    assert df.loc["net", "a namespace of its own means"].startswith("network")


def test_namespaces_of_this_process_include_the_usual_types():
    found = namespaces.namespaces_of("self")
    assert {"mnt", "net", "pid", "uts", "ipc", "user"} <= set(found)
    assert found["net"].startswith("net:[")
