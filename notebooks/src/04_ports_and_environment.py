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
# # 04 · Ports and environment: `-p`, `podman port`, `-e`, MariaDB, rootless, networks
#
# **Lecture notes:** "配置容器（高级容器管理）" (configuring containers, advanced container
# management), with "将容器主机端口映射到容器" (mapping a container host port to the container:
# `-p`, `podman port`, the firewall), "传递环境变量以配置容器" (passing environment variables to
# configure the container: `-e`) and the demo "演示实验---端口映射" (demo: port mapping, the
# MariaDB server); "无根容器" (rootless containers) and "设计基于容器的结构" (designing a
# container-based architecture: one component per container).
#
# A container has its own network: a server inside it listens on the container's ports, not on
# the host's. This notebook opens a door from the host to the container (`-p`), configures what
# runs inside from the outside (`-e`), runs the notes' MariaDB server for real, compares root and
# rootless containers, and links two containers over a network of their own.
#
# **You will learn to**
# - publish a container port on the host with `-p HOST:CONTAINER` and reach the server from here;
# - list a container's port mappings with `podman port`;
# - say what a host firewall has to allow, and check whether this host has one;
# - configure a containerised program with `-e NAME=VALUE` (and see what it finds inside);
# - run the notes' MariaDB server configured only by `-e`, wait until it is ready and query it;
# - run the same commands as an unprivileged user (rootless), and meet the privileged-port limit;
# - give each component (web, database) its own container, talking by name over a podman network.
#
# > **About the images.** Every image in this course is a *locally built stand-in*, made from
# > Debian packages by the kit's recipes in `images/`. None of them is a Red Hat image, even when
# > its name (`rhel8/httpd-24`, `rhel8/mariadb-103`, …) is the one the notes use. The sandbox's
# > registries.conf sends `registry.access.redhat.com/...` and `registry.redhat.io/...` to the
# > classroom registry on `localhost:5000`.

# %% tags=["parameters"]
# Parameters (a batch run of the notebook may give other values)
TIMEOUT = 120
WEB_PORT = 8000       # the notes' web server: -p 8000:8080
DB_PORT = 3306        # the notes: the MariaDB demo's -p 3306:3306
ROOTLESS_PORT = 8080  # the notes' -p 8080:8080 for the unprivileged user (any port above 1023)

# %% [markdown]
# ## Load the kit
# `%podman` runs real podman in this notebook's private sandbox (see notebook 00): as root when
# the kernel is root, as you (rootless) when it runs as an ordinary user.
# `%podman --rootless` runs it as an unprivileged user (section 6): in a root kernel the kit's
# account `podman-student`, as an ordinary user you yourself.

# %%
%load_ext kernel_helpers
%config PodmanMagics.timeout = TIMEOUT

# %% [markdown]
# ### Helpers for this notebook
# Two come from the kit's lesson API (`kernel_helpers.lesson`), shared by the notebooks:
# - `containers()` prints the container table, names and states only (the steady columns, as
#   in notebook 03); `containers(rootless=True)` prints the unprivileged user's table.
# - `fetch(port)` is our HTTP client: it asks `http://127.0.0.1:PORT/` for the home page.
#   While nothing listens on the port yet (a web server needs a moment to start) it tries
#   again, for up to 30 seconds; any HTTP answer, a 404 included, is returned: the status and
#   the page.
#
# One is ours: `first_line(text, word)` picks the one line of a page we want to read.

# %%
import pandas as pd

from kernel_helpers.lesson import containers, fetch, podman


def first_line(text, word):
    return next(line.strip() for line in text.splitlines() if word in line)


# %%
containers()

# %% [markdown]
# ### Fetch the images first
# We pull the notes' web server and database images, and the base image, quietly (`-q` prints
# only the image ID), so later cells show only what the containers do.

# %%
%podman pull -q registry.redhat.io/rhel8/httpd-24:latest

# %%
%podman pull -q registry.redhat.io/rhel8/mariadb-103:latest

# %%
%podman pull -q registry.access.redhat.com/ubi8/ubi:latest

# %% [markdown]
# ## 1 · Port mapping: `-p HOST:CONTAINER`
# "将容器主机上的网络端口映射到容器中的端口，容器将接受发送到主机网络端口的网络流量": map a network
# port of the container host to a port in the container; the container then receives the
# traffic sent to the host's port.
#
# The web server in `rhel8/httpd-24` listens on port **8080 inside the container**. The
# container has its own network interface and address, so without help no port of the host
# leads to it. `-p 8000:8080` (host port first, then container port) tells podman to forward
# the host's port 8000 to the container's 8080. The notes' command:
#
# `podman run -d --name=web -p 8000:8080 registry.redhat.io/rhel8/httpd-24`

