# SPDX-License-Identifier: GPL-2.0
"""tcpinc_netns.py - enter a named network namespace (ip netns) from Python,
for tools that put the two ends of a connection in one process."""
import ctypes
import os

CLONE_NEWNET = 0x40000000


def setns(name):
    """Move this thread into /var/run/netns/NAME; sockets created later live
    there, sockets created before stay where they were."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/var/run/netns/" + name, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + name)
    finally:
        os.close(fd)
