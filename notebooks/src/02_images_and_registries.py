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
# # 02 · Images and registries: names, search, pull, inspect, layers, rmi
#
# **Lecture notes:** "从容器镜像运行容器" (running containers from container images),
# "使用Podman管理容器" (managing containers with Podman: podman and skopeo),
# "选择容器镜像image和注册表registry" (choosing images and registries), "红帽镜像仓库" (Red Hat's
# registries), "容器命名规则" (image naming rules), "配置容器注册表" (configuring registries:
# `registries.conf`, `podman info`), "podman search", "skopeo inspect / podman inspect" and
# "移除本地容器镜像" (removing local images: `podman rmi`).
#
# An *image* is what a container is made from. A *registry* is the server that stores images.
# This notebook shows where images come from, how they are named, how to find, download, inspect,
# copy, extend and remove them, all with real commands.
#
# **You will learn to**
# - say what an image is (a read-only blueprint made of layers, in the OCI format);
# - split an image name into `registry/user/image:tag`, and know that a missing tag means `latest`;
# - read `registries.conf` in its old (v1) and current (v2) formats, and see a blocked registry refused;
# - search a registry with `podman search` and its options;
# - pull an image and list local images with `podman images`;
# - inspect a remote image with `skopeo inspect` and a local one with `podman inspect`;
# - copy an image between registries with `skopeo copy` (and delete it with `skopeo delete`);
# - see the layers of an image (`podman history`), add your own layer with `podman build`;
# - remove images with `podman rmi`, and watch the `latest` tag move to a new build.
#
# > **About the images.** Every image in this course is a *locally built stand-in*, made from
# > Debian packages by the kit's recipes in `images/` and served by the **classroom registry** on
# > this machine. None of them is a Red Hat image, even when its name (`ubi8/ubi`,
# > `rhel8/httpd-24`, …) is the one the notes use. Each carries the label `course.stand-in=true`.

# %% tags=["parameters"]
# Parameters (a batch run of the notebook may give other values)
TIMEOUT = 120
COPY_TAG = ""         # tag for the skopeo copy; "" = a tag unique to this run (from the sandbox id)
APP = "localhost/myapp"  # the image this notebook builds (lives only in this notebook's sandbox)

# %% [markdown]
# ## Load the kit
# `%load_ext kernel_helpers` gives this notebook `%podman` and `%skopeo`, running in a private
# *sandbox*: its own image storage and containers, sharing the course images read-only.

# %%
%load_ext kernel_helpers
%config PodmanMagics.timeout = TIMEOUT

import json
import os

import pandas as pd
from kernel_helpers import classroom, parsers
from kernel_helpers.lesson import podman

# %% [markdown]
# ## 1. What is an image?
#
# The notes: "容器镜像作为创建容器的蓝图" — *an image is the blueprint a container is created from*.
# It packs the application **with all its dependencies** (system libraries, language libraries,
# configuration, data files). "容器镜像只读，不可更改；但是可以在它上面增加新层产生新的镜像" — *an
# image is read-only and cannot be changed, but you can add new layers on top of it to make a new
# image*. The format is standardised by the **OCI** (Open Container Initiative): how layers and
# metadata (operating system, CPU architecture) are stored, so any OCI tool can use any OCI image.
#
# ```
#   your new image        ┌──────────────────────────────┐  <- one new layer (your change)
#                         ├──────────────────────────────┤
#   httpd-24 image        │ apache2 (httpd), config, page│  <- layers added by its recipe
#                         ├──────────────────────────────┤
#   ubi8/ubi image        │ base OS files (bash, ps, …)  │  <- base layer, shared by all three
#                         └──────────────────────────────┘
# ```
#
# ## 2. The tools: podman and skopeo
# "podman：直接管理容器和容器镜像" — *podman manages containers and images*;
# "skopeo：用于检查，复制，删除和签署镜像" — *skopeo inspects, copies, deletes and signs images,
# directly in registries* (no local copy needed). Both follow the OCI standards, so they work with
# images made by Docker too. Their versions on this machine:

