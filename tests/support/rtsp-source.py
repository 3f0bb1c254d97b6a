#!/usr/bin/python3
# A live RTSP camera for media tests: GstRtspServer serving a 640x360 25 fps H.264 test pattern
# (and, with --audio, an AAC tone) on 127.0.0.1:PORT/PATH. The media is shared, so every client
# sees the same live stream, as with a real camera. With --user/--password the mount requires
# HTTP basic authentication, so a test can check how a restreamer reports wrong credentials.
#
# Run with the system python (/usr/bin/python3): it needs python3-gi and the GstRtspServer typelib.
# Prints "READY rtsp://..." on stdout once the server is attached to the main loop.
import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/cam")
    parser.add_argument("--user", default="")
    parser.add_argument("--password", default="")
    parser.add_argument("--audio", action="store_true", help="add an AAC tone (voaacenc)")
    args = parser.parse_args()
    if not args.path.startswith("/"):
        args.path = "/" + args.path

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))

    # is-live: frames come at the wall-clock rate like a camera's, not as fast as the CPU allows.
    launch = (
        "( videotestsrc is-live=true pattern=smpte"
        " ! video/x-raw,width=640,height=360,framerate=25/1"
        " ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25"
        " ! rtph264pay name=pay0 pt=96 config-interval=1"
    )
    if args.audio:
        launch += (
            " audiotestsrc is-live=true wave=sine freq=440"
            " ! audio/x-raw,rate=48000,channels=2 ! audioconvert ! voaacenc bitrate=64000"
            " ! rtpmp4gpay name=pay1 pt=97"
        )
    launch += " )"

    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch)
    factory.set_shared(True)

    if args.user:
        auth = GstRtspServer.RTSPAuth()
        # The token a successful basic login gets: its role names the factory permissions below.
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "viewer")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
        server.set_auth(auth)
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_permission_for_role(
            "viewer", GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS, True
        )
        permissions.add_permission_for_role(
            "viewer", GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, True
        )
        factory.set_permissions(permissions)

    server.get_mount_points().add_factory(args.path, factory)
    if server.attach(None) == 0:
        print(f"cannot listen on 127.0.0.1:{args.port}", file=sys.stderr, flush=True)
        return 1

    loop = GLib.MainLoop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    print(f"READY rtsp://127.0.0.1:{args.port}{args.path}", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
