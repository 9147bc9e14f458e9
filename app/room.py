"""Serving the whole room: the addresses students type to reach this computer.

`backprop-lab --room` listens on every address; a teacher then needs the one the room's network
knows this computer by. It is found with the standard library alone, on Linux, macOS and Windows,
and without sending anything: asking no server, needing no outside network.
"""

import ipaddress
import socket
import threading

EVERY_ADDRESS = "0.0.0.0"  # what a server listens on to be reached from the whole room
# Connecting a UDP socket sends nothing: it only asks the system which interface a packet to this
# private address would leave by, and that interface's address is the one the room's network knows.
# Not 10.255.255.255: on a network of 10.0.0.0/8 that is the broadcast address, which connect() refuses.
PRIVATE_DESTINATION = ("10.254.254.254", 1)
NAME_TIMEOUT = 2.0  # s: looking up this computer's own name can wait on a name server that never answers


def outgoing_address() -> str | None:
    """The address this computer sends from towards a private network, or None with no route."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(PRIVATE_DESTINATION)
            return probe.getsockname()[0]
        except OSError:  # no network at all: no route to choose
            return None


def named_addresses(timeout: float = NAME_TIMEOUT) -> list[str]:
    """The IPv4 addresses this computer's name resolves to, or [] if they are not known in `timeout` s."""
    found: list[str] = []

    def look_up():
        try:
            found.extend(info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET))
        except (OSError, UnicodeError):  # no name, or one that cannot be looked up
            pass

    # A daemon thread: a lookup that hangs must not hold the server's start, nor its exit.
    looking = threading.Thread(target=look_up, daemon=True)
    looking.start()
    looking.join(timeout)
    return list(found) if not looking.is_alive() else []


def reachable(address: str) -> bool:
    """An IPv4 address another computer could reach this one at: not loopback, 0.0.0.0 or multicast."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.version == 4 and not (ip.is_loopback or ip.is_unspecified or ip.is_multicast)


def room_addresses(outgoing=outgoing_address, named=named_addresses) -> list[str]:
    """This computer's IPv4 addresses on the local network, the most likely first, or [] if none is found.

    The outgoing interface's address comes first: it is the one on the network a packet would
    leave by. The name's addresses follow, for a computer on two networks. Loopback (which
    `getaddrinfo` often gives, as 127.0.1.1 on Debian) is left out: no student can type it.
    """
    found: list[str] = []
    for address in [outgoing(), *named()]:
        if address and reachable(address) and address not in found:
            found.append(address)
    return found


def students_open(port: int, addresses: list[str]) -> str:
    """The line that tells a teacher what students type, or how to find it when no address was found."""
    if addresses:
        return "Students open: " + " or ".join(f"http://{address}:{port}/" for address in addresses)
    return (f"No network address found: students open http://<this computer's address>:{port}/ "
            "(the computer's network settings show its address).")
