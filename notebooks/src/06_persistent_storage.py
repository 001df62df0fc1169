# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Podman course
#     language: python
#     name: podman-course
# ---

# %% [markdown]
# # 06 · Persistent storage: host directories, ownership and SELinux
#
# **Lecture notes:** "容器主机提供持久存储" (the container host provides persistent storage),
# "准备主机目录" (preparing the host directory: ownership, permissions and the SELinux context
# `container_file_t`), "卷挂载" (volume mounts: `podman run --volume | -v
# host_dir:container_dir`, and the `Z` option), with the demo "演示实验---附加永久存储" (demo:
# attaching persistent storage: `~/webcontent` served by `httpd-24:1-105`, then by `:latest`).
#
# **You will learn to**
# - see that what a container writes lives in the container's own layer, which `podman rm`
#   deletes: a new container from the same image starts without it;
# - keep data in a **host directory** mounted with `-v host_dir:container_dir`, which outlives
#   every container that uses it;
# - do the notes' demo: serve `index.html` from a host directory, replace the web server with
#   a newer image, and keep serving the same content;
# - read the **rootless uid mapping** (`podman unshare cat /proc/self/uid_map`), give a
#   directory to a container's user with `podman unshare chown`, or let the `:U` option do it;
# - check whether **SELinux** is on, and know what `:Z` and `:z` change where it is.
#
# > **About the images.** Every image in this course is a *locally built stand-in*, made from
# > Debian packages by the kit's recipes in `images/`. None of them is a Red Hat image, even when
# > its name (`ubi8/ubi`, `rhel8/httpd-24`, `rhel8/mariadb-103`, …) is the one the notes use.
# > The sandbox's registries.conf sends `registry.access.redhat.com/...` and
# > `registry.redhat.io/...` to the classroom registry on `localhost:5000`.

# %% tags=["parameters"]
# Parameters (a batch run of the notebook may give other values)
TIMEOUT = 120
WEB_PORT = 8080  # the notes' webcontent demo: -p 8080:8080
DB_PORT = 3306   # MariaDB's port, as in the notes' MariaDB demo

# %% [markdown]
# ## Load the kit
# `%podman` runs real podman in this notebook's private sandbox (see notebook 00): as root when
# the kernel is root, as you (rootless) when it runs as an ordinary user.
# `%podman --rootless` runs it as an unprivileged user (we use it in the part on ownership): in
# a root kernel the kit's account `podman-student`, as an ordinary user you yourself.

# %%
%load_ext kernel_helpers
%config PodmanMagics.timeout = TIMEOUT

# %% [markdown]
# ### Helpers for this notebook
# - `HOME` is a folder of this notebook's sandbox: it plays the home directory (root's, or
#   yours as an ordinary user), where we make the host directories (`data`, `webcontent`). It is
#   removed with the sandbox.
# - From the kit's lesson API (`kernel_helpers.lesson`), shared by the notebooks:
#   `fetch(port)` asks the web server on `127.0.0.1:port` for its page, like the notes'
#   `curl http://localhost:8080`. While nothing listens on the port yet (the server is
#   starting) it tries again, for up to 30 seconds; any HTTP answer, a 404 included, is
#   returned, as `status, page = fetch(port)`. `podman("ARGS")` is `%podman ARGS` for Python
#   code: it returns the result without showing it.
# - `sh(folder, *argv)` runs a command on the host, in a folder, and prints it with its
#   output; `ls_ln(folder, *names)` is `ls -lnd` there: `-n` prints the owner and group as
#   **numbers** (the lesson), `--time-style=+` leaves the dates out (they change every run).

# %%
import json
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd

from kernel_helpers import paths
from kernel_helpers.lesson import fetch, podman
from kernel_helpers.session import kernel_sandbox

HOME = kernel_sandbox().dir


# %%
def sh(folder, *argv):
    out = subprocess.run(argv, cwd=folder, capture_output=True, text=True, check=True, timeout=60).stdout
    print("$", " ".join(argv))
    print(out.rstrip())
    return out


def ls_ln(folder, *names):
    return sh(folder, "ls", "-lnd", "--time-style=+", *names)