# %%
%podman version

# %%
%skopeo --version

# %% [markdown]
# ## 3. Registries
# "容器注册表：用于存储和检索容器镜像的存储库，包括共有镜像仓库和私有镜像仓库" — *a registry stores
# images and serves them*; it can be **public** (anyone may pull, e.g. Docker Hub, quay.io) or
# **private** (a company's own, usually with a login). Red Hat's registries, in the notes:
#
# | registry | what it holds |
# |---|---|
# | `registry.redhat.io` | containers based on official Red Hat products (login needed) |
# | `registry.connect.redhat.com` | containers based on third-party products |
# | `registry.access.redhat.com` | public images such as UBI (Universal Base Image) |
# | https://access.redhat.com/containers | the web catalog to browse them |
#
# This course has no Internet access, so the **classroom registry** replaces them: a real registry
# server (Debian's `docker-registry`) on this machine, with two doors for learners:
# `localhost:5000` (anyone may pull, read-only: the course images) and `localhost:5001` (login
# `student`/`redhat123`, may push and delete). The push door keeps a **store of its own**, so
# nothing a learner pushes can replace the course images that everybody pulls from 5000. (The kit
# itself pushes the course images through a third door, with an account of its own.) The catalog
# of the course images, read through the registry's HTTP API (`/v2/_catalog`):

# %%
catalog = pd.DataFrame(classroom.catalog())
catalog["tags"] = catalog["tags"].map(", ".join)
catalog

# %% [markdown]
# ## 4. Image names: `registry/user/image:tag`
# "容器镜像命名格式：registry_name/user_name/image_name:tag":
# - **registry**: the registry's host name (usually a fully qualified domain name, maybe with a port);
# - **user**: the user or organisation owning the image (`ubi8`, `rhel8`, …);
# - **image**: the image name, unique inside that user's namespace;
# - **tag**: the version. "如果镜像名称中不含tag，将默认使用latest" — *no tag means `latest`*.
#
# The kit's parser applies podman's own rules. A first part counts as a registry only if it has a
# `.` or a `:` or is `localhost`; otherwise the name is a **short name** (registry empty), which
# podman completes using `registries.conf` (section 5).

# %%
examples = ["registry.access.redhat.com/ubi8/ubi:latest", "registry.redhat.io/rhel8/httpd-24:1-105",
            "ubi", "rhel8/mariadb-103", "localhost:5000/busybox"]
names = pd.DataFrame([{"reference": ref, **parsers.split_image_reference(ref)} for ref in examples])
names.drop(columns="digest").fillna("—")

# %% [markdown]
# ### No tag means `latest`, for real
# We pull `localhost:5000/ubi7/ubi` without a tag. The parser predicts `latest`, and podman's own
# first line says which tag it is fetching.

# %%
print(parsers.split_image_reference("localhost:5000/ubi7/ubi")["tag"])

# %%
%podman pull localhost:5000/ubi7/ubi

# %%
pulled = %podman images
ubi7 = pulled.df[pulled.df["Repository"] == "localhost:5000/ubi7/ubi"]
print(ubi7[["Repository", "Tag", "Read-only"]].sort_values("Read-only").to_string(index=False))
assert set(ubi7["Tag"]) == {"latest"}

# %% [markdown]
# Two rows, same image: `Read-only True` is the course's shared read-only store (every sandbox sees
# it), `Read-only False` is the copy you just pulled into your own sandbox. Both are tagged `latest`.
#
# ## 5. `registries.conf`: where short names go, insecure and blocked registries
# The notes show `cat /etc/containers/registries.conf` in the **version 1** format of that time:

# %%
REGISTRIES_CONF_V1 = """\
[registries.search]
registries = ['registry.access.redhat.com', 'registry.redhat.io']

[registries.insecure]
registries = []

[registries.block]
registries = []
"""
print(REGISTRIES_CONF_V1)