# %%
podman("rm -f -t 0 web")  # left by an earlier run of this cell: removed first, nothing shown
%podman run -d --name=web -p {WEB_PORT}:8080 registry.redhat.io/rhel8/httpd-24

# %% [markdown]
# Now any HTTP client on this host can talk to the server through port 8000 (`WEB_PORT`). Ours
# is `fetch`, which uses Python's `urllib`, in the notebook itself: status 200 means "OK", and
# the page's heading says who answered.

# %%
status, page = fetch(WEB_PORT)
print("GET http://127.0.0.1:%d/ ->" % WEB_PORT, status)
print(first_line(page, "<h1>"))

# %% [markdown]
# ## `podman port`: which host port goes where
# "podman port 容器ID或者容器名称：列出使用中指定的容器的端口映射": `podman port NAME` lists the
# port mappings of a container. Each line reads *container port → host address:host port*;
# `0.0.0.0` means "every address of the host", so other machines may connect too (if the
# firewall lets them, see below).

# %%
web_ports = %podman port web
web_ports

# %% [markdown]
# ### Check yourself
# One mapping, from the host's `WEB_PORT` to the container's 8080/tcp, and the page really came
# through it.

# %%
assert web_ports.ok and len(web_ports.df) == 1, web_ports
row = web_ports.df.iloc[0]
assert row["Container port"] == "8080/tcp" and row["Host port"] == WEB_PORT, row
assert status == 200 and "It works!" in page
print("all good")

# %% [markdown]
# ## 2 · The firewall
# "容器主机上的防火墙必须允许外部客户端连接到其映射的端口": the container host's firewall must allow
# external clients to connect to the mapped port.
#
# > As an ordinary user the two cells that read the host's packet filters print `skipped:`
# > because only root may read them (and a rootless `-p` makes no NAT rule: a process,
# > `rootlessport`, forwards the port); the text below shows what root sees.
#
# `-p` makes the host *listen* on port 8000, but a firewall decides which packets from other
# machines may reach that port. On RHEL the firewall is **firewalld**, driven by `firewall-cmd`:
#
# ```
# firewall-cmd --add-port=8000/tcp                 # open it now (lost at the next reload or boot)
# firewall-cmd --permanent --add-port=8000/tcp     # write it to the saved configuration...
# firewall-cmd --reload                            # ...and load that configuration
# firewall-cmd --list-ports                        # what is open: 8000/tcp
# ```
#
# Connections from the host itself (our `fetch` to `127.0.0.1`) do not need this: the firewall
# guards the doors to the outside. Does *this* host have a firewall? We look instead of
# guessing: is `firewall-cmd` installed, and what do the kernel's packet filters (nftables,
# read with `nft`, the tool behind today's `iptables`) do with incoming packets?

# %%
import json
import shutil
import subprocess

from kernel_helpers.lesson import root_step

print("firewall-cmd (firewalld):", shutil.which("firewall-cmd") or "not installed")
print("nft (nftables):          ", shutil.which("nft") or "not installed")

if root_step("packet-filters"):  # only root reads the packet filters (else: one line, why)
    ruleset = json.loads(subprocess.run(["nft", "-j", "list", "ruleset"], capture_output=True,
                                        text=True, check=True).stdout)["nftables"]
    chains = {(c["family"], c["table"], c["name"]): c for c in (o["chain"] for o in ruleset if "chain" in o)}
    incoming = {key for key, c in chains.items() if c.get("hook") == "input"}  # filter incoming packets
    refusing = [o["rule"] for o in ruleset if "rule" in o
                and (o["rule"]["family"], o["rule"]["table"], o["rule"]["chain"]) in incoming
                and any("drop" in e or "reject" in e for e in o["rule"]["expr"])]
    print("default verdict of the chains that see incoming packets:",
          sorted({chains[key]["policy"] for key in incoming}) or "(no such chains)")
    print("rules in them that drop or reject packets:", len(refusing))