# %% [markdown]
# ## A container's own files are gone with the container
# "容器中的存储是短暂的": storage in a container is short-lived. Everything a container writes
# outside a mounted directory goes to its own thin, writable layer on top of the image. That
# layer belongs to **this container**: it survives a stop and a restart, and `podman rm`
# deletes it. The image itself never changes.
#
# We fetch the notes' base image quietly (`-q` prints only the image ID), start a container
# that just sleeps, and write a file in it with `exec`.

# %%
%podman pull -q registry.access.redhat.com/ubi8/ubi:latest

# %%
podman("rm -f -t 0 box")  # left by an earlier run of this cell: removed first, nothing shown
%podman run -d --name box registry.access.redhat.com/ubi8/ubi:latest sleep 600

# %%
%podman exec box bash -c 'echo "written inside the container" > /root/note.txt'

# %% [markdown]
# `podman diff` lists what the container's layer changed compared with its image: `A` added,
# `C` changed (a folder changes when a file is added to it). `C /etc` is podman's own work: it
# added `/etc/hosts` (to mount its own over it) and the `/etc/mtab` link, and `diff` hides
# those two files but not their folder.
#
# The order of the lines is podman's: on some storage set-ups (fuse-overlayfs, where podman
# compares the container's whole tree with the image's) it changes from one call to the next,
# so we sort them by path.

# %%
changes = podman("diff box")
assert changes.returncode == 0, changes.stderr
print("$ podman diff box   (sorted by path)")
print("\n".join(sorted(changes.stdout.splitlines(), key=lambda line: line.split(" ", 1)[-1])))

# %% [markdown]
# A restart keeps the layer: the file is still there.

# %%
%podman restart -t 0 box

# %%
%podman exec box cat /root/note.txt

# %% [markdown]
# Now stop and remove the container, as the notes do (`podman stop`, `podman rm`). `sleep` is
# PID 1 of its container and has no handler for the polite stop signal (SIGTERM), so it ignores
# it (notebook 03 measures the wait, and shows the fixes `--init` and `--stop-signal`); `-t 0`
# forces it at once. Then a **new** container from
# the same image looks for the file:

# %%
%podman stop -t 0 box

# %%
%podman rm box

# %%
gone = %podman run --rm registry.access.redhat.com/ubi8/ubi:latest cat /root/note.txt
gone

# %% [markdown]
# The new container starts from the unchanged image: no `note.txt`. (The notes say the content
# is lost "when the container restarts or is removed": precisely, a restart of the *same*
# container keeps it; what loses it is `rm`, and every `podman run` that makes a new container.)
#
# ### Check yourself

# %%
assert gone.returncode == 1 and "No such file or directory" in gone.stderr, gone
assert podman("ps -a").df.empty
print("all good")

# %% [markdown]
# ## A host directory keeps it
# "持久存储可以使用容器主机上的目录": persistent storage uses a directory of the container
# host. `-v host_dir:container_dir` (`--volume`) mounts the host directory inside the
# container: what the container writes there is written to the host directory itself, and
# "删除容器系统不会回收容器主机目录中的内容": removing the container does not reclaim it.
#
# The notes always add `:Z` (the SELinux option, at the end of this notebook); we do too.

# %%
DATA = HOME / "data"
DATA.mkdir(exist_ok=True)

# %%
%podman run --rm -v {DATA}:/data:Z registry.access.redhat.com/ubi8/ubi:latest bash -c 'echo "written inside, kept on the host" > /data/note.txt'

# %% [markdown]
# The container is gone (`--rm`). The host has the file, owned by the container's root: uid 0
# for a root container. As an ordinary user you see your own uid instead, because the root of
# a rootless container is you on the host (notebook 05); the part on ownership below goes on
# from there.

# %%
print((DATA / "note.txt").read_text(), end="")
on_host = ls_ln(DATA, "note.txt")

# %% [markdown]
# A new container that mounts the same directory finds it:

# %%
kept = %podman run --rm -v {DATA}:/data:Z registry.access.redhat.com/ubi8/ubi:latest cat /data/note.txt
kept

# %% [markdown]
# ### Check yourself
# No container is left, and the file written inside one is on the host.

# %%
assert podman("ps -a").df.empty
assert kept.ok and kept.stdout == "written inside, kept on the host\n", kept
assert on_host.endswith(" note.txt\n"), on_host
print("all good")

