"""Links a phone cannot open: a voting or board link that names this machine's loopback
address (or 0.0.0.0), and what to set so that it names one the local network reaches."""

from __future__ import annotations

import ipaddress
import logging
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from attendance.settings import Settings

logger = logging.getLogger(__name__)

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
# Any address outside this machine (TEST-NET-1, RFC 5737): a UDP socket "connected" to it
# only picks the route out, and with it the local address; no packet is sent.
OUTSIDE = ("192.0.2.1", 9)

WHY = {
    "loopback": (
        "Điện thoại và máy tính khác không mở được liên kết này: {host} là địa chỉ của chính "
        "máy chủ, chỉ máy chủ tự mở được.",
        "Phones and other computers cannot open this link: {host} is the server's own "
        "address, which only the server itself can open.",
    ),
    "unspecified": (
        "Điện thoại và máy tính khác không mở được liên kết này: {host} không phải là địa chỉ "
        "để kết nối tới.",
        "Phones and other computers cannot open this link: {host} is not an address anyone "
        "can connect to.",
    ),
}
FIX = {
    "listen": (
        "Hãy đặt ATTEND_PUBLIC_URL={url} (địa chỉ của máy này trong mạng nội bộ) và khởi động "
        "máy chủ bằng lệnh attendance serve --host 0.0.0.0.",
        "Set ATTEND_PUBLIC_URL={url} (this machine's address on the local network) and start "
        "the server with attendance serve --host 0.0.0.0.",
    ),
    "public_url": (
        "Hãy đặt ATTEND_PUBLIC_URL={url} (địa chỉ của máy này trong mạng nội bộ) rồi khởi động "
        "lại máy chủ.",
        "Set ATTEND_PUBLIC_URL={url} (this machine's address on the local network) and "
        "restart the server.",
    ),
}
UNKNOWN_ADDRESS = ("<địa chỉ IP của máy này>", "<this machine's IP address>")


@dataclass(frozen=True)
class UnreachableLink:
    """Why a link's host cannot be reached from another device, and what to set."""

    host: str
    kind: str  # "loopback" or "unspecified"
    listens_on_loopback: bool
    lan_address: str | None
    port: int

    def _index(self, lang: str) -> int:
        return 1 if lang == "en" else 0

    def why(self, lang: str) -> str:
        return WHY[self.kind][self._index(lang)].format(host=self.host)

    def fix(self, lang: str) -> str:
        i = self._index(lang)
        url = f"http://{self.lan_address or UNKNOWN_ADDRESS[i]}:{self.port}"
        return FIX["listen" if self.listens_on_loopback else "public_url"][i].format(url=url)

    def bilingual(self) -> str:
        """For an API answer: "tiếng Việt. English.", as every message the API gives."""
        return f"{self.why('vi')} {self.fix('vi')} {self.why('en')} {self.fix('en')}"


def _kind(host: str) -> str | None:
    name = host.strip("[]").rstrip(".").lower()
    if name in LOOPBACK_NAMES:
        return "loopback"
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return None
    if address.is_loopback:
        return "loopback"
    return "unspecified" if address.is_unspecified else None


def lan_address() -> str | None:
    """This machine's address on the network its default route leads to, if it has one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(OUTSIDE)
            address = str(probe.getsockname()[0])
    except OSError:
        return None
    return None if _kind(address) else address


def unreachable(url: str, settings: Settings) -> UnreachableLink | None:
    """Why phones cannot open `url` (a link this server hands out), or None when its host
    is an address or name the network may reach."""
    host = urlsplit(url).hostname or ""
    kind = _kind(host)
    if kind is None:
        return None
    return UnreachableLink(
        host=host,
        kind=kind,
        listens_on_loopback=_kind(settings.host) == "loopback",
        lan_address=lan_address(),
        port=settings.port,
    )
