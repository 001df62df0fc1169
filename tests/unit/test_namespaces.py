"""Namespace comparison and `podman top` parsing (pure functions; /proc of this process)."""

from __future__ import annotations

from kernel_helpers import namespaces

TOP = (
    """PID   PPID  HPID   USER      HUSER   COMMAND
1     0     5771   root      1001    /usr/sbin/apache2 -DFOREGROUND{sp}
8     1     5795   www-data  100032  /usr/sbin/apache2 -DFOREGROUND{sp}
7     1     5794   www-data  100032  /usr/sbin/apache2 -k start
"""
).format(sp=" ")  # podman top pads the last column


def test_tree_frame_orders_children_under_their_parent():
    df = namespaces.tree_frame(TOP)
    assert df["PID inside"].tolist() == [1, 7, 8]
    assert df["PID on host"].tolist() == [5771, 5794, 5795]
    assert df["command"].tolist() == ["/usr/sbin/apache2 -DFOREGROUND",
                                      "  └─ /usr/sbin/apache2 -k start",
                                      "  └─ /usr/sbin/apache2 -DFOREGROUND"]
    assert df["user on host"].tolist() == ["1001", "100032", "100032"]


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