# %% [markdown]
# So, plainly: this host has **no firewalld** and its packet filters **accept** every incoming
# packet. Nothing needs opening here, and `firewall-cmd` cannot be run to show it. On a RHEL
# host with firewalld running, you would run the commands above before another machine could
# reach port 8000.
#
# The packet filters are not empty, though: podman wrote rules itself. With root, `-p` is done
# by *NAT* rules (network address translation) that redirect packets sent to the host's port to
# the container's address. Here are podman's rules for our port (`iptables` shows them in its own
# syntax; the chain names end in a hash, shown here as `<hash>`):

# %%
import re

ours = None  # rootless: no NAT rule (rootlessport, a process, forwards the port)
if root_step("packet-filters"):
    nat = subprocess.run(["iptables", "-t", "nat", "-S", "NETAVARK-HOSTPORT-DNAT"],
                         capture_output=True, text=True, check=True).stdout
    ours = [re.sub(r"NETAVARK-DN-[0-9A-F]+", "NETAVARK-DN-<hash>", line)
            for line in nat.splitlines() if f"--dport {WEB_PORT} " in line]
    print("\n".join(ours))

# %% [markdown]
# Read it as: TCP packets for the host's port 8000 (`-p tcp --dport 8000`) jump to a chain that
# rewrites their destination to the container's address and port 8080. The comment names the
# network (`podman`, the default one) and the container's full ID.
#
# ### Check yourself

# %%
if ours is not None:  # root: podman's NAT rule
    assert len(ours) == 1 and "-p tcp" in ours[0], ours
    print("podman's NAT rule for port", WEB_PORT, "is in place")

# %% [markdown]
# ## 3 · Environment variables: `-e NAME=VALUE`
# "将环境变量传递到容器，容器使用环境变量的值来配置应用" / "podman run -e 将环境变量传递到容器内的进程":
# pass environment variables to the container; the container uses their values to configure the
# application. `podman run -e` hands a variable to the processes inside.
#
# Environment variables are named strings every process inherits from the one that started it.
# `printenv NAME...` prints the values of the ones you ask for:

# %%
%podman run --rm -e GREETING=hello -e COURSE=podman registry.access.redhat.com/ubi8/ubi printenv GREETING COURSE

# %% [markdown]
# Everything the process finds in its environment: our variable, and those podman and the image
# set (`PATH`, `LANG` and `TERM` from the image, `HOSTNAME` is the container's short ID,
# `container=podman` tells programs they run in a podman container). Sorted, one per line:

# %%
%podman run --rm -e COURSE=podman registry.access.redhat.com/ubi8/ubi bash -c "printenv | sort"

# %% [markdown]
# A program that reads a variable *changes its behaviour* with it, without rebuilding the image.
# A simple real case: `date` reads `TZ` (the time zone). The same command, without and with
# `-e TZ=Asia/Shanghai`, prints the zone's name and offset from UTC:

# %%
%podman run --rm registry.access.redhat.com/ubi8/ubi date "+%Z %z"

# %%
shanghai = %podman run --rm -e TZ=Asia/Shanghai registry.access.redhat.com/ubi8/ubi date "+%Z %z"
shanghai

# %% [markdown]
# ### Check yourself

# %%
utc = %podman run --rm registry.access.redhat.com/ubi8/ubi date "+%Z %z"
assert utc.stdout.strip() == "UTC +0000" and shanghai.stdout.strip() == "CST +0800", (utc, shanghai)
print("same image, same command, behaviour chosen by -e")

# %% [markdown]
# ## 4 · The notes' demo: a MariaDB server configured by `-e`
# "演示实验---端口映射" (demo: port mapping). The notes start a database server:
#
# ```
# podman run -d --name mydb -e MYSQL_USER=user1 -e MYSQL_PASSWORD=redhat123 \
#     -e MYSQL_DATABASE=db -p 3306:3306 rhel8/mariadb-103
# ```
#
# then connect with the `mysql` client to `--host=127.0.0.1 --port=3306` and run
# `show databases;`. The image has no configuration file for you to edit: it reads
# `MYSQL_USER`, `MYSQL_PASSWORD` and `MYSQL_DATABASE` (a user, its password and a database the
# user owns), or `MYSQL_ROOT_PASSWORD`, when it starts for the first time.
#
# First, without them: the image's own start script refuses, and says what it needs (exit
# status 1, its message):

# %%
%podman run --rm registry.redhat.io/rhel8/mariadb-103

# %% [markdown]
# Half of them is no better: the three user variables go together.

# %%
half = %podman run --rm -e MYSQL_USER=user1 registry.redhat.io/rhel8/mariadb-103
half

# %% [markdown]
# ### Check yourself

