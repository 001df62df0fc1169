"""Which podman and skopeo options take a value: GENERATED, do not edit.

Made by ``scripts/record-podman-flags.py`` from the ``--help`` texts recorded under
``tests/data/TOOL-help/VERSION/`` (the union over the versions), plus the options
that ``--help`` hides (``HIDDEN`` there). Each command path maps to its options:
``"-p/--publish="`` takes a value, ``"-d/--detach"`` does not; the path ``""`` holds
the global options. ``*_SAME`` maps the other command paths (aliases, and commands
with the very same options) to the path whose options they take.
"""

PODMAN_VERSIONS = ("4.3.1", "5.4.2")

PODMAN = {
    "": (
        "--cgroup-manager= --config= --conmon= -c/--connection= --context= --cpu-profile= --db-backend= "
        "-D/--debug --default-mounts-file= --events-backend= --help --hooks-dir= -H/--host= --identity= "
        "--imagestore= --log-level= --max-workers= --memory-profile= --module= --namespace= "
        "--network-backend= --network-cmd-path= --network-config-dir= --noout --out= --pull-option= "
        "--registries-conf= -r/--remote --root= --runroot= --runtime-flag= --runtime= --ssh= "
        "--storage-driver= --storage-opt= --syslog --tmpdir= --trace --transient-store --url= "
        "-v/--version --volumepath="),
    "artifact": "",
    "artifact add": "--annotation= --type=",
    "artifact inspect": "",
    "artifact ls": "--format= --no-trunc -n/--noheading",
    "artifact pull": (
        "--authfile= --cert-dir= --creds= --decryption-key= -q/--quiet --retry-delay= --retry= "
        "--tls-verify"),
    "artifact push": (
        "--authfile= --cert-dir= --creds= --digestfile= -q/--quiet --retry-delay= --retry= "
        "--sign-by-sigstore-private-key= --sign-by-sigstore= --sign-by= --sign-passphrase-file= "
        "--tls-verify"),
    "artifact rm": "",
    "attach": "--detach-keys= -l/--latest --no-stdin --sig-proxy",
    "auto-update": "--authfile= --dry-run --format= --rollback --tls-verify",
    "build": (
        "--add-host= --all-platforms --annotation= --arch= --authfile= --build-arg-file= --build-arg= "
        "--build-context= --cache-from= --cache-to= --cache-ttl= --cap-add= --cap-drop= --cert-dir= "
        "--cgroup-parent= --cgroupns= --compat-volumes --compress --cpp-flag= --cpu-period= --cpu-quota= "
        "-c/--cpu-shares= --cpuset-cpus= --cpuset-mems= --creds= --cw= --decryption-key= --device= "
        "-D/--disable-compression --disable-content-trust --dns-option= --dns-search= --dns= --env= "
        "-f/--file= --force-rm --format= --from= --group-add= --hooks-dir= --http-proxy --identity-label "
        "--ignorefile= --iidfile= --ipc= --isolation= --jobs= --label= --layer-label= --layers "
        "--logfile= --logsplit --manifest= --memory-swap= -m/--memory= --network= --no-cache "
        "--no-hostname --no-hosts --omit-history --os-feature= --os-version= --os= -o/--output= --pid= "
        "--platform= --pull -q/--quiet --retry-delay= --retry= --rm --runtime-flag= --sbom-image-output= "
        "--sbom-image-purl-output= --sbom-merge-strategy= --sbom-output= --sbom-purl-output= "
        "--sbom-scanner-command= --sbom-scanner-image= --sbom= --secret= --security-opt= --shm-size= "
        "--sign-by= --skip-unused-stages --squash --squash-all --ssh= --stdin -t/--tag= --target= "
        "--timestamp= --tls-verify --ulimit= --unsetenv= --unsetlabel= --userns-gid-map-group= "
        "--userns-gid-map= --userns-uid-map-user= --userns-uid-map= --userns= --uts= --variant= "
        "-v/--volume="),
    "commit": (
        "-a/--author= -c/--change= --config= -f/--format= --iidfile= --include-volumes -m/--message= "
        "-p/--pause -q/--quiet -s/--squash"),
    "container": "",
    "container checkpoint": (
        "-a/--all -c/--compress= --create-image= -e/--export= --file-locks --ignore-rootfs "
        "--ignore-volumes -k/--keep -l/--latest -R/--leave-running -P/--pre-checkpoint --print-stats "
        "--tcp-established --with-previous"),
    "container cleanup": "-a/--all --exec= -l/--latest --rm --rmi",
    "container clone": (
        "--blkio-weight-device= --blkio-weight= --cpu-period= --cpu-quota= --cpu-rt-period= "
        "--cpu-rt-runtime= -c/--cpu-shares= --cpus= --cpuset-cpus= --cpuset-mems= --destroy "
        "--device-read-bps= --device-write-bps= -f/--force --memory-reservation= --memory-swap= "
        "--memory-swappiness= -m/--memory= --name= --pod= --run"),
    "container exists": "--external",
    "container inspect": "-f/--format= -l/--latest -s/--size",
    "container list": (
        "-a/--all --external -f/--filter= --format= -n/--last= -l/--latest --no-trunc --noheading --ns "
        "-p/--pod -q/--quiet -s/--size --sort= --sync -w/--watch="),
    "container prune": "--filter= -f/--force",
    "container rename": "",
    "container restore": (
        "-a/--all --file-locks --ignore-rootfs --ignore-static-ip --ignore-static-mac --ignore-volumes "
        "--import-previous= -i/--import= -k/--keep -l/--latest -n/--name= --pod= --print-stats "
        "-p/--publish= --tcp-established"),
    "container runlabel": (
        "--authfile= --cert-dir= --creds= --display -n/--name= -q/--quiet --replace --tls-verify"),
    "cp": "-a/--archive --overwrite",
    "create": (
        "--add-host= --annotation= --arch= -a/--attach= --authfile= --blkio-weight-device= "
        "--blkio-weight= --cap-add= --cap-drop= --cgroup-conf= --cgroup-parent= --cgroupns= --cgroups= "
        "--chrootdirs= --cidfile= --conmon-pidfile= --cpu-period= --cpu-quota= --cpu-rt-period= "
        "--cpu-rt-runtime= -c/--cpu-shares= --cpus= --cpuset-cpus= --cpuset-mems= --decryption-key= "
        "--device-cgroup-rule= --device-read-bps= --device-read-iops= --device-write-bps= "
        "--device-write-iops= --device= --disable-content-trust --dns-option= --dns-search= --dns= "
        "--entrypoint= --env-file= --env-host --env-merge= -e/--env= --expose= --gidmap= --gpus= "
        "--group-add= --group-entry= --health-cmd= --health-interval= --health-log-destination= "
        "--health-max-log-count= --health-max-log-size= --health-on-failure= --health-retries= "
        "--health-start-period= --health-startup-cmd= --health-startup-interval= "
        "--health-startup-retries= --health-startup-success= --health-startup-timeout= --health-timeout= "
        "--help -h/--hostname= --hosts-file= --hostuser= --http-proxy --image-volume= --init --init-ctr= "
        "--init-path= -i/--interactive --ip6= --ip= --ipc= --label-file= -l/--label= --log-driver= "
        "--log-opt= --mac-address= --memory-reservation= --memory-swap= --memory-swappiness= "
        "-m/--memory= --mount= --name= --network-alias= --network= --no-healthcheck --no-hostname "
        "--no-hosts --oom-kill-disable --oom-score-adj= --os= --passwd-entry= --personality= --pid= "
        "--pidfile= --pids-limit= --platform= --pod-id-file= --pod= --privileged -P/--publish-all "
        "-p/--publish= --pull= -q/--quiet --rdt-class= --read-only --read-only-tmpfs --replace "
        "--requires= --restart= --retry-delay= --retry= --rm --rootfs --sdnotify= --seccomp-policy= "
        "--secret= --security-opt= --shm-size-systemd= --shm-size= --stop-signal= --stop-timeout= "
        "--subgidname= --subuidname= --sysctl= --systemd= --timeout= --tls-verify --tmpfs= -t/--tty "
        "--tz= --uidmap= --ulimit= --umask= --unsetenv-all --unsetenv= -u/--user= --userns= --uts= "
        "--variant= -v/--volume= --volumes-from= -w/--workdir="),
    "diff": "--format= -l/--latest",
    "events": "-f/--filter= --format= --no-trunc --since= --stream --until=",
    "exec": (
        "-d/--detach --detach-keys= --env-file= -e/--env= -i/--interactive -l/--latest --preserve-fd= "
        "--preserve-fds= --privileged -t/--tty -u/--user= -w/--workdir="),
    "export": "-o/--output=",
    "farm": "",
    "farm build": (
        "--add-host= --annotation= --authfile= --build-arg-file= --build-arg= --build-context= "
        "--cache-from= --cache-to= --cache-ttl= --cap-add= --cap-drop= --cert-dir= --cgroup-parent= "
        "--cgroupns= --cleanup --compat-volumes --cpp-flag= --cpu-period= --cpu-quota= -c/--cpu-shares= "
        "--cpuset-cpus= --cpuset-mems= --creds= --decryption-key= --device= -D/--disable-compression "
        "--dns-option= --dns-search= --dns= --env= --farm= -f/--file= --force-rm --format= --from= "
        "--group-add= --hooks-dir= --http-proxy --identity-label --ignorefile= --iidfile= --ipc= "
        "--isolation= --jobs= --label= --layer-label= --layers -l/--local --logfile= --memory-swap= "
        "-m/--memory= --network= --no-cache --no-hostname --no-hosts --omit-history --os-feature= "
        "--os-version= --pid= --platforms= --pull -q/--quiet --retry-delay= --retry= --rm "
        "--runtime-flag= --sbom-image-output= --sbom-image-purl-output= --sbom-merge-strategy= "
        "--sbom-output= --sbom-purl-output= --sbom-scanner-command= --sbom-scanner-image= --sbom= "
        "--secret= --security-opt= --shm-size= --skip-unused-stages --squash --squash-all --ssh= "
        "-t/--tag= --target= --timestamp= --tls-verify --ulimit= --unsetenv= --unsetlabel= "
        "--userns-gid-map-group= --userns-gid-map= --userns-uid-map-user= --userns-uid-map= --userns= "
        "--uts= -v/--volume="),
    "farm create": "",
    "farm list": "--format=",
    "farm remove": "-a/--all",
    "farm update": "-a/--add= -d/--default -r/--remove=",
    "generate": "",
    "generate kube": "-f/--filename= --podman-only -r/--replicas= -s/--service -t/--type=",
    "generate spec": "-c/--compact -f/--filename= -n/--name",
    "generate systemd": (
        "--after= --container-prefix= -e/--env= -f/--files --format= -n/--name --new --no-header "
        "--pod-prefix= --requires= --restart-policy= --restart-sec= --separator= --start-timeout= "
        "--stop-timeout= --template --wants="),
    "healthcheck": "",
    "healthcheck run": "",
    "history": "--format= -H/--human --no-trunc -q/--quiet",
    "image": "",
    "image diff": "--format=",
    "image exists": "",
    "image inspect": "-f/--format=",
    "image list": (
        "-a/--all --digests -f/--filter= --format= --history --no-trunc -n/--noheading -q/--quiet "
        "--sort="),
    "image mount": "-a/--all --format=",
    "image prune": "-a/--all --build-cache --external --filter= -f/--force",
    "image rm": "-a/--all -f/--force -i/--ignore --no-prune",
    "image scp": "-q/--quiet",
    "image sign": "-a/--all --authfile= --cert-dir= -d/--directory= --sign-by=",
    "image tag": "",
    "image tree": "--whatrequires",
    "image trust": "",
    "image trust set": "-f/--pubkeysfile= -t/--type=",
    "image trust show": "-j/--json -n/--noheading --raw",
    "image unmount": "-a/--all -f/--force",
    "image untag": "",
    "images": (
        "-a/--all --digests -f/--filter= --format= --history --no-trunc -n/--noheading -q/--quiet "
        "--sort="),
    "import": "--arch= -c/--change= -m/--message= --os= -q/--quiet --variant=",
    "info": "-f/--format=",
    "init": "-a/--all -l/--latest",
    "inspect": "-f/--format= -l/--latest -s/--size -t/--type=",
    "kill": "-a/--all --cidfile= -l/--latest -s/--signal=",
    "kube": "",
    "kube apply": "--ca-cert-file= -f/--file= -k/--kubeconfig= --ns= -s/--service",
    "kube down": "--force",
    "kube generate": "-f/--filename= --podman-only -r/--replicas= -s/--service -t/--type=",
    "kube play": (
        "--annotation= --authfile= --build --cert-dir= --configmap= --context-dir= --creds= --force "
        "--ip= --log-driver= --log-opt= --mac-address= --network= --no-hostname --no-hosts --publish-all "
        "--publish= -q/--quiet --replace --seccomp-profile-root= --start --tls-verify --userns= "
        "-w/--wait"),
    "load": "-i/--input= -q/--quiet",
    "login": (
        "--authfile= --cert-dir= --compat-auth-file= --get-login --password-stdin -p/--password= "
        "--secret= --tls-verify -u/--username= -v/--verbose"),
    "logout": "-a/--all --authfile= --compat-auth-file=",
    "logs": "--color -f/--follow -l/--latest -n/--names --since= --tail= -t/--timestamps --until=",
    "machine": "",
    "machine init": (
        "--cpus= --disk-size= --ignition-path= --image-path= --image= -m/--memory= --now --playbook= "
        "--rootful --timezone= --usb= --user-mode-networking --username= --volume-driver= -v/--volume="),
    "machine inspect": "--format=",
    "machine list": "--all-providers --format= -n/--noheading -q/--quiet",
    "machine os": "",
    "machine os apply": "--restart",
    "machine reset": "-f/--force",
    "machine rm": "-f/--force --save-ignition --save-image --save-keys",
    "machine set": "--cpus= --disk-size= -m/--memory= --rootful --usb= --user-mode-networking",
    "machine ssh": "--username=",
    "machine start": "--no-info -q/--quiet",
    "machine stop": "",
    "manifest": "",
    "manifest add": (
        "--all --annotation= --arch= --artifact --artifact-config-type= --artifact-config= "
        "--artifact-exclude-titles --artifact-layer-type= --artifact-subject= --artifact-type= "
        "--authfile= --cert-dir= --creds= --features= --os-version= --os= --tls-verify --variant="),
    "manifest annotate": (
        "--annotation= --arch= --features= --index --os-features= --os-version= --os= --subject= "
        "--variant="),
    "manifest create": "--all -a/--amend --annotation= --tls-verify",
    "manifest exists": "",
    "manifest inspect": "--authfile= --tls-verify",
    "manifest push": (
        "--add-compression= --all --authfile= --cert-dir= --compression-format= --compression-level= "
        "--creds= --digestfile= --force-compression -f/--format= -q/--quiet --remove-signatures --rm "
        "--sign-by-sigstore-private-key= --sign-by-sigstore= --sign-by= --sign-passphrase-file= "
        "--tls-verify"),
    "manifest remove": "",
    "manifest rm": "-i/--ignore",
    "mount": "-a/--all --format= -l/--latest --no-trunc",
    "network": "",
    "network connect": "--alias= --ip6= --ip= --mac-address=",
    "network create": (
        "--disable-dns --dns= -d/--driver= --gateway= --ignore --interface-name= --internal --ip-range= "
        "--ipam-driver= --ipv6 --label= -o/--opt= --route= --subnet="),
    "network disconnect": "-f/--force",
    "network exists": "",
    "network ls": "-f/--filter= --format= --no-trunc -n/--noheading -q/--quiet",
    "network reload": "-a/--all -l/--latest",
    "network rm": "-f/--force -t/--time=",
    "network update": "--dns-add= --dns-drop=",
    "pause": "-a/--all --cidfile= -f/--filter= -l/--latest",
    "pod": "",
    "pod clone": (
        "--blkio-weight-device= --blkio-weight= --cgroup-parent= -c/--cpu-shares= --cpus= --cpuset-cpus= "
        "--cpuset-mems= --destroy --device-read-bps= --device-write-bps= --device= --gidmap= --gpus= "
        "--help -h/--hostname= --infra-command= --infra-conmon-pidfile= --infra-name= --label-file= "
        "-l/--label= --memory-swap= -m/--memory= -n/--name= --pid= --restart= --security-opt= "
        "--shm-size-systemd= --shm-size= --start --subgidname= --subuidname= --sysctl= --uidmap= "
        "--userns= --uts= -v/--volume= --volumes-from="),
    "pod create": (
        "--add-host= --blkio-weight-device= --blkio-weight= --cgroup-parent= -c/--cpu-shares= --cpus= "
        "--cpuset-cpus= --cpuset-mems= --device-read-bps= --device-write-bps= --device= --dns-option= "
        "--dns-search= --dns= --exit-policy= --gidmap= --gpus= --help -h/--hostname= --hosts-file= "
        "--infra --infra-command= --infra-conmon-pidfile= --infra-image= --infra-name= --ip6= --ip= "
        "--label-file= -l/--label= --mac-address= --memory-swap= -m/--memory= -n/--name= "
        "--network-alias= --network= --no-hostname --no-hosts --pid= --pod-id-file= -p/--publish= "
        "--replace --restart= --security-opt= --share-parent --share= --shm-size-systemd= --shm-size= "
        "--subgidname= --subuidname= --sysctl= --uidmap= --userns= --uts= -v/--volume= --volumes-from="),
    "pod exists": "",
    "pod inspect": "-f/--format= -l/--latest",
    "pod kill": "-a/--all -l/--latest -s/--signal=",
    "pod logs": (
        "--color -c/--container= -f/--follow -l/--latest -n/--names --since= --tail= -t/--timestamps "
        "--until="),
    "pod pause": "-a/--all -l/--latest",
    "pod prune": "-f/--force",
    "pod ps": (
        "--ctr-ids --ctr-names --ctr-status -f/--filter= --format= -l/--latest --no-trunc -n/--noheading "
        "--ns -q/--quiet --sort="),
    "pod restart": "-a/--all -l/--latest",
    "pod rm": "-a/--all -f/--force -i/--ignore -l/--latest --pod-id-file= -t/--time=",
    "pod start": "-a/--all -l/--latest --pod-id-file=",
    "pod stats": "-a/--all --format= -l/--latest --no-reset --no-stream",
    "pod stop": "-a/--all -i/--ignore -l/--latest --pod-id-file= -t/--time=",
    "pod unpause": "-a/--all -l/--latest",
    "port": "-a/--all -l/--latest",
    "ps": (
        "-a/--all --external -f/--filter= --format= -n/--last= -l/--latest --no-trunc --noheading --ns "
        "-p/--pod -q/--quiet -s/--size --sort= --sync -w/--watch="),
    "pull": (
        "-a/--all-tags --arch= --authfile= --cert-dir= --creds= --decryption-key= "
        "--disable-content-trust --os= --platform= -q/--quiet --retry-delay= --retry= --tls-verify "
        "--variant="),
    "push": (
        "--authfile= --cert-dir= --compress --compression-format= --compression-level= --creds= "
        "--digestfile= --disable-content-trust --encrypt-layer= --encryption-key= --force-compression "
        "-f/--format= -q/--quiet --remove-signatures --retry-delay= --retry= "
        "--sign-by-sigstore-private-key= --sign-by-sigstore= --sign-by= --sign-passphrase-file= "
        "--tls-verify"),
    "rename": "",
    "restart": "-a/--all --cidfile= -f/--filter= -l/--latest --running -t/--time=",
    "rm": (
        "-a/--all --cidfile= --depend --filter= -f/--force -i/--ignore -l/--latest -t/--time= "
        "-v/--volumes"),
    "rmi": "-a/--all -f/--force -i/--ignore --no-prune",
    "run": (
        "--add-host= --annotation= --arch= -a/--attach= --authfile= --blkio-weight-device= "
        "--blkio-weight= --cap-add= --cap-drop= --cgroup-conf= --cgroup-parent= --cgroupns= --cgroups= "
        "--chrootdirs= --cidfile= --conmon-pidfile= --cpu-period= --cpu-quota= --cpu-rt-period= "
        "--cpu-rt-runtime= -c/--cpu-shares= --cpus= --cpuset-cpus= --cpuset-mems= --decryption-key= "
        "-d/--detach --detach-keys= --device-cgroup-rule= --device-read-bps= --device-read-iops= "
        "--device-write-bps= --device-write-iops= --device= --disable-content-trust --dns-option= "
        "--dns-search= --dns= --entrypoint= --env-file= --env-host --env-merge= -e/--env= --expose= "
        "--gidmap= --gpus= --group-add= --group-entry= --health-cmd= --health-interval= "
        "--health-log-destination= --health-max-log-count= --health-max-log-size= --health-on-failure= "
        "--health-retries= --health-start-period= --health-startup-cmd= --health-startup-interval= "
        "--health-startup-retries= --health-startup-success= --health-startup-timeout= --health-timeout= "
        "--help -h/--hostname= --hosts-file= --hostuser= --http-proxy --image-volume= --init "
        "--init-path= -i/--interactive --ip6= --ip= --ipc= --label-file= -l/--label= --log-driver= "
        "--log-opt= --mac-address= --memory-reservation= --memory-swap= --memory-swappiness= "
        "-m/--memory= --mount= --name= --network-alias= --network= --no-healthcheck --no-hostname "
        "--no-hosts --oom-kill-disable --oom-score-adj= --os= --passwd --passwd-entry= --personality= "
        "--pid= --pidfile= --pids-limit= --platform= --pod-id-file= --pod= --preserve-fd= "
        "--preserve-fds= --privileged -P/--publish-all -p/--publish= --pull= -q/--quiet --rdt-class= "
        "--read-only --read-only-tmpfs --replace --requires= --restart= --retry-delay= --retry= --rm "
        "--rmi --rootfs --sdnotify= --seccomp-policy= --secret= --security-opt= --shm-size-systemd= "
        "--shm-size= --sig-proxy --stop-signal= --stop-timeout= --subgidname= --subuidname= --sysctl= "
        "--systemd= --timeout= --tls-verify --tmpfs= -t/--tty --tz= --uidmap= --ulimit= --umask= "
        "--unsetenv-all --unsetenv= -u/--user= --userns= --uts= --variant= -v/--volume= --volumes-from= "
        "-w/--workdir="),
    "save": "--compress --format= -m/--multi-image-archive -o/--output= -q/--quiet --uncompressed",
    "search": (
        "--authfile= --cert-dir= --compatible --creds= -f/--filter= --format= --limit= --list-tags "
        "--no-trunc --tls-verify"),
    "secret": "",
    "secret create": "--driver-opts= -d/--driver= --env -l/--label= --replace",
    "secret exists": "",
    "secret inspect": "-f/--format= --pretty --showsecret",
    "secret ls": "-f/--filter= --format= -n/--noheading -q/--quiet",
    "secret rm": "-a/--all -i/--ignore",
    "start": "--all -a/--attach --detach-keys= -f/--filter= -i/--interactive -l/--latest --sig-proxy",
    "stats": "-a/--all --format= -i/--interval= -l/--latest --no-reset --no-stream --no-trunc",
    "stop": "-a/--all --cidfile= -f/--filter= -i/--ignore -l/--latest -t/--time=",
    "system": "",
    "system check": "-f/--force -m/--max= -q/--quick -r/--repair",
    "system connection": "",
    "system connection add": "-d/--default --identity= -p/--port= --socket-path=",
    "system connection default": "",
    "system connection list": "-f/--format= -q/--quiet",
    "system connection rename": "",
    "system df": "--format= -v/--verbose",
    "system migrate": "--new-runtime=",
    "system prune": "-a/--all --build --external --filter= -f/--force --volumes",
    "system renumber": "",
    "system service": "--cors= -t/--time=",
    "tag": "",
    "top": "-l/--latest",
    "unmount": "-a/--all -f/--force -l/--latest",
    "unpause": "-a/--all --cidfile= -f/--filter= -l/--latest",
    "unshare": "--rootless-netns",
    "untag": "",
    "update": (
        "--blkio-weight-device= --blkio-weight= --cpu-period= --cpu-quota= --cpu-rt-period= "
        "--cpu-rt-runtime= -c/--cpu-shares= --cpus= --cpuset-cpus= --cpuset-mems= --device-read-bps= "
        "--device-read-iops= --device-write-bps= --device-write-iops= --health-cmd= --health-interval= "
        "--health-log-destination= --health-max-log-count= --health-max-log-size= --health-on-failure= "
        "--health-retries= --health-start-period= --health-startup-cmd= --health-startup-interval= "
        "--health-startup-retries= --health-startup-success= --health-startup-timeout= --health-timeout= "
        "--memory-reservation= --memory-swap= --memory-swappiness= -m/--memory= --no-healthcheck "
        "--pids-limit= --restart="),
    "version": "-f/--format=",
    "volume": "",
    "volume create": "-d/--driver= --ignore -l/--label= -o/--opt=",
    "volume exists": "",
    "volume import": "",
    "volume inspect": "-a/--all -f/--format=",
    "volume mount": "",
    "volume reload": "",
    "volume rm": "-a/--all -f/--force -t/--time=",
    "volume unmount": "",
    "wait": "--condition= --ignore -i/--interval= -l/--latest",
}