# %% [markdown]
# - `[registries.search]`: registries tried, in order, for a short name ("搜索时可以补全域名");
# - `[registries.insecure]`: registries podman may talk to without verified TLS ("不会使用TLS加密"):
#   plain HTTP **or** HTTPS whose certificate is not checked (self-signed, expired, wrong name);
# - `[registries.block]`: registries never to use.
#
# Podman 4 still reads that format but everyone now writes **version 2**: the search list became
# `unqualified-search-registries = [...]`, and each registry gets a `[[registry]]` table with
# `insecure = true` (the same meaning: plain HTTP, or TLS without certificate checks) or
# `blocked = true`, and optionally a `location` that *remaps* a name to another server. This is
# the sandbox's real file (written by the kit, commented):

# %%
print(open(os.environ["CONTAINERS_REGISTRIES_CONF"]).read())

# %% [markdown]
# The two versions side by side:
#
# | idea | v1 (the notes) | v2 (today) |
# |---|---|---|
# | registries for short names | `[registries.search]` `registries = [...]` | `unqualified-search-registries = [...]` |
# | plain HTTP or unverified TLS | `[registries.insecure]` `registries = [...]` | `[[registry]]` `location = "..."` `insecure = true` |
# | forbidden | `[registries.block]` `registries = [...]` | `[[registry]]` `prefix = "..."` `blocked = true` |
# | redirect a name to another server | — | `[[registry]]` `prefix = "..."` `location = "..."` |
# | short-name aliases | — | `[aliases]` `"ubi" = "registry.access.redhat.com/ubi8/ubi"` |
#
# ### A blocked registry, really refused
# `blocked.example.com` is blocked. Podman refuses before touching the network:

# %%
r = %podman pull blocked.example.com/foo/bar
r

# %%
assert r.returncode != 0
assert "registry blocked.example.com is blocked" in r.stderr
print("exit status:", r.returncode)
print(next(line for line in r.stderr.splitlines() if "is blocked" in line))

# %% [markdown]
# ### What `podman info` says
# "podman info：显示podman配置信息，包括其配置的注册表" — *`podman info` shows podman's configuration,
# including the registries*. The kit turns its `registries` part into a table:

# %%
info = %podman --raw info --format json
registries = parsers.registries_frame(info.stdout)
registries

# %%
assert registries.attrs["search"] == ["localhost:5000"]
assert registries.set_index("Prefix").loc["blocked.example.com", "Blocked"]
assert registries.set_index("Prefix").loc["registry.redhat.io", "Location"] == "localhost:5000"
print("search list:", registries.attrs["search"])

# %% [markdown]
# ## 6. `podman search`
# "通过命令podman search ubi 搜索" — `podman search ubi` looks for `ubi` in every registry of
# `unqualified-search-registries`. Here that list is only the classroom, so it finds the two stand-ins:

# %%
%podman search ubi

# %% [markdown]
# **A remap that search does not follow.** `podman search` asks the registry *named* in the search
# term and does not follow the `location` remaps above: on its own, `podman search
# registry.redhat.io/rhel8` (from the notes) would try the real Red Hat server, which cannot be
# reached from here. So the kit rewrites the term to the remap's location before podman runs, and
# says so in a note under the result:

# %%
r = %podman search registry.redhat.io/rhel8
r

# %%
assert r.ok and r.df is not None and len(r.df) > 0
assert "localhost:5000" in r.note
print("found:", ", ".join(r.df["Name"]))

# %% [markdown]
# What really ran is the classroom's own name, `localhost:5000/rhel8`, which means *images whose
# name contains `rhel8` in registry localhost:5000*. In a terminal on a real RHEL machine you would
# type the notes' command as it is. The same rewrite applies to `skopeo inspect` and `skopeo
# list-tags` of a remapped name (section 8).

# %%
%podman search localhost:5000/rhel8

# %% [markdown]
# ### The options of `podman search`
# Each one, on the classroom registry. (`localhost:5000/` with nothing after the slash means
# "everything in that registry".)
#
# `--limit N`: at most N results.