# %%
missing = %podman run --rm registry.redhat.io/rhel8/mariadb-103
assert missing.returncode == 1 and "no database user and no root password given" in missing.stderr
assert half.returncode == 1 and "must be given together" in half.stderr
print("the image refuses to start unconfigured")

# %% [markdown]
# ### The demo, for real
# The notes' command (with the full image name; `rhel8/mariadb-103` is its short form). The
# server listens on 3306 inside the container, published on the host's 3306 (`DB_PORT`):

# %%
podman("rm -f -t 0 mydb")  # left by an earlier run of this cell: removed first, nothing shown
%podman run -d --name mydb -e MYSQL_USER=user1 -e MYSQL_PASSWORD=redhat123 -e MYSQL_DATABASE=db -p {DB_PORT}:3306 registry.redhat.io/rhel8/mariadb-103

# %% [markdown]
# ### Wait until it is ready
# `-d` returns as soon as the container has started, but the server first creates its database
# files, the user and the database, and only then listens. A client that connects too early is
# refused. So we try to log in, as `user1` with its password through the mapped port, again and
# again, for up to 60 seconds. The lesson API's `mariadb(port, user, password)` does that with
# `pymysql`, a MariaDB/MySQL client for Python, and returns the connection.

# %%
from kernel_helpers.lesson import mariadb, query

db = mariadb(DB_PORT, user="user1", password="redhat123")
print("connected: the server answered, and accepted user1's password")

# %% [markdown]
# The server's log tells the same story: its start script prints the steps (lines starting with
# `--->`) among MariaDB's own messages (timestamps, left out here):

# %%
log = %podman logs mydb
print("\n".join(line for line in (log.stdout + log.stderr).splitlines() if line.startswith("--->")))

# %% [markdown]
# ### `show databases;`
# The notes' query, sent from the notebook. `query(db, sql)` (lesson API) runs it and turns
# the rows into a `pandas` table:

# %%
query(db, "show databases;")

# %% [markdown]
# `db` is the database `MYSQL_DATABASE` asked for; `information_schema` is MariaDB's built-in
# catalogue. `user1` sees only what it was granted: the server's own `mysql` database exists, but
# not for `user1`. Who are we, seen from the server? (No database is chosen yet: the notes'
# client shows the same as its prompt, `MariaDB [(none)]>`.)

# %%
query(db, "select current_user() as `logged in as`, database() as `current database`;")

# %% [markdown]
# `user1@%` is the account the start script created from the variables; `%` means "connecting
# from any address". We came in through the host's port, which `podman port` shows:

# %%
mapped = %podman port mydb
mapped

# %% [markdown]
# ### Check yourself

# %%
databases = set(query(db, "show databases;")["Database"])
assert databases == {"db", "information_schema"}, databases
assert mapped.df.iloc[0]["Host port"] == DB_PORT
print("MariaDB configured only by -e, queried through port", DB_PORT)

# %% [markdown]
# Both servers have done their part: remove them (`-t 0`: do not wait for a polite stop). One
# command per container: with several names, `rm` works on them at once and prints each name
# when it is done, in whatever order they finish.

# %%
%podman rm -f -t 0 web

# %%
if db.open:
    db.close()  # our connection first, then its server
%podman rm -f -t 0 mydb

# %% [markdown]
# ## 5 · One component per container, linked by a network
# "设计基于容器的结构" (designing a container-based architecture). The notes contrast:
# - "一个容器中运行一个完整的应用" : one container runs a whole application (front end, back end,
#   PHP, MySQL, Apache all together);
# - "一个容器只运行一个应用的一个组件，组件之间通过网络连；优点：轻量化，便于后期维护，简化升级" : one
#   container runs one *component*; the components are linked by the network. Advantages: light,
#   easy to maintain, simple to upgrade (replace one container, keep the others).
#
# We build the second design: a database container `db` and a web container `web`, on a podman
# **network** of their own. On such a network podman runs a small DNS server, so containers
# find each other **by container name**. Root's networks are shared by the whole host (a
# rootless user's are kept in its storage), so ours gets a name unique to this notebook's sandbox.

# %%
from kernel_helpers.session import kernel_sandbox

NET = f"course04-{kernel_sandbox().id}"
podman("network rm -f {NET}")  # left by an earlier run of this cell: removed first, nothing shown
%podman network create {NET}

# %% [markdown]
# The database joins with `--network`, and has **no `-p`**: no port of the host leads to it, so
# other machines cannot reach it; its neighbours on the network can. `MYSQL_ROOT_PASSWORD`
# also gives the server's administrator a password.