PODMAN_SAME = {
    "artifact list": "artifact ls",
    "artifact remove": "artifact rm",
    "container attach": "attach",
    "container commit": "commit",
    "container cp": "cp",
    "container create": "create",
    "container diff": "diff",
    "container exec": "exec",
    "container export": "export",
    "container init": "init",
    "container kill": "kill",
    "container logs": "logs",
    "container ls": "container list",
    "container mount": "mount",
    "container pause": "pause",
    "container port": "port",
    "container ps": "ps",
    "container restart": "restart",
    "container rm": "rm",
    "container run": "run",
    "container start": "start",
    "container stats": "stats",
    "container stop": "stop",
    "container top": "top",
    "container umount": "unmount",
    "container unmount": "unmount",
    "container unpause": "unpause",
    "container update": "update",
    "container wait": "wait",
    "farm ls": "farm list",
    "farm rm": "farm remove",
    "image build": "build",
    "image history": "history",
    "image import": "import",
    "image load": "load",
    "image ls": "image list",
    "image pull": "pull",
    "image push": "push",
    "image save": "save",
    "image search": "search",
    "image umount": "image unmount",
    "machine info": "info",
    "machine ls": "machine list",
    "network inspect": "image inspect",
    "network list": "network ls",
    "network prune": "container prune",
    "network remove": "network rm",
    "pod list": "pod ps",
    "pod ls": "pod ps",
    "pod top": "top",
    "secret list": "secret ls",
    "system connection ls": "system connection list",
    "system connection mv": "system connection rename",
    "system connection remove": "farm remove",
    "system connection rm": "farm remove",
    "system events": "events",
    "system info": "info",
    "system reset": "machine reset",
    "umount": "unmount",
    "volume export": "export",
    "volume list": "secret ls",
    "volume ls": "secret ls",
    "volume prune": "container prune",
    "volume remove": "volume rm",
}