# %% [markdown]
# ## The notes' demo: new image, same content
# "演示实验---附加永久存储". The notes make `~/webcontent/html/index.html`, serve it with
# `httpd-24:1-105`, then replace the container by one of the newer `httpd-24:latest` on the
# same directory. In a terminal:
#
# ```
# mkdir -p webcontent/html
# echo "this is a test" > webcontent/html/index.html
# ```
#
# Here the same, from Python, in `HOME`:

# %%
WEBCONTENT = HOME / "webcontent"
(WEBCONTENT / "html").mkdir(parents=True, exist_ok=True)
(WEBCONTENT / "html" / "index.html").write_text("this is a test\n")
made = ls_ln(HOME, "webcontent", "webcontent/html", "webcontent/html/index.html")

# %% [markdown]
# The web server image serves `/var/www/html` on port 8080. Mounting `webcontent` on
# `/var/www` puts our `html` folder there, in place of the image's own.
#
# The two tags are two versions of the image. Each one says its version in a label
# (`course.httpd.version`) and on its own default page:

# %%
%podman pull -q registry.redhat.io/rhel8/httpd-24:1-105

# %%
%podman pull -q registry.redhat.io/rhel8/httpd-24:latest

# %%
HTTPD_TAGS = ["registry.redhat.io/rhel8/httpd-24:1-105", "registry.redhat.io/rhel8/httpd-24:latest"]


def httpd_version(image):
    """The version label of an image."""
    r = podman(f"image inspect {image}")
    return re.search(r"course\.httpd\.version=([^,\s]+)", r.df["Labels"].iloc[0])[1]


def own_page(image):
    """The heading of the page the image serves when nothing is mounted."""
    r = podman(f"run --rm {image} grep -o '<h1>.*</h1>' /var/www/html/index.html")
    return r.stdout.strip()


# %%
versions = pd.DataFrame({"image": HTTPD_TAGS,
                         "version label": [httpd_version(t) for t in HTTPD_TAGS],
                         "its own page": [own_page(t) for t in HTTPD_TAGS]})
versions

# %% [markdown]
# ### Serve `webcontent` with `httpd-24:1-105`
# The notes' command, with our directory for `~/webcontent` and `{WEB_PORT}` for the host
# port (8080 in the notes):

# %%
podman("rm -f -t 0 myweb")  # left by an earlier run of this cell: removed first, nothing shown
%podman run -d --name myweb -p {WEB_PORT}:8080 -v {WEBCONTENT}:/var/www:Z registry.redhat.io/rhel8/httpd-24:1-105

# %%
status, first_page = fetch(WEB_PORT)
assert status == 200, status
print(first_page, end="")

# %% [markdown]
# Our page, not the image's "It works!". Which image is serving it? The container's `Image`,
# and that image's version label:

# %%
def serving(container):
    image = podman(f"inspect {container}").df["Image"].iloc[0]
    version = httpd_version(image)
    print(f"{container} runs {image}, version {version}")
    return version


first_version = serving("myweb")

# %% [markdown]
# ### Stop, remove, run the newer image on the same directory

# %%
%podman stop myweb

# %%
%podman rm myweb

# %%
podman("rm -f -t 0 myweb")  # left by an earlier run of this cell: removed first, nothing shown
%podman run -d --name myweb -p {WEB_PORT}:8080 -v {WEBCONTENT}:/var/www:Z registry.redhat.io/rhel8/httpd-24:latest

# %%
status, second_page = fetch(WEB_PORT)
assert status == 200, status
print(second_page, end="")
second_version = serving("myweb")

# %% [markdown]
# A new container, from a newer image, serves the same content: the content lives on the host,
# not in either container. It is even *live*: a change made on the host is served at once,
# without restarting anything.

# %%
with open(WEBCONTENT / "html" / "index.html", "a") as index:
    index.write("edited on the host\n")
status, page = fetch(WEB_PORT)
assert status == 200, status
print(page, end="")

# %% [markdown]
# ### Check yourself
# Same page from both images, and the versions differ.

# %%
assert first_page == second_page == "this is a test\n", (first_page, second_page)
assert (first_version, second_version) == ("1-105", "1-112"), (first_version, second_version)
assert versions["its own page"].tolist() == ["<h1>It works! (httpd-24 1-105)</h1>",
                                             "<h1>It works! (httpd-24 1-112)</h1>"]
