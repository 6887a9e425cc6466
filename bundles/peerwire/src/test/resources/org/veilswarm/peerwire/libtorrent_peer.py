"""A libtorrent (python3-libtorrent 2.0.x) peer on 127.0.0.1 for the peer wire interop tests.

Run with /usr/bin/python3:
  seed <data_file> <piece_length> <v2|hybrid> <out.torrent>
      creates the torrent with libtorrent, seeds it, prints "version=<libtorrent version>",
      "port=<n>" and finally "ready", then serves until its standard input is closed
  download <magnet> <save_path> <peer_port>
      downloads from the one peer 127.0.0.1:<peer_port> and prints "metadata=", "hash_failures=",
      "pieces=", "total_pieces=", "seeding=" and "error=" lines
"""
import os
import sys
import time

import libtorrent as lt


def loopback_session():
    return lt.session({
        "listen_interfaces": "127.0.0.1:0",
        "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
        "dht_bootstrap_nodes": "",
        "enable_incoming_utp": False, "enable_outgoing_utp": False,
        "in_enc_policy": lt.enc_policy.disabled, "out_enc_policy": lt.enc_policy.disabled,
        "allow_multiple_connections_per_ip": True,
        "alert_mask": lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
    })


def seed(data_file, piece_length, mode, out):
    fs = lt.file_storage()
    lt.add_files(fs, data_file)
    flags = lt.create_torrent.v2_only if mode == "v2" else 0
    ct = lt.create_torrent(fs, int(piece_length), flags)
    save_path = os.path.dirname(os.path.abspath(data_file))
    lt.set_piece_hashes(ct, save_path)
    with open(out, "wb") as f:
        f.write(lt.bencode(ct.generate()))  # generate_buf() is broken in these bindings

    session = loopback_session()
    params = lt.add_torrent_params()
    with open(out, "rb") as f:
        params.ti = lt.torrent_info(lt.bdecode(f.read()))
    params.save_path = save_path
    params.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
    handle = session.add_torrent(params)
    deadline = time.time() + 60
    while time.time() < deadline and not handle.status().is_seeding:
        session.wait_for_alert(200)
        for alert in session.pop_alerts():
            if isinstance(alert, lt.torrent_error_alert):
                sys.exit("error=" + alert.message())
    if not handle.status().is_seeding:
        sys.exit("error=not seeding after the hash check")
    print("version=" + lt.__version__)
    print("port=%d" % session.listen_port())
    print("ready", flush=True)
    sys.stdin.read()  # until the test closes our input
    session.pause()


def settled_status(session, handle, seconds=10):
    """The torrent's status once its piece count agrees with its state: right after libtorrent turns to
    seeding, a status snapshot has been seen (once in CI) to count one piece fewer than the torrent has."""
    status = handle.status()
    end = time.time() + seconds
    while (status.is_seeding and handle.torrent_file() is not None
           and status.num_pieces < handle.torrent_file().num_pieces() and time.time() < end):
        session.wait_for_alert(100)
        session.pop_alerts()
        status = handle.status()
    return status


def download(magnet, save_path, peer_port):
    session = loopback_session()
    params = lt.parse_magnet_uri(magnet)
    params.save_path = save_path
    params.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
    handle = session.add_torrent(params)
    handle.connect_peer(("127.0.0.1", int(peer_port)))
    metadata = 0
    hash_failures = 0
    deadline = time.time() + 60
    while time.time() < deadline and not handle.status().is_seeding:
        session.wait_for_alert(200)
        for alert in session.pop_alerts():
            if isinstance(alert, lt.metadata_received_alert):
                metadata = 1
            elif isinstance(alert, lt.hash_failed_alert):
                hash_failures += 1
            elif isinstance(alert, (lt.torrent_error_alert, lt.metadata_failed_alert)):
                print("error=" + alert.message())
        if handle.status().num_peers == 0:
            handle.connect_peer(("127.0.0.1", int(peer_port)))
    status = settled_status(session, handle)
    print("metadata=%d" % metadata)
    print("hash_failures=%d" % hash_failures)
    print("pieces=%d" % status.num_pieces)
    print("total_pieces=%d" % (handle.torrent_file().num_pieces() if handle.torrent_file() else -1))
    print("seeding=%d" % (1 if status.is_seeding else 0), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        seed(*sys.argv[2:6])
    elif sys.argv[1] == "download":
        download(*sys.argv[2:5])
    else:
        sys.exit("unknown command " + sys.argv[1])
