"""What Python's socket.getaddrinfo (the C library's, with AI_CANONNAME) says of a name, as JSON.

Usage: addrinfo.py NAME [SERVICE] [IPv4|IPv6] [Stream|Dgram]   ('' for an argument left out)
Prints {"entries": [{Family, SocketType, Protocol, Address, Port, CanonicalName}, ...]} in the resolver's
order, with .NET's names for families and socket types, or {"error": "EAI_NONAME"} (the EAI_* name) on failure.
"""
import json
import socket
import sys

FAMILIES = {"": 0, "IPv4": socket.AF_INET, "IPv6": socket.AF_INET6}
TYPES = {"": 0, "Stream": socket.SOCK_STREAM, "Dgram": socket.SOCK_DGRAM}
FAMILY_NAMES = {socket.AF_INET: "InterNetwork", socket.AF_INET6: "InterNetworkV6"}
TYPE_NAMES = {socket.SOCK_STREAM: "Stream", socket.SOCK_DGRAM: "Dgram", socket.SOCK_RAW: "Raw"}


def main():
    name, service, family, kind = (sys.argv[1:] + ["", "", ""])[:4]
    try:
        found = socket.getaddrinfo(name, service or None, FAMILIES[family], TYPES[kind], 0, socket.AI_CANONNAME)
    except socket.gaierror as error:
        codes = [n for n in dir(socket) if n.startswith("EAI_") and getattr(socket, n) == error.errno]
        print(json.dumps({"error": codes[0] if codes else str(error.errno)}))
        return
    canonical = found[0][3]
    entries = [{"Family": FAMILY_NAMES[f], "SocketType": TYPE_NAMES[t], "Protocol": p, "Address": a[0], "Port": a[1],
                "CanonicalName": canonical} for f, t, p, _, a in found]
    print(json.dumps({"entries": entries}))


main()