# %%
podman("rm -f -t 0 db")  # left by an earlier run of this cell: removed first, nothing shown
%podman run -d --name db --network {NET} -e MYSQL_USER=user1 -e MYSQL_PASSWORD=redhat123 -e MYSQL_DATABASE=db -e MYSQL_ROOT_PASSWORD=rootpass123 registry.redhat.io/rhel8/mariadb-103

# %% [markdown]
# The line about syslog comes from `aardvark-dns`, the small DNS server podman started for
# the network (it answers "where is `db`?"): it found no system log service on this host to write
# to, which is harmless.
#
# The web server joins the same network, and is published on the host as before: it is the
# one door to the outside.

# %%
podman("rm -f -t 0 web")  # left by an earlier run of this cell: removed first, nothing shown
%podman run -d --name web --network {NET} -p {WEB_PORT}:8080 registry.redhat.io/rhel8/httpd-24

# %% [markdown]
# The database has no door to the host (no rows):

# %%
%podman port db

# %% [markdown]
# ### An app container talks to `db` by name
# The notes' client is `mysql`. It is in the MariaDB image, so we start one more container from
# that image as the *app*, on the same network, and give `--host=db`: the container's name is
# its host name on the network. The cell body is a small bash script: `mysqladmin ping` waits
# (`--wait=30`: up to 30 seconds) until the new server answers ("mysqld is alive"), then `mysql`
# reads SQL up to the line `SQL`: the notes' query, and a small table to show that the data
# lives in `db`. `--table` draws the results as tables.

# %%
%%podman run -i --rm --network {NET} registry.redhat.io/rhel8/mariadb-103 bash
mysqladmin --host=db --user=user1 --password=redhat123 --wait=30 --silent ping
mysql --host=db --user=user1 --password=redhat123 --table db <<'SQL'
show databases;
drop table if exists components;
create table components (name varchar(20), image varchar(60));
insert into components values ('db', 'rhel8/mariadb-103'), ('web', 'rhel8/httpd-24');
select * from components;
SQL

# %% [markdown]
# That app container is gone (`--rm`); its rows are kept by `db`. The notebook cannot reach
# `db` (no published port), but it can ask an app container again:

# %%
%podman run --rm --network {NET} registry.redhat.io/rhel8/mariadb-103 mysql --host=db --user=user1 --password=redhat123 --table db -e "select name from components order by name;"

# %% [markdown]
# ### The web container reaches `db` by name too
# `web` has no database client, but it can look the name up and open a connection to port 3306
# (bash's `/dev/tcp/HOST/PORT` opens a TCP connection). A MariaDB server greets every new
# connection with its version, then waits for a login: we read the greeting and keep the word
# `MariaDB`. (The address the name resolves to varies, so we print only the name.)

# %%
%%podman exec -i web bash
getent hosts db | awk '{print "db resolves to an address, as", $2}'
exec 3<>/dev/tcp/db/3306
head -c 60 <&3 | tr '\0' '\n' | grep -o MariaDB

# %% [markdown]
# And the other way round: an app container fetches the web server's page by its name `web`
# (HTTP by hand over `/dev/tcp`: a request line, a blank line, then read the answer):

# %%
%%podman run -i --rm --network {NET} registry.access.redhat.com/ubi8/ubi bash
exec 3<>/dev/tcp/web/8080
printf 'GET / HTTP/1.0\r\nHost: web\r\n\r\n' >&3
grep -E 'HTTP/1|<h1>' <&3

# %% [markdown]
# The outside world only sees the web server, through its published port:

# %%
status, page = fetch(WEB_PORT)
print(status, first_line(page, "<h1>"))

# %% [markdown]
# ### Check yourself

# %%
rows = %podman run --rm --network {NET} registry.redhat.io/rhel8/mariadb-103 mysql --host=db --user=user1 --password=redhat123 --batch --skip-column-names db -e "select name from components order by name;"
db_ports = %podman port db
on_net = %podman ps --filter network={NET} --format "{{.Names}}"
assert rows.stdout.split() == ["db", "web"], rows
assert db_ports.ok and not db_ports.stdout.strip(), db_ports
assert sorted(on_net.stdout.split()) == ["db", "web"], on_net
assert status == 200 and "It works!" in page
print("two components, two containers, one network")

