"""deploy/site.conf filled in for a list of Streamlit processes: deploy/run.py uses it; on a server, print it.

    python deploy/nginx_conf.py 10.0.0.11:8501 10.0.0.11:8502 10.0.0.12:8501 --listen "443 ssl"
"""

import argparse
import ipaddress
import re
from pathlib import Path

TEMPLATE = Path(__file__).with_name("site.conf")


def check_address(address: str) -> str:
    """An IP:port as nginx reports it in $upstream_addr (a host name would show up there as its IP)."""
    host, _, port = address.rpartition(":")
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        raise ValueError(f"{address!r}: give each process as IP:port (e.g. 10.0.0.11:8501)") from None
    if not port.isdigit():
        raise ValueError(f"{address!r}: no port")
    return address


def processes_block(addresses: list[str]) -> str:
    """The upstreams and maps that route a browser by its makemore_route cookie (a process number)."""
    numbered = list(enumerate(addresses, 1))
    lines = ["upstream makemore_new {    # browsers without a route cookie, in turn"]
    lines += [f"    server {a};" for a in addresses]
    lines += ["}"]
    for i, address in numbered:
        lines += [f"upstream makemore_{i} {{"]
        lines += [f"    server {address};"]
        lines += [f"    server {other} backup;" for other in addresses if other != address]
        lines += ["}"]
    lines += ["map $cookie_makemore_route $makemore_upstream {", "    default makemore_new;"]
    lines += [f"    {i} makemore_{i};" for i, _ in numbered]
    lines += ["}"]
    # $upstream_addr lists every address tried ("a, b"); the last one answered.
    lines += ["map $upstream_addr $makemore_served_by {"]
    lines += [f"    ~(^|\\s){re.escape(address)}$ {i};" for i, address in numbered]
    lines += ["}"]
    return "\n".join(lines)


def render(addresses: list[str], listen: str) -> str:
    if not addresses or len(set(addresses)) != len(addresses):
        raise ValueError("give one or more distinct process addresses")
    block = processes_block([check_address(a) for a in addresses])
    return TEMPLATE.read_text().replace("@PROCESSES@", block).replace("@LISTEN@", listen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("addresses", nargs="+", help="each Streamlit process as IP:port")
    parser.add_argument("--listen", default="127.0.0.1:8080",
                        help="what follows `listen` in the server block (default 127.0.0.1:8080)")
    args = parser.parse_args()
    try:
        print(render(args.addresses, args.listen), end="")
    except ValueError as e:
        parser.error(str(e))


if __name__ == "__main__":
    main()