# %%
%podman search --limit 2 localhost:5000/

# %% [markdown]
# `--filter`: keep only some results: `stars=N` (at least N stars), `is-official=true|false`,
# `is-automated=true|false`. A plain registry like the classroom (Docker Hub has stars, this one
# does not) reports 0 stars and "not official" for everything, so `is-official=false` keeps all
# and `stars=1` keeps nothing:

# %%
%podman search --filter is-official=false localhost:5000/rhel8

# %%
r = %podman search --filter stars=1 localhost:5000/rhel8
r

# %%
assert r.ok and r.df.empty
print("stars=1 keeps:", len(r.df), "results")

# %% [markdown]
# `--format`: choose the output with a Go template; `{{.Name}}` prints only the names (the kit then
# shows podman's text, not a table):

# %%
%podman search --format "{{.Name}}" localhost:5000/rhel8

# %% [markdown]
# `--no-trunc`: do not shorten long descriptions. Docker Hub descriptions are long; the classroom's
# registry API has no descriptions at all, so the output is the same as without it:

# %%
%podman search --no-trunc localhost:5000/rhel8

# %% [markdown]
# `--list-tags`: list the tags of one repository (the versions you can pull):

# %%
tags = %podman search --list-tags localhost:5000/rhel8/httpd-24
tags

# %%
assert set(tags.df["Tag"]) == {"1-105", "latest"}
print("httpd-24 tags:", sorted(tags.df["Tag"]))

# %% [markdown]
# ## 7. `podman pull` and `podman images`
# The notes: `podman pull registry.access.redhat.com/ubi8/ubi:latest`. We type exactly that. The
# sandbox's `registries.conf` **remaps** `registry.access.redhat.com` to `localhost:5000`, so podman
# fetches the classroom stand-in but keeps the name you asked for. (It is the same trick a company
# mirror uses; the image is still not Red Hat's.)

# %%
%podman pull registry.access.redhat.com/ubi8/ubi:latest

# %% [markdown]
# "查看本地存储镜像：podman images" — *list the images stored locally*. Sizes, IDs and dates are left
# out of the table below (they change with every rebuild of the course images; `images.df` has
# them all: `Image ID`, `Created`, `Size`), and the rows are sorted by us, not by podman:

# %%
images = %podman images
images.df[["Repository", "Tag", "Read-only"]].sort_values(["Read-only", "Repository", "Tag"],
                                                           ignore_index=True)

# %% [markdown]
# ### Check yourself
# The name you pulled is local and writable (in your sandbox); the course images are read-only.

# %%
mine = images.df[~images.df["Read-only"]]
assert set(mine["Repository"]) == {"registry.access.redhat.com/ubi8/ubi", "localhost:5000/ubi7/ubi"}
assert set(mine["Tag"]) == {"latest"}
same = images.df.set_index("Repository").loc[["registry.access.redhat.com/ubi8/ubi"], "Image ID"]
assert set(same) <= set(images.df.loc[images.df["Repository"] == "localhost:5000/ubi8/ubi", "Image ID"])
print("all good: the remapped pull is the classroom's ubi8/ubi image")

# %% [markdown]
# ## 8. `skopeo inspect` (remote) vs `podman inspect` (local)
# "skopeo inspect：检查注册表中的远程容器镜像" — *skopeo inspects an image **in the registry***,
# without downloading it. "podman inspect：检查本地存储的镜像信息" — *podman inspects an image
# **stored locally***. skopeo reads the image itself through the remap, but the list of tags it
# adds (`RepoTags`, and all of `skopeo list-tags`) is asked of the registry *named*, which cannot
# be reached from here. So the kit rewrites a command on the notes' image name
# `registry.redhat.io/rhel8/httpd-24` to the classroom, and says so in a note:

# %%
notes_cmd = %skopeo inspect docker://registry.redhat.io/rhel8/httpd-24
assert notes_cmd.ok and "localhost:5000" in notes_cmd.note
notes_cmd.note