# %% [markdown]
# ## 6 · Rootless vs root
# "无根容器": "在容器主机上，可以以root用户或者普通非特权用户运行容器。非特权用户运行的容器称为无根容器" —
# on a container host you can run containers as root or as an ordinary unprivileged user;
# containers run by an unprivileged user are called *rootless* containers. "无根容器更安全，但有限制，
# 无根容器无法通过容器主机的特权端口（低于1024的）发布其网络服务" — rootless containers are safer but
# limited: they cannot publish their services on the host's *privileged ports* (below 1024).
#
# Everything so far ran in the sandbox: as root in a root kernel, or, as an ordinary user,
# already rootless, as you. `%podman --rootless` runs the same commands as an unprivileged user
# (the prompt says which): in a root kernel the kit's account `podman-student`, as an ordinary
# user you yourself. Either way it runs in a rootless world of this notebook, with its own
# containers and storage, apart from the sandbox's. The notes do their demos this way, as
# `user1`. In a root kernel the kit creates the account when it is missing; where rootless
# podman cannot run, the reason is printed below and the rootless commands are refused by the
# kit with that reason (nothing is faked).
#
# A Python cell that needs rootless podman starts with `if rootless_available():` (lesson API): where
# it cannot run, that prints `skipped:` and the reason. `rootless_world()` is the user's side of
# this notebook: its name (`.user`) and uid (`.uid`).

# %%
from kernel_helpers.lesson import rootless_available, rootless_world

if rootless_available():
    print("rootless lessons: available, as user", rootless_world().user)

# %% [markdown]
# The rootless world has its own container table, empty; the sandbox's containers are not in
# it (and the sandbox's table does not list its containers), even when both are yours:

# %%
containers(rootless=True)

# %% [markdown]
# ### Port 80: refused
# A web server on the standard HTTP port 80, as the unprivileged user. Podman's helper that
# forwards ports for rootless containers (`rootlessport`) must listen on the host's port 80, and
# the kernel refuses that to ordinary users (podman's own message, with its advice):

# %%
podman("rm -f -t 0 web", rootless=True)  # left by an earlier run of this cell: removed first, nothing shown
%podman --rootless run -d --name web -p 80:8080 registry.redhat.io/rhel8/httpd-24

# %% [markdown]
# The container was created, but could not start: it stays in the `created` state.

# %%
containers(rootless=True)

# %% [markdown]
# The limit comes from the kernel setting the message names: ports below
# `net.ipv4.ip_unprivileged_port_start` are privileged. This host's value:

# %%
print("net.ipv4.ip_unprivileged_port_start =",
      open("/proc/sys/net/ipv4/ip_unprivileged_port_start").read().strip())

# %% [markdown]
# ### A port above 1023: works
# Remove the failed container, and publish on an unprivileged port instead (`ROOTLESS_PORT`,
# 8080 as in the notes: any free port from 1024 up will do):

# %%
%podman --rootless rm web

# %%
podman("rm -f -t 0 web", rootless=True)  # left by an earlier run of this cell: removed first, nothing shown
%podman --rootless run -d --name web -p {ROOTLESS_PORT}:8080 registry.redhat.io/rhel8/httpd-24

# %%
%podman --rootless port web

# %% [markdown]
# Fetched from the notebook, like the sandbox's server:

# %%
if rootless_available():
    status, page = fetch(ROOTLESS_PORT)
    print("GET http://127.0.0.1:%d/ ->" % ROOTLESS_PORT, status)
    print(first_line(page, "<h1>"))

# %% [markdown]
# ### Check yourself

# %%
if rootless_available():
    refused = %podman --rootless run --rm -p 80:8080 registry.redhat.io/rhel8/httpd-24
    published = %podman --rootless port web
    assert refused.returncode != 0 and "cannot expose privileged port 80" in refused.stderr, refused
    assert published.df.iloc[0]["Host port"] == ROOTLESS_PORT, published
    assert status == 200 and "It works!" in page
    print("rootless: port 80 refused, port", ROOTLESS_PORT, "served")

# %% [markdown]
# ### Who is root in a rootless container?
# Inside, the unprivileged user's container still says `root`:

# %%
rootless_id = %podman --rootless run --rm registry.access.redhat.com/ubi8/ubi id
rootless_id

# %% [markdown]
# It is a root *of a user namespace*: a table that maps user ids inside to user ids on the host.
# `podman unshare CMD` runs CMD in the user's namespace, the one its containers use, and
# `/proc/self/uid_map` is that table: *inside, on the host, how many*. The host's numbers depend
# on the machine, so we print them as labels (the check below compares the real numbers):

