"""
The AWS API emulator of the real-Terraform suites: moto's server, with the gaps that matter to this
project filled in Python instead of worked around in the synthesized JSON.

moto's response classes dispatch an API action to the method of the same snake_case name
(CognitoIdpResponse.set_risk_configuration for SetRiskConfiguration), so adding or replacing such a
method fills a gap without forking moto. Each ext_<service>.py beside this file holds one service's
extensions and exposes install(); this launcher installs every one of them, then hands its
arguments to moto's own server entry point (the same flags as `moto_server`).

One flag of its own: --plain-http-port N also serves the same emulator (same process, same state) over
plain HTTP on N, next to the main port (HTTPS when --ssl-cert/--ssl-key are given). It exists so a test
can send a request without TLS and see a TLS-only bucket policy deny it (ext_s3.py reads the scheme).

Two more: --authz record|enforce turns on IAM authorization of every request (ext_authz.py: "record" decides
and logs, "enforce" also refuses what AWS would refuse; off without the flag), --authz-log FILE names the
decision log (one JSON line per decision).

Usage: python3 launcher.py [--plain-http-port N] [--authz MODE --authz-log FILE] [moto_server arguments, e.g. -H 127.0.0.1 -p 5000 -c cert -k key]
"""
import importlib
import os
import pathlib
import sys
import threading

HERE = pathlib.Path(__file__).resolve().parent


def install_extensions() -> list[str]:
    sys.path.insert(0, str(HERE))
    installed = []
    for path in sorted(HERE.glob("ext_*.py")):
        module = importlib.import_module(path.stem)
        module.install()
        installed.append(path.stem)
    return installed


def take_option(argv: list[str], name: str) -> tuple[str | None, list[str]]:
    """Removes `name value` from argv (moto's parser would refuse it)."""
    if name not in argv:
        return None, argv
    i = argv.index(name)
    return argv[i + 1], argv[:i] + argv[i + 2 :]


def host_of(argv: list[str]) -> str:
    for flag in ("-H", "--host"):
        if flag in argv:
            return argv[argv.index(flag) + 1]
    return "127.0.0.1"


def serve_plain_http(host: str, port: int) -> None:
    from moto.server import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    server = make_server(host, port, DomainDispatcherApplication(create_backend_app), threaded=True)
    threading.Thread(target=server.serve_forever, name="plain-http", daemon=True).start()


def main(argv: list[str]) -> None:
    plain_port, argv = take_option(argv, "--plain-http-port")
    # ext_authz.py reads these when it is installed.
    mode, argv = take_option(argv, "--authz")
    log, argv = take_option(argv, "--authz-log")
    os.environ["TASKFLOW_AUTHZ_MODE"] = mode or "off"
    if log is not None:
        os.environ["TASKFLOW_AUTHZ_LOG"] = log
    installed = install_extensions()
    print(f"emulator: moto with {', '.join(installed) or 'no extensions'}", file=sys.stderr, flush=True)
    import moto.server

    if plain_port is not None:
        serve_plain_http(host_of(argv), int(plain_port))
        print(f"emulator: plain HTTP on port {plain_port}", file=sys.stderr, flush=True)
    moto.server.main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