# %% [markdown]
# From here on we name the classroom directly, and the tag `1-105`:

# %%
remote = %skopeo inspect docker://localhost:5000/rhel8/httpd-24:1-105
remote

# %% [markdown]
# `skopeo inspect` shows the manifest's facts, not the command the image runs; `--config` shows the
# image's configuration (with `Cmd`):

# %%
remote_config = %skopeo --raw inspect --config docker://localhost:5000/rhel8/httpd-24:1-105
print(json.dumps(json.loads(remote_config.stdout)["config"]["Cmd"]))

# %% [markdown]
# The same image is in local storage already (the course's read-only store), so `podman inspect`
# works without a pull:

# %%
local = %podman inspect localhost:5000/rhel8/httpd-24:1-105
local.df[["RepoTags", "Layers", "Cmd", "Architecture"]]

# %% [markdown]
# Side by side, the fields both tools know about (digests, dates and the recipe hash are left out):

# %%
r_json = json.loads(remote.stdout)
l_json = json.loads(local.stdout)[0]
labels = ["course.stand-in", "course.httpd.version"]
side = pd.DataFrame({
    "skopeo inspect (registry)": [r_json["Architecture"], r_json["Os"], len(r_json["Layers"]),
                                  json.dumps(json.loads(remote_config.stdout)["config"]["Cmd"]),
                                  *[r_json["Labels"][k] for k in labels]],
    "podman inspect (local)": [l_json["Architecture"], l_json["Os"], len(l_json["RootFS"]["Layers"]),
                               json.dumps(l_json["Config"]["Cmd"]),
                               *[l_json["Labels"][k] for k in labels]],
}, index=["Architecture", "Os", "Layer count", "Cmd", *[f"label {k}" for k in labels]])
print(side.to_string())

# %%
assert (side.iloc[:, 0] == side.iloc[:, 1]).all()
print("remote and local agree on every row: True")

# %% [markdown]
# ## 9. `skopeo copy`: registry to registry
# skopeo copies an image **directly between registries**, with no local copy. We copy busybox from
# the pull door (`localhost:5000`) to the push door (`localhost:5001`), which needs the login first.
# skopeo uses the same login file as podman (`REGISTRY_AUTH_FILE`), so one `podman login` serves both.

# %%
%podman login localhost:5001 -u student -p redhat123

# %% [markdown]
# Where does the copy go? Into the push door's own store, which every learner of this machine
# shares (the kit put a `busybox:latest` there too), and a registry never forgets a repository
# name once something was pushed to it. So we push a **new tag** into the existing `busybox`
# repository (unique to this run, so two notebooks running at once never collide), rather than
# creating a new repository that would stay in everybody's catalog.
#
# `--format v2s2` converts the manifest from OCI to Docker's format. This matters for the clean-up:
# a registry deletes a *manifest* (by its digest), and with it **every tag pointing to it**. An
# identical copy would share the digest of `busybox:latest`, and deleting our tag would delete
# `latest` too. The converted copy has its own digest, so it can be deleted alone.

# %%
COPY_TAG = COPY_TAG or f"copy-{os.environ['PODMAN_COURSE_SANDBOX']}"
SRC = "docker://localhost:5000/busybox:latest"
DST = f"docker://localhost:5001/busybox:{COPY_TAG}"

# %%
%skopeo copy --format v2s2 {SRC} {DST}

# %% [markdown]
# The registry now lists the new tag (`skopeo list-tags` asks `/v2/busybox/tags/list`):

# %%
listed = %skopeo list-tags docker://localhost:5001/busybox
assert COPY_TAG in json.loads(listed.stdout)["Tags"]
print("our tag is in the registry:", COPY_TAG in json.loads(listed.stdout)["Tags"])

# %% [markdown]
# Same files, different manifest: the copy has its own digest, so it is safe to delete alone.