print("all good")

# %% [markdown]
# ## Ownership and permissions in rootless containers
# "为了容器内的进程能够访问主机目录：设置目录的所有权和权限": for the processes in the container
# to use a host directory, set its ownership and permissions. As root this is plain `chown`.
# A **rootless** container (started by an ordinary user, as in the notes: `[user1@localhost ~]$`)
# sees user ids through a *mapping*, and that changes which numbers to use.
#
# We now work as the unprivileged user of `%podman --rootless`: in a root kernel the kit's
# account `podman-student`, as an ordinary user you. Its "home" for this notebook is a private
# folder of its own, which the lesson API's `rootless_world()` gives with the user's name and
# uid. A Python cell that needs rootless podman starts with `if rootless_available():`, which
# prints `skipped:` and the reason where rootless podman cannot run (the `%podman --rootless`
# lines are then refused by the kit, with that reason).

# %%
from kernel_helpers.lesson import rootless_available, rootless_world

if rootless_available():
    rw = rootless_world()
    FILES = rw.files
    print(f"user {rw.user}, uid {rw.uid}; its folder for this notebook: {FILES}")
else:
    FILES = HOME / "no-rootless"

# %% [markdown]
# ### The uid mapping
# A rootless container runs in a *user namespace*. `podman unshare` runs a command in that same
# namespace, as the container's root. `/proc/self/uid_map` tells how ids inside map to the
# host: each line is *first id inside*, *first id on the host*, *how many*.

# %%
uid_map = %podman --rootless unshare cat /proc/self/uid_map
uid_map

# %%
def host_id(inside):
    """The host id of an id inside the namespace (uid_map; gid_map is the same here)."""
    for start, host, count in UID_MAP.itertuples(index=False):
        if start <= inside < start + count:
            return host + inside - start
    return None


# %%
if rootless_available():
    UID_MAP = pd.DataFrame([line.split() for line in uid_map.stdout.splitlines()],
                           columns=["inside from", "host from", "count"]).astype(int)
    subuid = [x for x in Path("/etc/subuid").read_text().splitlines()
              if x.startswith(f"{rw.user}:")]
    print("/etc/subuid:", *subuid)
    display(UID_MAP)
    print("inside 0 (root) -> host", host_id(0), f"(the user {rw.user} itself)")
    print("inside 27 (mysql in the MariaDB image) -> host", host_id(27))

# %% [markdown]
# (If a warning appears above, it is podman's own, printed when the user's namespace is first
# set up: the host's `/` is not a *shared* mount, which matters only for mounts made after a
# container started. On this host it usually does not show.)
#
# So **root inside is the user itself** (its own uid: 1001 here, for `podman-student`; yours as
# an ordinary user), and every other id inside
# comes from the user's range of *subordinate* ids in `/etc/subuid`: id 1 inside is the first
# id of the range, id 27 is 26 further. A file the container's uid 27 owns belongs, on the
# host, to a uid that has no name and that the user cannot write to directly.
#
# ### A data directory the database cannot write
# The MariaDB image runs its server as **uid 27** and keeps its data in
# `/var/lib/mysql/data`. We make a directory for it, as the user (`podman unshare mkdir` makes
# it as root-inside, which is the user on the host), and look at it from both sides:

# %%
DBDATA = FILES / "dbdata"
%podman --rootless unshare mkdir -p {DBDATA}

# %%
if rootless_available():
    ls_ln(FILES, "dbdata")

# %%
%podman --rootless unshare ls -lnd --time-style=+ {DBDATA}

# %% [markdown]
# On the host the directory belongs to the user (1001 here), inside to 0 (root): the same owner,
# two names. Mode `drwxr-xr-x`: only the owner may write, and uid 27 is not the owner.
#
# Run the database on it anyway. We run it in the foreground, without `-d`, to see why it
# stops:

# %%
DB_ENV = "-e MYSQL_USER=student -e MYSQL_PASSWORD=student -e MYSQL_DATABASE=items"
podman("rm -f -t 0 db", rootless=True)  # left by an earlier run of this cell: removed first, nothing shown
denied = %podman --rootless run --name db -v {DBDATA}:/var/lib/mysql/data:Z {DB_ENV} registry.redhat.io/rhel8/mariadb-103
denied

# %%
%podman --rootless rm db