# %%
def subuid_start(user):
    """The first subordinate uid of USER in /etc/subuid."""
    for line in open("/etc/subuid"):
        name, start, _count = line.strip().split(":")
        if name == user:
            return int(start)


# %%
def show_uid_map(r):
    """Print a uid_map with the course user's host uids as labels."""
    print(f"{r.prompt} {r.command_line}")
    rw = rootless_world()
    labels = {rw.uid: f"{rw.user}'s own uid",
              subuid_start(rw.user): f"first uid of {rw.user}'s range in /etc/subuid"}
    rows = [line.split() for line in r.stdout.splitlines()]
    table = pd.DataFrame([[int(a), labels.get(int(b), int(b)), int(c)] for a, b, c in rows],
                         columns=["uid inside", "uid on the host", "how many"])
    print(table.to_string(index=False))


# %%
rootless_map = %podman --rootless unshare cat /proc/self/uid_map
if rootless_available():
    show_uid_map(rootless_map)

# %% [markdown]
# Root inside (uid 0) is the user itself on the host (`podman-student`, or you as an ordinary
# user): no more power than that user. The other ids inside (apache's `www-data` is 33) land in
# a range of unused host uids reserved for the user in `/etc/subuid`. For root, `podman
# unshare` has nothing to do (podman's message). As an ordinary user your sandbox is rootless
# too, so this cell and the next two show your own map and users where the text says root's:
# there is no root container in your world.

# %%
%podman unshare cat /proc/self/uid_map

# %% [markdown]
# and a root container has no such mapping: uid 0 inside *is* uid 0 on the host, and every other
# id is itself (4294967295 ids: all of them):

# %%
%podman run --rm registry.access.redhat.com/ubi8/ubi cat /proc/self/uid_map

# %% [markdown]
# The same shows in `podman top`, which can print, for each process of a container, its user
# inside (`user`) and on the host (`huser`). Root's web server first: the same users inside and
# out. (For a root container, podman finds the host's side through the container's cgroup
# folder; where podman itself runs in a container it can miss it and print `?` for `huser`. So
# here the kit's `process_tree` gives it: the user inside from `podman top`, the user on the
# host read in `/proc` on the host. Notebook 05 shows how.) Then the rootless one's, from
# `podman top`: its `root` is the user on the host, and its `www-data` workers (uid 33
# inside) run as a host uid of the range (labelled `subuid+32`: the range's first uid stands
# for uid 1 inside, so uid 33 is 32 further):

# %%
from kernel_helpers import namespaces as ns

ns.process_tree("web")[["user inside", "user on host", "command"]]

# %%
def host_label(word, rw):
    """A host uid printed by podman as a label: the user's own uid, or its place in the range."""
    if word == str(rw.uid):
        return rw.user
    if word.isdigit() and int(word) >= subuid_start(rw.user):
        return f"subuid+{int(word) - subuid_start(rw.user)}"
    return word


# %%
rootless_top = %podman --rootless top web user huser comm
if rootless_available():
    print(f"{rootless_top.prompt} {rootless_top.command_line}   (host uids as labels)")
    rw = rootless_world()
    rows = [[host_label(w, rw) for w in line.split()]
            for line in rootless_top.stdout.splitlines()]
    print(pd.DataFrame(rows[1:], columns=rows[0]).to_string(index=False))

# %% [markdown]
# ### Check yourself

# %%
if rootless_available():
    rw = rootless_world()
    pairs = [tuple(map(int, line.split())) for line in rootless_map.stdout.splitlines()]
    assert pairs == [(0, rw.uid, 1), (1, subuid_start(rw.user), 65536)], pairs
    assert "uid=0(root)" in rootless_id.stdout, rootless_id
    host_users = {line.split()[1] for line in rootless_top.stdout.splitlines()[1:]}
    assert host_users == {str(rw.uid), str(subuid_start(rw.user) + 32)}, host_users
    print("rootless root is", rw.user, "on the host")

# %% [markdown]
# ## Clean up
# Remove every container, the sandbox's and the rootless world's, then our network and the
# images we pulled (the course images in the read-only store stay).

# %%
%podman rm -a -f -t 0

# %%
%podman --rootless rm -a -f -t 0

# %%
%podman network rm {NET}

# %%
%podman rmi registry.redhat.io/rhel8/httpd-24:latest

# %%
%podman rmi registry.redhat.io/rhel8/mariadb-103:latest

# %%
%podman rmi registry.access.redhat.com/ubi8/ubi:latest