SKOPEO_VERSIONS = ("1.9.3",)

SKOPEO = {
    "": (
        "--command-timeout= --debug -h/--help --insecure-policy --override-arch= --override-os= "
        "--override-variant= --policy= --registries-conf= --registries.d= --tmpdir= -v/--version"),
    "copy": (
        "--additional-tag= -a/--all --authfile= --decryption-key= --dest-authfile= --dest-cert-dir= "
        "--dest-compress --dest-compress-format= --dest-compress-level= --dest-creds= "
        "--dest-daemon-host= --dest-decompress --dest-no-creds --dest-oci-accept-uncompressed-layers "
        "--dest-password= --dest-precompute-digests --dest-registry-token= --dest-shared-blob-dir= "
        "--dest-tls-verify --dest-username= --digestfile= --encrypt-layer= --encryption-key= "
        "-f/--format= -h/--help --multi-arch= --preserve-digests -q/--quiet --remove-signatures "
        "--retry-times= --sign-by-sigstore-private-key= --sign-by= --sign-identity= "
        "--sign-passphrase-file= --src-authfile= --src-cert-dir= --src-creds= --src-daemon-host= "
        "--src-no-creds --src-password= --src-registry-token= --src-shared-blob-dir= --src-tls-verify "
        "--src-username="),
    "delete": (
        "--authfile= --cert-dir= --creds= --daemon-host= -h/--help --no-creds --password= "
        "--registry-token= --retry-times= --shared-blob-dir= --tls-verify --username="),
    "inspect": (
        "--authfile= --cert-dir= --config --creds= --daemon-host= -f/--format= -h/--help --no-creds "
        "-n/--no-tags --password= --raw --registry-token= --retry-times= --shared-blob-dir= --tls-verify "
        "--username="),
    "list-tags": (
        "--authfile= --cert-dir= --creds= -h/--help --no-creds --password= --registry-token= "
        "--retry-times= --tls-verify --username="),
    "login": (
        "--authfile= --cert-dir= --get-login -h/--help --password-stdin -p/--password= --tls-verify "
        "-u/--username= -v/--verbose"),
    "logout": "-a/--all --authfile= -h/--help --tls-verify",
    "manifest-digest": "-h/--help",
    "standalone-sign": "-h/--help -o/--output= --passphrase-file=",
    "standalone-verify": "-h/--help",
    "sync": (
        "-a/--all --authfile= --dest-authfile= --dest-cert-dir= --dest-creds= --dest-no-creds "
        "--dest-password= --dest-registry-token= --dest-tls-verify --dest-username= -d/--dest= --dry-run "
        "-f/--format= -h/--help --keep-going --preserve-digests --remove-signatures --retry-times= "
        "--scoped --sign-by-sigstore-private-key= --sign-by= --sign-passphrase-file= --src-authfile= "
        "--src-cert-dir= --src-creds= --src-no-creds --src-password= --src-registry-token= "
        "--src-tls-verify --src-username= -s/--src="),
}

SKOPEO_SAME = {
}