# %% [markdown]
# ### `podman unshare chown`
# The fix the image itself suggests. A plain `chown 27:27` by the user would be refused (only
# root may give files away), and even root would need the *host* number. `podman unshare` runs
# `chown` inside the namespace, where the user is root and 27 means the container's 27:

# %%
%podman --rootless unshare chown 27:27 {DBDATA}

# %%
if rootless_available():
    after_chown = ls_ln(FILES, "dbdata")

# %%
%podman --rootless unshare ls -lnd --time-style=+ {DBDATA}

# %% [markdown]
# The same directory: 27 inside, the subordinate uid on the host. Now the server starts (in
# the background this time, `-d`, with its port published on `{DB_PORT}`):

# %%
podman("rm -f -t 0 db", rootless=True)  # left by an earlier run of this cell: removed first, nothing shown
%podman --rootless run -d --name db -p {DB_PORT}:3306 -v {DBDATA}:/var/lib/mysql/data:Z {DB_ENV} registry.redhat.io/rhel8/mariadb-103

# %% [markdown]
# We connect from the notebook (the server takes a few seconds to prepare its data directory
# the first time), make a table and read it back. From the lesson API: `mariadb(port, user,
# password, database)` logs in, trying again while the server starts, and `query(db, sql)`
# runs SQL and returns the rows as a table:

# %%
from kernel_helpers.lesson import mariadb, query

if rootless_available():
    with mariadb(DB_PORT, user="student", password="student", database="items") as db:
        query(db, "DROP TABLE IF EXISTS notes")  # made by an earlier run of this cell
        query(db, "CREATE TABLE notes (id INT PRIMARY KEY, note VARCHAR(80))")
        query(db, "INSERT INTO notes VALUES (1, 'kept in a host directory')")
        display(query(db, "SELECT * FROM notes"))

# %% [markdown]
# What the server wrote, seen from the host: every file belongs to the subordinate uid of
# 27, and to the one of group 999 (the image's `mysql` group):

# %%
def owners(folder):
    """The numeric owner:group pairs of everything in FOLDER, as the host sees them."""
    found = {f"{p.lstat().st_uid}:{p.lstat().st_gid}" for p in folder.rglob("*")}
    print(f"owners in {folder.name}: {sorted(found)}")
    return found


if rootless_available():
    ls_ln(FILES, "dbdata", "dbdata/items")
    server_files = owners(DBDATA)

# %% [markdown]
# The host directory outlives the database container too: stop it, remove it, start a new one
# on the same directory, and the table is still there (no new initialisation this time).

# %%
%podman --rootless stop db

# %%
%podman --rootless rm db

# %%
podman("rm -f -t 0 db", rootless=True)  # left by an earlier run of this cell: removed first, nothing shown
%podman --rootless run -d --name db -p {DB_PORT}:3306 -v {DBDATA}:/var/lib/mysql/data:Z {DB_ENV} registry.redhat.io/rhel8/mariadb-103

# %%
if rootless_available():
    with mariadb(DB_PORT, user="student", password="student", database="items") as db:
        rows = query(db, "SELECT * FROM notes")
    display(rows)

# %% [markdown]
# ### `:U`: podman does the chown for you
# The `U` volume option tells podman to `chown` the host directory, recursively, to the user
# and group the container runs as, through the mapping, before the container starts. A fresh
# directory, owned by the user:

# %%
DBDATA_U = FILES / "dbdata-u"
%podman --rootless unshare mkdir -p {DBDATA_U}

# %%
if rootless_available():
    ls_ln(FILES, "dbdata-u")

# %%
podman("rm -f -t 0 db-u", rootless=True)  # left by an earlier run of this cell: removed first, nothing shown
%podman --rootless run -d --name db-u -v {DBDATA_U}:/var/lib/mysql/data:Z,U {DB_ENV} registry.redhat.io/rhel8/mariadb-103

# %%
from kernel_helpers.lesson import wait_until


def log_says(container, text):
    """Whether the rootless CONTAINER's log says TEXT yet."""
    log = podman("logs " + container, rootless=True)
    return text in log.stdout + log.stderr


# %%
if rootless_available():
    wait_until(lambda: log_says("db-u", "---> Starting the MariaDB server"), timeout=60,
               what="MariaDB to start in db-u")
    print("server started")
    after_u = ls_ln(FILES, "dbdata-u")