# %%
src_info = %skopeo --raw inspect {SRC}
dst_info = %skopeo --raw inspect {DST}
src_digest = json.loads(src_info.stdout)["Digest"]
dst_digest = json.loads(dst_info.stdout)["Digest"]
print("digest of the original:", src_digest)
print("digest of the copy:    ", dst_digest)

# %%
assert src_digest != dst_digest, "refusing to delete: the copy shares busybox:latest's manifest"
%skopeo delete {DST}

# %%
listed = %skopeo list-tags docker://localhost:5001/busybox
after = json.loads(listed.stdout)["Tags"]
assert COPY_TAG not in after and "latest" in after
print("our tag gone:", COPY_TAG not in after, "| latest still there:", "latest" in after)

# %% [markdown]
# ## 10. Layers: `podman history` and adding a layer
# `podman history` lists the steps that made an image, newest first. Steps that only change
# metadata (LABEL, CMD, EXPOSE) add 0 bytes; `RUN`, `COPY` and `ADD` add a layer of files.

# %%
hist = %podman history localhost:5000/rhel8/httpd-24:1-105
hist.df[["CreatedBy", "Comment"]].assign(CreatedBy=hist.df["CreatedBy"].str.slice(0, 90))

# %%
metadata_only = hist.df["CreatedBy"].str.contains("#(nop)", regex=False) & \
    ~hist.df["CreatedBy"].str.contains(r"#\(nop\) (?:COPY|ADD)")
print("history steps:", len(hist.df), "| of them adding files:", int((~metadata_only).sum()))
print("metadata-only steps have size 0:", (hist.df.loc[metadata_only, "Size"] == "0 B").all())
print("file-adding steps have size > 0:", (hist.df.loc[~metadata_only, "Size"] != "0 B").all())

# %% [markdown]
# Now we add **our own layer** on top of the `ubi8/ubi` stand-in with `podman build`. The cell body
# is the *Containerfile* (the recipe), fed to `podman build -f -`. One `RUN` line adds one layer.
#
# The build's output ends with the new image's ID: it changes with every build.

# %%
%%podman build -t {APP}:v1 -f - .
FROM localhost:5000/ubi8/ubi:latest
RUN echo "myapp version 1" > /etc/myapp-release

# %% [markdown]
# `RootFS.Layers` in `podman inspect` is the list of the image's layers, bottom first. If the new
# image shares the base's layers, the base's list is the **beginning** of the new one.
# `podman(...)` is `%podman` as a Python function (from the kit's lesson API,
# `kernel_helpers.lesson`): it returns the same result, without showing it.

# %%
def inspect(image):
    """podman inspect IMAGE, as a dict."""
    return json.loads(podman(["inspect", image]).stdout)[0]


def layers(image):
    return inspect(image)["RootFS"]["Layers"]


# %%
base_layers = layers("localhost:5000/ubi8/ubi:latest")
app_layers = layers(f"{APP}:v1")
httpd_layers = layers("localhost:5000/rhel8/httpd-24:1-105")
print("ubi8/ubi layers:", len(base_layers))
print("myapp:v1 layers:", len(app_layers))
print("myapp:v1 starts with all of ubi8/ubi's layers:", app_layers[:len(base_layers)] == base_layers)
print("httpd-24 starts with them too:", httpd_layers[:len(base_layers)] == base_layers)

# %% [markdown]
# The base layer is stored **once** and used by all three images: that is why images built on a
# common base are cheap to store and to pull.
#
# ## 11. `latest` moves: tagging a new build
# "容器镜像更新时，发布者通过修改latest标签" — *when an image is updated, the publisher moves the
# `latest` tag*. We tag v1 as `latest`, build a changed v2 (`-q` prints only the new ID), and tag it
# `latest` again.

# %%
%podman tag {APP}:v1 {APP}:latest

# %%
def image_id(image):
    return inspect(image)["Id"]