# %%
containers()
containers(rootless=True)
nets = %podman network ls
print("our network left:", NET in set(nets.df.iloc[:, 0]) if nets.df is not None else nets)

# %% [markdown]
# ## Your turn: three labs
# As in notebooks 02 and 03: `%lab start NAME` resets the lab and shows the task with its
# hints, you type your commands under **Your answer**, and `%lab grade NAME` checks them, here
# also through the host port: an HTTP request to your page, a MariaDB login to your database.
# The labs use this notebook's ports (`WEB_PORT`, `DB_PORT`) when they are free; the task
# names the port to use.

# %% [markdown]
# ### Lab 04-web-page: publish a web server on a host port and serve your own page

# %%
%lab start 04-web-page

# %% [markdown]
# #### Your answer
# One command per cell; the page is written in a `%%podman exec -i web bash` cell
# (`--rootless` for the rootless labs), the `echo` in its body.

# %% tags=["solution"]
%podman run -d --name web -p {WEB_PORT}:8080 registry.redhat.io/rhel8/httpd-24

# %% tags=["solution"]
%%podman exec -i web bash
echo '<h1>My own page</h1>' > /var/www/html/index.html

# %% tags=["solution"]
%podman port web

# %% [markdown]
# #### Check your work

# %%
%lab grade 04-web-page

# %% [markdown]
# ### Lab 04-mariadb: the notes' MariaDB server, configured by `-e`, reached through a published port
# This notebook's MariaDB demo again, this time as the unprivileged user
# (`%podman --rootless ...`), and with a table of your own in the database.

# %%
%lab start 04-mariadb

# %% [markdown]
# #### Your answer

# %% tags=["solution"]
%podman --rootless run -d --name mydb -e MYSQL_USER=user1 -e MYSQL_PASSWORD=redhat123 -e MYSQL_DATABASE=db -p {DB_PORT}:3306 registry.redhat.io/rhel8/mariadb-103

# %% tags=["solution"]
%%podman --rootless exec -i mydb bash
mysqladmin --host=127.0.0.1 --user=user1 --password=redhat123 --wait=30 --silent ping
mysql --host=127.0.0.1 --user=user1 --password=redhat123 db -e "create table components (name varchar(20)); insert into components values ('db');"

# %% [markdown]
# #### Check your work

# %%
%lab grade 04-mariadb

# %% [markdown]
# ### Lab 04-rootless-port: a rootless web server, on a port from 1024 up
# Section 6's refused port 80, as a lab: the unprivileged user publishes its server on a port
# from 1024 up (`%podman --rootless ...`). The lab reads its port from the variable
# `WEB_PORT`. 04-web-page's server still holds 8000, so the next cell sets `WEB_PORT` to
# `ROOTLESS_PORT` (8080, the notes' port) before `%lab start` (re-run from the top to go back
# to the earlier cells' port).

# %%
WEB_PORT = ROOTLESS_PORT  # the port the next lab, and your -p, use

# %%
%lab start 04-rootless-port

# %% [markdown]
# #### Your answer

# %% tags=["solution"]
%podman --rootless run -d --name web -p {WEB_PORT}:8080 registry.redhat.io/rhel8/httpd-24

# %% tags=["solution"]
%%podman --rootless exec -i web bash
echo '<h1>My rootless page</h1>' > /var/www/html/index.html

# %% tags=["solution"]
%podman --rootless port web

# %% [markdown]
# #### Check your work

# %%
%lab grade 04-rootless-port

# %% [markdown]
# ### Clean up the labs
# Last started, first finished, as in notebook 02.

# %%
%lab finish 04-rootless-port

# %%
%lab finish 04-mariadb

# %%
%lab finish 04-web-page

# %% [markdown]
# ## Recap
# - `-p HOST:CONTAINER` publishes a container's port on the host (`podman port` lists the
#   mappings); a firewall on the host decides who else may reach it.
# - `-e NAME=VALUE` configures what runs inside without rebuilding the image, as the MariaDB
#   image reads `MYSQL_USER`, `MYSQL_PASSWORD` and `MYSQL_DATABASE` at its first start.
# - Rootless containers run as an ordinary user: ports below 1024 are refused, and the
#   container's root is that user on the host.
# - One component per container; containers on one podman network reach each other by name.
#
# **Next:** [05 · Namespaces](05_namespaces.ipynb): what a container shares with the host, and
# what it does not, and its labs 05-shared-pid and 05-rootless-uids.