# %% [markdown]
# With `:U` the directory went to the container's user *and* group, 27:999 inside (the
# image's `USER 27`, whose group is `mysql`, 999), the subordinate ids on the host. `:U`
# chowns on every start, everything under the directory: use it on directories that belong to
# the container only, never on a folder you share with other programs.
#
# ### Check yourself

# %%
if rootless_available():
    uid27, gid999 = host_id(27), host_id(999)
    assert UID_MAP.iloc[0].tolist() == [0, rw.uid, 1], UID_MAP
    assert denied.returncode == 1 and "is not writable by uid 27" in denied.stderr, denied
    assert f" {uid27} {uid27} " in after_chown, after_chown
    assert server_files == {f"{uid27}:{gid999}"}, server_files
    assert rows.to_dict("records") == [{"id": 1, "note": "kept in a host directory"}], rows
    assert f" {uid27} {gid999} " in after_u, after_u
    print("all good")

# %% [markdown]
# ## SELinux
# "设置 SELinux context": on a host with SELinux (RHEL, Fedora), every file has a *label*, and
# containers may only use files labelled `container_file_t`. "使用Z 选项，podman 自动将 SELinux
# container_file_t context 应用到主机目录": with the `Z` option podman relabels the host
# directory for you. Is SELinux on here? The kernel tells it in `/sys/fs/selinux/enforce`
# (`1` enforcing, `0` permissive; missing: no SELinux at all), and the kit's doctor checked it
# at set-up:

# %%
ENFORCE = Path("/sys/fs/selinux/enforce")
SELINUX_ON = ENFORCE.exists()
doctor = json.loads(paths.doctor_report().read_text())
doctor_row = pd.DataFrame([c for c in doctor["checks"] if c["name"] == "SELinux"])
display(doctor_row)
if SELINUX_ON:
    print("SELinux is ON:", "enforcing" if ENFORCE.read_text().strip() == "1" else "permissive")
else:
    print(f"SELinux is OFF here: {ENFORCE} does not exist, this kernel has no SELinux.")

# %% [markdown]
# **On this machine SELinux is off.** Files have no SELinux label at all: `ls -Z` prints a
# `?` where the label would be.

# %%
labels_here = sh(HOME, "ls", "-Zd", "webcontent", "webcontent/html/index.html")

# %% [markdown]
# So every `:Z` in this notebook was accepted and did **nothing**. podman even leaves it out
# of the mount it made for `myweb` (no `Z` among the options):

# %%
%podman inspect --format '{{.HostConfig.Binds}}' myweb

# %% [markdown]
# ### What `:Z` and `:z` change on an SELinux host
# Nothing of this happened here; this is what happens on RHEL with SELinux enforcing. A label
# has four parts, `user:role:type:level`; the *type* and the *level* matter here:
#
# | | before | after `-v dir:/x:z` | after `-v dir:/x:Z` |
# |---|---|---|---|
# | label of `~/webcontent` | `unconfined_u:object_r:user_home_t:s0` | `system_u:object_r:container_file_t:s0` | `system_u:object_r:container_file_t:s0:c123,c456` |
# | type | `user_home_t`: containers are denied | `container_file_t`: containers may use it | `container_file_t` |
# | level (MCS categories) | `s0` | `s0`: **every** container may use it (shared) | `s0:c123,c456`: only the container with these two categories (private) |
#
# Each container gets two random *MCS categories* (`c123,c456` above), so with `:Z` a second
# container cannot open the first one's directory even though both run as `container_t`.
# Use `:z` for a directory several containers share, `:Z` for one container's own.
#
# **Podman refuses to relabel system folders.** Relabelling `/home` or `/etc` would give the
# host's own files a container label. So podman's SELinux library keeps a list of paths it
# will not relabel, among them `/`, `/bin`, `/boot`, `/dev`, `/etc`, `/etc/passwd`, `/home`,
# `/lib`, `/lib64`, `/media`, `/opt`, `/proc`, `/root`, `/run`, `/sbin`, `/srv`, `/sys`, `/tmp`,
# `/usr`, `/var`, `/var/lib`, `/var/log` and your own home folder (`$HOME`). On an SELinux host
# `-v /home:/x:Z` stops with `SELinux relabeling of /home is not allowed`, and a folder inside
# `/usr` with `relabeling content in /usr is not allowed`. Mount a folder of your own (like
# `~/webcontent`) with `:Z`, and a system folder, if you must, without it (SELinux then
# usually denies the container access; `--security-opt label=disable` turns labelling off for
# that one container).
#
# That check is part of the relabelling, so it only runs where SELinux is on. Here podman
# accepts `/home` with `:Z` and, as before, does nothing to it:

# %%
relabel_home = %podman run --rm -v /home:/mnt:Z registry.access.redhat.com/ubi8/ubi:latest true
relabel_home

# %%
if SELINUX_ON:
    assert relabel_home.returncode != 0 and "relabeling of /home is not allowed" in relabel_home.stderr
    print("refused, as on RHEL:", relabel_home.stderr.strip().splitlines()[-1])
else:
    assert relabel_home.returncode == 0, relabel_home
    print("exit status 0: without SELinux, podman does not check, and nothing was relabelled")

# %% [markdown]
#
# Where SELinux is on, the next cell shows the labels of a fresh directory before `:Z`, after
# `:Z` and after `:z`, for real. Here it says why it does nothing.

# %%
def selinux_label(path):
    return subprocess.run(["ls", "-Zd", str(path)], capture_output=True, text=True,
                          check=True, timeout=60).stdout.split()[0]


# %%
if SELINUX_ON:
    labelled = HOME / "labelled"
    labelled.mkdir(exist_ok=True)
    seen = [("before", selinux_label(labelled))]
    for option in ("Z", "z"):
        podman(f"run --rm -v {labelled}:/data:{option} "
               "registry.access.redhat.com/ubi8/ubi:latest true").check()
        seen.append((f"after :{option}", selinux_label(labelled)))
    display(pd.DataFrame(seen, columns=["when", "label"]))
    assert "container_file_t" in seen[1][1] and re.search(r":c\d+,c\d+$", seen[1][1]), seen
    assert "container_file_t" in seen[2][1] and seen[2][1].endswith(":s0"), seen
    shutil.rmtree(labelled)
else:
    print("SELinux is off: no labels to show before or after :Z. Nothing was relabelled.")

# %% [markdown]
# ### Check yourself
# The kernel, the doctor and `ls -Z` agree.

# %%
binds = %podman inspect --format '{{.HostConfig.Binds}}' myweb
assert ("container_file_t" in doctor_row["fix"].iloc[0]) == SELINUX_ON, doctor_row  # its fix names the label
if not SELINUX_ON:
    assert all(line.startswith("?") for line in labels_here.splitlines()), labels_here
    assert ":/var/www:" in binds.stdout and "Z" not in binds.stdout.split(":/var/www:")[1], binds
print("all good")

# %% [markdown]
# ## Clean up
# Remove the containers, the sandbox's and the rootless world's, then the host directories.
# The database files belong to the user's subordinate ids, which the user cannot remove
# directly: `podman unshare rm` removes them from inside the namespace, by the same trick as
# `chown`. Last, the images we pulled (the course images in the read-only stores stay).

# %%
%podman rm -a -f -t 0

# %%
%podman --rootless rm -a -f -t 0

# %%
%podman --rootless unshare rm -rf {DBDATA} {DBDATA_U}

# %%
shutil.rmtree(DATA, ignore_errors=True)
shutil.rmtree(WEBCONTENT, ignore_errors=True)
%podman rmi registry.access.redhat.com/ubi8/ubi:latest registry.redhat.io/rhel8/httpd-24:1-105 registry.redhat.io/rhel8/httpd-24:latest

# %%
left = {"root containers": len(podman("ps -a").df),
        "rootless containers": len(podman("ps -a", rootless=True).df) if rootless_available() else 0,
        "host directories": sum(p.exists() for p in (DATA, WEBCONTENT, DBDATA, DBDATA_U))}
assert not any(left.values()), left
left

