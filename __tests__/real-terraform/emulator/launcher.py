"""
The AWS API emulator of the real-Terraform suites: moto's server, with the gaps that matter to this
project filled in Python instead of worked around in the synthesized JSON.

moto's response classes dispatch an API action to the method of the same snake_case name
(CognitoIdpResponse.set_risk_configuration for SetRiskConfiguration), so adding or replacing such a
method fills a gap without forking moto. Each ext_<service>.py beside this file holds one service's
extensions and exposes install(); this launcher installs every one of them, then hands its
arguments to moto's own server entry point (the same flags as `moto_server`).

Usage: python3 launcher.py [moto_server arguments, e.g. -H 127.0.0.1 -p 5000]
"""
import importlib
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent


def install_extensions() -> list[str]:
    sys.path.insert(0, str(HERE))
    installed = []
    for path in sorted(HERE.glob("ext_*.py")):
        module = importlib.import_module(path.stem)
        module.install()
        installed.append(path.stem)
    return installed


def main(argv: list[str]) -> None:
    installed = install_extensions()
    print(f"emulator: moto with {', '.join(installed) or 'no extensions'}", file=sys.stderr, flush=True)
    import moto.server

    moto.server.main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