latest_before = image_id(f"{APP}:latest")
print("image ID of latest:", latest_before[:12])
print("image ID of v1:    ", image_id(f"{APP}:v1")[:12])
assert latest_before == image_id(f"{APP}:v1")

# %%
%%podman build -q -t {APP}:v2 -f - .
FROM localhost:5000/ubi8/ubi:latest
RUN echo "myapp version 2" > /etc/myapp-release

# %%
%podman tag {APP}:v2 {APP}:latest

# %%
latest_after = image_id(f"{APP}:latest")
print("image ID of latest, before:", latest_before[:12])
print("image ID of latest, now:   ", latest_after[:12])
print("image ID of v2:            ", image_id(f"{APP}:v2")[:12])
assert latest_after != latest_before and latest_after == image_id(f"{APP}:v2")
mine = %podman images {APP}
print(mine.df[["Repository", "Tag"]].sort_values("Tag").to_string(index=False))

# %%
%podman run --rm {APP}:latest cat /etc/myapp-release

# %% [markdown]
# ## 12. `podman rmi`
# "默认删除容器镜像前，先删除使用此镜像的容器" — *before removing an image, remove the containers
# that use it*. A container made from `myapp:v1` (it ran and exited, but it still exists):

# %%
podman("rm -f myapp-user")  # left by an earlier run of this cell: removed first, nothing shown
%podman run --name myapp-user {APP}:v1 cat /etc/myapp-release

# %%
r = %podman rmi {APP}:v1
r

# %%
assert r.returncode != 0 and "image is in use by a container" in r.stderr
print("exit status:", r.returncode)
print("podman says:", r.stderr.split(": ", 2)[-1].strip())

# %% [markdown]
# Remove the container first, then the image (`podman rmi -f` would remove both at once):

# %%
%podman rm myapp-user

# %%
%podman rmi {APP}:v1

# %% [markdown]
# The course images themselves cannot be removed: they live in the read-only shared store.

# %%
r = %podman rmi localhost:5000/busybox:latest
assert r.returncode != 0 and "cannot remove read-only image" in r.stderr, r
r

# %% [markdown]
# ### Check yourself
# v1 is gone; `latest` and `v2` are one image; no container is left.

# %%
left = %podman images {APP}
ps = %podman ps -a
assert sorted(left.df["Tag"]) == ["latest", "v2"], left.df
assert left.df["Image ID"].nunique() == 1
assert ps.df.empty
print("all good")

# %% [markdown]
# ## Explore on your own: the registry explorer
# Everything above in one widget: the classroom catalog (pick an image to see what
# `skopeo inspect` says about it, and its layers), a **Pull** button that runs `podman pull`,
# and a box that splits any image name into registry / user / image / tag as you type. Every
# button shows the exact command it ran. Images you pull here stay in this notebook's sandbox:
# remove them with `%podman rmi NAME` before the clean-up below.

# %%
from kernel_helpers.widgets import explorer

explorer()

# %% [markdown]
# ## Clean up
# Remove what this notebook built, tagged and pulled, and log out of the push door.

# %%
%podman rmi {APP}:latest {APP}:v2 registry.access.redhat.com/ubi8/ubi:latest localhost:5000/ubi7/ubi:latest

# %% [markdown]
# Images you pulled yourself (for example with the explorer's **Pull** button) go too: every
# image that is not one of the read-only course images.

# %%
listing = %podman images
yours = sorted({f"{r}:{t}" for r, t, ro in zip(listing.df["Repository"], listing.df["Tag"],
                                               listing.df["Read-only"], strict=True) if not ro})
for image in yours:
    podman(["rmi", image])
print("images you pulled yourself, now removed:", len(yours))

# %%
%podman logout localhost:5001

# %%
final = %podman images
assert final.df["Read-only"].all(), final.df
print("only the read-only course images are left:", final.df["Read-only"].all())