# %% [markdown]
# ## Your turn: two labs
# As in notebooks 02-05: `%lab start NAME` resets the lab and shows the task with its hints
# (open them one at a time), you type your commands under **Your answer**, and
# `%lab grade NAME` checks them: PASS or FAIL per check, with a hint for each FAIL. Grading
# changes nothing; starting again resets the lab. The labs use this notebook's ports
# (`WEB_PORT`, `DB_PORT`) when they are free.
#
# Each lab has a host folder of its own: the sandbox's `files` folder for a lab in the sandbox,
# the rootless user's folder for a rootless one. The task shows the path; `FILES` holds it here
# too, set before each lab, so you can type `{FILES}` (`%podman` and `!` expand it in a line).

# %% [markdown]
# ### Lab 06-webcontent: serve a host folder with `-v ...:Z`, and a second page after a restart
# The notes' webcontent demo again, with pages of your own.

# %%
FILES = HOME / "files"  # a sandbox lab's host folder: the sandbox's files folder

# %%
%lab start 06-webcontent

# %% [markdown]
# #### Your answer
# The host folder and its pages are made from `!` lines (a shell on the host); the rest is
# `%podman`, one command per cell.

# %% tags=["solution"]
!mkdir -p {FILES}/webcontent && echo '<h1>My webcontent</h1>' > {FILES}/webcontent/index.html

# %% tags=["solution"]
%podman run -d --name myweb -p {WEB_PORT}:8080 -v {FILES}/webcontent:/var/www/html:Z registry.redhat.io/rhel8/httpd-24

# %% tags=["solution"]
!echo '<h1>Second page</h1>' > {FILES}/webcontent/page2.html

# %% tags=["solution"]
%podman restart myweb

# %% [markdown]
# #### Check your work

# %%
%lab grade 06-webcontent

# %% [markdown]
# ### Lab 06-mariadb-data: MariaDB data in a host folder, kept after `rm -f`
# The part on ownership, as a lab: the unprivileged user (`%podman --rootless ...`) gives a
# data folder to the container's `mysql` with `podman unshare chown`, and the data outlives
# the server.

# %%
FILES = rootless_world().files if rootless_available() else HOME / "no-rootless"  # a rootless lab's

# %%
%lab start 06-mariadb-data

# %% [markdown]
# #### Your answer
# One command per cell; the table is made in a `%%podman --rootless exec -i mydb bash` cell,
# the `mysql` commands in its body (`mysqladmin ... ping` waits until the server answers).

# %% tags=["solution"]
%podman --rootless unshare mkdir -p {FILES}/dbdata

# %% tags=["solution"]
%podman --rootless unshare chown 27:27 {FILES}/dbdata

# %% tags=["solution"]
%podman --rootless run --name mydb -d -p {DB_PORT}:3306 -v {FILES}/dbdata:/var/lib/mysql/data:Z -e MYSQL_USER=user1 -e MYSQL_PASSWORD=redhat123 -e MYSQL_DATABASE=db registry.redhat.io/rhel8/mariadb-103

# %% tags=["solution"]
%%podman --rootless exec -i mydb bash
mysqladmin --host=127.0.0.1 --user=user1 --password=redhat123 --wait=30 --silent ping
mysql --host=127.0.0.1 --user=user1 --password=redhat123 db -e "create table components (name varchar(20)); insert into components values ('db');"

# %% tags=["solution"]
%podman --rootless rm -f mydb

# %% tags=["solution"]
%podman --rootless run --name mydb2 -d -p {DB_PORT}:3306 -v {FILES}/dbdata:/var/lib/mysql/data:Z -e MYSQL_USER=user1 -e MYSQL_PASSWORD=redhat123 -e MYSQL_DATABASE=db registry.redhat.io/rhel8/mariadb-103

# %% [markdown]
# #### Check your work

# %%
%lab grade 06-mariadb-data

# %% [markdown]
# ### Clean up the labs
# Last started, first finished, as in notebook 02.

# %%
%lab finish 06-mariadb-data

# %%
%lab finish 06-webcontent

# %% [markdown]
# ## Recap
# - What a container writes lives in its own layer, and `podman rm` deletes it.
# - `-v host_dir:container_dir` keeps data in a host directory that outlives the containers;
#   the notes' demo served the same page from two versions of the web server.
# - A rootless container's users are other uids on the host: `podman unshare chown`, or the
#   `:U` option, gives the directory to them; `:Z`/`:z` label it for SELinux.
#
# **Next:** [07 · Containers as systemd services](07_systemd.ipynb): units that start your
# containers at boot, and its labs 07-user-unit and 07-root-unit.
