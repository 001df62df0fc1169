"""The classroom on JupyterHub: one ordinary Unix account per learner, the teacher's grades.

Modules (each owns one concern; nothing here is imported by the kernel-side kit except
``records`` in ``labs``):
- ``accounts``: the roster (CSV: login, name) and the learners' Unix accounts.
- ``config``: the generated ``jupyterhub_config.py`` (spawner, authenticator, proxy, services,
  per-learner environment: port block, grades URL, limits).
- ``cli``: ``python -m kernel_helpers hub up|down|status``.
- ``grades_service``: the teacher's view, a JupyterHub service (learners × labs, CSV export).
  ``grades_service.service_config(python, state)`` gives the hub's ``services`` entry and the
  ``load_roles`` it needs; the kernels post grades to ``GRADES_PATH`` below the hub's URL.
"""

SERVICE_NAME = "grades"
GRADES_PATH = f"/services/{SERVICE_NAME}/api/grades"  # below the hub's public URL
GRADES_URL_ENV = "PODMAN_COURSE_GRADES_URL"  # set by the hub in every learner's server