# %% [markdown]
# ## Your turn: two labs
# Now you do it, and the kit checks your work on the real engine. Each lab follows the same
# steps:
# - `%lab start NAME` resets the lab, prepares what the task assumes and shows the task, with
#   hints that open one at a time (click **Hint 1** first, and open the next only if you need it);
# - you type your commands in the cells under **Your answer** (`%podman ...`, one per cell);
# - `%lab grade NAME` checks what you did: one row per check, PASS or FAIL, and a hint for
#   each FAIL. It changes nothing: grade as often as you like. Starting again resets the lab.
#
# `%lab list` shows every lab of the course; `%lab?` explains the format a teacher writes
# labs in.

# %% [markdown]
# ### Lab 02-push-classroom: search, pull and tag an image, then push it to the classroom
# The whole image workflow of this notebook, end to end, with the course login (`student`).
# Your repository on the shared push door is named after your sandbox, so the two names the
# task uses are also variables here: `SANDBOX` and `PUSH` (`%podman` expands `{SANDBOX}` and
# `{PUSH}` in a line).

# %%
import os

from kernel_helpers import endpoints

SANDBOX = os.environ["PODMAN_COURSE_SANDBOX"]  # your sandbox's name
PUSH = endpoints.push_host()                   # the classroom's push door
print("your repository will be", f"{PUSH}/{SANDBOX}/myubi")

# %%
%lab start 02-push-classroom

# %% [markdown]
# #### Your answer
# One command per cell (the student edition leaves these cells empty for you).

# %% tags=["solution"]
%podman search ubi

# %% tags=["solution"]
%podman pull -q registry.access.redhat.com/ubi8/ubi:latest

# %% tags=["solution"]
%podman tag registry.access.redhat.com/ubi8/ubi:latest {PUSH}/{SANDBOX}/myubi:v1

# %% tags=["solution"]
%podman login -u student -p redhat123 {PUSH}

# %% tags=["solution"]
%podman push -q {PUSH}/{SANDBOX}/myubi:v1

# %% [markdown]
# #### Check your work

# %%
%lab grade 02-push-classroom

# %% [markdown]
# ### Lab 02-retire-v1: release v2 of an image, move `latest` to it, and remove v1
# This notebook's `podman build`, `podman tag` and `podman rmi`, as a publisher uses them: a
# new version, the `latest` tag moved, the old version retired. `%lab start` builds your v1
# and a container that used it.

# %%
%lab start 02-retire-v1

# %% [markdown]
# #### Your answer
# The build is a cell of its own (`%%podman build ... -f - .`, the Containerfile in the cell
# body); then one command per cell.

# %% tags=["solution"]
%%podman build -q -t localhost/myapp:v2 -f - .
FROM localhost:5000/ubi8/ubi:latest
RUN echo "myapp version 2" > /etc/myapp-release

# %% tags=["solution"]
%podman tag localhost/myapp:v2 localhost/myapp:latest

# %% tags=["solution"]
%podman rm myapp-user

# %% tags=["solution"]
%podman rmi localhost/myapp:v1

# %% [markdown]
# #### Check your work

# %%
%lab grade 02-retire-v1

# %% [markdown]
# ### Clean up the labs
# `%lab finish` removes what a lab and you made since its start (images, containers, your
# repository on the push door) and logs you out. Last started, first finished: each finish
# then removes only its own lab's work.

# %%
%lab finish 02-retire-v1

# %%
%lab finish 02-push-classroom

# %% [markdown]
# ## Recap
# - An image is a read-only stack of layers, named `registry/user/image:tag` (no tag means
#   `latest`); `registries.conf` decides where a short or remapped name is pulled from.
# - `podman search`, `pull`, `images`, `inspect` and `skopeo inspect` find and read images;
#   `skopeo copy` copies them from registry to registry, without a local pull.
# - `podman build` adds your layer; `podman tag` gives an image another name; `podman rmi`
#   removes a name, and refuses while a container still uses the image.
#
# **Next:** [03 · Running containers](03_running_containers.ipynb): `run`, `ps`, `exec`,
# `stop`, `start`, `rm`, and its labs 03-rhel7 and 03-entrypoint.
