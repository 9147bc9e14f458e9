"""Serving the whole room: which addresses students are told to open, found without any network.

Every socket call is replaced, so these tests say the same on a laptop on Wi-Fi, a machine with
no network at all, and one whose name server never answers.
"""

import socket
import threading

import pytest

from app import cli, room


class FakeUdp:
    """A UDP socket whose connect() picks `source` as the outgoing address, or fails without a route."""

    def __init__(self, source):
        self.source = source
        self.connected = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def connect(self, address):
        self.connected = address
        if self.source is None:
            raise OSError(101, "Network is unreachable")

    def getsockname(self):
        return (self.source, 40000)


def test_the_outgoing_address_is_the_interface_a_private_packet_would_leave_by(monkeypatch):
    probe = FakeUdp("192.168.1.23")
    monkeypatch.setattr(room.socket, "socket", lambda *args: probe)
    assert room.outgoing_address() == "192.168.1.23"
    assert probe.connected == room.PRIVATE_DESTINATION  # a private address: connect() sends nothing on UDP


def test_no_route_gives_no_outgoing_address(monkeypatch):
    monkeypatch.setattr(room.socket, "socket", lambda *a: FakeUdp(None))
    assert room.outgoing_address() is None


def test_the_names_addresses(monkeypatch):
    monkeypatch.setattr(room.socket, "gethostname", lambda: "teacher-laptop")
    answers = {"teacher-laptop": [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.1.1", 0)),
                                  (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 0))]}
    monkeypatch.setattr(room.socket, "getaddrinfo", lambda name, port, family: answers[name])
    assert room.named_addresses() == ["127.0.1.1", "10.0.0.5"]


def test_a_name_that_cannot_be_looked_up_gives_none(monkeypatch):
    def unknown(*args):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(room.socket, "getaddrinfo", unknown)
    assert room.named_addresses() == []


def test_a_lookup_that_hangs_is_given_up_on(monkeypatch):
    released = threading.Event()
    monkeypatch.setattr(room.socket, "getaddrinfo", lambda *args: released.wait(10) and [])
    try:
        assert room.named_addresses(timeout=0.1) == []
    finally:
        released.set()


@pytest.mark.parametrize("address, ok", [
    ("192.168.1.23", True), ("10.0.0.5", True), ("172.16.4.2", True),
    ("169.254.3.7", True),  # self-assigned: a room's switch with no router still reaches it
    ("127.0.0.1", False), ("127.0.1.1", False), ("0.0.0.0", False), ("224.0.0.1", False),
    ("fe80::1", False), ("", False), ("not an address", False),
])
def test_reachable(address, ok):
    assert room.reachable(address) is ok


def test_the_outgoing_address_first_then_the_names_without_loopback_or_repeats():
    found = room.room_addresses(outgoing=lambda: "192.168.1.23",
                                named=lambda: ["127.0.1.1", "192.168.1.23", "10.0.0.5"])
    assert found == ["192.168.1.23", "10.0.0.5"]


def test_no_network_finds_no_address():
    assert room.room_addresses(outgoing=lambda: None, named=lambda: ["127.0.0.1"]) == []


def test_what_students_are_told():
    assert room.students_open(8050, ["192.168.1.23"]) == "Students open: http://192.168.1.23:8050/"
    assert room.students_open(9000, ["192.168.1.23", "10.0.0.5"]) == (
        "Students open: http://192.168.1.23:9000/ or http://10.0.0.5:9000/")
    fallback = room.students_open(8050, [])
    assert fallback.startswith("No network address found: students open http://<this computer's address>:8050/")


@pytest.fixture
def served(monkeypatch):
    """The command line with the server recorded, not run, and the room's address fixed."""
    calls = []
    monkeypatch.setattr(cli, "serve", lambda server, host, port, threads: calls.append((host, port)))
    monkeypatch.setattr(room, "room_addresses", lambda: ["192.168.1.23"])
    return calls


def test_room_listens_on_every_address_and_says_what_students_open(served, capsys):
    cli.main(["--room"])
    assert served == [("0.0.0.0", 8050)]
    out = capsys.readouterr().out
    assert "Students open: http://192.168.1.23:8050/\n" in out and "0.0.0.0" not in out


def test_host_every_address_says_the_same(served, capsys):
    cli.main(["--host", "0.0.0.0", "--port", "9000"])
    assert served == [("0.0.0.0", 9000)]
    assert "Students open: http://192.168.1.23:9000/\n" in capsys.readouterr().out


def test_this_computer_only_names_no_room_address(served, capsys):
    cli.main([])
    assert served == [("127.0.0.1", 8050)]
    out = capsys.readouterr().out
    assert "open http://127.0.0.1:8050/" in out and "Students" not in out


def test_room_with_host_is_refused(served, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--room", "--host", "192.168.1.23"])
    assert stop.value.code == 2 and served == []
    assert "not allowed with argument --room" in capsys.readouterr().err
